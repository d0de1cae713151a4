package driver

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/runner"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// fakeLXCConsole stands in for lxc-console: attached, it echoes its input
// (as lxc-console received it, escapes included). A container name with
// "busy" is attached elsewhere; one with "oneshot" detaches at once.
const fakeLXCConsole = `#!/bin/sh
case "$4" in
*busy*)
	echo "lxc-console: $4: ../src/lxc/commands.c: lxc_cmd_get_tty_fd: 1200 Bad file descriptor - Denied access to tty" >&2
	exit 1 ;;
*oneshot*)
	printf '\nConnected to tty %s\n' "$6" >&2
	exit 0 ;;
esac
printf '\nConnected to tty %s\n' "$6" >&2
exec cat
`

// Console makes the fake runtime a ConsoleRuntime: a real runner.Runner
// running fakeLXCConsole.
func (f *fakeRuntime) Console(ctx context.Context, name string, tty int) (*runner.Console, error) {
	if err := f.enter("console", name); err != nil {
		return nil, err
	}
	bin := f.t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "lxc-console"), []byte(fakeLXCConsole), 0o755); err != nil {
		return nil, err
	}
	r, err := runner.New("/var/lib/lxcvirt-test", runner.WithBinDir(bin))
	if err != nil {
		return nil, err
	}
	return r.Console(ctx, name, tty)
}

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

	c, err := e.l.OpenConsole(ctx, d.UUID, "", ConsoleSafe)
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
	c2, err := e.l.OpenConsole(ctx, d.UUID, "", ConsoleForce)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	if _, err := c.Read(buf); !errors.Is(err, ErrConsoleTakenOver) {
		t.Errorf("read of the forced-off session: %v", err)
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, ErrConsoleTakenOver) {
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
	if _, err := e.l.OpenConsole(ctx, UUID{9}, "", 0); !virterror.HasCode(err, libvirt.ErrNoDomain) {
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
	for _, flags := range []uint32{0, ConsoleForce} {
		_, err := e.l.OpenConsole(t.Context(), d.UUID, "", flags)
		if !virterror.HasCode(err, libvirt.ErrOperationFailed) || !strings.Contains(err.Error(), "attached outside the driver") {
			t.Errorf("flags %#x: %v", flags, err)
		}
	}
	if n := e.rt.count("console busy1"); n < 3 {
		t.Errorf("forced open tried %d times in all; want retries", n)
	}
}

func TestOpenConsoleAfterSessionEnded(t *testing.T) {
	e := newEnv(t)
	d := e.start(e.define("oneshot1", uuidA))
	c, err := e.l.OpenConsole(t.Context(), d.UUID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("read to the end: %v", err)
	}
	// The session ended on its own (its container stopped, say) but was
	// never closed: once its lxc-console is gone it does not hold the
	// console.
	<-c.(*consoleSession).rc.Done()
	c2, err := e.l.OpenConsole(t.Context(), d.UUID, "", 0)
	if err != nil {
		t.Fatalf("open after the session ended: %v", err)
	}
	c2.Close()
	c.Close()
}
