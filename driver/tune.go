package driver

import (
	"context"
	"errors"
	"strconv"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Live tuning, as libvirt-lxc's lxc_driver.c does it: a running domain's
// limits are written to its cgroups and its live XML follows; the
// persistent definition changes with AffectConfig. Values cross the
// contract as libvirt's typed parameters.

var _ driverapi.Tuner = (*LXC)(nil)

// memUnlimitedKiB is libvirt's VIR_DOMAIN_MEMORY_PARAM_UNLIMITED: a memory
// limit of this many KiB is no limit.
const memUnlimitedKiB = (1<<63 - 1) / 1024

// Typed parameter names (libvirt-domain.h).
const (
	paramHardLimit     = "hard_limit"
	paramSoftLimit     = "soft_limit"
	paramSwapHardLimit = "swap_hard_limit"
	paramCPUShares     = "cpu_shares"
	paramVCPUPeriod    = "vcpu_period"
	paramVCPUQuota     = "vcpu_quota"
	paramBlkioWeight   = "weight"
	paramDevWeight     = "device_weight"
	paramDevReadIops   = "device_read_iops_sec"
	paramDevWriteIops  = "device_write_iops_sec"
	paramDevReadBps    = "device_read_bytes_sec"
	paramDevWriteBps   = "device_write_bytes_sec"
)

// tuneFlags are the flags the setters take, getFlags the getters'
// (VIR_TYPED_PARAM_STRING_OKAY is trivially supported).
const (
	tuneFlags = driverapi.AffectLive | driverapi.AffectConfig
	getFlags  = tuneFlags | uint32(libvirt.TypedParamStringOkay)
)

// tuneChange is one tuning call's changes: config edits a copy of the
// persistent definition, live a copy of the running one, and apply writes
// the running container's cgroups; event lists the live changes for a
// tunable event (none when empty). A nil function is no change.
type tuneChange struct {
	config func(*libvirtxml.Domain) error
	live   func(*libvirtxml.Domain) error
	apply  func(Container) error
	event  []driverapi.Param
}

// tune makes c's changes: both definitions are edited and validated
// before anything is written, then the cgroups, then the definitions are
// kept; as libvirt does, cgroup values already written stay when a later
// one fails.
func (l *LXC) tune(d *domain, persistent *definition, live *xmlmap.Mapped, c tuneChange) error {
	var newDef *definition
	if c.config != nil {
		var err error
		if newDef, err = l.editDefinition(d, persistent, c.config); err != nil {
			return err
		}
	}
	var newLive *xmlmap.Mapped
	if c.live != nil {
		dom, err := liveCopy(d, live)
		if err != nil {
			return err
		}
		if err := c.live(dom); err != nil {
			return err
		}
		if newLive, err = l.mapLive(dom); err != nil {
			return err
		}
		ct, err := d.container()
		if err != nil {
			return err
		}
		if c.apply != nil {
			if err := c.apply(ct); err != nil {
				return err
			}
		}
		if err := l.setLive(d, newLive); err != nil {
			return err
		}
	}
	if err := l.commitDefinition(d, newDef); err != nil {
		return err
	}
	if newLive != nil && len(c.event) > 0 {
		l.events.publish(driverapi.Event{Kind: driverapi.EventTunable, Domain: d.ref(), Tunable: &driverapi.Tunables{Params: c.event}})
	}
	return nil
}

// SetMemory implements Tuner as lxcDomainSetMemoryFlags: the current
// memory is the container's memory cgroup limit while it runs; the
// maximum (MemMaximum) changes only in the persistent definition.
func (l *LXC) SetMemory(ctx context.Context, u driverapi.UUID, kib uint64, flags uint32) error {
	if err := checkFlags("lxcDomainSetMemoryFlags", flags, tuneFlags|driverapi.MemMaximum); err != nil {
		return err
	}
	if kib == 0 {
		return virterror.New(libvirt.ErrInvalidArg, "memory in virDomainSetMemoryFlags must not be zero")
	}
	if kib >= memUnlimitedKiB {
		return virterror.New(libvirt.ErrInvalidArg, "Memory '%d' must be less than %d", kib, uint64(memUnlimitedKiB))
	}
	return l.withJob(ctx, u, func(d *domain) error {
		live, persistent, affectLive, affectConfig, err := d.defsFor(flags &^ driverapi.MemMaximum)
		if err != nil {
			return err
		}
		var c tuneChange
		if flags&driverapi.MemMaximum != 0 {
			if affectLive {
				return virterror.New(libvirt.ErrOperationInvalid, "Cannot resize the max memory on an active domain")
			}
			c.config = func(dom *libvirtxml.Domain) error {
				dom.Memory = &libvirtxml.DomainMemory{Value: uint(kib), Unit: "KiB"}
				if cm := dom.CurrentMemory; cm != nil && uint64(cm.Value) > kib {
					dom.CurrentMemory = &libvirtxml.DomainCurrentMemory{Value: uint(kib), Unit: "KiB"}
				}
				return nil
			}
			return l.tune(d, persistent, live, c)
		}
		var oldMax uint64
		if affectLive {
			oldMax = live.MaxMemKiB
		}
		if affectConfig && (oldMax == 0 || oldMax > persistent.sizes.maxMemKiB) {
			oldMax = persistent.sizes.maxMemKiB
		}
		if kib > oldMax {
			return virterror.New(libvirt.ErrInvalidArg, "Cannot set memory higher than max memory")
		}
		setCur := func(dom *libvirtxml.Domain) error {
			dom.CurrentMemory = &libvirtxml.DomainCurrentMemory{Value: uint(kib), Unit: "KiB"}
			return nil
		}
		if affectLive {
			c.live = setCur
			c.apply = func(ct Container) error {
				if err := ct.SetTunable(lxc.MemoryHardLimit, int64(kib)*1024); err != nil {
					l.log.Warn("cannot set the memory limit", "domain", d.name, "err", err)
					return virterror.New(libvirt.ErrOperationFailed, "Failed to set memory for domain")
				}
				return nil
			}
		}
		if affectConfig {
			c.config = setCur
		}
		return l.tune(d, persistent, live, c)
	})
}

// Parameters implements Tuner: the running container's cgroups for the
// live memory and scheduler values and the blkio weight, as libvirt-lxc
// reads them, the definitions for the rest.
func (l *LXC) Parameters(_ context.Context, u driverapi.UUID, group driverapi.ParamGroup, flags uint32) ([]driverapi.Param, error) {
	api, err := groupAPI("lxcDomainGet", group)
	if err != nil {
		return nil, err
	}
	if err := checkFlags(api, flags, getFlags); err != nil {
		return nil, err
	}
	flags &^= uint32(libvirt.TypedParamStringOkay)
	if flags&tuneFlags == tuneFlags {
		return nil, virterror.New(libvirt.ErrInvalidArg, "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive")
	}
	d, err := l.lookup(u)
	if err != nil {
		return nil, err
	}
	live, persistent, affectLive, _, err := d.defsFor(flags)
	if err != nil {
		return nil, err
	}
	var dom *libvirtxml.Domain
	var ct Container
	if affectLive {
		if ct, err = d.container(); err != nil {
			return nil, err
		}
		dom = live.Domain
	} else {
		dom = &libvirtxml.Domain{}
		if err := dom.Unmarshal(persistent.xml); err != nil {
			return nil, internalErr("cannot read the definition of '%s': %v", d.name, err)
		}
	}
	switch group {
	case driverapi.ParamsMemory:
		return memoryParams(dom, ct)
	case driverapi.ParamsScheduler:
		return schedulerParams(dom, ct)
	default:
		return blkioParams(dom, ct)
	}
}

func groupAPI(prefix string, g driverapi.ParamGroup) (string, error) {
	switch g {
	case driverapi.ParamsMemory:
		return prefix + "MemoryParameters", nil
	case driverapi.ParamsScheduler:
		return prefix + "SchedulerParametersFlags", nil
	case driverapi.ParamsBlkio:
		return prefix + "BlkioParameters", nil
	}
	return "", virterror.New(libvirt.ErrInvalidArg, "unknown parameter group %d", g)
}

func ullong(field string, v uint64) driverapi.Param {
	return driverapi.Param{Field: field, Type: libvirt.TypedParamUllong, Uint: v}
}

func llong(field string, v int64) driverapi.Param {
	return driverapi.Param{Field: field, Type: libvirt.TypedParamLlong, Int: v}
}

// memoryParams are hard_limit, soft_limit and swap_hard_limit in KiB,
// libvirt's unlimited value for none: from the cgroup when ct is set.
func memoryParams(dom *libvirtxml.Domain, ct Container) ([]driverapi.Param, error) {
	out := make([]driverapi.Param, 0, 3)
	mt := dom.MemoryTune
	if mt == nil {
		mt = &libvirtxml.DomainMemoryTune{}
	}
	for _, p := range []struct {
		field string
		t     lxc.Tunable
		def   *libvirtxml.DomainMemoryTuneLimit
	}{
		{paramHardLimit, lxc.MemoryHardLimit, mt.HardLimit},
		{paramSoftLimit, lxc.MemorySoftLimit, mt.SoftLimit},
		{paramSwapHardLimit, lxc.MemorySwapHardLimit, mt.SwapHardLimit},
	} {
		kib := uint64(memUnlimitedKiB)
		if ct != nil {
			v, err := ct.Tunable(p.t)
			switch {
			case errors.Is(err, lxc.ErrNoController):
				return nil, virterror.New(libvirt.ErrOperationInvalid, "cgroup memory controller is not mounted")
			case errors.Is(err, lxc.ErrNoTunable):
				// No swap accounting: no swap limit either.
			case err != nil:
				return nil, internalErr("cannot read the memory cgroup: %v", err)
			case v >= 0:
				kib = min(uint64(v)/1024, memUnlimitedKiB)
			}
		} else if p.def != nil {
			kib = limitKiB(p.def)
		}
		out = append(out, ullong(p.field, kib))
	}
	return out, nil
}

// limitKiB is a <memtune> limit in KiB (definitions keep KiB).
func limitKiB(l *libvirtxml.DomainMemoryTuneLimit) uint64 {
	switch strings.ToLower(l.Unit) {
	case "b", "bytes":
		return l.Value / 1024
	case "m", "mib":
		return l.Value << 10
	case "g", "gib":
		return l.Value << 20
	}
	return l.Value
}

// schedulerParams are cpu_shares, vcpu_period and vcpu_quota, as
// libvirt-lxc reports them: 0 for what the definition leaves out; live,
// the cgroup's values (shares alone without CFS bandwidth control).
func schedulerParams(dom *libvirtxml.Domain, ct Container) ([]driverapi.Param, error) {
	if ct == nil {
		var shares, period uint64
		var quota int64
		if t := dom.CPUTune; t != nil {
			if t.Shares != nil {
				shares = uint64(t.Shares.Value)
			}
			if t.Period != nil {
				period = t.Period.Value
			}
			if t.Quota != nil {
				quota = t.Quota.Value
			}
		}
		return []driverapi.Param{ullong(paramCPUShares, shares), ullong(paramVCPUPeriod, period), llong(paramVCPUQuota, quota)}, nil
	}
	shares, err := ct.Tunable(lxc.CPUShares)
	if err != nil {
		return nil, cpuErr(err)
	}
	out := []driverapi.Param{ullong(paramCPUShares, uint64(shares))}
	period, err := ct.Tunable(lxc.CPUPeriod)
	if errors.Is(err, lxc.ErrNoTunable) {
		return out, nil
	}
	if err != nil {
		return nil, cpuErr(err)
	}
	quota, err := ct.Tunable(lxc.CPUQuota)
	if err != nil {
		return nil, cpuErr(err)
	}
	return append(out, ullong(paramVCPUPeriod, uint64(period)), llong(paramVCPUQuota, quota)), nil
}

func cpuErr(err error) error {
	if errors.Is(err, lxc.ErrNoController) || errors.Is(err, lxc.ErrNoTunable) {
		return virterror.New(libvirt.ErrOperationInvalid, "cgroup CPU controller is not mounted")
	}
	return internalErr("cannot read the cpu cgroup: %v", err)
}

func blkioErr(err error) error {
	switch {
	case errors.Is(err, lxc.ErrNoController):
		return virterror.New(libvirt.ErrOperationInvalid, "blkio cgroup isn't mounted")
	case errors.Is(err, lxc.ErrNoTunable):
		return virterror.New(libvirt.ErrOperationInvalid, "blkio device weight is valid only for bfq or cfq scheduler")
	}
	return virterror.New(libvirt.ErrSystemError, "%v", err)
}

// blkioParams are the weight (live: the cgroup's) and the per-device
// values of the definition as libvirt's "path,value,…" strings.
func blkioParams(dom *libvirtxml.Domain, ct Container) ([]driverapi.Param, error) {
	b := dom.BlockIOTune
	if b == nil {
		b = &libvirtxml.DomainBlockIOTune{}
	}
	weight := uint64(b.Weight)
	if ct != nil {
		w, err := ct.Tunable(lxc.BlkioWeight)
		if err != nil {
			return nil, blkioErr(err)
		}
		weight = uint64(w)
	}
	out := []driverapi.Param{{Field: paramBlkioWeight, Type: libvirt.TypedParamUint, Uint: weight}}
	for _, f := range blkioDeviceFields {
		var parts []string
		for i := range b.Device {
			if v := *f.value(&b.Device[i]); v != 0 {
				parts = append(parts, b.Device[i].Path, strconv.FormatUint(uint64(v), 10))
			}
		}
		out = append(out, driverapi.Param{Field: f.field, Type: libvirt.TypedParamString, Str: strings.Join(parts, ",")})
	}
	return out, nil
}

// blkioDeviceFields are the per-device parameters in libvirt's order.
var blkioDeviceFields = []struct {
	field string
	limit lxc.DeviceLimit
	value func(*libvirtxml.DomainBlockIOTuneDevice) *uint
	max   uint64
}{
	{paramDevWeight, lxc.DeviceWeight, func(d *libvirtxml.DomainBlockIOTuneDevice) *uint { return &d.Weight }, 1<<32 - 1},
	{paramDevReadIops, lxc.DeviceReadIops, func(d *libvirtxml.DomainBlockIOTuneDevice) *uint { return &d.ReadIopsSec }, 1<<32 - 1},
	{paramDevWriteIops, lxc.DeviceWriteIops, func(d *libvirtxml.DomainBlockIOTuneDevice) *uint { return &d.WriteIopsSec }, 1<<32 - 1},
	{paramDevReadBps, lxc.DeviceReadBps, func(d *libvirtxml.DomainBlockIOTuneDevice) *uint { return &d.ReadBytesSec }, 1<<64 - 1},
	{paramDevWriteBps, lxc.DeviceWriteBps, func(d *libvirtxml.DomainBlockIOTuneDevice) *uint { return &d.WriteBytesSec }, 1<<64 - 1},
}

// paramSpec lists the parameters a setter takes and their types.
type paramSpec map[string]libvirt.TypedParameterType

var typeNames = map[libvirt.TypedParameterType]string{
	libvirt.TypedParamInt: "int", libvirt.TypedParamUint: "uint", libvirt.TypedParamLlong: "llong",
	libvirt.TypedParamUllong: "ullong", libvirt.TypedParamDouble: "double", libvirt.TypedParamBoolean: "boolean",
	libvirt.TypedParamString: "string",
}

// validate checks params as virTypedParamsValidate does: known fields of
// the right type, each once.
func (s paramSpec) validate(params []driverapi.Param) error {
	seen := map[string]bool{}
	for _, p := range params {
		want, ok := s[p.Field]
		if !ok {
			return virterror.New(libvirt.ErrArgumentUnsupported, "parameter '%s' not supported", p.Field)
		}
		if seen[p.Field] {
			return virterror.New(libvirt.ErrInvalidArg, "parameter '%s' occurs multiple times", p.Field)
		}
		seen[p.Field] = true
		if p.Type != want {
			return virterror.New(libvirt.ErrInvalidArg, "invalid type '%s' for parameter '%s', expected '%s'", typeNames[p.Type], p.Field, typeNames[want])
		}
	}
	return nil
}

// SetParameters implements Tuner.
func (l *LXC) SetParameters(ctx context.Context, u driverapi.UUID, group driverapi.ParamGroup, params []driverapi.Param, flags uint32) error {
	api, err := groupAPI("lxcDomainSet", group)
	if err != nil {
		return err
	}
	if err := checkFlags(api, flags, tuneFlags); err != nil {
		return err
	}
	var spec paramSpec
	switch group {
	case driverapi.ParamsMemory:
		spec = paramSpec{paramHardLimit: libvirt.TypedParamUllong, paramSoftLimit: libvirt.TypedParamUllong, paramSwapHardLimit: libvirt.TypedParamUllong}
	case driverapi.ParamsScheduler:
		spec = paramSpec{paramCPUShares: libvirt.TypedParamUllong, paramVCPUPeriod: libvirt.TypedParamUllong, paramVCPUQuota: libvirt.TypedParamLlong}
	default:
		spec = paramSpec{paramBlkioWeight: libvirt.TypedParamUint}
		for _, f := range blkioDeviceFields {
			spec[f.field] = libvirt.TypedParamString
		}
	}
	if err := spec.validate(params); err != nil {
		return err
	}
	return l.withJob(ctx, u, func(d *domain) error {
		live, persistent, affectLive, affectConfig, err := d.defsFor(flags)
		if err != nil {
			return err
		}
		var c tuneChange
		switch group {
		case driverapi.ParamsMemory:
			c, err = memoryChange(d, live, persistent, params, affectLive, affectConfig)
		case driverapi.ParamsScheduler:
			c, err = schedulerChange(params, affectLive, affectConfig)
		default:
			c, err = l.blkioChange(params, affectLive, affectConfig)
		}
		if err != nil {
			return err
		}
		return l.tune(d, persistent, live, c)
	})
}

// memoryChange is virDomainCgroupSetMemoryLimitParameters: hard_limit
// may not exceed swap_hard_limit; live, the soft limit is written first,
// then a lowered hard limit before the swap limit, a raised one after it.
func memoryChange(d *domain, live *xmlmap.Mapped, persistent *definition, params []driverapi.Param, affectLive, affectConfig bool) (tuneChange, error) {
	var c tuneChange
	set := map[string]uint64{}
	for _, p := range params {
		set[p.Field] = min(p.Uint, memUnlimitedKiB)
	}
	// The current definition's limits (libvirt's vm->def).
	cur := live
	var curDom *libvirtxml.Domain
	if cur != nil {
		curDom = cur.Domain
	} else {
		curDom = &libvirtxml.Domain{}
		if err := curDom.Unmarshal(persistent.xml); err != nil {
			return c, internalErr("cannot read the definition of '%s': %v", d.name, err)
		}
	}
	defined, _ := memoryParams(curDom, nil)
	hard, swap := defined[0].Uint, defined[2].Uint
	_, setHard := set[paramHardLimit]
	_, setSwap := set[paramSwapHardLimit]
	if setHard || setSwap {
		if v, ok := set[paramHardLimit]; ok {
			hard = v
		}
		if v, ok := set[paramSwapHardLimit]; ok {
			swap = v
		}
		if hard > swap {
			return c, virterror.New(libvirt.ErrInvalidArg, "memory hard_limit tunable value must be lower than or equal to swap_hard_limit")
		}
	}
	edit := func(dom *libvirtxml.Domain) error {
		if dom.MemoryTune == nil {
			dom.MemoryTune = &libvirtxml.DomainMemoryTune{}
		}
		mt := dom.MemoryTune
		for field, dst := range map[string]**libvirtxml.DomainMemoryTuneLimit{
			paramHardLimit: &mt.HardLimit, paramSoftLimit: &mt.SoftLimit, paramSwapHardLimit: &mt.SwapHardLimit,
		} {
			v, ok := set[field]
			switch {
			case !ok:
			case v >= memUnlimitedKiB:
				*dst = nil // libvirt formats no unlimited limit
			default:
				*dst = &libvirtxml.DomainMemoryTuneLimit{Value: v, Unit: "KiB"}
			}
		}
		if mt.HardLimit == nil && mt.SoftLimit == nil && mt.SwapHardLimit == nil {
			dom.MemoryTune = nil
		}
		return nil
	}
	if affectConfig {
		c.config = edit
	}
	if affectLive {
		c.live = edit
		liveHard, _ := memoryParams(live.Domain, nil)
		c.apply = func(ct Container) error {
			order := []string{paramSoftLimit}
			if v, ok := set[paramHardLimit]; ok && liveHard[0].Uint > v {
				order = append(order, paramHardLimit, paramSwapHardLimit)
			} else {
				order = append(order, paramSwapHardLimit, paramHardLimit)
			}
			tunables := map[string]lxc.Tunable{paramHardLimit: lxc.MemoryHardLimit, paramSoftLimit: lxc.MemorySoftLimit, paramSwapHardLimit: lxc.MemorySwapHardLimit}
			for _, field := range order {
				v, ok := set[field]
				if !ok {
					continue
				}
				b := int64(-1)
				if v < memUnlimitedKiB {
					b = int64(v) * 1024
				}
				if err := ct.SetTunable(tunables[field], b); err != nil {
					if errors.Is(err, lxc.ErrNoController) {
						return virterror.New(libvirt.ErrOperationInvalid, "cgroup memory controller is not mounted")
					}
					return virterror.New(libvirt.ErrSystemError, "Unable to set %s: %v", field, err)
				}
			}
			return nil
		}
	}
	return c, nil
}

// CFS bandwidth ranges, as libvirt's cgroup code checks them.
const (
	cfsPeriodMin, cfsPeriodMax = 1000, 1000000
	cfsQuotaMin, cfsQuotaMax   = 1000, 17592186044415
)

// schedulerChange is lxcDomainSetSchedulerParametersFlags: a period or
// quota of 0 leaves the running value alone (and removes it from the
// persistent definition). Live changes are announced with a tunable event,
// as libvirt's QEMU driver announces them.
func schedulerChange(params []driverapi.Param, affectLive, affectConfig bool) (tuneChange, error) {
	var c tuneChange
	for _, p := range params {
		switch {
		case p.Field == paramVCPUPeriod && p.Uint != 0 && (p.Uint < cfsPeriodMin || p.Uint > cfsPeriodMax):
			return c, virterror.New(libvirt.ErrInvalidArg, "cfs_period '%d' must be in range (%d, %d)", p.Uint, cfsPeriodMin, cfsPeriodMax)
		case p.Field == paramVCPUQuota && p.Int > 0 && (p.Int < cfsQuotaMin || p.Int > cfsQuotaMax):
			return c, virterror.New(libvirt.ErrInvalidArg, "cfs_quota '%d' must be in range (%d, %d)", p.Int, cfsQuotaMin, cfsQuotaMax)
		}
	}
	edit := func(forLive bool) func(*libvirtxml.Domain) error {
		return func(dom *libvirtxml.Domain) error {
			if dom.CPUTune == nil {
				dom.CPUTune = &libvirtxml.DomainCPUTune{}
			}
			t := dom.CPUTune
			for _, p := range params {
				switch p.Field {
				case paramCPUShares:
					t.Shares = &libvirtxml.DomainCPUTuneShares{Value: uint(p.Uint)}
				case paramVCPUPeriod:
					if p.Uint != 0 {
						t.Period = &libvirtxml.DomainCPUTunePeriod{Value: p.Uint}
					} else if !forLive {
						t.Period = nil
					}
				case paramVCPUQuota:
					if p.Int != 0 {
						t.Quota = &libvirtxml.DomainCPUTuneQuota{Value: p.Int}
					} else if !forLive {
						t.Quota = nil
					}
				}
			}
			return nil
		}
	}
	if affectConfig {
		c.config = edit(false)
	}
	if affectLive {
		c.live = edit(true)
		c.apply = func(ct Container) error {
			for _, p := range params {
				var err error
				switch {
				case p.Field == paramCPUShares:
					err = ct.SetTunable(lxc.CPUShares, int64(p.Uint))
				case p.Field == paramVCPUPeriod && p.Uint != 0:
					err = ct.SetTunable(lxc.CPUPeriod, int64(p.Uint))
				case p.Field == paramVCPUQuota && p.Int != 0:
					err = ct.SetTunable(lxc.CPUQuota, p.Int)
				}
				if errors.Is(err, lxc.ErrNoController) || errors.Is(err, lxc.ErrNoTunable) {
					return virterror.New(libvirt.ErrOperationInvalid, "cgroup CPU controller is not mounted")
				}
				if err != nil {
					return virterror.New(libvirt.ErrSystemError, "Unable to set %s: %v", p.Field, err)
				}
			}
			return nil
		}
		for _, p := range params {
			p.Field = "cputune." + p.Field
			c.event = append(c.event, p)
		}
	}
	return c, nil
}

// blkioDevice is one "path,value" of a device parameter.
type blkioDevice struct {
	path  string
	value uint64
}

// parseBlkioDevices is virDomainDriverParseBlkioDeviceStr: "path,value"
// pairs separated by commas.
func parseBlkioDevices(field, s string, max uint64) ([]blkioDevice, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts)%2 != 0 {
		return nil, virterror.New(libvirt.ErrInvalidArg, "unable to parse blkio device '%s' '%s'", field, s)
	}
	out := make([]blkioDevice, 0, len(parts)/2)
	for i := 0; i < len(parts); i += 2 {
		v, err := strconv.ParseUint(parts[i+1], 10, 64)
		if err != nil || v > max {
			return nil, virterror.New(libvirt.ErrInvalidArg, "invalid value '%s' for parameter '%s' of device '%s'", parts[i+1], field, parts[i])
		}
		out = append(out, blkioDevice{parts[i], v})
	}
	return out, nil
}

// blkioChange is lxcDomainSetBlkioParameters: the weight, and per-device
// values merged into the definitions by path (a device whose values all
// become 0 stays listed, as in libvirt). Live, each device path is
// resolved to its device number for the cgroup.
func (l *LXC) blkioChange(params []driverapi.Param, affectLive, affectConfig bool) (tuneChange, error) {
	var c tuneChange
	type devParam struct {
		f    int // index in blkioDeviceFields
		devs []blkioDevice
	}
	var weight *uint64
	var devParams []devParam
	for _, p := range params {
		if p.Field == paramBlkioWeight {
			w := p.Uint
			weight = &w
			continue
		}
		for i, f := range blkioDeviceFields {
			if f.field != p.Field {
				continue
			}
			devs, err := parseBlkioDevices(p.Field, p.Str, f.max)
			if err != nil {
				return c, err
			}
			devParams = append(devParams, devParam{i, devs})
		}
	}
	edit := func(dom *libvirtxml.Domain) error {
		if dom.BlockIOTune == nil {
			dom.BlockIOTune = &libvirtxml.DomainBlockIOTune{}
		}
		b := dom.BlockIOTune
		if weight != nil {
			b.Weight = uint(*weight)
		}
		for _, dp := range devParams {
			f := blkioDeviceFields[dp.f]
			for _, dev := range dp.devs {
				i := 0
				for i < len(b.Device) && b.Device[i].Path != dev.path {
					i++
				}
				if i == len(b.Device) {
					if dev.value == 0 {
						continue
					}
					b.Device = append(b.Device, libvirtxml.DomainBlockIOTuneDevice{Path: dev.path})
				}
				*f.value(&b.Device[i]) = uint(dev.value)
			}
		}
		if b.Weight == 0 && len(b.Device) == 0 {
			dom.BlockIOTune = nil
		}
		return nil
	}
	if affectConfig {
		c.config = edit
	}
	if affectLive {
		c.live = edit
		c.apply = func(ct Container) error {
			if weight != nil {
				if err := ct.SetTunable(lxc.BlkioWeight, int64(*weight)); err != nil {
					return blkioErr(err)
				}
			}
			for _, dp := range devParams {
				f := blkioDeviceFields[dp.f]
				for _, dev := range dp.devs {
					num, err := l.rt.BlockDevice(dev.path)
					if err != nil {
						return virterror.New(libvirt.ErrSystemError, "Unable to stat %s: %v", dev.path, err)
					}
					if err := ct.SetDeviceLimit(f.limit, num, dev.value); err != nil {
						if f.limit == lxc.DeviceWeight && errors.Is(err, lxc.ErrNoTunable) {
							return virterror.New(libvirt.ErrOperationInvalid, "blkio device weight is valid only for cfq scheduler")
						}
						return blkioErr(err)
					}
				}
			}
			return nil
		}
	}
	return c, nil
}

// BlockStats implements Tuner as lxcDomainBlockStats: a container has no
// disks, so the only path is "", the whole container's blkio totals.
func (l *LXC) BlockStats(_ context.Context, u driverapi.UUID, path string) (driverapi.BlockStats, error) {
	d, err := l.lookup(u)
	if err != nil {
		return driverapi.BlockStats{}, err
	}
	ct, err := d.container()
	if err != nil {
		return driverapi.BlockStats{}, err
	}
	if path != "" {
		return driverapi.BlockStats{}, virterror.New(libvirt.ErrInvalidArg, "invalid path: %s", path)
	}
	b, err := ct.BlockIO()
	if err != nil {
		if errors.Is(err, lxc.ErrNoController) {
			return driverapi.BlockStats{}, virterror.New(libvirt.ErrOperationInvalid, "blkio cgroup isn't mounted")
		}
		return driverapi.BlockStats{}, internalErr("domain stats query failed: %v", err)
	}
	return driverapi.BlockStats{RdReq: b.ReadReqs, RdBytes: b.ReadBytes, WrReq: b.WriteReqs, WrBytes: b.WriteBytes}, nil
}

// processSignalLast is VIR_DOMAIN_PROCESS_SIGNAL_LAST: libvirt's signal
// numbers run from 0 (none) to 64 (SIGRTMAX), Linux's own numbers.
const processSignalLast = 65

// SendProcessSignal implements Tuner as lxcDomainSendProcessSignal, whose
// signal numbers are Linux's. libvirt-lxc signals only init (PID 1);
// lxcvirt signals any process of the container's PID namespace by its
// PID there (see lxc.Container.SignalProcess).
func (l *LXC) SendProcessSignal(ctx context.Context, u driverapi.UUID, pid int64, signum uint32, flags uint32) error {
	if err := checkFlags("lxcDomainSendProcessSignal", flags, 0); err != nil {
		return err
	}
	if signum >= processSignalLast {
		return virterror.New(libvirt.ErrInvalidArg, "signum value %d is out of range", signum)
	}
	return l.withJob(ctx, u, func(d *domain) error {
		ct, err := d.container()
		if err != nil {
			return err
		}
		if pid < 1 || pid > 1<<22 {
			return virterror.New(libvirt.ErrArgumentUnsupported, "only a process of the container may be signalled, not PID %d", pid)
		}
		switch err := ct.SignalProcess(int(pid), unix.Signal(signum)); {
		case err == nil:
			return nil
		case errors.Is(err, lxc.ErrNotRunning):
			return errNotRunning()
		case errors.Is(err, lxc.ErrNoProcess):
			return virterror.New(libvirt.ErrSystemError, "Unable to send %d signal to process %d: No such process", signum, pid)
		default:
			return virterror.New(libvirt.ErrSystemError, "Unable to send %d signal to process %d: %v", signum, pid, err)
		}
	})
}
