package xmlmap

import (
	"fmt"
	"reflect"
	"slices"

	"libvirt.org/go/libvirtxml"
)

// Elements libvirt's LXC driver accepts and ignores are accepted here too:
// they stay in the domain XML, nothing reaches the config, and Mapped.Ignored
// names them so the driver can log them. Each is listed explicitly (never
// "whatever is left"), so refuseOthers still refuses what is not classified.

// ignore records an accepted element that has no effect on the container.
func (mp *mapper) ignore(format string, args ...any) {
	what := fmt.Sprintf(format, args...)
	if !slices.Contains(mp.out.Ignored, what) {
		mp.out.Ignored = append(mp.out.Ignored, what)
	}
}

// ignoreFields records each of the named fields of struct v that is set,
// as "<where><element>".
func (mp *mapper) ignoreFields(where string, v any, fields ...string) {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if !rv.IsValid() {
		return
	}
	for _, name := range fields {
		f, ok := rv.Type().FieldByName(name)
		if !ok || rv.FieldByName(name).IsZero() {
			continue
		}
		el, _ := xmlName(f)
		mp.ignore("<%s><%s>", where, el)
	}
}

// perfEvents are the <perf><event name=…> values libvirt's schema knows
// (virPerfEvent); libvirt refuses any other name.
var perfEvents = []string{
	"cmt", "mbmt", "mbml", "cpu_cycles", "instructions", "cache_references",
	"cache_misses", "branch_instructions", "branch_misses", "bus_cycles",
	"stalled_cycles_frontend", "stalled_cycles_backend", "ref_cpu_cycles",
	"cpu_clock", "task_clock", "page_faults", "context_switches",
	"cpu_migrations", "page_faults_min", "page_faults_maj",
	"alignment_faults", "emulation_faults",
}

// ignored handles the domain-level elements libvirt-lxc accepts and
// ignores: <iothreads> (no I/O threads in a container), <memoryBacking>
// (libvirt-lxc neither backs nor locks container memory), <perf> (perf
// events are a QEMU driver feature) and <cpu> (see guestCPU), validated as
// libvirt's parser does.
func (mp *mapper) ignored() error {
	d := mp.d
	if err := mp.guestCPU(); err != nil {
		return err
	}
	mp.ignoreFields("domain", d, "IOThreads", "MemoryBacking")
	if p := d.Perf; p != nil {
		for _, e := range p.Events {
			if !slices.Contains(perfEvents, e.Name) {
				return xmlErr("<perf><event name=%q>: unknown perf event", e.Name)
			}
			if e.Enabled != "yes" && e.Enabled != "no" {
				return xmlErr("<perf><event name='%s' enabled=%q>: expected 'yes' or 'no'", e.Name, e.Enabled)
			}
		}
		if len(p.Events) > 0 {
			mp.ignore("<perf>")
		}
	}
	devs, err := mp.devices()
	if err != nil {
		return err
	}
	for _, c := range devs.Controllers {
		mp.ignoreController(c)
	}
	return nil
}

// ignoreController records a <controller>: a container has no buses, and
// libvirt-lxc ignores every controller (Nova writes <controller type='usb'
// model='none'/> for every guest).
func (mp *mapper) ignoreController(c libvirtxml.DomainController) {
	if c.Model != "" {
		mp.ignore("<controller type='%s' model='%s'>", c.Type, c.Model)
		return
	}
	mp.ignore("<controller type='%s'>", c.Type)
}

// cputuneIgnored refuses unknown <cputune> children and records those
// libvirt-lxc ignores. It applies only shares, period and quota (to the
// container's cgroup) and confines the whole container through <vcpu
// cpuset>: a container has no vCPU, emulator or I/O threads to pin or
// schedule, so those elements are validated as libvirt's parser does and
// otherwise have no effect.
func (mp *mapper) cputuneIgnored(ct *libvirtxml.DomainCPUTune) error {
	ignored := []string{
		"GlobalPeriod", "GlobalQuota", "EmulatorPeriod", "EmulatorQuota",
		"IOThreadPeriod", "IOThreadQuota", "VCPUPin", "EmulatorPin",
		"IOThreadPin", "VCPUSched", "EmulatorSched", "IOThreadSched",
		"CacheTune", "MemoryTune",
	}
	if err := refuseOthers("cputune", ct, append([]string{"Shares", "Period", "Quota"}, ignored...)...); err != nil {
		return err
	}
	for i := range ct.VCPUPin {
		p := &ct.VCPUPin[i]
		if p.VCPU >= mp.out.VCPUs {
			return xmlErr("<cputune><vcpupin vcpu='%d'>: the domain has %d vCPUs", p.VCPU, mp.out.VCPUs)
		}
		set, err := canonicalSet("<cputune><vcpupin cpuset>", p.CPUSet)
		if err != nil {
			return err
		}
		p.CPUSet = set
	}
	if p := ct.EmulatorPin; p != nil {
		set, err := canonicalSet("<cputune><emulatorpin cpuset>", p.CPUSet)
		if err != nil {
			return err
		}
		p.CPUSet = set
	}
	for i := range ct.IOThreadPin {
		p := &ct.IOThreadPin[i]
		set, err := canonicalSet("<cputune><iothreadpin cpuset>", p.CPUSet)
		if err != nil {
			return err
		}
		p.CPUSet = set
	}
	mp.ignoreFields("cputune", ct, ignored...)
	return nil
}
