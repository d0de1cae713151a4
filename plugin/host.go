package plugin

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Host facts across the boundary: driverapi.Host as one rpc per method,
// so the daemon reads nothing of the host itself. They touch no domain,
// so the supervisor's status cache is left alone.

var (
	_ driverapi.Host = (*Client)(nil)
	_ driverapi.Host = (*Supervisor)(nil)
)

func nodeInfoFromPB(r *pb.NodeInfoReply) (driverapi.NodeInfo, error) {
	return driverapi.NodeInfo{
		Model: r.GetModel(), MemKiB: r.GetMemKib(), CPUs: r.GetCpus(), MHz: r.GetMhz(),
		Nodes: r.GetNodes(), Sockets: r.GetSockets(), Cores: r.GetCores(), Threads: r.GetThreads(),
	}, nil
}

func nodeInfoToPB(ni driverapi.NodeInfo) *pb.NodeInfoReply {
	return &pb.NodeInfoReply{
		Model: ni.Model, MemKib: ni.MemKiB, Cpus: ni.CPUs, Mhz: ni.MHz,
		Nodes: ni.Nodes, Sockets: ni.Sockets, Cores: ni.Cores, Threads: ni.Threads,
	}
}

func cpuMapFromPB(r *pb.CPUMapReply) (driverapi.CPUMap, error) {
	m := driverapi.CPUMap{CPUs: int(r.GetCpus())}
	for _, c := range r.GetOnline() {
		m.Online = append(m.Online, int(c))
	}
	return m, nil
}

func cpuMapToPB(m driverapi.CPUMap) *pb.CPUMapReply {
	r := &pb.CPUMapReply{Cpus: int32(m.CPUs)}
	for _, c := range m.Online {
		r.Online = append(r.Online, int32(c))
	}
	return r
}

func nodeStatsFromPB(r *pb.NodeStatsReply) ([]driverapi.NodeStat, error) {
	var out []driverapi.NodeStat
	for _, st := range r.GetStats() {
		out = append(out, driverapi.NodeStat{Field: st.GetField(), Value: st.GetValue()})
	}
	return out, nil
}

func nodeStatsToPB(stats []driverapi.NodeStat) *pb.NodeStatsReply {
	r := &pb.NodeStatsReply{}
	for _, st := range stats {
		r.Stats = append(r.Stats, &pb.NodeStat{Field: st.Field, Value: st.Value})
	}
	return r
}

func neighborsFromPB(r *pb.ARPTableReply) ([]driverapi.Neighbor, error) {
	var out []driverapi.Neighbor
	for _, n := range r.GetNeighbors() {
		out = append(out, driverapi.Neighbor{IP: n.GetIp(), MAC: n.GetMac(), Device: n.GetDevice()})
	}
	return out, nil
}

func neighborsToPB(table []driverapi.Neighbor) *pb.ARPTableReply {
	r := &pb.ARPTableReply{}
	for _, n := range table {
		r.Neighbors = append(r.Neighbors, &pb.Neighbor{Ip: n.IP, Mac: n.MAC, Device: n.Device})
	}
	return r
}

func replyUint64(r *pb.Uint64Reply) (uint64, error) { return r.GetValue(), nil }
func replyXML(r *pb.XMLReply) (string, error)       { return r.GetXml(), nil }
func uint64Reply(v uint64) *pb.Uint64Reply          { return &pb.Uint64Reply{Value: v} }
func xmlReply(x string) *pb.XMLReply                { return &pb.XMLReply{Xml: x} }

func (c *Client) NodeInfo(ctx context.Context) (driverapi.NodeInfo, error) {
	return invoke(ctx, c, "NodeInfo", c.rpc.NodeInfo, &pb.Empty{}, nodeInfoFromPB)
}

func (c *Client) FreeMemory(ctx context.Context) (uint64, error) {
	return invoke(ctx, c, "FreeMemory", c.rpc.FreeMemory, &pb.Empty{}, replyUint64)
}

func (c *Client) CPUMap(ctx context.Context) (driverapi.CPUMap, error) {
	return invoke(ctx, c, "CPUMap", c.rpc.CPUMap, &pb.Empty{}, cpuMapFromPB)
}

func (c *Client) NodeCPUStats(ctx context.Context, cpu int) ([]driverapi.NodeStat, error) {
	return invoke(ctx, c, "NodeCPUStats", c.rpc.NodeCPUStats, &pb.NodeStatsRequest{Num: int32(cpu)}, nodeStatsFromPB)
}

func (c *Client) NodeMemoryStats(ctx context.Context, cell int) ([]driverapi.NodeStat, error) {
	return invoke(ctx, c, "NodeMemoryStats", c.rpc.NodeMemoryStats, &pb.NodeStatsRequest{Num: int32(cell)}, nodeStatsFromPB)
}

func (c *Client) Version(ctx context.Context) (uint64, error) {
	return invoke(ctx, c, "Version", c.rpc.Version, &pb.Empty{}, replyUint64)
}

func (c *Client) Capabilities(ctx context.Context, sec driverapi.SecurityModel) (string, error) {
	return invoke(ctx, c, "Capabilities", c.rpc.Capabilities, &pb.CapabilitiesRequest{SecModel: sec.Model, SecDoi: sec.DOI}, replyXML)
}

func (c *Client) DomainCapabilities(ctx context.Context, arch, machine, emulator string) (string, error) {
	return invoke(ctx, c, "DomainCapabilities", c.rpc.DomainCapabilities,
		&pb.DomainCapabilitiesRequest{Arch: arch, Machine: machine, Emulator: emulator}, replyXML)
}

func (c *Client) Sysinfo(ctx context.Context) (string, error) {
	return invoke(ctx, c, "Sysinfo", c.rpc.Sysinfo, &pb.Empty{}, replyXML)
}

func (c *Client) ARPTable(ctx context.Context) ([]driverapi.Neighbor, error) {
	return invoke(ctx, c, "ARPTable", c.rpc.ARPTable, &pb.Empty{}, neighborsFromPB)
}

// host is impl as a driverapi.Host, or the error a driver without host
// facts answers.
func (s *Server) host(method string) (driverapi.Host, error) {
	if h, ok := s.impl.(driverapi.Host); ok {
		return h, nil
	}
	return nil, toStatus(method, virterror.New(libvirt.ErrNoSupport, "%s", method))
}

// hostReply runs one host call on impl and converts its result.
func hostReply[T, R any](s *Server, method string, fn func(driverapi.Host) (T, error), conv func(T) R) (R, error) {
	h, err := s.host(method)
	if err != nil {
		var zero R
		return zero, err
	}
	v, err := fn(h)
	return reply(method, v, err, conv)
}

func (s *Server) NodeInfo(ctx context.Context, _ *pb.Empty) (*pb.NodeInfoReply, error) {
	return hostReply(s, "NodeInfo", func(h driverapi.Host) (driverapi.NodeInfo, error) { return h.NodeInfo(ctx) }, nodeInfoToPB)
}

func (s *Server) FreeMemory(ctx context.Context, _ *pb.Empty) (*pb.Uint64Reply, error) {
	return hostReply(s, "FreeMemory", func(h driverapi.Host) (uint64, error) { return h.FreeMemory(ctx) }, uint64Reply)
}

func (s *Server) CPUMap(ctx context.Context, _ *pb.Empty) (*pb.CPUMapReply, error) {
	return hostReply(s, "CPUMap", func(h driverapi.Host) (driverapi.CPUMap, error) { return h.CPUMap(ctx) }, cpuMapToPB)
}

func (s *Server) NodeCPUStats(ctx context.Context, r *pb.NodeStatsRequest) (*pb.NodeStatsReply, error) {
	return hostReply(s, "NodeCPUStats", func(h driverapi.Host) ([]driverapi.NodeStat, error) {
		return h.NodeCPUStats(ctx, int(r.GetNum()))
	}, nodeStatsToPB)
}

func (s *Server) NodeMemoryStats(ctx context.Context, r *pb.NodeStatsRequest) (*pb.NodeStatsReply, error) {
	return hostReply(s, "NodeMemoryStats", func(h driverapi.Host) ([]driverapi.NodeStat, error) {
		return h.NodeMemoryStats(ctx, int(r.GetNum()))
	}, nodeStatsToPB)
}

func (s *Server) Version(ctx context.Context, _ *pb.Empty) (*pb.Uint64Reply, error) {
	return hostReply(s, "Version", func(h driverapi.Host) (uint64, error) { return h.Version(ctx) }, uint64Reply)
}

func (s *Server) Capabilities(ctx context.Context, r *pb.CapabilitiesRequest) (*pb.XMLReply, error) {
	sec := driverapi.SecurityModel{Model: r.GetSecModel(), DOI: r.GetSecDoi()}
	return hostReply(s, "Capabilities", func(h driverapi.Host) (string, error) { return h.Capabilities(ctx, sec) }, xmlReply)
}

func (s *Server) DomainCapabilities(ctx context.Context, r *pb.DomainCapabilitiesRequest) (*pb.XMLReply, error) {
	return hostReply(s, "DomainCapabilities", func(h driverapi.Host) (string, error) {
		return h.DomainCapabilities(ctx, r.GetArch(), r.GetMachine(), r.GetEmulator())
	}, xmlReply)
}

func (s *Server) Sysinfo(ctx context.Context, _ *pb.Empty) (*pb.XMLReply, error) {
	return hostReply(s, "Sysinfo", func(h driverapi.Host) (string, error) { return h.Sysinfo(ctx) }, xmlReply)
}

func (s *Server) ARPTable(ctx context.Context, _ *pb.Empty) (*pb.ARPTableReply, error) {
	return hostReply(s, "ARPTable", func(h driverapi.Host) ([]driverapi.Neighbor, error) { return h.ARPTable(ctx) }, neighborsToPB)
}

// hostCall runs one host call on the current plugin.
func hostCall[T any](s *Supervisor, ctx context.Context, method string, fn func(*Client) (T, error)) (T, error) {
	inst, err := s.current(ctx, method)
	if err != nil {
		var zero T
		return zero, err
	}
	return fn(inst.drv)
}

func (s *Supervisor) NodeInfo(ctx context.Context) (driverapi.NodeInfo, error) {
	return hostCall(s, ctx, "NodeInfo", func(c *Client) (driverapi.NodeInfo, error) { return c.NodeInfo(ctx) })
}

func (s *Supervisor) FreeMemory(ctx context.Context) (uint64, error) {
	return hostCall(s, ctx, "FreeMemory", func(c *Client) (uint64, error) { return c.FreeMemory(ctx) })
}

func (s *Supervisor) CPUMap(ctx context.Context) (driverapi.CPUMap, error) {
	return hostCall(s, ctx, "CPUMap", func(c *Client) (driverapi.CPUMap, error) { return c.CPUMap(ctx) })
}

func (s *Supervisor) NodeCPUStats(ctx context.Context, cpu int) ([]driverapi.NodeStat, error) {
	return hostCall(s, ctx, "NodeCPUStats", func(c *Client) ([]driverapi.NodeStat, error) { return c.NodeCPUStats(ctx, cpu) })
}

func (s *Supervisor) NodeMemoryStats(ctx context.Context, cell int) ([]driverapi.NodeStat, error) {
	return hostCall(s, ctx, "NodeMemoryStats", func(c *Client) ([]driverapi.NodeStat, error) { return c.NodeMemoryStats(ctx, cell) })
}

func (s *Supervisor) Version(ctx context.Context) (uint64, error) {
	return hostCall(s, ctx, "Version", func(c *Client) (uint64, error) { return c.Version(ctx) })
}

func (s *Supervisor) Capabilities(ctx context.Context, sec driverapi.SecurityModel) (string, error) {
	return hostCall(s, ctx, "Capabilities", func(c *Client) (string, error) { return c.Capabilities(ctx, sec) })
}

func (s *Supervisor) DomainCapabilities(ctx context.Context, arch, machine, emulator string) (string, error) {
	return hostCall(s, ctx, "DomainCapabilities", func(c *Client) (string, error) { return c.DomainCapabilities(ctx, arch, machine, emulator) })
}

func (s *Supervisor) Sysinfo(ctx context.Context) (string, error) {
	return hostCall(s, ctx, "Sysinfo", func(c *Client) (string, error) { return c.Sysinfo(ctx) })
}

func (s *Supervisor) ARPTable(ctx context.Context) ([]driverapi.Neighbor, error) {
	return hostCall(s, ctx, "ARPTable", func(c *Client) ([]driverapi.Neighbor, error) { return c.ARPTable(ctx) })
}
