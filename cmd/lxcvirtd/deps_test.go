package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/lxcvirt/lxcvirt/"

// lxcPackages run lxc-* tools or touch the kernel for containers (cgroups,
// /proc, /sys, pidfds, CPUID), read the host's networks (hostnet) or plug
// containers into libvirt's (libvirtnet): the driver plugin's side of the
// boundary.
var lxcPackages = []string{"driver", "lxc", "xmlmap", "host", "hostnet", "libvirtnet"}

// daemonPackages are the module's packages the daemon may link: the
// contract, the plugin boundary's client side, the wire server, the
// settings and pure helpers. Entries ending in "/" allow everything
// beneath.
var daemonPackages = []string{
	"cmd/lxcvirtd", "driverapi", "virterror", "plugin", "plugin/proto",
	"remote/", "settings", "internal/defaults", "internal/metaxml", "internal/ratelog", "internal/dirlock",
}

// TestDaemonLinksNoLXCCode checks the boundary the README draws: lxcvirtd
// speaks libvirt's protocol and supervises the driver plugin; everything
// that runs lxc-* or reads the host is linked into the plugin alone.
func TestDaemonLinksNoLXCCode(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"cmd/lxcvirtd").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	importers := map[string][]string{} // module package → module packages importing it
	var linked []string
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		pkg, ok := strings.CutPrefix(f[0], module)
		if !ok {
			continue
		}
		linked = append(linked, pkg)
		for _, imp := range f[1:] {
			if p, ok := strings.CutPrefix(imp, module); ok {
				importers[p] = append(importers[p], pkg)
			}
		}
	}
	if !slices.Contains(linked, "driverapi") {
		t.Fatalf("go list found no driverapi among the daemon's packages %v: the check cannot work", linked)
	}
	for _, pkg := range linked {
		switch {
		case matches(pkg, lxcPackages, true):
			t.Errorf("lxcvirtd links %s (imported by %v), which runs LXC or touches the host; it belongs to the driver plugin", pkg, importers[pkg])
		case !matches(pkg, daemonPackages, false):
			t.Errorf("lxcvirtd links %s (imported by %v), which is not among the packages the daemon may link %v", pkg, importers[pkg], daemonPackages)
		}
	}
}

// matches reports whether pkg is one of list: equal to an entry, beneath
// an entry ending in "/", or (with sub) beneath any entry.
func matches(pkg string, list []string, sub bool) bool {
	for _, p := range list {
		dir, isDir := strings.CutSuffix(p, "/")
		if pkg == p || (isDir || sub) && strings.HasPrefix(pkg, dir+"/") {
			return true
		}
	}
	return false
}
