// Command lxcvirtd is lxcvirt's daemon: it serves libvirt's remote protocol
// on a unix socket so that stock libvirt clients (virsh, virt-manager,
// libvirt-go …) manage LXC containers through the lxcvirt driver.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/lxcvirt/lxcvirt/driver"
	"github.com/lxcvirt/lxcvirt/remote/server"
)

const usage = `lxcvirtd serves libvirt's remote protocol for LXC containers.

Stock virsh (and any libvirt client) talks to it over a unix socket:

  lxcvirtd &
  virsh -c 'lxc:///system?socket=/run/lxcvirt/lxcvirt-sock' list --all

With --listen-default it also listens where virsh looks by default
(/run/libvirt/virtlxcd-sock), so a plain 'virsh -c lxc:///system' works
when libvirt's own LXC daemon is not installed.

Two sockets are created: PATH (mode 0600, full access) and PATH-ro (mode
0666, read-only: every call that changes something is refused). Under
systemd the sockets may come from socket activation instead
(dist/lxcvirtd.socket, dist/lxcvirtd-ro.socket).

On SIGTERM or SIGINT the daemon stops accepting clients, finishes the calls
in flight and exits 0. Running containers keep running.

Usage: lxcvirtd [flags]

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	cfg, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "lxcvirtd: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if err := serve(cfg, log); err != nil {
		log.Error("lxcvirtd failed", "err", err)
		return 1
	}
	return 0
}

// parseArgs reads the config file named by --config, then applies the
// other flags on top of it.
func parseArgs(args []string, out io.Writer) (config, error) {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("lxcvirtd", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, usage)
		fs.PrintDefaults()
		fmt.Fprint(out, "\n"+configHelp)
	}
	var (
		configFile string
		overrides  [][2]string
	)
	fs.StringVar(&configFile, "config", "", "read settings from `FILE` (format below); flags override it")
	for _, f := range []struct{ name, key, usage string }{
		{"socket", "socket", "read-write socket `PATH`; the read-only one is PATH-ro (default " + defaultSocket + ")"},
		{"state-dir", "state_dir", "`DIR` holding domain definitions and state (default " + driver.DefaultStateDir + ")"},
		{"lxcpath", "lxcpath", "LXC path `DIR` of the containers (default " + driver.DefaultLXCPath + ")"},
		{"run-dir", "run_dir", "per-boot run `DIR`, on a tmpfs (default " + driver.DefaultRunDir + ")"},
		{"log-level", "log_level", "log `LEVEL`: debug, info, warn or error (default info)"},
		{"shutdown-grace", "shutdown_grace", "`DURATION` virsh shutdown waits for init to halt before killing (default 30s)"},
	} {
		fs.Func(f.name, f.usage, func(v string) error {
			overrides = append(overrides, [2]string{f.key, v})
			return nil
		})
	}
	fs.BoolFunc("listen-default", "also listen on "+libvirtDirectSocket+"(-ro), where virsh looks by default", func(v string) error {
		overrides = append(overrides, [2]string{"listen_default", v})
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	if configFile != "" {
		if err := loadConfigFile(&cfg, configFile); err != nil {
			return cfg, err
		}
	}
	for _, o := range overrides {
		if err := cfg.set(o[0], o[1]); err != nil {
			return cfg, fmt.Errorf("flag for %s: %w", o[0], err)
		}
	}
	return cfg, nil
}

// endpoint is one socket the daemon serves.
type endpoint struct {
	l        net.Listener
	readOnly bool
}

func serve(cfg config, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	endpoints, err := listen(cfg)
	if err != nil {
		return err
	}
	drv, err := driver.New(ctx, driver.Config{
		StateDir:      cfg.StateDir,
		LXCPath:       cfg.LXCPath,
		RunDir:        cfg.RunDir,
		ShutdownGrace: cfg.ShutdownGrace,
		DefaultBridge: cfg.DefaultBridge,
		Networks:      cfg.Networks,
		Logger:        log.With("component", "driver"),
	})
	if err != nil {
		closeAll(endpoints)
		return err
	}
	defer drv.Close()
	srv, err := server.New(server.Config{
		Driver:            drv,
		Logger:            log,
		Emulator:          cfg.Emulator,
		KeepaliveInterval: cfg.KeepaliveInterval,
		KeepaliveCount:    cfg.KeepaliveCount,
	})
	if err != nil {
		closeAll(endpoints)
		return err
	}
	errs := make(chan error, len(endpoints))
	var wg sync.WaitGroup
	for _, ep := range endpoints {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ep.l, ep.readOnly); !errors.Is(err, server.ErrServerClosed) {
				errs <- err
			}
		}()
	}
	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("stopping: finishing calls in flight; containers keep running")
	case serveErr = <-errs:
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.StopTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("calls still running at the stop timeout were cancelled", "err", err)
	}
	wg.Wait()
	log.Info("stopped")
	return serveErr
}

// listen opens the sockets: those systemd passed, or the configured ones.
func listen(cfg config) ([]endpoint, error) {
	if eps, err := systemdListeners(); err != nil || len(eps) > 0 {
		return eps, err
	}
	paths := []string{cfg.Socket}
	if cfg.ListenDefault {
		paths = append(paths, libvirtDirectSocket)
	}
	var eps []endpoint
	for _, p := range paths {
		for _, s := range []struct {
			path     string
			mode     os.FileMode
			readOnly bool
		}{{p, 0o600, false}, {p + roSuffix, 0o666, true}} {
			l, err := server.ListenUnix(s.path, s.mode)
			if err != nil {
				closeAll(eps)
				return nil, err
			}
			eps = append(eps, endpoint{l: l, readOnly: s.readOnly})
		}
	}
	return eps, nil
}

func closeAll(eps []endpoint) {
	for _, ep := range eps {
		ep.l.Close()
	}
}
