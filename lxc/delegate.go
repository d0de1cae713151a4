package lxc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// DelegatedCgroup is the cgroup, relative to each hierarchy's root, that
// the host delegates to an unprivileged user for their containers: root
// creates it once on every cgroup v1 hierarchy and on v2 and gives it to
// the user (see the README, "Unprivileged users").
func DelegatedCgroup(user string) string { return filepath.Join("lxcvirt-session", user) }

// joinDelegatedCgroup moves the calling process, and so every lxc-start
// it runs later, into rel under each cgroup hierarchy where that exists
// (v2 on a hybrid host, which holds no controllers, is left alone).
// Run unprivileged, LXC makes a container's cgroups only below its own
// cgroup, and skips every hierarchy it cannot write there: without this,
// limits fail and the freezer is missing. A hierarchy the process already
// sits in rel (or below) is left alone; one without rel, or one the
// process may not move itself into (cgroup v2 asks for write access to
// the common ancestor too: there root must start the daemon in the
// delegated cgroup), is returned in missing.
func joinDelegatedCgroup(sys *system, rel string) (missing []string, err error) {
	b, err := os.ReadFile(filepath.Join(sys.procRoot, "self", "cgroup"))
	if err != nil {
		return nil, err
	}
	pid := []byte(strconv.Itoa(os.Getpid()))
	want := "/" + strings.Trim(rel, "/")
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		var root string
		switch {
		case parts[0] == "0" && parts[1] == "":
			if sys.layout != xmlmap.CgroupV2 {
				continue // hybrid: no controllers on v2, and LXC uses v1's
			}
			root = sys.unified
		default:
			root = filepath.Join(sys.cgroupRoot, strings.TrimPrefix(parts[1], "name="))
		}
		if root == "" {
			continue
		}
		if parts[2] == want || strings.HasPrefix(parts[2], want+"/") {
			continue
		}
		dir := filepath.Join(root, rel)
		werr := os.WriteFile(filepath.Join(dir, "cgroup.procs"), pid, 0)
		if errors.Is(werr, fs.ErrNotExist) || errors.Is(werr, fs.ErrPermission) {
			missing = append(missing, dir)
			continue
		}
		if werr != nil {
			return missing, fmt.Errorf("join delegated cgroup %s: %w", dir, werr)
		}
	}
	return missing, sc.Err()
}
