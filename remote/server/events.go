package server

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// domainEventIDs is VIR_DOMAIN_EVENT_ID_LAST of libvirt 9.0: clients such as
// `virsh event --all` register every ID below it and stop at the first
// refusal, so all are accepted even though only some are ever sent.
const domainEventIDs = 27

// callback is one event registration of a client.
type callback struct {
	id      int32
	eventID int32
	dom     *libvirt.UUID // nil: every domain
	legacy  bool          // registered through the pre-callback procedures
}

// eventForm says how one kind of driver event travels: the procedure and
// message for callback registrations and for legacy ones (none for events
// newer than the legacy procedures).
type eventForm struct {
	proc, legacyProc int32
	msg              func(cb int32, ev driverapi.Event) any
	legacyMsg        func(ev driverapi.Event) any
}

// eventForms are the events lxcvirtd emits; issue-5 events add entries.
var eventForms = map[driverapi.EventKind]eventForm{
	driverapi.EventLifecycle: {
		proc: proto.ProcDomainEventCallbackLifecycle, legacyProc: proto.ProcDomainEventLifecycle,
		msg: func(cb int32, ev driverapi.Event) any {
			return &libvirt.DomainEventCallbackLifecycleMsg{CallbackID: cb, Msg: lifecycleMsg(ev)}
		},
		legacyMsg: func(ev driverapi.Event) any { m := lifecycleMsg(ev); return &m },
	},
	driverapi.EventReboot: {
		proc: proto.ProcDomainEventCallbackReboot, legacyProc: proto.ProcDomainEventReboot,
		msg: func(cb int32, ev driverapi.Event) any {
			return &libvirt.DomainEventCallbackRebootMsg{CallbackID: cb, Msg: libvirt.DomainEventRebootMsg{Dom: wireDomain(ev.Domain)}}
		},
		legacyMsg: func(ev driverapi.Event) any { return &libvirt.DomainEventRebootMsg{Dom: wireDomain(ev.Domain)} },
	},
	// Newer than the legacy procedures: callback registrations only, as
	// in libvirt.
	driverapi.EventMetadataChange: {proc: proto.ProcDomainEventCallbackMetadataChange, msg: metadataChangeMsg},
	driverapi.EventDeviceAdded:    {proc: proto.ProcDomainEventCallbackDeviceAdded, msg: deviceAddedMsg},
	driverapi.EventTunable:        {proc: proto.ProcDomainEventCallbackTunable, msg: tunableMsg},
	driverapi.EventDeviceRemoved: {
		proc: proto.ProcDomainEventCallbackDeviceRemoved, legacyProc: proto.ProcDomainEventDeviceRemoved,
		msg: func(cb int32, ev driverapi.Event) any {
			return &libvirt.DomainEventCallbackDeviceRemovedMsg{CallbackID: cb, Msg: deviceRemovedMsg(ev)}
		},
		legacyMsg: func(ev driverapi.Event) any { m := deviceRemovedMsg(ev); return &m },
	},
}

func lifecycleMsg(ev driverapi.Event) libvirt.DomainEventLifecycleMsg {
	return libvirt.DomainEventLifecycleMsg{Dom: wireDomain(ev.Domain), Event: ev.Type, Detail: ev.Detail}
}

// eventHub reads the driver's event stream and hands each event to every
// client's own bounded queue (conn.post), so a slow client never delays
// the others. The subscription cannot end for good: whenever the stream
// breaks (the plugin died, or the hub fell behind) the hub subscribes
// again, with backoff while the driver refuses, and resynchronises — it
// compares a fresh listing with the states it last knew and emits the
// lifecycle events for what changed while it was not subscribed.
type eventHub struct {
	srv    *Server
	nextID atomic.Int32

	// known is each domain's state as the events told, for the resync;
	// only the forwarder goroutine uses it.
	known map[driverapi.UUID]driverapi.Status

	mu      sync.Mutex
	started bool
	stopped bool
	cancel  context.CancelFunc
	done    chan struct{}
}

// Resubscription backoff: the first retry after resubscribeInitial,
// doubling up to resubscribeMax while the driver refuses.
const (
	resubscribeInitial = 50 * time.Millisecond
	resubscribeMax     = 5 * time.Second
)

func newEventHub(s *Server) *eventHub { return &eventHub{srv: s} }

// start launches the forwarder, once.
func (h *eventHub) start() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.started || h.stopped {
		return
	}
	h.started = true
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan struct{})
	go func() {
		defer close(h.done)
		h.run(ctx)
	}()
}

// run subscribes, forwards, and subscribes again until ctx ends.
func (h *eventHub) run(ctx context.Context) {
	resync := false
	for ctx.Err() == nil {
		ch := h.subscribe(ctx)
		if ch == nil {
			return
		}
		h.snapshotStates(ctx, resync)
		for ev := range ch {
			h.track(ev)
			h.fanOut(ev)
		}
		if ctx.Err() == nil {
			h.srv.log.Warn("driver event stream ended; subscribing again")
		}
		resync = true
	}
}

// subscribe retries the driver's Events with backoff until it succeeds;
// nil once ctx ends.
func (h *eventHub) subscribe(ctx context.Context) <-chan driverapi.Event {
	pause := resubscribeInitial
	for {
		ch, err := h.srv.cfg.Driver.Events(ctx)
		if err == nil {
			return ch
		}
		if ctx.Err() != nil {
			return nil
		}
		h.srv.log.Warn("driver events unavailable; retrying", "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
		pause = min(2*pause, resubscribeMax)
	}
}

func (h *eventHub) fanOut(ev driverapi.Event) {
	for _, c := range h.srv.snapshot() {
		c.post(ev)
	}
}

// snapshotStates lists the domains after a subscription; with resync it
// first emits the lifecycle events that turn the states known before into
// the listed ones (none when no listing succeeded before: nothing to
// compare with). A failed listing keeps the old states, to compare at the
// next subscription.
func (h *eventHub) snapshotStates(ctx context.Context, resync bool) {
	list, err := h.srv.cfg.Driver.ListAll(ctx, driverapi.ListAll)
	if err != nil {
		h.srv.log.Warn("cannot list domains to resynchronise events", "err", err)
		return
	}
	fresh := make(map[driverapi.UUID]driverapi.Status, len(list))
	for _, st := range list {
		fresh[st.UUID] = st
	}
	if resync && h.known != nil {
		evs := resyncEvents(h.known, fresh)
		// Logged before the events go out, so whoever sees one can find
		// the line.
		if len(evs) > 0 {
			h.srv.log.Info("events resynchronised after the subscription broke", "events", len(evs))
		}
		for _, ev := range evs {
			h.fanOut(ev)
		}
	}
	h.known = fresh
}

// track updates the known states with a lifecycle event.
func (h *eventHub) track(ev driverapi.Event) {
	if ev.Kind != driverapi.EventLifecycle || h.known == nil {
		return
	}
	st, had := h.known[ev.Domain.UUID]
	st.Domain = ev.Domain
	switch libvirt.DomainEventType(ev.Type) {
	case libvirt.DomainEventUndefined:
		delete(h.known, ev.Domain.UUID)
		return
	case libvirt.DomainEventDefined:
		st.Persistent = true
		if !had {
			st.State = libvirt.DomainShutoff
		}
	case libvirt.DomainEventStarted, libvirt.DomainEventResumed:
		st.State = libvirt.DomainRunning
	case libvirt.DomainEventSuspended:
		st.State = libvirt.DomainPaused
	case libvirt.DomainEventStopped:
		if had && !st.Persistent {
			delete(h.known, ev.Domain.UUID)
			return
		}
		st.State = libvirt.DomainShutoff
	case libvirt.DomainEventShutdown:
		return // shutting down; Stopped follows
	default:
		return
	}
	h.known[ev.Domain.UUID] = st
}

// active is whether a state counts as running for libvirt's events.
func active(s libvirt.DomainState) bool {
	return s != libvirt.DomainShutoff && s != libvirt.DomainNostate
}

// resyncEvents are the lifecycle events, in libvirt's wording, that lead
// from the states in old to those in fresh.
func resyncEvents(old, fresh map[driverapi.UUID]driverapi.Status) []driverapi.Event {
	var evs []driverapi.Event
	add := func(d driverapi.Domain, t libvirt.DomainEventType, detail int32) {
		evs = append(evs, driverapi.Event{Kind: driverapi.EventLifecycle, Domain: d, Type: int32(t), Detail: detail})
	}
	for u, was := range old {
		if _, ok := fresh[u]; ok {
			continue
		}
		d := was.Domain
		d.ID = -1
		if active(was.State) {
			add(d, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedShutdown))
		}
		if was.Persistent {
			add(d, libvirt.DomainEventUndefined, int32(libvirt.DomainEventUndefinedRemoved))
		}
	}
	for u, now := range fresh {
		was, had := old[u]
		if !had {
			was = driverapi.Status{State: libvirt.DomainShutoff}
			if now.Persistent {
				add(now.Domain, libvirt.DomainEventDefined, int32(libvirt.DomainEventDefinedAdded))
			}
		}
		switch {
		case was.State == now.State:
		case !active(now.State):
			add(now.Domain, libvirt.DomainEventStopped, stoppedDetail(now.Reason))
		case !active(was.State):
			add(now.Domain, libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted))
			if now.State == libvirt.DomainPaused {
				add(now.Domain, libvirt.DomainEventSuspended, int32(libvirt.DomainEventSuspendedPaused))
			}
		case now.State == libvirt.DomainPaused:
			add(now.Domain, libvirt.DomainEventSuspended, int32(libvirt.DomainEventSuspendedPaused))
		case was.State == libvirt.DomainPaused && now.State == libvirt.DomainRunning:
			add(now.Domain, libvirt.DomainEventResumed, int32(libvirt.DomainEventResumedUnpaused))
		}
	}
	return evs
}

// stoppedDetail is the Stopped event detail that goes with a shut-off
// reason.
func stoppedDetail(reason int32) int32 {
	switch libvirt.DomainShutoffReason(reason) {
	case libvirt.DomainShutoffDestroyed:
		return int32(libvirt.DomainEventStoppedDestroyed)
	case libvirt.DomainShutoffCrashed:
		return int32(libvirt.DomainEventStoppedCrashed)
	case libvirt.DomainShutoffFailed:
		return int32(libvirt.DomainEventStoppedFailed)
	default:
		return int32(libvirt.DomainEventStoppedShutdown)
	}
}

// stop ends the subscription and waits for the forwarder to finish.
func (h *eventHub) stop() {
	h.mu.Lock()
	started := h.started && !h.stopped
	h.stopped = true
	h.mu.Unlock()
	if started {
		h.cancel()
		<-h.done
	}
}

type eventMsg struct {
	proc int32
	body any
}

// deliver writes ev for each of the client's matching registrations; it
// reports false once a write failed (the client is then dropped). Events
// are MESSAGE packets with serial 1, as libvirtd sends them.
func (c *conn) deliver(ev driverapi.Event) bool {
	form, ok := eventForms[ev.Kind]
	if !ok {
		return true
	}
	c.mu.Lock()
	var msgs []eventMsg
	if c.opened {
		for _, cb := range c.callbacks {
			if cb.eventID != int32(ev.Kind) || cb.dom != nil && *cb.dom != ev.Domain.UUID {
				continue
			}
			if cb.legacy {
				if form.legacyMsg != nil {
					msgs = append(msgs, eventMsg{form.legacyProc, form.legacyMsg(ev)})
				}
			} else {
				msgs = append(msgs, eventMsg{form.proc, form.msg(cb.id, ev)})
			}
		}
	}
	c.mu.Unlock()
	for _, m := range msgs {
		payload, err := wire.Marshal(m.body)
		if err != nil {
			c.log.Error("cannot encode event", "err", err)
			continue
		}
		h := wire.Header{Program: proto.RemoteProgram, Version: proto.RemoteProtocolVersion, Procedure: m.proc, Type: wire.Message, Serial: 1}
		buf, err := wire.AppendPacket(nil, h, payload)
		if err != nil {
			c.log.Error("cannot frame event", "err", err)
			continue
		}
		if c.write(buf) != nil {
			return false
		}
	}
	return true
}

func checkEventID(id int32) error {
	if id < 0 || id >= domainEventIDs {
		return virterror.NewFrom(virterror.FromRPC, libvirt.ErrInvalidArg, "unsupported event ID %d", id)
	}
	return nil
}

// maxCallbacks bounds the event registrations of one connection. libvirtd
// sets none; every event is encoded and written once per registration, so
// unbounded registrations let one client make the daemon's work for each
// event grow without limit. A client that registers every event ID for
// every domain of a large host stays far below it.
const maxCallbacks = 1024

// addCallback registers cb for the client and returns its id; a client at
// maxCallbacks is refused.
func (c *conn) addCallback(cb *callback) (int32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.callbacks) >= maxCallbacks {
		return 0, virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "too many domain event callbacks on this connection: %d for limit %d", len(c.callbacks)+1, maxCallbacks)
	}
	if c.callbacks == nil {
		c.callbacks = map[int32]*callback{}
	}
	cb.id = c.srv.events.nextID.Add(1)
	c.callbacks[cb.id] = cb
	return cb.id, nil
}

// legacyCallback finds the client's legacy registration for eventID.
func (c *conn) legacyCallback(eventID int32) *callback {
	for _, cb := range c.callbacks {
		if cb.legacy && cb.eventID == eventID {
			return cb
		}
	}
	return nil
}

func (c *conn) forgetCallbacks() {
	c.mu.Lock()
	c.callbacks = nil
	c.mu.Unlock()
}

func (s *Server) callbackRegisterAny(ctx context.Context, c *conn, args *libvirt.ConnectDomainEventCallbackRegisterAnyArgs) (*libvirt.ConnectDomainEventCallbackRegisterAnyRet, error) {
	if err := checkEventID(args.EventID); err != nil {
		return nil, err
	}
	cb := &callback{eventID: args.EventID}
	if len(args.Dom) == 1 {
		if _, err := s.drv().LookupByUUID(ctx, args.Dom[0].UUID); err != nil {
			return nil, err
		}
		u := args.Dom[0].UUID
		cb.dom = &u
	}
	id, err := c.addCallback(cb)
	if err != nil {
		return nil, err
	}
	return &libvirt.ConnectDomainEventCallbackRegisterAnyRet{CallbackID: id}, nil
}

func (s *Server) callbackDeregisterAny(ctx context.Context, c *conn, args *libvirt.ConnectDomainEventCallbackDeregisterAnyArgs) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cb, ok := c.callbacks[args.CallbackID]; !ok || cb.legacy {
		return virterror.NewFrom(virterror.FromRPC, libvirt.ErrInvalidArg, "domain event callback %d not registered", args.CallbackID)
	}
	delete(c.callbacks, args.CallbackID)
	return nil
}

// registerLegacy adds a legacy registration for eventID unless one exists.
func (c *conn) registerLegacy(eventID int32) error {
	c.mu.Lock()
	exists := c.legacyCallback(eventID) != nil
	c.mu.Unlock()
	if exists {
		return virterror.NewFrom(virterror.FromRPC, libvirt.ErrInternalError, "domain event %d already registered", eventID)
	}
	_, err := c.addCallback(&callback{eventID: eventID, legacy: true})
	return err
}

func (c *conn) deregisterLegacy(eventID int32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cb := c.legacyCallback(eventID)
	if cb == nil {
		return virterror.NewFrom(virterror.FromRPC, libvirt.ErrInternalError, "domain event %d not registered", eventID)
	}
	delete(c.callbacks, cb.id)
	return nil
}

func (s *Server) eventRegisterAny(ctx context.Context, c *conn, args *libvirt.ConnectDomainEventRegisterAnyArgs) error {
	if err := checkEventID(args.EventID); err != nil {
		return err
	}
	return c.registerLegacy(args.EventID)
}

func (s *Server) eventDeregisterAny(ctx context.Context, c *conn, args *libvirt.ConnectDomainEventDeregisterAnyArgs) error {
	return c.deregisterLegacy(args.EventID)
}

// eventRegister is the oldest API: lifecycle events only.
func (s *Server) eventRegister(ctx context.Context, c *conn) (*libvirt.ConnectDomainEventRegisterRet, error) {
	if err := c.registerLegacy(int32(driverapi.EventLifecycle)); err != nil {
		return nil, err
	}
	return &libvirt.ConnectDomainEventRegisterRet{CbRegistered: 1}, nil
}

func (s *Server) eventDeregister(ctx context.Context, c *conn) (*libvirt.ConnectDomainEventDeregisterRet, error) {
	if err := c.deregisterLegacy(int32(driverapi.EventLifecycle)); err != nil {
		return nil, err
	}
	return &libvirt.ConnectDomainEventDeregisterRet{CbRegistered: 0}, nil
}
