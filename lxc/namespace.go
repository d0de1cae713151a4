package lxc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// Namespaces are the namespaces virDomainLxcOpenNamespace passes, in
// libvirt's order (virProcessGetNamespaces); a missing one is skipped.
var Namespaces = []string{"user", "ipc", "uts", "net", "pid", "mnt"}

// OpenNamespaces opens the namespaces of init from /proc/<pid>/ns, in
// Namespaces' order ("user" is left out on a kernel without user
// namespaces). The handle's pidfd pins init: once the files are open it
// checks that init still runs, so a PID reused after the container stopped
// cannot hand out another process's namespaces. An init that has exited
// gives ErrNotRunning.
func (c *Container) OpenNamespaces() ([]*os.File, error) {
	if !c.Running() {
		return nil, ErrNotRunning
	}
	files, err := c.rt.sys.openNamespaces(c.pid)
	if err != nil {
		return nil, err
	}
	if !c.Running() {
		closeFiles(files)
		return nil, ErrNotRunning
	}
	return files, nil
}

// openNamespaces opens /proc/<pid>/ns/<ns> for each namespace.
func (h *system) openNamespaces(pid int) ([]*os.File, error) {
	var files []*os.File
	for _, ns := range Namespaces {
		p := filepath.Join(h.procRoot, strconv.Itoa(pid), "ns", ns)
		f, err := os.OpenFile(p, os.O_RDONLY|unix.O_CLOEXEC, 0)
		switch {
		case errors.Is(err, os.ErrNotExist) && ns == "user":
			continue // kernels without user namespaces
		case errors.Is(err, os.ErrNotExist):
			closeFiles(files)
			return nil, ErrNotRunning
		case err != nil:
			closeFiles(files)
			return nil, fmt.Errorf("cannot open %s: %w", p, err)
		}
		files = append(files, f)
	}
	return files, nil
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}
