package driver

import (
	"reflect"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
)

// domain reads d's live (or, with inactive, persistent) XML.
func (e *env) domain(d driverapi.Domain, inactive bool) *libvirtxml.Domain {
	e.t.Helper()
	var flags uint32
	if inactive {
		flags = driverapi.XMLInactive
	}
	text, err := e.l.XMLDesc(e.t.Context(), d.UUID, flags)
	must(e.t, err)
	var dom libvirtxml.Domain
	must(e.t, dom.Unmarshal(text))
	return &dom
}

func (e *env) tunable(name string, t lxc.Tunable) int64 {
	e.rt.mu.Lock()
	defer e.rt.mu.Unlock()
	return e.rt.tunables[name][t]
}

// setmem writes the memory cgroup and the live <currentMemory>; --config
// only the definition; setmaxmem refuses a running domain's live
// definition, as libvirt-lxc does.
func TestSetMemory(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("mem", uuidA)

	wantCode(t, e.l.SetMemory(ctx, d.UUID, 1000, affectLive), libvirt.ErrOperationInvalid, "not running")
	must(t, e.l.SetMemory(ctx, d.UUID, 400000, 0)) // current = config while shut off
	if got := e.domain(d, true).CurrentMemory.Value; got != 400000 {
		t.Fatalf("inactive currentMemory = %d", got)
	}
	d = e.start(d)
	wantCode(t, e.l.SetMemory(ctx, d.UUID, 600000, affectLive), libvirt.ErrInvalidArg, "higher than max memory")
	must(t, e.l.SetMemory(ctx, d.UUID, 300000, affectLive))
	if got := e.tunable("mem", lxc.MemoryHardLimit); got != 300000*1024 {
		t.Fatalf("memory limit = %d", got)
	}
	if got := e.domain(d, false).CurrentMemory.Value; got != 300000 {
		t.Fatalf("live currentMemory = %d", got)
	}
	if got := e.domain(d, true).CurrentMemory.Value; got != 400000 {
		t.Fatalf("inactive currentMemory changed to %d", got)
	}
	wantCode(t, e.l.SetMemory(ctx, d.UUID, 800000, driverapi.MemMaximum), libvirt.ErrOperationInvalid, "Cannot resize the max memory on an active domain")
	must(t, e.l.SetMemory(ctx, d.UUID, 200000, driverapi.MemMaximum|affectConfig))
	inactive := e.domain(d, true)
	if inactive.Memory.Value != 200000 || inactive.CurrentMemory.Value != 200000 {
		t.Fatalf("inactive memory = %d/%d", inactive.Memory.Value, inactive.CurrentMemory.Value)
	}
	if got := e.domain(d, false).Memory.Value; got != 500000 {
		t.Fatalf("live memory changed to %d", got)
	}
}

// memtune reads the cgroup live and the definition otherwise; a change
// checks hard_limit against swap_hard_limit and lands in the cgroup and
// the live XML, or the definition.
func TestMemoryParameters(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("mt", uuidA))
	got, err := e.l.Parameters(ctx, d.UUID, driverapi.ParamsMemory, 0)
	must(t, err)
	want := []driverapi.Param{ullong("hard_limit", memUnlimitedKiB), ullong("soft_limit", memUnlimitedKiB), ullong("swap_hard_limit", memUnlimitedKiB)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("params = %+v", got)
	}
	set := []driverapi.Param{ullong("hard_limit", 200000), ullong("soft_limit", 100000), ullong("swap_hard_limit", 300000)}
	must(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsMemory, set, affectLive|affectConfig))
	if e.tunable("mt", lxc.MemoryHardLimit) != 200000*1024 || e.tunable("mt", lxc.MemorySwapHardLimit) != 300000*1024 || e.tunable("mt", lxc.MemorySoftLimit) != 100000*1024 {
		t.Fatalf("cgroup = %v", e.rt.tunables["mt"])
	}
	for _, inactive := range []bool{false, true} {
		mt := e.domain(d, inactive).MemoryTune
		if mt == nil || mt.HardLimit.Value != 200000 || mt.SoftLimit.Value != 100000 || mt.SwapHardLimit.Value != 300000 {
			t.Fatalf("inactive=%v memtune = %+v", inactive, mt)
		}
	}
	got, err = e.l.Parameters(ctx, d.UUID, driverapi.ParamsMemory, affectConfig)
	must(t, err)
	if got[0].Uint != 200000 {
		t.Fatalf("config params = %+v", got)
	}
	wantCode(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsMemory, []driverapi.Param{ullong("hard_limit", 400000)}, 0),
		libvirt.ErrInvalidArg, "must be lower than or equal to swap_hard_limit")
	wantCode(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsMemory, []driverapi.Param{llong("hard_limit", 1)}, 0),
		libvirt.ErrInvalidArg, "invalid type 'llong' for parameter 'hard_limit', expected 'ullong'")
	wantCode(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsMemory, []driverapi.Param{ullong("min_guarantee", 1)}, 0),
		libvirt.ErrArgumentUnsupported, "parameter 'min_guarantee' not supported")
	_, err = e.l.Parameters(ctx, d.UUID, driverapi.ParamsMemory, affectLive|affectConfig)
	wantCode(t, err, libvirt.ErrInvalidArg, "mutually exclusive")
	// Unlimited removes the element.
	must(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsMemory, []driverapi.Param{ullong("soft_limit", memUnlimitedKiB)}, affectConfig))
	if mt := e.domain(d, true).MemoryTune; mt.SoftLimit != nil {
		t.Fatalf("soft_limit kept: %+v", mt.SoftLimit)
	}
}

// schedinfo: shares, period and quota live (cgroup, live XML and a
// tunable event) and in the definition; a period of 0 leaves the running
// value.
func TestSchedulerParameters(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("cpu", uuidA)
	got, err := e.l.Parameters(ctx, d.UUID, driverapi.ParamsScheduler, 0)
	must(t, err)
	if want := []driverapi.Param{ullong("cpu_shares", 0), ullong("vcpu_period", 0), llong("vcpu_quota", 0)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("inactive params = %+v", got)
	}
	d = e.start(d)
	evs, err := e.l.Events(ctx)
	must(t, err)
	set := []driverapi.Param{ullong("cpu_shares", 512), ullong("vcpu_period", 0), llong("vcpu_quota", 50000)}
	must(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsScheduler, set, 0))
	if e.tunable("cpu", lxc.CPUShares) != 512 || e.tunable("cpu", lxc.CPUQuota) != 50000 {
		t.Fatalf("cgroup = %v", e.rt.tunables["cpu"])
	}
	if _, ok := e.rt.tunables["cpu"][lxc.CPUPeriod]; ok {
		t.Fatal("a period of 0 was written")
	}
	got, err = e.l.Parameters(ctx, d.UUID, driverapi.ParamsScheduler, 0)
	must(t, err)
	if want := []driverapi.Param{ullong("cpu_shares", 512), ullong("vcpu_period", 100000), llong("vcpu_quota", 50000)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("live params = %+v", got)
	}
	if ct := e.domain(d, false).CPUTune; ct == nil || ct.Shares.Value != 512 || ct.Quota.Value != 50000 || ct.Period != nil {
		t.Fatalf("live cputune = %+v", ct)
	}
	if ct := e.domain(d, true).CPUTune; ct != nil {
		t.Fatalf("definition changed: %+v", ct)
	}
	ev := nextEvent(t, evs)
	if ev.Kind != driverapi.EventTunable || ev.Tunable == nil || len(ev.Tunable.Params) != 3 || ev.Tunable.Params[0].Field != "cputune.cpu_shares" || ev.Tunable.Params[0].Uint != 512 {
		t.Fatalf("event = %+v", ev)
	}
	wantCode(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsScheduler, []driverapi.Param{ullong("vcpu_period", 10)}, 0),
		libvirt.ErrInvalidArg, "cfs_period '10' must be in range")
	must(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsScheduler, []driverapi.Param{ullong("cpu_shares", 2048)}, affectConfig))
	if ct := e.domain(d, true).CPUTune; ct == nil || ct.Shares.Value != 2048 {
		t.Fatalf("config cputune = %+v", ct)
	}
}

// blkiotune: device limits by path are resolved to the device number for
// the cgroup and kept by path in the definitions; the weight goes to the
// cgroup.
func TestBlkioParameters(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("blk", uuidA))
	set := []driverapi.Param{
		{Field: "weight", Type: libvirt.TypedParamUint, Uint: 300},
		{Field: "device_read_bytes_sec", Type: libvirt.TypedParamString, Str: "/dev/vdb,1048576"},
	}
	must(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsBlkio, set, affectLive|affectConfig))
	if e.tunable("blk", lxc.BlkioWeight) != 300 {
		t.Fatalf("weight = %d", e.tunable("blk", lxc.BlkioWeight))
	}
	if v := e.rt.devLimits["blk"]["1 254:1"]; v != 1048576 {
		t.Fatalf("device limits = %v", e.rt.devLimits["blk"])
	}
	for _, inactive := range []bool{false, true} {
		b := e.domain(d, inactive).BlockIOTune
		if b == nil || b.Weight != 300 || len(b.Device) != 1 || b.Device[0].Path != "/dev/vdb" || b.Device[0].ReadBytesSec != 1048576 {
			t.Fatalf("inactive=%v blkiotune = %+v", inactive, b)
		}
	}
	got, err := e.l.Parameters(ctx, d.UUID, driverapi.ParamsBlkio, 0)
	must(t, err)
	if len(got) != 6 || got[0].Uint != 300 || got[4].Field != "device_read_bytes_sec" || got[4].Str != "/dev/vdb,1048576" {
		t.Fatalf("params = %+v", got)
	}
	wantCode(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsBlkio,
		[]driverapi.Param{{Field: "device_read_bytes_sec", Type: libvirt.TypedParamString, Str: "/dev/vdb"}}, 0),
		libvirt.ErrInvalidArg, "unable to parse blkio device")
	wantCode(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsBlkio,
		[]driverapi.Param{{Field: "device_read_bytes_sec", Type: libvirt.TypedParamString, Str: "/dev/nope,1"}}, 0),
		libvirt.ErrConfigUnsupported, "/dev/nope")
	wantCode(t, e.l.SetParameters(ctx, d.UUID, driverapi.ParamsBlkio,
		[]driverapi.Param{{Field: "device_weight", Type: libvirt.TypedParamString, Str: "/dev/vdb,500"}}, 0),
		libvirt.ErrConfigUnsupported, "valid only for cfq scheduler")
}

// domblkstat: the container's totals for "", no disk by any other path;
// send-process-signal: init alone.
func TestBlockStatsAndSignal(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("sig", uuidA)
	_, err := e.l.BlockStats(ctx, d.UUID, "")
	wantCode(t, err, libvirt.ErrOperationInvalid, "not running")
	wantCode(t, e.l.SendProcessSignal(ctx, d.UUID, 1, 15, 0), libvirt.ErrOperationInvalid, "not running")
	d = e.start(d)
	st, err := e.l.BlockStats(ctx, d.UUID, "")
	must(t, err)
	if st != (driverapi.BlockStats{RdReq: 1, RdBytes: 4096, WrReq: 2, WrBytes: 8192}) {
		t.Fatalf("stats = %+v", st)
	}
	_, err = e.l.BlockStats(ctx, d.UUID, "vda")
	wantCode(t, err, libvirt.ErrInvalidArg, "invalid path: vda")
	wantCode(t, e.l.SendProcessSignal(ctx, d.UUID, 2, 15, 0), libvirt.ErrSystemError, "No such process")
	wantCode(t, e.l.SendProcessSignal(ctx, d.UUID, -1, 15, 0), libvirt.ErrArgumentUnsupported, "not PID -1")
	wantCode(t, e.l.SendProcessSignal(ctx, d.UUID, 1, 65, 0), libvirt.ErrInvalidArg, "out of range")
	must(t, e.l.SendProcessSignal(ctx, d.UUID, 1, 10, 0))
	must(t, e.l.SendProcessSignal(ctx, d.UUID, 7, 0, 0))
	if got := e.rt.signals["sig"]; !reflect.DeepEqual(got, []string{"1 10", "7 0"}) {
		t.Fatalf("signals = %v", got)
	}
}

// A weight on a host without a blkio weight file is refused at define,
// naming the element.
func TestBlkioWeightRefusedWithoutScheduler(t *testing.T) {
	e := newEnv(t, func(e *env) { e.rt.noWeight = true })
	_, err := e.l.DefineXML(t.Context(), domXML("w", uuidA, "<blkiotune><weight>500</weight></blkiotune>"), 0)
	wantCode(t, err, libvirt.ErrConfigUnsupported, "<blkiotune><weight>")
	if !strings.Contains(err.Error(), "bfq or cfq") {
		t.Fatal(err)
	}
}

// A device path is resolved at start, as libvirt-lxc resolves it: a
// definition naming a missing device is kept, its start refused.
func TestBlkioDevicePathResolvedAtStart(t *testing.T) {
	e := newEnv(t)
	d := e.define("dev", uuidA, "<blkiotune><device><path>/dev/nope</path><read_bytes_sec>1</read_bytes_sec></device></blkiotune>")
	_, err := e.l.Create(t.Context(), d.UUID, 0)
	wantCode(t, err, libvirt.ErrConfigUnsupported, `<blkiotune><device><path> "/dev/nope"`)
	e.define("dev", uuidA, "<blkiotune><device><path>/dev/vdc</path><read_bytes_sec>1</read_bytes_sec></device></blkiotune>")
	e.start(d)
	e.rt.mu.Lock()
	cfg := e.rt.configs["dev"]
	e.rt.mu.Unlock()
	if !strings.Contains(cfg, "lxc.cgroup2.io.max = 254:2 rbps=1") {
		t.Fatalf("config:\n%s", cfg)
	}
}

// A definition kept from before is loaded on a host without a blkio
// weight; its start is refused.
func TestBlkioWeightDefinitionKeptOnLoad(t *testing.T) {
	e := newEnv(t)
	d := e.define("w", uuidA, "<blkiotune><weight>500</weight></blkiotune>")
	must(t, e.l.Close())
	e.rt.mu.Lock()
	e.rt.noWeight = true
	e.rt.mu.Unlock()
	l := e.open()
	list, err := l.ListAll(t.Context(), 0)
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("ListAll = %+v", list)
	}
	_, err = l.Create(t.Context(), d.UUID, 0)
	wantCode(t, err, libvirt.ErrConfigUnsupported, "<blkiotune><weight>")
}
