package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"
	"go.uber.org/goleak"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/settings"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// The daemon is tested in process here: serve with a fake driver (the
// in-process mode, which only tests can select), and with the real driver
// plugin when root. goleak checks that a stopped daemon leaves no
// goroutine behind.

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(int) { testenv.RemoveBinaries() }))
}

// guest is one of fakeDriver's domains and how its init behaves.
type guest struct {
	status      driverapi.Status
	ignoresHalt bool
}

// fakeDriver is an in-memory driverapi.Driver for serve. Methods the tests
// do not use panic (nil embedded interface).
type fakeDriver struct {
	driverapi.Driver
	mu     sync.Mutex
	guests map[string]*guest
	calls  []string // "Method name"
	closed int
}

func newFakeDriver(guests ...guest) *fakeDriver {
	f := &fakeDriver{guests: map[string]*guest{}}
	for i, g := range guests {
		g.status.UUID[0] = byte(i + 1)
		if g.status.State == libvirt.DomainShutoff {
			g.status.ID = -1
		} else {
			g.status.ID = int32(100 + i)
		}
		f.guests[g.status.Name] = &g
	}
	return f
}

func running(name string, state libvirt.DomainState, ignoresHalt bool) guest {
	return guest{status: driverapi.Status{Domain: driverapi.Domain{Name: name}, State: state, Persistent: true}, ignoresHalt: ignoresHalt}
}

// find returns the guest with UUID u and records the call.
func (f *fakeDriver) find(method string, u driverapi.UUID) (*guest, error) {
	for _, g := range f.guests {
		if g.status.UUID == u {
			f.calls = append(f.calls, method+" "+g.status.Name)
			return g, nil
		}
	}
	return nil, virterror.New(libvirt.ErrNoDomain, "no domain with matching uuid")
}

func (f *fakeDriver) callsTo(name string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if m, n, _ := strings.Cut(c, " "); n == name {
			out = append(out, m)
		}
	}
	return out
}

func (f *fakeDriver) ListAll(_ context.Context, flags uint32) ([]driverapi.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []driverapi.Status
	for _, g := range f.guests {
		if flags&uint32(libvirt.ConnectListDomainsActive) == 0 || g.status.State != libvirt.DomainShutoff {
			out = append(out, g.status)
		}
	}
	slices.SortFunc(out, func(a, b driverapi.Status) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (f *fakeDriver) Status(_ context.Context, u driverapi.UUID) (driverapi.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, g := range f.guests {
		if g.status.UUID == u {
			return g.status, nil
		}
	}
	return driverapi.Status{}, virterror.New(libvirt.ErrNoDomain, "no domain with matching uuid")
}

func (f *fakeDriver) Resume(_ context.Context, u driverapi.UUID) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, err := f.find("Resume", u)
	if err == nil && g.status.State == libvirt.DomainPaused {
		g.status.State = libvirt.DomainRunning
	}
	return err
}

// Shutdown stops a guest whose init honours halt a little later, as a
// real init does; a paused one cannot halt.
func (f *fakeDriver) Shutdown(_ context.Context, u driverapi.UUID, _ uint32) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, err := f.find("Shutdown", u)
	if err != nil {
		return err
	}
	if g.status.State == libvirt.DomainShutoff {
		return virterror.New(libvirt.ErrOperationInvalid, "domain is not running")
	}
	if !g.ignoresHalt && g.status.State == libvirt.DomainRunning {
		time.AfterFunc(20*time.Millisecond, func() { f.stop(g) })
	}
	return nil
}

func (f *fakeDriver) Destroy(_ context.Context, u driverapi.UUID, _ uint32) error {
	f.mu.Lock()
	g, err := f.find("Destroy", u)
	f.mu.Unlock()
	if err == nil {
		f.stop(g)
	}
	return err
}

func (f *fakeDriver) stop(g *guest) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g.status.State, g.status.ID = libvirt.DomainShutoff, -1
}

func (f *fakeDriver) Events(ctx context.Context) (<-chan driverapi.Event, error) {
	ch := make(chan driverapi.Event)
	context.AfterFunc(ctx, func() { close(ch) })
	return ch, nil
}

func (f *fakeDriver) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed++
	return nil
}

// testConfig is a daemon configuration with its socket in a fresh
// directory (short: unix socket paths are limited).
func testConfig(t *testing.T) config {
	t.Helper()
	dir, err := os.MkdirTemp("", "lxcvirtd-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cfg := settings.Defaults()
	cfg.Socket = filepath.Join(dir, "sock")
	cfg.StopTimeout = 5 * time.Second
	return cfg
}

// daemonRun is serve running in process.
type daemonRun struct {
	cfg  config
	stop context.CancelFunc
	done chan error
	logs *syncBuffer
}

// startServe runs serve in process with open until the test calls stop.
func startServe(t *testing.T, cfg config, open openDriver) *daemonRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &daemonRun{cfg: cfg, stop: cancel, done: make(chan error, 1), logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	go func() { r.done <- serve(ctx, cfg, log, open) }()
	t.Cleanup(func() {
		cancel()
		<-r.done
		if t.Failed() {
			t.Logf("daemon log:\n%s", r.logs)
		}
	})
	// Ready once both sockets answer: the read-only one may come second.
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("unix", cfg.Socket)
		if err == nil {
			c.Close()
			var ro net.Conn
			if ro, err = net.Dial("unix", cfg.Socket+roSuffix); err == nil {
				ro.Close()
				return r
			}
		}
		select {
		case err := <-r.done:
			t.Fatalf("serve returned before listening: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not listen: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// shutdown cancels serve's context (the daemon's SIGTERM) and returns
// serve's result and how long it took.
func (r *daemonRun) shutdown(t *testing.T) (error, time.Duration) {
	t.Helper()
	start := time.Now()
	r.stop()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err, time.Since(start)
	case <-time.After(time.Minute):
		t.Fatal("serve did not return within a minute of its context ending")
		return nil, 0
	}
}

// dial connects a go-libvirt client to the daemon.
func (r *daemonRun) dial(t *testing.T) *libvirt.Libvirt {
	t.Helper()
	c, err := net.Dial("unix", r.cfg.Socket)
	if err != nil {
		t.Fatal(err)
	}
	l := libvirt.NewWithDialer(dialers.NewAlreadyConnected(c))
	if err := l.ConnectToURI("lxc:///system"); err != nil {
		t.Fatal(err)
	}
	return l
}

func inProcess(d driverapi.Driver) openDriver {
	return func(context.Context, config, *slog.Logger) (driverapi.Driver, error) { return d, nil }
}

func listNames(t *testing.T, l *libvirt.Libvirt) []string {
	t.Helper()
	doms, _, err := l.ConnectListAllDomains(1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range doms {
		names = append(names, d.Name)
	}
	return names
}

func TestServeInProcessDriver(t *testing.T) {
	f := newFakeDriver(running("ct1", libvirt.DomainRunning, false), running("ct2", libvirt.DomainShutoff, false))
	r := startServe(t, testConfig(t), inProcess(f))
	l := r.dial(t)
	if got := listNames(t, l); !slices.Equal(got, []string{"ct1", "ct2"}) {
		t.Errorf("domains %v", got)
	}
	if err := l.Disconnect(); err != nil {
		t.Fatal(err)
	}
	err, _ := r.shutdown(t)
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	if f.closed != 1 {
		t.Errorf("driver closed %d times", f.closed)
	}
	if calls := f.callsTo("ct1"); len(calls) > 0 {
		t.Errorf("a plain stop touched a running guest: %v", calls)
	}
	for _, p := range []string{r.cfg.Socket, r.cfg.Socket + roSuffix} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("socket %s left behind: %v", p, err)
		}
	}
}

// TestServeShutsGuestsDown: with shutdown_guests, stopping the daemon halts
// the running guests, resumes a paused one first, destroys the one whose
// init ignores the halt after the grace period and leaves the others alone.
func TestServeShutsGuestsDown(t *testing.T) {
	f := newFakeDriver(
		running("halts", libvirt.DomainRunning, false),
		running("paused", libvirt.DomainPaused, false),
		running("stubborn", libvirt.DomainRunning, true),
		running("off", libvirt.DomainShutoff, false),
	)
	cfg := testConfig(t)
	cfg.ShutdownGuests = true
	cfg.ShutdownGrace = 300 * time.Millisecond
	r := startServe(t, cfg, inProcess(f))
	err, took := r.shutdown(t)
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	for name, want := range map[string][]string{
		"halts":    {"Shutdown"},
		"paused":   {"Resume", "Shutdown"},
		"stubborn": {"Shutdown", "Destroy"},
		"off":      nil,
	} {
		if got := f.callsTo(name); !slices.Equal(got, want) {
			t.Errorf("%s: calls %v, want %v", name, got, want)
		}
	}
	all, _ := f.ListAll(context.Background(), 0)
	for _, st := range all {
		if st.State != libvirt.DomainShutoff {
			t.Errorf("%s still %v after the daemon stopped", st.Name, st.State)
		}
	}
	// The stubborn guest had its grace before it was destroyed.
	if took < cfg.ShutdownGrace {
		t.Errorf("stop took %v with a grace period of %v", took, cfg.ShutdownGrace)
	}
	for _, want := range []string{`msg="guest shut down" domain=halts`, `msg="guest did not halt within the grace period; destroying it" domain=stubborn`} {
		if !strings.Contains(r.logs.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if f.closed != 1 {
		t.Errorf("driver closed %d times", f.closed)
	}
}

func TestServeOpenFailure(t *testing.T) {
	cfg := testConfig(t)
	log := slog.New(slog.DiscardHandler)
	want := virterror.New(libvirt.ErrInternalError, "no plugin")
	err := serve(context.Background(), cfg, log, func(context.Context, config, *slog.Logger) (driverapi.Driver, error) { return nil, want })
	if err != want {
		t.Fatalf("serve = %v, want %v", err, want)
	}
	if _, err := os.Stat(cfg.Socket); !os.IsNotExist(err) {
		t.Errorf("socket left behind: %v", err)
	}
}

// TestServeMissingPlugin: the daemon refuses to start without its plugin
// and says where it looked.
func TestServeMissingPlugin(t *testing.T) {
	cfg := testConfig(t)
	cfg.DriverPlugin = filepath.Join(t.TempDir(), "nope")
	err := serve(context.Background(), cfg, slog.New(slog.DiscardHandler), openPlugin)
	if err == nil || !strings.Contains(err.Error(), cfg.DriverPlugin) || !strings.Contains(err.Error(), "--driver-plugin") {
		t.Fatalf("serve = %v, want an error naming %s and the flag", err, cfg.DriverPlugin)
	}
}

// TestServeStoppedWhileOpening: a signal while the driver starts stops the
// daemon cleanly.
func TestServeStoppedWhileOpening(t *testing.T) {
	cfg := testConfig(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := serve(ctx, cfg, slog.New(slog.DiscardHandler), func(ctx context.Context, _ config, _ *slog.Logger) (driverapi.Driver, error) {
		cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	})
	if err != nil {
		t.Fatalf("serve = %v, want a clean stop", err)
	}
	if _, err := os.Stat(cfg.Socket); !os.IsNotExist(err) {
		t.Errorf("socket left behind: %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for the daemon's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeSocketPermsAndGroup: unix_sock_rw_perms, unix_sock_ro_perms and
// unix_sock_group decide the sockets' modes and group, as in libvirtd.
func TestServeSocketPermsAndGroup(t *testing.T) {
	cfg := testConfig(t)
	// root may give the sockets any group (here by number, in libvirt's
	// "+N" form); another user one of its own.
	gid, group := 4242, "+4242"
	if os.Geteuid() != 0 {
		groups, err := os.Getgroups()
		if err != nil || len(groups) == 0 {
			t.Skipf("no supplementary group to give the sockets: %v", err)
		}
		gid = groups[len(groups)-1]
		group = strconv.Itoa(gid)
	}
	cfg.UnixSockRWPerms, cfg.UnixSockROPerms, cfg.UnixSockGroup = 0o660, 0o640, group
	startServe(t, cfg, inProcess(newFakeDriver()))
	for path, mode := range map[string]os.FileMode{cfg.Socket: 0o660, cfg.Socket + roSuffix: 0o640} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode || fi.Sys().(*syscall.Stat_t).Gid != uint32(gid) {
			t.Errorf("%s: mode %v gid %d, want %v and %d", path, fi.Mode().Perm(), fi.Sys().(*syscall.Stat_t).Gid, mode, gid)
		}
	}
}

// TestServeRefusesUnknownSocketGroup: a group that does not exist stops
// the daemon before it listens, naming the setting.
func TestServeRefusesUnknownSocketGroup(t *testing.T) {
	cfg := testConfig(t)
	cfg.UnixSockGroup = "lxcvirt-no-such-group"
	err := serve(context.Background(), cfg, slog.New(slog.DiscardHandler), inProcess(newFakeDriver()))
	if err == nil || !strings.Contains(err.Error(), "unix_sock_group") {
		t.Fatalf("serve = %v", err)
	}
	if _, err := os.Stat(cfg.Socket); !os.IsNotExist(err) {
		t.Errorf("socket made: %v", err)
	}
}
