package server

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Tuning procedures, served by a driver with driverapi.Tuner as
// libvirt-lxc serves them (lxc_driver.c), with the remote daemon's own
// conventions: nparams 0 asks how many parameters there are, a reply
// holds at most nparams, and string parameters reach only clients that
// said they take them (VIR_TYPED_PARAM_STRING_OKAY).

func (s *Server) tuner(api string) (driverapi.Tuner, error) {
	t, ok := s.drv().(driverapi.Tuner)
	if !ok {
		return nil, noSupport(api)
	}
	return t, nil
}

// paramsToWire turns driver parameters into the wire's, at most n of them
// (n < 0: all), leaving out strings unless flags allow them.
func paramsToWire(ps []driverapi.Param, n int32, flags uint32) []libvirt.TypedParam {
	out := make([]libvirt.TypedParam, 0, len(ps))
	for _, p := range ps {
		if n >= 0 && len(out) >= int(n) {
			break
		}
		var v *libvirt.TypedParamValue
		switch p.Type {
		case libvirt.TypedParamInt:
			v = libvirt.NewTypedParamValueInt(int32(p.Int))
		case libvirt.TypedParamUint:
			v = libvirt.NewTypedParamValueUint(uint32(p.Uint))
		case libvirt.TypedParamLlong:
			v = libvirt.NewTypedParamValueLlong(p.Int)
		case libvirt.TypedParamUllong:
			v = libvirt.NewTypedParamValueUllong(p.Uint)
		case libvirt.TypedParamBoolean:
			v = libvirt.NewTypedParamValueBoolean(int32(p.Uint))
		case libvirt.TypedParamString:
			if flags&uint32(libvirt.TypedParamStringOkay) == 0 {
				continue
			}
			v = libvirt.NewTypedParamValueString(p.Str)
		default:
			continue
		}
		out = append(out, libvirt.TypedParam{Field: p.Field, Value: *v})
	}
	return out
}

// paramsFromWire turns the wire's parameters into the driver's; at most
// max, as the remote daemon bounds them.
func paramsFromWire(ps []libvirt.TypedParam, max int) ([]driverapi.Param, error) {
	if len(ps) > max {
		return nil, virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "too many parameters (%d, at most %d)", len(ps), max)
	}
	out := make([]driverapi.Param, len(ps))
	for i, p := range ps {
		out[i] = driverapi.Param{Field: p.Field, Type: libvirt.TypedParameterType(p.Value.D)}
		switch v := p.Value.I.(type) {
		case int32:
			if p.Value.D == uint32(libvirt.TypedParamBoolean) {
				out[i].Uint = uint64(v)
			} else {
				out[i].Int = int64(v)
			}
		case uint32:
			out[i].Uint = uint64(v)
		case int64:
			out[i].Int = v
		case uint64:
			out[i].Uint = v
		case string:
			out[i].Str = v
		case float64:
			return nil, virterror.New(libvirt.ErrInvalidArg, "invalid type 'double' for parameter '%s'", p.Field)
		default:
			return nil, virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "unknown parameter type %d", p.Value.D)
		}
	}
	return out, nil
}

// getParams asks the driver for group's parameters as the Get*Parameters
// procedures do: nparams 0 is the count.
func (s *Server) getParams(ctx context.Context, api string, u driverapi.UUID, group driverapi.ParamGroup, nparams int32, max int, flags uint32) ([]libvirt.TypedParam, int32, error) {
	if nparams < 0 || int(nparams) > max {
		return nil, 0, virterror.New(libvirt.ErrInternalError, "nparams too large")
	}
	t, err := s.tuner(api)
	if err != nil {
		return nil, 0, err
	}
	ps, err := t.Parameters(ctx, u, group, flags)
	if err != nil {
		return nil, 0, err
	}
	if nparams == 0 {
		return nil, int32(len(ps)), nil
	}
	out := paramsToWire(ps, nparams, flags)
	return out, int32(len(out)), nil
}

func (s *Server) setParams(ctx context.Context, api string, u driverapi.UUID, group driverapi.ParamGroup, params []libvirt.TypedParam, max int, flags uint32) error {
	t, err := s.tuner(api)
	if err != nil {
		return err
	}
	ps, err := paramsFromWire(params, max)
	if err != nil {
		return err
	}
	return t.SetParameters(ctx, u, group, ps, flags)
}

func (s *Server) setMemory(ctx context.Context, c *conn, args *libvirt.DomainSetMemoryArgs) error {
	return s.setMemoryFlags(ctx, c, &libvirt.DomainSetMemoryFlagsArgs{Dom: args.Dom, Memory: args.Memory, Flags: driverapi.AffectLive})
}

func (s *Server) setMaxMemory(ctx context.Context, c *conn, args *libvirt.DomainSetMaxMemoryArgs) error {
	return s.setMemoryFlags(ctx, c, &libvirt.DomainSetMemoryFlagsArgs{Dom: args.Dom, Memory: args.Memory, Flags: driverapi.MemMaximum})
}

func (s *Server) setMemoryFlags(ctx context.Context, c *conn, args *libvirt.DomainSetMemoryFlagsArgs) error {
	t, err := s.tuner("virDomainSetMemoryFlags")
	if err != nil {
		return err
	}
	return t.SetMemory(ctx, args.Dom.UUID, args.Memory, args.Flags)
}

func (s *Server) getMemoryParameters(ctx context.Context, c *conn, args *libvirt.DomainGetMemoryParametersArgs) (*libvirt.DomainGetMemoryParametersRet, error) {
	ps, n, err := s.getParams(ctx, "virDomainGetMemoryParameters", args.Dom.UUID, driverapi.ParamsMemory, args.Nparams, proto.DomainMemoryParametersMax, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetMemoryParametersRet{Params: ps, Nparams: n}, nil
}

func (s *Server) setMemoryParameters(ctx context.Context, c *conn, args *libvirt.DomainSetMemoryParametersArgs) error {
	return s.setParams(ctx, "virDomainSetMemoryParameters", args.Dom.UUID, driverapi.ParamsMemory, args.Params, proto.DomainMemoryParametersMax, args.Flags)
}

func (s *Server) getBlkioParameters(ctx context.Context, c *conn, args *libvirt.DomainGetBlkioParametersArgs) (*libvirt.DomainGetBlkioParametersRet, error) {
	ps, n, err := s.getParams(ctx, "virDomainGetBlkioParameters", args.Dom.UUID, driverapi.ParamsBlkio, args.Nparams, proto.DomainBlkioParametersMax, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetBlkioParametersRet{Params: ps, Nparams: n}, nil
}

func (s *Server) setBlkioParameters(ctx context.Context, c *conn, args *libvirt.DomainSetBlkioParametersArgs) error {
	return s.setParams(ctx, "virDomainSetBlkioParameters", args.Dom.UUID, driverapi.ParamsBlkio, args.Params, proto.DomainBlkioParametersMax, args.Flags)
}

// getSchedulerType answers "posix" with the number of scheduler
// parameters the domain has now, as libvirt-lxc does.
func (s *Server) getSchedulerType(ctx context.Context, c *conn, args *libvirt.DomainGetSchedulerTypeArgs) (*libvirt.DomainGetSchedulerTypeRet, error) {
	_, n, err := s.getParams(ctx, "virDomainGetSchedulerType", args.Dom.UUID, driverapi.ParamsScheduler, 0, proto.DomainSchedulerParametersMax, 0)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetSchedulerTypeRet{Type: "posix", Nparams: n}, nil
}

func (s *Server) getSchedulerParameters(ctx context.Context, c *conn, args *libvirt.DomainGetSchedulerParametersArgs) (*libvirt.DomainGetSchedulerParametersRet, error) {
	r, err := s.getSchedulerParametersFlags(ctx, c, &libvirt.DomainGetSchedulerParametersFlagsArgs{Dom: args.Dom, Nparams: args.Nparams})
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetSchedulerParametersRet{Params: r.Params}, nil
}

// getSchedulerParametersFlags serves the scheduler parameters; the call
// has no count convention (virsh asks virDomainGetSchedulerType first).
func (s *Server) getSchedulerParametersFlags(ctx context.Context, c *conn, args *libvirt.DomainGetSchedulerParametersFlagsArgs) (*libvirt.DomainGetSchedulerParametersFlagsRet, error) {
	if args.Nparams <= 0 {
		return &libvirt.DomainGetSchedulerParametersFlagsRet{}, nil
	}
	ps, _, err := s.getParams(ctx, "virDomainGetSchedulerParametersFlags", args.Dom.UUID, driverapi.ParamsScheduler, args.Nparams, proto.DomainSchedulerParametersMax, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetSchedulerParametersFlagsRet{Params: ps}, nil
}

func (s *Server) setSchedulerParameters(ctx context.Context, c *conn, args *libvirt.DomainSetSchedulerParametersArgs) error {
	return s.setSchedulerParametersFlags(ctx, c, &libvirt.DomainSetSchedulerParametersFlagsArgs{Dom: args.Dom, Params: args.Params})
}

func (s *Server) setSchedulerParametersFlags(ctx context.Context, c *conn, args *libvirt.DomainSetSchedulerParametersFlagsArgs) error {
	return s.setParams(ctx, "virDomainSetSchedulerParametersFlags", args.Dom.UUID, driverapi.ParamsScheduler, args.Params, proto.DomainSchedulerParametersMax, args.Flags)
}

// domainBlockStats serves virDomainBlockStats: per-disk counters are not
// reported (libvirt-lxc fails a disk's name too: it looks its counters up
// by an alias it never assigns); the empty path is the whole container (its blkio cgroup's totals), as
// in libvirt-lxc. The error count is not known (-1).
func (s *Server) domainBlockStats(ctx context.Context, c *conn, args *libvirt.DomainBlockStatsArgs) (*libvirt.DomainBlockStatsRet, error) {
	t, err := s.tuner("virDomainBlockStats")
	if err != nil {
		return nil, err
	}
	st, err := t.BlockStats(ctx, args.Dom.UUID, args.Path)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainBlockStatsRet{RdReq: st.RdReq, RdBytes: st.RdBytes, WrReq: st.WrReq, WrBytes: st.WrBytes, Errs: -1}, nil
}

// blockStatsParams is LXC_NB_DOMAIN_BLOCK_STAT_PARAM.
const blockStatsParams = 4

// domainBlockStatsFlags serves virDomainBlockStatsFlags (what `virsh
// domblkstat` asks first) as lxcDomainBlockStatsFlags: nparams 0 is the
// count, without looking at the domain; then written bytes and requests,
// read bytes and requests, leaving out what the host does not count.
func (s *Server) domainBlockStatsFlags(ctx context.Context, c *conn, args *libvirt.DomainBlockStatsFlagsArgs) (*libvirt.DomainBlockStatsFlagsRet, error) {
	if args.Nparams < 0 || args.Nparams > proto.DomainBlockStatsParametersMax {
		return nil, virterror.New(libvirt.ErrInternalError, "nparams too large")
	}
	if err := checkFlags(args.Flags, uint32(libvirt.TypedParamStringOkay), "virDomainBlockStatsFlags"); err != nil {
		return nil, err
	}
	if args.Nparams == 0 {
		return &libvirt.DomainBlockStatsFlagsRet{Nparams: blockStatsParams}, nil
	}
	t, err := s.tuner("virDomainBlockStatsFlags")
	if err != nil {
		return nil, err
	}
	st, err := t.BlockStats(ctx, args.Dom.UUID, args.Path)
	if err != nil {
		return nil, err
	}
	var ps []driverapi.Param
	for _, f := range []struct {
		field string
		v     int64
	}{
		{libvirt.DomainBlockStatsWriteBytes, st.WrBytes}, {libvirt.DomainBlockStatsWriteReq, st.WrReq},
		{libvirt.DomainBlockStatsReadBytes, st.RdBytes}, {libvirt.DomainBlockStatsReadReq, st.RdReq},
	} {
		if f.v != -1 {
			ps = append(ps, driverapi.Param{Field: f.field, Type: libvirt.TypedParamLlong, Int: f.v})
		}
	}
	out := paramsToWire(ps, args.Nparams, args.Flags)
	return &libvirt.DomainBlockStatsFlagsRet{Params: out, Nparams: int32(len(out))}, nil
}

func (s *Server) sendProcessSignal(ctx context.Context, c *conn, args *libvirt.DomainSendProcessSignalArgs) error {
	t, err := s.tuner("virDomainSendProcessSignal")
	if err != nil {
		return err
	}
	return t.SendProcessSignal(ctx, args.Dom.UUID, args.PidValue, args.Signum, args.Flags)
}

// domainGetHostname serves virDomainGetHostname as lxcDomainGetHostname:
// the first hostname a DHCP lease of the running domain's interfaces
// names (the leases domifaddr --source lease reads).
func (s *Server) domainGetHostname(ctx context.Context, c *conn, args *libvirt.DomainGetHostnameArgs) (*libvirt.DomainGetHostnameRet, error) {
	const api = "virDomainGetHostname"
	if err := checkFlags(uint32(args.Flags), uint32(libvirt.DomainGetHostnameLease), "lxcDomainGetHostname"); err != nil {
		return nil, err
	}
	st, err := s.drv().Status(ctx, args.Dom.UUID)
	if err != nil {
		return nil, err
	}
	if st.ID == -1 {
		return nil, errNotRunning()
	}
	var hostname string
	err = s.domainLeases(ctx, c, args.Dom.UUID, api, func(_ *libvirtxml.DomainInterface, leases []libvirt.NetworkDhcpLease) bool {
		for _, l := range leases {
			if h := optString(l.Hostname); h != "" {
				hostname = h
				return false
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if hostname == "" {
		return nil, virterror.New(libvirt.ErrNoHostname, "no hostname found for domain %s", st.Name)
	}
	return &libvirt.DomainGetHostnameRet{Hostname: hostname}, nil
}

// tunableMsg is the tunable event of callback cb (callback registrations
// only, as in libvirt).
func tunableMsg(cb int32, ev driverapi.Event) any {
	var ps []driverapi.Param
	if ev.Tunable != nil {
		ps = ev.Tunable.Params
	}
	return &libvirt.DomainEventCallbackTunableMsg{CallbackID: cb, Dom: wireDomain(ev.Domain), Params: paramsToWire(ps, proto.DomainEventTunableMax, uint32(libvirt.TypedParamStringOkay))}
}
