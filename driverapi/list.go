package driverapi

import libvirt "github.com/digitalocean/go-libvirt"

// MatchList applies ListAll's flag groups (VIR_CONNECT_LIST_DOMAINS_*) to
// one domain; virConnectGetAllDomainStats filters with the same bits.
func MatchList(st Status, flags uint32) bool {
	group := func(mask uint32, match uint32) bool {
		return flags&mask == 0 || flags&match != 0
	}
	f := func(bit libvirt.ConnectListAllDomainsFlags) uint32 { return uint32(bit) }
	pick := func(cond bool, yes, no libvirt.ConnectListAllDomainsFlags) uint32 {
		if cond {
			return f(yes)
		}
		return f(no)
	}
	active := st.ID >= 0
	var state libvirt.ConnectListAllDomainsFlags
	switch st.State {
	case libvirt.DomainRunning:
		state = libvirt.ConnectListDomainsRunning
	case libvirt.DomainPaused:
		state = libvirt.ConnectListDomainsPaused
	case libvirt.DomainShutoff:
		state = libvirt.ConnectListDomainsShutoff
	default:
		state = libvirt.ConnectListDomainsOther
	}
	stateMask := f(libvirt.ConnectListDomainsRunning) | f(libvirt.ConnectListDomainsPaused) |
		f(libvirt.ConnectListDomainsShutoff) | f(libvirt.ConnectListDomainsOther)
	return group(f(libvirt.ConnectListDomainsActive)|f(libvirt.ConnectListDomainsInactive),
		pick(active, libvirt.ConnectListDomainsActive, libvirt.ConnectListDomainsInactive)) &&
		group(f(libvirt.ConnectListDomainsPersistent)|f(libvirt.ConnectListDomainsTransient),
			pick(st.Persistent, libvirt.ConnectListDomainsPersistent, libvirt.ConnectListDomainsTransient)) &&
		group(stateMask, f(state)) &&
		group(f(libvirt.ConnectListDomainsManagedsave)|f(libvirt.ConnectListDomainsNoManagedsave),
			pick(st.ManagedSave, libvirt.ConnectListDomainsManagedsave, libvirt.ConnectListDomainsNoManagedsave)) &&
		group(f(libvirt.ConnectListDomainsAutostart)|f(libvirt.ConnectListDomainsNoAutostart),
			pick(st.Autostart, libvirt.ConnectListDomainsAutostart, libvirt.ConnectListDomainsNoAutostart)) &&
		group(f(libvirt.ConnectListDomainsHasSnapshot)|f(libvirt.ConnectListDomainsNoSnapshot),
			f(libvirt.ConnectListDomainsNoSnapshot)) &&
		group(f(libvirt.ConnectListDomainsHasCheckpoint)|f(libvirt.ConnectListDomainsNoCheckpoint),
			f(libvirt.ConnectListDomainsNoCheckpoint))
}
