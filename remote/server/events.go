package server

import (
	"context"
	"sync"
	"sync/atomic"

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
}

func lifecycleMsg(ev driverapi.Event) libvirt.DomainEventLifecycleMsg {
	return libvirt.DomainEventLifecycleMsg{Dom: wireDomain(ev.Domain), Event: ev.Type, Detail: ev.Detail}
}

// eventHub reads the driver's event stream and forwards each event to the
// clients that registered for it.
type eventHub struct {
	srv    *Server
	nextID atomic.Int32

	mu      sync.Mutex
	started bool
	stopped bool
	cancel  context.CancelFunc
	done    chan struct{}
}

func newEventHub(s *Server) *eventHub { return &eventHub{srv: s} }

// start subscribes to the driver's events, once.
func (h *eventHub) start() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.started || h.stopped {
		return
	}
	h.started = true
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan struct{})
	ch, err := h.srv.cfg.Driver.Events(ctx)
	if err != nil {
		h.srv.log.Warn("driver events unavailable; clients get no events", "err", err)
		close(h.done)
		return
	}
	go func() {
		defer close(h.done)
		for ev := range ch {
			for _, c := range h.srv.snapshot() {
				c.deliver(ev)
			}
		}
		if ctx.Err() == nil {
			h.srv.log.Warn("driver event stream ended")
		}
	}()
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

// deliver queues ev for each of the client's matching registrations. Events
// are MESSAGE packets with serial 1, as libvirtd sends them.
func (c *conn) deliver(ev driverapi.Event) {
	form, ok := eventForms[ev.Kind]
	if !ok || c.ctx.Err() != nil {
		return
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
		c.queueEvent(buf)
	}
}

func checkEventID(id int32) error {
	if id < 0 || id >= domainEventIDs {
		return virterror.NewFrom(virterror.FromRPC, libvirt.ErrInvalidArg, "unsupported event ID %d", id)
	}
	return nil
}

// addCallback registers cb for the client and returns its id.
func (c *conn) addCallback(cb *callback) int32 {
	cb.id = c.srv.events.nextID.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.callbacks == nil {
		c.callbacks = map[int32]*callback{}
	}
	c.callbacks[cb.id] = cb
	return cb.id
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
	return &libvirt.ConnectDomainEventCallbackRegisterAnyRet{CallbackID: c.addCallback(cb)}, nil
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
	c.addCallback(&callback{eventID: eventID, legacy: true})
	return nil
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
