package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sync"
	"testing"
)

// builds holds the commands built for this test binary, in one directory.
var builds struct {
	mu   sync.Mutex
	dir  string
	done map[string]*build
}

type build struct {
	once sync.Once
	path string
	err  error
}

// Binary returns the command pkg (an import path) built with -race, once per
// test binary, into a directory every command built so shares: a daemon
// built here finds its driver plugin next to itself. The binary is named
// after pkg's last element. RemoveBinaries deletes the directory; a TestMain
// calls it after the tests ran.
func Binary(t testing.TB, pkg string) string {
	t.Helper()
	b, err := buildFor(pkg)
	if err != nil {
		t.Fatal(err)
	}
	b.once.Do(func() {
		out, err := exec.Command("go", "build", "-race", "-o", b.path, pkg).CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build -race %s: %v\n%s", pkg, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func buildFor(pkg string) (*build, error) {
	builds.mu.Lock()
	defer builds.mu.Unlock()
	if builds.dir == "" {
		dir, err := os.MkdirTemp("", "lxcvirt-test-bin-")
		if err != nil {
			return nil, err
		}
		builds.dir, builds.done = dir, map[string]*build{}
	}
	b := builds.done[pkg]
	if b == nil {
		b = &build{path: filepath.Join(builds.dir, path.Base(pkg))}
		builds.done[pkg] = b
	}
	return b, nil
}

// RemoveBinaries deletes what Binary built.
func RemoveBinaries() {
	builds.mu.Lock()
	defer builds.mu.Unlock()
	if builds.dir != "" {
		_ = os.RemoveAll(builds.dir)
		builds.dir, builds.done = "", nil
	}
}
