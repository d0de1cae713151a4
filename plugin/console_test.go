package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// consoleDriver is a driver whose consoles are pipes the test holds.
type consoleDriver struct {
	driverapi.Driver // unused methods panic on the nil interface
	err              error
	mu               sync.Mutex
	opens            []string
	sessions         chan *fakeSession
}

// fakeSession is the plugin's end of one console: the test reads what the
// host typed from typed and writes what the "container" prints to screen.
type fakeSession struct {
	typed    *io.PipeReader
	typedW   *io.PipeWriter
	screen   *io.PipeWriter
	screenR  *io.PipeReader
	closed   chan struct{}
	closeOne sync.Once
}

func (s *fakeSession) Read(p []byte) (int, error)  { return s.screenR.Read(p) }
func (s *fakeSession) Write(p []byte) (int, error) { return s.typedW.Write(p) }
func (s *fakeSession) Close() error {
	s.closeOne.Do(func() {
		s.typedW.Close()
		s.screenR.Close()
		close(s.closed)
	})
	return nil
}

func (d *consoleDriver) OpenConsole(ctx context.Context, u driverapi.UUID, dev string, flags uint32) (io.ReadWriteCloser, error) {
	d.mu.Lock()
	d.opens = append(d.opens, fmt.Sprintf("%x %q %#x", u[:2], dev, flags))
	d.mu.Unlock()
	if d.err != nil {
		return nil, d.err
	}
	s := &fakeSession{closed: make(chan struct{})}
	s.typed, s.typedW = io.Pipe()
	s.screenR, s.screen = io.Pipe()
	d.sessions <- s
	return s, nil
}

// connectDriver serves impl through go-plugin's in-memory gRPC pair.
func connectDriver(t *testing.T, impl driverapi.Driver) *Client {
	t.Helper()
	client, _ := goplugin.TestPluginGRPCConn(t, false, map[string]goplugin.Plugin{DriverPluginName: &DriverPlugin{Impl: impl}})
	t.Cleanup(func() { _ = client.Close() })
	raw, err := client.Dispense(DriverPluginName)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(*Client)
}

// readN reads exactly len(want) bytes within a few seconds.
func readN(t *testing.T, r io.Reader, want string) {
	t.Helper()
	got := make([]byte, len(want))
	done := make(chan error, 1)
	go func() { _, err := io.ReadFull(r, got); done <- err }()
	select {
	case err := <-done:
		if err != nil || string(got) != want {
			t.Fatalf("read %q, %v; want %q", got, err, want)
		}
	case <-time.After(patience):
		t.Fatalf("no %q", want)
	}
}

func readErr(t *testing.T, r io.Reader) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { _, err := r.Read(make([]byte, 16)); done <- err }()
	select {
	case err := <-done:
		return err
	case <-time.After(patience):
		t.Fatal("read did not end")
		return nil
	}
}

func waitClosed(t *testing.T, s *fakeSession) {
	t.Helper()
	select {
	case <-s.closed:
	case <-time.After(patience):
		t.Fatal("the plugin's session was not closed")
	}
}

func TestConsoleRoundTrip(t *testing.T) {
	d := &consoleDriver{sessions: make(chan *fakeSession, 1)}
	c := connectDriver(t, d)
	con, err := c.OpenConsole(t.Context(), uuidA, "console0", driverapi.ConsoleForce)
	if err != nil {
		t.Fatal(err)
	}
	s := <-d.sessions
	if got := d.opens[0]; got != `0011 "console0" 0x1` {
		t.Errorf("plugin opened %s", got)
	}
	// Both ways, bytes verbatim (control characters included).
	if _, err := con.Write([]byte("echo hi\x01\x1d\n")); err != nil {
		t.Fatal(err)
	}
	readN(t, s.typed, "echo hi\x01\x1d\n")
	go s.screen.Write([]byte("hi\r\n\x1b[6n"))
	readN(t, con, "hi\r\n\x1b[6n")
	big := strings.Repeat("0123456789abcdef", 8<<10) // more than one message
	go s.screen.Write([]byte(big))
	readN(t, con, big)

	// The console ends (the container stopped): the host reads EOF.
	s.screen.Close()
	if err := readErr(t, con); !errors.Is(err, io.EOF) {
		t.Errorf("read after the console ended: %v", err)
	}
	waitClosed(t, s)
	if err := con.Close(); err != nil {
		t.Error(err)
	}
}

func TestConsoleCloseDetaches(t *testing.T) {
	d := &consoleDriver{sessions: make(chan *fakeSession, 1)}
	c := connectDriver(t, d)
	con, err := c.OpenConsole(t.Context(), uuidA, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	s := <-d.sessions
	if err := con.Close(); err != nil {
		t.Fatal(err)
	}
	// Close returned after the plugin ended its session.
	select {
	case <-s.closed:
	default:
		t.Error("Close returned before the plugin's session closed")
	}
	if _, err := con.Write([]byte("x")); err == nil {
		t.Error("write after Close succeeded")
	}
	if err := readErr(t, con); err == nil {
		t.Error("read after Close succeeded")
	}
}

func TestConsoleErrorsCrossTheBoundary(t *testing.T) {
	refused := virterror.New(libvirt.ErrOperationFailed, "Active console session exists for this domain")
	d := &consoleDriver{err: refused, sessions: make(chan *fakeSession, 1)}
	c := connectDriver(t, d)
	if _, err := c.OpenConsole(t.Context(), uuidA, "", 0); !sameError(err, refused) {
		t.Errorf("refused open: %v", err)
	}

	d.err = nil
	con, err := c.OpenConsole(t.Context(), uuidA, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	s := <-d.sessions
	s.screen.CloseWithError(driverapi.ErrConsoleTakenOver)
	if err := readErr(t, con); !sameError(err, driverapi.ErrConsoleTakenOver) {
		t.Errorf("read of a session taken over: %v", err)
	}
	waitClosed(t, s)
	con.Close()

	// A driver without consoles.
	c2 := connectDriver(t, &fakeDriver{})
	if _, err := c2.OpenConsole(t.Context(), uuidA, "", 0); !virterror.HasCode(err, libvirt.ErrNoSupport) {
		t.Errorf("driver without consoles: %v", err)
	}

	// An ended context aborts the open.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.OpenConsole(ctx, uuidA, "", 0); !virterror.HasCode(err, libvirt.ErrOperationAborted) {
		t.Errorf("cancelled open: %v", err)
	}
}

func sameError(err error, want *virterror.Error) bool {
	e := virterror.As(err)
	return e != nil && e.Code == want.Code && e.Domain == want.Domain && e.Message == want.Message
}

func TestSupervisorConsoleAcrossRestart(t *testing.T) {
	h := startSupervisor(t, "", Backoff{Initial: 50 * time.Millisecond, Max: time.Second})
	ctx := context.Background()
	con, err := h.s.OpenConsole(ctx, uuidA, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := con.Write([]byte("ping\n")); err != nil {
		t.Fatal(err)
	}
	readN(t, con, "ping\n") // the test plugin's console echoes

	if err := syscall.Kill(h.s.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = readErr(t, con)
	if !virterror.HasCode(err, libvirt.ErrInternalError) || !strings.Contains(err.Error(), "being restarted") {
		t.Errorf("read when the plugin died: %v", err)
	}
	con.Close()

	con2, err := h.s.OpenConsole(ctx, uuidA, "", 0)
	if err != nil {
		t.Fatalf("open after the restart: %v", err)
	}
	if _, err := con2.Write([]byte("again\n")); err != nil {
		t.Fatal(err)
	}
	readN(t, con2, "again\n")
	con2.Close()
}
