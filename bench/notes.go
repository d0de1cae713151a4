package main

import (
	"fmt"
	"strings"

	"github.com/lxcvirt/lxcvirt/bench/internal/report"
	"github.com/lxcvirt/lxcvirt/bench/internal/stats"
)

// findRow returns the first measured row of a section with that name
// (and domain count, 0 for any).
func (b *bench) findRow(section int, name string, domains int) *report.Row {
	s, ok := b.sections[section]
	if !ok {
		return nil
	}
	for _, r := range s.Rows {
		if r.Name == name && (domains == 0 || r.Domains == domains) && r.Value != nil {
			return r
		}
	}
	return nil
}

// notes states facts of this run that the tables alone do not show: how
// the baseline daemon ran, where a virsh command's time goes, which
// targets were missed and which costs grow faster than linearly.
func (b *bench) notes() []string {
	var out []string
	if b.lv.ok() {
		out = append(out, "libvirtd is Debian's /usr/sbin/libvirtd with only its LXC connection driver loaded, in a private mount namespace "+
			"(private socket, /etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt); "+
			"a stock libvirtd also loads its QEMU, network, storage and other drivers and is larger than the baseline used here.")
	} else {
		out = append(out, "No libvirtd baseline: "+b.lv.err.Error())
	}
	switch {
	case !b.lx.ok():
		out = append(out, "lxcvirtd was not measured: "+b.lx.err.Error())
	case len(b.lxChildren) > 0:
		out = append(out, fmt.Sprintf("lxcvirtd ran its driver in a child process (%s); the memory and server-CPU rows count it with the daemon.",
			strings.Join(b.lxChildren, ", ")))
	default:
		out = append(out, "lxcvirtd ran its driver inside the daemon process (no plugin child was found).")
	}
	vStart, vVersion, create := b.findRow(1, "virsh start (whole process)", 0), b.findRow(1, "virsh version (whole process)", 0),
		b.findRow(1, "domain create (connected Go client)", 0)
	if vStart != nil && vVersion != nil && create != nil {
		out = append(out, fmt.Sprintf("Where `virsh start` goes (medians): %s ms in all; `virsh version` (process start, library load, connect, open, two calls, close) alone takes %s ms, and the create call on a connected client %s ms.",
			report.Num(vStart.Value.Summary.Median), report.Num(vVersion.Value.Summary.Median), report.Num(create.Value.Summary.Median)))
	}
	if busy := b.loadPeak; busy > float64(b.res.Machine.CPUs) {
		out = append(out, fmt.Sprintf("Other work kept the machine busy during the run (load average up to %.1f on %d CPUs, see Machine): "+
			"every figure is inflated and noisier than on an idle host; the ratios, measured interleaved, suffer less.", busy, b.res.Machine.CPUs))
	}
	var met, missed, unmeasured []string
	for _, id := range []int{1, 2, 3, 4, 6} {
		s, ok := b.sections[id]
		if !ok {
			continue
		}
		for _, r := range s.Rows {
			if r.Target == nil {
				continue
			}
			label := r.Name
			if r.Domains > 0 {
				label = fmt.Sprintf("%s at %d domains", r.Name, r.Domains)
			}
			switch {
			case r.Met == nil:
				unmeasured = append(unmeasured, label)
			case *r.Met:
				met = append(met, fmt.Sprintf("%s (%.2f, target %s)", label, *r.Ratio, r.Target))
			default:
				missed = append(missed, fmt.Sprintf("%s (%.2f, target %s)", label, *r.Ratio, r.Target))
			}
		}
	}
	if len(met) > 0 {
		out = append(out, "Targets met: "+strings.Join(met, "; ")+".")
	}
	if len(missed) > 0 {
		out = append(out, "Targets not met: "+strings.Join(missed, "; ")+".")
	}
	if len(unmeasured) > 0 {
		out = append(out, "Targets not measured: "+strings.Join(unmeasured, "; ")+".")
	}
	var super []string
	for _, g := range b.res.Growth {
		if g.Class == stats.SuperLinear {
			super = append(super, g.Series+" on "+g.Daemon)
		}
	}
	switch {
	case len(b.res.Growth) == 0:
	case len(super) == 0:
		out = append(out, "Every measured cost grows linearly or better with the number of domains (see the growth table).")
	default:
		out = append(out, "Super-linear growth: "+strings.Join(super, "; ")+".")
	}
	return out
}
