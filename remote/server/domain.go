package server

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Domain handlers. Each *Flags procedure has the handler; the older
// procedure without flags calls it with 0, as libvirt's drivers do.

func wireDomain(d driverapi.Domain) libvirt.Domain {
	return libvirt.Domain{Name: d.Name, UUID: d.UUID, ID: d.ID}
}

func boolInt(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

func (s *Server) drv() driverapi.Driver { return s.cfg.Driver }

func (s *Server) lookupByName(ctx context.Context, c *conn, args *libvirt.DomainLookupByNameArgs) (*libvirt.DomainLookupByNameRet, error) {
	if err := driverapi.CheckName(args.Name); err != nil {
		return nil, err
	}
	d, err := s.drv().LookupByName(ctx, args.Name)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainLookupByNameRet{Dom: wireDomain(d)}, nil
}

func (s *Server) lookupByUUID(ctx context.Context, c *conn, args *libvirt.DomainLookupByUUIDArgs) (*libvirt.DomainLookupByUUIDRet, error) {
	d, err := s.drv().LookupByUUID(ctx, args.UUID)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainLookupByUUIDRet{Dom: wireDomain(d)}, nil
}

func (s *Server) lookupByID(ctx context.Context, c *conn, args *libvirt.DomainLookupByIDArgs) (*libvirt.DomainLookupByIDRet, error) {
	d, err := s.drv().LookupByID(ctx, args.ID)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainLookupByIDRet{Dom: wireDomain(d)}, nil
}

func (s *Server) defineXMLFlags(ctx context.Context, c *conn, args *libvirt.DomainDefineXMLFlagsArgs) (*libvirt.DomainDefineXMLFlagsRet, error) {
	if err := driverapi.CheckDefinition(args.XML); err != nil {
		return nil, err
	}
	d, err := s.drv().DefineXML(ctx, args.XML, uint32(args.Flags))
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainDefineXMLFlagsRet{Dom: wireDomain(d)}, nil
}

func (s *Server) defineXML(ctx context.Context, c *conn, args *libvirt.DomainDefineXMLArgs) (*libvirt.DomainDefineXMLRet, error) {
	r, err := s.defineXMLFlags(ctx, c, &libvirt.DomainDefineXMLFlagsArgs{XML: args.XML})
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainDefineXMLRet{Dom: r.Dom}, nil
}

func (s *Server) createXML(ctx context.Context, c *conn, args *libvirt.DomainCreateXMLArgs) (*libvirt.DomainCreateXMLRet, error) {
	if err := driverapi.CheckDefinition(args.XMLDesc); err != nil {
		return nil, err
	}
	d, err := s.drv().CreateXML(ctx, args.XMLDesc, uint32(args.Flags))
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainCreateXMLRet{Dom: wireDomain(d)}, nil
}

func (s *Server) undefineFlags(ctx context.Context, c *conn, args *libvirt.DomainUndefineFlagsArgs) error {
	return s.drv().Undefine(ctx, args.Dom.UUID, uint32(args.Flags))
}

func (s *Server) undefine(ctx context.Context, c *conn, args *libvirt.DomainUndefineArgs) error {
	return s.undefineFlags(ctx, c, &libvirt.DomainUndefineFlagsArgs{Dom: args.Dom})
}

func (s *Server) createWithFlags(ctx context.Context, c *conn, args *libvirt.DomainCreateWithFlagsArgs) (*libvirt.DomainCreateWithFlagsRet, error) {
	d, err := s.drv().Create(ctx, args.Dom.UUID, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainCreateWithFlagsRet{Dom: wireDomain(d)}, nil
}

func (s *Server) create(ctx context.Context, c *conn, args *libvirt.DomainCreateArgs) error {
	_, err := s.createWithFlags(ctx, c, &libvirt.DomainCreateWithFlagsArgs{Dom: args.Dom})
	return err
}

func (s *Server) shutdownFlags(ctx context.Context, c *conn, args *libvirt.DomainShutdownFlagsArgs) error {
	return s.drv().Shutdown(ctx, args.Dom.UUID, uint32(args.Flags))
}

func (s *Server) shutdown(ctx context.Context, c *conn, args *libvirt.DomainShutdownArgs) error {
	return s.shutdownFlags(ctx, c, &libvirt.DomainShutdownFlagsArgs{Dom: args.Dom})
}

func (s *Server) destroyFlags(ctx context.Context, c *conn, args *libvirt.DomainDestroyFlagsArgs) error {
	return s.drv().Destroy(ctx, args.Dom.UUID, uint32(args.Flags))
}

func (s *Server) destroy(ctx context.Context, c *conn, args *libvirt.DomainDestroyArgs) error {
	return s.destroyFlags(ctx, c, &libvirt.DomainDestroyFlagsArgs{Dom: args.Dom})
}

func (s *Server) reboot(ctx context.Context, c *conn, args *libvirt.DomainRebootArgs) error {
	return s.drv().Reboot(ctx, args.Dom.UUID, uint32(args.Flags))
}

func (s *Server) suspend(ctx context.Context, c *conn, args *libvirt.DomainSuspendArgs) error {
	return s.drv().Suspend(ctx, args.Dom.UUID)
}

func (s *Server) resume(ctx context.Context, c *conn, args *libvirt.DomainResumeArgs) error {
	return s.drv().Resume(ctx, args.Dom.UUID)
}

func (s *Server) getState(ctx context.Context, c *conn, args *libvirt.DomainGetStateArgs) (*libvirt.DomainGetStateRet, error) {
	if err := checkFlags(args.Flags, 0, "virDomainGetState"); err != nil {
		return nil, err
	}
	st, err := s.drv().Status(ctx, args.Dom.UUID)
	if err != nil {
		return nil, err
	}
	return stateRet(st), nil
}

func (s *Server) getInfo(ctx context.Context, c *conn, args *libvirt.DomainGetInfoArgs) (*libvirt.DomainGetInfoRet, error) {
	in, err := s.drv().Info(ctx, args.Dom.UUID)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetInfoRet{
		State:     uint8(in.State),
		MaxMem:    in.MaxMemKiB,
		Memory:    in.MemKiB,
		NrVirtCPU: in.VCPUs,
		CPUTime:   in.CPUTimeNs,
	}, nil
}

func (s *Server) getMaxMemory(ctx context.Context, c *conn, args *libvirt.DomainGetMaxMemoryArgs) (*libvirt.DomainGetMaxMemoryRet, error) {
	in, err := s.drv().Info(ctx, args.Dom.UUID)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetMaxMemoryRet{Memory: in.MaxMemKiB}, nil
}

// getVcpusFlags reports the vCPU count; a container's current and maximum
// counts are the same, live and in its definition.
func (s *Server) getVcpusFlags(ctx context.Context, c *conn, args *libvirt.DomainGetVcpusFlagsArgs) (*libvirt.DomainGetVcpusFlagsRet, error) {
	allowed := uint32(libvirt.DomainVCPULive | libvirt.DomainVCPUConfig | libvirt.DomainVCPUMaximum)
	if err := checkFlags(args.Flags, allowed, "virDomainGetVcpusFlags"); err != nil {
		return nil, err
	}
	in, err := s.drv().Info(ctx, args.Dom.UUID)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetVcpusFlagsRet{Num: int32(in.VCPUs)}, nil
}

func (s *Server) getOSType(ctx context.Context, c *conn, args *libvirt.DomainGetOsTypeArgs) (*libvirt.DomainGetOsTypeRet, error) {
	if _, err := s.drv().LookupByUUID(ctx, args.Dom.UUID); err != nil {
		return nil, err
	}
	return &libvirt.DomainGetOsTypeRet{Type: "exe"}, nil
}

// getXMLDesc refuses the secure and migratable forms to a read-only
// client, as libvirt's virDomainGetXMLDesc does.
func (s *Server) getXMLDesc(ctx context.Context, c *conn, args *libvirt.DomainGetXMLDescArgs) (*libvirt.DomainGetXMLDescRet, error) {
	if c.readOnlyAccess() && args.Flags&(libvirt.DomainXMLSecure|libvirt.DomainXMLMigratable) != 0 {
		return nil, virterror.NewFrom(virterror.FromDomain, libvirt.ErrOperationDenied, "virDomainGetXMLDesc with secure flag")
	}
	xml, err := s.drv().XMLDesc(ctx, args.Dom.UUID, uint32(args.Flags))
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetXMLDescRet{XML: xml}, nil
}

func (s *Server) status(ctx context.Context, dom libvirt.Domain) (driverapi.Status, error) {
	return s.drv().Status(ctx, dom.UUID)
}

func (s *Server) isActive(ctx context.Context, c *conn, args *libvirt.DomainIsActiveArgs) (*libvirt.DomainIsActiveRet, error) {
	st, err := s.status(ctx, args.Dom)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainIsActiveRet{Active: boolInt(st.ID != -1)}, nil
}

func (s *Server) isPersistent(ctx context.Context, c *conn, args *libvirt.DomainIsPersistentArgs) (*libvirt.DomainIsPersistentRet, error) {
	st, err := s.status(ctx, args.Dom)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainIsPersistentRet{Persistent: boolInt(st.Persistent)}, nil
}

// isUpdated is always 0: a running container's definition cannot be
// changed without restarting it, so live and persistent never differ.
func (s *Server) isUpdated(ctx context.Context, c *conn, args *libvirt.DomainIsUpdatedArgs) (*libvirt.DomainIsUpdatedRet, error) {
	if _, err := s.status(ctx, args.Dom); err != nil {
		return nil, err
	}
	return &libvirt.DomainIsUpdatedRet{}, nil
}

func (s *Server) getAutostart(ctx context.Context, c *conn, args *libvirt.DomainGetAutostartArgs) (*libvirt.DomainGetAutostartRet, error) {
	st, err := s.status(ctx, args.Dom)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetAutostartRet{Autostart: boolInt(st.Autostart)}, nil
}

func (s *Server) setAutostart(ctx context.Context, c *conn, args *libvirt.DomainSetAutostartArgs) error {
	return s.drv().SetAutostart(ctx, args.Dom.UUID, args.Autostart != 0)
}

// getSecurityLabel returns the empty label of the "none" security model.
func (s *Server) getSecurityLabel(ctx context.Context, c *conn, args *libvirt.DomainGetSecurityLabelArgs) (*libvirt.DomainGetSecurityLabelRet, error) {
	if _, err := s.status(ctx, args.Dom); err != nil {
		return nil, err
	}
	return &libvirt.DomainGetSecurityLabelRet{Label: cString("")}, nil
}

// getMessages reports no messages: lxcvirtd records no tainting.
func (s *Server) getMessages(ctx context.Context, c *conn, args *libvirt.DomainGetMessagesArgs) (*libvirt.DomainGetMessagesRet, error) {
	if _, err := s.status(ctx, args.Dom); err != nil {
		return nil, err
	}
	return &libvirt.DomainGetMessagesRet{}, nil
}

// listAllDomains lists with the driver's VIR_CONNECT_LIST_DOMAINS_* filter.
func (s *Server) listAllDomains(ctx context.Context, c *conn, args *libvirt.ConnectListAllDomainsArgs) (*libvirt.ConnectListAllDomainsRet, error) {
	all, err := s.drv().ListAll(ctx, uint32(args.Flags))
	if err != nil {
		return nil, err
	}
	if err := checkListMax(len(all), proto.DomainListMax); err != nil {
		return nil, err
	}
	ret := &libvirt.ConnectListAllDomainsRet{Ret: uint32(len(all))}
	if args.NeedResults != 0 {
		for _, st := range all {
			ret.Domains = append(ret.Domains, wireDomain(st.Domain))
		}
	}
	return ret, nil
}

func checkListMax(n, max int) error {
	if n > max {
		return virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "Too many domains '%d' for limit '%d'", n, max)
	}
	return nil
}

func (s *Server) listFiltered(ctx context.Context, flags libvirt.ConnectListAllDomainsFlags) ([]driverapi.Status, error) {
	return s.drv().ListAll(ctx, uint32(flags))
}

func (s *Server) numOfDomains(ctx context.Context, c *conn) (*libvirt.ConnectNumOfDomainsRet, error) {
	l, err := s.listFiltered(ctx, libvirt.ConnectListDomainsActive)
	if err != nil {
		return nil, err
	}
	return &libvirt.ConnectNumOfDomainsRet{Num: int32(len(l))}, nil
}

func (s *Server) listDomains(ctx context.Context, c *conn, args *libvirt.ConnectListDomainsArgs) (*libvirt.ConnectListDomainsRet, error) {
	if args.Maxids < 0 || args.Maxids > proto.DomainListMax {
		return nil, virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "maxids > REMOTE_DOMAIN_LIST_MAX")
	}
	l, err := s.listFiltered(ctx, libvirt.ConnectListDomainsActive)
	if err != nil {
		return nil, err
	}
	ret := &libvirt.ConnectListDomainsRet{}
	for _, st := range l[:min(len(l), int(args.Maxids))] {
		ret.Ids = append(ret.Ids, st.ID)
	}
	return ret, nil
}

func (s *Server) numOfDefinedDomains(ctx context.Context, c *conn) (*libvirt.ConnectNumOfDefinedDomainsRet, error) {
	l, err := s.listFiltered(ctx, libvirt.ConnectListDomainsInactive)
	if err != nil {
		return nil, err
	}
	return &libvirt.ConnectNumOfDefinedDomainsRet{Num: int32(len(l))}, nil
}

func (s *Server) listDefinedDomains(ctx context.Context, c *conn, args *libvirt.ConnectListDefinedDomainsArgs) (*libvirt.ConnectListDefinedDomainsRet, error) {
	if args.Maxnames < 0 || args.Maxnames > proto.DomainListMax {
		return nil, virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "maxnames > REMOTE_DOMAIN_LIST_MAX")
	}
	l, err := s.listFiltered(ctx, libvirt.ConnectListDomainsInactive)
	if err != nil {
		return nil, err
	}
	ret := &libvirt.ConnectListDefinedDomainsRet{}
	for _, st := range l[:min(len(l), int(args.Maxnames))] {
		ret.Names = append(ret.Names, st.Name)
	}
	return ret, nil
}
