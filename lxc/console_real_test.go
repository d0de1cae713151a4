//go:build integration

package lxc

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

func TestRealConsole(t *testing.T) {
	r, name, _ := realContainer(t, testenv.InitShell)
	ctx := t.Context()
	if _, err := r.Console(ctx, name, 0); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Console on a stopped container: %v, want ErrNotRunning", err)
	}
	if err := r.Start(ctx, name, StartOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.State(ctx, name); err != nil {
		t.Fatal(err)
	}

	c, err := r.Console(ctx, name, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := collect(c)
	if _, err := c.Write([]byte("echo hello-$((6*7))\n")); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, "hello-42", 10*time.Second)

	// A Ctrl+a inside the data reaches the container as one byte. It is
	// sent once the shell runs the command line (its echo printed), so the
	// shell's line editor no longer reads the terminal: head does.
	if _, err := c.Write([]byte("echo ready-$((6*8)); head -n1 | wc -c\n")); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, "ready-48", 10*time.Second)
	if _, err := c.Write([]byte("a\x01b\n")); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, "\n4\r", 10*time.Second)

	if _, err := r.Console(ctx, name, 0); !errors.Is(err, ErrConsoleBusy) {
		t.Errorf("second Console: %v, want ErrConsoleBusy", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	// Closing freed the console at once.
	c2, err := r.Console(ctx, name, 0)
	if err != nil {
		t.Fatalf("Console after Close: %v", err)
	}
	out2 := collect(c2)
	if err := r.Stop(ctx, name, StopOptions{Kill: true}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-out2.done:
		if out2.err == nil || !strings.Contains(out2.err.Error(), "EOF") {
			t.Errorf("Read after the container stopped: %v", out2.err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("console did not end with the container")
	}
	<-c2.Done()
	c2.Close()
}
