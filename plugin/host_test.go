package plugin

import (
	"context"
	"reflect"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// fakeHost answers every host call with fixed facts, and NodeCPUStats of
// a CPU other than -1 and 0 with libvirt's invalid-argument error.
type fakeHost struct{}

var (
	fakeNodeInfo  = driverapi.NodeInfo{Model: "x86_64", MemKiB: 1 << 20, CPUs: 12, MHz: 2400, Nodes: 2, Sockets: 1, Cores: 3, Threads: 2}
	fakeCPUMap    = driverapi.CPUMap{CPUs: 16, Online: []int{0, 1, 3, 9}}
	fakeNodeStats = []driverapi.NodeStat{{Field: "kernel", Value: 1}, {Field: "user", Value: 1 << 40}}
	fakeARP       = []driverapi.Neighbor{{IP: "198.51.100.7", MAC: "52:54:00:ab:cd:ef", Device: "lxcbr0"}}
	errNoCPU      = virterror.New(libvirt.ErrInvalidArg, "Invalid cpuNum in virNodeGetCPUStats")
)

func (fakeHost) NodeInfo(context.Context) (driverapi.NodeInfo, error) { return fakeNodeInfo, nil }
func (fakeHost) FreeMemory(context.Context) (uint64, error)           { return 1 << 33, nil }
func (fakeHost) CPUMap(context.Context) (driverapi.CPUMap, error)     { return fakeCPUMap, nil }
func (fakeHost) NodeCPUStats(_ context.Context, cpu int) ([]driverapi.NodeStat, error) {
	if cpu != -1 && cpu != 0 {
		return nil, errNoCPU
	}
	return fakeNodeStats, nil
}
func (fakeHost) NodeMemoryStats(context.Context, int) ([]driverapi.NodeStat, error) {
	return fakeNodeStats[:1], nil
}
func (fakeHost) Version(context.Context) (uint64, error) { return 6001000, nil }
func (fakeHost) Capabilities(_ context.Context, sec driverapi.SecurityModel) (string, error) {
	return "<capabilities>" + sec.Model + "/" + sec.DOI + "</capabilities>", nil
}
func (fakeHost) DomainCapabilities(_ context.Context, arch, machine, emulator string) (string, error) {
	return arch + "," + machine + "," + emulator, nil
}
func (fakeHost) Sysinfo(context.Context) (string, error)                { return "<sysinfo/>", nil }
func (fakeHost) ARPTable(context.Context) ([]driverapi.Neighbor, error) { return fakeARP, nil }

// hostDriver is a driver with host facts, as lxcvirt-driver-lxc serves.
type hostDriver struct {
	*fakeDriver
	fakeHost
}

func TestHostFactsCrossTheBoundary(t *testing.T) {
	c := connect(t, hostDriver{fakeDriver: sampleFake()})
	ctx := t.Context()
	check := func(what string, got, want any, err error) {
		t.Helper()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, %v; want %+v", what, got, err, want)
		}
	}
	ni, err := c.NodeInfo(ctx)
	check("NodeInfo", ni, fakeNodeInfo, err)
	free, err := c.FreeMemory(ctx)
	check("FreeMemory", free, uint64(1<<33), err)
	m, err := c.CPUMap(ctx)
	check("CPUMap", m, fakeCPUMap, err)
	st, err := c.NodeCPUStats(ctx, -1)
	check("NodeCPUStats", st, fakeNodeStats, err)
	st, err = c.NodeMemoryStats(ctx, 0)
	check("NodeMemoryStats", st, fakeNodeStats[:1], err)
	v, err := c.Version(ctx)
	check("Version", v, uint64(6001000), err)
	x, err := c.Capabilities(ctx, driverapi.SecurityModel{Model: "none", DOI: "0"})
	check("Capabilities", x, "<capabilities>none/0</capabilities>", err)
	x, err = c.DomainCapabilities(ctx, "i686", "pc", "/usr/bin/lxc-start")
	check("DomainCapabilities", x, "i686,pc,/usr/bin/lxc-start", err)
	x, err = c.Sysinfo(ctx)
	check("Sysinfo", x, "<sysinfo/>", err)
	arp, err := c.ARPTable(ctx)
	check("ARPTable", arp, fakeARP, err)
	// The driver's errors arrive unchanged.
	if _, err := c.NodeCPUStats(ctx, 7); !sameError(err, errNoCPU) {
		t.Errorf("NodeCPUStats of a missing CPU: %v; want %v", err, errNoCPU)
	}
}

func TestHostFactsOfADriverWithoutThem(t *testing.T) {
	c := connect(t, sampleFake())
	_, err := c.NodeInfo(t.Context())
	if e := virterror.As(err); e == nil || e.Code != libvirt.ErrNoSupport {
		t.Fatalf("NodeInfo of a driver without host facts: %v; want VIR_ERR_NO_SUPPORT", err)
	}
}
