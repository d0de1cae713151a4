package server

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"

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

// namespaces are the namespaces virDomainLxcOpenNamespace passes, in
// libvirt's order (virProcessGetNamespaces); a missing one is skipped.
var namespaces = []string{"user", "ipc", "uts", "net", "pid", "mnt"}

// lxcOpenNamespace serves virDomainLxcOpenNamespace (the LXC program's
// procedure 1, used by `virsh lxc-enter-namespace`): the container init's
// namespace descriptors, opened by the daemon itself from /proc. The
// domain's ID is its init's host PID; the PID is pinned with a pidfd and
// confirmed with the driver, so a PID reused after the container stopped
// cannot hand out another process's namespaces.
func (s *Server) lxcOpenNamespace(ctx context.Context, c *conn, args *proto.LXCDomainOpenNamespaceArgs) error {
	if err := checkFlags(args.Flags, 0, "virDomainLxcOpenNamespace"); err != nil {
		return err
	}
	if !c.canPassFDs() {
		return virterror.New(libvirt.ErrOperationUnsupported, "passing file descriptors needs a unix socket connection")
	}
	pid, err := s.initPID(ctx, args.Dom.UUID)
	if err != nil {
		return err
	}
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return errNotRunning()
	}
	defer unix.Close(pidfd)
	if again, err := s.initPID(ctx, args.Dom.UUID); err != nil {
		return err
	} else if again != pid {
		return errNotRunning()
	}
	files, err := openNamespaces("/proc", pid)
	if err != nil {
		return err
	}
	if err := unix.PidfdSendSignal(pidfd, 0, nil, 0); err != nil {
		closeFiles(files)
		return errNotRunning()
	}
	return attachFiles(ctx, files...)
}

// initPID is the running domain's ID: its init's host PID.
func (s *Server) initPID(ctx context.Context, u libvirt.UUID) (int, error) {
	d, err := s.drv().LookupByUUID(ctx, u)
	if err != nil {
		return 0, err
	}
	if d.ID <= 0 {
		return 0, errNotRunning()
	}
	return int(d.ID), nil
}

func errNotRunning() error {
	return virterror.New(libvirt.ErrOperationInvalid, "domain is not running")
}

// openNamespaces opens /proc/<pid>/ns/<ns> for each namespace.
func openNamespaces(procRoot string, pid int) ([]*os.File, error) {
	var files []*os.File
	for _, ns := range namespaces {
		p := filepath.Join(procRoot, strconv.Itoa(pid), "ns", ns)
		f, err := os.OpenFile(p, os.O_RDONLY|unix.O_CLOEXEC, 0)
		switch {
		case errors.Is(err, os.ErrNotExist) && ns == "user":
			continue // kernels without user namespaces
		case err != nil:
			closeFiles(files)
			if errors.Is(err, os.ErrNotExist) {
				return nil, errNotRunning()
			}
			return nil, virterror.New(libvirt.ErrSystemError, "%s", fmt.Sprintf("cannot open %s: %v", p, err))
		}
		files = append(files, f)
	}
	return files, nil
}
