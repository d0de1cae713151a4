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
	proc, _ := proto.Lookup(h.Program, h.Procedure)
	if e := c.check(h); e != nil {
		c.replyFailure(h, proc, e)
		return
	}
	if h.Program == proto.RemoteProgram && networkProcs[h.Procedure] && c.forwardNetwork(c.ctx, h, proc, p.Payload) {
		return
	}
	inv := c.srv.handlers.Invoker(h.Program, h.Procedure)
	if inv == nil {
		e := payload(noSupport(proc.API))
		c.log.Debug("call failed", "proc", proc.Name, "serial", h.Serial, "err", e.Text())
		c.replyFailure(h, proc, e)
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
		c.log.Debug("call failed", "proc", proc.Name, "serial", h.Serial, "err", err)
		c.replyFailure(h, proc, toPayload(err))
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

// replyFailure answers a call with e. A "not supported" answer is logged
// at info level the first time this client gets it for the procedure, so
// an operator sees what clients try without a flood from one that retries.
func (c *conn) replyFailure(h wire.Header, proc *proto.Procedure, e *wire.ErrorPayload) {
	if e.Code == int32(libvirt.ErrNoSupport) && proc != nil && c.firstNoSupport(h.Program, h.Procedure) {
		c.srv.clientLog.Info(c.log, "call not supported", "proc", proc.Name, "api", proc.API, "err", e.Text())
	}
	c.replyError(h, e)
}

// procKey names one procedure of one program.
type procKey struct {
	program uint32
	number  int32
}

// firstNoSupport records that the procedure was answered "not supported"
// and reports whether that is the first time on this connection. The set
// is bounded by the procedure table: unknown procedures never get here.
func (c *conn) firstNoSupport(program uint32, number int32) bool {
	k := procKey{program, number}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.noSupport[k] {
		return false
	}
	if c.noSupport == nil {
		c.noSupport = map[procKey]bool{}
	}
	c.noSupport[k] = true
	return true
}

// readOnlyAccess reports whether the client is read-only: by its socket or
// by the flag it opened with.
func (c *conn) readOnlyAccess() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ro
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
