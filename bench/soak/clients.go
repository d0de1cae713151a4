package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html"
	"math/big"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
)

// tally counts cycles and failures across clients; it keeps the first
// error of each step.
type tally struct {
	mu     sync.Mutex
	cycles int
	failed int
	first  map[string]string
	counts map[string]int
}

func newTally() *tally { return &tally{first: map[string]string{}, counts: map[string]int{}} }

func (t *tally) record(step string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cycles++
	if err == nil {
		return
	}
	t.failed++
	t.counts[step]++
	if _, ok := t.first[step]; !ok {
		t.first[step] = err.Error()
	}
}

// domainXML is a small busybox container without a network.
func domainXML(name, rootfs string) string {
	return fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='KiB'>65536</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <console type='pty'/>
  </devices>
</domain>
`, html.EscapeString(name), html.EscapeString(rootfs))
}

// client cycles until ctx ends; lifecycle clients start their container.
func client(ctx context.Context, d *daemon, name, rootfs string, lifecycle bool, pause time.Duration, t *tally) {
	for ctx.Err() == nil {
		step, err := cycle(ctx, d, name, rootfs, lifecycle)
		if ctx.Err() != nil {
			return // cut by the end of the run, not a failure
		}
		t.record(step, err)
		if pause > 0 {
			j, _ := rand.Int(rand.Reader, big.NewInt(int64(pause)))
			select {
			case <-ctx.Done():
			case <-time.After(pause/2 + time.Duration(j.Int64())):
			}
		}
	}
}

// cycle is one connection's life; it returns the step that failed.
func cycle(ctx context.Context, d *daemon, name, rootfs string, lifecycle bool) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	l, err := d.dial(ctx)
	if err != nil {
		return "connect", err
	}
	defer l.Disconnect()
	if _, _, err := l.ConnectListAllDomains(1, 0); err != nil {
		return "list", err
	}
	evctx, evcancel := context.WithCancel(ctx)
	evs, err := l.LifecycleEvents(evctx)
	if err != nil {
		evcancel()
		return "event-register", err
	}
	drained := make(chan struct{})
	go func() {
		for range evs {
		}
		close(drained)
	}()
	step, err := domainCycle(l, name, rootfs, lifecycle)
	evcancel()
	<-drained // the callback is deregistered once the channel closes
	return step, err
}

// domainCycle defines name and undefines it again; a lifecycle client
// starts, suspends, resumes and destroys it in between.
func domainCycle(l *libvirt.Libvirt, name, rootfs string, lifecycle bool) (string, error) {
	dom, err := l.DomainDefineXML(domainXML(name, rootfs))
	if err != nil {
		return "define", err
	}
	if lifecycle {
		steps := []struct {
			name string
			do   func(libvirt.Domain) error
		}{{"create", l.DomainCreate}, {"suspend", l.DomainSuspend}, {"resume", l.DomainResume}, {"destroy", l.DomainDestroy}}
		for _, s := range steps {
			if err := s.do(dom); err != nil {
				_ = l.DomainDestroy(dom)
				_ = l.DomainUndefine(dom)
				return s.name, err
			}
		}
	} else if _, err := l.DomainLookupByName(name); err != nil {
		_ = l.DomainUndefine(dom)
		return "lookup", err
	}
	if err := l.DomainUndefine(dom); err != nil {
		return "undefine", err
	}
	return "", nil
}

// cleanup destroys and undefines every domain left behind by a cut cycle;
// it lists again until none is left, since a cut cycle's last call may
// still land meanwhile.
func cleanup(ctx context.Context, d *daemon) error {
	l, err := d.dial(ctx)
	if err != nil {
		return err
	}
	defer l.Disconnect()
	var errs []error
	for range 5 {
		doms, _, err := l.ConnectListAllDomains(1, 0)
		if err != nil {
			return err
		}
		if len(doms) == 0 {
			return nil
		}
		errs = errs[:0]
		for _, dom := range doms {
			_ = l.DomainDestroy(dom)
			if err := l.DomainUndefine(dom); err != nil && !libvirt.IsNotFound(err) {
				errs = append(errs, fmt.Errorf("undefine %s: %w", dom.Name, err))
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return errors.Join(append(errs, errors.New("domains still defined after five rounds"))...)
}
