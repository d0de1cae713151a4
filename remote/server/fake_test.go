package server

import (
	"context"
	"crypto/sha256"
	"errors"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// fakeDriver is an in-memory driverapi.Driver. Calls naming a domain that starts
// with "block" wait until release closes or their context ends, recording
// each in entered and each cancellation in cancelled.
type fakeDriver struct {
	mu   sync.Mutex
	doms map[driverapi.UUID]*driverapi.Status
	meta map[metaKey]string
	// deviceCalls are the device calls made, in order.
	deviceCalls []deviceCall
	setParams   []driverapi.Param // the last SetParameters call's
	nextID      int32
	events      chan driverapi.Event
	release     chan struct{}
	entered     chan string
	cancelled   chan string
	// afterList, when set, runs after ListAll has built its answer: a
	// domain created or removed by another client at that moment.
	afterList func()
	// cut ends the current event stream; while down, Events fails and
	// says so on refused; each subscription is announced on subscribed.
	cut        chan struct{}
	down       atomic.Bool
	refused    chan struct{}
	subscribed chan struct{}
}

func newFakeDriver() *fakeDriver {
	return &fakeDriver{
		doms:       map[driverapi.UUID]*driverapi.Status{},
		nextID:     1000,
		events:     make(chan driverapi.Event, 16),
		release:    make(chan struct{}),
		entered:    make(chan string, 16),
		cancelled:  make(chan string, 16),
		cut:        make(chan struct{}),
		refused:    make(chan struct{}, 1),
		subscribed: make(chan struct{}, 16),
	}
}

func uuidOf(name string) driverapi.UUID {
	var u driverapi.UUID
	sum := sha256.Sum256([]byte(name))
	copy(u[:], sum[:])
	return u
}

func noDomain(what string) error {
	return virterror.New(libvirt.ErrNoDomain, "no domain with matching %s", what)
}

// nameFromXML takes the text of <name> from a domain XML.
func nameFromXML(xml string) (string, error) {
	_, rest, ok := strings.Cut(xml, "<name>")
	name, _, ok2 := strings.Cut(rest, "</name>")
	if !ok || !ok2 || name == "" {
		return "", virterror.New(libvirt.ErrXMLError, "missing <name>")
	}
	return name, nil
}

func (f *fakeDriver) wait(ctx context.Context, name string) error {
	if !strings.HasPrefix(name, "block") {
		return nil
	}
	f.entered <- name
	select {
	case <-f.release:
		return nil
	case <-ctx.Done():
		f.cancelled <- name
		return ctx.Err()
	}
}

func (f *fakeDriver) get(u driverapi.UUID) (*driverapi.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.doms[u]
	if !ok {
		return nil, noDomain("uuid")
	}
	return st, nil
}

func (f *fakeDriver) add(name string, persistent bool) driverapi.Domain {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := &driverapi.Status{Domain: driverapi.Domain{Name: name, UUID: uuidOf(name), ID: -1}, State: libvirt.DomainShutoff, Persistent: persistent}
	f.doms[st.UUID] = st
	return st.Domain
}

func (f *fakeDriver) emit(kind driverapi.EventKind, d driverapi.Domain, typ, detail int32) {
	select {
	case f.events <- driverapi.Event{Kind: kind, Domain: d, Type: typ, Detail: detail}:
	default: // nobody listens
	}
}

func (f *fakeDriver) DefineXML(ctx context.Context, xml string, flags uint32) (driverapi.Domain, error) {
	name, err := nameFromXML(xml)
	if err != nil {
		return driverapi.Domain{}, err
	}
	d := f.add(name, true)
	f.emit(driverapi.EventLifecycle, d, int32(libvirt.DomainEventDefined), 0)
	return d, nil
}

func (f *fakeDriver) CreateXML(ctx context.Context, xml string, flags uint32) (driverapi.Domain, error) {
	name, err := nameFromXML(xml)
	if err != nil {
		return driverapi.Domain{}, err
	}
	d := f.add(name, false)
	return f.Create(ctx, d.UUID, 0)
}

func (f *fakeDriver) Undefine(ctx context.Context, u driverapi.UUID, flags uint32) error {
	if _, err := f.get(u); err != nil {
		return err
	}
	f.mu.Lock()
	delete(f.doms, u)
	f.mu.Unlock()
	return nil
}

func (f *fakeDriver) Create(ctx context.Context, u driverapi.UUID, flags uint32) (driverapi.Domain, error) {
	st, err := f.get(u)
	if err != nil {
		return driverapi.Domain{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if st.ID != -1 {
		return driverapi.Domain{}, virterror.New(libvirt.ErrOperationInvalid, "domain is already running")
	}
	f.nextID++
	st.ID, st.State, st.Reason = f.nextID, libvirt.DomainRunning, 1
	return st.Domain, nil
}

func (f *fakeDriver) stop(u driverapi.UUID) error {
	st, err := f.get(u)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if st.ID == -1 {
		return virterror.New(libvirt.ErrOperationInvalid, "domain is not running")
	}
	st.ID, st.State = -1, libvirt.DomainShutoff
	return nil
}

func (f *fakeDriver) Shutdown(ctx context.Context, u driverapi.UUID, flags uint32) error {
	return f.stop(u)
}

func (f *fakeDriver) Destroy(ctx context.Context, u driverapi.UUID, flags uint32) error {
	return f.stop(u)
}

func (f *fakeDriver) Reboot(ctx context.Context, u driverapi.UUID, flags uint32) error {
	_, err := f.get(u)
	return err
}

func (f *fakeDriver) setState(u driverapi.UUID, s libvirt.DomainState) error {
	st, err := f.get(u)
	if err != nil {
		return err
	}
	f.mu.Lock()
	st.State = s
	f.mu.Unlock()
	return nil
}

func (f *fakeDriver) Suspend(ctx context.Context, u driverapi.UUID) error {
	return f.setState(u, libvirt.DomainPaused)
}

func (f *fakeDriver) Resume(ctx context.Context, u driverapi.UUID) error {
	return f.setState(u, libvirt.DomainRunning)
}

func (f *fakeDriver) LookupByName(ctx context.Context, name string) (driverapi.Domain, error) {
	if err := f.wait(ctx, name); err != nil {
		return driverapi.Domain{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, st := range f.doms {
		if st.Name == name {
			return st.Domain, nil
		}
	}
	return driverapi.Domain{}, virterror.New(libvirt.ErrNoDomain, "no domain with matching name '%s'", name)
}

func (f *fakeDriver) LookupByUUID(ctx context.Context, u driverapi.UUID) (driverapi.Domain, error) {
	st, err := f.get(u)
	if err != nil {
		return driverapi.Domain{}, err
	}
	return st.Domain, nil
}

func (f *fakeDriver) LookupByID(ctx context.Context, id int32) (driverapi.Domain, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, st := range f.doms {
		if st.ID == id {
			return st.Domain, nil
		}
	}
	return driverapi.Domain{}, noDomain("id")
}

func (f *fakeDriver) ListAll(ctx context.Context, flags uint32) ([]driverapi.Status, error) {
	out := f.list(flags)
	f.mu.Lock()
	after := f.afterList
	f.mu.Unlock()
	if after != nil {
		after()
	}
	return out, nil
}

func (f *fakeDriver) list(flags uint32) []driverapi.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []driverapi.Status
	for _, st := range f.doms {
		active := st.ID != -1
		if flags&uint32(libvirt.ConnectListDomainsActive) != 0 && !active ||
			flags&uint32(libvirt.ConnectListDomainsInactive) != 0 && active {
			continue
		}
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (f *fakeDriver) Status(ctx context.Context, u driverapi.UUID) (driverapi.Status, error) {
	st, err := f.get(u)
	if err != nil {
		return driverapi.Status{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return *st, nil
}

func (f *fakeDriver) XMLDesc(ctx context.Context, u driverapi.UUID, flags uint32) (string, error) {
	st, err := f.Status(ctx, u)
	if err != nil {
		return "", err
	}
	title := "running"
	if flags&uint32(libvirt.DomainXMLInactive) != 0 {
		title = "inactive"
	}
	return "<domain type='lxc'><name>" + st.Name + "</name><uuid>" + driverapi.FormatUUID(st.UUID) + "</uuid><title>" + title + "</title></domain>", nil
}

func (f *fakeDriver) Info(ctx context.Context, u driverapi.UUID) (driverapi.Info, error) {
	st, err := f.Status(ctx, u)
	if err != nil {
		return driverapi.Info{}, err
	}
	return driverapi.Info{State: st.State, MaxMemKiB: 500000, MemKiB: 1234, VCPUs: 2, CPUTimeNs: 5e9}, nil
}

func (f *fakeDriver) SetAutostart(ctx context.Context, u driverapi.UUID, autostart bool) error {
	st, err := f.get(u)
	if err != nil {
		return err
	}
	f.mu.Lock()
	st.Autostart = autostart
	f.mu.Unlock()
	return nil
}

// Stats answers for the named domains (all when none is named), leaving
// out those that do not exist, as driverapi.Driver documents.
func (f *fakeDriver) Stats(ctx context.Context, uuids []driverapi.UUID) ([]driverapi.Stats, error) {
	if len(uuids) == 0 {
		all, _ := f.ListAll(ctx, 0)
		for _, st := range all {
			uuids = append(uuids, st.UUID)
		}
	}
	var out []driverapi.Stats
	for _, u := range uuids {
		st, err := f.Status(ctx, u)
		if err != nil {
			continue
		}
		out = append(out, driverapi.Stats{
			Status: st, CPUTimeNs: 7e9, CPUUserNs: 4e9, CPUSystemNs: 3e9, PerCPUNs: []uint64{5e9, 2e9},
			MemKiB: 2048, MaxMemKiB: 500000, CurMemKiB: 400000, VCPUs: 2,
			Interfaces: []driverapi.InterfaceStats{{Name: "veth0", MAC: "52:54:00:ab:cd:ef", RxBytes: 100, RxPackets: 2, RxErrs: 5, RxDrop: 6,
				TxBytes: 300, TxPackets: 4, TxErrs: 7, TxDrop: 8}},
		})
	}
	return out, nil
}

func (f *fakeDriver) Events(ctx context.Context) (<-chan driverapi.Event, error) {
	if f.down.Load() {
		select {
		case f.refused <- struct{}{}:
		default:
		}
		return nil, errors.New("fake: events down")
	}
	select {
	case f.subscribed <- struct{}{}:
	default:
	}
	out := make(chan driverapi.Event)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case <-f.cut:
				return
			case ev := <-f.events:
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

func (f *fakeDriver) Close() error { return nil }

// metaKey names one metadata value of the fake: the flags are part of it,
// so a test sees which definition a call addressed.
type metaKey struct {
	u     driverapi.UUID
	typ   driverapi.MetadataType
	uri   string
	flags uint32
}

func (f *fakeDriver) SetMetadata(ctx context.Context, u driverapi.UUID, typ driverapi.MetadataType, metadata, key, uri string, flags uint32) error {
	st, err := f.get(u)
	if err != nil {
		return err
	}
	f.mu.Lock()
	if f.meta == nil {
		f.meta = map[metaKey]string{}
	}
	f.meta[metaKey{u, typ, uri, flags}] = key + "|" + metadata
	f.mu.Unlock()
	select {
	case f.events <- driverapi.Event{Kind: driverapi.EventMetadataChange, Domain: st.Domain, Type: int32(typ), NSURI: uri}:
	default:
	}
	return nil
}

func (f *fakeDriver) Metadata(ctx context.Context, u driverapi.UUID, typ driverapi.MetadataType, uri string, flags uint32) (string, error) {
	if _, err := f.get(u); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.meta[metaKey{u, typ, uri, flags}]
	if !ok {
		return "", virterror.NewFrom(virterror.FromDomain, libvirt.ErrNoDomainMetadata, "Requested metadata element is not present")
	}
	return v, nil
}

// deviceCall is a device call the fake received.
type deviceCall struct {
	op, xml string
	flags   uint32
}

// device records a device call and, for the attaches and detaches, sends the
// device event (alias "net9").
func (f *fakeDriver) device(u driverapi.UUID, op, xml string, flags uint32) error {
	st, err := f.get(u)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.deviceCalls = append(f.deviceCalls, deviceCall{op, xml, flags})
	f.mu.Unlock()
	kind := map[string]driverapi.EventKind{"attach": driverapi.EventDeviceAdded, "detach": driverapi.EventDeviceRemoved, "detach-alias": driverapi.EventDeviceRemoved}[op]
	if kind != 0 {
		select {
		case f.events <- driverapi.Event{Kind: kind, Domain: st.Domain, Alias: "net9"}:
		default:
		}
	}
	return nil
}

func (f *fakeDriver) AttachDevice(_ context.Context, u driverapi.UUID, xml string, flags uint32) error {
	return f.device(u, "attach", xml, flags)
}

func (f *fakeDriver) DetachDevice(_ context.Context, u driverapi.UUID, xml string, flags uint32) error {
	return f.device(u, "detach", xml, flags)
}

func (f *fakeDriver) UpdateDevice(_ context.Context, u driverapi.UUID, xml string, flags uint32) error {
	return f.device(u, "update", xml, flags)
}

func (f *fakeDriver) DetachDeviceAlias(_ context.Context, u driverapi.UUID, alias string, flags uint32) error {
	return f.device(u, "detach-alias", alias, flags)
}

// Tuning: Parameters returns tuneParams for every group; SetParameters
// records what it was given in setParams.
var tuneParams = []driverapi.Param{
	{Field: "hard_limit", Type: libvirt.TypedParamUllong, Uint: 1024},
	{Field: "device_weight", Type: libvirt.TypedParamString, Str: "/dev/vda,500"},
	{Field: "vcpu_quota", Type: libvirt.TypedParamLlong, Int: -1},
}

func (f *fakeDriver) SetMemory(_ context.Context, u driverapi.UUID, kib uint64, flags uint32) error {
	_, err := f.get(u)
	return err
}

func (f *fakeDriver) Parameters(_ context.Context, u driverapi.UUID, _ driverapi.ParamGroup, _ uint32) ([]driverapi.Param, error) {
	if _, err := f.get(u); err != nil {
		return nil, err
	}
	return tuneParams, nil
}

func (f *fakeDriver) SetParameters(_ context.Context, u driverapi.UUID, _ driverapi.ParamGroup, ps []driverapi.Param, _ uint32) error {
	if _, err := f.get(u); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setParams = ps
	return nil
}

func (f *fakeDriver) BlockStats(_ context.Context, u driverapi.UUID, path string) (driverapi.BlockStats, error) {
	st, err := f.get(u)
	if err != nil {
		return driverapi.BlockStats{}, err
	}
	if st.ID == -1 {
		return driverapi.BlockStats{}, virterror.New(libvirt.ErrOperationInvalid, "domain is not running")
	}
	if path != "" {
		return driverapi.BlockStats{}, virterror.New(libvirt.ErrInvalidArg, "invalid path: %s", path)
	}
	return driverapi.BlockStats{RdReq: 1, RdBytes: 512, WrReq: -1, WrBytes: 4096}, nil
}

func (f *fakeDriver) SendProcessSignal(_ context.Context, u driverapi.UUID, pid int64, signum, flags uint32) error {
	_, err := f.get(u)
	return err
}
