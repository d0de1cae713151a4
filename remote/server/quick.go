package server

import (
	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// Calls answered on the spot. libvirtd runs the procedures that never wait
// for a domain's job ("priority: high" in its protocol file) on workers of
// their own so they are answered while other calls wait. lxcvirtd goes one
// step further for the most frequent of them, DOMAIN_GET_STATE (virsh list
// sends one per domain): when the driver knows the answer from memory, the
// connection's reader replies at once instead of handing the call to a
// goroutine, a hand-off that on a busy host costs more than the call. Any
// other case, a driver that does not know at once included, takes the
// normal path (dispatch).

// statusCache is the optional part of a driver that tells a domain's
// status at once from memory, never waiting; plugin.Supervisor implements
// it with its status cache.
type statusCache interface {
	CachedStatus(uuid driverapi.UUID) (driverapi.Status, bool)
}

// answerAtOnce replies to call p from the reader when the driver knows the
// answer at once, and reports whether it did. The checks of dispatch run
// first; a call they refuse, or one whose arguments do not decode, is left
// to dispatch, which answers the error.
func (c *conn) answerAtOnce(p *wire.Packet) bool {
	sc, ok := c.srv.cfg.Driver.(statusCache)
	if !ok || p.Program != proto.RemoteProgram || p.Procedure != proto.ProcDomainGetState || c.check(p.Header) != nil {
		return false
	}
	var args libvirt.DomainGetStateArgs
	if wire.Unmarshal(p.Payload, &args) != nil || args.Flags != 0 {
		return false
	}
	st, ok := sc.CachedStatus(args.Dom.UUID)
	if !ok {
		return false
	}
	c.log.Debug("call", "proc", "DOMAIN_GET_STATE", "serial", p.Serial, "cached", true)
	c.reply(p.Header, stateRet(st))
	return true
}

// stateRet is GET_STATE's reply for st.
func stateRet(st driverapi.Status) *libvirt.DomainGetStateRet {
	return &libvirt.DomainGetStateRet{State: int32(st.State), Reason: st.Reason}
}
