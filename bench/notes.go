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

// findRowPrefix is findRow by the start of the row's name.
func (b *bench) findRowPrefix(section int, prefix string) *report.Row {
	s, ok := b.sections[section]
	if !ok {
		return nil
	}
	for _, r := range s.Rows {
		if strings.HasPrefix(r.Name, prefix) && r.Value != nil {
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
		b.findRow(1, "domain create vs lxc-start -d (connected Go client)", 0)
	if vStart != nil && vVersion != nil && create != nil {
		out = append(out, fmt.Sprintf("Where `virsh start` goes (medians): %s ms in all; `virsh version` (process start, library load, connect, open, two calls, close) alone takes %s ms, and the create call on a connected client %s ms.",
			report.Num(vStart.Value.Summary.Median), report.Num(vVersion.Value.Summary.Median), report.Num(create.Value.Summary.Median)))
	}
	out = append(out, singleBinaryNote)
	if m := b.lxMem; m.daemon.PSS > 0 && m.children.PSS > 0 {
		out = append(out, fmt.Sprintf("In this run (last reading with N defined) the daemon's mapped files (binary text and data) come to %s MiB of PSS and the plugin's to %s MiB; "+
			"one shared binary would count its text once, which bounds what that design could save.",
			report.Num(mib(m.daemon.PSSFile)), report.Num(mib(m.children.PSSFile))))
	}
	if busy := b.loadPeak; busy > float64(b.res.Machine.CPUs) {
		out = append(out, fmt.Sprintf("Other work kept the machine busy during the run (load average up to %.1f on %d CPUs; each section gives its own range): "+
			"every figure is inflated and noisier than on an idle host; the paired ratios suffer less, and the intervals show how much.", busy, b.res.Machine.CPUs))
	}
	var missed, unmeasured []string
	for _, id := range sectionOrder {
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
				label = fmt.Sprintf("%s at %s", r.Name, r.Size())
			}
			switch {
			case r.Met == nil:
				unmeasured = append(unmeasured, label)
			case *r.Met: // the targets table shows it
			default:
				line := fmt.Sprintf("%s (%s, target %s)", label, figure(r), r.Target)
				if why := b.dominates(r); why != "" {
					r.Dominates = why
					line += " — what dominates: " + why
				}
				missed = append(missed, line)
			}
		}
	}
	for _, m := range missed {
		out = append(out, "Target not met: "+m+".")
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

// singleBinaryNote records a measurement made before this harness measured
// PSS, and why its result was not adopted.
const singleBinaryNote = "One binary serving as both daemon and plugin (the daemon's binary, hard-linked under the plugin's name, running the plugin's main when so named) " +
	"was measured by hand on 2026-12-03 with this harness (quick mode, 100 defined, busy 2-CPU machine): the pair's PSS fell from 40.0 to 28.5 MiB (−29%; " +
	"each process's mapped-file PSS from about 14 to about 8 MiB, as the two share one binary's text pages), still 1.97× libvirtd's 14.5 MiB. " +
	"It was not adopted: the daemon's binary would link the driver and lxc/, the code that runs LXC, which the architecture rule " +
	"\"the daemon links no code that runs LXC\" forbids. The PSS rows are for the two separate binaries."

// figure is a row's judged figure with its interval, for the notes.
func figure(r *report.Row) string {
	iv := r.RatioCI
	if r.Target.Absolute {
		iv = r.Figure
	}
	if iv == nil {
		return "no interval"
	}
	unit := "×"
	if r.Target.Absolute {
		unit = " " + r.Unit
	}
	return fmt.Sprintf("%s%s, 95%% CI %s–%s", report.Num(iv.Estimate), unit, report.Num(iv.Lo), report.Num(iv.Hi))
}

// dominates says, from this run's own rows, where the time or memory of a
// missed target goes.
func (b *bench) dominates(r *report.Row) string {
	delta := func() string {
		if r.Value == nil || r.Baseline == nil {
			return ""
		}
		return fmt.Sprintf("%s %s over the baseline's median", report.Num(r.Value.Summary.Median-r.Baseline.Summary.Median), r.Unit)
	}
	name := r.Name
	iv := r.RatioCI
	if r.Target.Absolute {
		iv = r.Figure
	}
	if iv != nil && r.Target.Met(stats.Interval{Estimate: iv.Estimate, Lo: iv.Estimate, Hi: iv.Estimate}) {
		return "the estimate is on the target's side but the interval reaches across it: the spread of this run's samples, not a measured excess (more runs or a quieter machine would decide)"
	}
	switch {
	case strings.HasPrefix(name, "domain create"):
		g := b.findRow(1, "raw: lxc-start -d on lxcvirtd's generated config", 0)
		same := b.findRow(1, "domain create vs lxc-start -d on the config lxcvirtd generated", 0)
		if g != nil && same != nil && same.RatioCI != nil && r.Baseline != nil {
			return fmt.Sprintf("%s; lxc-start -d itself takes %s ms on the config lxcvirtd generates against %s ms on the plain one (the config's extras: "+
				"lxcfs bind mounts, seccomp profile, device rules, loopback interface), and against lxc-start on that same config the create call's ratio is %.2f× (95%% CI %.2f–%.2f): the daemon path's own share",
				delta(), report.Num(g.Value.Summary.Median), report.Num(r.Baseline.Summary.Median), *same.Ratio, same.RatioCI.Lo, same.RatioCI.Hi)
		}
		fallthrough
	case strings.HasPrefix(name, "domain destroy"), strings.HasPrefix(name, "domain shutdown"):
		return delta() + ": lxcvirtd runs the same lxc-* work through the plugin, so the difference is the two hops (client → daemon → plugin over gRPC), " +
			"the config written before a start and the state checks around the call"
	case strings.HasPrefix(name, "server CPU per get-state"):
		return "every call crosses two processes (daemon, then the plugin over gRPC): two decodes, two encodes and the scheduler's wake-ups in each"
	case strings.HasPrefix(name, "Go client: list all + state"):
		if rtt := b.findRow(2, "Go client: one get-state round trip (mean of 100)", r.Domains); rtt != nil {
			return fmt.Sprintf("one round trip per domain: %s µs each (next rows) × %d domains; the list call itself is small", report.Num(rtt.Value.Summary.Median), r.Domains)
		}
		return "one round trip per domain"
	case strings.HasPrefix(name, "virsh list --all"):
		if v := b.findRow(1, "virsh version (whole process)", 0); v != nil {
			return fmt.Sprintf("virsh's own process (virsh version takes %s ms) and its one call per domain for the state", report.Num(v.Value.Summary.Median))
		}
		return "virsh's own process and its one call per domain"
	case strings.HasPrefix(name, "PSS with N defined"):
		m := b.lxMem
		t := m.total()
		if t.PSS == 0 {
			return "two Go processes, each with its runtime, heap and its own binary's text"
		}
		return fmt.Sprintf("two Go processes that share almost nothing (PSS ≈ USS): of the pair's %s MiB (last reading) the daemon holds %s and the plugin %s; "+
			"%s MiB are mapped files (each binary's own text and data, which one shared binary would halve, see the single-binary note) and %s MiB anonymous (Go heaps, stacks, runtime)",
			report.Num(mib(t.PSS)), report.Num(mib(m.daemon.PSS)), report.Num(mib(m.children.PSS)), report.Num(mib(t.PSSFile)), report.Num(mib(t.PSS-t.PSSFile)))
	case strings.HasPrefix(name, "lxcvirt's memory growth"):
		return "the per-container state the daemon and plugin keep (records, watchers, goroutines, console relays) and Go's heap, which grows in steps (section 7 lists LXC's own monitor per container for comparison)"
	case strings.HasPrefix(name, "start rate"):
		if g := b.findRowPrefix(7, "start rate through 8 connections vs lxc-start on the config lxcvirtd generated, every step"); g != nil && g.Baseline != nil && r.Baseline != nil && g.Ratio != nil {
			return fmt.Sprintf("lxc-start -d itself starts %s containers/s on the config lxcvirtd generates against %s on the plain one (the config's extras: lxcfs bind mounts, seccomp profile, device rules, loopback interface); "+
				"against the generated config lxcvirtd's rate is %.2f× (section 7), the daemon path's own share",
				report.Num(g.Baseline.Summary.Median), report.Num(r.Baseline.Summary.Median), *g.Ratio)
		}
		return "the starts themselves (LXC's fork, cgroups, veth on the bridge) share the CPUs with the daemon's and plugin's work per start"
	case strings.HasPrefix(name, "lifecycle event latency"):
		return "the time from init's death to the plugin's notice (reaping through LXC's monitor), then the hop to the daemon and the write to the client"
	case strings.HasPrefix(name, "re-adoption"):
		if c, n := b.scaleReadoptCost, b.scaleRunningTop; n > 0 && c.pluginCPU > 0 {
			return fmt.Sprintf("the new plugin's look at every running container: %s (%.1f forks and %s ms of the plugin's CPU per container)",
				c, float64(c.forks)/float64(n), report.Num(ms(c.pluginCPU)/float64(n)))
		}
		return "the new daemon's and plugin's start and the plugin's look at every container that runs"
	case strings.HasPrefix(name, "GetAllDomainStats"):
		if c, n := b.scaleStatsCost, b.scaleRunningTop; n > 0 && c.pluginCPU > 0 {
			return fmt.Sprintf("the plugin's own work per container: %s per call (%s µs of the plugin's CPU per running container)",
				c, report.Num(1000*ms(c.pluginCPU)/float64(n)))
		}
		return "the per-container reads behind each record"
	}
	return ""
}
