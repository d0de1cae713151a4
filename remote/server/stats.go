package server

import (
	"context"
	"fmt"
	"slices"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Stats groups (virDomainStatsTypes) and flags of virConnectGetAllDomainStats.
const (
	statsState     = 1 << 0
	statsCPUTotal  = 1 << 1
	statsBalloon   = 1 << 2
	statsVCPU      = 1 << 3
	statsInterface = 1 << 4
	statsSupported = statsState | statsCPUTotal | statsBalloon | statsVCPU | statsInterface

	statsListFilters  = 0xff // the VIR_CONNECT_LIST_DOMAINS_* filter bits
	statsNoWait       = 1 << 29
	statsBacking      = 1 << 30
	statsEnforceStats = 1 << 31
)

// getAllDomainStats serves virConnectGetAllDomainStats and
// virDomainListGetStats from the driver's counters.
func (s *Server) getAllDomainStats(ctx context.Context, c *conn, args *libvirt.ConnectGetAllDomainStatsArgs) (*libvirt.ConnectGetAllDomainStatsRet, error) {
	api := "virConnectGetAllDomainStats"
	if err := checkFlags(args.Flags, statsListFilters|statsNoWait|statsBacking|statsEnforceStats, api); err != nil {
		return nil, err
	}
	groups := args.Stats
	if groups == 0 {
		groups = statsSupported
	} else if extra := groups &^ statsSupported; extra != 0 {
		if args.Flags&statsEnforceStats != 0 {
			return nil, virterror.New(libvirt.ErrNoSupport, "Stats types bits 0x%x are not supported by this daemon", extra)
		}
		groups &= statsSupported
	}
	// One driver call gathers the domains and their counters, so a domain
	// created or removed meanwhile is either in the answer or not, never
	// an error; named domains that do not exist are left out, as
	// libvirt's virDomainListGetStats does, and both forms honour the
	// list filters.
	var uuids []driverapi.UUID
	for _, d := range args.Doms {
		uuids = append(uuids, d.UUID)
	}
	stats, err := s.drv().Stats(ctx, uuids)
	if err != nil {
		return nil, err
	}
	filter := args.Flags & statsListFilters
	stats = slices.DeleteFunc(stats, func(st driverapi.Stats) bool { return !driverapi.MatchList(st.Status, filter) })
	ret := &libvirt.ConnectGetAllDomainStatsRet{}
	for _, st := range stats {
		ret.RetStats = append(ret.RetStats, libvirt.DomainStatsRecord{Dom: wireDomain(st.Domain), Params: statsParams(st, groups)})
	}
	return ret, nil
}

// statsParams renders one domain's counters as libvirt's typed parameters.
func statsParams(st driverapi.Stats, groups uint32) []libvirt.TypedParam {
	var p []libvirt.TypedParam
	add := func(field string, v *libvirt.TypedParamValue) {
		p = append(p, libvirt.TypedParam{Field: field, Value: *v})
	}
	if groups&statsState != 0 {
		add(libvirt.DomainStatsStateState, libvirt.NewTypedParamValueInt(int32(st.State)))
		add(libvirt.DomainStatsStateReason, libvirt.NewTypedParamValueInt(st.Reason))
	}
	active := st.ID != -1
	if !active {
		return p
	}
	if groups&statsCPUTotal != 0 {
		add(libvirt.DomainStatsCPUTime, libvirt.NewTypedParamValueUllong(st.CPUTimeNs))
		add(libvirt.DomainStatsCPUUser, libvirt.NewTypedParamValueUllong(st.CPUUserNs))
		add(libvirt.DomainStatsCPUSystem, libvirt.NewTypedParamValueUllong(st.CPUSystemNs))
	}
	if groups&statsBalloon != 0 {
		add(libvirt.DomainStatsBalloonCurrent, libvirt.NewTypedParamValueUllong(st.MemKiB))
		add(libvirt.DomainStatsBalloonMaximum, libvirt.NewTypedParamValueUllong(st.MaxMemKiB))
		add(libvirt.DomainStatsBalloonRss, libvirt.NewTypedParamValueUllong(st.MemKiB))
	}
	if groups&statsVCPU != 0 {
		add(libvirt.DomainStatsVCPUCurrent, libvirt.NewTypedParamValueUint(uint32(st.VCPUs)))
		add(libvirt.DomainStatsVCPUMaximum, libvirt.NewTypedParamValueUint(uint32(st.VCPUs)))
	}
	if groups&statsInterface != 0 {
		add(libvirt.DomainStatsNetCount, libvirt.NewTypedParamValueUint(uint32(len(st.Interfaces))))
		for i, ifc := range st.Interfaces {
			pre := fmt.Sprintf("%s%d", libvirt.DomainStatsNetPrefix, i)
			add(pre+libvirt.DomainStatsNetSuffixName, libvirt.NewTypedParamValueString(ifc.Name))
			add(pre+libvirt.DomainStatsNetSuffixRxBytes, libvirt.NewTypedParamValueUllong(ifc.RxBytes))
			add(pre+libvirt.DomainStatsNetSuffixRxPkts, libvirt.NewTypedParamValueUllong(ifc.RxPackets))
			add(pre+libvirt.DomainStatsNetSuffixRxErrs, libvirt.NewTypedParamValueUllong(ifc.RxErrs))
			add(pre+libvirt.DomainStatsNetSuffixRxDrop, libvirt.NewTypedParamValueUllong(ifc.RxDrop))
			add(pre+libvirt.DomainStatsNetSuffixTxBytes, libvirt.NewTypedParamValueUllong(ifc.TxBytes))
			add(pre+libvirt.DomainStatsNetSuffixTxPkts, libvirt.NewTypedParamValueUllong(ifc.TxPackets))
			add(pre+libvirt.DomainStatsNetSuffixTxErrs, libvirt.NewTypedParamValueUllong(ifc.TxErrs))
			add(pre+libvirt.DomainStatsNetSuffixTxDrop, libvirt.NewTypedParamValueUllong(ifc.TxDrop))
		}
	}
	return p
}
