package server

import (
	"context"
	"net"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Per-domain and node statistics, answered as libvirt's LXC driver answers
// them (src/lxc/lxc_driver.c): every domain call needs a running domain,
// and reads the driver's counters (driverapi.Stats).

// runningStats returns a running domain's counters.
func (s *Server) runningStats(ctx context.Context, u libvirt.UUID) (driverapi.Stats, error) {
	list, err := s.drv().Stats(ctx, []driverapi.UUID{u})
	if err != nil {
		return driverapi.Stats{}, err
	}
	switch len(list) {
	case 0:
		return driverapi.Stats{}, driverapi.NoDomainError(u)
	case 1:
	default:
		return driverapi.Stats{}, virterror.New(libvirt.ErrInternalError, "driver returned %d stats records for one domain", len(list))
	}
	if list[0].ID == -1 {
		return driverapi.Stats{}, errNotRunning()
	}
	return list[0], nil
}

// domainMemoryStats serves virDomainMemoryStats (`virsh dommemstat`): the
// balloon size ("actual", the definition's current memory) and the memory
// the container uses ("rss", from its memory cgroup), in KiB.
func (s *Server) domainMemoryStats(ctx context.Context, c *conn, args *libvirt.DomainMemoryStatsArgs) (*libvirt.DomainMemoryStatsRet, error) {
	if args.MaxStats > proto.DomainMemoryStatsMax {
		return nil, virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX")
	}
	if err := checkFlags(args.Flags, 0, "virDomainMemoryStats"); err != nil {
		return nil, err
	}
	st, err := s.runningStats(ctx, args.Dom.UUID)
	if err != nil {
		return nil, err
	}
	all := []libvirt.DomainMemoryStat{
		{Tag: int32(libvirt.DomainMemoryStatActualBalloon), Val: st.CurMemKiB},
		{Tag: int32(libvirt.DomainMemoryStatRss), Val: st.MemKiB},
	}
	return &libvirt.DomainMemoryStatsRet{Stats: all[:min(len(all), int(args.MaxStats))]}, nil
}

// domainInterfaceStats serves virDomainInterfaceStats (`virsh domifstat`):
// the counters of the interface whose host-side device or guest MAC
// address is args.Device, seen from the guest.
func (s *Server) domainInterfaceStats(ctx context.Context, c *conn, args *libvirt.DomainInterfaceStatsArgs) (*libvirt.DomainInterfaceStatsRet, error) {
	st, err := s.runningStats(ctx, args.Dom.UUID)
	if err != nil {
		return nil, err
	}
	mac, macErr := net.ParseMAC(args.Device)
	for _, ifc := range st.Interfaces {
		byMAC := false
		if macErr == nil {
			m, err := net.ParseMAC(ifc.MAC)
			byMAC = err == nil && m.String() == mac.String()
		}
		if byMAC || macErr != nil && ifc.Name == args.Device {
			return &libvirt.DomainInterfaceStatsRet{
				RxBytes: int64(ifc.RxBytes), RxPackets: int64(ifc.RxPackets), RxErrs: int64(ifc.RxErrs), RxDrop: int64(ifc.RxDrop),
				TxBytes: int64(ifc.TxBytes), TxPackets: int64(ifc.TxPackets), TxErrs: int64(ifc.TxErrs), TxDrop: int64(ifc.TxDrop),
			}, nil
		}
	}
	return nil, virterror.New(libvirt.ErrInvalidArg, "'%s' is not a known interface", args.Device)
}

// The counts of virDomainGetCPUStats parameters: total (cpu_time,
// user_time, system_time) and per CPU (cpu_time; containers have no vCPU
// threads to report apart).
const (
	cpuStatsTotalParams = 3
	cpuStatsPerCPU      = 1
)

// domainGetCPUStats serves virDomainGetCPUStats (`virsh cpu-stats`) with
// its calling conventions: start CPU -1 asks for the totals, nparams 0 for
// the number of parameters, ncpus 0 for the number of host CPUs. Per-CPU
// time comes from cpuacct.usage_percpu, which cgroup v2 does not have.
func (s *Server) domainGetCPUStats(ctx context.Context, c *conn, args *libvirt.DomainGetCPUStatsArgs) (*libvirt.DomainGetCPUStatsRet, error) {
	if args.Nparams > proto.NodeCPUStatsMax {
		return nil, virterror.New(libvirt.ErrInternalError, "nparams too large")
	}
	if args.Ncpus > proto.DomainGetCPUStatsNcpusMax {
		return nil, virterror.New(libvirt.ErrInternalError, "ncpus too large")
	}
	if err := checkFlags(uint32(args.Flags), uint32(libvirt.TypedParamStringOkay), "virDomainGetCPUStats"); err != nil {
		return nil, err
	}
	if args.StartCPU < -1 || args.StartCPU == -1 && args.Ncpus != 1 || args.Ncpus == 0 && args.Nparams != 0 {
		return nil, virterror.New(libvirt.ErrInvalidArg, "invalid combination of start_cpu %d, ncpus %d and nparams %d in virDomainGetCPUStats", args.StartCPU, args.Ncpus, args.Nparams)
	}
	st, err := s.runningStats(ctx, args.Dom.UUID)
	if err != nil {
		return nil, err
	}
	if args.StartCPU == -1 {
		if args.Nparams == 0 {
			return &libvirt.DomainGetCPUStatsRet{Nparams: cpuStatsTotalParams}, nil
		}
		all := []libvirt.TypedParam{
			{Field: libvirt.DomainCPUStatsCputime, Value: *libvirt.NewTypedParamValueUllong(st.CPUTimeNs)},
			{Field: libvirt.DomainCPUStatsUsertime, Value: *libvirt.NewTypedParamValueUllong(st.CPUUserNs)},
			{Field: libvirt.DomainCPUStatsSystemtime, Value: *libvirt.NewTypedParamValueUllong(st.CPUSystemNs)},
		}
		n := min(int(args.Nparams), len(all))
		return &libvirt.DomainGetCPUStatsRet{Params: all[:n], Nparams: int32(n)}, nil
	}
	if args.Nparams == 0 && args.Ncpus != 0 {
		return &libvirt.DomainGetCPUStatsRet{Nparams: cpuStatsPerCPU}, nil
	}
	total := len(st.PerCPUNs)
	if total == 0 {
		return nil, virterror.New(libvirt.ErrOperationUnsupported, "per-CPU time is not accounted by this host's cgroups")
	}
	if args.Ncpus == 0 {
		return &libvirt.DomainGetCPUStatsRet{Nparams: int32(total)}, nil
	}
	if int(args.StartCPU) >= total {
		return nil, virterror.New(libvirt.ErrInvalidArg, "start_cpu %d larger than maximum of %d", args.StartCPU, total-1)
	}
	ret := &libvirt.DomainGetCPUStatsRet{Nparams: cpuStatsPerCPU}
	for cpu := int(args.StartCPU); cpu < min(total, int(args.StartCPU)+int(args.Ncpus)); cpu++ {
		ret.Params = append(ret.Params, libvirt.TypedParam{Field: libvirt.DomainCPUStatsCputime, Value: *libvirt.NewTypedParamValueUllong(st.PerCPUNs[cpu])})
	}
	return ret, nil
}

// Counts of virNodeGetCPUStats and virNodeGetMemoryStats parameters on
// Linux.
const (
	nodeCPUStatsParams        = 4
	nodeMemoryStatsAllParams  = 4
	nodeMemoryStatsCellParams = 2
)

// nodeGetCPUStats serves virNodeGetCPUStats (`virsh nodecpustats`).
func (s *Server) nodeGetCPUStats(ctx context.Context, c *conn, args *libvirt.NodeGetCPUStatsArgs) (*libvirt.NodeGetCPUStatsRet, error) {
	if args.Nparams < 0 || args.Nparams > proto.NodeCPUStatsMax {
		return nil, virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "nparams too large")
	}
	if err := checkFlags(args.Flags, 0, "virNodeGetCPUStats"); err != nil {
		return nil, err
	}
	if args.Nparams == 0 {
		return &libvirt.NodeGetCPUStatsRet{Nparams: nodeCPUStatsParams}, nil
	}
	if args.Nparams != nodeCPUStatsParams {
		return nil, virterror.New(libvirt.ErrInvalidArg, "nparams in virNodeGetCPUStats must be equal to %d", nodeCPUStatsParams)
	}
	h, err := s.host("virNodeGetCPUStats")
	if err != nil {
		return nil, err
	}
	stats, err := h.NodeCPUStats(ctx, int(args.CPUNum))
	if err != nil {
		return nil, err
	}
	ret := &libvirt.NodeGetCPUStatsRet{Nparams: int32(len(stats))}
	for _, st := range stats {
		ret.Params = append(ret.Params, libvirt.NodeGetCPUStats{Field: st.Field, Value: st.Value})
	}
	return ret, nil
}

// nodeGetMemoryStats serves virNodeGetMemoryStats (`virsh nodememstats`).
func (s *Server) nodeGetMemoryStats(ctx context.Context, c *conn, args *libvirt.NodeGetMemoryStatsArgs) (*libvirt.NodeGetMemoryStatsRet, error) {
	if args.Nparams < 0 || args.Nparams > proto.NodeMemoryStatsMax {
		return nil, virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "nparams too large")
	}
	if err := checkFlags(args.Flags, 0, "virNodeGetMemoryStats"); err != nil {
		return nil, err
	}
	want := nodeMemoryStatsAllParams
	if args.CellNum >= 0 {
		want = nodeMemoryStatsCellParams
	}
	if args.Nparams == 0 {
		return &libvirt.NodeGetMemoryStatsRet{Nparams: int32(want)}, nil
	}
	if int(args.Nparams) != want {
		return nil, virterror.New(libvirt.ErrInvalidArg, "nparams in virNodeGetMemoryStats must be %d", want)
	}
	h, err := s.host("virNodeGetMemoryStats")
	if err != nil {
		return nil, err
	}
	stats, err := h.NodeMemoryStats(ctx, int(args.CellNum))
	if err != nil {
		return nil, err
	}
	ret := &libvirt.NodeGetMemoryStatsRet{Nparams: int32(len(stats))}
	for _, st := range stats {
		ret.Params = append(ret.Params, libvirt.NodeGetMemoryStats{Field: st.Field, Value: st.Value})
	}
	return ret, nil
}

// domainInterfaceAddresses serves virDomainInterfaceAddresses (`virsh
// domifaddr`) as libvirt's LXC driver does: the lease source knows only
// leases of libvirt's own networks, which lxcvirtd has none of (an empty
// list); the ARP source matches the interfaces' MAC addresses against the
// host's ARP table; there is no guest agent.
func (s *Server) domainInterfaceAddresses(ctx context.Context, c *conn, args *libvirt.DomainInterfaceAddressesArgs) (*libvirt.DomainInterfaceAddressesRet, error) {
	if err := checkFlags(args.Flags, 0, "virDomainInterfaceAddresses"); err != nil {
		return nil, err
	}
	st, err := s.runningStats(ctx, args.Dom.UUID)
	if err != nil {
		return nil, err
	}
	ret := &libvirt.DomainInterfaceAddressesRet{}
	switch libvirt.DomainInterfaceAddressesSource(args.Source) {
	case libvirt.DomainInterfaceAddressesSrcLease:
		return s.leaseAddresses(ctx, c, args.Dom.UUID)
	case libvirt.DomainInterfaceAddressesSrcArp:
	default:
		return nil, virterror.New(libvirt.ErrArgumentUnsupported, "Unknown IP address data source %d", args.Source)
	}
	h, err := s.host("virDomainInterfaceAddresses")
	if err != nil {
		return nil, err
	}
	table, err := h.ARPTable(ctx)
	if err != nil {
		return nil, err
	}
	for _, ifc := range st.Interfaces {
		mac, err := net.ParseMAC(ifc.MAC)
		if err != nil {
			continue
		}
		for _, n := range table {
			if n.MAC == mac.String() {
				ret.Ifaces = append(ret.Ifaces, libvirt.DomainInterface{
					Name:   ifc.Name,
					Hwaddr: libvirt.OptString{mac.String()},
					Addrs:  []libvirt.DomainIPAddr{{Type: int32(libvirt.IPAddrTypeIpv4), Addr: n.IP}},
				})
			}
		}
	}
	return ret, nil
}

func errNotRunning() error {
	return virterror.New(libvirt.ErrOperationInvalid, "domain is not running")
}
