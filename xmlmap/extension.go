package xmlmap

import (
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Namespace is lxcvirt's own XML namespace for what libvirt's domain XML
// cannot say. Its element lives in <metadata>, where libvirt clients keep
// it whole across dumpxml and define (and virsh metadata --uri reads and
// edits it):
//
//	<metadata>
//	  <lxcvirt:container xmlns:lxcvirt="urn:lxcvirt:1">
//	    <lxcvirt:nesting/>
//	    <lxcvirt:signals halt="SIGUSR1" reboot="SIGTERM" stop="SIGKILL"/>
//	    <lxcvirt:mount type="mqueue" source="mqueue" target="/dev/mqueue" options="defaults,optional,create=dir"/>
//	    <lxcvirt:imported path="/var/lib/lxc/c1"/>
//	  </lxcvirt:container>
//	</metadata>
//
// <nesting/> opts the container into running LXC containers inside it, as
// LXC's nesting.conf enables it: /proc and /sys are mounted again, whole,
// under /dev/.lxc, where the inner LXC finds them (AppArmor's generated
// profile already allows nesting).
//
// <signals> are the signals LXC sends init to halt it (virsh shutdown),
// to reboot it (virsh reboot) and to stop it hard (lxc.signal.halt,
// .reboot, .stop); each is optional, LXC's default (SIGPWR, SIGINT,
// SIGKILL) otherwise.
//
// <mount> is a mount of a kernel filesystem that has no <filesystem>
// equivalent (tmpfs without a size, mqueue, devpts), as an lxc.mount.entry.
//
// <imported> records the LXC container a definition was imported from
// (lxcvirt-import): the driver refuses to start the domain while that
// container runs under LXC, since both would use the same root filesystem.
//
// Any other element in the namespace is refused.
const Namespace = "urn:lxcvirt:1"

// nestingMounts are nesting.conf's mounts.
var nestingMounts = []string{
	"proc dev/.lxc/proc proc create=dir,optional 0 0",
	"sys dev/.lxc/sys sysfs create=dir,optional 0 0",
}

// Signals are the <lxcvirt:signals> LXC sends init: canonical names
// ("SIGUSR1", "SIGRTMIN+3") or "" for LXC's default.
type Signals struct {
	Halt, Reboot, Stop string
}

// ExtraMount is one <lxcvirt:mount>: a kernel filesystem mounted at
// Target (absolute, in the container) with LXC's mount options.
type ExtraMount struct {
	Type, Source, Target, Options string
}

// extraMountTypes are the filesystems <lxcvirt:mount> may mount: none
// takes a host path as its source.
var extraMountTypes = map[string]bool{"tmpfs": true, "mqueue": true, "devpts": true}

// mountSource and mountOptions are what a <lxcvirt:mount>'s source (a
// label, never a path) and options may hold.
var (
	mountSource  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$`)
	mountOptions = regexp.MustCompile(`^[A-Za-z0-9_=.:%+-]+(,[A-Za-z0-9_=.:%+-]+)*$`)
)

// Extension is lxcvirt's <lxcvirt:container> element.
type Extension struct {
	Nesting bool
	Signals Signals
	Mounts  []ExtraMount
	// Imported is the directory of the LXC container the definition was
	// imported from ("" when none).
	Imported string
}

// extXML is <lxcvirt:container> as decoded; unknown children and
// attributes are caught to be refused.
type extXML struct {
	Nesting  []extAny     `xml:"urn:lxcvirt:1 nesting"`
	Signals  []extSignals `xml:"urn:lxcvirt:1 signals"`
	Mounts   []extMount   `xml:"urn:lxcvirt:1 mount"`
	Imported []extPath    `xml:"urn:lxcvirt:1 imported"`
	Attrs    []xml.Attr   `xml:",any,attr"`
	Other    []extAny     `xml:",any"`
}

type extAny struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Inner   []byte     `xml:",innerxml"`
}

type extSignals struct {
	Halt   string     `xml:"halt,attr"`
	Reboot string     `xml:"reboot,attr"`
	Stop   string     `xml:"stop,attr"`
	Attrs  []xml.Attr `xml:",any,attr"`
	Inner  []byte     `xml:",innerxml"`
}

type extMount struct {
	Type    string     `xml:"type,attr"`
	Source  string     `xml:"source,attr"`
	Target  string     `xml:"target,attr"`
	Options string     `xml:"options,attr"`
	Attrs   []xml.Attr `xml:",any,attr"`
	Inner   []byte     `xml:",innerxml"`
}

type extPath struct {
	Path  string     `xml:"path,attr"`
	Attrs []xml.Attr `xml:",any,attr"`
	Inner []byte     `xml:",innerxml"`
}

// extension honours <lxcvirt:container> in <metadata>: nesting's mounts,
// the signals, the extra mounts; Imported goes to Mapped.
func (mp *mapper) extension() error {
	if mp.d.Metadata == nil || !strings.Contains(mp.d.Metadata.XML, Namespace) {
		return nil
	}
	ext, err := ParseExtension(mp.d.Metadata.XML)
	if err != nil || ext == nil {
		return err
	}
	if ext.Nesting {
		mp.out.Nesting = true
		for _, m := range nestingMounts {
			mp.add("lxc.mount.entry", m)
		}
	}
	for _, s := range []struct{ key, sig string }{
		{"lxc.signal.halt", ext.Signals.Halt}, {"lxc.signal.reboot", ext.Signals.Reboot}, {"lxc.signal.stop", ext.Signals.Stop},
	} {
		if s.sig != "" {
			mp.add(s.key, s.sig)
		}
	}
	for _, m := range ext.Mounts {
		mp.add("lxc.mount.entry", m.entry())
	}
	mp.out.Imported = ext.Imported
	return nil
}

// entry is the mount's lxc.mount.entry value: the target relative to the
// root filesystem, as LXC takes it.
func (m ExtraMount) entry() string {
	return fmt.Sprintf("%s %s %s %s 0 0", m.Source, strings.TrimPrefix(m.Target, "/"), m.Type, m.Options)
}

// ParseExtension reads lxcvirt's element from the content of <metadata>
// and validates it; nil when there is none. Anything in the element it
// does not know is ErrConfigUnsupported, a bad value ErrXMLError.
func ParseExtension(metadata string) (*Extension, error) {
	dec := xml.NewDecoder(strings.NewReader("<metadata>" + metadata + "</metadata>"))
	var found *extXML
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlErr("<metadata>: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth != 2 || t.Name.Space != Namespace {
				continue
			}
			if t.Name.Local != "container" {
				return nil, unsupported("<metadata>: lxcvirt's element is <container>, not <%s>", t.Name.Local)
			}
			if found != nil {
				return nil, unsupported("<metadata>: more than one lxcvirt <container> element")
			}
			found = &extXML{}
			if err := dec.DecodeElement(found, &t); err != nil {
				return nil, xmlErr("<metadata>: lxcvirt <container>: %v", err)
			}
			depth--
		case xml.EndElement:
			depth--
		}
	}
	if found == nil {
		return nil, nil
	}
	return found.validate()
}

func (x *extXML) validate() (*Extension, error) {
	if a := unknownAttr(x.Attrs); a != "" {
		return nil, unsupported("lxcvirt <container>: unknown attribute %q", a)
	}
	if len(x.Other) > 0 {
		return nil, unsupported("lxcvirt <container>: unknown element <%s>", x.Other[0].XMLName.Local)
	}
	for _, n := range []struct {
		name  string
		count int
	}{{"nesting", len(x.Nesting)}, {"signals", len(x.Signals)}, {"imported", len(x.Imported)}} {
		if n.count > 1 {
			return nil, unsupported("lxcvirt <container>: more than one <%s>", n.name)
		}
	}
	ext := &Extension{Nesting: len(x.Nesting) > 0}
	for _, n := range x.Nesting {
		if err := empty("nesting", n.Attrs, n.Inner); err != nil {
			return nil, err
		}
	}
	for _, s := range x.Signals {
		if err := empty("signals", s.Attrs, s.Inner); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			attr string
			in   string
			out  *string
		}{{"halt", s.Halt, &ext.Signals.Halt}, {"reboot", s.Reboot, &ext.Signals.Reboot}, {"stop", s.Stop, &ext.Signals.Stop}} {
			if f.in == "" {
				continue
			}
			sig, err := ParseSignal(f.in)
			if err != nil {
				return nil, xmlErr("lxcvirt <signals %s='%s'>: %v", f.attr, f.in, err)
			}
			*f.out = sig
		}
	}
	for _, m := range x.Mounts {
		if err := empty("mount", m.Attrs, m.Inner); err != nil {
			return nil, err
		}
		what := fmt.Sprintf("lxcvirt <mount type='%s' target='%s'>", m.Type, m.Target)
		em, err := checkExtraMount(ExtraMount{Type: m.Type, Source: m.Source, Target: m.Target, Options: m.Options}, what)
		if err != nil {
			return nil, err
		}
		ext.Mounts = append(ext.Mounts, em)
	}
	for _, p := range x.Imported {
		if err := empty("imported", p.Attrs, p.Inner); err != nil {
			return nil, err
		}
		dir, err := checkPath("lxcvirt <imported path>", p.Path)
		if err != nil {
			return nil, err
		}
		if dir == "/" || nameProblem(path.Base(dir)) != "" {
			return nil, xmlErr("lxcvirt <imported path='%s'> is not an LXC container's directory", p.Path)
		}
		ext.Imported = dir
	}
	return ext, nil
}

// empty refuses unknown attributes and any content in an element of
// lxcvirt's that has none.
func empty(elem string, attrs []xml.Attr, inner []byte) error {
	if a := unknownAttr(attrs); a != "" {
		return unsupported("lxcvirt <%s>: unknown attribute %q", elem, a)
	}
	if strings.TrimSpace(string(inner)) != "" {
		return unsupported("lxcvirt <%s> has no content", elem)
	}
	return nil
}

// unknownAttr names the first of attrs that is not a namespace
// declaration ("" when none).
func unknownAttr(attrs []xml.Attr) string {
	for _, a := range attrs {
		if a.Name.Space != "xmlns" && (a.Name.Space != "" || a.Name.Local != "xmlns") {
			return a.Name.Local
		}
	}
	return ""
}

// checkExtraMount validates a <lxcvirt:mount> (what names it in errors)
// and fills in its defaults (options "defaults").
func checkExtraMount(m ExtraMount, what string) (ExtraMount, error) {
	if !extraMountTypes[m.Type] {
		return m, unsupported("%s: only tmpfs, mqueue and devpts are mounted this way", what)
	}
	if !mountSource.MatchString(m.Source) {
		return m, xmlErr("%s: source %q must be a label of letters, digits, '_', '.' and '-'", what, m.Source)
	}
	t, err := checkFieldPath(what+" target", m.Target)
	if err != nil {
		return m, err
	}
	if t == "/" {
		return m, xmlErr("%s: cannot mount over the root filesystem", what)
	}
	m.Target = t
	if m.Options == "" {
		m.Options = "defaults"
	}
	if !mountOptions.MatchString(m.Options) {
		return m, xmlErr("%s: options %q are not a comma-separated list of mount options", what, m.Options)
	}
	for o := range strings.SplitSeq(m.Options, ",") {
		if o == "bind" || o == "rbind" || o == "move" || o == "remount" {
			return m, unsupported("%s: option %q is not allowed", what, o)
		}
	}
	return m, nil
}

// ParseSignal reads a signal as LXC's config does (sig_parse): a number
// (1–64), a name with the SIG prefix in any case, or SIGRTMIN+N /
// SIGRTMAX-N; it returns the canonical spelling.
func ParseSignal(s string) (string, error) {
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		n, err := strconv.ParseUint(s, 10, 8)
		if err != nil || n == 0 || n > 64 {
			return "", fmt.Errorf("%q is not a signal number (1-64)", s)
		}
		return strconv.FormatUint(n, 10), nil
	}
	up := strings.ToUpper(s)
	if !strings.HasPrefix(up, "SIG") {
		return "", fmt.Errorf("%q is not a signal name (SIGxxx) or number", s)
	}
	for _, rt := range []struct {
		prefix string
		max    bool
	}{{"SIGRTMIN+", false}, {"SIGRTMAX-", true}} {
		if n, ok := strings.CutPrefix(up, rt.prefix); ok {
			v, err := strconv.ParseUint(n, 10, 8)
			if err != nil || v > 30 {
				return "", fmt.Errorf("%q is not a real-time signal", s)
			}
			return rt.prefix + strconv.FormatUint(v, 10), nil
		}
	}
	if up == "SIGRTMIN" || up == "SIGRTMAX" {
		return up, nil
	}
	if unix.SignalNum(up) == 0 {
		return "", fmt.Errorf("%q is not a signal name", s)
	}
	return up, nil
}

// FormatExtension renders ext as the <lxcvirt:container> element for
// <metadata>; "" when it says nothing.
func FormatExtension(ext Extension) string {
	var b strings.Builder
	attr := func(name, v string) {
		if v != "" {
			b.WriteString(" " + name + "='")
			_ = xml.EscapeText(&b, []byte(v))
			b.WriteString("'")
		}
	}
	if ext.Nesting {
		b.WriteString("\n  <lxcvirt:nesting/>")
	}
	if ext.Signals != (Signals{}) {
		b.WriteString("\n  <lxcvirt:signals")
		attr("halt", ext.Signals.Halt)
		attr("reboot", ext.Signals.Reboot)
		attr("stop", ext.Signals.Stop)
		b.WriteString("/>")
	}
	for _, m := range ext.Mounts {
		b.WriteString("\n  <lxcvirt:mount")
		attr("type", m.Type)
		attr("source", m.Source)
		attr("target", m.Target)
		attr("options", m.Options)
		b.WriteString("/>")
	}
	if ext.Imported != "" {
		b.WriteString("\n  <lxcvirt:imported")
		attr("path", ext.Imported)
		b.WriteString("/>")
	}
	if b.Len() == 0 {
		return ""
	}
	return `<lxcvirt:container xmlns:lxcvirt="` + Namespace + `">` + b.String() + "\n</lxcvirt:container>"
}
