package server

import (
	"bytes"
	"context"
	"encoding/xml"
	"log/slog"
	"strings"
	"sync"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/host"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

func TestNodeGetCPUMap(t *testing.T) {
	root := writeHostFiles(t, map[string]string{
		"sys/devices/system/cpu/present": "0-9\n",
		"sys/devices/system/cpu/online":  "0-3,8\n",
	})
	rc, _, _ := statsClient(t, func(c *Config) { c.Host = host.Facts{Host: host.Host{Root: root}} })
	var ret libvirt.NodeGetCPUMapRet
	rc.mustCall(proto.ProcNodeGetCPUMap, &libvirt.NodeGetCPUMapArgs{NeedMap: 1, NeedOnline: 1}, &ret)
	if ret.Ret != 10 || ret.Online != 5 || !bytes.Equal(ret.Cpumap, []byte{0x0f, 0x01}) {
		t.Fatalf("cpu map %+v; want 10 CPUs, 5 online, map 0f 01", ret)
	}
	// Only what is asked for is filled in, as libvirtd does.
	ret = libvirt.NodeGetCPUMapRet{}
	rc.mustCall(proto.ProcNodeGetCPUMap, &libvirt.NodeGetCPUMapArgs{}, &ret)
	if ret.Ret != 10 || ret.Online != 0 || ret.Cpumap != nil {
		t.Fatalf("cpu map without map or online %+v", ret)
	}
	wantError(t, rc.call(proto.ProcNodeGetCPUMap, &libvirt.NodeGetCPUMapArgs{Flags: 4}, nil),
		libvirt.ErrInvalidArg, "invalid argument: unsupported flags (0x4) in function virHostCPUGetMap")
}

// A driver without host facts leaves the node calls unsupported.
func TestHostCallsWithoutHostFacts(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Host = nil })
	rc := dial(t, ts.rw)
	rc.open(0)
	wantError(t, rc.call(proto.ProcNodeGetInfo, nil, nil), libvirt.ErrNoSupport,
		"this function is not supported by the connection driver: virNodeGetInfo")
	wantError(t, rc.call(proto.ProcConnectGetCapabilities, nil, nil), libvirt.ErrNoSupport,
		"this function is not supported by the connection driver: virConnectGetCapabilities")
}

func domCaps(t *testing.T, rc *rawClient, args libvirt.ConnectGetDomainCapabilitiesArgs) libvirtxml.DomainCaps {
	t.Helper()
	var ret libvirt.ConnectGetDomainCapabilitiesRet
	rc.mustCall(proto.ProcConnectGetDomainCapabilities, &args, &ret)
	var caps libvirtxml.DomainCaps
	if err := xml.Unmarshal([]byte(ret.Capabilities), &caps); err != nil {
		t.Fatalf("%v:\n%s", err, ret.Capabilities)
	}
	return caps
}

func TestGetDomainCapabilities(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Host = host.Facts{Host: host.Local, Emulator: "/usr/libexec/lxcvirt/start"} })
	rc := dial(t, ts.rw)
	rc.open(0)
	ni, err := host.Local.NodeInfo()
	if err != nil {
		t.Fatal(err)
	}
	// virsh domcapabilities sends nothing: the host's arch, type lxc.
	caps := domCaps(t, rc, libvirt.ConnectGetDomainCapabilitiesArgs{})
	if caps.Path != "/usr/libexec/lxcvirt/start" || caps.Domain != "lxc" || caps.Arch != host.Arch() || caps.Machine != "" ||
		caps.VCPU == nil || caps.VCPU.Max != uint(ni.CPUs) || caps.OS == nil || caps.OS.Supported != "yes" {
		t.Fatalf("domain capabilities %+v", caps)
	}
	if len(caps.CPU.Modes) != 4 || caps.Devices.FileSystem.Supported != "yes" || caps.Devices.Disk.Supported != "no" ||
		caps.Devices.HostDev.Supported != "no" {
		t.Fatalf("cpu modes and devices %+v %+v", caps.CPU, caps.Devices)
	}
	// Nova's call: the capabilities' emulator and each guest arch, its
	// default machine type, type lxc.
	for _, arch := range host.GuestArches() {
		caps = domCaps(t, rc, libvirt.ConnectGetDomainCapabilitiesArgs{
			Emulatorbin: libvirt.OptString{"/usr/libexec/lxcvirt/start"}, Arch: libvirt.OptString{arch},
			Machine: libvirt.OptString{"pc"}, Virttype: libvirt.OptString{"lxc"},
		})
		if caps.Arch != arch || caps.Machine != "pc" {
			t.Fatalf("arch %s: %+v", arch, caps)
		}
	}
	for _, c := range []struct {
		args libvirt.ConnectGetDomainCapabilitiesArgs
		code libvirt.ErrorNumber
		msg  string
	}{
		{libvirt.ConnectGetDomainCapabilitiesArgs{Virttype: libvirt.OptString{"kvm"}}, libvirt.ErrInvalidArg, "invalid argument: unknown virttype: kvm"},
		{libvirt.ConnectGetDomainCapabilitiesArgs{Arch: libvirt.OptString{"vax"}}, libvirt.ErrInvalidArg, "invalid argument: unknown architecture: vax"},
		{libvirt.ConnectGetDomainCapabilitiesArgs{Arch: libvirt.OptString{"sparc64"}}, libvirt.ErrNoSupport,
			"this function is not supported by the connection driver: unsupported architecture: sparc64"},
		{libvirt.ConnectGetDomainCapabilitiesArgs{Emulatorbin: libvirt.OptString{"/usr/bin/qemu-system-x86_64"}}, libvirt.ErrInvalidArg,
			"invalid argument: emulator '/usr/bin/qemu-system-x86_64' is not the LXC driver's '/usr/libexec/lxcvirt/start'"},
		{libvirt.ConnectGetDomainCapabilitiesArgs{Flags: 1}, libvirt.ErrInvalidArg,
			"invalid argument: unsupported flags (0x1) in function virConnectGetDomainCapabilities"},
	} {
		wantError(t, rc.call(proto.ProcConnectGetDomainCapabilities, &c.args, nil), c.code, c.msg)
	}
}

// TestGetAllDomainStatsWhileDomainsComeAndGo is the race getAllDomainStats
// had: it listed the domains, then asked for their counters, and a domain
// removed in between failed the whole call with "Domain not found".
func TestGetAllDomainStatsWhileDomainsComeAndGo(t *testing.T) {
	ts := startServer(t, nil)
	ts.running("ct1", 4242)
	gone := ts.drv.add("gone", false)
	ts.drv.mu.Lock()
	ts.drv.afterList = func() { // another client removes "gone" right after any listing
		ts.drv.mu.Lock()
		delete(ts.drv.doms, gone.UUID)
		ts.drv.mu.Unlock()
	}
	ts.drv.mu.Unlock()
	rc := dial(t, ts.rw)
	rc.open(0)
	var ret libvirt.ConnectGetAllDomainStatsRet
	rc.mustCall(proto.ProcConnectGetAllDomainStats, &libvirt.ConnectGetAllDomainStatsArgs{}, &ret)
	if len(ret.RetStats) != 1 || ret.RetStats[0].Dom.Name != "ct1" {
		t.Fatalf("stats of all domains: %+v", ret.RetStats)
	}
	// Named domains that no longer exist are left out (virDomainListGetStats).
	ret = libvirt.ConnectGetAllDomainStatsRet{}
	rc.mustCall(proto.ProcConnectGetAllDomainStats, &libvirt.ConnectGetAllDomainStatsArgs{Doms: []libvirt.Domain{wireDomain(gone), ts.running("ct2", 4343)}}, &ret)
	if len(ret.RetStats) != 1 || ret.RetStats[0].Dom.Name != "ct2" {
		t.Fatalf("stats of a vanished and a present domain: %+v", ret.RetStats)
	}
	// The list filters still apply.
	ts.drv.add("off", true)
	ret = libvirt.ConnectGetAllDomainStatsRet{}
	rc.mustCall(proto.ProcConnectGetAllDomainStats, &libvirt.ConnectGetAllDomainStatsArgs{Flags: uint32(libvirt.ConnectGetAllDomainsStatsInactive)}, &ret)
	if len(ret.RetStats) != 1 || ret.RetStats[0].Dom.Name != "off" {
		t.Fatalf("stats of inactive domains: %+v", ret.RetStats)
	}
	// A per-domain stats call still reports a domain that does not exist.
	e := rc.call(proto.ProcDomainMemoryStats, &libvirt.DomainMemoryStatsArgs{Dom: wireDomain(gone), MaxStats: 4}, nil)
	wantError(t, e, libvirt.ErrNoDomain, virterror.Wrap(driverapi.NoDomainError(gone.UUID)).Message)
}

// logRecords is a slog handler that keeps every record.
type logRecords struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (l *logRecords) Enabled(_ context.Context, _ slog.Level) bool { return true }
func (l *logRecords) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, r.Clone())
	return nil
}
func (l *logRecords) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecords) WithGroup(string) slog.Handler      { return l }

// procs returns the procedures named by the records of level with message
// msg.
func (l *logRecords) procs(level slog.Level, msg string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.recs {
		if r.Level != level || r.Message != msg {
			continue
		}
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "proc" {
				out = append(out, a.Value.String())
			}
			return true
		})
	}
	return out
}

func TestNotSupportedIsLoggedOncePerProcedureAndClient(t *testing.T) {
	logs := &logRecords{}
	ts := startServer(t, func(c *Config) { c.Logger = slog.New(logs) })
	d := wireDomain(ts.drv.add("ct1", true))
	snapshots := &libvirt.DomainSnapshotNumArgs{Dom: d}
	enforce := &libvirt.ConnectGetAllDomainStatsArgs{Stats: 1 << 5, Flags: 1 << 31}
	for range 2 {
		rc := dial(t, ts.rw)
		rc.open(0)
		for range 3 {
			// A procedure without a handler, and a handler's own answer.
			wantError(t, rc.call(proto.ProcDomainSnapshotNum, snapshots, nil), libvirt.ErrNoSupport,
				"this function is not supported by the connection driver: virDomainSnapshotNum")
			wantError(t, rc.call(proto.ProcConnectGetAllDomainStats, enforce, nil), libvirt.ErrNoSupport,
				"this function is not supported by the connection driver: Stats types bits 0x20 are not supported by this daemon")
		}
		// Other errors are not "not supported".
		rc.call(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "nope"}, nil)
	}
	got := strings.Join(logs.procs(slog.LevelInfo, "call not supported"), " ")
	want := "REMOTE_PROC_DOMAIN_SNAPSHOT_NUM REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS " +
		"REMOTE_PROC_DOMAIN_SNAPSHOT_NUM REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS"
	if got != want {
		t.Fatalf("not-supported log records name %q; want each procedure once per client: %q", got, want)
	}
}
