package server

import (
	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// beforeOpen are the calls a client may make before CONNECT_OPEN.
var beforeOpen = map[int32]bool{
	proto.ProcAuthList:               true,
	proto.ProcConnectSupportsFeature: true,
	proto.ProcConnectOpen:            true,
}

// dispatch runs one call and sends its reply. The checks follow libvirtd's
// order: program and version, status, procedure, open connection,
// read-only access, then the handler; a procedure with no handler answers
// VIR_ERR_NO_SUPPORT naming its API.
func (c *conn) dispatch(p *wire.Packet) {
	h := p.Header
	if e := c.check(h); e != nil {
		c.replyError(h, e)
		return
	}
	proc, _ := proto.Lookup(h.Program, h.Procedure)
	inv := c.srv.handlers.Invoker(h.Program, h.Procedure)
	if inv == nil {
		e := payload(noSupport(proc.API))
		c.callFailed(proc, h, e)
		c.replyError(h, e)
		return
	}
	ci := &callInfo{hdr: h}
	ctx, files := withReplyFiles(withCall(c.ctx, ci))
	defer files.close()
	ret, err := inv(ctx, c, p.Payload)
	if err != nil {
		if c.ctx.Err() != nil {
			return // the client is gone; nobody reads the answer
		}
		e := toPayload(err)
		c.callFailed(proc, h, e)
		c.replyError(h, e)
		return
	}
	c.log.Debug("call", "proc", proc.Name, "serial", h.Serial)
	if len(files.files) > 0 {
		c.replyWithFiles(h, ret, files.files)
	} else {
		c.reply(h, ret)
	}
	ci.replied()
}

// callFailed logs a call answered with an error. A "not supported" answer
// is also logged at info level, once per procedure and client, so an
// operator sees what clients try that this daemon lacks.
func (c *conn) callFailed(proc *proto.Procedure, h wire.Header, e *wire.ErrorPayload) {
	c.log.Debug("call failed", "proc", proc.Name, "serial", h.Serial, "err", e.Text())
	if libvirt.ErrorNumber(e.Code) != libvirt.ErrNoSupport {
		return
	}
	c.mu.Lock()
	first := !c.unsupported[proc.Name]
	if first {
		if c.unsupported == nil {
			c.unsupported = map[string]bool{}
		}
		c.unsupported[proc.Name] = true
	}
	c.mu.Unlock()
	if first {
		c.log.Info("not supported", "proc", proc.Name, "err", e.Text())
	}
}

// check validates a call's header against the program table and the
// connection's state, returning the error to answer with, or nil.
func (c *conn) check(h wire.Header) *wire.ErrorPayload {
	if h.Program != proto.RemoteProgram && h.Program != proto.LXCProgram {
		return rpcError("Cannot find program %d version %d", h.Program, h.Version)
	}
	if h.Version != 1 {
		return rpcError("version mismatch (actual %x, expected %x)", h.Version, 1)
	}
	if h.Status != wire.OK {
		return rpcError("Unexpected message status %d", h.Status)
	}
	if h.Type == wire.CallWithFDs {
		return newError(virterror.FromRPC, libvirt.ErrNoSupport, "file descriptor passing to lxcvirtd")
	}
	proc, ok := proto.Lookup(h.Program, h.Procedure)
	if !ok {
		return rpcError("unknown procedure: %d", h.Procedure)
	}
	c.mu.Lock()
	opened, ro := c.opened, c.ro
	c.mu.Unlock()
	if !opened && !(h.Program == proto.RemoteProgram && beforeOpen[h.Procedure]) {
		return internalError("connection not open")
	}
	if ro && !proc.ReadOnly {
		return newError(virterror.FromDomain, libvirt.ErrOperationDenied, "read only access prevents %s", proc.API)
	}
	return nil
}
