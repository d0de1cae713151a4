package plugin

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/testenv"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(int) { testenv.RemoveBinaries() }))
}

// connect serves f through go-plugin's in-memory gRPC pair and returns the
// host-side driver.
func connect(t *testing.T, f driverapi.Driver) *Client {
	t.Helper()
	client, _ := goplugin.TestPluginGRPCConn(t, false, map[string]goplugin.Plugin{
		DriverPluginName: &DriverPlugin{Impl: f},
	})
	// Closing the client makes go-plugin stop the server.
	t.Cleanup(func() { _ = client.Close() })
	raw, err := client.Dispense(DriverPluginName)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := raw.(*Client)
	if !ok {
		t.Fatalf("dispensed %T, want *Client", raw)
	}
	return c
}

var (
	uuidA = driverapi.UUID{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
	uuidB = driverapi.UUID{0xff, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
)

func sampleFake() *fakeDriver {
	domA := driverapi.Domain{Name: "ct-ä1", UUID: uuidA, ID: 4242}
	domB := driverapi.Domain{Name: "off", UUID: uuidB, ID: -1}
	stA := driverapi.Status{Domain: domA, State: libvirt.DomainRunning, Reason: 1, Persistent: true, Autostart: true}
	stB := driverapi.Status{Domain: domB, State: libvirt.DomainShutoff, Reason: 6}
	return &fakeDriver{
		dom:  domA,
		st:   stB,
		list: []driverapi.Status{stA, stB},
		xml:  "<domain type='lxc'>\n  <name>ct-ä1</name>\n</domain>\n",
		meta: "<k:a xmlns:k=\"urn:x\">\n  <k:b>ä</k:b>\n</k:a>",
		info: driverapi.Info{State: libvirt.DomainPaused, MaxMemKiB: math.MaxUint64, MemKiB: 1, VCPUs: math.MaxUint16, CPUTimeNs: 123456789012},
		stats: []driverapi.Stats{
			{Status: stA, CPUTimeNs: 1, CPUUserNs: 2, CPUSystemNs: 3, PerCPUNs: []uint64{11, 0, 12}, MemKiB: 4, MaxMemKiB: 5, CurMemKiB: 13, VCPUs: 6,
				Interfaces: []driverapi.InterfaceStats{
					{Name: "vethA", MAC: "52:54:00:00:00:01", RxBytes: 7, RxPackets: 8, RxErrs: 14, RxDrop: 15, TxBytes: 9, TxPackets: 10, TxErrs: 16, TxDrop: 17},
					{Name: "vethB", RxBytes: math.MaxUint64},
				}},
			{Status: stB},
		},
	}
}

// method is one driverapi.Driver method called with distinctive arguments,
// the call the fake must have seen, and the result it must return.
type method struct {
	name     string
	call     func(ctx context.Context, d driverapi.Driver) (any, error)
	wantCall string
	want     func(f *fakeDriver) any
}

func none(*fakeDriver) any { return nil }

var methods = []method{
	{"DefineXML", func(ctx context.Context, d driverapi.Driver) (any, error) { return d.DefineXML(ctx, "<domain/>", 3) },
		callString("DefineXML", "<domain/>", uint32(3)), func(f *fakeDriver) any { return f.dom }},
	{"CreateXML", func(ctx context.Context, d driverapi.Driver) (any, error) { return d.CreateXML(ctx, "<x/>", 0) },
		callString("CreateXML", "<x/>", uint32(0)), func(f *fakeDriver) any { return f.dom }},
	{"Undefine", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return nil, d.Undefine(ctx, uuidA, driverapi.UndefineNVRAM)
	}, callString("Undefine", uuidA, driverapi.UndefineNVRAM), none},
	{"Create", func(ctx context.Context, d driverapi.Driver) (any, error) { return d.Create(ctx, uuidB, 7) },
		callString("Create", uuidB, uint32(7)), func(f *fakeDriver) any { return f.dom }},
	{"Shutdown", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return nil, d.Shutdown(ctx, uuidA, driverapi.ShutdownSignal)
	}, callString("Shutdown", uuidA, driverapi.ShutdownSignal), none},
	{"Destroy", func(ctx context.Context, d driverapi.Driver) (any, error) { return nil, d.Destroy(ctx, uuidB, 1) },
		callString("Destroy", uuidB, uint32(1)), none},
	{"Reboot", func(ctx context.Context, d driverapi.Driver) (any, error) { return nil, d.Reboot(ctx, uuidA, 2) },
		callString("Reboot", uuidA, uint32(2)), none},
	{"Suspend", func(ctx context.Context, d driverapi.Driver) (any, error) { return nil, d.Suspend(ctx, uuidB) },
		callString("Suspend", uuidB), none},
	{"Resume", func(ctx context.Context, d driverapi.Driver) (any, error) { return nil, d.Resume(ctx, uuidA) },
		callString("Resume", uuidA), none},
	{"LookupByName", func(ctx context.Context, d driverapi.Driver) (any, error) { return d.LookupByName(ctx, "ct 1\n") },
		callString("LookupByName", "ct 1\n"), func(f *fakeDriver) any { return f.dom }},
	{"LookupByUUID", func(ctx context.Context, d driverapi.Driver) (any, error) { return d.LookupByUUID(ctx, uuidB) },
		callString("LookupByUUID", uuidB), func(f *fakeDriver) any { return f.dom }},
	{"LookupByID", func(ctx context.Context, d driverapi.Driver) (any, error) { return d.LookupByID(ctx, -7) },
		callString("LookupByID", int32(-7)), func(f *fakeDriver) any { return f.dom }},
	{"ListAll", func(ctx context.Context, d driverapi.Driver) (any, error) { return d.ListAll(ctx, 48) },
		callString("ListAll", uint32(48)), func(f *fakeDriver) any { return f.list }},
	{"Status", func(ctx context.Context, d driverapi.Driver) (any, error) { return d.Status(ctx, uuidB) },
		callString("Status", uuidB), func(f *fakeDriver) any { return f.st }},
	{"XMLDesc", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return d.XMLDesc(ctx, uuidA, driverapi.XMLInactive)
	},
		callString("XMLDesc", uuidA, driverapi.XMLInactive), func(f *fakeDriver) any { return f.xml }},
	{"Info", func(ctx context.Context, d driverapi.Driver) (any, error) { return d.Info(ctx, uuidA) },
		callString("Info", uuidA), func(f *fakeDriver) any { return f.info }},
	{"SetAutostart", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return nil, d.SetAutostart(ctx, uuidB, true)
	},
		callString("SetAutostart", uuidB, true), none},
	{"Stats", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return d.Stats(ctx, []driverapi.UUID{uuidA, uuidB})
	}, callString("Stats", []driverapi.UUID{uuidA, uuidB}), func(f *fakeDriver) any { return f.stats }},
	{"SetMetadata", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return nil, d.(driverapi.MetadataEditor).SetMetadata(ctx, uuidA, driverapi.MetadataElement, "<a>ä</a>", "k", "urn:x", driverapi.AffectLive|driverapi.AffectConfig)
	}, callString("SetMetadata", uuidA, driverapi.MetadataElement, "<a>ä</a>", "k", "urn:x", driverapi.AffectLive|driverapi.AffectConfig), none},
	{"Metadata", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return d.(driverapi.MetadataEditor).Metadata(ctx, uuidB, driverapi.MetadataTitle, "", driverapi.AffectConfig)
	}, callString("Metadata", uuidB, driverapi.MetadataTitle, "", driverapi.AffectConfig), func(f *fakeDriver) any { return f.meta }},
	{"DomainXMLFromNative", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return d.(driverapi.NativeConverter).DomainXMLFromNative(ctx, "lxc-tools", "lxc.uts.name = ä\n", 0)
	}, callString("DomainXMLFromNative", "lxc-tools", "lxc.uts.name = ä\n", uint32(0)), func(f *fakeDriver) any { return f.xml }},
	{"DomainXMLToNative", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return d.(driverapi.NativeConverter).DomainXMLToNative(ctx, "lxc-tools", "<domain/>", 0)
	}, callString("DomainXMLToNative", "lxc-tools", "<domain/>", uint32(0)), func(f *fakeDriver) any { return f.meta }},
	{"AttachDevice", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return nil, d.(driverapi.DeviceEditor).AttachDevice(ctx, uuidA, "<interface type='bridge'/>", driverapi.AffectLive|driverapi.AffectConfig)
	}, callString("AttachDevice", uuidA, "<interface type='bridge'/>", driverapi.AffectLive|driverapi.AffectConfig), none},
	{"DetachDevice", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return nil, d.(driverapi.DeviceEditor).DetachDevice(ctx, uuidB, "<interface/>", driverapi.AffectConfig)
	}, callString("DetachDevice", uuidB, "<interface/>", driverapi.AffectConfig), none},
	{"UpdateDevice", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return nil, d.(driverapi.DeviceEditor).UpdateDevice(ctx, uuidA, "<interface><link state='down'/></interface>", driverapi.AffectLive)
	}, callString("UpdateDevice", uuidA, "<interface><link state='down'/></interface>", driverapi.AffectLive), none},
	{"DetachDeviceAlias", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return nil, d.(driverapi.DeviceEditor).DetachDeviceAlias(ctx, uuidB, "ua-ä", driverapi.AffectCurrent)
	}, callString("DetachDeviceAlias", uuidB, "ua-ä", driverapi.AffectCurrent), none},
	{"SetMemory", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return nil, d.(driverapi.Tuner).SetMemory(ctx, uuidA, 1<<50, driverapi.MemMaximum|driverapi.AffectConfig)
	}, callString("SetMemory", uuidA, uint64(1<<50), driverapi.MemMaximum|driverapi.AffectConfig), none},
	{"Parameters", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return d.(driverapi.Tuner).Parameters(ctx, uuidB, driverapi.ParamsScheduler, driverapi.AffectLive)
	}, callString("Parameters", uuidB, driverapi.ParamsScheduler, driverapi.AffectLive), func(*fakeDriver) any { return tuneParams }},
	{"SetParameters", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return nil, d.(driverapi.Tuner).SetParameters(ctx, uuidA, driverapi.ParamsBlkio, tuneParams, driverapi.AffectConfig)
	}, callString("SetParameters", uuidA, driverapi.ParamsBlkio, tuneParams, driverapi.AffectConfig), none},
	{"BlockStats", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return d.(driverapi.Tuner).BlockStats(ctx, uuidA, "")
	}, callString("BlockStats", uuidA, ""), func(*fakeDriver) any { return driverapi.BlockStats{RdReq: 1, RdBytes: 2, WrReq: 3, WrBytes: -1} }},
	{"SendProcessSignal", func(ctx context.Context, d driverapi.Driver) (any, error) {
		return nil, d.(driverapi.Tuner).SendProcessSignal(ctx, uuidB, 1, 15, 0)
	}, callString("SendProcessSignal", uuidB, int64(1), uint32(15), uint32(0)), none},
}

func TestRoundTripValues(t *testing.T) {
	f := sampleFake()
	c := connect(t, f)
	for _, m := range methods {
		t.Run(m.name, func(t *testing.T) {
			got, err := m.call(context.Background(), c)
			if err != nil {
				t.Fatalf("%s: %v", m.name, err)
			}
			if call := f.lastCall(); call != m.wantCall {
				t.Errorf("driver saw %q, want %q", call, m.wantCall)
			}
			if want := m.want(f); !reflect.DeepEqual(got, want) {
				t.Errorf("got %#v\nwant %#v", got, want)
			}
		})
	}
}

func TestRoundTripEmptyResults(t *testing.T) {
	c := connect(t, &fakeDriver{})
	l, err := c.ListAll(context.Background(), 0)
	if err != nil || l != nil {
		t.Errorf("ListAll = %#v, %v; want nil, nil", l, err)
	}
	s, err := c.Stats(context.Background(), nil)
	if err != nil || s != nil {
		t.Errorf("Stats = %#v, %v; want nil, nil", s, err)
	}
	if x, err := c.XMLDesc(context.Background(), uuidA, 0); err != nil || x != "" {
		t.Errorf("XMLDesc = %q, %v", x, err)
	}
}

func TestRoundTripErrors(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want virterror.Error
	}{
		{"no domain", virterror.New(libvirt.ErrNoDomain, "no domain with matching name 'x'"),
			virterror.Error{Code: libvirt.ErrNoDomain, Domain: virterror.FromLXC, Message: "Domain not found: no domain with matching name 'x'"}},
		{"other domain and odd text", &virterror.Error{Code: libvirt.ErrXMLDetail, Domain: virterror.FromXML, Message: "line 1\nline 2: 'ä' \x00 end"},
			virterror.Error{Code: libvirt.ErrXMLDetail, Domain: virterror.FromXML, Message: "line 1\nline 2: 'ä' \x00 end"}},
		{"code without grpc mapping", virterror.New(libvirt.ErrResourceBusy, "busy"),
			virterror.Error{Code: libvirt.ErrResourceBusy, Domain: virterror.FromLXC, Message: "resource busy: busy"}},
		{"wrapped", errors.Join(errors.New("context"), virterror.New(libvirt.ErrOperationInvalid, "domain is not running")),
			virterror.Error{Code: libvirt.ErrOperationInvalid, Domain: virterror.FromLXC, Message: "Requested operation is not valid: domain is not running"}},
		{"plain error", errors.New("boom"),
			virterror.Error{Code: libvirt.ErrInternalError, Domain: virterror.FromLXC, Message: "internal error: boom"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := sampleFake()
			f.err = tc.err
			f.eventsErr = tc.err
			c := connect(t, f)
			calls := append([]method(nil), methods...)
			calls = append(calls, method{name: "Events", call: func(ctx context.Context, d driverapi.Driver) (any, error) {
				return d.Events(ctx)
			}}, method{name: "Close", call: func(_ context.Context, d driverapi.Driver) (any, error) {
				return nil, d.Close()
			}})
			for _, m := range calls {
				_, err := m.call(context.Background(), c)
				var ve *virterror.Error
				if !errors.As(err, &ve) {
					t.Fatalf("%s: error %T %v is not a *virterror.Error", m.name, err, err)
				}
				if _, direct := err.(*virterror.Error); !direct {
					t.Errorf("%s: error is %T, want *virterror.Error itself", m.name, err)
				}
				if *ve != tc.want {
					t.Errorf("%s: got %#v\nwant %#v", m.name, *ve, tc.want)
				}
			}
		})
	}
}

// TestBadUUIDFromPeer sends what a broken or hostile host could: a UUID of
// the wrong length must be refused, never padded into a valid-looking one.
func TestBadUUIDFromPeer(t *testing.T) {
	f := sampleFake()
	c := connect(t, f)
	_, err := c.rpc.Destroy(context.Background(), &pb.UUIDRequest{Uuid: []byte{1, 2, 3}})
	ve := errorFromStatus(status.Convert(err))
	if ve == nil || ve.Code != libvirt.ErrInvalidArg || ve.Message != "invalid argument: uuid must be 16 bytes, got 3" {
		t.Fatalf("got %v (%#v)", err, ve)
	}
	_, err = c.rpc.Stats(context.Background(), &pb.StatsRequest{Uuids: [][]byte{uuidA[:], nil}})
	if ve := errorFromStatus(status.Convert(err)); ve == nil || ve.Code != libvirt.ErrInvalidArg {
		t.Fatalf("Stats with an empty uuid: %v", err)
	}
	if calls := f.lastCall(); calls != "" {
		t.Errorf("the driver was called: %q", calls)
	}
}

func TestDeadlinePropagates(t *testing.T) {
	f := sampleFake()
	f.block = true
	c := connect(t, f)
	var deadlines []time.Time
	var took []time.Duration
	for _, m := range methods {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		dl, _ := ctx.Deadline()
		deadlines = append(deadlines, dl)
		start := time.Now()
		_, err := m.call(ctx, c)
		took = append(took, time.Since(start))
		cancel()
		ve, ok := err.(*virterror.Error)
		if !ok || ve.Code != libvirt.ErrOperationTimeout {
			t.Errorf("%s: got %T %v, want an operation timeout", m.name, err, err)
		}
	}
	waitFor(t, "the driver to see every call end", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.ctxErr) == len(methods)
	})
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, dl := range f.dls {
		// The plugin gets the caller's deadline as a timeout, counted
		// from when the call arrived: later by the call's transit, which
		// is part of the time the call took.
		if skew := dl.Sub(deadlines[i]); dl.IsZero() || skew < 0 || skew > took[i] {
			t.Errorf("%s: driver's deadline %v, caller's %v", methods[i].name, dl, deadlines[i])
		}
		if f.ctxErr[i] == nil {
			t.Errorf("%s: driver's context did not end", methods[i].name)
		}
	}
}

func TestCancellationPropagates(t *testing.T) {
	f := sampleFake()
	f.block = true
	c := connect(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := c.Create(ctx, uuidA, 0)
	if ve, ok := err.(*virterror.Error); !ok || ve.Code != libvirt.ErrOperationAborted {
		t.Fatalf("got %T %v, want an aborted operation", err, err)
	}
	waitFor(t, "the driver to see the cancellation", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.ctxErr) == 1 && errors.Is(f.ctxErr[0], context.Canceled)
	})
}

func TestEventsStream(t *testing.T) {
	f := sampleFake()
	f.events = make(chan driverapi.Event)
	f.eventsEnd = make(chan struct{})
	c := connect(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := c.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = 500
	go func() {
		for i := range n {
			f.events <- driverapi.Event{Kind: driverapi.EventKind(i % 2), Domain: driverapi.Domain{Name: "ct", UUID: uuidA, ID: int32(i)}, Type: int32(i), Detail: -int32(i), NSURI: fmt.Sprint("urn:", i), Alias: fmt.Sprint("net", i)}
		}
	}()
	for i := range n {
		want := driverapi.Event{Kind: driverapi.EventKind(i % 2), Domain: driverapi.Domain{Name: "ct", UUID: uuidA, ID: int32(i)}, Type: int32(i), Detail: -int32(i), NSURI: fmt.Sprint("urn:", i), Alias: fmt.Sprint("net", i)}
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("stream closed after %d events", i)
			}
			if ev != want {
				t.Fatalf("event %d: got %+v, want %+v", i, ev, want)
			}
		case <-time.After(patience):
			t.Fatalf("event %d never arrived", i)
		}
	}
	cancel()
	select {
	case _, ok := <-ch:
		if ok {
			t.Fatal("event after cancel")
		}
	case <-time.After(patience):
		t.Fatal("channel not closed after cancel")
	}
	select {
	case <-f.eventsEnd:
	case <-time.After(patience):
		t.Fatal("the driver's subscription did not end after the host cancelled")
	}
}

func TestEventsEndWhenDriverCloses(t *testing.T) {
	f := sampleFake()
	f.events = make(chan driverapi.Event)
	c := connect(t, f)
	ch, err := c.Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	close(f.events)
	select {
	case _, ok := <-ch:
		if ok {
			t.Fatal("unexpected event")
		}
	case <-time.After(patience):
		t.Fatal("channel not closed when the driver ended the stream")
	}
}

// patience is how long a test waits for something that must happen before
// it gives up: a guard against hanging, not a measure of speed.
const patience = time.Minute

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestUnreachablePlugin: with no plugin behind the connection every call,
// Events included, fails at once with an internal error naming the call.
func TestUnreachablePlugin(t *testing.T) {
	conn, err := grpc.NewClient("unix://"+filepath.Join(t.TempDir(), "none.sock"),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := NewClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	check := func(method string, err error) {
		t.Helper()
		ve, ok := err.(*virterror.Error)
		if !ok || ve.Code != libvirt.ErrInternalError || ve.Domain != virterror.FromLXC ||
			!strings.HasPrefix(ve.Message, "internal error: LXC driver plugin unreachable during "+method+": ") {
			t.Errorf("%s: got %T %v", method, err, err)
		}
	}
	_, err = c.ListAll(ctx, 0)
	check("ListAll", err)
	_, err = c.Events(ctx)
	check("Events", err)
	check("Close", c.Close())
}
