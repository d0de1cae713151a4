package plugin

import (
	"context"
	"fmt"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// fakeDriver is a scripted driverapi.Driver: every method records its
// arguments and returns the preset value, or err when set. With block set,
// methods wait for their context to end and report what ended it.
type fakeDriver struct {
	mu     sync.Mutex
	calls  []string
	ctxErr []error     // what ended each blocked call, as the driver saw it
	dls    []time.Time // each blocked call's context deadline (zero: none)

	err   error
	block bool

	dom   driverapi.Domain
	st    driverapi.Status
	list  []driverapi.Status
	xml   string
	meta  string
	info  driverapi.Info
	stats []driverapi.Stats

	events    chan driverapi.Event // Events relays from here
	eventsErr error
	eventsEnd chan struct{} // closed when an Events subscription's ctx ends
	closed    int
}

func (f *fakeDriver) record(ctx context.Context, method string, args ...any) error {
	f.mu.Lock()
	f.calls = append(f.calls, callString(method, args...))
	block, err := f.block, f.err
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		dl, _ := ctx.Deadline()
		f.mu.Lock()
		f.ctxErr = append(f.ctxErr, ctx.Err())
		f.dls = append(f.dls, dl)
		f.mu.Unlock()
		return ctx.Err()
	}
	return err
}

// callString is how the fake records a call.
func callString(method string, args ...any) string {
	return fmt.Sprintf("%s%v", method, args)
}

func (f *fakeDriver) lastCall() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		return ""
	}
	return f.calls[len(f.calls)-1]
}

func ret[T any](v T, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

func (f *fakeDriver) DefineXML(ctx context.Context, xml string, flags uint32) (driverapi.Domain, error) {
	return ret(f.dom, f.record(ctx, "DefineXML", xml, flags))
}

func (f *fakeDriver) CreateXML(ctx context.Context, xml string, flags uint32) (driverapi.Domain, error) {
	return ret(f.dom, f.record(ctx, "CreateXML", xml, flags))
}

func (f *fakeDriver) Undefine(ctx context.Context, u driverapi.UUID, flags uint32) error {
	return f.record(ctx, "Undefine", u, flags)
}

func (f *fakeDriver) Create(ctx context.Context, u driverapi.UUID, flags uint32) (driverapi.Domain, error) {
	return ret(f.dom, f.record(ctx, "Create", u, flags))
}

func (f *fakeDriver) Shutdown(ctx context.Context, u driverapi.UUID, flags uint32) error {
	return f.record(ctx, "Shutdown", u, flags)
}

func (f *fakeDriver) Destroy(ctx context.Context, u driverapi.UUID, flags uint32) error {
	return f.record(ctx, "Destroy", u, flags)
}

func (f *fakeDriver) Reboot(ctx context.Context, u driverapi.UUID, flags uint32) error {
	return f.record(ctx, "Reboot", u, flags)
}

func (f *fakeDriver) Suspend(ctx context.Context, u driverapi.UUID) error {
	return f.record(ctx, "Suspend", u)
}

func (f *fakeDriver) Resume(ctx context.Context, u driverapi.UUID) error {
	return f.record(ctx, "Resume", u)
}

func (f *fakeDriver) LookupByName(ctx context.Context, name string) (driverapi.Domain, error) {
	return ret(f.dom, f.record(ctx, "LookupByName", name))
}

func (f *fakeDriver) LookupByUUID(ctx context.Context, u driverapi.UUID) (driverapi.Domain, error) {
	return ret(f.dom, f.record(ctx, "LookupByUUID", u))
}

func (f *fakeDriver) LookupByID(ctx context.Context, id int32) (driverapi.Domain, error) {
	return ret(f.dom, f.record(ctx, "LookupByID", id))
}

func (f *fakeDriver) ListAll(ctx context.Context, flags uint32) ([]driverapi.Status, error) {
	return ret(f.list, f.record(ctx, "ListAll", flags))
}

func (f *fakeDriver) Status(ctx context.Context, u driverapi.UUID) (driverapi.Status, error) {
	return ret(f.st, f.record(ctx, "Status", u))
}

func (f *fakeDriver) XMLDesc(ctx context.Context, u driverapi.UUID, flags uint32) (string, error) {
	return ret(f.xml, f.record(ctx, "XMLDesc", u, flags))
}

func (f *fakeDriver) Info(ctx context.Context, u driverapi.UUID) (driverapi.Info, error) {
	return ret(f.info, f.record(ctx, "Info", u))
}

func (f *fakeDriver) SetAutostart(ctx context.Context, u driverapi.UUID, on bool) error {
	return f.record(ctx, "SetAutostart", u, on)
}

func (f *fakeDriver) Stats(ctx context.Context, uuids []driverapi.UUID) ([]driverapi.Stats, error) {
	return ret(f.stats, f.record(ctx, "Stats", uuids))
}

func (f *fakeDriver) SetMetadata(ctx context.Context, u driverapi.UUID, typ driverapi.MetadataType, metadata, key, uri string, flags uint32) error {
	return f.record(ctx, "SetMetadata", u, typ, metadata, key, uri, flags)
}

func (f *fakeDriver) Metadata(ctx context.Context, u driverapi.UUID, typ driverapi.MetadataType, uri string, flags uint32) (string, error) {
	return ret(f.meta, f.record(ctx, "Metadata", u, typ, uri, flags))
}

func (f *fakeDriver) DomainXMLFromNative(ctx context.Context, format, config string, flags uint32) (string, error) {
	return ret(f.xml, f.record(ctx, "DomainXMLFromNative", format, config, flags))
}

func (f *fakeDriver) DomainXMLToNative(ctx context.Context, format, xml string, flags uint32) (string, error) {
	return ret(f.meta, f.record(ctx, "DomainXMLToNative", format, xml, flags))
}

func (f *fakeDriver) AttachDevice(ctx context.Context, u driverapi.UUID, xml string, flags uint32) error {
	return f.record(ctx, "AttachDevice", u, xml, flags)
}

func (f *fakeDriver) DetachDevice(ctx context.Context, u driverapi.UUID, xml string, flags uint32) error {
	return f.record(ctx, "DetachDevice", u, xml, flags)
}

func (f *fakeDriver) UpdateDevice(ctx context.Context, u driverapi.UUID, xml string, flags uint32) error {
	return f.record(ctx, "UpdateDevice", u, xml, flags)
}

func (f *fakeDriver) DetachDeviceAlias(ctx context.Context, u driverapi.UUID, alias string, flags uint32) error {
	return f.record(ctx, "DetachDeviceAlias", u, alias, flags)
}

// Events relays f.events until ctx ends, like a real driver's subscription.
func (f *fakeDriver) Events(ctx context.Context) (<-chan driverapi.Event, error) {
	f.mu.Lock()
	f.calls = append(f.calls, callString("Events"))
	err, in, end := f.eventsErr, f.events, f.eventsEnd
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := make(chan driverapi.Event)
	go func() {
		defer close(out)
		defer func() {
			if end != nil {
				close(end)
			}
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-in:
				if !ok {
					return
				}
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

func (f *fakeDriver) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed++
	return f.err
}

// tuneParams are what Parameters returns.
var tuneParams = []driverapi.Param{
	{Field: "cpu_shares", Type: libvirt.TypedParamUllong, Uint: 1 << 40},
	{Field: "vcpu_quota", Type: libvirt.TypedParamLlong, Int: -1},
	{Field: "device_read_bytes_sec", Type: libvirt.TypedParamString, Str: "/dev/vdä,5"},
}

func (f *fakeDriver) SetMemory(ctx context.Context, u driverapi.UUID, kib uint64, flags uint32) error {
	return f.record(ctx, "SetMemory", u, kib, flags)
}

func (f *fakeDriver) Parameters(ctx context.Context, u driverapi.UUID, g driverapi.ParamGroup, flags uint32) ([]driverapi.Param, error) {
	return tuneParams, f.record(ctx, "Parameters", u, g, flags)
}

func (f *fakeDriver) SetParameters(ctx context.Context, u driverapi.UUID, g driverapi.ParamGroup, ps []driverapi.Param, flags uint32) error {
	return f.record(ctx, "SetParameters", u, g, ps, flags)
}

func (f *fakeDriver) BlockStats(ctx context.Context, u driverapi.UUID, path string) (driverapi.BlockStats, error) {
	return driverapi.BlockStats{RdReq: 1, RdBytes: 2, WrReq: 3, WrBytes: -1}, f.record(ctx, "BlockStats", u, path)
}

func (f *fakeDriver) SendProcessSignal(ctx context.Context, u driverapi.UUID, pid int64, signum, flags uint32) error {
	return f.record(ctx, "SendProcessSignal", u, pid, signum, flags)
}
