package lxcimport

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Includes are read in place, a directory's *.conf files in name order.
func TestReadConfigIncludes(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "common.conf"), "lxc.tty.max = 4\nlxc.include = "+filepath.Join(dir, "d")+"\n")
	write(t, filepath.Join(dir, "d", "20-b.conf"), "lxc.cap.drop = b\n")
	write(t, filepath.Join(dir, "d", "10-a.conf"), "lxc.cap.drop = a\n")
	write(t, filepath.Join(dir, "d", "README"), "not = read\n")
	write(t, filepath.Join(dir, "config"), "lxc.include = "+filepath.Join(dir, "common.conf")+"\nlxc.tty.max = 5\n")
	cfg, err := ReadConfig(filepath.Join(dir, "config"))
	if err != nil {
		t.Fatal(err)
	}
	want := xmlmap.Config{{Key: "lxc.tty.max", Value: "4"}, {Key: "lxc.cap.drop", Value: "a"}, {Key: "lxc.cap.drop", Value: "b"}, {Key: "lxc.tty.max", Value: "5"}}
	if !slices.Equal(cfg, want) {
		t.Errorf("got %q, want %q", cfg, want)
	}

	write(t, filepath.Join(dir, "loop"), "lxc.include = "+filepath.Join(dir, "loop")+"\n")
	if _, err := ReadConfig(filepath.Join(dir, "loop")); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("include loop: %v", err)
	}
	write(t, filepath.Join(dir, "missing"), "lxc.include = "+filepath.Join(dir, "nope")+"\n")
	if _, err := ReadConfig(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "lxc.include") {
		t.Errorf("missing include: %v", err)
	}
}

type fakeDomains struct {
	defs    map[string]string
	defined []string
	started []string
}

func (f *fakeDomains) Definitions(context.Context) (map[string]string, error) { return f.defs, nil }
func (f *fakeDomains) Define(_ context.Context, xml string) error {
	f.defined = append(f.defined, xml)
	return nil
}

func (f *fakeDomains) Start(_ context.Context, name string) error {
	f.started = append(f.started, name)
	return nil
}

// busybox makes a container as LXC's busybox template does, in an
// lxcpath of its own.
func busybox(t *testing.T) (lxcpath string) {
	t.Helper()
	lxcpath = t.TempDir()
	text, err := os.ReadFile("../testdata/xmlmap/import/busybox.config")
	if err != nil {
		t.Fatal(err)
	}
	config := strings.ReplaceAll(string(text), "/var/lib/lxc", lxcpath)
	config += "lxc.mount.entry = /nonexistent/x mnt/x none ro,bind,optional 0 0\n"
	write(t, filepath.Join(lxcpath, "bb1", "config"), config)
	return lxcpath
}

func TestImport(t *testing.T) {
	lxcpath := busybox(t)
	dir := filepath.Join(lxcpath, "bb1")
	state := lxc.Stopped
	var warnings []string
	o := Options{LXCPath: lxcpath, Name: "bb1", Start: true, HostMemKiB: 1 << 20,
		State: func(_ context.Context, p, n string) (lxc.State, error) {
			if p != lxcpath || n != "bb1" {
				t.Errorf("state of %s %s", p, n)
			}
			return state, nil
		},
		Warn: func(m string) { warnings = append(warnings, m) },
	}
	before, err := os.ReadFile(filepath.Join(dir, "config"))
	if err != nil {
		t.Fatal(err)
	}
	doms := &fakeDomains{defs: map[string]string{"other": "<domain/>"}}
	if err := Import(t.Context(), o, doms); err != nil {
		t.Fatal(err)
	}
	if len(doms.defined) != 1 || !slices.Equal(doms.started, []string{"bb1"}) {
		t.Fatalf("defined %d, started %q", len(doms.defined), doms.started)
	}
	xml := doms.defined[0]
	for _, want := range []string{"<name>bb1</name>", "<source dir='" + dir + "/rootfs'/>", "halt='SIGUSR1'", "<lxcvirt:imported path='" + dir + "'/>"} {
		if !strings.Contains(xml, want) {
			t.Errorf("definition lacks %s:\n%s", want, xml)
		}
	}
	if strings.Contains(xml, "/nonexistent/x") || len(warnings) != 1 || !strings.Contains(warnings[0], "/nonexistent/x") {
		t.Errorf("the optional mount of a missing source: warnings %q\n%s", warnings, xml)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "config")); string(after) != string(before) {
		t.Error("the container's config changed")
	}

	// Refused: the same container again, a clashing name, a running
	// container, a container that does not exist.
	doms.defs["bb1-copy"] = xml
	if err := Import(t.Context(), o, doms); err == nil || !strings.Contains(err.Error(), "already imported as domain bb1-copy") {
		t.Errorf("second import: %v", err)
	}
	doms.defs = map[string]string{"bb1": "<domain/>"}
	if err := Import(t.Context(), o, doms); err == nil || !strings.Contains(err.Error(), "a domain named bb1 already exists") {
		t.Errorf("clashing name: %v", err)
	}
	doms.defs = nil
	state = lxc.Running
	if err := Import(t.Context(), o, doms); err == nil || !strings.Contains(err.Error(), "is RUNNING") {
		t.Errorf("running container: %v", err)
	}
	o.Name = "nope"
	if err := Import(t.Context(), o, doms); err == nil || !strings.Contains(err.Error(), "no LXC container") {
		t.Errorf("missing container: %v", err)
	}
	if len(doms.defined) != 1 {
		t.Errorf("refused imports defined %d domains", len(doms.defined)-1)
	}
}
