//go:build integration

package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// debianGrace is the shutdown grace the Debian guest's daemon gets: a clean
// halt of systemd must end well within it.
const debianGrace = 90 * time.Second

// debian12Rootfs returns a copy, private to t, of the Debian 12 root
// filesystem that scripts/debian-rootfs.sh builds once per machine under
// /var/cache/lxcvirt (debootstrap minbase with systemd and ifupdown; the
// first build takes a few minutes).
func debian12Rootfs(t *testing.T, h *host) string {
	t.Helper()
	testenv.RequireTool(t, "debootstrap", "debootstrap")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Minute)
	defer cancel()
	start := time.Now()
	out, err := exec.CommandContext(ctx, "../scripts/debian-rootfs.sh").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("scripts/debian-rootfs.sh: %v\n%s", err, stderr)
	}
	cache := strings.TrimSpace(string(out))
	t.Logf("Debian 12 rootfs %s ready after %s", cache, time.Since(start).Round(time.Second))
	root := filepath.Join(filepath.Dir(h.stateDir), "debian12")
	if out, err := exec.CommandContext(ctx, "cp", "-a", "--reflink=auto", cache, root).CombinedOutput(); err != nil {
		t.Fatalf("copying %s: %v: %s", cache, err, out)
	}
	return root
}

// TestDebian12Guest is the seed use case of a distro container on the
// default network: a Debian 12 system (systemd, ifupdown with eth0 on
// DHCP) defined with virsh on <interface type='network'> boots until
// systemd reports the system running, takes a lease from lxc-net's
// dnsmasq, upgrades itself from the host's Debian archive with apt, and
// halts cleanly on virsh shutdown.
func TestDebian12Guest(t *testing.T) {
	h := newHost(t)
	testenv.RequireLXCNet(t)
	root := debian12Rootfs(t, h)
	d := startDaemon(t, h, "--shutdown-grace", debianGrace.String())
	name := h.name("debian12")
	d.ok("define", writeXML(t, fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>512</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <interface type='network'><source network='default'/></interface>
    <console type='pty'/>
  </devices>
</domain>`, name, root)))
	d.ok("start", name)
	var mac string
	for _, l := range strings.Split(d.ok("domiflist", name), "\n") {
		if f := strings.Fields(l); len(f) == 5 && f[1] == "network" && f[2] == "default" {
			mac = f[4]
		}
	}
	if mac == "" {
		t.Fatalf("domiflist shows no interface on the default network")
	}

	// Boot: systemd finishes starting its units, all of them.
	var state string
	deadline := time.Now().Add(3 * time.Minute)
	for {
		out, _ := h.inGuest(name, "systemctl", "is-system-running")
		state = strings.TrimSpace(out)
		if state == "running" || state == "degraded" || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if state != "running" {
		failed, _ := h.inGuest(name, "systemctl", "--failed", "--no-legend", "--plain")
		jobs, _ := h.inGuest(name, "systemctl", "list-jobs", "--no-legend", "--plain")
		journal, _ := h.inGuest(name, "journalctl", "-b", "-p", "warning", "--no-pager")
		t.Fatalf("is-system-running = %q; failed units:\n%s\njobs:\n%s\njournal:\n%s", state, failed, jobs, journal)
	}

	// DHCP: ifupdown's dhclient has eth0's address from lxc-net's dnsmasq.
	out, err := h.inGuest(name, "ip", "-4", "-o", "addr", "show", "dev", "eth0")
	m := regexp.MustCompile(`inet (\d+\.\d+\.\d+\.\d+)/\d+`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("eth0 has no IPv4 address: %v\n%s", err, out)
	}
	addr := m[1]
	leases, err := os.ReadFile(testenv.LXCNetLeases)
	must(t, err)
	if !regexp.MustCompile(`(?m)^\d+ ` + regexp.QuoteMeta(mac) + ` ` + regexp.QuoteMeta(addr) + ` `).Match(leases) {
		t.Errorf("%s has no lease of %s for %s:\n%s", testenv.LXCNetLeases, addr, mac, leases)
	}
	t.Logf("eth0 %s has %s", mac, addr)
	// The same lease through libvirt's calls on the lxc:// connection.
	l := waitLease(t, uri(d.sock), "default", mac)
	if ip, _, _ := strings.Cut(l.ip, "/"); ip != addr {
		t.Errorf("net-dhcp-leases default shows %s for %s, the guest has %s", l.ip, mac, addr)
	}
	checkDomifaddrLease(t, uri(d.sock), name, l)

	// apt, through the NAT and dnsmasq's DNS, to the host's Debian archive.
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	apt := exec.CommandContext(ctx, "lxc-attach", "-P", h.lxcPath, "-n", name, "--clear-env",
		"--set-var", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "--set-var", "DEBIAN_FRONTEND=noninteractive", "--",
		"/bin/sh", "-c", "apt-get -q update && apt-get -q -y upgrade")
	aptStart := time.Now()
	if out, err := apt.CombinedOutput(); err != nil {
		t.Fatalf("apt-get update && apt-get -y upgrade in the guest: %v\n%s", err, out)
	} else {
		t.Logf("apt-get update && upgrade took %s:\n%s", time.Since(aptStart).Round(time.Second), lastLines(string(out), 5))
	}

	// Shutdown: systemd halts the system itself, well before the driver
	// would kill it.
	begin := time.Now()
	d.ok("shutdown", name)
	for {
		r, err := runVirsh(t.Context(), d.sock, "domstate", name)
		must(t, err)
		if strings.HasPrefix(r.stdout, "shut off") {
			break
		}
		if time.Since(begin) > 2*debianGrace {
			t.Fatalf("the Debian guest is %q %s after virsh shutdown", strings.TrimSpace(r.stdout), time.Since(begin))
		}
		time.Sleep(100 * time.Millisecond)
	}
	took := time.Since(begin)
	if reason := d.ok("domstate", "--reason", name); reason != "shut off (shutdown)" {
		t.Errorf("after virsh shutdown: domstate --reason %q after %s, want shut off (shutdown)", reason, took)
	}
	if took >= debianGrace {
		t.Errorf("shutdown took %s, the grace before the kill is %s", took, debianGrace)
	}
	t.Logf("virsh shutdown: shut off after %s", took.Round(100*time.Millisecond))
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(l[max(0, len(l)-n):], "\n")
}
