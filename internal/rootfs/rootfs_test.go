package rootfs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runDHCPScript runs DHCPScript for event with udhcpc's environment env,
// with ip and arping replaced by stubs that log their arguments; it returns
// that log and what the script wrote as resolv.conf.
func runDHCPScript(t *testing.T, event string, env ...string) (calls []string, resolv string) {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "default.script")
	if err := os.WriteFile(script, []byte(DHCPScript), 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "calls")
	for _, tool := range []string{"ip", "arping"} {
		stub := "#!/bin/sh\necho \"" + tool + " $*\" >>" + log + "\n"
		if err := os.WriteFile(filepath.Join(dir, tool), []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("/bin/sh", script, event)
	cmd.Env = append([]string{"PATH=" + dir + ":/usr/bin:/bin", "RESOLV_CONF=" + filepath.Join(dir, "resolv.conf")}, env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("default.script %s: %v: %s", event, err, out)
	}
	b, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	r, err := os.ReadFile(filepath.Join(dir, "resolv.conf"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n"), string(r)
}

func TestDHCPScriptBound(t *testing.T) {
	calls, resolv := runDHCPScript(t, "bound", "interface=eth0", "ip=10.0.3.67", "mask=24",
		"broadcast=10.0.3.255", "router=10.0.3.1 10.0.3.2", "dns=10.0.3.1 192.0.2.53")
	want := []string{
		"ip -4 addr flush dev eth0",
		"ip -4 addr replace 10.0.3.67/24 broadcast 10.0.3.255 dev eth0",
		"ip -4 route replace default via 10.0.3.1 dev eth0",
		"arping -q -c 1 -w 1 -I eth0 10.0.3.1",
	}
	if strings.Join(calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("bound ran:\n%s\nwant:\n%s", strings.Join(calls, "\n"), strings.Join(want, "\n"))
	}
	if resolv != "nameserver 10.0.3.1\nnameserver 192.0.2.53\n" {
		t.Errorf("resolv.conf:\n%s", resolv)
	}
}

func TestDHCPScriptRenewWithoutRouterOrDNS(t *testing.T) {
	calls, resolv := runDHCPScript(t, "renew", "interface=eth1", "ip=192.0.2.9", "mask=28")
	want := []string{"ip -4 addr replace 192.0.2.9/28 broadcast + dev eth1"}
	if strings.Join(calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("renew ran:\n%s\nwant:\n%s", strings.Join(calls, "\n"), strings.Join(want, "\n"))
	}
	if resolv != "" {
		t.Errorf("resolv.conf written without dns: %q", resolv)
	}
}

func TestDHCPScriptDeconfig(t *testing.T) {
	calls, _ := runDHCPScript(t, "deconfig", "interface=eth0")
	want := []string{"ip -4 addr flush dev eth0", "ip link set eth0 up"}
	if strings.Join(calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("deconfig ran:\n%s\nwant:\n%s", strings.Join(calls, "\n"), strings.Join(want, "\n"))
	}
}

func TestWriteInstallsDHCPScript(t *testing.T) {
	if _, err := os.Stat(Busybox); err != nil {
		t.Skipf("no %s: %v", Busybox, err)
	}
	dir := t.TempDir()
	if err := Write(dir, InitShell); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"etc/udhcpc/default.script", "sbin/init"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm()&0o111 == 0 {
			t.Errorf("%s: %v, mode %v", f, err, st)
		}
	}
	for _, applet := range []string{"sbin/udhcpc", "sbin/arping", "sbin/ip"} {
		if target, err := os.Readlink(filepath.Join(dir, applet)); err != nil || filepath.Base(target) != "busybox" {
			t.Errorf("%s -> %q, %v", applet, target, err)
		}
	}
}
