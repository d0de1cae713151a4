package driver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Startup recovery, after libvirt's virLXCProcessReconnectAll and
// containerd's LoadExistingShims: rebuild the table from the state
// directory, adopt what still runs, clean up the rest, then autostart.

// load rebuilds the domain table from the state directory and reconnects
// to the containers that still run.
func (l *LXC) load(ctx context.Context) {
	// A definition kept is loaded whatever blkio weight the host has now:
	// its start refuses what the host lacks.
	opts := l.opts
	opts.BlkioWeight = ""
	for _, sd := range l.store.loadDefs(l.log) {
		m, u, err := l.parseWith(sd.xml, opts)
		switch {
		case err != nil:
			l.log.Error("skipping corrupt definition", "path", sd.path, "err", err)
			continue
		case u != sd.uuid:
			l.log.Error("skipping definition filed under another uuid", "path", sd.path, "uuid", driverapi.FormatUUID(u))
			continue
		case l.tab.getName(m.Domain.Name) != nil:
			l.log.Error("skipping definition with a duplicate name", "path", sd.path, "name", m.Domain.Name)
			continue
		}
		def, err := definitionOf(m)
		if err != nil {
			l.log.Error("skipping definition that cannot be formatted", "path", sd.path, "err", err)
			continue
		}
		d := newDomain(u, m.Domain.Name)
		d.persistent = def
		l.tab.add(d)
	}
	l.loadManagedSaves()
	for u := range l.store.loadAutostart(l.log) {
		if d := l.tab.get(u); d != nil {
			d.autostart = true
		} else {
			l.log.Warn("removing autostart marker of an unknown domain", "uuid", driverapi.FormatUUID(u))
			_ = l.store.setAutostart(u, false)
		}
	}
	runs := l.store.loadRuns(l.log)
	for u, rs := range runs {
		d := l.tab.get(u)
		switch {
		case d == nil && l.tab.getName(rs.Name) == nil:
			d = newDomain(u, rs.Name)
			l.tab.add(d)
		case d == nil || d.name != rs.Name:
			l.log.Error("dropping run state that clashes with a definition", "uuid", driverapi.FormatUUID(u), "name", rs.Name)
			_ = l.store.removeRun(u)
			delete(runs, u)
		}
	}
	for _, d := range l.tab.all() {
		l.loadSnapshots(d)
	}
	// Ask the runtime about every domain that may run, a few at a time.
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, d := range l.tab.all() {
		rs, hasRun := runs[d.uuid]
		if !hasRun && !l.rt.Defined(d.name) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			var p *runState
			if hasRun {
				p = &rs
			}
			l.reconnect(ctx, d, p)
		}()
	}
	wg.Wait()
}

// reconnect adopts d's container when it still runs; otherwise it cleans up
// what the last run left (run state; the whole domain if transient). The
// running init is found in the kernel's and LXC's files where they tell,
// else by asking LXC (lxc-info).
func (l *LXC) reconnect(ctx context.Context, d *domain, rs *runState) {
	st, pid, err := lxc.Running, l.rt.RunningInit(d.name), error(nil)
	if pid <= 0 {
		st, pid, err = l.rt.State(ctx, d.name)
	}
	if err != nil && !errors.Is(err, lxc.ErrNotFound) {
		l.log.Error("cannot query container; treating it as shut off", "domain", d.name, "err", err)
	}
	if err != nil || pid <= 0 || st == lxc.Stopped {
		if rs != nil {
			l.log.Info("domain stopped while the driver was away", "domain", d.name)
			l.rt.ReleaseLoops(rs.Loops)
			_ = l.store.removeRun(d.uuid)
		}
		if d.persistent == nil {
			l.tab.remove(d)
			l.removeContainerDir(d)
		}
		return
	}
	var live *xmlmap.Mapped
	reason := int32(libvirt.DomainRunningUnknown)
	startedAt := l.cfg.Now()
	if rs != nil {
		reason, startedAt = rs.Reason, rs.StartedAt
		if m, _, err := l.parse([]byte(rs.LiveXML)); err == nil {
			live = m
		} else {
			l.log.Error("unreadable live definition; using the persistent one", "domain", d.name, "err", err)
		}
	}
	if live == nil && d.persistent != nil {
		m, _, err := l.parse([]byte(d.persistent.xml))
		if err != nil {
			l.log.Error("cannot re-read the persistent definition", "domain", d.name, "err", err)
		}
		live = m
	}
	if live == nil {
		l.log.Error("running transient domain without a usable definition; leaving it alone", "domain", d.name)
		l.tab.remove(d)
		_ = l.store.removeRun(d.uuid)
		return
	}
	if rs != nil {
		d.mu.Lock()
		d.loops = rs.Loops
		d.mu.Unlock()
	}
	if err := l.adopt(d, live, l.rt.Adopt(d.name, pid), reason, startedAt); err != nil {
		l.log.Error("cannot re-adopt running container", "domain", d.name, "err", err)
		if d.persistent == nil {
			l.tab.remove(d)
		}
		return
	}
	l.log.Info("re-adopted running domain", "domain", d.name, "id", pid)
}

// Autostart retries a start that failed this many times in all, waiting
// autostartBackoff, then twice as long before each further attempt.
const (
	autostartAttempts = 4
	autostartBackoff  = 2 * time.Second
)

// autostartOnce starts the autostart domains that do not run, once per
// host boot (RunDir is expected on a tmpfs, as libvirt's own marker is),
// AutostartParallel at a time in the background. A failed start is retried
// with backoff. The marker that autostart ran this boot is written once
// every attempt has finished, so a driver that stops (or dies) before
// then autostarts again when it comes back.
func (l *LXC) autostartOnce() error {
	marker := filepath.Join(l.cfg.RunDir, autostartMarker)
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	var todo []*domain
	for _, d := range l.tab.all() {
		d.mu.Lock()
		if d.autostart && d.persistent != nil && !d.activeLocked() {
			todo = append(todo, d)
		}
		d.mu.Unlock()
	}
	if len(todo) == 0 {
		return writeFileAtomic(marker, nil, 0o600, durable)
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		sem := make(chan struct{}, l.cfg.AutostartParallel)
		var wg sync.WaitGroup
		for _, d := range todo {
			select {
			case sem <- struct{}{}:
			case <-l.ctx.Done():
			}
			if l.ctx.Err() != nil {
				break
			}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				l.autostart(d)
			}()
		}
		wg.Wait()
		if l.ctx.Err() != nil {
			return // unfinished: the next driver instance tries again
		}
		if err := writeFileAtomic(marker, nil, 0o600, durable); err != nil {
			l.log.Error("cannot write the autostart marker", "err", err)
		}
	}()
	return nil
}

// autostart starts d, retrying a failure with backoff, until it runs, is
// no longer to be started (undefined, autostart off) or the attempts are
// spent.
func (l *LXC) autostart(d *domain) {
	wait := autostartBackoff
	for attempt := 1; ; attempt++ {
		_, err := l.startDefined(l.ctx, d, true)
		if err == nil {
			return
		}
		d.mu.Lock()
		wanted := d.autostart && !d.removed
		d.mu.Unlock()
		if !wanted || virterror.HasCode(err, libvirt.ErrNoDomain) || l.ctx.Err() != nil {
			l.log.Error("autostart failed", "domain", d.name, "err", err)
			return
		}
		if attempt == autostartAttempts {
			l.log.Error("autostart failed; giving up", "domain", d.name, "attempts", attempt, "err", err)
			return
		}
		l.log.Warn("autostart failed; retrying", "domain", d.name, "attempt", attempt, "retry_in", wait, "err", err)
		select {
		case <-l.cfg.After(wait):
		case <-l.ctx.Done():
			return
		}
		wait *= 2
	}
}
