package server

import (
	"reflect"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
)

func fields(ps []libvirt.TypedParam) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Field
	}
	return out
}

// The Get*Parameters procedures: nparams 0 is the count, a reply holds at
// most nparams, strings only with VIR_TYPED_PARAM_STRING_OKAY.
func TestGetParametersConventions(t *testing.T) {
	rc, on, _ := statsClient(t, nil)
	var ret libvirt.DomainGetMemoryParametersRet
	rc.mustCall(proto.ProcDomainGetMemoryParameters, &libvirt.DomainGetMemoryParametersArgs{Dom: on}, &ret)
	if ret.Nparams != 3 || len(ret.Params) != 0 {
		t.Fatalf("count = %+v", ret)
	}
	rc.mustCall(proto.ProcDomainGetMemoryParameters, &libvirt.DomainGetMemoryParametersArgs{Dom: on, Nparams: 3}, &ret)
	if got := fields(ret.Params); !reflect.DeepEqual(got, []string{"hard_limit", "vcpu_quota"}) || ret.Nparams != 2 {
		t.Fatalf("without STRING_OKAY: %v", got)
	}
	var bret libvirt.DomainGetBlkioParametersRet
	rc.mustCall(proto.ProcDomainGetBlkioParameters, &libvirt.DomainGetBlkioParametersArgs{Dom: on, Nparams: 2, Flags: uint32(libvirt.TypedParamStringOkay)}, &bret)
	if got := fields(bret.Params); !reflect.DeepEqual(got, []string{"hard_limit", "device_weight"}) || bret.Params[1].Value.I != "/dev/vda,500" {
		t.Fatalf("with STRING_OKAY, 2: %+v", bret.Params)
	}
	wantError(t, rc.call(proto.ProcDomainGetMemoryParameters, &libvirt.DomainGetMemoryParametersArgs{Dom: on, Nparams: 17}, nil),
		libvirt.ErrInternalError, "internal error: nparams too large")
	var st libvirt.DomainGetSchedulerTypeRet
	rc.mustCall(proto.ProcDomainGetSchedulerType, &libvirt.DomainGetSchedulerTypeArgs{Dom: on}, &st)
	if st.Type != "posix" || st.Nparams != 3 {
		t.Fatalf("scheduler type = %+v", st)
	}
}

// Set*Parameters hand the driver the wire's typed values.
func TestSetParametersConverted(t *testing.T) {
	ts := startServer(t, nil)
	on := ts.running("ct1", 4242)
	rc := dial(t, ts.rw)
	rc.open(0)
	args := &libvirt.DomainSetSchedulerParametersFlagsArgs{Dom: on, Params: []libvirt.TypedParam{
		{Field: "cpu_shares", Value: *libvirt.NewTypedParamValueUllong(512)},
		{Field: "vcpu_quota", Value: *libvirt.NewTypedParamValueLlong(-1)},
		{Field: "weight", Value: *libvirt.NewTypedParamValueUint(300)},
		{Field: "device_read_bytes_sec", Value: *libvirt.NewTypedParamValueString("/dev/vda,1")},
	}, Flags: driverapi.AffectLive}
	rc.mustCall(proto.ProcDomainSetSchedulerParametersFlags, args, nil)
	want := []driverapi.Param{
		{Field: "cpu_shares", Type: libvirt.TypedParamUllong, Uint: 512},
		{Field: "vcpu_quota", Type: libvirt.TypedParamLlong, Int: -1},
		{Field: "weight", Type: libvirt.TypedParamUint, Uint: 300},
		{Field: "device_read_bytes_sec", Type: libvirt.TypedParamString, Str: "/dev/vda,1"},
	}
	ts.drv.mu.Lock()
	got := ts.drv.setParams
	ts.drv.mu.Unlock()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("driver got %+v", got)
	}
}

// domblkstat: the flags call counts 4 without asking the driver, leaves
// out what is not counted (-1); the old call reports errs as -1.
func TestDomainBlockStats(t *testing.T) {
	rc, on, off := statsClient(t, nil)
	var fr libvirt.DomainBlockStatsFlagsRet
	rc.mustCall(proto.ProcDomainBlockStatsFlags, &libvirt.DomainBlockStatsFlagsArgs{Dom: off}, &fr)
	if fr.Nparams != 4 {
		t.Fatalf("count = %d", fr.Nparams)
	}
	rc.mustCall(proto.ProcDomainBlockStatsFlags, &libvirt.DomainBlockStatsFlagsArgs{Dom: on, Nparams: 4}, &fr)
	if got := fields(fr.Params); !reflect.DeepEqual(got, []string{"wr_bytes", "rd_bytes", "rd_operations"}) || fr.Params[0].Value.I != int64(4096) {
		t.Fatalf("params = %+v", fr.Params)
	}
	var r libvirt.DomainBlockStatsRet
	rc.mustCall(proto.ProcDomainBlockStats, &libvirt.DomainBlockStatsArgs{Dom: on}, &r)
	if r != (libvirt.DomainBlockStatsRet{RdReq: 1, RdBytes: 512, WrReq: -1, WrBytes: 4096, Errs: -1}) {
		t.Fatalf("stats = %+v", r)
	}
	wantError(t, rc.call(proto.ProcDomainBlockStats, &libvirt.DomainBlockStatsArgs{Dom: on, Path: "vda"}, nil),
		libvirt.ErrInvalidArg, "invalid argument: invalid path: vda")
	wantError(t, rc.call(proto.ProcDomainBlockStatsFlags, &libvirt.DomainBlockStatsFlagsArgs{Dom: off, Nparams: 4}, nil),
		libvirt.ErrOperationInvalid, "Requested operation is not valid: domain is not running")
}

// domhostname of a domain without leases: libvirt's no-hostname error.
func TestDomainGetHostnameNone(t *testing.T) {
	rc, on, off := statsClient(t, nil)
	wantError(t, rc.call(proto.ProcDomainGetHostname, &libvirt.DomainGetHostnameArgs{Dom: off}, nil),
		libvirt.ErrOperationInvalid, "Requested operation is not valid: domain is not running")
	wantError(t, rc.call(proto.ProcDomainGetHostname, &libvirt.DomainGetHostnameArgs{Dom: on, Flags: 2}, nil),
		libvirt.ErrInvalidArg, "invalid argument: unsupported flags (0x2) in function lxcDomainGetHostname")
	wantError(t, rc.call(proto.ProcDomainGetHostname, &libvirt.DomainGetHostnameArgs{Dom: on}, nil),
		libvirt.ErrNoHostname, "no hostname found: no hostname found for domain ct1")
}
