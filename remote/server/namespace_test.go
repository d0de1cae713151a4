package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// running makes name a running domain of the fake whose ID is pid.
func (ts *testServer) running(name string, pid int) libvirt.Domain {
	d := ts.drv.add(name, true)
	ts.drv.mu.Lock()
	st := ts.drv.doms[d.UUID]
	st.ID, st.State = int32(pid), libvirt.DomainRunning
	ts.drv.mu.Unlock()
	d.ID = int32(pid)
	return wireDomain(d)
}

// initNamespaces are the namespaces the LXC driver passes, in libvirt's
// order.
var initNamespaces = []string{"user", "ipc", "uts", "net", "pid", "mnt"}

// OpenNamespaces opens the namespaces of the domain's init from /proc, as
// the LXC driver plugin does.
func (f *fakeDriver) OpenNamespaces(ctx context.Context, u driverapi.UUID) ([]*os.File, error) {
	d, err := f.LookupByUUID(ctx, u)
	if err != nil {
		return nil, err
	}
	notRunning := virterror.New(libvirt.ErrOperationInvalid, "domain is not running")
	if d.ID <= 0 {
		return nil, notRunning
	}
	var files []*os.File
	for _, ns := range initNamespaces {
		file, err := os.Open(fmt.Sprintf("/proc/%d/ns/%s", d.ID, ns))
		if err != nil {
			for _, f := range files {
				f.Close()
			}
			return nil, notRunning
		}
		files = append(files, file)
	}
	return files, nil
}

// openNamespaceCall sends LXC_PROC_DOMAIN_OPEN_NAMESPACE and reads the
// reply straight from the socket, then the descriptors that follow it.
func (rc *rawClient) openNamespaceCall(dom libvirt.Domain, flags uint32) (*wire.Packet, []int) {
	rc.t.Helper()
	if rc.r.Buffered() != 0 {
		rc.t.Fatal("buffered bytes before the call")
	}
	rc.serial++
	rc.send(wire.Header{Program: proto.LXCProgram, Version: 1, Procedure: proto.LXCProcDomainOpenNamespace, Type: wire.Call, Serial: rc.serial},
		&proto.LXCDomainOpenNamespaceArgs{Dom: dom, Flags: flags})
	rc.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var lenb [4]byte
	if _, err := io.ReadFull(rc.c, lenb[:]); err != nil {
		rc.t.Fatal(err)
	}
	frame := make([]byte, binary.BigEndian.Uint32(lenb[:]))
	copy(frame, lenb[:])
	if _, err := io.ReadFull(rc.c, frame[4:]); err != nil {
		rc.t.Fatal(err)
	}
	p, err := wire.ReadPacket(bytes.NewReader(frame))
	if err != nil {
		rc.t.Fatal(err)
	}
	if p.Type != wire.ReplyWithFDs {
		return p, nil
	}
	if len(p.Payload) != 4 {
		rc.t.Fatalf("REPLY_WITH_FDS payload %x: want only the descriptor count", p.Payload)
	}
	var fds []int
	uc := rc.c.(*net.UnixConn)
	for range binary.BigEndian.Uint32(p.Payload) {
		buf, oob := make([]byte, 1), make([]byte, unix.CmsgSpace(4))
		n, oobn, _, _, err := uc.ReadMsgUnix(buf, oob)
		if err != nil || n != 1 {
			rc.t.Fatalf("descriptor message: %d bytes, %v", n, err)
		}
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err != nil || len(msgs) != 1 {
			rc.t.Fatalf("control messages %v, %v", msgs, err)
		}
		got, err := unix.ParseUnixRights(&msgs[0])
		if err != nil || len(got) != 1 {
			rc.t.Fatalf("rights %v, %v", got, err)
		}
		fds = append(fds, got...)
	}
	rc.t.Cleanup(func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	})
	return p, fds
}

func nsLink(t *testing.T, path string) string {
	t.Helper()
	l, err := os.Readlink(path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// The namespaces of the domain's init travel as SCM_RIGHTS descriptors
// after a REPLY_WITH_FDS packet, in libvirt's order.
func TestOpenNamespacePassesInitNamespaces(t *testing.T) {
	ts := startServer(t, nil)
	init := exec.Command("sleep", "60")
	if err := init.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { init.Process.Kill(); init.Wait() })
	pid := init.Process.Pid
	dom := ts.running("ct1", pid)

	rc := dial(t, ts.rw)
	rc.open(0)
	p, fds := rc.openNamespaceCall(dom, 0)
	if p.Status != wire.OK || p.Serial != rc.serial || p.Program != proto.LXCProgram || p.Procedure != proto.LXCProcDomainOpenNamespace {
		t.Fatalf("reply %s", p.Header.String())
	}
	if len(fds) != len(initNamespaces) {
		t.Fatalf("got %d descriptors; want %d", len(fds), len(initNamespaces))
	}
	for i, ns := range initNamespaces {
		got := nsLink(t, fmt.Sprintf("/proc/self/fd/%d", fds[i]))
		if want := nsLink(t, fmt.Sprintf("/proc/%d/ns/%s", pid, ns)); got != want {
			t.Errorf("descriptor %d = %s; want %s", i, got, want)
		}
	}
	// The connection goes on as usual after the descriptors.
	var ret libvirt.ConnectGetTypeRet
	rc.mustCall(proto.ProcConnectGetType, nil, &ret)
}

func TestOpenNamespaceRefusals(t *testing.T) {
	ts := startServer(t, nil)
	stopped := wireDomain(ts.drv.add("off", true))
	gone := ts.running("gone", 1<<22+12345) // no such process

	rc := dial(t, ts.rw)
	rc.open(0)
	wantErr := func(dom libvirt.Domain, flags uint32, code libvirt.ErrorNumber, msg string) {
		t.Helper()
		p, fds := rc.openNamespaceCall(dom, flags)
		if p.Type != wire.Reply || p.Status != wire.Error || fds != nil {
			t.Fatalf("reply %s with %d descriptors; want an error", p.Header.String(), len(fds))
		}
		var e wire.ErrorPayload
		if err := wire.Unmarshal(p.Payload, &e); err != nil {
			t.Fatal(err)
		}
		wantError(t, &e, code, msg)
	}
	wantErr(stopped, 0, libvirt.ErrOperationInvalid, "Requested operation is not valid: domain is not running")
	wantErr(gone, 0, libvirt.ErrOperationInvalid, "Requested operation is not valid: domain is not running")
	wantErr(stopped, 1, libvirt.ErrInvalidArg, "invalid argument: unsupported flags (0x1) in function virDomainLxcOpenNamespace")
	wantErr(libvirt.Domain{Name: "nosuch", ID: -1}, 0, libvirt.ErrNoDomain, "Domain not found: no domain with matching uuid")

	ro := dial(t, ts.ro)
	ro.open(0)
	p, fds := ro.openNamespaceCall(ts.running("ct1", os.Getpid()), 0)
	var e wire.ErrorPayload
	if p.Status != wire.Error || fds != nil || wire.Unmarshal(p.Payload, &e) != nil {
		t.Fatalf("read-only socket: %s", p.Header.String())
	}
	wantError(t, &e, libvirt.ErrOperationDenied, "operation forbidden: read only access prevents virDomainLxcOpenNamespace")
}
