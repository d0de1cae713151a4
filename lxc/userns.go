package lxc

import (
	"errors"
	"fmt"

	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// An unprivileged runtime's containers own their files through the user's
// subordinate ids, which the user cannot give a file nor always read or
// delete. So the snapshot copies of their root filesystems are made,
// restored and removed by root of a user namespace that maps those ids
// and the user's own, as LXC's unprivileged lxc-copy does: through
// lxc-usernsexec, which maps them with newuidmap and newgidmap within what
// /etc/subuid and /etc/subgid grant, and runs the command as root there.

// userNSExec is the argv prefix (up to and including "--") that runs a
// command with lxc-usernsexec (bin) as root of a user namespace mapping
// the subordinate ids of ns from 0 in order — the <idmap> a session
// container without one gets, and which any container's lies within —
// and the user's own uid and gid after them, so that the user's
// directories (the lxcpath) stay reachable there, and files they own keep
// their owner.
func userNSExec(bin string, ns *xmlmap.UserNS, uid, gid int) ([]string, error) {
	if ns == nil || len(ns.UIDs) == 0 || len(ns.GIDs) == 0 {
		return nil, errors.New("no subordinate uids and gids to map")
	}
	argv := []string{bin}
	im := ns.IDMap()
	for _, m := range []struct {
		kind   string
		ranges []libvirtxml.DomainIDMapRange
		own    int
	}{{"u", im.UIDs, uid}, {"g", im.GIDs, gid}} {
		next, ownMapped := uint64(0), false
		for _, r := range m.ranges {
			argv = append(argv, "-m", fmt.Sprintf("%s:%d:%d:%d", m.kind, r.Start, r.Target, r.Count))
			next = uint64(r.Start) + uint64(r.Count)
			ownMapped = ownMapped || m.own >= int(r.Target) && uint64(m.own) < uint64(r.Target)+uint64(r.Count)
		}
		if !ownMapped {
			if next >= 1<<32-1 {
				return nil, fmt.Errorf("no %sid left in the user namespace to map the user's own onto", m.kind)
			}
			argv = append(argv, "-m", fmt.Sprintf("%s:%d:%d:1", m.kind, next, m.own))
		}
	}
	return append(argv, "--"), nil
}
