package xmlmap

import (
	"path"
	"slices"
	"strings"

	"libvirt.org/go/libvirtxml"
)

// Import names an existing LXC container taken over by lxcvirt.
type Import struct {
	// Name is the domain's name: the container's (its directory's), which
	// lxc.uts.name, the host name, need not equal.
	Name string
	// Dir is the container's directory (LXCPATH/NAME), recorded as
	// <lxcvirt:imported path>.
	Dir string
	// NewUUID supplies the domain's UUID (as Options.NewUUID).
	NewUUID func() [16]byte
	// HostMemKiB is the host's memory: the <memory> of a container
	// whose config sets no memory limit (else lxc_native.c's 64 MiB).
	HostMemKiB uint64
}

// FromContainer converts an existing LXC container's config (its includes
// read in, see lxcimport) into a definition that runs it as LXC ran it,
// leaving its root filesystem where it is. Without a memory limit in the
// config the domain has none either (an unlimited <memtune><hard_limit>). It is FromConfig, the
// conversion of domxml-from-native, plus lxcvirt's extension element in
// <metadata> for what the container needs and libvirt's XML cannot say:
// lxc.signal.halt/reboot/stop (<lxcvirt:signals>; LXC's busybox template
// halts with SIGUSR1), mounts of kernel filesystems without a
// <filesystem> equivalent (<lxcvirt:mount>: a tmpfs without size=, mqueue,
// devpts), nesting.conf's mounts (<lxcvirt:nesting/>), and where it was
// imported from (<lxcvirt:imported>).
func FromContainer(cfg Config, imp Import) (*libvirtxml.Domain, error) {
	for _, e := range cfg {
		if strings.ContainsAny(e.Value, "\n\r\x00") || !validKey(e.Key) {
			return nil, configErr("LXC config entry %s = %q is not a single key = value line", e.Key, e.Value)
		}
	}
	if p := nameProblem(imp.Name); p != "" {
		return nil, configErr("container name %q %s", imp.Name, p)
	}
	cfg = modernise(cfg)
	ext := Extension{Imported: imp.Dir}
	var err error
	if ext.Signals, err = importSignals(cfg); err != nil {
		return nil, err
	}
	rest, err := importMounts(cfg, &ext)
	if err != nil {
		return nil, err
	}
	// FromConfig wants a name; the container's is the domain's.
	if _, ok := rest.Value("lxc.uts.name"); !ok {
		rest = append(rest, Entry{Key: "lxc.uts.name", Value: imp.Name})
	}
	d, err := FromConfig(rest, Options{NewUUID: imp.NewUUID})
	if err != nil {
		return nil, err
	}
	d.Name = imp.Name
	// LXC sets no memory limit unless the config does; libvirt's XML has
	// an unlimited hard limit for that.
	if d.MemoryTune == nil || d.MemoryTune.HardLimit == nil {
		if imp.HostMemKiB > 0 {
			d.Memory.Value, d.CurrentMemory.Value = uint(imp.HostMemKiB), uint(imp.HostMemKiB)
		}
		if d.MemoryTune == nil {
			d.MemoryTune = &libvirtxml.DomainMemoryTune{}
		}
		d.MemoryTune.HardLimit = &libvirtxml.DomainMemoryTuneLimit{Value: memUnlimitedKiB, Unit: "KiB"}
	}
	if _, err := ParseExtension(FormatExtension(ext)); err != nil {
		return nil, err
	}
	if x := FormatExtension(ext); x != "" {
		d.Metadata = &libvirtxml.DomainMetadata{XML: x}
	}
	return d, nil
}

// importSignals reads lxc.signal.halt, .reboot and .stop.
func importSignals(cfg Config) (Signals, error) {
	var s Signals
	for _, k := range []struct {
		key string
		out *string
	}{{"lxc.signal.halt", &s.Halt}, {"lxc.signal.reboot", &s.Reboot}, {"lxc.signal.stop", &s.Stop}} {
		v, ok := cfg.Value(k.key)
		if !ok || v == "" {
			continue
		}
		sig, err := ParseSignal(v)
		if err != nil {
			return s, configErr("%s = %s: %v", k.key, v, err)
		}
		*k.out = sig
	}
	return s, nil
}

// importMounts takes out of cfg the mount entries FromConfig cannot map:
// nesting.conf's (ext.Nesting when both are there) and kernel filesystems
// (ext.Mounts). The rest is returned.
func importMounts(cfg Config, ext *Extension) (Config, error) {
	rootDir, _ := cfg.Value("lxc.rootfs.path")
	if kind, rest, ok := strings.Cut(rootDir, ":"); ok && kind == "dir" {
		rootDir = rest
	}
	entries := cfg.Values("lxc.mount.entry")
	ext.Nesting = slices.Contains(entries, nestingMounts[0]) && slices.Contains(entries, nestingMounts[1])
	var out Config
	for _, e := range cfg {
		if e.Key != "lxc.mount.entry" {
			out = append(out, e)
			continue
		}
		f := strings.Fields(e.Value)
		if ext.Nesting && slices.Contains(nestingMounts, e.Value) {
			continue
		}
		if len(f) < 4 || !extraMountTypes[f[2]] || f[2] == "tmpfs" && hasSizeOption(f[3]) {
			out = append(out, e)
			continue
		}
		target := fstabUnescape(f[1])
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		} else if rootDir != "" {
			if rel, ok := strings.CutPrefix(target, strings.TrimSuffix(rootDir, "/")+"/"); ok {
				target = "/" + rel
			}
		}
		m, err := checkExtraMount(ExtraMount{Type: f[2], Source: fstabUnescape(f[0]), Target: path.Clean(target), Options: f[3]}, "lxc.mount.entry = "+e.Value)
		if err != nil {
			return nil, err
		}
		ext.Mounts = append(ext.Mounts, m)
	}
	return out, nil
}

func hasSizeOption(opts string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if strings.HasPrefix(o, "size=") {
			return true
		}
	}
	return false
}
