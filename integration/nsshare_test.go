//go:build integration

package integration

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// withNamespaces adds libvirt-lxc's <lxc:namespace> with children to a
// domain XML.
func withNamespaces(xml, children string) string {
	xml = strings.Replace(xml, "<domain type='lxc'>", "<domain type='lxc' xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'>", 1)
	return strings.Replace(xml, "</domain>", "<lxc:namespace>"+children+"</lxc:namespace>\n</domain>", 1)
}

// nsOf is the identity (type:[inode]) of a process's namespace.
func nsOf(t *testing.T, pid int32, kind string) string {
	t.Helper()
	link, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, kind))
	must(t, err)
	return link
}

// fileID is the device and inode of the file path names (followed).
func fileID(t *testing.T, path string) string {
	t.Helper()
	var st unix.Stat_t
	must(t, unix.Stat(path, &st))
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

// <lxc:namespace>: a container joins another domain's network and UTS
// namespaces (type='name'), a named network namespace (type='netns') and a
// process's IPC namespace (type='pid'), as libvirt-lxc's do; joining a
// domain that is not running is refused with libvirt-lxc's error.
func TestSharedNamespacesReal(t *testing.T) {
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	owner, joiner, nsUser := h.name("nsown"), h.name("nsjoin"), h.name("nsnet")
	// A host process in an IPC namespace of its own, for type='pid'.
	ipcProc := exec.CommandContext(ctx, "unshare", "--ipc", "sleep", "infinity")
	must(t, ipcProc.Start())
	t.Cleanup(func() { _ = ipcProc.Process.Kill(); _ = ipcProc.Wait() })
	ipcPID := int32(ipcProc.Process.Pid)
	testenv.Eventually(t, 10*time.Second, 10*time.Millisecond, "unshare to enter its IPC namespace", func() (bool, string) {
		a, b := nsOf(t, ipcPID, "ipc"), nsOf(t, int32(os.Getpid()), "ipc")
		return a != b, a
	})

	od, err := l.DefineXML(ctx, withBridgeNIC(smallXML(owner, rootfs, ""), hotBridge(t)), 0)
	must(t, err)
	jd, err := l.DefineXML(ctx, withNamespaces(smallXML(joiner, rootfs, ""),
		"<lxc:sharenet type='name' value='"+owner+"'/><lxc:shareuts type='name' value='"+owner+"'/><lxc:shareipc type='pid' value='"+fmt.Sprint(ipcPID)+"'/>"), 0)
	must(t, err)

	_, err = l.Create(ctx, jd.UUID, 0)
	if ve := virterror.As(err); ve == nil || ve.Code != libvirt.ErrOperationInvalid || !strings.Contains(ve.Message, "Init pid") {
		t.Fatalf("start joining a shut-off domain: %v, want libvirt-lxc's 'Init pid is not yet available'", err)
	}

	o, err := l.Create(ctx, od.UUID, 0)
	must(t, err)
	j, err := l.Create(ctx, jd.UUID, 0)
	must(t, err)
	for _, kind := range []string{"net", "uts"} {
		if a, b := nsOf(t, o.ID, kind), nsOf(t, j.ID, kind); a != b {
			t.Errorf("%s namespace: joiner %s, owner %s", kind, b, a)
		}
	}
	if a, b := nsOf(t, ipcPID, "ipc"), nsOf(t, j.ID, "ipc"); a != b {
		t.Errorf("ipc namespace: joiner %s, the process's %s", b, a)
	}
	if a, b := nsOf(t, o.ID, "mnt"), nsOf(t, j.ID, "mnt"); a == b {
		t.Errorf("mount namespace shared too (%s)", a)
	}
	if a, b := nsOf(t, o.ID, "ipc"), nsOf(t, j.ID, "ipc"); a == b {
		t.Errorf("ipc namespace of the owner joined instead of the process's (%s)", a)
	}
	must(t, l.Destroy(ctx, jd.UUID, 0))
	must(t, l.Destroy(ctx, od.UUID, 0))

	// A named network namespace, as `ip netns add` makes it.
	netns := "lxcvirt-" + nsUser
	if out, err := runTool("ip", "netns", "add", netns); err != nil {
		t.Fatalf("ip netns add: %v\n%s", err, out)
	}
	t.Cleanup(func() { _, _ = runTool("ip", "netns", "del", netns) })
	nd, err := l.DefineXML(ctx, withNamespaces(smallXML(nsUser, rootfs, ""), "<lxc:sharenet type='netns' value='"+netns+"'/>"), 0)
	must(t, err)
	n, err := l.Create(ctx, nd.UUID, 0)
	must(t, err)
	want, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", os.Getpid()))
	must(t, err)
	if named, got := fileID(t, "/run/netns/"+netns), fileID(t, fmt.Sprintf("/proc/%d/ns/net", n.ID)); named != got {
		t.Errorf("container's network namespace %s is not the named one %s", got, named)
	}
	if got := nsOf(t, n.ID, "net"); got == want {
		t.Errorf("container runs in the host's network namespace %s", got)
	}
	must(t, l.Destroy(ctx, nd.UUID, 0))
}
