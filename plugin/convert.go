package plugin

import (
	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// The conversions below are the only place that knows both the driver types
// and their protobuf mirrors. Empty repeated fields come back as nil slices.

func domainToPB(d driverapi.Domain) *pb.Domain {
	return &pb.Domain{Name: d.Name, Uuid: d.UUID[:], Id: d.ID}
}

// domainFromPB converts a domain; a missing or malformed UUID is an error so
// that a bad peer cannot make a zero UUID look valid.
func domainFromPB(d *pb.Domain) (driverapi.Domain, error) {
	if d == nil {
		return driverapi.Domain{}, virterror.New(libvirt.ErrRPC, "plugin reply carries no domain")
	}
	u, err := uuidFromPB(d.GetUuid())
	if err != nil {
		return driverapi.Domain{}, err
	}
	return driverapi.Domain{Name: d.GetName(), UUID: u, ID: d.GetId()}, nil
}

func uuidFromPB(b []byte) (driverapi.UUID, error) {
	var u driverapi.UUID
	if len(b) != len(u) {
		return u, virterror.New(libvirt.ErrInvalidArg, "uuid must be %d bytes, got %d", len(u), len(b))
	}
	copy(u[:], b)
	return u, nil
}

func statusToPB(s driverapi.Status) *pb.Status {
	return &pb.Status{
		Domain:      domainToPB(s.Domain),
		State:       int32(s.State),
		Reason:      s.Reason,
		Persistent:  s.Persistent,
		Autostart:   s.Autostart,
		ManagedSave: s.ManagedSave,
	}
}

func statusFromPB(s *pb.Status) (driverapi.Status, error) {
	if s == nil {
		return driverapi.Status{}, virterror.New(libvirt.ErrRPC, "plugin reply carries no status")
	}
	d, err := domainFromPB(s.GetDomain())
	if err != nil {
		return driverapi.Status{}, err
	}
	return driverapi.Status{
		Domain:      d,
		State:       libvirt.DomainState(s.GetState()),
		Reason:      s.GetReason(),
		Persistent:  s.GetPersistent(),
		Autostart:   s.GetAutostart(),
		ManagedSave: s.GetManagedSave(),
	}, nil
}

func statusesToPB(in []driverapi.Status) []*pb.Status {
	out := make([]*pb.Status, len(in))
	for i, s := range in {
		out[i] = statusToPB(s)
	}
	return out
}

func statusesFromPB(in []*pb.Status) ([]driverapi.Status, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]driverapi.Status, len(in))
	for i, s := range in {
		var err error
		if out[i], err = statusFromPB(s); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func infoToPB(i driverapi.Info) *pb.Info {
	return &pb.Info{
		State:     int32(i.State),
		MaxMemKib: i.MaxMemKiB,
		MemKib:    i.MemKiB,
		Vcpus:     uint32(i.VCPUs),
		CpuTimeNs: i.CPUTimeNs,
	}
}

func infoFromPB(i *pb.Info) driverapi.Info {
	return driverapi.Info{
		State:     libvirt.DomainState(i.GetState()),
		MaxMemKiB: i.GetMaxMemKib(),
		MemKiB:    i.GetMemKib(),
		VCPUs:     uint16(i.GetVcpus()),
		CPUTimeNs: i.GetCpuTimeNs(),
	}
}

func statsToPB(in []driverapi.Stats) []*pb.Stats {
	out := make([]*pb.Stats, len(in))
	for i, s := range in {
		ifs := make([]*pb.InterfaceStats, len(s.Interfaces))
		for j, n := range s.Interfaces {
			ifs[j] = &pb.InterfaceStats{
				Name:      n.Name,
				Mac:       n.MAC,
				RxBytes:   n.RxBytes,
				RxPackets: n.RxPackets,
				RxErrs:    n.RxErrs,
				RxDrop:    n.RxDrop,
				TxBytes:   n.TxBytes,
				TxPackets: n.TxPackets,
				TxErrs:    n.TxErrs,
				TxDrop:    n.TxDrop,
			}
		}
		out[i] = &pb.Stats{
			Status:      statusToPB(s.Status),
			CpuTimeNs:   s.CPUTimeNs,
			CpuUserNs:   s.CPUUserNs,
			CpuSystemNs: s.CPUSystemNs,
			PerCpuNs:    s.PerCPUNs,
			MemKib:      s.MemKiB,
			MaxMemKib:   s.MaxMemKiB,
			CurMemKib:   s.CurMemKiB,
			Vcpus:       uint32(s.VCPUs),
			Interfaces:  ifs,
		}
	}
	return out
}

func statsFromPB(in []*pb.Stats) ([]driverapi.Stats, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]driverapi.Stats, len(in))
	for i, s := range in {
		st, err := statusFromPB(s.GetStatus())
		if err != nil {
			return nil, err
		}
		var ifs []driverapi.InterfaceStats
		for _, n := range s.GetInterfaces() {
			ifs = append(ifs, driverapi.InterfaceStats{
				Name:      n.GetName(),
				MAC:       n.GetMac(),
				RxBytes:   n.GetRxBytes(),
				RxPackets: n.GetRxPackets(),
				RxErrs:    n.GetRxErrs(),
				RxDrop:    n.GetRxDrop(),
				TxBytes:   n.GetTxBytes(),
				TxPackets: n.GetTxPackets(),
				TxErrs:    n.GetTxErrs(),
				TxDrop:    n.GetTxDrop(),
			})
		}
		out[i] = driverapi.Stats{
			Status:      st,
			CPUTimeNs:   s.GetCpuTimeNs(),
			CPUUserNs:   s.GetCpuUserNs(),
			CPUSystemNs: s.GetCpuSystemNs(),
			PerCPUNs:    s.GetPerCpuNs(),
			MemKiB:      s.GetMemKib(),
			MaxMemKiB:   s.GetMaxMemKib(),
			CurMemKiB:   s.GetCurMemKib(),
			VCPUs:       uint16(s.GetVcpus()),
			Interfaces:  ifs,
		}
	}
	return out, nil
}

func uuidsToPB(in []driverapi.UUID) [][]byte {
	if len(in) == 0 {
		return nil
	}
	out := make([][]byte, len(in))
	for i := range in {
		out[i] = in[i][:]
	}
	return out
}

func uuidsFromPB(in [][]byte) ([]driverapi.UUID, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]driverapi.UUID, len(in))
	for i, b := range in {
		var err error
		if out[i], err = uuidFromPB(b); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func eventToPB(e driverapi.Event) *pb.Event {
	ev := &pb.Event{Kind: int32(e.Kind), Domain: domainToPB(e.Domain), Type: e.Type, Detail: e.Detail, Nsuri: e.NSURI, Alias: e.Alias}
	if e.Tunable != nil {
		ev.Tunable = &pb.Tunables{Params: paramsToPB(e.Tunable.Params)}
	}
	return ev
}

func eventFromPB(e *pb.Event) (driverapi.Event, error) {
	d, err := domainFromPB(e.GetDomain())
	if err != nil {
		return driverapi.Event{}, err
	}
	ev := driverapi.Event{Kind: driverapi.EventKind(e.GetKind()), Domain: d, Type: e.GetType(), Detail: e.GetDetail(), NSURI: e.GetNsuri(), Alias: e.GetAlias()}
	if t := e.GetTunable(); t != nil {
		ev.Tunable = &driverapi.Tunables{Params: paramsFromPB(t.GetParams())}
	}
	return ev, nil
}
