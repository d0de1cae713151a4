package server

import (
	"context"
	"encoding/binary"
	"net"
	"os"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Replies with file descriptors (REPLY_WITH_FDS), as libvirtd sends them
// (src/rpc/virnetserverprogram.c, virnetserverclient.c): the packet is the
// header with type REPLY_WITH_FDS, then the number of descriptors as an XDR
// unsigned int, then the result payload; after the whole packet each
// descriptor follows in a message of its own, one zero byte carrying one
// SCM_RIGHTS descriptor.

// numFDsMax is VIR_NET_MESSAGE_NUM_FDS_MAX.
const numFDsMax = 32

// replyFiles collects the files a handler answers with; dispatch sends them
// after the reply and closes them.
type replyFiles struct{ files []*os.File }

type replyFilesKey struct{}

func withReplyFiles(ctx context.Context) (context.Context, *replyFiles) {
	rf := &replyFiles{}
	return context.WithValue(ctx, replyFilesKey{}, rf), rf
}

// attachFiles hands files to the reply of the call ctx belongs to; they
// are closed once sent (or when the call fails).
func attachFiles(ctx context.Context, files ...*os.File) error {
	rf, _ := ctx.Value(replyFilesKey{}).(*replyFiles)
	if rf == nil {
		closeFiles(files)
		return virterror.New(libvirt.ErrInternalError, "this call cannot pass file descriptors")
	}
	rf.files = append(rf.files, files...)
	return nil
}

func (rf *replyFiles) close() {
	closeFiles(rf.files)
	rf.files = nil
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// canPassFDs reports whether the client's connection can carry descriptors.
func (c *conn) canPassFDs() bool {
	_, ok := c.nc.(*net.UnixConn)
	return ok
}

// replyWithFiles answers call h with ret and files, holding the write lock
// from the packet to the last descriptor so nothing comes in between.
func (c *conn) replyWithFiles(h wire.Header, ret any, files []*os.File) {
	uc, ok := c.nc.(*net.UnixConn)
	if !ok || len(files) > numFDsMax {
		c.replyError(h, internalError("cannot pass %d file descriptors on this connection", len(files)))
		return
	}
	payload, err := wire.Marshal(ret)
	if err != nil {
		c.replyError(h, internalError("cannot encode the reply: %v", err))
		return
	}
	body := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(payload)), uint32(len(files)))
	body = append(body, payload...)
	h.Type, h.Status = wire.ReplyWithFDs, wire.OK
	buf, err := wire.AppendPacket(nil, h, body)
	if err != nil {
		c.replyError(h, internalError("cannot frame the reply: %v", err))
		return
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.writeLocked(buf); err != nil {
		return
	}
	for _, f := range files {
		if _, _, err := uc.WriteMsgUnix([]byte{0}, unix.UnixRights(int(f.Fd())), nil); err != nil {
			c.log.Debug("sending a file descriptor failed; dropping client", "err", err)
			c.abort()
			return
		}
	}
}

// lxcOpenNamespace serves virDomainLxcOpenNamespace (the LXC program's
// procedure 1, used by `virsh lxc-enter-namespace`): the container init's
// namespace descriptors, which the driver opens (driverapi.NamespaceOpener).
func (s *Server) lxcOpenNamespace(ctx context.Context, c *conn, args *proto.LXCDomainOpenNamespaceArgs) error {
	if err := checkFlags(args.Flags, 0, "virDomainLxcOpenNamespace"); err != nil {
		return err
	}
	if !c.canPassFDs() {
		return virterror.New(libvirt.ErrOperationUnsupported, "passing file descriptors needs a unix socket connection")
	}
	op, ok := s.drv().(driverapi.NamespaceOpener)
	if !ok {
		return noSupport("virDomainLxcOpenNamespace")
	}
	files, err := op.OpenNamespaces(ctx, args.Dom.UUID)
	if err != nil {
		return err
	}
	return attachFiles(ctx, files...)
}
