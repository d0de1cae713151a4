package driver

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// listFlags are the VIR_CONNECT_LIST_DOMAINS_* bits ListAll understands.
const listFlags = uint32(libvirt.ConnectListDomainsActive | libvirt.ConnectListDomainsInactive |
	libvirt.ConnectListDomainsPersistent | libvirt.ConnectListDomainsTransient |
	libvirt.ConnectListDomainsRunning | libvirt.ConnectListDomainsPaused |
	libvirt.ConnectListDomainsShutoff | libvirt.ConnectListDomainsOther |
	libvirt.ConnectListDomainsManagedsave | libvirt.ConnectListDomainsNoManagedsave |
	libvirt.ConnectListDomainsAutostart | libvirt.ConnectListDomainsNoAutostart |
	libvirt.ConnectListDomainsHasSnapshot | libvirt.ConnectListDomainsNoSnapshot |
	libvirt.ConnectListDomainsHasCheckpoint | libvirt.ConnectListDomainsNoCheckpoint)

// ListAll lists the domains, sorted by name, that match flags; flags work as
// in virConnectListAllDomains: within each group (active/inactive,
// persistent/transient, state, managed save, autostart, snapshot,
// checkpoint) a domain must match one set bit, and a group without bits set
// matches all. It reads the state kept in memory and never runs a process.
func (l *LXC) ListAll(_ context.Context, flags uint32) ([]driverapi.Status, error) {
	if err := checkFlags("virConnectListAllDomains", flags, listFlags); err != nil {
		return nil, err
	}
	doms := l.tab.all()
	out := make([]driverapi.Status, 0, len(doms))
	for _, d := range doms {
		if st, ok := l.observe(d); ok && driverapi.MatchList(st, flags) {
			out = append(out, st)
		}
	}
	return out, nil
}
