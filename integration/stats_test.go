//go:build integration

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// keyValues parses virsh's "key value" or "key=value" lines (domstats,
// dommemstat, domifstat) into a map, the first field being the key.
func keyValues(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = v
			continue
		}
		if f := strings.Fields(line); len(f) >= 2 {
			m[f[len(f)-2]] = f[len(f)-1]
		}
	}
	return m
}

func atou(t *testing.T, what, s string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("%s: %q is not a number", what, s)
	}
	return n
}

// seconds parses virsh's "1.5s" and "0.021157166 seconds".
func seconds(t *testing.T, what, s string) float64 {
	t.Helper()
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), " seconds"), "s")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%s: %q is not a duration", what, s)
	}
	return f
}

// TestVirshStats reads a running container's counters through every stats
// command virsh has for it while the container burns CPU, fills memory and
// sends packets, and checks that the numbers follow.
func TestVirshStats(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("stats")
	d.ok("define", writeXML(t, guestXML(name, h.rootfs(testenv.InitHonoursHalt), "")))
	d.ok("start", name)
	guest := func(script string) {
		t.Helper()
		if out, err := h.inGuest(name, "/bin/sh", "-c", script); err != nil {
			t.Fatalf("in the guest, %s: %v: %s", script, err, out)
		}
	}

	// domiflist lists the veth the live XML names.
	list := strings.Split(d.ok("domiflist", name), "\n")
	if len(list) != 3 {
		t.Fatalf("domiflist:\n%s", strings.Join(list, "\n"))
	}
	row := strings.Fields(list[2])
	if len(row) != 5 || row[1] != "bridge" || row[2] != testenv.Bridge {
		t.Fatalf("domiflist row %q", list[2])
	}
	veth, mac := row[0], row[4]
	if _, err := os.Stat(filepath.Join("/sys/class/net", veth)); err != nil {
		t.Fatalf("domiflist names %s: %v", veth, err)
	}
	if !strings.Contains(d.ok("dumpxml", name), fmt.Sprintf("<target dev='%s'/>", veth)) {
		t.Errorf("live XML lacks the veth %s", veth)
	}

	// CPU: a fixed amount of work in the container shows in dominfo,
	// domstats and cpu-stats.
	// dominfo's CPU time (a tenth of a second) is the kernel's account of
	// the container's cgroup, read between two reads of it.
	pid, err := strconv.Atoi(d.ok("domid", name))
	must(t, err)
	cpuBefore := seconds(t, "CPU time", field(t, d.ok("dominfo", name), "CPU time"))
	guest(busyWork)
	kernelBefore := cgroupCPU(t, pid)
	cpuAfter := seconds(t, "CPU time", field(t, d.ok("dominfo", name), "CPU time"))
	kernelAfter := cgroupCPU(t, pid)
	if cpuAfter < kernelBefore-0.05 || cpuAfter > kernelAfter+0.05 || cpuAfter-cpuBefore < 0.2 {
		t.Errorf("dominfo CPU time %.1fs → %.1fs across a busy loop; the cgroup accounted %.3fs before the last dominfo, %.3fs after", cpuBefore, cpuAfter, kernelBefore, kernelAfter)
	}
	stats := keyValues(d.ok("domstats", name))
	cpuNs := atou(t, "cpu.time", stats["cpu.time"])
	if float64(cpuNs)/1e9 < cpuAfter-0.1 || atou(t, "cpu.user", stats["cpu.user"])+atou(t, "cpu.system", stats["cpu.system"]) == 0 {
		t.Errorf("domstats cpu: %v (dominfo %.1fs)", stats, cpuAfter)
	}
	total := regexp.MustCompile(`(?m)^\s+cpu_time\s+([0-9.]+) seconds$`).FindStringSubmatch(d.ok("cpu-stats", name, "--total"))
	if total == nil {
		t.Fatal("cpu-stats --total prints no cpu_time")
	}
	if s := seconds(t, "cpu_time", total[1]); s < cpuAfter-0.1 {
		t.Errorf("cpu-stats --total cpu_time %.3f s; dominfo said %.1f s", s, cpuAfter)
	}
	perCPU := d.ok("cpu-stats", name)
	var sum float64
	for _, m := range regexp.MustCompile(`(?m)^CPU\d+:\n\s+cpu_time\s+([0-9.]+) seconds`).FindAllStringSubmatch(perCPU, -1) {
		sum += seconds(t, "per-CPU cpu_time", m[1])
	}
	if sum < cpuAfter-0.1 {
		t.Errorf("per-CPU times add up to %.3f s; dominfo said %.1f s:\n%s", sum, cpuAfter, perCPU)
	}

	// Memory: 64 MiB written to a tmpfs inside the container is charged to
	// its cgroup, and freed again.
	memKiB := func() (info, rss uint64) {
		t.Helper()
		used := strings.TrimSuffix(field(t, d.ok("dominfo", name), "Used memory"), " KiB")
		m := keyValues(d.ok("dommemstat", name))
		if m["actual"] != "131072" {
			t.Errorf("dommemstat actual %q; want the 128 MiB of the definition", m["actual"])
		}
		return atou(t, "Used memory", used), atou(t, "rss", m["rss"])
	}
	infoBefore, rssBefore := memKiB()
	guest("mount -t tmpfs tmpfs /tmp && dd if=/dev/zero of=/tmp/fill bs=1M count=64 2>/dev/null")
	infoFull, rssFull := memKiB()
	if infoFull < infoBefore+60<<10 || rssFull < rssBefore+60<<10 {
		t.Errorf("after writing 64 MiB: used %d → %d KiB, rss %d → %d KiB", infoBefore, infoFull, rssBefore, rssFull)
	}
	if b := atou(t, "balloon.current", keyValues(d.ok("domstats", name, "--balloon"))["balloon.current"]); b < infoBefore+60<<10 {
		t.Errorf("domstats balloon.current %d KiB after writing 64 MiB", b)
	}
	guest("rm /tmp/fill")
	if infoFreed, _ := memKiB(); infoFreed > infoFull-50<<10 {
		t.Errorf("after removing the 64 MiB: used %d KiB (was %d)", infoFreed, infoFull)
	}

	// Network: DHCP discovers from the guest are packets the guest sent;
	// domifstat by device and by MAC and domstats agree with the veth's
	// counters, which the host sees the other way round.
	ifstat := func(dev string) map[string]uint64 {
		t.Helper()
		out := map[string]uint64{}
		for k, v := range keyValues(d.ok("domifstat", name, dev)) {
			out[k] = atou(t, k, v)
		}
		return out
	}
	before := ifstat(veth)
	guest("udhcpc -n -q -t 2 -T 1 -i eth0 -s /bin/true 2>/dev/null; true")
	after := ifstat(veth)
	if after["tx_packets"] < before["tx_packets"]+2 || after["tx_bytes"] <= before["tx_bytes"] {
		t.Errorf("domifstat tx %v → %v after two DHCP discovers", before, after)
	}
	hostRx := atou(t, "host rx_packets", readTrim(t, filepath.Join("/sys/class/net", veth, "statistics/rx_packets")))
	if hostRx < after["tx_packets"] {
		t.Errorf("the host side received %d packets, fewer than the guest's tx_packets %d", hostRx, after["tx_packets"])
	}
	byMAC := ifstat(mac)
	if byMAC["tx_packets"] < after["tx_packets"] {
		t.Errorf("domifstat by MAC %v; by device %v", byMAC, after)
	}
	net := keyValues(d.ok("domstats", name, "--interface"))
	if net["net.count"] != "1" || net["net.0.name"] != veth || atou(t, "net.0.tx.pkts", net["net.0.tx.pkts"]) < after["tx_packets"] {
		t.Errorf("domstats --interface %v", net)
	}
	// Stats of all domains read every device's counters at once.
	all := keyValues(d.ok("domstats", "--interface"))
	if all["net.0.name"] != veth || atou(t, "net.0.tx.pkts", all["net.0.tx.pkts"]) < after["tx_packets"] ||
		atou(t, "net.0.rx.bytes", all["net.0.rx.bytes"]) < atou(t, "net.0.rx.bytes", net["net.0.rx.bytes"]) {
		t.Errorf("domstats --interface of all domains %v; of %s alone %v", all, name, net)
	}
	if msg := d.failsOn(d.sock, "domifstat", name, "eth9"); !strings.Contains(msg, "'eth9' is not a known interface") {
		t.Errorf("unknown interface: %s", msg)
	}

	// domifaddr: the ARP source finds the guest's MAC in the host's ARP
	// table (an entry made here, on the test bridge); there are no leases.
	const addr = "198.51.100.77" // TEST-NET-2
	if out, err := runTool("ip", "neigh", "replace", addr, "lladdr", mac, "dev", testenv.Bridge, "nud", "stale"); err != nil {
		t.Fatalf("ip neigh: %v: %s", err, out)
	}
	t.Cleanup(func() { _, _ = runTool("ip", "neigh", "del", addr, "dev", testenv.Bridge) })
	if out := d.ok("domifaddr", name, "--source", "arp"); !regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(veth) + `\s+` + mac + `\s+ipv4\s+` + addr + `/0$`).MatchString(out) {
		t.Errorf("domifaddr --source arp:\n%s", out)
	}
	if out := d.ok("domifaddr", name); strings.Contains(out, addr) {
		t.Errorf("domifaddr (leases):\n%s", out)
	}

	// Host counters.
	node := keyValues(d.ok("nodecpustats"))
	for _, k := range []string{"user:", "system:", "idle:", "iowait:"} {
		if atou(t, k, node[k]) == 0 && k != "iowait:" {
			t.Errorf("nodecpustats %s is 0: %v", k, node)
		}
	}
	mem := d.ok("nodememstats")
	if !regexp.MustCompile(`total\s*:\s*` + meminfoKiB(t, "MemTotal") + ` KiB`).MatchString(mem) {
		t.Errorf("nodememstats total differs from /proc/meminfo:\n%s", mem)
	}

	// A stopped domain has no live counters.
	d.ok("destroy", name)
	for _, args := range [][]string{{"dommemstat", name}, {"domifstat", name, veth}, {"cpu-stats", name}} {
		if msg := d.failsOn(d.sock, args...); !strings.Contains(msg, "domain is not running") {
			t.Errorf("%s on a stopped domain: %s", args[0], msg)
		}
	}
}
