package plugin

import (
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"github.com/lxcvirt/lxcvirt/driver"
)

// hostCheckInterval is how often the plugin checks that its host still runs.
const hostCheckInterval = 500 * time.Millisecond

// Serve is the plugin binary's main loop: it serves drv to the host that
// started it and closes drv when the host shuts the plugin down, sends it
// SIGTERM, or exits without a word (the plugin then exits too, so that a
// restarted daemon never finds a second driver on the same state). Closing
// the driver leaves containers running.
//
// logger must write to the real stderr and be made before Serve (see
// NewPluginLogger): Serve points os.Stdout and os.Stderr at go-plugin's
// stdio forwarding, and stdout carries the handshake. Run by hand, without
// the host's handshake cookie, Serve prints an explanation and exits 1.
func Serve(drv driver.Driver, logger *slog.Logger) {
	srv := NewServer(drv)
	stop := make(chan struct{})
	defer close(stop)
	go exitWithHost(srv, logger, stop)
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         goplugin.PluginSet{DriverPluginName: &DriverPlugin{Impl: drv, server: srv}},
		GRPCServer:      goplugin.DefaultGRPCServer,
		Logger:          newHCLog(logger),
	})
	if err := srv.closeDriver(); err != nil {
		logger.Error("close LXC driver", "err", err)
	}
	logger.Info("LXC driver plugin exiting")
}

// exitWithHost closes the driver and exits the process on SIGTERM or when
// the parent (the daemon) is gone.
func exitWithHost(srv *Server, logger *slog.Logger, stop <-chan struct{}) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	defer signal.Stop(sigs)
	parent := os.Getppid()
	tick := time.NewTicker(hostCheckInterval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case sig := <-sigs:
			logger.Info("LXC driver plugin stopping", "signal", sig.String())
		case <-tick.C:
			if os.Getppid() == parent {
				continue
			}
			logger.Warn("LXC driver plugin's host exited; stopping", "host_pid", parent)
		}
		if err := srv.closeDriver(); err != nil {
			logger.Error("close LXC driver", "err", err)
		}
		os.Exit(0)
	}
}
