package xmlmap

import (
	"encoding/xml"
	"io"
	"strings"
)

// Namespace is lxcvirt's own XML namespace for what libvirt's domain XML
// cannot say. Its element lives in <metadata>, where libvirt clients keep
// it whole across dumpxml and define (and virsh metadata --uri reads and
// edits it):
//
//	<metadata>
//	  <lxcvirt:container xmlns:lxcvirt="urn:lxcvirt:1">
//	    <lxcvirt:nesting/>
//	  </lxcvirt:container>
//	</metadata>
//
// <nesting/> opts the container into running LXC containers inside it, as
// LXC's nesting.conf enables it: /proc and /sys are mounted again, whole,
// under /dev/.lxc, where the inner LXC finds them (AppArmor's generated
// profile already allows nesting).
const Namespace = "urn:lxcvirt:1"

// nestingMounts are nesting.conf's mounts.
var nestingMounts = []string{
	"proc dev/.lxc/proc proc create=dir,optional 0 0",
	"sys dev/.lxc/sys sysfs create=dir,optional 0 0",
}

// nesting honours <lxcvirt:container><lxcvirt:nesting/> in <metadata>.
func (mp *mapper) nesting() error {
	if mp.d.Metadata == nil || !strings.Contains(mp.d.Metadata.XML, Namespace) {
		return nil
	}
	on, err := nestingOn(mp.d.Metadata.XML)
	if err != nil {
		return err
	}
	if !on {
		return nil
	}
	mp.out.Nesting = true
	for _, m := range nestingMounts {
		mp.add("lxc.mount.entry", m)
	}
	return nil
}

// nestingOn reports whether the <metadata> content holds lxcvirt's
// container element with a <nesting/> child.
func nestingOn(metadata string) (bool, error) {
	dec := xml.NewDecoder(strings.NewReader("<metadata>" + metadata + "</metadata>"))
	depth, inContainer := 0, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, xmlErr("<metadata>: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 2 && t.Name.Space == Namespace && t.Name.Local == "container":
				inContainer = true
			case depth == 3 && inContainer && t.Name.Space == Namespace && t.Name.Local == "nesting":
				return true, nil
			}
		case xml.EndElement:
			if depth == 2 {
				inContainer = false
			}
			depth--
		}
	}
}
