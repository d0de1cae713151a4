package plugin

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Tuning across the boundary: driverapi.Tuner as the SetMemory,
// Parameters, SetParameters, BlockStats and SendProcessSignal rpcs. A
// tuning change changes no status, so the supervisor's status cache is
// left alone.

var (
	_ driverapi.Tuner = (*Client)(nil)
	_ driverapi.Tuner = (*Supervisor)(nil)
)

func paramsToPB(ps []driverapi.Param) []*pb.Param {
	out := make([]*pb.Param, len(ps))
	for i, p := range ps {
		out[i] = &pb.Param{Field: p.Field, Type: int32(p.Type), Int: p.Int, Uint: p.Uint, Str: p.Str}
	}
	return out
}

func paramsFromPB(ps []*pb.Param) []driverapi.Param {
	out := make([]driverapi.Param, len(ps))
	for i, p := range ps {
		out[i] = driverapi.Param{Field: p.GetField(), Type: libvirt.TypedParameterType(p.GetType()), Int: p.GetInt(), Uint: p.GetUint(), Str: p.GetStr()}
	}
	return out
}

func (c *Client) SetMemory(ctx context.Context, uuid driverapi.UUID, kib uint64, flags uint32) error {
	_, err := invoke(ctx, c, "SetMemory", c.rpc.SetMemory, &pb.SetMemoryRequest{Uuid: uuid[:], Kib: kib, Flags: flags}, replyNone)
	return err
}

func (c *Client) Parameters(ctx context.Context, uuid driverapi.UUID, group driverapi.ParamGroup, flags uint32) ([]driverapi.Param, error) {
	return invoke(ctx, c, "Parameters", c.rpc.Parameters, &pb.ParamsRequest{Uuid: uuid[:], Group: int32(group), Flags: flags},
		func(r *pb.ParamsReply) ([]driverapi.Param, error) { return paramsFromPB(r.GetParams()), nil })
}

func (c *Client) SetParameters(ctx context.Context, uuid driverapi.UUID, group driverapi.ParamGroup, params []driverapi.Param, flags uint32) error {
	_, err := invoke(ctx, c, "SetParameters", c.rpc.SetParameters,
		&pb.ParamsRequest{Uuid: uuid[:], Group: int32(group), Params: paramsToPB(params), Flags: flags}, replyNone)
	return err
}

func (c *Client) BlockStats(ctx context.Context, uuid driverapi.UUID, path string) (driverapi.BlockStats, error) {
	return invoke(ctx, c, "BlockStats", c.rpc.BlockStats, &pb.BlockStatsRequest{Uuid: uuid[:], Path: path},
		func(r *pb.BlockStatsReply) (driverapi.BlockStats, error) {
			return driverapi.BlockStats{RdReq: r.GetRdReq(), RdBytes: r.GetRdBytes(), WrReq: r.GetWrReq(), WrBytes: r.GetWrBytes()}, nil
		})
}

func (c *Client) SendProcessSignal(ctx context.Context, uuid driverapi.UUID, pid int64, signum uint32, flags uint32) error {
	_, err := invoke(ctx, c, "SendProcessSignal", c.rpc.SendProcessSignal,
		&pb.SignalRequest{Uuid: uuid[:], Pid: pid, Signum: signum, Flags: flags}, replyNone)
	return err
}

// tuner is impl as a driverapi.Tuner, or the error a driver without
// tuning answers.
func (s *Server) tuner(method string) (driverapi.Tuner, error) {
	if m, ok := s.impl.(driverapi.Tuner); ok {
		return m, nil
	}
	return nil, toStatus(method, virterror.New(libvirt.ErrNoSupport, "virDomain%s", method))
}

func (s *Server) SetMemory(ctx context.Context, r *pb.SetMemoryRequest) (*pb.Empty, error) {
	const method = "SetMemoryFlags"
	m, err := s.tuner(method)
	if err != nil {
		return nil, err
	}
	return unit(method, r.GetUuid(), func(u driverapi.UUID) error { return m.SetMemory(ctx, u, r.GetKib(), r.GetFlags()) })
}

func (s *Server) Parameters(ctx context.Context, r *pb.ParamsRequest) (*pb.ParamsReply, error) {
	const method = "GetParameters"
	m, err := s.tuner(method)
	if err != nil {
		return nil, err
	}
	return withUUID(method, r.GetUuid(), func(u driverapi.UUID) (*pb.ParamsReply, error) {
		ps, err := m.Parameters(ctx, u, driverapi.ParamGroup(r.GetGroup()), r.GetFlags())
		return reply(method, ps, err, func(ps []driverapi.Param) *pb.ParamsReply { return &pb.ParamsReply{Params: paramsToPB(ps)} })
	})
}

func (s *Server) SetParameters(ctx context.Context, r *pb.ParamsRequest) (*pb.Empty, error) {
	const method = "SetParameters"
	m, err := s.tuner(method)
	if err != nil {
		return nil, err
	}
	return unit(method, r.GetUuid(), func(u driverapi.UUID) error {
		return m.SetParameters(ctx, u, driverapi.ParamGroup(r.GetGroup()), paramsFromPB(r.GetParams()), r.GetFlags())
	})
}

func (s *Server) BlockStats(ctx context.Context, r *pb.BlockStatsRequest) (*pb.BlockStatsReply, error) {
	const method = "BlockStats"
	m, err := s.tuner(method)
	if err != nil {
		return nil, err
	}
	return withUUID(method, r.GetUuid(), func(u driverapi.UUID) (*pb.BlockStatsReply, error) {
		st, err := m.BlockStats(ctx, u, r.GetPath())
		return reply(method, st, err, func(st driverapi.BlockStats) *pb.BlockStatsReply {
			return &pb.BlockStatsReply{RdReq: st.RdReq, RdBytes: st.RdBytes, WrReq: st.WrReq, WrBytes: st.WrBytes}
		})
	})
}

func (s *Server) SendProcessSignal(ctx context.Context, r *pb.SignalRequest) (*pb.Empty, error) {
	const method = "SendProcessSignal"
	m, err := s.tuner(method)
	if err != nil {
		return nil, err
	}
	return unit(method, r.GetUuid(), func(u driverapi.UUID) error {
		return m.SendProcessSignal(ctx, u, r.GetPid(), r.GetSignum(), r.GetFlags())
	})
}

// tuned runs fn on the current plugin's driver.
func (s *Supervisor) tuned(ctx context.Context, method string, fn func(driverapi.Tuner) error) error {
	inst, err := s.current(ctx, method)
	if err != nil {
		return err
	}
	return fn(inst.drv)
}

func (s *Supervisor) SetMemory(ctx context.Context, uuid driverapi.UUID, kib uint64, flags uint32) error {
	return s.tuned(ctx, "SetMemory", func(t driverapi.Tuner) error { return t.SetMemory(ctx, uuid, kib, flags) })
}

func (s *Supervisor) Parameters(ctx context.Context, uuid driverapi.UUID, group driverapi.ParamGroup, flags uint32) (ps []driverapi.Param, err error) {
	err = s.tuned(ctx, "Parameters", func(t driverapi.Tuner) error {
		ps, err = t.Parameters(ctx, uuid, group, flags)
		return err
	})
	return ps, err
}

func (s *Supervisor) SetParameters(ctx context.Context, uuid driverapi.UUID, group driverapi.ParamGroup, params []driverapi.Param, flags uint32) error {
	return s.tuned(ctx, "SetParameters", func(t driverapi.Tuner) error { return t.SetParameters(ctx, uuid, group, params, flags) })
}

func (s *Supervisor) BlockStats(ctx context.Context, uuid driverapi.UUID, path string) (st driverapi.BlockStats, err error) {
	err = s.tuned(ctx, "BlockStats", func(t driverapi.Tuner) error {
		st, err = t.BlockStats(ctx, uuid, path)
		return err
	})
	return st, err
}

func (s *Supervisor) SendProcessSignal(ctx context.Context, uuid driverapi.UUID, pid int64, signum uint32, flags uint32) error {
	return s.tuned(ctx, "SendProcessSignal", func(t driverapi.Tuner) error { return t.SendProcessSignal(ctx, uuid, pid, signum, flags) })
}
