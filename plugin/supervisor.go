package plugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-plugin/runner"
	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/settings"
	"github.com/lxcvirt/lxcvirt/virterror"
	"google.golang.org/grpc/status"
)

// DefaultBinary is the driver plugin's file name; NewSupervisor looks for it
// beside the daemon's own executable.
const DefaultBinary = "lxcvirt-driver-lxc"

const (
	defaultBackoffInitial = 100 * time.Millisecond
	defaultBackoffMax     = 10 * time.Second
	defaultStartTimeout   = 10 * time.Second
	// stableAfter is how long a plugin must have run for its death to
	// count as a fresh failure (backoff back to Initial) rather than part
	// of a crash loop.
	stableAfter = time.Second
	// exitWait bounds how long a call that lost its connection waits to
	// learn whether the plugin process died.
	exitWait = time.Second
	// resubscribePause spaces re-subscription attempts for events.
	resubscribePause = 50 * time.Millisecond
	// eventBuffer is how many events a subscriber may lag behind.
	eventBuffer = 1024
)

// Backoff bounds the delay before the supervisor restarts a plugin that
// died: Initial after a plugin that ran for a while, doubling for each
// further crash in a row (a start that fails, or a plugin that dies within
// seconds) up to Max.
type Backoff struct {
	Initial time.Duration // default 100ms
	Max     time.Duration // default 10s
}

func (b Backoff) delay(failures int) time.Duration {
	d := b.Initial
	for range failures {
		if d >= b.Max/2 {
			return b.Max
		}
		d *= 2
	}
	return min(d, b.Max)
}

// SupervisorConfig says how to run the driver plugin.
type SupervisorConfig struct {
	// Path is the plugin binary (default: DefaultBinary beside
	// os.Executable()).
	Path string
	// Settings are sent to each plugin process as it starts (Configure).
	Settings settings.Settings
	// Args and Env are passed to the plugin (Env after the host's
	// environment); the LXC driver plugin needs neither.
	Args []string
	Env  []string
	// Logger receives the supervisor's records and the plugin's own log
	// lines, re-logged with their level (default slog.Default()).
	Logger *slog.Logger
	// Backoff paces restarts after the plugin dies.
	Backoff Backoff
	// StartTimeout bounds one start, up to the end of the handshake
	// (default 10s).
	StartTimeout time.Duration
	// SocketDir is where go-plugin makes each start's directory for the
	// plugin's socket (SocketDirPattern; default: the system's temp dir).
	// go-plugin removes it when it stops the plugin; one left by a daemon
	// that was killed is removed by RemoveStaleSocketDirs.
	SocketDir string
}

// SocketDirPattern matches the directories go-plugin makes for a plugin's
// socket (os.MkdirTemp(dir, "plugin-dir")).
const SocketDirPattern = "plugin-dir*"

// RemoveStaleSocketDirs removes the plugin socket directories in dir. Only
// the daemon that owns dir (holding its lock) may call it, before it starts
// its plugin: then every such directory is a dead daemon's. It returns the
// directories removed.
func RemoveStaleSocketDirs(dir string) ([]string, error) {
	stale, err := filepath.Glob(filepath.Join(dir, SocketDirPattern))
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, p := range stale {
		if err := os.RemoveAll(p); err != nil {
			return removed, err
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// Supervisor is the daemon's driverapi.Driver: it runs the driver plugin as a
// child process and delegates every call to it. When the plugin dies the
// supervisor reaps it at once, answers the calls that were in flight with a
// libvirt internal error, restarts it with backoff and serves later calls
// from the new process (calls that arrive during the restart wait for it,
// within their context). An event subscription ends with its plugin.
// Containers are LXC's, not the plugin's: no plugin restart or Close stops
// them.
//
// State queries about shut-off domains (Status and the lookups by name or
// UUID) are answered from a cache of the plugin's replies kept in step with
// its event stream (see statusCache), which spares them the round trip to
// the plugin; the plugin alone answers for running and paused domains.
type Supervisor struct {
	cfg   SupervisorConfig
	log   *slog.Logger
	life  context.Context // ends at Close
	stop  context.CancelFunc
	wg    sync.WaitGroup // the run loop, event relays, the cache's feed and instance cleanups
	cache *statusCache

	mu       sync.Mutex
	cur      *instance     // nil while the plugin is (re)starting
	startErr error         // why the last start failed, while cur is nil
	changed  chan struct{} // closed and replaced whenever cur changes
	closing  bool
	closeErr error
}

var _ driverapi.Driver = (*Supervisor)(nil)

// instance is one run of the plugin process.
type instance struct {
	client  *goplugin.Client
	proc    *process
	drv     *Client
	files   *fileChannel // the host's end of the descriptor socket
	pid     int
	started time.Time
}

// NewSupervisor starts the plugin and returns once it serves. ctx bounds
// that first start only; the supervisor lives until Close.
func NewSupervisor(ctx context.Context, cfg SupervisorConfig) (*Supervisor, error) {
	if cfg.Path == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("find the LXC driver plugin: %w", err)
		}
		cfg.Path = filepath.Join(filepath.Dir(exe), DefaultBinary)
	}
	if fi, err := os.Stat(cfg.Path); err != nil {
		return nil, fmt.Errorf("LXC driver plugin: %w", err)
	} else if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return nil, fmt.Errorf("LXC driver plugin %s is not an executable file", cfg.Path)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Backoff.Initial <= 0 {
		cfg.Backoff.Initial = defaultBackoffInitial
	}
	if cfg.Backoff.Max < cfg.Backoff.Initial {
		cfg.Backoff.Max = max(defaultBackoffMax, cfg.Backoff.Initial)
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = defaultStartTimeout
	}
	s := &Supervisor{cfg: cfg, log: cfg.Logger, changed: make(chan struct{}), cache: newStatusCache()}
	s.life, s.stop = context.WithCancel(context.Background())
	inst, err := s.start(ctx)
	if err != nil {
		s.stop()
		return nil, err
	}
	s.cur = inst
	s.wg.Add(2)
	go s.run(inst)
	go s.feedCache()
	return s, nil
}

// start launches one plugin process and dispenses its driver. ctx ending
// kills the process and so aborts the handshake.
func (s *Supervisor) start(ctx context.Context) (*instance, error) {
	if s.cfg.SocketDir != "" {
		if err := os.MkdirAll(s.cfg.SocketDir, 0o755); err != nil {
			return nil, fmt.Errorf("start LXC driver plugin: socket dir: %w", err)
		}
	}
	hostFiles, pluginFiles, err := filePair()
	if err != nil {
		return nil, fmt.Errorf("start LXC driver plugin %s: %w", s.cfg.Path, err)
	}
	files, err := newFileChannel(hostFiles)
	if err != nil {
		pluginFiles.Close()
		return nil, fmt.Errorf("start LXC driver plugin %s: %w", s.cfg.Path, err)
	}
	cmd := exec.Command(s.cfg.Path, s.cfg.Args...)
	cmd.ExtraFiles = []*os.File{pluginFiles} // descriptor 3
	proc := newProcess(cmd)
	pluginLog := s.log.With("logger", filepath.Base(s.cfg.Path))
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  Handshake,
		Plugins:          PluginMap,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		RunnerFunc: func(_ hclog.Logger, spec *exec.Cmd, _ string) (runner.Runner, error) {
			// spec carries go-plugin's environment (cookie, socket dir).
			cmd.Env = append(append(spec.Env, s.cfg.Env...), filesFDEnv+"=3")
			return proc, nil
		},
		StartTimeout:     s.cfg.StartTimeout,
		UnixSocketConfig: &goplugin.UnixSocketConfig{TempDir: s.cfg.SocketDir},
		GRPCDialOptions:  dialOptions(),
		Logger:           newHCLog(s.log),
		SyncStdout:       newLineLogger(pluginLog, "stdout"),
		SyncStderr:       newLineLogger(pluginLog, "stderr"),
	})
	abort := context.AfterFunc(ctx, func() { _ = proc.Kill(context.Background()) })
	drv, err := dispense(client)
	abort()
	pluginFiles.Close() // the plugin holds its end now
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err == nil {
		err = s.configure(ctx, drv)
	}
	if err != nil {
		client.Kill()
		proc.release()
		files.Close()
		return nil, fmt.Errorf("start LXC driver plugin %s: %w", s.cfg.Path, err)
	}
	inst := &instance{client: client, proc: proc, drv: drv, files: files, pid: proc.pid(), started: time.Now()}
	drv.transport = s.transportError(inst)
	s.log.Info("LXC driver plugin started", "path", s.cfg.Path, "pid", inst.pid)
	return inst, nil
}

// configure sends a new plugin process its settings, within the start
// timeout.
func (s *Supervisor) configure(ctx context.Context, drv *Client) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StartTimeout)
	defer cancel()
	return drv.Configure(ctx, s.cfg.Settings)
}

// dispense runs go-plugin's handshake and returns the plugin's driver.
func dispense(client *goplugin.Client) (*Client, error) {
	rpc, err := client.Client()
	if err != nil {
		return nil, err
	}
	raw, err := rpc.Dispense(DriverPluginName)
	if err != nil {
		return nil, err
	}
	drv, ok := raw.(*Client)
	if !ok {
		return nil, fmt.Errorf("plugin dispensed %T, not a driver client", raw)
	}
	return drv, nil
}

// transportError is the Client hook for a call that lost its connection:
// when the plugin process died (it is reaped within moments of the
// connection breaking) the call gets the "being restarted" error.
func (s *Supervisor) transportError(inst *instance) func(string, *status.Status) error {
	return func(method string, st *status.Status) error {
		select {
		case <-inst.proc.done:
			return s.goneError()
		case <-time.After(exitWait):
			return unreachable(method, st)
		}
	}
}

// goneError is what a call gets when the plugin died under it.
func (s *Supervisor) goneError() error {
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing {
		return virterror.New(libvirt.ErrInternalError, "LXC driver process stopped: the daemon is shutting down")
	}
	return virterror.New(libvirt.ErrInternalError, "LXC driver process exited; it is being restarted")
}

// setCurrent publishes the running instance (nil while restarting, with
// the last start error if any) and wakes the calls waiting for it. It
// refuses a new instance once Close began.
func (s *Supervisor) setCurrent(inst *instance, startErr error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing && inst != nil {
		return false
	}
	s.cur, s.startErr = inst, startErr
	close(s.changed)
	s.changed = make(chan struct{})
	return true
}

// current returns the running instance, waiting (within ctx) while the
// plugin restarts. It fails at once when the last restart attempt failed,
// so callers do not hang on a plugin that cannot start.
func (s *Supervisor) current(ctx context.Context, method string) (*instance, error) {
	for {
		s.mu.Lock()
		cur, startErr, closing, changed := s.cur, s.startErr, s.closing, s.changed
		s.mu.Unlock()
		switch {
		case closing:
			return nil, virterror.New(libvirt.ErrInternalError, "%s: the LXC driver is closed", method)
		case cur != nil && !cur.exited():
			return cur, nil
		case startErr != nil:
			return nil, virterror.New(libvirt.ErrInternalError, "LXC driver process is not running (%v); it is being restarted", startErr)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, contextError(method, ctx.Err())
		}
	}
}

// exited reports whether the instance's process is gone (the run loop may
// not have replaced it yet).
func (inst *instance) exited() bool {
	select {
	case <-inst.proc.done:
		return true
	default:
		return false
	}
}

// PID is the running plugin's process id, or 0 while it restarts.
func (s *Supervisor) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return 0
	}
	return s.cur.pid
}

// run watches the plugin and restarts it whenever it dies, until Close.
func (s *Supervisor) run(inst *instance) {
	defer s.wg.Done()
	failures := 0
	for {
		select {
		case <-s.life.Done():
			s.closeErr = s.shutdown(inst)
			return
		case <-inst.proc.done:
		}
		died := time.Now()
		s.cache.detach(inst)
		s.setCurrent(nil, nil)
		s.log.Error("LXC driver plugin exited; restarting it", "pid", inst.pid, "status", inst.proc.waitErr, "uptime", died.Sub(inst.started).Round(time.Millisecond))
		s.wg.Add(1)
		go func(dead *instance) {
			defer s.wg.Done()
			dead.cleanup()
		}(inst)
		if died.Sub(inst.started) >= stableAfter {
			failures = 0
		}
		next := s.restart(&failures)
		if next == nil {
			return
		}
		s.log.Info("LXC driver plugin restarted", "pid", next.pid, "downtime", time.Since(died).Round(time.Millisecond))
		inst = next
	}
}

// restart starts a new plugin with backoff until one serves (nil when the
// supervisor closes first).
func (s *Supervisor) restart(failures *int) *instance {
	for {
		select {
		case <-time.After(s.cfg.Backoff.delay(*failures)):
		case <-s.life.Done():
			return nil
		}
		*failures++
		inst, err := s.start(s.life)
		if err != nil {
			if s.life.Err() != nil {
				return nil
			}
			s.log.Error("restart LXC driver plugin", "err", err, "attempt", *failures)
			s.setCurrent(nil, err)
			continue
		}
		if !s.setCurrent(inst, nil) {
			s.closeErr = s.shutdown(inst)
			return nil
		}
		return inst
	}
}

// shutdown stops a live plugin gracefully: its driver is closed (which
// leaves containers running), then go-plugin asks the process to exit and
// kills it if it does not within two seconds.
func (s *Supervisor) shutdown(inst *instance) error {
	err := inst.drv.Close()
	if err != nil {
		s.log.Warn("close LXC driver plugin", "pid", inst.pid, "err", err)
	}
	inst.cleanup()
	s.log.Info("LXC driver plugin stopped", "pid", inst.pid)
	return err
}

// cleanup ends go-plugin's client for the instance (killing the process if
// it still runs) and releases its pipes and descriptor socket.
func (inst *instance) cleanup() {
	inst.client.Kill()
	<-inst.proc.done
	inst.proc.release()
	inst.files.Close()
}

// Close stops the plugin gracefully and ends every event subscription.
// Containers keep running: LXC's monitors own them. Later calls fail.
func (s *Supervisor) Close() error {
	s.mu.Lock()
	first := !s.closing
	s.closing = true
	s.mu.Unlock()
	if first {
		s.setCurrent(nil, nil)
		s.stop()
	}
	s.wg.Wait()
	if errors.Is(s.closeErr, context.Canceled) {
		return nil
	}
	return s.closeErr
}

// track registers a goroutine with Close unless Close already began.
func (s *Supervisor) track() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	return true
}

// call runs fn on the current plugin's driver.
func call[T any](s *Supervisor, ctx context.Context, method string, fn func(driverapi.Driver) (T, error)) (T, error) {
	inst, err := s.current(ctx, method)
	if err != nil {
		var zero T
		return zero, err
	}
	return fn(inst.drv)
}

// change is call for a method that changes domain u: u stays out of the
// status cache until the plugin answered.
func change[T any](s *Supervisor, ctx context.Context, method string, u driverapi.UUID, fn func(driverapi.Driver) (T, error)) (T, error) {
	s.cache.hold(u)
	defer s.cache.release(u)
	return call(s, ctx, method, fn)
}

// changeDo is change for methods that return only an error.
func changeDo(s *Supervisor, ctx context.Context, method string, u driverapi.UUID, fn func(driverapi.Driver) error) error {
	_, err := change(s, ctx, method, u, func(d driverapi.Driver) (struct{}, error) { return struct{}{}, fn(d) })
	return err
}

// fromXML is call for a method that adds or redefines a domain from XML,
// whose UUID is known only from the reply: the cache forgets the domain it
// returns, or everything when it failed.
func (s *Supervisor) fromXML(ctx context.Context, method string, fn func(driverapi.Driver) (driverapi.Domain, error)) (driverapi.Domain, error) {
	d, err := call(s, ctx, method, fn)
	if err != nil {
		s.cache.clear()
		return d, err
	}
	s.cache.invalidate(d)
	return d, nil
}

// cached answers a query from the status cache when it may (hit), else
// runs fn on the current plugin.
func cached[T any](s *Supervisor, ctx context.Context, method string, hit func(*instance) (T, bool), fn func(*instance) (T, error)) (T, error) {
	inst, err := s.current(ctx, method)
	if err != nil {
		var zero T
		return zero, err
	}
	if v, ok := hit(inst); ok {
		return v, nil
	}
	return fn(inst)
}

func (s *Supervisor) DefineXML(ctx context.Context, xml string, flags uint32) (driverapi.Domain, error) {
	return s.fromXML(ctx, "DefineXML", func(d driverapi.Driver) (driverapi.Domain, error) { return d.DefineXML(ctx, xml, flags) })
}

func (s *Supervisor) CreateXML(ctx context.Context, xml string, flags uint32) (driverapi.Domain, error) {
	return s.fromXML(ctx, "CreateXML", func(d driverapi.Driver) (driverapi.Domain, error) { return d.CreateXML(ctx, xml, flags) })
}

func (s *Supervisor) Undefine(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return changeDo(s, ctx, "Undefine", uuid, func(d driverapi.Driver) error { return d.Undefine(ctx, uuid, flags) })
}

func (s *Supervisor) Create(ctx context.Context, uuid driverapi.UUID, flags uint32) (driverapi.Domain, error) {
	return change(s, ctx, "Create", uuid, func(d driverapi.Driver) (driverapi.Domain, error) { return d.Create(ctx, uuid, flags) })
}

func (s *Supervisor) Shutdown(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return changeDo(s, ctx, "Shutdown", uuid, func(d driverapi.Driver) error { return d.Shutdown(ctx, uuid, flags) })
}

func (s *Supervisor) Destroy(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return changeDo(s, ctx, "Destroy", uuid, func(d driverapi.Driver) error { return d.Destroy(ctx, uuid, flags) })
}

func (s *Supervisor) Reboot(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return changeDo(s, ctx, "Reboot", uuid, func(d driverapi.Driver) error { return d.Reboot(ctx, uuid, flags) })
}

func (s *Supervisor) Suspend(ctx context.Context, uuid driverapi.UUID) error {
	return changeDo(s, ctx, "Suspend", uuid, func(d driverapi.Driver) error { return d.Suspend(ctx, uuid) })
}

func (s *Supervisor) Resume(ctx context.Context, uuid driverapi.UUID) error {
	return changeDo(s, ctx, "Resume", uuid, func(d driverapi.Driver) error { return d.Resume(ctx, uuid) })
}

func (s *Supervisor) LookupByName(ctx context.Context, name string) (driverapi.Domain, error) {
	return cached(s, ctx, "LookupByName", func(inst *instance) (driverapi.Domain, bool) { return s.cache.named(inst, name) },
		func(inst *instance) (driverapi.Domain, error) { return inst.drv.LookupByName(ctx, name) })
}

func (s *Supervisor) LookupByUUID(ctx context.Context, uuid driverapi.UUID) (driverapi.Domain, error) {
	return cached(s, ctx, "LookupByUUID", func(inst *instance) (driverapi.Domain, bool) {
		st, ok := s.cache.status(inst, uuid)
		return st.Domain, ok
	}, func(inst *instance) (driverapi.Domain, error) { return inst.drv.LookupByUUID(ctx, uuid) })
}

func (s *Supervisor) LookupByID(ctx context.Context, id int32) (driverapi.Domain, error) {
	return call(s, ctx, "LookupByID", func(d driverapi.Driver) (driverapi.Domain, error) { return d.LookupByID(ctx, id) })
}

// CachedStatus reports uuid's status when the status cache holds it,
// without waiting for anything: false when it does not, and while the
// plugin restarts or the supervisor closes. The daemon answers virsh's
// per-domain state calls with it on the spot.
func (s *Supervisor) CachedStatus(uuid driverapi.UUID) (driverapi.Status, bool) {
	s.mu.Lock()
	cur, closing := s.cur, s.closing
	s.mu.Unlock()
	if closing {
		return driverapi.Status{}, false
	}
	return s.cache.status(cur, uuid)
}

// fetched runs fn on inst's driver and stores the statuses its reply
// carries (statuses) in the cache.
func fetched[T any](s *Supervisor, inst *instance, fn func(driverapi.Driver) (T, error), statuses func(T) []driverapi.Status) (T, error) {
	f := s.cache.begin(inst)
	v, err := fn(inst.drv)
	if err != nil {
		s.cache.finish(f)
		return v, err
	}
	s.cache.finish(f, statuses(v)...)
	return v, nil
}

// ListAll always asks the plugin, which alone knows the whole set of
// domains; its reply fills the status cache.
func (s *Supervisor) ListAll(ctx context.Context, flags uint32) ([]driverapi.Status, error) {
	inst, err := s.current(ctx, "ListAll")
	if err != nil {
		return nil, err
	}
	return fetched(s, inst, func(d driverapi.Driver) ([]driverapi.Status, error) { return d.ListAll(ctx, flags) },
		func(l []driverapi.Status) []driverapi.Status { return l })
}

func (s *Supervisor) Status(ctx context.Context, uuid driverapi.UUID) (driverapi.Status, error) {
	return cached(s, ctx, "Status", func(inst *instance) (driverapi.Status, bool) { return s.cache.status(inst, uuid) },
		func(inst *instance) (driverapi.Status, error) {
			return fetched(s, inst, func(d driverapi.Driver) (driverapi.Status, error) { return d.Status(ctx, uuid) },
				func(st driverapi.Status) []driverapi.Status { return []driverapi.Status{st} })
		})
}

func (s *Supervisor) XMLDesc(ctx context.Context, uuid driverapi.UUID, flags uint32) (string, error) {
	return call(s, ctx, "XMLDesc", func(d driverapi.Driver) (string, error) { return d.XMLDesc(ctx, uuid, flags) })
}

func (s *Supervisor) Info(ctx context.Context, uuid driverapi.UUID) (driverapi.Info, error) {
	return call(s, ctx, "Info", func(d driverapi.Driver) (driverapi.Info, error) { return d.Info(ctx, uuid) })
}

func (s *Supervisor) SetAutostart(ctx context.Context, uuid driverapi.UUID, autostart bool) error {
	return changeDo(s, ctx, "SetAutostart", uuid, func(d driverapi.Driver) error { return d.SetAutostart(ctx, uuid, autostart) })
}

func (s *Supervisor) Stats(ctx context.Context, uuids []driverapi.UUID) ([]driverapi.Stats, error) {
	return call(s, ctx, "Stats", func(d driverapi.Driver) ([]driverapi.Stats, error) { return d.Stats(ctx, uuids) })
}

// Events subscribes to domain events of the current plugin. The channel
// closes when that plugin's stream ends (the plugin died or its stream
// broke), when ctx ends, at Close, or — as the driver's own subscriptions
// do — when the subscriber falls eventBuffer events behind. A subscriber
// that wants events for good subscribes again and resynchronises from a
// listing: events emitted between the end and the next subscription are
// lost. Each event drops its domain from the status cache before the
// subscriber gets it.
func (s *Supervisor) Events(ctx context.Context) (<-chan driverapi.Event, error) {
	inst, err := s.current(ctx, "Events")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	stopOnClose := context.AfterFunc(s.life, cancel)
	in, err := inst.drv.Events(ctx)
	if err != nil || !s.track() {
		stopOnClose()
		cancel()
		if err == nil {
			err = virterror.New(libvirt.ErrInternalError, "Events: the LXC driver is closed")
		}
		return nil, err
	}
	out := make(chan driverapi.Event, eventBuffer)
	go func() {
		defer s.wg.Done()
		defer close(out)
		defer cancel()
		defer stopOnClose()
		for ev := range in {
			s.cache.invalidate(ev.Domain)
			select {
			case out <- ev:
			default:
				s.log.Warn("events subscriber fell behind; closing its subscription", "buffer", eventBuffer)
				return
			}
		}
		if ctx.Err() == nil {
			s.log.Info("LXC driver events subscription ended", "pid", inst.pid)
		}
	}()
	return out, nil
}

// feedCache keeps the status cache on the plugin's event stream for the
// supervisor's life: the cache follows each plugin from the moment its
// subscription is confirmed, every event drops its domain, and the cache
// is cleared and unused whenever the stream ends.
func (s *Supervisor) feedCache() {
	defer s.wg.Done()
	var inst *instance
	for {
		var in <-chan driverapi.Event
		inst, in = s.resubscribe(s.life, inst)
		if in == nil {
			return
		}
		s.log.Debug("status cache follows the LXC driver's events", "pid", inst.pid)
		s.cache.attach(inst)
		for ev := range in {
			s.cache.invalidate(ev.Domain)
		}
		s.cache.detach(inst)
	}
}

// resubscribe subscribes to the current plugin's events: at once when old
// is nil, else after a stream from old ended — to the next plugin when old
// died, or to old itself when only its stream broke. It returns a nil
// channel once ctx ends.
func (s *Supervisor) resubscribe(ctx context.Context, old *instance) (*instance, <-chan driverapi.Event) {
	var gone <-chan struct{}
	wait := old != nil
	if wait {
		gone = old.proc.done
	}
	for {
		if wait {
			select {
			case <-ctx.Done():
				return nil, nil
			case <-gone:
			case <-time.After(resubscribePause):
			}
			gone = nil
		}
		wait = true
		inst, err := s.current(ctx, "Events")
		if err == nil {
			var ch <-chan driverapi.Event
			if ch, err = inst.drv.Events(ctx); err == nil {
				return inst, ch
			}
		}
		if ctx.Err() != nil {
			return nil, nil
		}
		s.log.Debug("renew LXC driver events subscription", "err", err)
	}
}
