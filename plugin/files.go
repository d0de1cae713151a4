package plugin

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Descriptors across the boundary. gRPC carries none, so the host hands
// the plugin one end of a unix socketpair when it starts it (descriptor 3,
// named by filesFDEnv). A call that answers with files sends them on it as
// SCM_RIGHTS, in one message whose 8 bytes are an id, and its reply names
// the id and the count. The host runs one such call at a time and drops
// the messages of calls it abandoned.

// filesFDEnv names the plugin's descriptor socket.
const filesFDEnv = "LXCVIRT_PLUGIN_FILES_FD"

// maxFiles bounds the descriptors of one message (libvirt's
// VIR_NET_MESSAGE_NUM_FDS_MAX).
const maxFiles = 32

// filesTimeout bounds the wait for a message whose call already answered.
const filesTimeout = 10 * time.Second

// fileChannel is one end of the descriptor socket.
type fileChannel struct {
	mu   sync.Mutex // one message (plugin) or one call (host) at a time
	conn *net.UnixConn
	next uint64 // the plugin's last message id
}

// filePair makes the descriptor socket: the host's end and the plugin's.
func filePair() (host, plugin *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("descriptor socket: %w", err)
	}
	return os.NewFile(uintptr(fds[0]), "plugin-files"), os.NewFile(uintptr(fds[1]), "plugin-files"), nil
}

// newFileChannel takes over f, an end of the descriptor socket.
func newFileChannel(f *os.File) (*fileChannel, error) {
	defer f.Close()
	c, err := net.FileConn(f)
	if err != nil {
		return nil, fmt.Errorf("descriptor socket: %w", err)
	}
	uc, ok := c.(*net.UnixConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("descriptor socket is a %T", c)
	}
	return &fileChannel{conn: uc}, nil
}

func (fc *fileChannel) Close() error { return fc.conn.Close() }

// send is the plugin's side: it sends files in one message and returns
// the message's id.
func (fc *fileChannel) send(files []*os.File) (uint64, error) {
	if len(files) > maxFiles {
		return 0, fmt.Errorf("%d descriptors, at most %d go in one message", len(files), maxFiles)
	}
	fds := make([]int, len(files))
	for i, f := range files {
		fds[i] = int(f.Fd())
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.next++
	if _, _, err := fc.conn.WriteMsgUnix(binary.BigEndian.AppendUint64(nil, fc.next), unix.UnixRights(fds...), nil); err != nil {
		return 0, err
	}
	return fc.next, nil
}

// receive is the host's side: call makes the plugin send files and
// returns their message's id and count; receive returns those files.
func (fc *fileChannel) receive(ctx context.Context, call func() (uint64, int, error)) ([]*os.File, error) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	id, count, err := call()
	if err != nil {
		return nil, err
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(filesTimeout)
	}
	fc.conn.SetReadDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { fc.conn.SetReadDeadline(time.Now()) })
	defer stop()
	buf := make([]byte, 8)
	oob := make([]byte, unix.CmsgSpace(maxFiles*4))
	for {
		n, oobn, flags, _, err := fc.conn.ReadMsgUnix(buf, oob)
		if err != nil {
			return nil, virterror.New(libvirt.ErrInternalError, "cannot receive descriptors from the LXC driver plugin: %v", err)
		}
		files, err := rights(oob[:oobn])
		switch {
		case err != nil || flags&unix.MSG_CTRUNC != 0:
			closeFiles(files)
			return nil, virterror.New(libvirt.ErrInternalError, "malformed descriptors from the LXC driver plugin (%v)", err)
		case n != len(buf) || binary.BigEndian.Uint64(buf) != id:
			closeFiles(files) // a message of an abandoned call
		case len(files) != count:
			closeFiles(files)
			return nil, virterror.New(libvirt.ErrInternalError, "LXC driver plugin sent %d descriptors, announced %d", len(files), count)
		default:
			return files, nil
		}
	}
}

// rights returns the descriptors of a message's control data as files.
func rights(oob []byte) ([]*os.File, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, err
	}
	var files []*os.File
	for _, m := range msgs {
		fds, err := unix.ParseUnixRights(&m)
		if err != nil {
			return files, err
		}
		for _, fd := range fds {
			unix.CloseOnExec(fd)
			files = append(files, os.NewFile(uintptr(fd), "namespace"))
		}
	}
	return files, nil
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// pluginFiles is the plugin's end of the descriptor socket, when the host
// handed it one.
func pluginFiles() (*fileChannel, error) {
	v := os.Getenv(filesFDEnv)
	if v == "" {
		return nil, nil
	}
	var fd uintptr
	if _, err := fmt.Sscan(v, &fd); err != nil {
		return nil, fmt.Errorf("%s=%q: %w", filesFDEnv, v, err)
	}
	unix.CloseOnExec(int(fd))
	return newFileChannel(os.NewFile(fd, "plugin-files"))
}

var _ driverapi.NamespaceOpener = (*Supervisor)(nil)

func (c *Client) openNamespaces(ctx context.Context, uuid driverapi.UUID) (uint64, int, error) {
	r, err := invoke(ctx, c, "OpenNamespaces", c.rpc.OpenNamespaces, &pb.UUIDRequest{Uuid: uuid[:]},
		func(r *pb.FilesReply) (*pb.FilesReply, error) { return r, nil })
	if err != nil {
		return 0, 0, err
	}
	return r.GetId(), int(r.GetCount()), nil
}

// OpenNamespaces implements driverapi.NamespaceOpener: the plugin opens
// them and sends them on the descriptor socket.
func (s *Server) OpenNamespaces(ctx context.Context, r *pb.UUIDRequest) (*pb.FilesReply, error) {
	const method = "OpenNamespaces"
	op, ok := s.impl.(driverapi.NamespaceOpener)
	if !ok || s.files == nil {
		return nil, toStatus(method, virterror.New(libvirt.ErrNoSupport, "virDomainLxcOpenNamespace"))
	}
	return withUUID(method, r.GetUuid(), func(u driverapi.UUID) (*pb.FilesReply, error) {
		files, err := op.OpenNamespaces(ctx, u)
		if err != nil {
			return nil, toStatus(method, err)
		}
		defer closeFiles(files)
		id, err := s.files.send(files)
		if err != nil {
			return nil, toStatus(method, virterror.New(libvirt.ErrInternalError, "cannot send descriptors to the daemon: %v", err))
		}
		return &pb.FilesReply{Id: id, Count: int32(len(files))}, nil
	})
}

// OpenNamespaces implements driverapi.NamespaceOpener through the current
// plugin.
func (s *Supervisor) OpenNamespaces(ctx context.Context, uuid driverapi.UUID) ([]*os.File, error) {
	inst, err := s.current(ctx, "OpenNamespaces")
	if err != nil {
		return nil, err
	}
	return inst.files.receive(ctx, func() (uint64, int, error) { return inst.drv.openNamespaces(ctx, uuid) })
}
