package xmlmap

import (
	"fmt"
	"strconv"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// NetnsDir is where `ip netns` keeps named network namespaces, the ones
// <lxc:sharenet type='netns'> names (libvirt-lxc's RUNSTATEDIR/netns).
const NetnsDir = "/run/netns"

// sharedNS is one <lxc:namespace> child: the kind of namespace and the
// element naming it.
type sharedNS struct {
	kind string // LXC's and /proc's name: net, ipc, uts
	elem string
	m    *libvirtxml.DomainLXCNamespaceMap
}

// sharedNamespaces lists the <lxc:namespace> children that are set.
func (mp *mapper) sharedNamespaces() []sharedNS {
	ns := mp.d.LXCNamespace
	if ns == nil {
		return nil
	}
	var out []sharedNS
	for _, s := range []sharedNS{{"net", "sharenet", ns.ShareNet}, {"ipc", "shareipc", ns.ShareIPC}, {"uts", "shareuts", ns.ShareUTS}} {
		if s.m != nil {
			out = append(out, s)
		}
	}
	return out
}

// namespaces maps libvirt-lxc's <lxc:namespace> (sharenet, shareipc,
// shareuts) to lxc.namespace.share.KIND = the namespace file: type='pid'
// a host process's (/proc/PID/ns/KIND), type='netns' a named network
// namespace (NetnsDir/NAME, sharenet only), type='name' another domain's
// init's, resolved by Options.DomainInit at a start. LXC joins the
// namespace instead of making one; a container that joins a network
// namespace has no interfaces of its own, as libvirt-lxc refuses them.
func (mp *mapper) namespaces() error {
	for _, s := range mp.sharedNamespaces() {
		var path string
		switch s.m.Type {
		case "pid":
			pid, err := strconv.Atoi(s.m.Value)
			if err != nil || pid <= 0 {
				return xmlErr("<lxc:%s type='pid'> value %q is not a process ID", s.elem, s.m.Value)
			}
			path = fmt.Sprintf("/proc/%d/ns/%s", pid, s.kind)
		case "netns":
			if s.kind != "net" {
				return unsupported("'netns' namespace source can only be used with sharenet")
			}
			if p := nameProblem(s.m.Value); p != "" {
				return xmlErr("<lxc:%s type='netns'> value %q %s", s.elem, s.m.Value, p)
			}
			path = NetnsDir + "/" + s.m.Value
		case "name":
			if p := nameProblem(s.m.Value); p != "" {
				return xmlErr("<lxc:%s type='name'> value %q %s", s.elem, s.m.Value, p)
			}
			if mp.opts.DomainInit == nil {
				continue // a definition: resolved at each start
			}
			pid, err := mp.opts.DomainInit(s.m.Value)
			if err != nil {
				return err
			}
			path = fmt.Sprintf("/proc/%d/ns/%s", pid, s.kind)
		case "":
			return virterror.New(libvirt.ErrInternalError, "No lxc environment type specified")
		default:
			return virterror.New(libvirt.ErrInternalError, "Unknown LXC namespace source '%s'", s.m.Type)
		}
		mp.add("lxc.namespace.share."+s.kind, path)
	}
	return nil
}

// sharesNet reports whether the container joins another network namespace.
func (mp *mapper) sharesNet() bool {
	return mp.d.LXCNamespace != nil && mp.d.LXCNamespace.ShareNet != nil
}
