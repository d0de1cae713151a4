package driver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// env is one test's state directory, fake runtime and driver.
type env struct {
	t        *testing.T
	rt       *fakeRuntime
	clock    *fakeClock // nil: the system clock
	stateDir string
	runDir   string
	ports    NetworkPorts      // libvirt's network driver, when the test has one
	networks map[string]string // Config.Networks
	userNS   *xmlmap.UserNS    // Config.UserNS: a session daemon's driver
	l        *LXC
}

func newEnv(t *testing.T, opts ...func(*env)) *env {
	e := unopenedEnv(t, opts...)
	e.l = e.open()
	return e
}

// unopenedEnv is an env without its driver yet.
func unopenedEnv(t *testing.T, opts ...func(*env)) *env {
	e := &env{t: t, rt: newFakeRuntime(t), stateDir: t.TempDir(), runDir: t.TempDir()}
	for _, o := range opts {
		o(e)
	}
	return e
}

type testLog struct {
	mu sync.Mutex
	t  *testing.T
	on bool
}

func (w *testLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.on {
		w.t.Log(strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

// open starts a driver instance on e's state directory; it is closed when
// the test ends.
func (e *env) open() *LXC {
	e.t.Helper()
	w := &testLog{t: e.t, on: true}
	e.t.Cleanup(func() { w.mu.Lock(); w.on = false; w.mu.Unlock() })
	cfg := Config{
		StateDir:      e.stateDir,
		LXCPath:       filepath.Join(e.stateDir, "lxc"),
		RunDir:        e.runDir,
		ShutdownGrace: 300 * time.Millisecond,
		Runtime:       e.rt,
		Ports:         e.ports,
		Networks:      e.networks,
		UserNS:        e.userNS,
		Logger:        slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if e.clock != nil {
		cfg.Now, cfg.After = e.clock.Now, e.clock.After
	}
	l, err := New(e.t.Context(), cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = l.Close() })
	return l
}

func domXML(name, uuid string, extra ...string) string {
	u := ""
	if uuid != "" {
		u = "<uuid>" + uuid + "</uuid>"
	}
	return fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>%s
  <memory>500000</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  %s
  <devices>
    <filesystem type='mount'><source dir='/srv/%s'/><target dir='/'/></filesystem>
    <interface type='bridge'><source network='br0'/><mac address='00:11:22:34:34:34'/></interface>
    <console type='pty'/>
  </devices>
</domain>`, name, u, strings.Join(extra, ""), name)
}

const (
	uuidA = "11111111-2222-3333-4444-555555555555"
	uuidB = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
)

func (e *env) define(name, uuid string, extra ...string) driverapi.Domain {
	e.t.Helper()
	d, err := e.l.DefineXML(e.t.Context(), domXML(name, uuid, extra...), 0)
	if err != nil {
		e.t.Fatalf("DefineXML %s: %v", name, err)
	}
	return d
}

func (e *env) start(d driverapi.Domain) driverapi.Domain {
	e.t.Helper()
	d, err := e.l.Create(e.t.Context(), d.UUID, 0)
	if err != nil {
		e.t.Fatalf("Create %s: %v", d.Name, err)
	}
	return d
}

func (e *env) status(d driverapi.Domain) driverapi.Status {
	e.t.Helper()
	st, err := e.l.Status(e.t.Context(), d.UUID)
	if err != nil {
		e.t.Fatalf("Status %s: %v", d.Name, err)
	}
	return st
}

// waitState polls until d reaches state (or, for a forgotten transient
// domain, until it is gone when state is 0).
func (e *env) waitState(d driverapi.Domain, state libvirt.DomainState) driverapi.Status {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := e.l.Status(e.t.Context(), d.UUID)
		if err == nil && st.State == state {
			return st
		}
		if state == 0 && virterror.HasCode(err, libvirt.ErrNoDomain) {
			return driverapi.Status{}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: state %v (%v), want %v", d.Name, st.State, err, state)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func wantCode(t *testing.T, err error, code libvirt.ErrorNumber, contains string) {
	t.Helper()
	e := virterror.As(err)
	if e == nil || e.Code != code {
		t.Fatalf("err = %v (%T); want libvirt code %v", err, err, code)
	}
	if !strings.Contains(e.Message, contains) {
		t.Fatalf("err = %q; want it to contain %q", e.Message, contains)
	}
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, de os.DirEntry, err error) error {
		if err == nil && !de.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func TestDefineLookupUndefine(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("web", uuidA)
	if d.Name != "web" || driverapi.FormatUUID(d.UUID) != uuidA || d.ID != -1 {
		t.Fatalf("DefineXML = %+v", d)
	}
	if got := files(t, e.stateDir); !slices.Equal(got, []string{"domains/" + uuidA + ".xml"}) {
		t.Fatalf("state dir = %v", got)
	}
	for _, lookup := range []func() (driverapi.Domain, error){
		func() (driverapi.Domain, error) { return e.l.LookupByName(ctx, "web") },
		func() (driverapi.Domain, error) { return e.l.LookupByUUID(ctx, d.UUID) },
	} {
		if got, err := lookup(); err != nil || got != d {
			t.Errorf("lookup = %+v, %v; want %+v", got, err, d)
		}
	}
	_, err := e.l.LookupByName(ctx, "nope")
	wantCode(t, err, libvirt.ErrNoDomain, "Domain not found: no domain with matching name 'nope'")
	_, err = e.l.LookupByUUID(ctx, driverapi.UUID{1})
	wantCode(t, err, libvirt.ErrNoDomain, "no domain with matching uuid '01000000-0000-0000-0000-000000000000'")
	_, err = e.l.LookupByID(ctx, 12345)
	wantCode(t, err, libvirt.ErrNoDomain, "no domain with matching id 12345")

	// Same name, other UUID; same UUID, other name.
	_, err = e.l.DefineXML(ctx, domXML("web", uuidB), 0)
	wantCode(t, err, libvirt.ErrOperationFailed, "domain 'web' already exists with uuid "+uuidA)
	_, err = e.l.DefineXML(ctx, domXML("db", uuidA), 0)
	wantCode(t, err, libvirt.ErrOperationFailed, "domain 'web' is already defined with uuid "+uuidA)
	// Without a UUID a new one is generated, so the name clashes.
	_, err = e.l.DefineXML(ctx, domXML("web", ""), 0)
	wantCode(t, err, libvirt.ErrOperationFailed, "already exists with uuid")

	// Replacing with the same name and UUID updates the definition.
	if _, err := e.l.DefineXML(ctx, domXML("web", uuidA, "<vcpu>3</vcpu>"), 0); err != nil {
		t.Fatal(err)
	}
	xml, err := e.l.XMLDesc(ctx, d.UUID, driverapi.XMLInactive)
	if err != nil || !strings.Contains(xml, ">3</vcpu>") {
		t.Fatalf("XMLDesc after redefine = %q, %v", xml, err)
	}
	info, err := e.l.Info(ctx, d.UUID)
	if err != nil || info.VCPUs != 3 || info.MaxMemKiB != 500000 || info.State != libvirt.DomainShutoff {
		t.Fatalf("Info = %+v, %v", info, err)
	}

	if err := e.l.Undefine(ctx, d.UUID, 0); err != nil {
		t.Fatal(err)
	}
	if got := files(t, e.stateDir); len(got) != 0 {
		t.Fatalf("files left after undefine: %v", got)
	}
	_, err = e.l.LookupByName(ctx, "web")
	wantCode(t, err, libvirt.ErrNoDomain, "'web'")
	wantCode(t, e.l.Undefine(ctx, d.UUID, 0), libvirt.ErrNoDomain, uuidA)
}

func TestStartStopStates(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("web", uuidA))
	pid := e.rt.pid("web")
	if pid <= 0 || d.ID != int32(pid) {
		t.Fatalf("Create = %+v; want ID %d", d, pid)
	}
	st := e.status(d)
	if st.State != libvirt.DomainRunning || st.Reason != int32(libvirt.DomainRunningBooted) || st.ID != int32(pid) {
		t.Fatalf("Status = %+v", st)
	}
	if got, err := e.l.LookupByID(ctx, d.ID); err != nil || got.UUID != d.UUID {
		t.Fatalf("LookupByID = %+v, %v", got, err)
	}
	_, err := e.l.Create(ctx, d.UUID, 0)
	wantCode(t, err, libvirt.ErrOperationInvalid, "Requested operation is not valid: domain is already running")

	// The LXC config is written under the lxcpath and names the veth.
	cfg, _ := e.rt.config("web")
	if !strings.Contains(cfg, "lxc.net.0.veth.pair = "+vethName(d.UUID, 0)) {
		t.Fatalf("config = %s", cfg)
	}
	live, err := e.l.XMLDesc(ctx, d.UUID, 0)
	if err != nil || !strings.Contains(live, fmt.Sprintf("id='%d'", pid)) || !strings.Contains(live, vethName(d.UUID, 0)) {
		t.Fatalf("live XML = %s, %v", live, err)
	}
	inactive, err := e.l.XMLDesc(ctx, d.UUID, driverapi.XMLInactive)
	if err != nil || strings.Contains(inactive, "id=") || strings.Contains(inactive, vethName(d.UUID, 0)) {
		t.Fatalf("inactive XML = %s, %v", inactive, err)
	}

	must(t, e.l.Suspend(ctx, d.UUID))
	if st := e.status(d); st.State != libvirt.DomainPaused || st.Reason != int32(libvirt.DomainPausedUser) {
		t.Fatalf("after Suspend: %+v", st)
	}
	must(t, e.l.Resume(ctx, d.UUID))
	if st := e.status(d); st.State != libvirt.DomainRunning || st.Reason != int32(libvirt.DomainRunningUnpaused) {
		t.Fatalf("after Resume: %+v", st)
	}
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	st = e.status(d)
	if st.State != libvirt.DomainShutoff || st.Reason != int32(libvirt.DomainShutoffDestroyed) || st.ID != -1 {
		t.Fatalf("after Destroy: %+v", st)
	}
	if _, err := e.l.LookupByID(ctx, int32(pid)); err == nil {
		t.Fatal("LookupByID finds a destroyed domain")
	}
	for name, call := range map[string]func() error{
		"Shutdown": func() error { return e.l.Shutdown(ctx, d.UUID, 0) },
		"Destroy":  func() error { return e.l.Destroy(ctx, d.UUID, 0) },
		"Reboot":   func() error { return e.l.Reboot(ctx, d.UUID, 0) },
		"Suspend":  func() error { return e.l.Suspend(ctx, d.UUID) },
		"Resume":   func() error { return e.l.Resume(ctx, d.UUID) },
	} {
		if err := call(); !virterror.HasCode(err, libvirt.ErrOperationInvalid) || !strings.Contains(err.Error(), "domain is not running") {
			t.Errorf("%s on a stopped domain = %v", name, err)
		}
	}
	if got := files(t, filepath.Join(e.stateDir, runDir)); len(got) != 0 {
		t.Errorf("run state left: %v", got)
	}
}

func TestFlagsRejected(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("web", uuidA)
	wantCode(t, e.l.Destroy(ctx, d.UUID, 1<<7), libvirt.ErrInvalidArg, "unsupported flags (0x80)")
	_, err := e.l.ListAll(ctx, 1<<20)
	wantCode(t, err, libvirt.ErrInvalidArg, "unsupported flags")
	wantCode(t, e.l.Shutdown(ctx, d.UUID, uint32(libvirt.DomainShutdownGuestAgent)), libvirt.ErrInvalidArg, "unsupported flags")
}

func TestListAllFlags(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	off := e.define("a-off", "")
	auto := e.define("b-auto", "")
	must(t, e.l.SetAutostart(ctx, auto.UUID, true))
	run := e.start(e.define("c-run", ""))
	paused := e.start(e.define("d-paused", ""))
	must(t, e.l.Suspend(ctx, paused.UUID))
	trans, err := e.l.CreateXML(ctx, domXML("e-trans", ""), 0)
	must(t, err)
	_ = off

	F := func(fl ...libvirt.ConnectListAllDomainsFlags) uint32 {
		var v uint32
		for _, f := range fl {
			v |= uint32(f)
		}
		return v
	}
	cases := []struct {
		flags uint32
		want  []string
	}{
		{0, []string{"a-off", "b-auto", "c-run", "d-paused", "e-trans"}},
		{F(libvirt.ConnectListDomainsActive), []string{"c-run", "d-paused", "e-trans"}},
		{F(libvirt.ConnectListDomainsInactive), []string{"a-off", "b-auto"}},
		{F(libvirt.ConnectListDomainsActive, libvirt.ConnectListDomainsInactive), []string{"a-off", "b-auto", "c-run", "d-paused", "e-trans"}},
		{F(libvirt.ConnectListDomainsPersistent), []string{"a-off", "b-auto", "c-run", "d-paused"}},
		{F(libvirt.ConnectListDomainsTransient), []string{"e-trans"}},
		{F(libvirt.ConnectListDomainsRunning), []string{"c-run", "e-trans"}},
		{F(libvirt.ConnectListDomainsPaused), []string{"d-paused"}},
		{F(libvirt.ConnectListDomainsShutoff), []string{"a-off", "b-auto"}},
		{F(libvirt.ConnectListDomainsOther), nil},
		{F(libvirt.ConnectListDomainsAutostart), []string{"b-auto"}},
		{F(libvirt.ConnectListDomainsNoAutostart), []string{"a-off", "c-run", "d-paused", "e-trans"}},
		{F(libvirt.ConnectListDomainsActive, libvirt.ConnectListDomainsPersistent), []string{"c-run", "d-paused"}},
		{F(libvirt.ConnectListDomainsHasSnapshot), nil},
		{F(libvirt.ConnectListDomainsNoSnapshot, libvirt.ConnectListDomainsRunning), []string{"c-run", "e-trans"}},
		{F(libvirt.ConnectListDomainsManagedsave), nil},
	}
	for _, c := range cases {
		list, err := e.l.ListAll(ctx, c.flags)
		must(t, err)
		var got []string
		for _, s := range list {
			got = append(got, s.Name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("ListAll(%#x) = %v; want %v", c.flags, got, c.want)
		}
	}
	list, _ := e.l.ListAll(ctx, F(libvirt.ConnectListDomainsTransient))
	if len(list) != 1 || list[0].ID != trans.ID || list[0].Persistent || list[0].State != libvirt.DomainRunning {
		t.Errorf("transient entry = %+v", list)
	}
	_ = run
}

func TestTransientDomain(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.define("web", uuidA)
	_, err := e.l.CreateXML(ctx, domXML("web", uuidB), 0)
	wantCode(t, err, libvirt.ErrOperationFailed, "domain 'web' already exists with uuid "+uuidA)

	d, err := e.l.CreateXML(ctx, domXML("tmp", uuidB), 0)
	must(t, err)
	if d.ID <= 0 {
		t.Fatalf("CreateXML = %+v", d)
	}
	_, err = e.l.CreateXML(ctx, domXML("tmp", uuidB), 0)
	wantCode(t, err, libvirt.ErrOperationInvalid, "domain 'tmp' is already active")
	wantCode(t, e.l.Undefine(ctx, d.UUID, 0), libvirt.ErrOperationInvalid, "cannot undefine transient domain")
	wantCode(t, e.l.SetAutostart(ctx, d.UUID, true), libvirt.ErrOperationInvalid, "transient")
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	_, err = e.l.LookupByUUID(ctx, d.UUID)
	wantCode(t, err, libvirt.ErrNoDomain, uuidB)
	if e.rt.Defined("tmp") {
		t.Error("transient container dir left")
	}
	if got := files(t, filepath.Join(e.stateDir, runDir)); len(got) != 0 {
		t.Errorf("run state left: %v", got)
	}
}

func TestUndefineRunningBecomesTransient(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("web", uuidA))
	must(t, e.l.SetAutostart(ctx, d.UUID, true))
	must(t, e.l.Undefine(ctx, d.UUID, 0))
	st := e.status(d)
	if st.Persistent || st.Autostart || st.State != libvirt.DomainRunning {
		t.Fatalf("after Undefine of a running domain: %+v", st)
	}
	if got := files(t, filepath.Join(e.stateDir, domainsDir)); len(got) != 0 {
		t.Fatalf("definition left: %v", got)
	}
	// Defining it again makes it persistent; undefining and stopping forgets it.
	if _, err := e.l.DefineXML(ctx, domXML("web", uuidA), 0); err != nil {
		t.Fatal(err)
	}
	if !e.status(d).Persistent {
		t.Fatal("redefined running domain not persistent")
	}
	must(t, e.l.Undefine(ctx, d.UUID, 0))
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	if _, err := e.l.LookupByUUID(ctx, d.UUID); err == nil {
		t.Fatal("undefined domain still known after it stopped")
	}
	if got := files(t, e.stateDir); len(got) != 0 {
		t.Fatalf("files left: %v", got)
	}
}

// A clean halt is reported as soon as init exits: the grace period never
// ends (the clock stands still), and nothing escalates.
func TestShutdownHonoured(t *testing.T) {
	e := newEnv(t, withClock(newFakeClock()))
	ctx := t.Context()
	evs, err := e.l.Events(ctx)
	must(t, err)
	d := e.start(e.define("web", uuidA))
	must(t, e.l.Shutdown(ctx, d.UUID, 0))
	st := e.waitState(d, libvirt.DomainShutoff)
	if st.Reason != int32(libvirt.DomainShutoffShutdown) {
		t.Fatalf("reason = %d; want shutdown", st.Reason)
	}
	if n := e.rt.count("stop web"); n != 1 {
		t.Errorf("stop calls = %d; want 1 (no escalation)", n)
	}
	wantEvents(t, evs,
		lifecycle(driverapi.Domain{Name: "web", UUID: d.UUID, ID: -1}, libvirt.DomainEventDefined, int32(libvirt.DomainEventDefinedAdded)),
		lifecycle(d, libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted)),
		lifecycle(d, libvirt.DomainEventShutdown, int32(libvirt.DomainEventShutdownHost)),
		lifecycle(d, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedShutdown)),
	)
}

// An init that ignores the halt is killed once the grace period has
// ended, not before; Shutdown itself returns at once.
func TestShutdownEscalates(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, withClock(clock))
	ctx := t.Context()
	e.rt.ignore["web"] = true
	kills := make(chan time.Time, 4) // the clock at each kill
	e.rt.hook = func(op, _ string) {
		if op == "kill" {
			kills <- clock.Now()
		}
	}
	d := e.start(e.define("web", uuidA))
	asked := clock.Now()
	returned := make(chan error, 1)
	go func() { returned <- e.l.Shutdown(ctx, d.UUID, 0) }()
	select {
	case err := <-returned:
		must(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Shutdown has not returned while the grace period runs; it must return at once")
	}
	if st := e.status(d); st.State != libvirt.DomainRunning {
		t.Fatalf("state right after Shutdown = %v", st.State)
	}
	grace := clock.next(t, e.l.cfg.ShutdownGrace)
	if grace.d != e.l.cfg.ShutdownGrace {
		t.Fatalf("escalation timer %v; want the grace period %v", grace.d, e.l.cfg.ShutdownGrace)
	}
	clock.advance(grace)
	st := e.waitState(d, libvirt.DomainShutoff)
	if st.Reason != int32(libvirt.DomainShutoffDestroyed) {
		t.Fatalf("reason = %d; want destroyed", st.Reason)
	}
	if n := e.rt.count("stop web"); n != 1 {
		t.Errorf("stop calls = %d; want the halt request only (the kill goes through init's pidfd)", n)
	}
	if pid := e.rt.pid("web"); pid != 0 {
		t.Errorf("init %d still runs after the escalation", pid)
	}
	if n := len(kills); n != 1 {
		t.Fatalf("%d kills; want 1", n)
	}
	if at := (<-kills).Sub(asked); at < e.l.cfg.ShutdownGrace {
		t.Errorf("killed %v after the request, before the grace period %v ended", at, e.l.cfg.ShutdownGrace)
	}
}

func TestGuestPoweroffAndTransientForgotten(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	evs, err := e.l.Events(ctx)
	must(t, err)
	d, err := e.l.CreateXML(ctx, domXML("tmp", uuidA), 0)
	must(t, err)
	e.rt.exitInit("tmp", wsExit0)
	e.waitState(d, 0)
	wantEvents(t, evs,
		lifecycle(d, libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted)),
		lifecycle(d, libvirt.DomainEventShutdown, int32(libvirt.DomainEventShutdownGuest)),
		lifecycle(d, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedShutdown)),
	)
	if got := files(t, e.stateDir); len(got) != 0 {
		t.Fatalf("files left: %v", got)
	}
}

func TestOnPoweroffRestart(t *testing.T) {
	e := newEnv(t)
	d := e.start(e.define("web", uuidA, "<on_poweroff>restart</on_poweroff>"))
	e.rt.exitInit("web", wsExit0)
	deadline := time.Now().Add(5 * time.Second)
	for {
		st := e.status(d)
		if st.State == libvirt.DomainRunning && st.ID != d.ID && st.ID > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not restarted: %+v", st)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestReboot(t *testing.T) {
	for _, lxcRestarts := range []bool{false, true} {
		t.Run(fmt.Sprintf("lxcRestarts=%v", lxcRestarts), func(t *testing.T) {
			e := newEnv(t)
			ctx := t.Context()
			e.rt.rebootL["web"] = lxcRestarts
			d := e.start(e.define("web", uuidA))
			evs, err := e.l.Events(ctx)
			must(t, err)
			must(t, e.l.Reboot(ctx, d.UUID, 0))
			ev := nextEvent(t, evs)
			if ev.Kind != driverapi.EventReboot || ev.Domain.UUID != d.UUID {
				t.Fatalf("event = %+v; want reboot", ev)
			}
			st := e.status(d)
			if st.State != libvirt.DomainRunning || st.ID == d.ID || st.ID != int32(e.rt.pid("web")) {
				t.Fatalf("after reboot: %+v (old ID %d, init %d)", st, d.ID, e.rt.pid("web"))
			}
			if _, err := e.l.LookupByID(ctx, st.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.l.LookupByID(ctx, d.ID); err == nil {
				t.Fatal("old ID still resolves")
			}
		})
	}
}

func TestGuestReboot(t *testing.T) {
	for _, policy := range []string{"restart", "destroy"} {
		t.Run(policy, func(t *testing.T) {
			e := newEnv(t)
			d := e.start(e.define("web", uuidA, "<on_reboot>"+policy+"</on_reboot>"))
			evs, err := e.l.Events(t.Context())
			must(t, err)
			e.rt.guestReboot("web")
			ev := nextEvent(t, evs)
			if policy == "restart" {
				if ev.Kind != driverapi.EventReboot {
					t.Fatalf("event = %+v; want reboot", ev)
				}
				if st := e.status(d); st.State != libvirt.DomainRunning || st.ID != int32(e.rt.pid("web")) || st.ID == d.ID {
					t.Fatalf("after guest reboot: %+v", st)
				}
				return
			}
			if st := e.waitState(d, libvirt.DomainShutoff); st.Reason != int32(libvirt.DomainShutoffShutdown) {
				t.Fatalf("after guest reboot with on_reboot=destroy: %+v", st)
			}
			if e.rt.pid("web") != 0 {
				t.Fatal("container still runs")
			}
		})
	}
}

func TestFreezeBehindOurBack(t *testing.T) {
	e := newEnv(t)
	d := e.start(e.define("web", uuidA))
	e.rt.setFrozen("web", true)
	if st := e.status(d); st.State != libvirt.DomainPaused {
		t.Fatalf("state with the freezer frozen = %v; want paused", st.State)
	}
	list, _ := e.l.ListAll(t.Context(), uint32(libvirt.ConnectListDomainsPaused))
	if len(list) != 1 {
		t.Fatalf("paused list = %v", list)
	}
	e.rt.setFrozen("web", false)
	if st := e.status(d); st.State != libvirt.DomainRunning {
		t.Fatalf("state thawed = %v; want running", st.State)
	}
	if n := e.rt.count("state web"); n != 0 {
		t.Errorf("the start and the queries ran lxc-info %d times; want none", n)
	}
}

func TestInfoAndStats(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("web", uuidA))
	dev := vethName(d.UUID, 0)
	e.rt.mu.Lock()
	e.rt.net[dev] = lxc.Interface{Name: dev, RxBytes: 300, RxPackets: 4, RxErrs: 7, RxDrop: 8, TxBytes: 100, TxPackets: 2, TxErrs: 5, TxDrop: 6}
	e.rt.mu.Unlock()
	info, err := e.l.Info(ctx, d.UUID)
	must(t, err)
	want := driverapi.Info{State: libvirt.DomainRunning, MaxMemKiB: 500000, MemKiB: 10240, VCPUs: 1, CPUTimeNs: 3e9}
	if info != want {
		t.Fatalf("Info = %+v; want %+v", info, want)
	}
	stats, err := e.l.Stats(ctx, nil)
	must(t, err)
	if len(stats) != 1 {
		t.Fatalf("Stats = %+v", stats)
	}
	s := stats[0]
	if s.CPUUserNs != 2e9 || s.CPUSystemNs != 1e9 || !slices.Equal(s.PerCPUNs, []uint64{1e9, 2e9}) ||
		s.CurMemKiB != 500000 || s.MaxMemKiB != 500000 || len(s.Interfaces) != 1 {
		t.Fatalf("Stats = %+v", s)
	}
	wantIf := driverapi.InterfaceStats{Name: dev, MAC: "00:11:22:34:34:34", RxBytes: 300, RxPackets: 4, RxErrs: 7, RxDrop: 8,
		TxBytes: 100, TxPackets: 2, TxErrs: 5, TxDrop: 6}
	if s.Interfaces[0] != wantIf {
		t.Fatalf("interface stats = %+v; want %+v", s.Interfaces[0], wantIf)
	}
	// A UUID naming no domain is left out, as libvirt's
	// virDomainListGetStats does.
	stats, err = e.l.Stats(ctx, []driverapi.UUID{{9}, d.UUID})
	must(t, err)
	if len(stats) != 1 || stats[0].UUID != d.UUID {
		t.Fatalf("Stats of a missing and a present domain = %+v", stats)
	}
}

func TestPersistenceAndReadoption(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	run := e.start(e.define("run", uuidA))
	off := e.define("off", uuidB)
	must(t, e.l.SetAutostart(ctx, off.UUID, true))
	trans, err := e.l.CreateXML(ctx, domXML("trans", ""), 0)
	must(t, err)
	gone := e.start(e.define("gone", ""))
	must(t, e.l.Close())
	e.rt.exitInit("gone", wsExit0) // stops while no driver watches

	// Same boot (same run dir): no autostart.
	l2 := e.open()
	list, err := l2.ListAll(ctx, 0)
	must(t, err)
	got := map[string]driverapi.Status{}
	for _, s := range list {
		got[s.Name] = s
	}
	if len(got) != 4 {
		t.Fatalf("second instance lists %v", list)
	}
	if s := got["run"]; s.ID != run.ID || s.State != libvirt.DomainRunning || !s.Persistent {
		t.Errorf("run = %+v; want re-adopted with ID %d", s, run.ID)
	}
	if s := got["trans"]; s.ID != trans.ID || s.Persistent {
		t.Errorf("trans = %+v; want re-adopted transient with ID %d", s, trans.ID)
	}
	if s := got["gone"]; s.ID != -1 || s.State != libvirt.DomainShutoff {
		t.Errorf("gone = %+v; want shut off", s)
	}
	if s := got["off"]; s.State != libvirt.DomainShutoff || !s.Autostart {
		t.Errorf("off = %+v; want shut off, autostart, not started in the same boot", s)
	}
	_ = gone
	// The re-adopted domains are watched: a guest poweroff is noticed.
	e.rt.exitInit("trans", wsExit0)
	e.e2(l2).waitState(trans, 0)
	must(t, l2.Close())

	// A new boot (fresh run dir) autostarts "off" but not twice.
	e.runDir = t.TempDir()
	l3 := e.open()
	e3 := e.e2(l3)
	st := e3.waitState(off, libvirt.DomainRunning)
	if st.ID <= 0 {
		t.Fatalf("autostarted = %+v", st)
	}
	if s := e3.status(run); s.ID != run.ID {
		t.Errorf("run after third instance: %+v", s)
	}
	if n := e.rt.count("start run"); n != 1 {
		t.Errorf("run started %d times; autostart must skip running domains", n)
	}
}

// e2 is e with another driver instance.
func (e *env) e2(l *LXC) *env {
	c := *e
	c.l = l
	return &c
}

func TestCorruptDefinitionSkipped(t *testing.T) {
	e := newEnv(t)
	e.define("good", uuidA)
	must(t, e.l.Close())
	bad := filepath.Join(e.stateDir, domainsDir, uuidB+".xml")
	must(t, os.WriteFile(bad, []byte("<domain type='lxc'><name>oops"), 0o600))
	must(t, os.WriteFile(filepath.Join(e.stateDir, runDir, uuidB+".json"), []byte("{not json"), 0o600))
	l := e.open()
	list, err := l.ListAll(t.Context(), 0)
	must(t, err)
	if len(list) != 1 || list[0].Name != "good" {
		t.Fatalf("ListAll = %+v; want only the good definition", list)
	}
}

func TestHostileXMLLeavesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	cases := map[string]struct {
		xml  string
		code libvirt.ErrorNumber
	}{
		"newline in name": {domXML("bad\nlxc.cgroup.devices.allow = a", ""), libvirt.ErrXMLError},
		"dotdot name":     {domXML("../escape", ""), libvirt.ErrXMLError},
		"not xml":         {"<domain", libvirt.ErrXMLError},
		"init option":     {strings.Replace(domXML("opt", ""), "<init>/sbin/init</init>", "<init>--rcfile=/etc/shadow</init>", 1), 0},
		"initarg newline": {strings.Replace(domXML("nl", ""), "<init>/sbin/init</init>", "<init>/sbin/init</init><initarg>x\nlxc.hook.pre-start=/evil</initarg>", 1), 0},
		"huge memory":     {strings.Replace(domXML("huge", ""), "<memory>500000</memory>", "<memory unit='EiB'>16</memory>", 1), 0},
		"dotdot rootfs":   {strings.Replace(domXML("dots", ""), "/srv/dots", "/srv/../etc", 1), 0},
		"unsupported dev": {strings.Replace(domXML("disk", ""), "<console type='pty'/>", "<graphics type='vnc'/>", 1), libvirt.ErrConfigUnsupported},
	}
	for name, c := range cases {
		for _, op := range []string{"define", "create"} {
			var err error
			if op == "define" {
				_, err = e.l.DefineXML(ctx, c.xml, 0)
			} else {
				_, err = e.l.CreateXML(ctx, c.xml, 0)
			}
			if virterror.As(err) == nil {
				t.Errorf("%s %s: err = %v; want a libvirt error", op, name, err)
				continue
			}
			if c.code != 0 && virterror.CodeOf(err) != c.code {
				t.Errorf("%s %s: code %v (%v); want %v", op, name, virterror.CodeOf(err), err, c.code)
			}
		}
	}
	if got := files(t, e.stateDir); len(got) != 0 {
		t.Fatalf("files left by hostile XML: %v", got)
	}
	if list, _ := e.l.ListAll(ctx, 0); len(list) != 0 {
		t.Fatalf("domains left: %v", list)
	}
	if n := e.rt.count("start opt") + e.rt.count("start huge"); n != 0 {
		t.Fatal("a hostile definition reached lxc-start")
	}
	// An init argument starting with '-' is legitimate: it reaches only the
	// container's init through lxc.init.cmd, never an lxc-* argv.
	d, err := e.l.CreateXML(ctx, strings.Replace(domXML("dash", ""), "<init>/sbin/init</init>",
		"<init>/sbin/init</init><initarg>--verbose</initarg>", 1), 0)
	must(t, err)
	if cfg, _ := e.rt.config("dash"); !strings.Contains(cfg, "lxc.init.cmd = /sbin/init --verbose\n") {
		t.Fatalf("config = %s", cfg)
	}
	must(t, e.l.Destroy(ctx, d.UUID, 0))
}

func TestStartFailureCleansUp(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.rt.failOn["start"] = fmt.Errorf("lxc-start: boom: %w", errors.New("exit 1"))
	_, err := e.l.CreateXML(ctx, domXML("tmp", ""), 0)
	wantCode(t, err, libvirt.ErrOperationFailed, "failed to start domain 'tmp'")
	d := e.define("web", uuidA)
	_, err = e.l.Create(ctx, d.UUID, 0)
	wantCode(t, err, libvirt.ErrOperationFailed, "boom")
	if got := files(t, e.stateDir); !slices.Equal(got, []string{"domains/" + uuidA + ".xml"}) {
		t.Fatalf("files after failed starts: %v", got)
	}
	if list, _ := e.l.ListAll(ctx, 0); len(list) != 1 {
		t.Fatalf("domains after failed starts: %+v", list)
	}
	// Start again once the runtime works.
	delete(e.rt.failOn, "start")
	e.start(d)
}

// TestStartSetsUpNetwork: what LXC has no keys for is set up right after
// the container starts; when that fails the start fails, the container is
// killed and the domain stays shut off.
func TestStartSetsUpNetwork(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	bw := `<interface type='bridge'><source bridge='br0'/><bandwidth><inbound average='100'/></bandwidth>` +
		`<ip address='10.9.0.2'/><route address='10.8.0.0' prefix='16' gateway='10.9.0.1'/></interface>`
	x := strings.Replace(domXML("net", uuidA), "<console type='pty'/>", bw+"<console type='pty'/>", 1)
	d, err := e.l.DefineXML(ctx, x, 0)
	must(t, err)
	e.start(d)
	e.rt.mu.Lock()
	got := e.rt.setups["net"]
	e.rt.mu.Unlock()
	if len(got) != 2 || got[1].Bandwidth == nil || got[1].Bandwidth.Inbound.Average != 100 || len(got[1].Routes) != 1 || got[1].HostDev == "" {
		t.Fatalf("SetupNetwork got %+v", got)
	}
	must(t, e.l.Destroy(ctx, d.UUID, 0))

	e.rt.mu.Lock()
	e.rt.missing["br0"] = true
	e.rt.mu.Unlock()
	_, err = e.l.Create(ctx, d.UUID, 0)
	wantCode(t, err, libvirt.ErrOperationFailed, "network device 'br0' does not exist on the host")
	e.rt.mu.Lock()
	delete(e.rt.missing, "br0")
	e.rt.mu.Unlock()

	e.rt.failOn["setupnet"] = fmt.Errorf("cannot set outbound bandwidth on vx0: %w", lxc.ErrNoKernelSupport)
	_, err = e.l.Create(ctx, d.UUID, 0)
	wantCode(t, err, libvirt.ErrOperationUnsupported, "failed to start domain 'net': cannot set outbound bandwidth")
	if st := e.status(d); st.State != libvirt.DomainShutoff {
		t.Fatalf("after a failed network setup: %+v", st)
	}
	e.rt.mu.Lock()
	running := e.rt.cts["net"] != nil
	e.rt.mu.Unlock()
	if running {
		t.Fatal("the container was left running")
	}
}

func TestJobLockSerialisesPerDomain(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	a := e.define("a", uuidA)
	b := e.define("b", uuidB)
	entered, release := make(chan struct{}), make(chan struct{})
	e.rt.hook = func(op, name string) {
		if op == "start" && name == "a" {
			close(entered)
			<-release
		}
	}
	startA := make(chan error, 1)
	go func() { _, err := e.l.Create(ctx, a.UUID, 0); startA <- err }()
	<-entered

	// Another operation on a waits for the job …
	suspendA := make(chan error, 1)
	go func() { suspendA <- e.l.SetAutostart(ctx, a.UUID, true) }()
	// … while b proceeds, and queries on a answer at once.
	done := make(chan error, 1)
	go func() { _, err := e.l.Create(ctx, b.UUID, 0); done <- err }()
	select {
	case err := <-done:
		must(t, err)
	case <-time.After(3 * time.Second):
		t.Fatal("an operation on b waited for a's job")
	}
	if _, err := e.l.ListAll(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if st := e.status(a); st.State != libvirt.DomainShutoff {
		t.Fatalf("a during its start = %+v", st)
	}
	select {
	case err := <-suspendA:
		t.Fatalf("SetAutostart on a ran during a's start: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	must(t, <-startA)
	must(t, <-suspendA)
	if st := e.status(a); st.State != libvirt.DomainRunning || !st.Autostart {
		t.Fatalf("a = %+v", st)
	}
}

func TestJobTimeout(t *testing.T) {
	e := newEnv(t)
	e.l.cfg.JobTimeout = 50 * time.Millisecond
	a := e.define("a", uuidA)
	d := e.l.tab.get(a.UUID)
	d.job <- struct{}{}
	defer d.endJob()
	wantCode(t, e.l.SetAutostart(t.Context(), a.UUID, true), libvirt.ErrOperationTimeout, "cannot acquire state change lock")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := e.l.SetAutostart(ctx, a.UUID, true); virterror.As(err) == nil {
		t.Fatalf("cancelled wait = %v; want a libvirt error", err)
	}
}

func TestConcurrentDefinesOfOneName(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := e.l.DefineXML(t.Context(), domXML("same", ""), 0)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		if err == nil {
			ok++
		} else if !virterror.HasCode(err, libvirt.ErrOperationFailed) {
			t.Errorf("err = %v", err)
		}
	}
	if ok != 1 || len(files(t, filepath.Join(e.stateDir, domainsDir))) != 1 {
		t.Fatalf("%d defines of one name succeeded; want exactly 1", ok)
	}
}

func TestEventsOrderAndSlowSubscriber(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	evs, err := e.l.Events(ctx)
	must(t, err)
	slow, err := e.l.Events(ctx) // never read
	must(t, err)
	d := e.define("web", uuidA)
	d = e.start(d)
	must(t, e.l.Suspend(ctx, d.UUID))
	must(t, e.l.Resume(ctx, d.UUID))
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	must(t, e.l.Undefine(ctx, d.UUID, 0))
	off := driverapi.Domain{Name: "web", UUID: d.UUID, ID: -1}
	wantEvents(t, evs,
		lifecycle(off, libvirt.DomainEventDefined, int32(libvirt.DomainEventDefinedAdded)),
		lifecycle(d, libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted)),
		lifecycle(d, libvirt.DomainEventSuspended, int32(libvirt.DomainEventSuspendedPaused)),
		lifecycle(d, libvirt.DomainEventResumed, int32(libvirt.DomainEventResumedUnpaused)),
		lifecycle(d, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedDestroyed)),
		lifecycle(off, libvirt.DomainEventUndefined, int32(libvirt.DomainEventUndefinedRemoved)),
	)
	// Overflow the slow subscriber: it is disconnected, the driver goes on.
	for i := range subscriberBuffer {
		e.l.events.publish(driverapi.Event{Kind: driverapi.EventReboot, Detail: int32(i)})
	}
	e.define("more", "")
	n := 0
	for range slow {
		n++
	}
	if n != subscriberBuffer {
		t.Fatalf("slow subscriber got %d events before its channel closed; want %d", n, subscriberBuffer)
	}
	// A subscriber whose context ends is closed.
	sctx, cancel := context.WithCancel(ctx)
	sub, err := e.l.Events(sctx)
	must(t, err)
	cancel()
	select {
	case _, ok := <-sub:
		if ok {
			t.Fatal("event after cancel")
		}
	case <-time.After(time.Second):
		t.Fatal("subscriber not closed after its context ended")
	}
}

func nextEvent(t *testing.T, evs <-chan driverapi.Event) driverapi.Event {
	t.Helper()
	select {
	case ev, ok := <-evs:
		if !ok {
			t.Fatal("event channel closed")
		}
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	return driverapi.Event{}
}

func wantEvents(t *testing.T, evs <-chan driverapi.Event, want ...driverapi.Event) {
	t.Helper()
	for i, w := range want {
		if got := nextEvent(t, evs); got != w {
			t.Fatalf("event %d = %+v; want %+v", i, got, w)
		}
	}
}

// Runtime errors are wrapped into libvirt errors naming the domain.
func TestRuntimeErrorMapping(t *testing.T) {
	for _, c := range []struct {
		err  error
		code libvirt.ErrorNumber
	}{
		{lxc.ErrTimeout, libvirt.ErrOperationTimeout},
		{lxc.ErrNotRunning, libvirt.ErrOperationInvalid},
		{errors.New("lxc-freeze: cgroup gone"), libvirt.ErrOperationFailed},
	} {
		err := runtimeErr("suspend", "web", c.err)
		if virterror.CodeOf(err) != c.code {
			t.Errorf("runtimeErr(%v) = %v; want code %v", c.err, err, c.code)
		}
	}
	if err := runtimeErr("suspend", "web", errors.New("cgroup gone")); !strings.Contains(err.Error(), "'web'") || !strings.Contains(err.Error(), "cgroup gone") {
		t.Errorf("message = %q", err)
	}
}

// A reboot request init ignores expires with the grace period: the guest's
// later poweroff is a poweroff, not the reboot finally done.
func TestIgnoredRebootExpires(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, withClock(clock))
	ctx := t.Context()
	e.rt.ignore["web"] = true
	d := e.start(e.define("web", uuidA))
	evs, err := e.l.Events(ctx)
	must(t, err)
	must(t, e.l.Reboot(ctx, d.UUID, 0))
	grace := clock.next(t, e.l.cfg.ShutdownGrace)
	if grace.d != e.l.cfg.ShutdownGrace {
		t.Fatalf("expiry timer %v; want the grace period %v", grace.d, e.l.cfg.ShutdownGrace)
	}
	clock.advance(grace)
	dom := e.l.tab.get(d.UUID)
	deadline := time.Now().Add(10 * time.Second)
	for {
		dom.mu.Lock()
		p := dom.pending
		dom.mu.Unlock()
		if p == pendingNone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the ignored reboot request is still pending after the grace period")
		}
		time.Sleep(time.Millisecond)
	}
	if st := e.status(d); st.State != libvirt.DomainRunning || st.ID != d.ID {
		t.Fatalf("after the ignored reboot: %+v", st)
	}
	e.rt.exitInit("web", wsExit0)
	wantEvents(t, evs,
		lifecycle(d, libvirt.DomainEventShutdown, int32(libvirt.DomainEventShutdownGuest)),
		lifecycle(d, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedShutdown)))
	if st := e.waitState(d, libvirt.DomainShutoff); st.Reason != int32(libvirt.DomainShutoffShutdown) {
		t.Fatalf("after the poweroff: %+v", st)
	}
}
