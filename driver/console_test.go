package driver

import (
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

func readSome(t *testing.T, r io.Reader, want string) {
	t.Helper()
	got := make([]byte, 0, len(want))
	buf := make([]byte, 64)
	done := make(chan error, 1)
	go func() {
		for len(got) < len(want) {
			n, err := r.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil || string(got) != want {
			t.Fatalf("read %q, %v; want %q", got, err, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no %q from the console", want)
	}
}

func TestOpenConsole(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("ct1", uuidA)
	if _, err := e.l.OpenConsole(ctx, d.UUID, "", 0); !virterror.HasCode(err, libvirt.ErrOperationInvalid) {
		t.Errorf("console of a shut off domain: %v", err)
	}
	e.start(d)

	c, err := e.l.OpenConsole(ctx, d.UUID, "", driverapi.ConsoleSafe)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	readSome(t, c, "hello\n")

	_, err = e.l.OpenConsole(ctx, d.UUID, "", 0)
	if !virterror.HasCode(err, libvirt.ErrOperationFailed) || !strings.Contains(err.Error(), "Active console session exists for this domain") {
		t.Fatalf("second open: %v", err)
	}
	if _, err := e.l.OpenConsole(ctx, d.UUID, "console0", 0); !virterror.HasCode(err, libvirt.ErrOperationFailed) {
		t.Errorf("second open by alias: %v", err)
	}

	// --force detaches the first client, whose reads then fail.
	c2, err := e.l.OpenConsole(ctx, d.UUID, "", driverapi.ConsoleForce)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	if _, err := c.Read(buf); !errors.Is(err, driverapi.ErrConsoleTakenOver) {
		t.Errorf("read of the forced-off session: %v", err)
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, driverapi.ErrConsoleTakenOver) {
		t.Errorf("write of the forced-off session: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("close of the forced-off session: %v", err)
	}
	if _, err := c2.Write([]byte("second\n")); err != nil {
		t.Fatal(err)
	}
	readSome(t, c2, "second\n")

	// Closing frees the console.
	if err := c2.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Read(buf); !errors.Is(err, io.EOF) {
		t.Errorf("read after close: %v", err)
	}
	c3, err := e.l.OpenConsole(ctx, d.UUID, "", 0)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	c3.Close()
}

func TestOpenConsoleErrors(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("ct1", uuidA))
	for _, tc := range []struct {
		dev   string
		flags uint32
		code  libvirt.ErrorNumber
		msg   string
	}{
		{"serial0", 0, libvirt.ErrInternalError, "cannot find console device 'serial0'"},
		{"console1", 0, libvirt.ErrInternalError, "cannot find console device 'console1'"},
		{"console00", 0, libvirt.ErrInternalError, "cannot find console device 'console00'"},
		{"", 4, libvirt.ErrInvalidArg, "unsupported flags (0x4)"},
	} {
		_, err := e.l.OpenConsole(ctx, d.UUID, tc.dev, tc.flags)
		if !virterror.HasCode(err, tc.code) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("OpenConsole(%q, %#x) = %v; want %v %q", tc.dev, tc.flags, err, tc.code, tc.msg)
		}
	}
	if _, err := e.l.OpenConsole(ctx, driverapi.UUID{9}, "", 0); !virterror.HasCode(err, libvirt.ErrNoDomain) {
		t.Errorf("unknown domain: %v", err)
	}

	noConsole := strings.Replace(domXML("ct2", uuidB), "<console type='pty'/>", "", 1)
	d2, err := e.l.CreateXML(ctx, noConsole, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.l.OpenConsole(ctx, d2.UUID, "", 0); !virterror.HasCode(err, libvirt.ErrInternalError) ||
		!strings.Contains(err.Error(), "cannot find console device 'default'") {
		t.Errorf("domain without a console: %v", err)
	}
}

func TestOpenConsoleOutsideHolder(t *testing.T) {
	e := newEnv(t)
	d := e.start(e.define("busy1", uuidA))
	for _, flags := range []uint32{0, driverapi.ConsoleForce} {
		_, err := e.l.OpenConsole(t.Context(), d.UUID, "", flags)
		if !virterror.HasCode(err, libvirt.ErrOperationFailed) || !strings.Contains(err.Error(), "attached outside the driver") {
			t.Errorf("flags %#x: %v", flags, err)
		}
	}
	if n := e.rt.count("console busy1"); n < 2 {
		t.Errorf("the console was tried %d times in all; want the forced open to try again", n)
	}
}

// TestConsolePTY: a running domain's console is on a host pty from the
// start, which the live XML names; stopping the domain hangs up its
// sessions.
func TestConsolePTY(t *testing.T) {
	e := newEnv(t)
	d := e.start(e.define("ct1", uuidA))
	path := livePTY(t, e, d)
	e.rt.mu.Lock()
	relays := e.rt.relays["ct1"]
	e.rt.mu.Unlock()
	if len(relays) != 1 || relays[0].Path() != path {
		t.Fatalf("live XML names %q; the runtime relays %v", path, relays)
	}
	s, err := e.l.OpenConsole(t.Context(), d.UUID, "", 0)
	must(t, err)
	out := collect(s)
	must(t, e.l.Destroy(t.Context(), d.UUID, 0))
	if err := out.end(t); !errors.Is(err, io.EOF) {
		t.Errorf("read after the domain stopped: %v; want EOF", err)
	}
}

// TestConsolePTYAfterReadoption: a new driver instance (a restarted
// plugin) re-adopts a running domain with its console on a pty of its own,
// and the old instance's attachment is gone.
func TestConsolePTYAfterReadoption(t *testing.T) {
	e := newEnv(t)
	d := e.start(e.define("ct1", uuidA))
	old := livePTY(t, e, d)
	must(t, e.l.Close())
	e.l = e.open()
	if path := livePTY(t, e, d); path == old {
		t.Errorf("the new driver names the closed driver's pty %s", old)
	}
	s, err := e.l.OpenConsole(t.Context(), d.UUID, "", 0)
	must(t, err)
	defer s.Close()
	_, err = s.Write([]byte("readopted\n"))
	must(t, err)
	readSome(t, s, "readopted\n")
}

// livePTY returns the console pty path the live XML names.
func livePTY(t *testing.T, e *env, d driverapi.Domain) string {
	t.Helper()
	x, err := e.l.XMLDesc(t.Context(), d.UUID, 0)
	must(t, err)
	var dom libvirtxml.Domain
	must(t, dom.Unmarshal(x))
	if dom.Devices == nil || len(dom.Devices.Consoles) != 1 {
		t.Fatalf("live XML consoles: %s", x)
	}
	c := dom.Devices.Consoles[0]
	if c.Source == nil || c.Source.Pty == nil || c.Source.Pty.Path == "" || c.TTY != c.Source.Pty.Path {
		t.Fatalf("live console without a pty: %s", x)
	}
	return c.TTY
}

// collector reads a console session in the background, as the stream
// code does.
type collector struct {
	mu   sync.Mutex
	out  strings.Builder
	err  error
	done chan struct{}
}

func collect(r io.Reader) *collector {
	c := &collector{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		b := make([]byte, 256)
		for {
			n, err := r.Read(b)
			c.mu.Lock()
			c.out.Write(b[:n])
			c.err = err
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return c
}

func (c *collector) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		out, err := c.out.String(), c.err
		c.mu.Unlock()
		if strings.Contains(out, want) {
			return
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("console output %q (read error %v); want %q", out, err, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (c *collector) end(t *testing.T) error {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the console session did not end")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// TestConsoleFollowsReboot: LXC drops console clients when the container
// reboots; the session attaches again to the new boot's console (its
// client sees no end), however the reboot happened, and ends with EOF
// once the domain stops.
func TestConsoleFollowsReboot(t *testing.T) {
	for _, c := range []struct {
		name   string
		reboot func(e *env, d driverapi.Domain)
	}{
		{"guest reboot, LXC restarts it", func(e *env, d driverapi.Domain) { e.rt.guestReboot("web") }},
		{"guest reboot, LXC does not restart it", func(e *env, d driverapi.Domain) { e.rt.exitInit("web", wsReboot) }},
		{"virsh reboot, LXC restarts it", func(e *env, d driverapi.Domain) {
			e.rt.rebootL["web"] = true
			must(e.t, e.l.Reboot(e.t.Context(), d.UUID, 0))
		}},
		{"virsh reboot, init just exits", func(e *env, d driverapi.Domain) { must(e.t, e.l.Reboot(e.t.Context(), d.UUID, 0)) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newMonitoredEnv(t)
			d := e.start(e.define("web", uuidA))
			s, err := e.l.OpenConsole(t.Context(), d.UUID, "", 0)
			must(t, err)
			defer s.Close()
			out := collect(s)
			_, err = s.Write([]byte("before\n"))
			must(t, err)
			out.waitFor(t, "before\n")
			evs, err := e.l.Events(t.Context())
			must(t, err)

			c.reboot(e, d)
			if ev := nextEvent(t, evs); ev.Kind != driverapi.EventReboot {
				t.Fatalf("event = %+v; want reboot", ev)
			}
			st := e.status(d)
			if st.State != libvirt.DomainRunning || st.ID == d.ID {
				t.Fatalf("after the reboot: %+v (old ID %d)", st, d.ID)
			}
			// Input after the reboot reaches the new boot's console.
			_, err = s.Write([]byte("after\n"))
			must(t, err)
			out.waitFor(t, "after\n")
			if n := e.rt.count("console web"); n != 2 {
				t.Errorf("attached %d times; want twice (once per boot)", n)
			}
			if _, err := e.l.OpenConsole(t.Context(), d.UUID, "", 0); !virterror.HasCode(err, libvirt.ErrOperationFailed) {
				t.Errorf("second client after the reboot: %v; want the console busy", err)
			}

			// The domain stopping ends the stream.
			must(t, e.l.Destroy(t.Context(), d.UUID, 0))
			if err := out.end(t); !errors.Is(err, io.EOF) {
				t.Errorf("read after the domain stopped: %v; want EOF", err)
			}
			if _, err := s.Write([]byte("x")); err == nil {
				t.Error("write after the domain stopped succeeded")
			}
		})
	}
}

// TestConsoleEndsWhenDomainStops: a guest poweroff ends the session (EOF)
// even with on_poweroff=restart, as libvirt's stream ends with its
// container; a client opens the console of the new run.
func TestConsoleEndsWhenDomainStops(t *testing.T) {
	e := newMonitoredEnv(t)
	d := e.start(e.define("web", uuidA, "<on_poweroff>restart</on_poweroff>"))
	s, err := e.l.OpenConsole(t.Context(), d.UUID, "", 0)
	must(t, err)
	defer s.Close()
	out := collect(s)
	e.rt.exitInit("web", wsExit0)
	if err := out.end(t); !errors.Is(err, io.EOF) {
		t.Errorf("read after the poweroff: %v; want EOF", err)
	}
}
