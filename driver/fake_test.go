package driver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// fakeRuntime is an in-memory Runtime: containers are records, inits are
// channels closed when they "exit", and nothing runs, no file of /proc or
// /sys is read and no pty is made. It behaves as LXC does where the driver
// depends on it: a halt or kill ends init and then LXC's monitor, a reboot
// LXC performs starts a new init under the same monitor, and the state
// stream (when enabled) is fed by the test.
type fakeRuntime struct {
	t *testing.T

	mu      sync.Mutex
	cts     map[string]*fakeCT
	calls   []string
	nextPID int
	ignore  map[string]bool       // init ignores halt and reboot requests
	rebootL map[string]bool       // a reboot request makes LXC restart init (a cooperating init)
	hook    func(op, name string) // called at the start of each operation, unlocked
	failOn  map[string]error      // op → error to return
	// hang makes a start of the named container hang until its context
	// ends, as a hung lxc-start does until it is killed.
	hang map[string]bool
	// hangFreeze makes a freeze of the named container stop half way
	// (FREEZING, which reads as frozen) and hang until its context ends,
	// as lxc-freeze does when a task cannot be frozen.
	hangFreeze map[string]bool
	// failStarts is how many more starts of a container fail.
	failStarts map[string]int
	// report is how LXC reports an init's end (Container.Wait); nil: not
	// at all, as without a state stream.
	report func(name string, ws unix.WaitStatus) lxc.Exit
	net    map[string]lxc.Interface // host-side device counters
	// configs are the LXC configs of the defined containers, as each
	// start wrote them.
	configs map[string]string
	// setups are the interfaces each container's SetupNetwork was given
	// (failOn["setupnet"] makes it fail).
	setups map[string][]xmlmap.Interface
	// missing are the host network devices that do not exist.
	missing map[string]bool
	// foreign are the states of containers of other lxcpaths, by
	// LXCPATH/NAME (StateIn; Stopped when absent).
	foreign map[string]lxc.State

	// The state stream: enabled by streaming; each StateStream call adds
	// a channel and a token to opened.
	streaming bool
	streams   []chan lxc.StateEvent
	opened    chan struct{}

	relays map[string][]*fakeRelay

	// checkpoint stands in for CRIU's dump (nil: no CRIU); dumps are the
	// dumps it made, by dir: whether the container was frozen at it.
	checkpoint func(ctx context.Context, name, dir string) error
	dumps      map[string]bool
	ptys       int // relays made

	copies       map[string]string // snapshot copies (CopyRootfs)
	frozenAtCopy map[string]bool
	hangCopy     bool // a copy hangs until its context ends

	links map[string]map[string]*fakeLink // hot-plugged veths per container, by host end

	loops    map[string]lxc.Loop          // attached loop devices, by device
	nextLoop int                          // the next loop device's number
	nodes    map[string]map[string]string // hot-plugged device nodes per container: path → source
	// tunables are each container's cgroup values (Container.Tunable),
	// devLimits its per-device blkio limits by "limit MAJ:MIN", signals
	// the signals its init got.
	tunables  map[string]map[lxc.Tunable]int64
	devLimits map[string]map[string]uint64
	signals   map[string][]string // "PID SIGNAL"
	noWeight  bool                // the host has no blkio weight file
}

// fakeCT is one running container: its current init, LXC's monitor and
// its freezer.
type fakeCT struct {
	init    *fakeInit
	monitor chan struct{} // closed once LXC's monitor has cleaned up
	frozen  bool
}

type fakeInit struct {
	pid    int
	exited chan struct{}
	exit   lxc.Exit // set before exited closes
}

func newFakeRuntime(t *testing.T) *fakeRuntime {
	return &fakeRuntime{
		t: t, cts: map[string]*fakeCT{}, nextPID: 1000,
		ignore: map[string]bool{}, rebootL: map[string]bool{}, failOn: map[string]error{},
		hang: map[string]bool{}, hangFreeze: map[string]bool{}, failStarts: map[string]int{},
		net: map[string]lxc.Interface{}, configs: map[string]string{}, setups: map[string][]xmlmap.Interface{}, missing: map[string]bool{}, opened: make(chan struct{}, 16), relays: map[string][]*fakeRelay{},
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fakeRuntime) enter(op, name string) error {
	f.mu.Lock()
	f.calls = append(f.calls, op+" "+name)
	hook, err := f.hook, f.failOn[op]
	f.mu.Unlock()
	if hook != nil {
		hook(op, name)
	}
	return err
}

// boot gives ct a fresh init. Caller holds mu.
func (f *fakeRuntime) boot(ct *fakeCT) {
	f.nextPID++
	ct.init = &fakeInit{pid: f.nextPID, exited: make(chan struct{})}
}

// Wait statuses of an init: exited 0, killed by SIGKILL, and ended by
// reboot(2) (SIGHUP) inside its PID namespace.
const (
	wsExit0  = unix.WaitStatus(0)
	wsKilled = unix.WaitStatus(unix.SIGKILL)
	wsReboot = unix.WaitStatus(unix.SIGHUP)
)

// endInit ends name's init, which LXC reports with ws. Caller holds mu.
func (f *fakeRuntime) endInit(name string, ct *fakeCT, ws unix.WaitStatus) {
	if f.report != nil {
		ct.init.exit = f.report(name, ws)
	}
	close(ct.init.exited)
}

// halt ends init (with ws) then, after its cleanup, LXC's monitor. Caller
// holds mu.
func (f *fakeRuntime) halt(name string, ws unix.WaitStatus) {
	ct := f.cts[name]
	delete(f.cts, name)
	f.endInit(name, ct, ws)
	close(ct.monitor)
}

func (f *fakeRuntime) CgroupLayout() xmlmap.CgroupLayout { return xmlmap.CgroupV2 }

// Confinement: no seccomp policy, no AppArmor, no lxcfs, as on a bare host.
func (f *fakeRuntime) Confinement() lxc.Confinement { return lxc.Confinement{} }
func (f *fakeRuntime) LXCFS() *xmlmap.LXCFS         { return nil }
func (f *fakeRuntime) OpenVSwitch() bool            { return false }
func (f *fakeRuntime) RunningInit(string) int       { return 0 }
func (f *fakeRuntime) NetCounters() (map[string]lxc.Interface, error) {
	return nil, errors.New("fake runtime: no batched counters")
}

// MissingNetDevice: every device exists but those in missing.
func (f *fakeRuntime) MissingNetDevice(devs []string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range devs {
		if f.missing[d] {
			return d
		}
	}
	return ""
}

func (f *fakeRuntime) Start(ctx context.Context, name string, config []byte) (Container, error) {
	if err := f.enter("start", name); err != nil {
		return nil, err
	}
	f.mu.Lock()
	hang := f.hang[name]
	if f.failStarts[name] > 0 {
		f.failStarts[name]--
		f.mu.Unlock()
		return nil, fmt.Errorf("lxc-start %s: exit status 1", name)
	}
	f.mu.Unlock()
	if hang {
		<-ctx.Done()
		_ = f.enter("killed", name)
		return nil, fmt.Errorf("lxc-start %s: killed: %w", name, ctx.Err())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cts[name] != nil {
		return nil, lxc.ErrAlreadyRunning
	}
	f.configs[name] = string(config)
	ct := &fakeCT{monitor: make(chan struct{})}
	f.boot(ct)
	f.cts[name] = ct
	return &fakeContainer{f: f, name: name, init: ct.init, monitor: ct.monitor}, nil
}

func (f *fakeRuntime) Defined(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.configs[name]
	return ok
}

// Remove drops name's config and its snapshot copies, which live in its
// directory.
func (f *fakeRuntime) Remove(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.configs, name)
	for k := range f.copies {
		if strings.HasPrefix(k, name+"/") {
			delete(f.copies, k)
		}
	}
	return nil
}

// config is name's LXC config as the last start wrote it.
func (f *fakeRuntime) config(name string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.configs[name]
	return c, ok
}

func (f *fakeRuntime) State(_ context.Context, name string) (lxc.State, int, error) {
	if err := f.enter("state", name); err != nil {
		return "", 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ct := f.cts[name]
	if ct == nil {
		return lxc.Stopped, 0, nil
	}
	return lxc.Running, ct.init.pid, nil
}

func (f *fakeRuntime) StateIn(_ context.Context, lxcpath, name string) (lxc.State, error) {
	if err := f.enter("statein", name); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if st, ok := f.foreign[lxcpath+"/"+name]; ok {
		return st, nil
	}
	return lxc.Stopped, nil
}

// Adopt returns the handle of pid, which has exited unless it is name's
// current init.
func (f *fakeRuntime) Adopt(name string, pid int) Container {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ct := f.cts[name]; ct != nil && ct.init.pid == pid {
		return &fakeContainer{f: f, name: name, init: ct.init, monitor: ct.monitor}
	}
	gone := make(chan struct{})
	close(gone)
	return &fakeContainer{f: f, name: name, init: &fakeInit{pid: pid, exited: gone}, monitor: gone}
}

func (f *fakeRuntime) Stop(_ context.Context, name string, o lxc.StopOptions) error {
	if err := f.enter("stop", name); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ct := f.cts[name]
	switch {
	case ct == nil:
		return lxc.ErrNotRunning
	case o.Kill:
		f.halt(name, wsKilled)
	case f.ignore[name]:
	case o.Reboot && f.rebootL[name]:
		// A cooperating init reboots: LXC's monitor stays and starts a new init.
		f.endInit(name, ct, wsReboot)
		f.boot(ct)
	default:
		f.halt(name, wsExit0)
	}
	return nil
}

func (f *fakeRuntime) StateStream(context.Context) (<-chan lxc.StateEvent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.streaming {
		return nil, lxc.ErrNoStreaming
	}
	ch := make(chan lxc.StateEvent, 16)
	f.streams = append(f.streams, ch)
	f.opened <- struct{}{}
	return ch, nil
}

// stream is the state stream the driver follows now.
func (f *fakeRuntime) stream() chan lxc.StateEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.streams[len(f.streams)-1]
}

func (f *fakeRuntime) send(ev lxc.StateEvent) { f.stream() <- ev }

// exitInit makes name's init exit on its own with ws (0: a guest poweroff).
func (f *fakeRuntime) exitInit(name string, ws unix.WaitStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.halt(name, ws)
}

// guestReboot makes the guest reboot itself: LXC starts a new init.
func (f *fakeRuntime) guestReboot(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ct := f.cts[name]
	f.endInit(name, ct, wsReboot)
	f.boot(ct)
}

// setFrozen changes name's freezer behind the driver's back.
func (f *fakeRuntime) setFrozen(name string, frozen bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cts[name].frozen = frozen
}

func (f *fakeRuntime) pid(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ct := f.cts[name]; ct != nil {
		return ct.init.pid
	}
	return 0
}

func (f *fakeRuntime) count(call string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == call {
			n++
		}
	}
	return n
}

// waitCalls waits until call was made n times.
func (f *fakeRuntime) waitCalls(call string, n int) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.count(call) < n {
		if time.Now().After(deadline) {
			f.t.Fatalf("%d calls %q; want %d", f.count(call), call, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// fakeContainer is the handle of one init.
type fakeContainer struct {
	f       *fakeRuntime
	name    string
	init    *fakeInit
	monitor chan struct{}
}

func (c *fakeContainer) PID() int                       { return c.init.pid }
func (c *fakeContainer) Exited() <-chan struct{}        { return c.init.exited }
func (c *fakeContainer) Running() bool                  { return !closed(c.init.exited) }
func (c *fakeContainer) MonitorExited() <-chan struct{} { return c.monitor }
func (c *fakeContainer) Close()                         {}

func (c *fakeContainer) AfterExit(fn func()) func() bool {
	ctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, fn)
	go func() {
		select {
		case <-c.init.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	return func() bool {
		ok := stop()
		if ok {
			cancel()
		}
		return ok
	}
}

func (c *fakeContainer) Wait(ctx context.Context) lxc.Exit {
	select {
	case <-c.init.exited:
		return c.init.exit
	case <-ctx.Done():
		return lxc.Exit{}
	}
}

func (c *fakeContainer) Stop(ctx context.Context, o lxc.StopOptions) error {
	return c.f.Stop(ctx, c.name, o)
}

// Kill kills the handle's init; one LXC already replaced is killed by name
// (lxc-stop -k) instead, as lxc.Container does.
func (c *fakeContainer) Kill(ctx context.Context) error {
	if err := c.f.enter("kill", c.name); err != nil {
		return err
	}
	c.f.mu.Lock()
	ct := c.f.cts[c.name]
	current := ct != nil && ct.init == c.init
	if current {
		c.f.halt(c.name, wsKilled)
	}
	c.f.mu.Unlock()
	if !current {
		if err := c.f.Stop(ctx, c.name, lxc.StopOptions{Kill: true}); err != nil && !errors.Is(err, lxc.ErrNotRunning) {
			return err
		}
	}
	return nil
}

func (c *fakeContainer) freeze(op string, frozen bool) error {
	if err := c.f.enter(op, c.name); err != nil {
		return err
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	ct := c.f.cts[c.name]
	if ct == nil {
		return lxc.ErrNotRunning
	}
	ct.frozen = frozen
	return nil
}

func (c *fakeContainer) Freeze(ctx context.Context) error {
	c.f.mu.Lock()
	hang := c.f.hangFreeze[c.name]
	c.f.mu.Unlock()
	if !hang {
		return c.freeze("freeze", true)
	}
	if err := c.freeze("freeze", true); err != nil {
		return err
	}
	<-ctx.Done()
	_ = c.f.enter("freeze killed", c.name)
	return fmt.Errorf("lxc-freeze %s: killed: %w", c.name, ctx.Err())
}

func (c *fakeContainer) Thaw(context.Context) error { return c.freeze("unfreeze", false) }

func (c *fakeContainer) Frozen() (bool, error) {
	if err := c.f.enter("frozen", c.name); err != nil {
		return false, err
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	ct := c.f.cts[c.name]
	if ct == nil || ct.init != c.init {
		return false, errors.New("no such container")
	}
	return ct.frozen, nil
}

func (c *fakeContainer) Usage() (lxc.Usage, error) {
	return lxc.Usage{CPUNs: 3e9, UserNs: 2e9, SystemNs: 1e9, PerCPUNs: []uint64{1e9, 2e9}, MemBytes: 10 << 20}, nil
}

func (c *fakeContainer) SetupNetwork(_ context.Context, _ string, ifaces []xmlmap.Interface) error {
	if err := c.f.enter("setupnet", c.name); err != nil {
		return err
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	c.f.setups[c.name] = ifaces
	return nil
}

func (c *fakeContainer) Interface(dev string) (lxc.Interface, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	st, ok := c.f.net[dev]
	if !ok {
		return lxc.Interface{Name: dev}, fmt.Errorf("no device %s", dev)
	}
	return st, nil
}

// ConsoleRelay makes an in-memory console: what a session writes comes back
// to it (the echo of a shell's terminal). A container whose name has
// "busy" has its console held outside the driver.
func (f *fakeRuntime) ConsoleRelay(_ context.Context, name string, _ int, _ bool, _ func() bool) (ConsolePTY, error) {
	if err := f.enter("console", name); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ptys++
	r := &fakeRelay{f: f, name: name, path: fmt.Sprintf("/dev/pts/%d", 100+f.ptys), changed: make(chan struct{})}
	r.attach()
	f.relays[name] = append(f.relays[name], r)
	return r, nil
}

type fakeRelay struct {
	f    *fakeRuntime
	name string
	path string

	mu       sync.Mutex
	attached bool
	err      error
	changed  chan struct{}
	closed   bool
	sessions []*fakeSession
}

// attach attaches the relay, or fails as LXC does when the console is
// held elsewhere.
func (r *fakeRelay) attach() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if strings.Contains(r.name, "busy") {
		r.attached, r.err = false, fmt.Errorf("lxc-console: %w", lxc.ErrConsoleBusy)
	} else {
		r.attached, r.err = true, nil
	}
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *fakeRelay) Path() string { return r.path }

func (r *fakeRelay) Open() (io.ReadWriteCloser, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, os.ErrClosed
	}
	s := &fakeSession{r: r}
	s.cond = sync.NewCond(&s.mu)
	r.sessions = append(r.sessions, s)
	return s, nil
}

func (r *fakeRelay) State() (bool, error, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attached, r.err, r.changed
}

// Booted counts as an attachment to the new boot's console.
func (r *fakeRelay) Booted(func() bool) {
	_ = r.f.enter("console", r.name)
	r.attach()
}

// Retry tries the console again, to no avail while it is busy: no change.
func (r *fakeRelay) Retry() { _ = r.f.enter("console", r.name) }

func (r *fakeRelay) SetLogged(bool) {}

// Close hangs up every session.
func (r *fakeRelay) Close() {
	r.mu.Lock()
	r.closed = true
	sessions := r.sessions
	r.mu.Unlock()
	for _, s := range sessions {
		s.hangup()
	}
}

func (r *fakeRelay) Wait() {}

// fakeSession is a session on a fakeRelay: an echo.
type fakeSession struct {
	r    *fakeRelay
	mu   sync.Mutex
	cond *sync.Cond
	buf  bytes.Buffer
	hung bool // the relay closed: reads end with EOF
	shut bool // the session closed
}

func (s *fakeSession) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.buf.Len() == 0 && !s.hung && !s.shut {
		s.cond.Wait()
	}
	switch {
	case s.shut:
		return 0, os.ErrClosed
	case s.buf.Len() > 0:
		return s.buf.Read(p)
	}
	return 0, io.EOF
}

func (s *fakeSession) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hung || s.shut {
		return 0, unix.EIO
	}
	s.buf.Write(p)
	s.cond.Broadcast()
	return len(p), nil
}

func (s *fakeSession) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shut = true
	s.cond.Broadcast()
	return nil
}

func (s *fakeSession) hangup() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hung = true
	s.cond.Broadcast()
}

// OpenNamespaces opens one stand-in file while init runs.
func (c *fakeContainer) OpenNamespaces() ([]*os.File, error) {
	if !c.Running() {
		return nil, lxc.ErrNotRunning
	}
	f, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	return []*os.File{f}, nil
}

// InitIDs knows one user, tester (1234), and one group, staff (50).
func (f *fakeRuntime) InitIDs(rootfs, user, group string) (uid, gid string, err error) {
	ids := map[string]string{"User tester": "1234", "Group staff": "50"}
	for _, q := range []struct {
		kind, name string
		out        *string
	}{{"User", user, &uid}, {"Group", group, &gid}} {
		if q.name == "" {
			continue
		}
		id, ok := ids[q.kind+" "+q.name]
		if !ok {
			return "", "", &lxc.UnknownIDError{Kind: q.kind, Name: q.name}
		}
		*q.out = id
	}
	return uid, gid, nil
}

// fakeLink is a veth pair a test attached to a container.
type fakeLink struct {
	dev     lxc.NetDevice
	guest   string
	guestUp bool
}

// links are the veth pairs attached to name's container, by host end.
// Caller holds mu.
func (f *fakeRuntime) linksOf(name string) map[string]*fakeLink {
	if f.links == nil {
		f.links = map[string]map[string]*fakeLink{}
	}
	if f.links[name] == nil {
		f.links[name] = map[string]*fakeLink{}
	}
	return f.links[name]
}

// link is the pair with host end hostDev (a macvlan: its MAC) in name's
// container, or nil.
func (f *fakeRuntime) link(name, hostDev string) *fakeLink {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.linksOf(name)[hostDev]
}

func (c *fakeContainer) AttachInterface(_ context.Context, _ string, d lxc.NetDevice) (string, error) {
	if err := c.f.enter("attach-interface", c.name); err != nil {
		return "", err
	}
	if !c.Running() {
		return "", lxc.ErrNotRunning
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	links := c.f.linksOf(c.name)
	key := d.HostDev
	if d.Parent != "" {
		key = d.MAC.String() // a macvlan has no host end
	}
	if links[key] != nil {
		return "", fmt.Errorf("%s exists", key)
	}
	guest := d.GuestDev
	if guest == "" {
		guest = fmt.Sprintf("eth%d", len(links)+1)
	}
	links[key] = &fakeLink{dev: d, guest: guest, guestUp: d.Up}
	return guest, nil
}

func (c *fakeContainer) DetachInterface(hostDev string) error {
	if err := c.f.enter("detach-interface", c.name); err != nil {
		return err
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	delete(c.f.linksOf(c.name), hostDev)
	return nil
}

func (c *fakeContainer) SetInterfaceLink(mac net.HardwareAddr, up bool) error {
	if err := c.f.enter("set-link", c.name); err != nil {
		return err
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	for _, l := range c.f.linksOf(c.name) {
		if l.dev.MAC.String() == mac.String() {
			l.guestUp = up
			return nil
		}
	}
	return fmt.Errorf("no device with MAC %s: %w", mac, lxc.ErrNoLink)
}

// PrepareDevices gives every device node number 7:N and an ext4
// filesystem; an image file gets /dev/loopN.
func (f *fakeRuntime) PrepareDevices(ctx context.Context, devs []xmlmap.Device) ([]xmlmap.DeviceFacts, []lxc.Loop, error) {
	if err := f.enter("prepare-devices", ""); err != nil {
		return nil, nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.loops == nil {
		f.loops = map[string]lxc.Loop{}
	}
	var facts []xmlmap.DeviceFacts
	var loops []lxc.Loop
	for _, d := range devs {
		if d.USB != nil {
			d.Source = fmt.Sprintf("/dev/bus/usb/001/%03d", f.nextLoop+1)
		}
		if d.Source == "" {
			for _, l := range loops {
				delete(f.loops, l.Device)
			}
			return nil, nil, &lxc.DeviceError{Elem: d.Elem, Err: lxc.ErrNoMedia}
		}
		f.nextLoop++
		path := d.Source
		if d.File {
			path = fmt.Sprintf("/dev/loop%d", f.nextLoop)
			l := lxc.Loop{Device: path, File: d.Source}
			f.loops[path] = l
			loops = append(loops, l)
		}
		typ := d.Type
		if typ == 0 {
			typ = 'b'
		}
		facts = append(facts, xmlmap.DeviceFacts{Path: path, Type: typ, Major: 7, Minor: uint32(f.nextLoop), FSType: "ext4"})
	}
	return facts, loops, nil
}

func (f *fakeRuntime) ReleaseLoops(loops []lxc.Loop) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range loops {
		delete(f.loops, l.Device)
	}
}

// attachedLoops are the loop devices attached, sorted.
func (f *fakeRuntime) attachedLoops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for d := range f.loops {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

func (c *fakeContainer) AddNode(ctx context.Context, n lxc.DeviceNode) error {
	if err := c.f.enter("add-node", c.name); err != nil {
		return err
	}
	if !c.Running() {
		return lxc.ErrNotRunning
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if c.f.nodes == nil {
		c.f.nodes = map[string]map[string]string{}
	}
	if c.f.nodes[c.name] == nil {
		c.f.nodes[c.name] = map[string]string{}
	}
	if _, ok := c.f.nodes[c.name][n.Path]; ok {
		return fmt.Errorf("%s exists", n.Path)
	}
	c.f.nodes[c.name][n.Path] = n.Source
	return nil
}

func (c *fakeContainer) RemoveNode(ctx context.Context, path string) error {
	if err := c.f.enter("remove-node", c.name); err != nil {
		return err
	}
	if !c.Running() {
		return lxc.ErrNotRunning
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	delete(c.f.nodes[c.name], path)
	return nil
}

// nodesOf are the device nodes hot-plugged into name: path → source.
func (f *fakeRuntime) nodesOf(name string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.nodes[name])
}

// BlockDevice: /dev/vd<x> is 254:<x-'a'>; anything else does not exist.
func (f *fakeRuntime) BlockDevice(path string) (string, error) {
	if rest, ok := strings.CutPrefix(path, "/dev/vd"); ok && len(rest) == 1 {
		return fmt.Sprintf("254:%d", rest[0]-'a'), nil
	}
	return "", fmt.Errorf("stat %s: no such file or directory", path)
}

func (f *fakeRuntime) BlkioWeightFile() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noWeight {
		return ""
	}
	return "bfq.weight"
}

func (c *fakeContainer) Tunable(t lxc.Tunable) (int64, error) {
	if err := c.f.enter("tunable", c.name); err != nil {
		return 0, err
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if v, ok := c.f.tunables[c.name][t]; ok {
		return v, nil
	}
	return map[lxc.Tunable]int64{
		lxc.MemoryHardLimit: -1, lxc.MemorySoftLimit: -1, lxc.MemorySwapHardLimit: -1,
		lxc.CPUShares: 1024, lxc.CPUPeriod: 100000, lxc.CPUQuota: -1, lxc.BlkioWeight: 100,
	}[t], nil
}

func (c *fakeContainer) SetTunable(t lxc.Tunable, v int64) error {
	if err := c.f.enter("set-tunable", c.name); err != nil {
		return err
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if c.f.tunables == nil {
		c.f.tunables = map[string]map[lxc.Tunable]int64{}
	}
	if c.f.tunables[c.name] == nil {
		c.f.tunables[c.name] = map[lxc.Tunable]int64{}
	}
	c.f.tunables[c.name][t] = v
	return nil
}

func (c *fakeContainer) SetDeviceLimit(l lxc.DeviceLimit, dev string, v uint64) error {
	if err := c.f.enter("set-device-limit", c.name); err != nil {
		return err
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if c.f.devLimits == nil {
		c.f.devLimits = map[string]map[string]uint64{}
	}
	if c.f.devLimits[c.name] == nil {
		c.f.devLimits[c.name] = map[string]uint64{}
	}
	c.f.devLimits[c.name][fmt.Sprintf("%d %s", l, dev)] = v
	return nil
}

func (c *fakeContainer) BlockIO() (lxc.BlockIO, error) {
	if err := c.f.enter("blockio", c.name); err != nil {
		return lxc.BlockIO{}, err
	}
	return lxc.BlockIO{ReadBytes: 4096, WriteBytes: 8192, ReadReqs: 1, WriteReqs: 2}, nil
}

// SignalProcess: the container has PIDs 1 and 7.
func (c *fakeContainer) SignalProcess(pid int, sig unix.Signal) error {
	if !c.Running() {
		return lxc.ErrNotRunning
	}
	if pid != 1 && pid != 7 {
		return lxc.ErrNoProcess
	}
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if c.f.signals == nil {
		c.f.signals = map[string][]string{}
	}
	c.f.signals[c.name] = append(c.f.signals[c.name], fmt.Sprintf("%d %d", pid, sig))
	return nil
}

// Snapshot copies: copies holds name/snap → the rootfs copied, and
// frozenAtCopy whether the container was frozen while it was copied.
func (f *fakeRuntime) CopyRootfs(ctx context.Context, name, snap, rootfs string) error {
	if err := f.enter("copy", name+"/"+snap); err != nil {
		return err
	}
	f.mu.Lock()
	hang := f.hangCopy
	f.mu.Unlock()
	if hang {
		<-ctx.Done()
		return fmt.Errorf("rsync: killed: %w", ctx.Err())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.copies == nil {
		f.copies = map[string]string{}
		f.frozenAtCopy = map[string]bool{}
	}
	f.copies[name+"/"+snap] = rootfs
	ct := f.cts[name]
	f.frozenAtCopy[name+"/"+snap] = ct != nil && ct.frozen
	return nil
}

func (f *fakeRuntime) RestoreRootfs(_ context.Context, name, snap, rootfs string) error {
	if err := f.enter("restore", name+"/"+snap+" "+rootfs); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.copies[name+"/"+snap]; !ok {
		return lxc.ErrNoSnapshotCopy
	}
	return nil
}

func (f *fakeRuntime) RemoveSnapshotCopy(_ context.Context, name, snap string) error {
	if err := f.enter("rmcopy", name+"/"+snap); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.copies, name+"/"+snap)
	delete(f.dumps, "/fake/"+name+"/snaps/"+snap+"/memory")
	return nil
}

func (f *fakeRuntime) HasSnapshotCopy(name, snap string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.copies[name+"/"+snap]
	return ok
}

// Checkpoint and Restore: the fake has no CRIU; the real ones are tested
// against real containers (integration).
// A dump that leaves the container running is recorded, and Restore
// starts a container (a new init, as the fake has no processes) from it.
func (f *fakeRuntime) Checkpoint(ctx context.Context, name, dir string, stop bool) error {
	if err := f.enter("dump", fmt.Sprintf("%s %s stop=%v", name, dir, stop)); err != nil {
		return err
	}
	f.mu.Lock()
	fn := f.checkpoint
	f.mu.Unlock()
	if fn == nil {
		return errors.New("fake runtime: no checkpoint")
	}
	if err := fn(ctx, name, dir); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dumps == nil {
		f.dumps = map[string]bool{}
	}
	f.dumps[dir] = f.cts[name] != nil && f.cts[name].frozen
	if stop && f.cts[name] != nil {
		f.halt(name, wsKilled) // lxc-checkpoint -s
	}
	return nil
}

func (f *fakeRuntime) Restore(ctx context.Context, name string, config []byte, dir string) (Container, error) {
	if err := f.enter("restore-ct", name+" "+dir); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	frozen, ok := f.dumps[dir]
	if !ok {
		return nil, errors.New("fake runtime: no dump in " + dir)
	}
	if f.cts[name] != nil {
		return nil, lxc.ErrAlreadyRunning
	}
	f.configs[name] = string(config)
	// CRIU restores the freezer state as dumped.
	ct := &fakeCT{monitor: make(chan struct{}), frozen: frozen}
	f.boot(ct)
	f.cts[name] = ct
	return &fakeContainer{f: f, name: name, init: ct.init, monitor: ct.monitor}, nil
}

func (f *fakeRuntime) HasSnapshotMemory(name, snap string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.dumps["/fake/"+name+"/snaps/"+snap+"/memory"]
	return ok
}

func (f *fakeRuntime) SnapshotMemoryPath(name, snap string) (string, error) {
	return "/fake/" + name + "/snaps/" + snap + "/memory", nil
}
