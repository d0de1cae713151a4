//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// These tests run the real virsh against a real lxcvirtd (built from
// cmd/lxcvirtd) with the real driver and real containers, and assert on
// what virsh prints.

// field returns the value of a "Key:   value" line of virsh output.
func field(t testing.TB, out, key string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no %q in:\n%s", key, out)
	return ""
}

// listRow finds name's row in `virsh list` output: its Id and State.
func listRow(out, name string) (id, state string, ok bool) {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[1] == name {
			return f[0], strings.Join(f[2:], " "), true
		}
	}
	return "", "", false
}

// waitState polls `virsh domstate --reason` until it prints want.
func (d *daemon) waitState(name, want string) {
	d.t.Helper()
	testenv.Eventually(d.t, patience, 100*time.Millisecond, fmt.Sprintf("domstate %s is %q", name, want), func() (bool, string) {
		r := d.virsh("domstate", name, "--reason")
		return strings.TrimSpace(r.stdout) == want, strings.TrimSpace(r.stdout + r.stderr)
	})
}

// writeXML stores a domain XML for `virsh define` / `virsh create`.
func writeXML(t testing.TB, xml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "domain.xml")
	if err := os.WriteFile(p, []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func meminfoKiB(t testing.TB, key string) string {
	t.Helper()
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == key {
			return strings.Fields(v)[0]
		}
	}
	t.Fatalf("no %s in /proc/meminfo", key)
	return ""
}

// TestVirshHost covers the connection and host commands.
func TestVirshHost(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)

	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		t.Fatal(err)
	}
	release := unix.ByteSliceToString(uts.Release[:])
	m := regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?`).FindStringSubmatch(release)
	micro := m[3]
	if micro == "" {
		micro = "0"
	}
	kernel := fmt.Sprintf("%s.%s.%s", m[1], m[2], micro)
	out := d.ok("version", "--daemon")
	for _, want := range []string{"Using API: LXC 9.0.0", "Running hypervisor: LXC " + kernel, "Running against daemon: 9.0.0"} {
		if !strings.Contains(out, want) {
			t.Errorf("version lacks %q:\n%s", want, out)
		}
	}
	if got := d.ok("uri"); got != uri(d.sock) {
		t.Errorf("uri = %q", got)
	}
	hostname, _ := os.Hostname()
	if got := d.ok("hostname"); got != hostname {
		t.Errorf("hostname = %q, want %q", got, hostname)
	}

	out = d.ok("nodeinfo")
	cpuinfo, _ := os.ReadFile("/proc/cpuinfo")
	ncpu := strings.Count(string(cpuinfo), "processor\t:")
	if field(t, out, "CPU model") != "x86_64" && field(t, out, "CPU model") != unix.ByteSliceToString(uts.Machine[:]) {
		t.Errorf("CPU model %q", field(t, out, "CPU model"))
	}
	if field(t, out, "CPU(s)") != strconv.Itoa(ncpu) {
		t.Errorf("CPU(s) %q, want %d", field(t, out, "CPU(s)"), ncpu)
	}
	if field(t, out, "Memory size") != meminfoKiB(t, "MemTotal")+" KiB" {
		t.Errorf("Memory size %q", field(t, out, "Memory size"))
	}
	if maxv := d.ok("maxvcpus"); maxv != strconv.Itoa(ncpu) {
		t.Errorf("maxvcpus %q", maxv)
	}

	var caps libvirtxml.Caps
	if err := xml.Unmarshal([]byte(d.ok("capabilities")), &caps); err != nil {
		t.Fatal(err)
	}
	if len(caps.Guests) == 0 || caps.Guests[0].OSType != "exe" || caps.Guests[0].Arch.Domains[0].Type != "lxc" ||
		caps.Guests[0].Arch.Name != unix.ByteSliceToString(uts.Machine[:]) {
		t.Errorf("capabilities guests %+v", caps.Guests)
	}
	if len(caps.Host.SecModel) != 1 || caps.Host.SecModel[0].Name != "none" {
		t.Errorf("capabilities secmodel %+v", caps.Host.SecModel)
	}

	// sysinfo comes from SMBIOS; hosts without it get libvirt's error.
	r := d.virsh("sysinfo")
	if _, err := os.Stat("/sys/class/dmi/id"); err == nil {
		if r.code != 0 || !strings.Contains(r.stdout, "<sysinfo type=") {
			t.Errorf("sysinfo: %+v", r)
		}
	} else if r.code == 0 || !strings.Contains(r.stderr, "error: unsupported configuration: Host SMBIOS information is not available") {
		t.Errorf("sysinfo without SMBIOS: %+v", r)
	}

	// Listings succeed: the networks lxcvirtd serves itself, and the empty
	// ones of drivers lxcvirtd does not have.
	for _, cmd := range [][]string{{"net-list", "--all"}, {"pool-list", "--all"}, {"iface-list", "--all"}, {"nodedev-list"}, {"secret-list"}, {"nwfilter-list"}} {
		d.ok(cmd...)
	}
	if out := d.ok("list", "--all", "--name"); out != "" {
		t.Errorf("fresh daemon lists %q", out)
	}
}

// TestVirshErrors covers the error replies virsh prints.
func TestVirshErrors(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	for _, cmd := range [][]string{{"dominfo", "nosuch"}, {"start", "nosuch"}, {"domuuid", "nosuch"}} {
		if got := d.failsOn(d.sock, cmd...); got != "error: failed to get domain 'nosuch'" {
			t.Errorf("%v: %q", cmd, got)
		}
	}
	bad := writeXML(t, "<domain type='lxc'><name>bad")
	got := d.failsOn(d.sock, "define", bad)
	if !strings.HasPrefix(got, "error: Failed to define domain from "+bad+"\nerror: XML error:") {
		t.Errorf("bad XML: %q", got)
	}
	got = d.failsOn(d.ro, "define", writeXML(t, seedXML(h.name("ro"), "/nonexistent")))
	if !strings.HasSuffix(got, "error: operation forbidden: read only access prevents virDomainDefineXML") {
		t.Errorf("define on the read-only socket: %q", got)
	}
	if out := d.ok("list", "--all", "--name"); out != "" {
		t.Errorf("a failed define left %q", out)
	}
}

// TestVirshSeedDemo runs the seed demo and the lifecycle commands.
func TestVirshSeedDemo(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("mycontainer")
	file := writeXML(t, seedXML(name, h.rootfs(testenv.InitShell)))

	if out := d.ok("define", file); out != fmt.Sprintf("Domain '%s' defined from %s", name, file) {
		t.Errorf("define: %q", out)
	}
	out := d.ok("list", "--inactive")
	if id, state, ok := listRow(out, name); !ok || id != "-" || state != "shut off" {
		t.Fatalf("list --inactive:\n%s", out)
	}
	if out := d.ok("start", name); out != fmt.Sprintf("Domain '%s' started", name) {
		t.Errorf("start: %q", out)
	}
	out = d.ok("list")
	id, state, ok := listRow(out, name)
	if !ok || state != "running" {
		t.Fatalf("list:\n%s", out)
	}
	pid, err := strconv.Atoi(id)
	if err != nil {
		t.Fatalf("Id %q", id)
	}
	// The Id is the container's init: PID 1 of its own PID namespace.
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil || !strings.Contains(string(status), fmt.Sprintf("\nNSpid:\t%d\t1\n", pid)) {
		t.Fatalf("Id %d is not a container init: %v\n%s", pid, err, status)
	}
	if got := d.ok("domid", name); got != id {
		t.Errorf("domid %q, want %s", got, id)
	}
	uuid := d.ok("domuuid", name)
	if got := d.ok("domname", uuid); got != name {
		t.Errorf("domname %s = %q", uuid, got)
	}
	if got := d.ok("domname", id); got != name {
		t.Errorf("domname %s = %q", id, got)
	}

	info := d.ok("dominfo", name)
	for key, want := range map[string]string{
		"Id": id, "Name": name, "UUID": uuid, "OS Type": "exe", "State": "running", "CPU(s)": "1",
		"Max memory": "500000 KiB", "Persistent": "yes", "Autostart": "disable", "Managed save": "no",
		"Security model": "none", "Security DOI": "0",
	} {
		if got := field(t, info, key); got != want {
			t.Errorf("dominfo %s = %q, want %q", key, got, want)
		}
	}
	if !regexp.MustCompile(`^\d+ KiB$`).MatchString(field(t, info, "Used memory")) {
		t.Errorf("Used memory %q", field(t, info, "Used memory"))
	}

	xmlOut := d.ok("dumpxml", name)
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(xmlOut); err != nil {
		t.Fatal(err)
	}
	if dom.ID == nil || strconv.Itoa(*dom.ID) != id || dom.Name != name || dom.UUID != uuid || dom.Type != "lxc" {
		t.Errorf("dumpxml:\n%s", xmlOut)
	}
	if got := d.ok("domstate", name); got != "running" {
		t.Errorf("domstate %q", got)
	}
	if got := d.ok("domstate", name, "--reason"); got != "running (booted)" {
		t.Errorf("domstate --reason %q", got)
	}

	if out := d.ok("suspend", name); out != fmt.Sprintf("Domain '%s' suspended", name) {
		t.Errorf("suspend: %q", out)
	}
	if got := d.ok("domstate", name, "--reason"); got != "paused (user)" {
		t.Errorf("after suspend: %q", got)
	}
	if out := d.ok("resume", name); out != fmt.Sprintf("Domain '%s' resumed", name) {
		t.Errorf("resume: %q", out)
	}
	d.waitState(name, "running (unpaused)")

	if got := d.failsOn(d.sock, "start", name); got != "error: Domain is already active" {
		t.Errorf("start while running: %q", got)
	}
	got := d.failsOn(d.ro, "destroy", name)
	if got != fmt.Sprintf("error: Failed to destroy domain '%s'\nerror: operation forbidden: read only access prevents virDomainDestroy", name) {
		t.Errorf("destroy on the read-only socket: %q", got)
	}
	if out := d.virshOn(d.ro, "domstate", name); strings.TrimSpace(out.stdout) != "running" {
		t.Errorf("read-only domstate %+v", out)
	}

	if out := d.ok("autostart", name); out != fmt.Sprintf("Domain '%s' marked as autostarted", name) {
		t.Errorf("autostart: %q", out)
	}
	if out := d.ok("list", "--all", "--autostart", "--name"); out != name {
		t.Errorf("list --autostart: %q", out)
	}
	if field(t, d.ok("dominfo", name), "Autostart") != "enable" {
		t.Error("dominfo does not show autostart")
	}
	if out := d.ok("autostart", "--disable", name); out != fmt.Sprintf("Domain '%s' unmarked as autostarted", name) {
		t.Errorf("autostart --disable: %q", out)
	}
	if out := d.ok("list", "--all", "--autostart", "--name"); out != "" {
		t.Errorf("list --autostart after disable: %q", out)
	}
	if out := d.ok("list", "--all", "--persistent", "--uuid"); out != uuid {
		t.Errorf("list --persistent --uuid: %q", out)
	}
	if out := d.ok("list", "--all", "--transient", "--name"); out != "" {
		t.Errorf("list --transient: %q", out)
	}

	stats := d.ok("domstats", name)
	for _, re := range []string{`Domain: '` + name + `'`, `state\.state=1`, `cpu\.time=\d+`, `balloon\.maximum=500000`, `vcpu\.current=1`, `net\.count=1`} {
		if !regexp.MustCompile(re).MatchString(stats) {
			t.Errorf("domstats lacks %s:\n%s", re, stats)
		}
	}

	if out := d.ok("reboot", name); out != fmt.Sprintf("Domain '%s' is being rebooted", name) {
		t.Errorf("reboot: %q", out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		newID := d.ok("domid", name)
		if newID != id && newID != "-" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still Id %s after reboot", newID)
		}
		time.Sleep(100 * time.Millisecond)
	}
	d.waitState(name, "running (booted)")

	if out := d.ok("shutdown", name); out != fmt.Sprintf("Domain '%s' is being shutdown", name) {
		t.Errorf("shutdown: %q", out)
	}
	d.waitState(name, "shut off (shutdown)")

	d.ok("start", name)
	if out := d.ok("destroy", name); out != fmt.Sprintf("Domain '%s' destroyed", name) {
		t.Errorf("destroy: %q", out)
	}
	if got := d.ok("domstate", name, "--reason"); got != "shut off (destroyed)" {
		t.Errorf("after destroy: %q", got)
	}
	if out := d.ok("undefine", name); out != fmt.Sprintf("Domain '%s' has been undefined", name) {
		t.Errorf("undefine: %q", out)
	}
	if out := d.ok("list", "--all", "--name"); out != "" {
		t.Errorf("after undefine: %q", out)
	}
}

// TestVirshCreateTransient covers create (a transient domain) and events.
func TestVirshCreateTransient(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("transient")
	file := writeXML(t, seedXML(name, h.rootfs(testenv.InitHonoursHalt)))

	events := exec.Command("virsh", "-c", uri(d.sock), "event", "--all", "--loop", "--timeout", "60")
	var evMu sync.Mutex
	var evBuf bytes.Buffer
	events.Stdout = &lockedWriter{mu: &evMu, w: &evBuf}
	evOut := func() string {
		evMu.Lock()
		defer evMu.Unlock()
		return evBuf.String()
	}
	if err := events.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = events.Process.Kill(); _ = events.Wait() })
	// virsh registers the lifecycle callback first.
	waitUntil(t, "virsh event registered for lifecycle events", func() bool {
		return succeeded(clientCalls(d.log(), events.Process.Pid), "CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY")
	})

	if out := d.ok("create", file); out != fmt.Sprintf("Domain '%s' created from %s", name, file) {
		t.Errorf("create: %q", out)
	}
	out := d.ok("list", "--transient")
	if _, state, ok := listRow(out, name); !ok || state != "running" {
		t.Fatalf("list --transient:\n%s", out)
	}
	if field(t, d.ok("dominfo", name), "Persistent") != "no" {
		t.Error("created domain is persistent")
	}
	d.ok("destroy", name)
	if out := d.ok("list", "--all", "--name"); out != "" {
		t.Errorf("transient domain still listed: %q", out)
	}

	want := []string{
		fmt.Sprintf("event 'lifecycle' for domain '%s': Started Booted", name),
		fmt.Sprintf("event 'lifecycle' for domain '%s': Stopped Destroyed", name),
	}
	deadline := time.Now().Add(patience)
	for _, w := range want {
		for !strings.Contains(evOut(), w) {
			if time.Now().After(deadline) {
				t.Fatalf("virsh event did not print %q; it printed:\n%s", w, evOut())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// TestVirshSurvivesBadClients: raw clients send garbage, a truncated packet
// and an oversized one; each is answered or dropped while virsh works.
func TestVirshSurvivesBadClients(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("steady")
	d.ok("define", writeXML(t, seedXML(name, "/nonexistent-rootfs")))

	header := func(serial uint32) []byte {
		var b []byte
		for _, v := range []uint32{0x20008086, 1, 3, 0, serial, 0} { // CONNECT_GET_TYPE call
			b = binary.BigEndian.AppendUint32(b, v)
		}
		return b
	}
	cases := []struct {
		name  string
		data  []byte
		reply bool
	}{
		{"garbage", []byte("\x00\x00\x00\x05hello, is this libvirt?"), false},
		{"truncated", append(binary.BigEndian.AppendUint32(nil, 4096), header(1)...), false},
		{"oversized", append(binary.BigEndian.AppendUint32(nil, 1<<30), header(9)...), true},
	}
	for _, tc := range cases {
		c, err := net.Dial("unix", d.sock)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write(tc.data); err != nil {
			t.Fatal(err)
		}
		if out := d.ok("list", "--all", "--name"); out != name {
			t.Fatalf("%s: virsh list with a bad client connected: %q", tc.name, out)
		}
		if tc.name == "truncated" {
			continue // it waits for the rest; hanging up drops it
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		r := bufio.NewReader(c)
		if tc.reply {
			var hdr [28]byte
			if _, err := io.ReadFull(r, hdr[:]); err != nil {
				t.Fatalf("%s: no error reply: %v", tc.name, err)
			}
			if serial, status := binary.BigEndian.Uint32(hdr[20:]), binary.BigEndian.Uint32(hdr[24:]); serial != 9 || status != 1 {
				t.Fatalf("%s: reply serial %d status %d", tc.name, serial, status)
			}
		}
		for {
			if _, err := r.ReadByte(); err != nil {
				break // dropped
			}
		}
	}
	d.ok("undefine", name)
}
