package xmlmap

import (
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/internal/subid"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Parse parses libvirt domain XML, validates and normalises it, and maps it
// to an LXC config. Malformed XML is ErrXMLError; a domain type other than
// 'lxc' or anything the mapping cannot honour is ErrConfigUnsupported
// naming the element or attribute; invalid values are ErrXMLError naming
// the field. Every error is a *virterror.Error.
func Parse(xmlText []byte, opts Options) (*Mapped, error) {
	dom := &libvirtxml.Domain{}
	if err := xml.Unmarshal(xmlText, dom); err != nil {
		return nil, xmlErr("malformed domain XML: %v", err)
	}
	return mapDomain(dom, opts)
}

// ToConfig is Parse on an already parsed domain. dom is not modified;
// Mapped.Domain is a normalised copy.
func ToConfig(dom *libvirtxml.Domain, opts Options) (*Mapped, error) {
	if dom == nil {
		return nil, virterror.New(libvirt.ErrInvalidArg, "no domain definition")
	}
	if err := checkXMLText(reflect.ValueOf(dom), "domain"); err != nil {
		return nil, err
	}
	text, err := FormatDomain(dom)
	if err != nil {
		return nil, err
	}
	return Parse([]byte(text), opts)
}

// mapper carries one conversion: the domain being normalised in place, the
// config being built and the facts collected for Mapped.
type mapper struct {
	d      *libvirtxml.Domain
	opts   Options
	uuid   [16]byte
	out    *Mapped
	cfg    Config
	mounts Config
	// grants are the device cgroup rules of the definition's devices.
	grants []DeviceRule
	// hasRoot is set when the container has a root filesystem of its
	// own (mount entries are relative to it).
	hasRoot bool
}

func (mp *mapper) add(key, value string) { mp.cfg = append(mp.cfg, Entry{Key: key, Value: value}) }

func mapDomain(d *libvirtxml.Domain, opts Options) (*Mapped, error) {
	mp := &mapper{d: d, opts: opts, out: &Mapped{Domain: d}}
	// Each step validates and normalises one part of the definition and
	// appends its keys; the order here is the config's key order.
	steps := []func() error{
		mp.identity, mp.os, mp.filesystems, mp.devNodes, mp.base, mp.consoles, mp.emitMounts,
		mp.init, mp.idmap, mp.features, mp.namespaces, mp.network, mp.memory, mp.cpu, mp.blkio,
		mp.deviceACL, mp.confinement, mp.extension, mp.lxcfs, mp.lifecycle, mp.ignored,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	for _, e := range mp.cfg {
		if !validKey(e.Key) || checkText(e.Key, e.Value) != nil {
			return nil, virterror.New(libvirt.ErrInternalError, "refusing unsafe config entry %s = %q", e.Key, e.Value)
		}
	}
	mp.out.Config = mp.cfg
	return mp.out, nil
}

// identity handles <domain type>, the top-level element set, name, uuid,
// title and the accepted no-op elements.
func (mp *mapper) identity() error {
	d := mp.d
	switch d.Type {
	case "lxc":
	case "":
		return xmlErr("missing domain type attribute")
	default:
		return unsupported("domain type '%s' is not supported by the LXC driver", d.Type)
	}
	if err := refuseOthers("domain", d, "Type", "ID", "Name", "UUID", "Title", "Description",
		"Metadata", "Memory", "CurrentMemory", "BlockIOTune", "MemoryTune", "VCPU", "CPUTune",
		"NUMATune", "Resource", "OS", "IDMap", "Features", "Clock", "OnPoweroff", "OnReboot",
		"OnCrash", "Devices", "SecLabel", "IOThreads", "MemoryBacking", "Perf", "CPU", "LXCNamespace"); err != nil {
		return err
	}
	d.ID = nil
	if p := nameProblem(d.Name); p != "" {
		return xmlErr("domain <name> %q %s", d.Name, p)
	}
	if strings.ContainsAny(d.Title, "\r\n") {
		return xmlErr("domain <title> must not contain newlines")
	}
	if err := mp.fillUUID(); err != nil {
		return err
	}
	if r := d.Resource; r != nil {
		if err := refuseOthers("resource", r, "Partition"); err != nil {
			return err
		}
		if r.Partition != "" && r.Partition != "/machine" {
			return unsupported("<resource><partition> %q: only /machine is supported by the LXC driver", r.Partition)
		}
	}
	if c := d.Clock; c != nil {
		if err := refuseOthers("clock", c, "Offset"); err != nil {
			return err
		}
		if c.Offset != "" && c.Offset != "utc" && c.Offset != "localtime" {
			return unsupported("<clock offset='%s'> is not supported by the LXC driver", c.Offset)
		}
	}
	mp.out.Name = d.Name
	mp.add("lxc.uts.name", d.Name)
	return nil
}

func (mp *mapper) fillUUID() error {
	if mp.d.UUID == "" {
		if mp.opts.NewUUID == nil {
			return virterror.New(libvirt.ErrInternalError, "domain has no <uuid> and no UUID generator is configured")
		}
		mp.uuid = mp.opts.NewUUID()
	} else {
		u, err := parseUUID(mp.d.UUID)
		if err != nil {
			return err
		}
		mp.uuid = u
	}
	mp.d.UUID = formatUUID(mp.uuid)
	mp.out.UUID = mp.d.UUID
	return nil
}

// os checks <os>: type exe, optional arch.
func (mp *mapper) os() error {
	os := mp.d.OS
	if os == nil || os.Type == nil || os.Type.Type == "" {
		return xmlErr("an os <type> must be specified")
	}
	if err := refuseOthers("os", os, "Type", "Init", "InitArgs", "InitEnv", "InitDir", "InitUser", "InitGroup", "Cmdline"); err != nil {
		return err
	}
	if err := refuseOthers("type", os.Type, "Type", "Arch"); err != nil {
		return err
	}
	if os.Type.Type != "exe" {
		return unsupported("<os><type>%s</type> is not supported by the LXC driver (only 'exe')", os.Type.Type)
	}
	if a := os.Type.Arch; a != "" {
		if !lxcArch[a] {
			return unsupported("<os><type arch='%s'> is not supported by the LXC driver", a)
		}
		mp.add("lxc.arch", a)
	}
	return nil
}

// devices returns <devices>, refusing every device kind the driver cannot
// run.
func (mp *mapper) devices() (*libvirtxml.DomainDeviceList, error) {
	devs := mp.d.Devices
	if devs == nil {
		return &libvirtxml.DomainDeviceList{}, nil
	}
	return devs, refuseOthers("devices", devs, "Emulator", "Filesystems", "Disks", "Interfaces", "Hostdevs", "Consoles", "Controllers")
}

// filesystems maps the <filesystem> on / to lxc.rootfs.* and prepares a
// mount entry for every other one (emitted by emitMounts).
func (mp *mapper) filesystems() error {
	devs, err := mp.devices()
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var root *libvirtxml.DomainFilesystem
	for i := range devs.Filesystems {
		fs := &devs.Filesystems[i]
		blockSrc := fs.Source != nil && (fs.Source.Block != nil || fs.Source.File != nil)
		if fs.Source != nil && fs.Source.Mount == nil && fs.Source.RAM == nil && !blockSrc {
			what := "is not supported by the LXC driver"
			if fs.Target != nil && fs.Target.Dir == "/" {
				what = "as the root filesystem is not supported by the LXC driver (only a host directory)"
			}
			return unsupported("%s %s", fsTypeName(fs.Source), what)
		}
		if err := refuseOthers("filesystem", fs, "AccessMode", "Source", "Target", "ReadOnly", "Alias", "Driver"); err != nil {
			return err
		}
		if fs.Driver != nil {
			if err := refuseOthers("driver", fs.Driver, "Type", "Format"); err != nil {
				return err
			}
			if !blockSrc && (fs.Driver.Type != "" && fs.Driver.Type != "path" || fs.Driver.Format != "") {
				return unsupported("<filesystem><driver type='%s' format='%s'> is not supported by the LXC driver", fs.Driver.Type, fs.Driver.Format)
			}
		}
		// libvirt-lxc bind-mounts the source whatever the access mode
		// (it matters to QEMU's 9p server only); virtinst always writes
		// accessmode='mapped'.
		switch fs.AccessMode {
		case "", "passthrough":
			fs.AccessMode = "passthrough"
		case "mapped", "squash":
			mp.ignore("<filesystem accessmode='%s'>", fs.AccessMode)
		default:
			return xmlErr("<filesystem accessmode=%q>: expected 'passthrough', 'mapped' or 'squash'", fs.AccessMode)
		}
		if fs.Target == nil {
			return xmlErr("missing <target dir> in <filesystem>")
		}
		target, err := checkFieldPath("<filesystem> <target dir>", fs.Target.Dir)
		if err != nil {
			return err
		}
		if seen[target] {
			return xmlErr("<filesystem> target %q is used twice", target)
		}
		seen[target] = true
		fs.Target.Dir = target
		if fs.Source == nil {
			return xmlErr("missing <source> in <filesystem> on %q", target)
		}
		if target == "/" {
			root = fs
			continue
		}
		if err := mp.mountEntry(fs); err != nil {
			return err
		}
	}
	if root == nil {
		return nil
	}
	// Mount entries are relative to the rootfs when there is one.
	for i := range mp.mounts {
		f := strings.SplitN(mp.mounts[i].Value, " ", 3)
		f[1] = strings.TrimPrefix(f[1], "/")
		mp.mounts[i].Value = strings.Join(f, " ")
	}
	mp.hasRoot = true
	if root.Source.Block != nil || root.Source.File != nil {
		return mp.rootImage(root)
	}
	if root.Source.Mount == nil {
		return unsupported("%s as the root filesystem is not supported by the LXC driver (only a host directory, a block device or a raw image)", fsTypeName(root.Source))
	}
	if err := refuseOthers("source", root.Source.Mount, "Dir"); err != nil {
		return err
	}
	dir, err := checkPath("root <filesystem> <source dir>", root.Source.Mount.Dir)
	if err != nil {
		return err
	}
	root.Source.Mount.Dir = dir
	mp.out.RootFS = dir
	mp.add("lxc.rootfs.path", "dir:"+dir)
	if root.ReadOnly != nil {
		mp.add("lxc.rootfs.options", "ro")
	}
	return nil
}

// mountEntry builds the lxc.mount.entry for a non-root filesystem. Targets
// are written absolute here and made relative once the rootfs is known.
func (mp *mapper) mountEntry(fs *libvirtxml.DomainFilesystem) error {
	src, target := fs.Source, fs.Target.Dir
	var opts []string
	var entry string
	switch {
	case src.Mount != nil:
		if err := refuseOthers("source", src.Mount, "Dir"); err != nil {
			return err
		}
		dir, err := checkFieldPath("<filesystem> <source dir>", src.Mount.Dir)
		if err != nil {
			return err
		}
		src.Mount.Dir = dir
		entry = dir + " " + target + " none"
		opts = append(opts, "bind")
	case src.Block != nil || src.File != nil:
		return mp.blockMount(fs, target)
	case src.RAM != nil:
		kib, err := scaleKiB("<filesystem type='ram'> <source usage>", uint64(src.RAM.Usage), src.RAM.Units)
		if err != nil {
			return err
		}
		src.RAM.Usage, src.RAM.Units = uint(kib), "KiB"
		entry = "tmpfs " + target + " tmpfs"
		opts = append(opts, "nosuid", "nodev") // as libvirt-lxc mounts it (lxcContainerMountFSTmpfs)
		if kib > 0 {
			opts = append(opts, fmt.Sprintf("size=%dk", kib))
		}
	default:
		return unsupported("%s is not supported by the LXC driver", fsTypeName(src))
	}
	if fs.ReadOnly != nil {
		opts = append(opts, "ro")
	}
	opts = append(opts, "create=dir")
	mp.mounts = append(mp.mounts, Entry{Key: "lxc.mount.entry", Value: entry + " " + strings.Join(opts, ",") + " 0 0"})
	return nil
}

// fsTypeName names a filesystem source kind for messages.
func fsTypeName(src *libvirtxml.DomainFilesystemSource) string {
	switch {
	case src.Block != nil:
		return "<filesystem type='block'> (a block device)"
	case src.File != nil:
		return "<filesystem type='file'> (an image file)"
	case src.Template != nil:
		return "<filesystem type='template'>"
	case src.RAM != nil:
		return "<filesystem type='ram'>"
	case src.Bind != nil:
		return "<filesystem type='bind'>"
	case src.Volume != nil:
		return "<filesystem type='volume'>"
	}
	return "<filesystem> of unknown type"
}

func (mp *mapper) base() error {
	mp.cfg = append(mp.cfg, baseConfig...)
	return nil
}

func (mp *mapper) emitMounts() error {
	mp.cfg = append(mp.cfg, mp.mounts...)
	return nil
}

// consoles maps <console type='pty'> devices to container ttys. Without a
// console the container's /dev/console is not connected.
func (mp *mapper) consoles() error {
	devs, err := mp.devices()
	if err != nil {
		return err
	}
	for i := range devs.Consoles {
		c := &devs.Consoles[i]
		if err := refuseOthers("console", c, "Source", "Target", "TTY", "Alias", "Log"); err != nil {
			return err
		}
		if c.Source == nil {
			c.Source = &libvirtxml.DomainChardevSource{Pty: &libvirtxml.DomainChardevSourcePty{}}
		}
		if c.Source.Pty == nil {
			return unsupported("<console type='%s'> is not supported by the LXC driver (only 'pty')", chardevTypeName(c.Source))
		}
		if err := refuseOthers("source", c.Source.Pty, "Path"); err != nil {
			return err
		}
		if c.Target != nil && c.Target.Type != "" && c.Target.Type != "lxc" {
			return unsupported("<console><target type='%s'> is not supported by the LXC driver", c.Target.Type)
		}
		port := uint(i)
		c.Target = &libvirtxml.DomainConsoleTarget{Type: "lxc", Port: &port}
		c.TTY, c.Source.Pty.Path = "", ""
		if err := mp.consoleLog(i, c.Log); err != nil {
			return err
		}
	}
	n := len(devs.Consoles)
	mp.out.Consoles, mp.out.Console = n, n > 0
	mp.add("lxc.tty.max", strconv.Itoa(n))
	if n == 0 {
		mp.add("lxc.console.path", "none")
	}
	if l := mp.out.ConsoleLog; l != nil {
		mp.add("lxc.console.logfile", l.Path)
	}
	return nil
}

// consoleLog maps <log file append> of console i. The first console is
// the container's /dev/console, whose output LXC copies to
// lxc.console.logfile (libvirt-lxc ignores <log>; honouring it is what
// makes Nova's console output work). LXC always appends, so the driver
// truncates the file before starting unless append='on'. LXC cannot log
// the other consoles (ttys); their <log>, like libvirt-lxc, is ignored.
func (mp *mapper) consoleLog(i int, l *libvirtxml.DomainChardevLog) error {
	if l == nil {
		return nil
	}
	file, err := checkPath("<console><log file>", l.File)
	if err != nil {
		return err
	}
	l.File = file
	switch l.Append {
	case "", "on", "off":
	default:
		return xmlErr("<console><log append=%q>: expected 'on' or 'off'", l.Append)
	}
	if i > 0 {
		mp.ignore("<log> of <console> %d", i)
		return nil
	}
	mp.out.ConsoleLog = &ConsoleLog{Path: file, Append: l.Append == "on"}
	return nil
}

func chardevTypeName(s *libvirtxml.DomainChardevSource) string {
	if s == nil {
		return "unknown"
	}
	return setFieldName(s)
}

// init maps <init>, <initarg>, <initdir>, <inituser>, <initgroup>,
// <initenv> and <cmdline>, which reaches init's environment as
// LIBVIRT_LXC_CMDLINE, as libvirt-lxc passes it, after libvirt-lxc's
// guestEnv. LXC splits lxc.init.cmd at spaces and honours no quoting, so
// arguments containing whitespace (or empty ones) cannot be expressed and
// are refused. Arguments starting with '-' are accepted: they only ever
// reach the container's init through lxc.init.cmd, never an lxc-* argv.
func (mp *mapper) init() error {
	os := mp.d.OS
	if os.Init == "" {
		os.Init = defaultInit
	}
	init, err := checkPath("<init>", os.Init)
	if err != nil {
		return err
	}
	if strings.ContainsAny(init, " \t") {
		return unsupported("<init> %q: LXC splits lxc.init.cmd at spaces, so a path with whitespace cannot be expressed", os.Init)
	}
	os.Init = init
	argv := []string{init}
	for _, a := range os.InitArgs {
		if err := checkText("<initarg>", a); err != nil {
			return err
		}
		if a == "" || strings.ContainsAny(a, " \t") {
			return unsupported("<initarg> %q: LXC splits lxc.init.cmd at spaces, so an empty argument or one with whitespace cannot be expressed", a)
		}
		argv = append(argv, a)
	}
	mp.out.Init = argv
	mp.add("lxc.init.cmd", strings.Join(argv, " "))
	if os.InitDir != "" {
		dir, err := checkPath("<initdir>", os.InitDir)
		if err != nil {
			return err
		}
		os.InitDir = dir
		mp.add("lxc.init.cwd", dir)
	}
	for _, id := range []struct {
		field, value, key string
		name              *string
	}{
		{"<inituser>", os.InitUser, "lxc.init.uid", &mp.out.InitUser},
		{"<initgroup>", os.InitGroup, "lxc.init.gid", &mp.out.InitGroup},
	} {
		if id.value == "" {
			continue
		}
		if _, err := strconv.ParseUint(id.value, 10, 32); err == nil {
			mp.add(id.key, id.value)
			continue
		}
		if err := checkText(id.field, id.value); err != nil {
			return err
		}
		if len(id.value) > 256 || strings.ContainsAny(id.value, ":/ \t\n") {
			return xmlErr("%s %q is neither a numeric id nor a user or group name", id.field, id.value)
		}
		*id.name = id.value // resolved in the container at start
	}
	for _, e := range guestEnv(mp.d.UUID, mp.d.Name) {
		mp.add("lxc.environment", e.Key+"="+e.Value)
	}
	if os.Cmdline != "" {
		if err := checkText("<os><cmdline>", os.Cmdline); err != nil {
			return err
		}
		mp.add("lxc.environment", cmdlineEnv+"="+os.Cmdline)
	}
	for _, env := range os.InitEnv {
		if os.Cmdline != "" && env.Name == cmdlineEnv {
			return xmlErr("<initenv name='%s'> conflicts with <os><cmdline>", cmdlineEnv)
		}
		if !validEnvName(env.Name) {
			return xmlErr("<initenv name=%q>: the name must match [A-Za-z_][A-Za-z0-9_]*", env.Name)
		}
		if err := checkText(fmt.Sprintf("<initenv name='%s'>", env.Name), env.Value); err != nil {
			return err
		}
		mp.add("lxc.environment", env.Name+"="+env.Value)
	}
	return nil
}

func validEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// idmap maps <idmap> to lxc.idmap lines ("u|g container-start host-start
// count"); both maps are required when either is given. Under
// Options.UserNS a missing <idmap> is filled in and every range must map
// onto the user's ids.
func (mp *mapper) idmap() error {
	ns := mp.opts.UserNS
	if ns != nil && (mp.d.IDMap == nil || len(mp.d.IDMap.UIDs) == 0 && len(mp.d.IDMap.GIDs) == 0) {
		if len(ns.UIDs) == 0 || len(ns.GIDs) == 0 {
			return unsupported("<idmap> is needed for an unprivileged container, and the user has no subordinate ids in %s and %s to fill it in from", subid.UIDFile, subid.GIDFile)
		}
		mp.d.IDMap = ns.IDMap()
	}
	im := mp.d.IDMap
	if im == nil || len(im.UIDs) == 0 && len(im.GIDs) == 0 {
		return nil
	}
	if len(im.UIDs) == 0 || len(im.GIDs) == 0 {
		return xmlErr("<idmap> needs both <uid> and <gid> ranges")
	}
	for _, m := range []struct {
		kind, elem, file string
		ranges           []libvirtxml.DomainIDMapRange
		allowed          func() []subid.Range
	}{
		{"u", "uid", subid.UIDFile, im.UIDs, func() []subid.Range { return ns.UIDs }},
		{"g", "gid", subid.GIDFile, im.GIDs, func() []subid.Range { return ns.GIDs }},
	} {
		for _, r := range m.ranges {
			if r.Count == 0 || uint64(r.Start)+uint64(r.Count) > 1<<32 || uint64(r.Target)+uint64(r.Count) > 1<<32 {
				return xmlErr("<idmap> range start=%d target=%d count=%d is out of range", r.Start, r.Target, r.Count)
			}
			if ns != nil && !within(m.allowed(), r) {
				return unsupported("<idmap><%s start='%d' target='%d' count='%d'> maps onto host ids the user was not granted: %s allows %s",
					m.elem, r.Start, r.Target, r.Count, m.file, rangesText(m.allowed()))
			}
			mp.add("lxc.idmap", fmt.Sprintf("%s %d %d %d", m.kind, r.Start, r.Target, r.Count))
		}
	}
	return nil
}

// idmapOnto maps container ids from 0 onto the host ranges, in order.
func idmapOnto(host []subid.Range) []libvirtxml.DomainIDMapRange {
	var out []libvirtxml.DomainIDMapRange
	next := uint64(0)
	for _, h := range host {
		if next+uint64(h.Count) > 1<<32 {
			break
		}
		out = append(out, libvirtxml.DomainIDMapRange{Start: uint(next), Target: uint(h.Start), Count: uint(h.Count)})
		next += uint64(h.Count)
	}
	return out
}

// within reports whether r's host ids lie inside one of the ranges.
func within(allowed []subid.Range, r libvirtxml.DomainIDMapRange) bool {
	for _, a := range allowed {
		if uint64(r.Target) >= uint64(a.Start) && uint64(r.Target)+uint64(r.Count) <= a.End() {
			return true
		}
	}
	return false
}

func rangesText(rs []subid.Range) string {
	if len(rs) == 0 {
		return "none"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

// features accepts <privnet/> (always honoured: a container without
// interfaces gets its own network namespace) and <capabilities>, mapped to
// lxc.cap.drop or lxc.cap.keep the way libvirt-lxc applies its policies.
func (mp *mapper) features() error {
	f := mp.d.Features
	var caps *libvirtxml.DomainFeatureCapabilities
	if f != nil {
		if err := refuseOthers("features", f, "PrivNet", "Capabilities"); err != nil {
			return err
		}
		caps = f.Capabilities
	}
	policy, states, err := capStates(caps)
	if err != nil {
		return err
	}
	var drop, keep []string
	switch policy {
	case "deny":
		for _, name := range capNames() {
			if states[name] == "on" {
				keep = append(keep, name)
			}
		}
		if len(keep) == 0 {
			keep = []string{"none"}
		}
		mp.add("lxc.cap.keep", strings.Join(keep, " "))
		return nil
	case "allow":
		for _, name := range capNames() {
			if states[name] == "off" {
				drop = append(drop, name)
			}
		}
	default:
		for _, name := range capNames() {
			if states[name] == "off" || states[name] == "" && slices.Contains(defaultDroppedCaps, name) {
				drop = append(drop, name)
			}
		}
	}
	if len(drop) > 0 {
		mp.add("lxc.cap.drop", strings.Join(drop, " "))
	}
	return nil
}

// network maps <interface> devices to veth pairs or macvlans and
// <hostdev mode='capabilities' type='net'> to host NICs moved in
// (lxc.net.N.*); with none, the container gets a private network namespace
// holding only lo. lo is always up, as libvirt-lxc brings it up: LXC does
// that only for an "empty" network, so one with flags up comes last.
func (mp *mapper) network() error {
	devs, err := mp.devices()
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for i := range devs.Interfaces {
		ifc, err := mp.iface(i, &devs.Interfaces[i])
		if err != nil {
			return err
		}
		for _, dev := range []string{"host:" + ifc.HostDev, "guest:" + ifc.GuestDev} {
			if !strings.HasSuffix(dev, ":") && used[dev] {
				return xmlErr("<interface> device name %q is used twice", dev[strings.IndexByte(dev, ':')+1:])
			}
			used[dev] = true
		}
		mp.out.Interfaces = append(mp.out.Interfaces, ifc)
	}
	n := len(devs.Interfaces)
	for i := range devs.Hostdevs {
		if devs.Hostdevs[i].CapsNet == nil {
			continue // a device node (devNodes)
		}
		nic, err := mp.hostNIC(n, &devs.Hostdevs[i])
		if err != nil {
			return err
		}
		if used["nic:"+nic] {
			return xmlErr("<hostdev> interface %q is given twice", nic)
		}
		used["nic:"+nic] = true
		mp.out.HostNICs = append(mp.out.HostNICs, nic)
		n++
	}
	if mp.sharesNet() {
		if n > 0 || mp.d.Features != nil && mp.d.Features.PrivNet != nil {
			return unsupported("Config asks for inherit net namespace as well as private network interfaces")
		}
		return nil // the joined namespace's lo is as its owner left it
	}
	mp.add(fmt.Sprintf("lxc.net.%d.type", n), "empty")
	mp.add(fmt.Sprintf("lxc.net.%d.flags", n), "up")
	return nil
}

func (mp *mapper) iface(i int, x *libvirtxml.DomainInterface) (Interface, error) {
	var out Interface
	if err := refuseOthers("interface", x, "MAC", "Source", "IP", "Route", "Target", "Guest", "Link", "MTU", "Alias",
		"VLan", "VirtualPort", "Bandwidth"); err != nil {
		return out, err
	}
	src := x.Source
	if src == nil {
		return out, xmlErr("<interface> #%d has no type", i+1)
	}
	switch {
	case src.Bridge != nil:
		out.Type = "bridge"
		out.Bridge = src.Bridge.Bridge
		if out.Bridge == "" {
			out.Bridge = mp.opts.DefaultBridge
		}
		if out.Bridge == "" {
			return out, unsupported("<interface type='bridge'> has no <source bridge=…> and no default bridge is configured")
		}
		src.Bridge.Bridge = out.Bridge
	case src.Network != nil:
		if err := refuseOthers("source", src.Network, "Network", "Bridge", "PortID"); err != nil {
			return out, err
		}
		out.Type, out.Network = "network", src.Network.Network
		if out.Network == "" {
			return out, xmlErr("<interface type='network'> needs <source network=…>")
		}
		if src.Network.PortID != "" && src.Network.Bridge != "" && mp.opts.NetworkPorts {
			// A port of libvirt's network driver, made for this start.
			out.Bridge = src.Network.Bridge
			break
		}
		src.Network.Bridge, src.Network.PortID = "", ""
		out.Bridge = mp.opts.Networks[out.Network]
		if out.Bridge == "" && out.Network == "default" {
			out.Bridge = mp.opts.DefaultBridge
		}
		if out.Bridge == "" && !mp.opts.NetworksAtStart {
			return out, virterror.New(libvirt.ErrNoNetwork, "Network not found: no network with matching name '%s'", out.Network)
		}
	case src.Ethernet != nil:
		out.Type = "ethernet"
		if err := mp.hostIP(&out, src.Ethernet); err != nil {
			return out, err
		}
	case src.Direct != nil:
		if err := mp.direct(&out, src.Direct); err != nil {
			return out, err
		}
	default:
		return out, unsupported("<interface type='%s'> is not supported by the LXC driver", setFieldName(src))
	}
	if out.Bridge != "" {
		if err := checkNetdev("<interface> bridge", out.Bridge); err != nil {
			return out, err
		}
	}
	if x.MAC != nil && x.MAC.Address != "" {
		mac, err := parseMAC("<interface><mac address>", x.MAC.Address)
		if err != nil {
			return out, err
		}
		out.MAC = mac
		x.MAC.Address = mac
	} else {
		out.MAC = derivedMAC(mp.uuid, i)
		x.MAC = &libvirtxml.DomainInterfaceMAC{Address: out.MAC}
	}
	if x.Target != nil {
		if err := refuseOthers("target", x.Target, "Dev"); err != nil {
			return out, err
		}
		if err := checkNetdev("<interface><target dev>", x.Target.Dev); err != nil {
			return out, err
		}
		out.HostDev = x.Target.Dev
	}
	if x.Guest != nil {
		x.Guest.Actual = ""
		if x.Guest.Dev != "" {
			if err := checkNetdev("<interface><guest dev>", x.Guest.Dev); err != nil {
				return out, err
			}
			out.GuestDev = x.Guest.Dev
		} else {
			x.Guest = nil
		}
	}
	p := fmt.Sprintf("lxc.net.%d.", i)
	if out.Type == "direct" {
		mp.add(p+"type", "macvlan")
		mp.add(p+"link", out.Link)
		mp.add(p+"macvlan.mode", out.Mode)
	} else {
		mp.add(p+"type", "veth")
		if out.Bridge != "" {
			mp.add(p+"link", out.Bridge)
		}
	}
	if err := mp.portOptions(i, p, &out, x); err != nil {
		return out, err
	}
	up := true
	if x.Link != nil {
		switch x.Link.State {
		case "up", "":
		case "down":
			up = false
		default:
			return out, xmlErr("<interface><link state='%s'>: expected 'up' or 'down'", x.Link.State)
		}
	}
	if up {
		mp.add(p+"flags", "up")
	}
	mp.add(p+"hwaddr", out.MAC)
	if out.HostDev != "" && out.Type != "direct" {
		mp.add(p+"veth.pair", out.HostDev)
	}
	if out.GuestDev != "" {
		mp.add(p+"name", out.GuestDev)
	}
	if x.MTU != nil {
		if x.MTU.Size < 68 || x.MTU.Size > 65535 {
			return out, xmlErr("<interface><mtu size='%d'> is out of range [68, 65535]", x.MTU.Size)
		}
		mp.add(p+"mtu", strconv.Itoa(int(x.MTU.Size)))
	}
	var err error
	out.Addrs, out.Routes, err = mp.addresses(p, x)
	return out, err
}

// derivedMAC is the MAC given to the i-th interface of a domain without
// <mac>: libvirt-lxc's OUI and three bytes hashed from the UUID, so the
// address is stable across restarts and redefinitions.
func derivedMAC(uuid [16]byte, i int) string {
	h := sha256.Sum256(append(uuid[:], byte(i), byte(i>>8)))
	return GeneratedMAC([3]byte{h[0], h[1], h[2]})
}

// setFieldName names the one non-nil pointer field of a libvirtxml
// "union" struct (interface or chardev source) in lower case, which is the
// libvirt type name.
func setFieldName(v any) string {
	name := ""
	forEachSetField(v, func(field string) { name = strings.ToLower(field) })
	if name == "" {
		return "unknown"
	}
	return name
}
