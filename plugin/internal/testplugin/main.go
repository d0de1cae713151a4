// Command testplugin is a driver plugin for the supervisor's tests: it
// serves a small in-memory driver through plugin.Serve. Definitions persist
// in a JSON file in the state_dir the host configures, so a restarted
// plugin reloads them (once the host configured it again); a few magic names make
// calls block, print to stdout or log, or change a domain behind the
// host's back; Events ticks with the plugin's pid so a test can tell which
// process an event came from, and reports those changes. Status and
// ListAll answers carry a serial (Reason) so a test can tell whether an
// answer came from the plugin or from the host's cache.
package main

import (
	"context"
	"crypto/md5"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/plugin"
	"github.com/lxcvirt/lxcvirt/settings"
	"github.com/lxcvirt/lxcvirt/virterror"
)

func main() {
	tick := flag.Duration("tick", 20*time.Millisecond, "interval of the tick events")
	flag.Parse()
	logger := plugin.NewPluginLogger(os.Stderr, slog.LevelDebug)
	err := plugin.Serve(logger, func(s settings.Settings) (driverapi.Driver, error) {
		d := &memDriver{dir: s.StateDir, tick: *tick, log: logger, doms: map[string]driverapi.Domain{},
			paused: map[string]bool{}, subs: map[chan driverapi.Event]struct{}{}}
		if err := d.load(); err != nil {
			return nil, err
		}
		logger.Info("test driver ready", "definitions", len(d.doms))
		return d, nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type memDriver struct {
	driverapi.Driver // methods the tests do not use panic on a nil interface
	dir              string
	tick             time.Duration
	log              *slog.Logger

	mu     sync.Mutex
	doms   map[string]driverapi.Domain
	paused map[string]bool                   // changed by poking, not persisted
	serial int32                             // Status and ListAll answers so far
	subs   map[chan driverapi.Event]struct{} // subscribers of the changes
}

func (d *memDriver) file() string { return filepath.Join(d.dir, "definitions.json") }

func (d *memDriver) load() error {
	b, err := os.ReadFile(d.file())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(b, &d.doms)
}

func (d *memDriver) save() error {
	b, err := json.Marshal(d.doms)
	if err != nil {
		return err
	}
	return os.WriteFile(d.file(), b, 0o600)
}

// DefineXML takes the "XML" as the domain's name.
func (d *memDriver) DefineXML(_ context.Context, xml string, _ uint32) (driverapi.Domain, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	dom := driverapi.Domain{Name: xml, UUID: md5.Sum([]byte(xml)), ID: -1}
	d.doms[xml] = dom
	return dom, d.save()
}

// LookupByName knows four magic names: "block" waits for the caller's
// context, "print" writes to stdout, "log" logs with attributes, and
// "poke:NAME" pauses domain NAME behind the host's back and reports it
// with a suspended event.
func (d *memDriver) LookupByName(ctx context.Context, name string) (driverapi.Domain, error) {
	if target, ok := strings.CutPrefix(name, "poke:"); ok {
		return d.poke(target)
	}
	switch name {
	case "block":
		d.log.Info("lookup blocks until cancelled")
		<-ctx.Done()
		return driverapi.Domain{}, ctx.Err()
	case "print":
		fmt.Println("hello on stdout")
	case "log":
		d.log.Warn("test warning", "answer", 42, "who", "plugin")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	dom, ok := d.doms[name]
	if !ok {
		return driverapi.Domain{}, virterror.New(libvirt.ErrNoDomain, "no domain with matching name '%s'", name)
	}
	return dom, nil
}

func (d *memDriver) poke(name string) (driverapi.Domain, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	dom, ok := d.doms[name]
	if !ok {
		return driverapi.Domain{}, virterror.New(libvirt.ErrNoDomain, "no domain with matching name '%s'", name)
	}
	d.paused[name] = true
	ev := driverapi.Event{Kind: driverapi.EventLifecycle, Domain: dom, Type: int32(libvirt.DomainEventSuspended)}
	for ch := range d.subs {
		select {
		case ch <- ev:
		default:
			d.log.Warn("test driver dropped an event")
		}
	}
	return dom, nil
}

// statusLocked is dom's status with the next serial as its Reason.
func (d *memDriver) statusLocked(dom driverapi.Domain) driverapi.Status {
	st := driverapi.Status{Domain: dom, State: libvirt.DomainShutoff, Reason: d.serial, Persistent: true}
	if d.paused[dom.Name] {
		st.State = libvirt.DomainPaused
	}
	d.serial++
	return st
}

func (d *memDriver) ListAll(context.Context, uint32) ([]driverapi.Status, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []driverapi.Status
	for _, dom := range d.doms {
		out = append(out, d.statusLocked(dom))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (d *memDriver) Status(_ context.Context, u driverapi.UUID) (driverapi.Status, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, dom := range d.doms {
		if dom.UUID == u {
			return d.statusLocked(dom), nil
		}
	}
	return driverapi.Status{}, virterror.New(libvirt.ErrNoDomain, "no domain with matching uuid")
}

// Resume unpauses a domain.
func (d *memDriver) Resume(_ context.Context, u driverapi.UUID) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, dom := range d.doms {
		if dom.UUID == u {
			delete(d.paused, name)
		}
	}
	return nil
}

// Events sends a tick every interval — Type is this process's pid and the
// domain ID counts up from 0 — and the changes poking makes.
func (d *memDriver) Events(ctx context.Context) (<-chan driverapi.Event, error) {
	changes := make(chan driverapi.Event, 16)
	d.mu.Lock()
	d.subs[changes] = struct{}{}
	d.mu.Unlock()
	out := make(chan driverapi.Event)
	go func() {
		defer close(out)
		defer func() {
			d.mu.Lock()
			delete(d.subs, changes)
			d.mu.Unlock()
		}()
		t := time.NewTicker(d.tick)
		defer t.Stop()
		for seq := int32(0); ; {
			var ev driverapi.Event
			select {
			case <-ctx.Done():
				return
			case ev = <-changes:
			case <-t.C:
				ev = driverapi.Event{Kind: driverapi.EventLifecycle, Domain: driverapi.Domain{Name: "tick", ID: seq}, Type: int32(os.Getpid())}
				seq++
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// OpenConsole gives an echo console: what is typed comes back.
func (d *memDriver) OpenConsole(context.Context, driverapi.UUID, string, uint32) (io.ReadWriteCloser, error) {
	r, w := io.Pipe()
	return echoConsole{r, w}, nil
}

type echoConsole struct {
	*io.PipeReader
	*io.PipeWriter
}

func (e echoConsole) Close() error {
	e.PipeReader.Close()
	return e.PipeWriter.Close()
}

// Close leaves a marker so tests can tell a graceful stop from a kill.
func (d *memDriver) Close() error {
	d.log.Info("test driver closing")
	return os.WriteFile(filepath.Join(d.dir, "closed"), []byte(fmt.Sprint(os.Getpid())), 0o600)
}
