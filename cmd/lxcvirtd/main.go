// Command lxcvirtd is lxcvirt's daemon: it serves libvirt's remote protocol
// on a unix socket so that stock libvirt clients (virsh, virt-manager,
// libvirt-go …) manage LXC containers through the lxcvirt driver. The
// driver runs out of process, in the lxcvirt-driver-lxc plugin, which the
// daemon starts and restarts (plugin.Supervisor).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/dirlock"
	"github.com/lxcvirt/lxcvirt/plugin"
	"github.com/lxcvirt/lxcvirt/remote/client"
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

The LXC driver runs in a child process, the driver plugin lxcvirt-driver-lxc
(looked for beside lxcvirtd's own binary, then in ../lib/lxcvirt from it as
make install and the Debian package put it, unless --driver-plugin names
it); its log lines come out of the daemon's log. If the plugin dies, the
daemon answers the calls it was running with "internal error: LXC driver
process exited; it is being restarted", starts it again (with backoff when
it keeps dying) and serves the next calls from the new one; clients stay
connected and containers keep running. The plugin reloads the definitions
and re-adopts the running containers, with the same IDs.

On SIGTERM or SIGINT the daemon stops accepting clients, finishes the calls
in flight and exits 0. Running containers keep running, and a new daemon
lists them with the same IDs, unless --shutdown-guests is set: then, as
libvirt-guests does at host shutdown, every running container is asked to
halt (paused ones are resumed first), gets --shutdown-grace to do so and is
killed after that.

Run as an unprivileged user, lxcvirtd is that user's session daemon and
serves lxc:///session: its socket is $XDG_RUNTIME_DIR/libvirt/virtlxcd-sock
(where libvirt's clients look), its config file
$XDG_CONFIG_HOME/libvirt/lxcvirtd.conf when present, the definitions and
containers are under $XDG_DATA_HOME/lxcvirt, and every container runs in
a user namespace from the user's /etc/subuid and /etc/subgid ranges. A
libvirt client starts it on demand as "virtlxcd --timeout=120" (see the
README: lxcvirtd installed as virtlxcd, remote_mode = "direct").

Usage: lxcvirtd [--config FILE] [flags]
`

// Memory profiling is off: nothing reads the profile, and its records
// would take more than a megabyte over the daemon's life.
func init() { runtime.MemProfileRate = 0 }

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	session, err := sessionDirs()
	if err != nil {
		fmt.Fprintf(stderr, "lxcvirtd: %v\n", err)
		return 1
	}
	cfg, warns, err := parseArgs(args, stderr, session)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "lxcvirtd: %v\n", err)
		return 2
	}
	log, closeLog, err := newLogger(cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "lxcvirtd: %v\n", err)
		return 1
	}
	defer closeLog()
	for _, w := range warns {
		log.Warn("config file: setting ignored", "file", w.File, "line", w.Line, "key", w.Key, "why", w.Msg)
	}
	cfg.ResolveDirs()
	lock, err := lockDirs(cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "lxcvirtd: %v\n", err)
		return 1
	}
	defer lock.Release()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := serve(ctx, cfg, log, openPlugin); err != nil {
		log.Error("lxcvirtd failed", "err", err)
		return 1
	}
	return 0
}

// lockDirs makes the daemon the only one on its state dir, lxcpath and
// run dir for its life (see dirlock), and then removes the plugin socket
// directories a killed daemon left in the run dir.
func lockDirs(cfg config, log *slog.Logger) (*dirlock.Lock, error) {
	lock, err := dirlock.Acquire(
		dirlock.Dir{What: "state dir", Path: cfg.StateDir},
		dirlock.Dir{What: "lxcpath", Path: cfg.LXCPath},
		dirlock.Dir{What: "run dir", Path: cfg.RunDir},
	)
	if err != nil {
		return nil, err
	}
	removed, err := plugin.RemoveStaleSocketDirs(cfg.RunDir)
	if err != nil {
		log.Warn("cannot remove stale plugin socket directories", "run_dir", cfg.RunDir, "err", err)
	}
	if len(removed) > 0 {
		log.Info("removed plugin socket directories of a daemon that was killed", "dirs", removed)
	}
	log.Debug("directories", "state_dir", cfg.StateDir, "lxcpath", cfg.LXCPath, "run_dir", cfg.RunDir)
	return lock, nil
}

// openDriver opens the domain driver the daemon serves. The daemon always
// uses openPlugin; serve takes it as a parameter only so that unit tests
// can serve a driver in process. No flag selects an in-process driver: the
// daemon never runs container code in its own address space.
type openDriver func(ctx context.Context, cfg config, log *slog.Logger) (driverapi.Driver, error)

// openPlugin starts the LXC driver plugin under a supervisor that restarts
// it whenever it dies; ctx bounds the first start.
func openPlugin(ctx context.Context, cfg config, log *slog.Logger) (driverapi.Driver, error) {
	path, err := driverPluginPath(cfg)
	var s *plugin.Supervisor
	if err == nil {
		s, err = plugin.NewSupervisor(ctx, plugin.SupervisorConfig{
			Path:      path,
			Settings:  cfg,
			Logger:    log.With("component", "driver"),
			SocketDir: cfg.RunDir,
		})
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (install it beside lxcvirtd or in ../lib/lxcvirt from it, e.g. with make build or make install, or name it with --driver-plugin)", err)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// endpoint is one socket the daemon serves.
type endpoint struct {
	l        net.Listener
	readOnly bool
}

// serve runs the daemon until ctx ends (a signal) or a listener fails.
func serve(ctx context.Context, cfg config, log *slog.Logger, open openDriver) error {
	endpoints, err := listen(cfg)
	if err != nil {
		return err
	}
	drv, err := open(ctx, cfg, log)
	if err != nil {
		closeAll(endpoints)
		if ctx.Err() != nil {
			log.Info("stopped while the driver was starting", "err", err)
			return nil
		}
		return err
	}
	closeDriver := func() {
		if err := drv.Close(); err != nil {
			log.Warn("close the driver", "err", err)
		}
	}
	srv, err := server.New(server.Config{
		Session:           isSession(),
		Driver:            drv,
		Logger:            log,
		KeepaliveInterval: cfg.KeepaliveInterval,
		KeepaliveCount:    cfg.KeepaliveCount,
		NetworkSockets:    client.NetworkSockets(cfg.NetworkDriver),
		Limits: server.Limits{
			MaxClients:          cfg.MaxClients,
			MaxAnonymousClients: cfg.MaxAnonymousClients,
			MaxClientRequests:   cfg.MaxClientRequests,
			MaxQueuedClients:    cfg.MaxQueuedClients,
			OpenTimeout:         cfg.OpenTimeout,
		},
	})
	if err != nil {
		closeAll(endpoints)
		closeDriver()
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
	log.Info("serving", "sockets", len(endpoints), "shutdown_guests", cfg.ShutdownGuests, "session", isSession())
	running, stopIdle := idleTimeout(ctx, time.Duration(cfg.Timeout)*time.Second, func(ctx context.Context) bool {
		return srv.Clients() > 0 || hasActiveDomains(ctx, drv)
	}, log)
	defer stopIdle()
	var serveErr error
	select {
	case <-running.Done():
		if cfg.ShutdownGuests {
			log.Info("stopping: finishing calls in flight, then shutting the running containers down")
		} else {
			log.Info("stopping: finishing calls in flight; containers keep running")
		}
	case serveErr = <-errs:
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.StopTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("calls still running at the stop timeout were cancelled", "err", err)
	}
	wg.Wait()
	if cfg.ShutdownGuests && serveErr == nil {
		shutdownGuests(drv, cfg.ShutdownGrace, log)
	}
	closeDriver() // the plugin exits; containers keep running
	log.Info("stopped")
	return serveErr
}

// listen opens the sockets: those systemd passed, or the configured ones.
func listen(cfg config) ([]endpoint, error) {
	if eps, err := systemdListeners(); err != nil || len(eps) > 0 {
		return eps, err
	}
	gid, err := socketGroup(cfg.UnixSockGroup)
	if err != nil {
		return nil, err
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
		}{{p, cfg.UnixSockRWPerms, false}, {p + roSuffix, cfg.UnixSockROPerms, true}} {
			if s.readOnly && isSession() {
				continue // as libvirt's session daemons: no read-only socket
			}
			l, err := server.ListenUnix(s.path, s.mode)
			if err == nil {
				eps = append(eps, endpoint{l: l, readOnly: s.readOnly})
				err = chownSocket(s.path, gid)
			}
			if err != nil {
				closeAll(eps)
				return nil, err
			}
		}
	}
	return eps, nil
}

func closeAll(eps []endpoint) {
	for _, ep := range eps {
		ep.l.Close()
	}
}
