package driver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// noConsole is domXML without its console (a console cannot be saved).
func noConsole(xml string) string { return strings.Replace(xml, "<console type='pty'/>", "", 1) }

// TestSaveJobAndFailure: while the dump runs, the domain's job is an
// unbounded one; a dump that fails leaves the domain running as it was,
// no save image behind, and no job.
func TestSaveJobAndFailure(t *testing.T) {
	e := newEnv(t)
	d, err := e.l.DefineXML(t.Context(), noConsole(domXML("sv1", "")), 0)
	if err != nil {
		t.Fatal(err)
	}
	d = e.start(d)
	release := make(chan error)
	e.rt.mu.Lock()
	e.rt.checkpoint = func(ctx context.Context, name, dir string) error { return <-release }
	e.rt.mu.Unlock()
	img := filepath.Join(t.TempDir(), "img")
	saved := make(chan error, 1)
	go func() { saved <- e.l.Save(t.Context(), d.UUID, img, "", 0) }()
	testenv.Eventually(t, 10*time.Second, 5*time.Millisecond, "an unbounded job while the dump runs", func() (bool, string) {
		j, err := e.l.JobInfo(t.Context(), d.UUID)
		return err == nil && j.Type == int32(libvirt.DomainJobUnbounded), fmt.Sprintf("%+v %v", j, err)
	})
	release <- errors.New("dump failed: the container holds a packet socket")
	err = <-saved
	if !virterror.HasCode(err, libvirt.ErrOperationFailed) || !strings.Contains(err.Error(), "packet socket") {
		t.Fatalf("failed dump: %v, want operation failed with the cause", err)
	}
	if st := e.status(d); st.State != libvirt.DomainRunning || st.ID != d.ID {
		t.Fatalf("after a failed save: %+v, want running as before (ID %d)", st, d.ID)
	}
	if _, err := os.Stat(img); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("save image left behind: %v", err)
	}
	if j, _ := e.l.JobInfo(t.Context(), d.UUID); j.Type != int32(libvirt.DomainJobNone) {
		t.Fatalf("job after the save: %+v", j)
	}
}

// TestSaveRefusals: what libvirt refuses, and what lxcvirt cannot save
// (a second console: LXC restores no ttys).
func TestSaveRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	two, err := e.l.CreateXML(ctx, strings.Replace(domXML("sv4", ""), "<console type='pty'/>", "<console type='pty'/><console type='pty'/>", 1), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.l.Save(ctx, two.UUID, filepath.Join(t.TempDir(), "x"), "", 0); !virterror.HasCode(err, libvirt.ErrOperationUnsupported) {
		t.Fatalf("save with two consoles: %v", err)
	}
	tr, err := e.l.CreateXML(ctx, noConsole(domXML("sv3", "")), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.l.ManagedSave(ctx, tr.UUID, 0); !virterror.HasCode(err, libvirt.ErrOperationInvalid) {
		t.Fatalf("managed save of a transient domain: %v", err)
	}
	if err := e.l.Save(ctx, tr.UUID, filepath.Join(t.TempDir(), "x"), "<domain/>", 0); !virterror.HasCode(err, libvirt.ErrArgumentUnsupported) {
		t.Fatalf("save with dxml: %v", err)
	}
	if err := e.l.Save(ctx, tr.UUID, "relative/path", "", 0); !virterror.HasCode(err, libvirt.ErrInvalidArg) {
		t.Fatalf("save to a relative path: %v", err)
	}
	if _, err := e.l.RestoreSaved(ctx, t.TempDir(), "", 0); !virterror.HasCode(err, libvirt.ErrOperationFailed) {
		t.Fatalf("restore of a directory without an image: %v", err)
	}
	if has, err := e.l.HasManagedSave(ctx, tr.UUID, 0); err != nil || has {
		t.Fatalf("HasManagedSave without one: %v %v", has, err)
	}
	var u driverapi.UUID
	if _, err := e.l.HasManagedSave(ctx, u, 0); !virterror.HasCode(err, libvirt.ErrNoDomain) {
		t.Fatalf("HasManagedSave of an unknown domain: %v", err)
	}
}

// TestRestoreKeepsPaused: a domain saved paused comes back paused (its
// dump was frozen), as QEMU's driver restores it; the RUNNING flag runs
// it, PAUSED pauses one saved running.
func TestRestoreKeepsPaused(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d, err := e.l.DefineXML(ctx, noConsole(domXML("sv2", "")), 0)
	if err != nil {
		t.Fatal(err)
	}
	d = e.start(d)
	e.rt.mu.Lock()
	e.rt.checkpoint = func(ctx context.Context, name, dir string) error { return nil }
	e.rt.mu.Unlock()
	for _, c := range []struct {
		suspend bool
		flags   libvirt.DomainSaveRestoreFlags
		want    libvirt.DomainState
		reason  int32
	}{
		{true, 0, libvirt.DomainPaused, int32(libvirt.DomainPausedUser)},
		{true, libvirt.DomainSaveRunning, libvirt.DomainRunning, int32(libvirt.DomainRunningRestored)},
		{false, 0, libvirt.DomainRunning, int32(libvirt.DomainRunningRestored)},
		{false, libvirt.DomainSavePaused, libvirt.DomainPaused, int32(libvirt.DomainPausedUser)},
	} {
		if c.suspend {
			must(t, e.l.Suspend(ctx, d.UUID))
		}
		img := filepath.Join(t.TempDir(), "img")
		must(t, e.l.Save(ctx, d.UUID, img, "", 0))
		if _, err := e.l.RestoreSaved(ctx, img, "", uint32(c.flags)); err != nil {
			t.Fatal(err)
		}
		e.rt.mu.Lock()
		frozen := e.rt.cts["sv2"].frozen
		e.rt.mu.Unlock()
		st := e.status(d)
		if st.State != c.want || st.Reason != c.reason || frozen != (c.want == libvirt.DomainPaused) {
			t.Fatalf("saved suspended=%v, restored with flags %#x: %+v, frozen %v; want state %d reason %d", c.suspend, c.flags, st, frozen, c.want, c.reason)
		}
		if st.State == libvirt.DomainPaused {
			must(t, e.l.Resume(ctx, d.UUID))
		}
	}
}
