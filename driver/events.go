package driver

import (
	"context"
	"log/slog"
	"sync"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// subscriberBuffer is how many events a subscriber may lag behind before it
// is disconnected.
const subscriberBuffer = 1024

// broker fans events out to subscribers. Publishing never blocks: a
// subscriber whose buffer is full is disconnected (its channel closed) and
// logged, so a slow reader cannot stall the driver.
type broker struct {
	log    *slog.Logger
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	closed bool
}

type subscriber struct {
	ch chan driverapi.Event
}

func newBroker(log *slog.Logger) *broker {
	return &broker{log: log, subs: map[*subscriber]struct{}{}}
}

// subscribe registers a subscriber until ctx ends.
func (b *broker) subscribe(ctx context.Context) (<-chan driverapi.Event, error) {
	s := &subscriber{ch: make(chan driverapi.Event, subscriberBuffer)}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, internalErr("driver is closed")
	}
	b.subs[s] = struct{}{}
	context.AfterFunc(ctx, func() { b.drop(s) })
	return s.ch, nil
}

// drop removes s and closes its channel; it is a no-op when s is gone.
func (b *broker) drop(s *subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.dropLocked(s)
}

func (b *broker) dropLocked(s *subscriber) {
	if _, ok := b.subs[s]; ok {
		delete(b.subs, s)
		close(s.ch)
	}
}

// publish delivers ev to every subscriber in order.
func (b *broker) publish(ev driverapi.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		select {
		case s.ch <- ev:
		default:
			b.log.Warn("event subscriber too slow, disconnecting it", "buffer", subscriberBuffer)
			b.dropLocked(s)
		}
	}
}

// close disconnects every subscriber.
func (b *broker) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		b.dropLocked(s)
	}
}

// lifecycle builds a lifecycle event.
func lifecycle(dom driverapi.Domain, typ libvirt.DomainEventType, detail int32) driverapi.Event {
	return driverapi.Event{Kind: driverapi.EventLifecycle, Domain: dom, Type: int32(typ), Detail: detail}
}

// origin says who made a domain stop: its guest, or the host (the driver
// on a client's request, or an administrator).
type origin int

const (
	byHost origin = iota
	byGuest
)

// stoppedEvents are the events for a domain that stopped with reason. A
// shutdown is "shutdown finished after guest/host request" then "stopped
// shutdown", as libvirt reports a guest that powered off; a crash (init
// died of a signal or failed) is "stopped crashed"; a kill is "stopped
// destroyed".
func stoppedEvents(dom driverapi.Domain, reason libvirt.DomainShutoffReason, by origin) []driverapi.Event {
	switch reason {
	case libvirt.DomainShutoffShutdown:
		detail := libvirt.DomainEventShutdownHost
		if by == byGuest {
			detail = libvirt.DomainEventShutdownGuest
		}
		return []driverapi.Event{
			lifecycle(dom, libvirt.DomainEventShutdown, int32(detail)),
			lifecycle(dom, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedShutdown)),
		}
	case libvirt.DomainShutoffCrashed:
		return []driverapi.Event{lifecycle(dom, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedCrashed))}
	case libvirt.DomainShutoffFailed:
		return []driverapi.Event{lifecycle(dom, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedFailed))}
	case libvirt.DomainShutoffFromSnapshot:
		return []driverapi.Event{lifecycle(dom, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedFromSnapshot))}
	default:
		return []driverapi.Event{lifecycle(dom, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedDestroyed))}
	}
}
