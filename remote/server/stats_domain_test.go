package server

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/host"
	"github.com/lxcvirt/lxcvirt/remote/proto"
)

// statsClient opens a client on a server whose fake has a running ct1 and a
// shut off ct2.
func statsClient(t *testing.T, mod func(*Config)) (*rawClient, libvirt.Domain, libvirt.Domain) {
	ts := startServer(t, mod)
	on := ts.running("ct1", 4242)
	off := wireDomain(ts.drv.add("ct2", true))
	rc := dial(t, ts.rw)
	rc.open(0)
	return rc, on, off
}

func TestDomainMemoryStats(t *testing.T) {
	rc, on, off := statsClient(t, nil)
	var ret libvirt.DomainMemoryStatsRet
	rc.mustCall(proto.ProcDomainMemoryStats, &libvirt.DomainMemoryStatsArgs{Dom: on, MaxStats: 16}, &ret)
	want := []libvirt.DomainMemoryStat{
		{Tag: int32(libvirt.DomainMemoryStatActualBalloon), Val: 400000},
		{Tag: int32(libvirt.DomainMemoryStatRss), Val: 2048},
	}
	if !slices.Equal(ret.Stats, want) {
		t.Fatalf("memory stats %+v; want %+v", ret.Stats, want)
	}
	rc.mustCall(proto.ProcDomainMemoryStats, &libvirt.DomainMemoryStatsArgs{Dom: on, MaxStats: 1}, &ret)
	if !slices.Equal(ret.Stats, want[:1]) {
		t.Fatalf("memory stats with max 1: %+v", ret.Stats)
	}
	e := rc.call(proto.ProcDomainMemoryStats, &libvirt.DomainMemoryStatsArgs{Dom: off, MaxStats: 16}, nil)
	wantError(t, e, libvirt.ErrOperationInvalid, "Requested operation is not valid: domain is not running")
}

func TestDomainInterfaceStats(t *testing.T) {
	rc, on, off := statsClient(t, nil)
	want := libvirt.DomainInterfaceStatsRet{RxBytes: 100, RxPackets: 2, RxErrs: 5, RxDrop: 6, TxBytes: 300, TxPackets: 4, TxErrs: 7, TxDrop: 8}
	for _, dev := range []string{"veth0", "52:54:00:ab:cd:ef", "52:54:00:AB:CD:EF"} {
		var ret libvirt.DomainInterfaceStatsRet
		rc.mustCall(proto.ProcDomainInterfaceStats, &libvirt.DomainInterfaceStatsArgs{Dom: on, Device: dev}, &ret)
		if ret != want {
			t.Errorf("interface stats of %s = %+v; want %+v", dev, ret, want)
		}
	}
	e := rc.call(proto.ProcDomainInterfaceStats, &libvirt.DomainInterfaceStatsArgs{Dom: on, Device: "eth9"}, nil)
	wantError(t, e, libvirt.ErrInvalidArg, "invalid argument: 'eth9' is not a known interface")
	e = rc.call(proto.ProcDomainInterfaceStats, &libvirt.DomainInterfaceStatsArgs{Dom: on, Device: "52:54:00:00:00:01"}, nil)
	wantError(t, e, libvirt.ErrInvalidArg, "invalid argument: '52:54:00:00:00:01' is not a known interface")
	e = rc.call(proto.ProcDomainInterfaceStats, &libvirt.DomainInterfaceStatsArgs{Dom: off, Device: "veth0"}, nil)
	wantError(t, e, libvirt.ErrOperationInvalid, "Requested operation is not valid: domain is not running")
}

// cpuStats calls DOMAIN_GET_CPU_STATS and returns the parameter count and
// the fields with their values.
func cpuStats(t *testing.T, rc *rawClient, dom libvirt.Domain, nparams uint32, start int32, ncpus uint32) (int32, []string, []uint64) {
	t.Helper()
	var ret libvirt.DomainGetCPUStatsRet
	rc.mustCall(proto.ProcDomainGetCPUStats, &libvirt.DomainGetCPUStatsArgs{Dom: dom, Nparams: nparams, StartCPU: start, Ncpus: ncpus}, &ret)
	var fields []string
	var vals []uint64
	for _, p := range ret.Params {
		fields = append(fields, p.Field)
		vals = append(vals, p.Value.I.(uint64))
	}
	return ret.Nparams, fields, vals
}

// virsh cpu-stats asks for the per-CPU parameter count, the CPU count, the
// per-CPU values and then the totals.
func TestDomainGetCPUStats(t *testing.T) {
	rc, on, off := statsClient(t, nil)
	if n, f, _ := cpuStats(t, rc, on, 0, 0, 1); n != 1 || f != nil {
		t.Errorf("per-CPU parameter count = %d %v", n, f)
	}
	if n, _, _ := cpuStats(t, rc, on, 0, 0, 0); n != 2 {
		t.Errorf("CPU count = %d; want 2", n)
	}
	if n, f, v := cpuStats(t, rc, on, 1, 0, 2); n != 1 || !slices.Equal(f, []string{"cpu_time", "cpu_time"}) || !slices.Equal(v, []uint64{5e9, 2e9}) {
		t.Errorf("per-CPU = %d %v %v", n, f, v)
	}
	if _, _, v := cpuStats(t, rc, on, 1, 1, 128); !slices.Equal(v, []uint64{2e9}) {
		t.Errorf("from CPU 1 = %v", v)
	}
	if n, _, _ := cpuStats(t, rc, on, 0, -1, 1); n != 3 {
		t.Errorf("total parameter count = %d; want 3", n)
	}
	if n, f, v := cpuStats(t, rc, on, 3, -1, 1); n != 3 || !slices.Equal(f, []string{"cpu_time", "user_time", "system_time"}) || !slices.Equal(v, []uint64{7e9, 4e9, 3e9}) {
		t.Errorf("totals = %d %v %v", n, f, v)
	}
	if n, f, _ := cpuStats(t, rc, on, 1, -1, 1); n != 1 || !slices.Equal(f, []string{"cpu_time"}) {
		t.Errorf("first total = %d %v", n, f)
	}
	for _, c := range []struct {
		args libvirt.DomainGetCPUStatsArgs
		code libvirt.ErrorNumber
		msg  string
	}{
		{libvirt.DomainGetCPUStatsArgs{Dom: on, Nparams: 1, StartCPU: 2, Ncpus: 1}, libvirt.ErrInvalidArg, "invalid argument: start_cpu 2 larger than maximum of 1"},
		{libvirt.DomainGetCPUStatsArgs{Dom: on, Nparams: 1, StartCPU: -1, Ncpus: 2}, libvirt.ErrInvalidArg, "invalid argument: invalid combination of start_cpu -1, ncpus 2 and nparams 1 in virDomainGetCPUStats"},
		{libvirt.DomainGetCPUStatsArgs{Dom: on, Nparams: 17, StartCPU: -1, Ncpus: 1}, libvirt.ErrInternalError, "internal error: nparams too large"},
		{libvirt.DomainGetCPUStatsArgs{Dom: on, Nparams: 1, StartCPU: 0, Ncpus: 1, Flags: 1}, libvirt.ErrInvalidArg, "invalid argument: unsupported flags (0x1) in function virDomainGetCPUStats"},
		{libvirt.DomainGetCPUStatsArgs{Dom: off, Nparams: 3, StartCPU: -1, Ncpus: 1}, libvirt.ErrOperationInvalid, "Requested operation is not valid: domain is not running"},
	} {
		wantError(t, rc.call(proto.ProcDomainGetCPUStats, &c.args, nil), c.code, c.msg)
	}
}

// writeHostFiles makes a fake host tree under a temp root.
func writeHostFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestDomainInterfaceAddresses(t *testing.T) {
	root := writeHostFiles(t, map[string]string{"proc/net/arp": "IP address       HW type     Flags       HW address            Mask     Device\n" +
		"198.51.100.7     0x1         0x2         52:54:00:AB:CD:EF     *        lxcbr0\n" +
		"198.51.100.8     0x1         0x0         52:54:00:ab:cd:ef     *        lxcbr0\n" +
		"198.51.100.9     0x1         0x2         52:54:00:00:00:01     *        lxcbr0\n"})
	rc, on, off := statsClient(t, func(c *Config) { c.Host = host.Facts{Host: host.Host{Root: root}} })
	var ret libvirt.DomainInterfaceAddressesRet
	rc.mustCall(proto.ProcDomainInterfaceAddresses, &libvirt.DomainInterfaceAddressesArgs{Dom: on, Source: uint32(libvirt.DomainInterfaceAddressesSrcArp)}, &ret)
	if len(ret.Ifaces) != 1 || ret.Ifaces[0].Name != "veth0" || ret.Ifaces[0].Hwaddr[0] != "52:54:00:ab:cd:ef" ||
		!slices.Equal(ret.Ifaces[0].Addrs, []libvirt.DomainIPAddr{{Type: 0, Addr: "198.51.100.7"}}) {
		t.Fatalf("ARP addresses %+v", ret.Ifaces)
	}
	rc.mustCall(proto.ProcDomainInterfaceAddresses, &libvirt.DomainInterfaceAddressesArgs{Dom: on}, &ret)
	if len(ret.Ifaces) != 0 {
		t.Fatalf("lease addresses %+v; lxcvirtd has no DHCP leases", ret.Ifaces)
	}
	e := rc.call(proto.ProcDomainInterfaceAddresses, &libvirt.DomainInterfaceAddressesArgs{Dom: on, Source: uint32(libvirt.DomainInterfaceAddressesSrcAgent)}, nil)
	wantError(t, e, libvirt.ErrArgumentUnsupported, "argument unsupported: Unknown IP address data source 1")
	e = rc.call(proto.ProcDomainInterfaceAddresses, &libvirt.DomainInterfaceAddressesArgs{Dom: off, Source: uint32(libvirt.DomainInterfaceAddressesSrcArp)}, nil)
	wantError(t, e, libvirt.ErrOperationInvalid, "Requested operation is not valid: domain is not running")
}

func TestDomainStatsCarryNewCounters(t *testing.T) {
	rc, on, _ := statsClient(t, nil)
	var ret libvirt.ConnectGetAllDomainStatsRet
	rc.mustCall(proto.ProcConnectGetAllDomainStats, &libvirt.ConnectGetAllDomainStatsArgs{Doms: []libvirt.Domain{on}}, &ret)
	params := map[string]any{}
	for _, p := range ret.RetStats[0].Params {
		params[p.Field] = p.Value.I
	}
	for field, want := range map[string]any{
		"balloon.rss": uint64(2048), "net.0.rx.errs": uint64(5), "net.0.rx.drop": uint64(6),
		"net.0.tx.errs": uint64(7), "net.0.tx.drop": uint64(8),
	} {
		if params[field] != want {
			t.Errorf("%s = %#v; want %#v", field, params[field], want)
		}
	}
}

func TestNodeStats(t *testing.T) {
	root := writeHostFiles(t, map[string]string{
		"proc/stat": "cpu  10 2 30 400 5 6 7 0 0 0\ncpu0 1 0 3 40 5 0 0 0 0 0\nintr 1\n",
		"proc/meminfo": "MemTotal:       16000000 kB\nMemFree:         8000000 kB\nMemAvailable:   12000000 kB\n" +
			"Buffers:          100000 kB\nCached:          2000000 kB\n",
		"sys/devices/system/node/node0/meminfo": "Node 0 MemTotal:       16000000 kB\nNode 0 MemFree:         8000000 kB\n",
	})
	rc, _, _ := statsClient(t, func(c *Config) { c.Host = host.Facts{Host: host.Host{Root: root}} })

	var cpu libvirt.NodeGetCPUStatsRet
	rc.mustCall(proto.ProcNodeGetCPUStats, &libvirt.NodeGetCPUStatsArgs{CPUNum: -1}, &cpu)
	if cpu.Nparams != 4 || cpu.Params != nil {
		t.Fatalf("CPU parameter count %+v", cpu)
	}
	rc.mustCall(proto.ProcNodeGetCPUStats, &libvirt.NodeGetCPUStatsArgs{CPUNum: -1, Nparams: 4}, &cpu)
	wantCPU := []libvirt.NodeGetCPUStats{{Field: "kernel", Value: 43e7}, {Field: "user", Value: 12e7}, {Field: "idle", Value: 400e7}, {Field: "iowait", Value: 5e7}}
	if !slices.Equal(cpu.Params, wantCPU) {
		t.Fatalf("node CPU stats %+v; want %+v", cpu.Params, wantCPU)
	}
	rc.mustCall(proto.ProcNodeGetCPUStats, &libvirt.NodeGetCPUStatsArgs{CPUNum: 0, Nparams: 4}, &cpu)
	if cpu.Params[0] != (libvirt.NodeGetCPUStats{Field: "kernel", Value: 3e7}) {
		t.Fatalf("cpu0 stats %+v", cpu.Params)
	}
	wantError(t, rc.call(proto.ProcNodeGetCPUStats, &libvirt.NodeGetCPUStatsArgs{CPUNum: 1, Nparams: 4}, nil),
		libvirt.ErrInvalidArg, "invalid argument: Invalid cpuNum in virNodeGetCPUStats")
	wantError(t, rc.call(proto.ProcNodeGetCPUStats, &libvirt.NodeGetCPUStatsArgs{CPUNum: -1, Nparams: 2}, nil),
		libvirt.ErrInvalidArg, "invalid argument: nparams in virNodeGetCPUStats must be equal to 4")

	var mem libvirt.NodeGetMemoryStatsRet
	rc.mustCall(proto.ProcNodeGetMemoryStats, &libvirt.NodeGetMemoryStatsArgs{CellNum: -1}, &mem)
	if mem.Nparams != 4 {
		t.Fatalf("memory parameter count %+v", mem)
	}
	rc.mustCall(proto.ProcNodeGetMemoryStats, &libvirt.NodeGetMemoryStatsArgs{CellNum: -1, Nparams: 4}, &mem)
	wantMem := []libvirt.NodeGetMemoryStats{{Field: "total", Value: 16000000}, {Field: "free", Value: 8000000}, {Field: "buffers", Value: 100000}, {Field: "cached", Value: 2000000}}
	if !slices.Equal(mem.Params, wantMem) {
		t.Fatalf("node memory stats %+v; want %+v", mem.Params, wantMem)
	}
	rc.mustCall(proto.ProcNodeGetMemoryStats, &libvirt.NodeGetMemoryStatsArgs{CellNum: 0, Nparams: 2}, &mem)
	if !slices.Equal(mem.Params, wantMem[:2]) {
		t.Fatalf("cell 0 memory stats %+v", mem.Params)
	}
	wantError(t, rc.call(proto.ProcNodeGetMemoryStats, &libvirt.NodeGetMemoryStatsArgs{CellNum: 3, Nparams: 2}, nil),
		libvirt.ErrInvalidArg, "invalid argument: Invalid cell number 3")
}
