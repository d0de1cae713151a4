// Package lxcimport takes over an existing LXC container (one lxc-create
// made under LXC's own lxcpath): it reads the container's config with its
// includes, converts it with xmlmap.FromContainer into a definition that
// runs the container as LXC did, its root filesystem left where it is,
// and defines it through a libvirt connection to lxcvirtd. The container's
// own directory is only read.
package lxcimport

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Domains is what an import needs of the libvirt connection.
type Domains interface {
	// Definitions returns the inactive XML of every domain, by name.
	Definitions(ctx context.Context) (map[string]string, error)
	// Define defines a domain; Start starts the domain name.
	Define(ctx context.Context, xml string) error
	Start(ctx context.Context, name string) error
}

// Options say which container to import and how.
type Options struct {
	// LXCPath is the lxcpath the container lives in (LXC's default is
	// /var/lib/lxc); Name is the container's name.
	LXCPath, Name string
	// Start starts the domain once defined.
	Start bool
	// State reports the container's LXC state (lxc.Runner.State on
	// LXCPath when nil).
	State func(ctx context.Context, lxcpath, name string) (lxc.State, error)
	// Warn receives what is not carried over (nil: dropped).
	Warn func(msg string)
	// HostMemKiB is the host's memory (read from /proc/meminfo when 0).
	HostMemKiB uint64
}

// Import defines (and optionally starts) a domain for the LXC container
// o.Name of o.LXCPath. It refuses a container that LXC runs (both would
// use the same root filesystem), a name a domain already has, and a
// container another domain was imported from.
func Import(ctx context.Context, o Options, doms Domains) error {
	dir, err := containerDir(o)
	if err != nil {
		return err
	}
	state := o.State
	if state == nil {
		state = runnerState
	}
	st, err := state(ctx, o.LXCPath, o.Name)
	if err != nil {
		return fmt.Errorf("LXC state of %s: %w", o.Name, err)
	}
	if st != lxc.Stopped {
		return fmt.Errorf("LXC container %s is %s: stop it first (lxc-stop -P %s -n %s); lxcvirt would run it on the same root filesystem", o.Name, st, o.LXCPath, o.Name)
	}
	xml, err := Convert(o)
	if err != nil {
		return err
	}
	defs, err := doms.Definitions(ctx)
	if err != nil {
		return fmt.Errorf("list domains: %w", err)
	}
	if _, ok := defs[o.Name]; ok {
		return fmt.Errorf("a domain named %s already exists", o.Name)
	}
	for name, def := range defs {
		if importedFrom(def) == dir {
			return fmt.Errorf("LXC container %s was already imported as domain %s", dir, name)
		}
	}
	if err := doms.Define(ctx, xml); err != nil {
		return fmt.Errorf("define %s: %w", o.Name, err)
	}
	if o.Start {
		if err := doms.Start(ctx, o.Name); err != nil {
			return fmt.Errorf("start %s: %w", o.Name, err)
		}
	}
	return nil
}

// containerDir is the directory of container o.Name of o.LXCPath, which
// must have a config.
func containerDir(o Options) (string, error) {
	if err := lxc.ValidateName(o.Name); err != nil {
		return "", err
	}
	if !filepath.IsAbs(o.LXCPath) || filepath.Clean(o.LXCPath) != o.LXCPath {
		return "", fmt.Errorf("lxcpath %q is not an absolute, clean path", o.LXCPath)
	}
	dir := filepath.Join(o.LXCPath, o.Name)
	if _, err := os.Stat(filepath.Join(dir, "config")); err != nil {
		return "", fmt.Errorf("no LXC container %q in %s: %w", o.Name, o.LXCPath, err)
	}
	return dir, nil
}

// runnerState asks lxc-info.
func runnerState(ctx context.Context, lxcpath, name string) (lxc.State, error) {
	r, err := lxc.New(lxcpath)
	if err != nil {
		return "", err
	}
	st, _, err := r.State(ctx, name)
	return st, err
}

// importedFrom is a definition's <lxcvirt:imported path>, "" when none.
func importedFrom(def string) string {
	_, meta, ok := strings.Cut(def, "<metadata>")
	if !ok {
		return ""
	}
	meta, _, _ = strings.Cut(meta, "</metadata>")
	ext, err := xmlmap.ParseExtension(meta)
	if err != nil || ext == nil {
		return ""
	}
	return ext.Imported
}

// Convert reads the config of container o.Name of o.LXCPath and returns
// the domain XML that runs it. Optional bind mounts whose source the host
// lacks are left out (LXC skips them at each start), and what lxcvirt does
// not carry over goes to o.Warn.
func Convert(o Options) (string, error) {
	dir, err := containerDir(o)
	if err != nil {
		return "", err
	}
	cfg, err := ReadConfig(filepath.Join(dir, "config"))
	if err != nil {
		return "", err
	}
	warn := o.Warn
	if warn == nil {
		warn = func(string) {}
	}
	cfg = dropMissingOptional(cfg, warn)
	warnDropped(cfg, o.Name, warn)
	mem := o.HostMemKiB
	if mem == 0 {
		mem = hostMemKiB()
	}
	d, err := xmlmap.FromContainer(cfg, xmlmap.Import{Name: o.Name, Dir: dir, NewUUID: newUUID, HostMemKiB: mem})
	if err != nil {
		return "", err
	}
	return xmlmap.FormatDomain(d)
}

// dropMissingOptional leaves out the optional bind mounts whose source
// does not exist, as LXC skips them.
func dropMissingOptional(cfg xmlmap.Config, warn func(string)) xmlmap.Config {
	var out xmlmap.Config
	for _, e := range cfg {
		if f := strings.Fields(e.Value); e.Key == "lxc.mount.entry" && len(f) >= 4 && hasOption(f[3], "optional") &&
			(hasOption(f[3], "bind") || hasOption(f[3], "rbind")) {
			if _, err := os.Stat(f[0]); errors.Is(err, os.ErrNotExist) {
				warn(fmt.Sprintf("lxc.mount.entry = %s: left out, its source does not exist on this host", e.Value))
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

func hasOption(opts, o string) bool {
	for x := range strings.SplitSeq(opts, ",") {
		if x == o {
			return true
		}
	}
	return false
}

// warnDropped names what the container's config asks that the domain
// will not do.
func warnDropped(cfg xmlmap.Config, name string, warn func(string)) {
	if v, ok := cfg.Value("lxc.uts.name"); ok && v != name {
		warn(fmt.Sprintf("lxc.uts.name = %s: the domain's host name is its name, %s", v, name))
	}
	if v, _ := cfg.Value("lxc.start.auto"); v == "1" {
		warn("lxc.start.auto = 1: LXC still starts the original container at boot, and then lxcvirt refuses to start the domain; unset it there, or set the domain's autostart instead")
	}
	for _, e := range cfg {
		if strings.HasPrefix(e.Key, "lxc.hook.") && !isLXCFSHook(e.Value) && !strings.HasSuffix(e.Value, "/clonehostname") {
			warn(fmt.Sprintf("%s = %s: hooks are not carried over", e.Key, e.Value))
		}
	}
}

// isLXCFSHook tells lxcfs's hooks, which lxcvirt adds itself while lxcfs
// runs.
func isLXCFSHook(v string) bool { return strings.HasPrefix(v, "/usr/share/lxcfs/") }

// newUUID is a random (version 4) UUID.
func newUUID() [16]byte {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

// hostMemKiB is MemTotal of /proc/meminfo, 0 when unknown.
func hostMemKiB() uint64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			n, _ := strconv.ParseUint(f[1], 10, 64)
			return n
		}
	}
	return 0
}
