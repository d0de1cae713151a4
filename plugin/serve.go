package plugin

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/settings"
)

// hostCheckInterval is how often the plugin checks that its host still runs.
const hostCheckInterval = 500 * time.Millisecond

// ErrNotLaunchedByHost is Serve's answer when the binary is run by hand.
var ErrNotLaunchedByHost = errors.New("this is lxcvirt's driver plugin: lxcvirtd starts it; it is not meant to be run by hand")

// Serve is the plugin binary's main loop. It checks that a host started
// it (go-plugin's handshake cookie) before anything else, serves the
// driver that open makes from the settings the host sends first
// (Configure), and closes it when the host shuts the plugin down, sends it
// SIGTERM, or exits without a word (the plugin then exits too, so that a
// restarted daemon never finds a second driver on the same state).
// Closing the driver leaves containers running.
//
// logger must write to the real stderr and be made before Serve (see
// NewPluginLogger): Serve points os.Stdout and os.Stderr at go-plugin's
// stdio forwarding, and stdout carries the handshake.
func Serve(logger *slog.Logger, open func(settings.Settings) (driverapi.Driver, error)) error {
	if os.Getenv(Handshake.MagicCookieKey) != Handshake.MagicCookieValue {
		return ErrNotLaunchedByHost
	}
	files, err := pluginFiles()
	if err != nil {
		return err
	}
	srv := newConfigurableServer(open, files)
	stop := make(chan struct{})
	defer close(stop)
	go exitWithHost(srv, logger, stop)
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         goplugin.PluginSet{DriverPluginName: &DriverPlugin{server: srv}},
		GRPCServer:      srv.grpcServer,
		Logger:          newHCLog(logger),
	})
	logger.Info("driver plugin exiting")
	if err := srv.closeDriver(); err != nil {
		return fmt.Errorf("close the driver: %w", err)
	}
	return nil
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
			logger.Info("driver plugin stopping", "signal", sig.String())
		case <-tick.C:
			if os.Getppid() == parent {
				continue
			}
			logger.Warn("driver plugin's host exited; stopping", "host_pid", parent)
		}
		if err := srv.closeDriver(); err != nil {
			logger.Error("close the driver", "err", err)
		}
		os.Exit(0)
	}
}
