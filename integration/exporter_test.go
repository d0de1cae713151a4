//go:build integration

package integration

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// freePort returns a loopback TCP port nobody listens on right now.
func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().String()
}

// metrics scrapes a Prometheus text endpoint into sample lines keyed by
// "name{labels}".
func metrics(t testing.TB, url string) (map[string]float64, error) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("%s: %s: %s", url, resp.Status, b)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("sample %q: %w", line, err)
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}

// TestPrometheusLibvirtExporter points Debian's prometheus-libvirt-exporter,
// unmodified, at lxcvirtd's socket and finds a running container's CPU,
// memory and interface metrics in what it exports.
func TestPrometheusLibvirtExporter(t *testing.T) {
	exporter := testenv.RequireTool(t, "prometheus-libvirt-exporter", "prometheus-libvirt-exporter")
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("exported")
	d.ok("define", writeXML(t, guestXML(name, h.rootfs(testenv.InitHonoursHalt), "")))
	d.ok("start", name)
	uuid := d.ok("domuuid", name)
	veth := strings.Fields(strings.Split(d.ok("domiflist", name), "\n")[2])[0]
	if out, err := h.inGuest(name, "/bin/sh", "-c", "udhcpc -n -q -t 2 -T 1 -i eth0 -s /bin/true 2>/dev/null; true"); err != nil {
		t.Fatalf("udhcpc in the guest: %v: %s", err, out)
	}

	addr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, exporter, "--libvirt.uri="+uri(d.sock), "--web.listen-address="+addr)
	var log lockedWriter
	log.mu, log.w = &d.mu, &d.output // its messages join the daemon's log
	cmd.Stdout, cmd.Stderr = &log, &log
	must(t, cmd.Start())
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })

	url := "http://" + addr + "/metrics"
	scrape := func() map[string]float64 {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			m, err := metrics(t, url)
			if err == nil {
				return m
			}
			if time.Now().After(deadline) {
				t.Fatalf("scrape: %v", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	dom := fmt.Sprintf(`domain=%q,uuid=%q`, name, uuid)
	ifc := fmt.Sprintf(`domain=%q,source_bridge=%q,target_device=%q,uuid=%q`, name, testenv.Bridge, veth, uuid)
	sample := func(m map[string]float64, metric, labels string) float64 {
		t.Helper()
		v, ok := m[metric+"{"+labels+"}"]
		if !ok {
			t.Fatalf("no %s{%s} among %d samples", metric, labels, len(m))
		}
		return v
	}

	m := scrape()
	if m["libvirt_up"] != 1 {
		t.Fatalf("libvirt_up = %v: the exporter failed to read lxcvirtd", m["libvirt_up"])
	}
	cpu0 := sample(m, "libvirt_domain_info_cpu_time_seconds_total", dom)
	for metric, want := range map[string]float64{
		"libvirt_domain_info_maximum_memory_bytes": 128 << 20,
		"libvirt_domain_info_virtual_cpus":         1,
	} {
		if got := sample(m, metric, dom); got != want {
			t.Errorf("%s = %v; want %v", metric, got, want)
		}
	}
	if v := sample(m, "libvirt_domain_info_memory_usage_bytes", dom); v <= 0 || v > 128<<20 {
		t.Errorf("memory usage %v bytes", v)
	}
	if v := sample(m, "libvirt_domain_interface_stats_transmit_packets_total", ifc); v < 2 {
		t.Errorf("transmitted packets %v after two DHCP discovers", v)
	}
	for _, metric := range []string{"receive_bytes", "receive_packets", "receive_errors", "receive_drops", "transmit_bytes", "transmit_errors", "transmit_drops"} {
		sample(m, "libvirt_domain_interface_stats_"+metric+"_total", ifc)
	}

	// The exported CPU time is the kernel's account of the container's
	// cgroup, read between two reads of it, and follows the work done.
	pid, err := strconv.Atoi(d.ok("domid", name))
	must(t, err)
	if out, err := h.inGuest(name, "/bin/sh", "-c", busyWork); err != nil {
		t.Fatalf("busy loop: %v: %s", err, out)
	}
	before := cgroupCPU(t, pid)
	cpu1 := sample(scrape(), "libvirt_domain_info_cpu_time_seconds_total", dom)
	after := cgroupCPU(t, pid)
	if cpu1 < before-1e-6 || cpu1 > after+1e-6 {
		t.Errorf("exported CPU time %.6f s; the cgroup accounted %.6f s before the scrape and %.6f s after", cpu1, before, after)
	}
	if cpu1-cpu0 < 0.2 {
		t.Errorf("exported CPU time %.3f → %.3f s across a busy loop", cpu0, cpu1)
	}
}
