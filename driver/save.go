package driver

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Save and restore with CRIU (beyond libvirt-lxc, which has neither).
//
// A save image is a directory: domain.xml, the running definition the
// container had (with its veths' host names, which CRIU brings back), and
// images/, CRIU's dump. virsh save FILE makes FILE that directory on the
// daemon's host; a managed save keeps it under the state dir, per domain,
// and the next start restores it (then removes it) unless --force-boot.
// A save stops the container (shut off, reason saved); a restore runs it
// again with the same processes, their PIDs in the container, open files
// and network namespace (running, reason restored). Its init's host PID —
// the domain's ID — is a new one, as a restored QEMU guest's is.

const (
	saveXMLFile   = "domain.xml"
	saveImagesDir = "images"
)

// saveFlags are the virDomainSave(Flags) flags accepted: the cache is not
// bypassed; RUNNING and PAUSED choose the state a restore leaves.
var saveFlags = uint32(libvirt.DomainSaveBypassCache | libvirt.DomainSaveRunning | libvirt.DomainSavePaused)

// managedSaveDir is where d's managed save image lives.
func (l *LXC) managedSaveDir(u driverapi.UUID) string {
	return filepath.Join(l.cfg.StateDir, "save", driverapi.FormatUUID(u))
}

// hasManagedSave reports whether d has a managed save image.
func hasManagedSave(d *domain) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.managedSave
}

// setManagedSave records whether d has a managed save image.
func setManagedSave(d *domain, has bool) {
	d.mu.Lock()
	d.managedSave = has
	d.mu.Unlock()
}

// removeManagedSave deletes d's managed save image.
func (l *LXC) removeManagedSave(d *domain) error {
	if err := os.RemoveAll(l.managedSaveDir(d.uuid)); err != nil {
		return err
	}
	setManagedSave(d, false)
	return nil
}

// loadManagedSaves marks the domains that have a managed save image, at
// startup.
func (l *LXC) loadManagedSaves() {
	entries, err := os.ReadDir(filepath.Join(l.cfg.StateDir, "save"))
	if err != nil {
		return
	}
	for _, e := range entries {
		u, err := parseUUID(e.Name())
		if err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(l.managedSaveDir(u), saveXMLFile)); err != nil {
			continue
		}
		if d := l.tab.get(u); d != nil {
			setManagedSave(d, true)
		} else {
			l.log.Warn("managed save image of an unknown domain", "uuid", e.Name())
		}
	}
}

// refuseCRIU refuses to what (a verb) an unprivileged user's container,
// which needs CRIU: it dumps and restores processes only as root. hint
// ends the message.
func (l *LXC) refuseCRIU(what, hint string) error {
	if l.cfg.UserNS == nil {
		return nil
	}
	return virterror.New(libvirt.ErrOperationUnsupported,
		"cannot %s an unprivileged user's container: CRIU, which dumps and restores its processes, needs root%s", what, hint)
}

// Save saves the running domain u into the directory path (which must not
// exist) and stops it.
func (l *LXC) Save(ctx context.Context, u driverapi.UUID, path, dxml string, flags uint32) error {
	if err := checkFlags("lxcDomainSaveFlags", flags, saveFlags); err != nil {
		return err
	}
	if dxml != "" {
		return virterror.New(libvirt.ErrArgumentUnsupported, "xml modification of a saved domain is not supported")
	}
	if err := l.refuseCRIU("save", ""); err != nil {
		return err
	}
	if !filepath.IsAbs(path) || filepath.Clean(path) != path {
		return virterror.New(libvirt.ErrInvalidArg, "save path '%s' must be an absolute, clean path", path)
	}
	if _, err := os.Lstat(path); err == nil {
		return virterror.New(libvirt.ErrOperationFailed, "save image '%s' already exists", path)
	}
	return l.withJob(ctx, u, func(d *domain) error { return l.save(ctx, d, path) })
}

// ManagedSave saves the persistent running domain u into its managed save
// image and stops it.
func (l *LXC) ManagedSave(ctx context.Context, u driverapi.UUID, flags uint32) error {
	if err := checkFlags("lxcDomainManagedSave", flags, saveFlags); err != nil {
		return err
	}
	if err := l.refuseCRIU("save", ""); err != nil {
		return err
	}
	return l.withJob(ctx, u, func(d *domain) error {
		d.mu.Lock()
		persistent := d.persistent != nil
		d.mu.Unlock()
		if !persistent {
			return virterror.New(libvirt.ErrOperationInvalid, "cannot do managed save for transient domain")
		}
		dir := l.managedSaveDir(u)
		if err := l.removeManagedSave(d); err != nil {
			return internalErr("cannot remove old managed save image of '%s': %v", d.name, err)
		}
		if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
			return internalErr("cannot create managed save directory: %v", err)
		}
		// dump records the image before the stopped event goes out.
		return l.save(ctx, d, dir)
	})
}

// HasManagedSave reports whether u has a managed save image.
func (l *LXC) HasManagedSave(ctx context.Context, u driverapi.UUID, flags uint32) (bool, error) {
	if err := checkFlags("lxcDomainHasManagedSaveImage", flags, 0); err != nil {
		return false, err
	}
	d, err := l.lookup(u)
	if err != nil {
		return false, err
	}
	return hasManagedSave(d), nil
}

// ManagedSaveRemove deletes u's managed save image.
func (l *LXC) ManagedSaveRemove(ctx context.Context, u driverapi.UUID, flags uint32) error {
	if err := checkFlags("lxcDomainManagedSaveRemove", flags, 0); err != nil {
		return err
	}
	return l.withJob(ctx, u, func(d *domain) error {
		if err := l.removeManagedSave(d); err != nil {
			return virterror.New(libvirt.ErrOperationFailed, "failed to remove managed save image of '%s': %v", d.name, err)
		}
		return nil
	})
}

// save dumps d's running container into dir (created) and stops it.
// Caller holds d's job.
func (l *LXC) save(ctx context.Context, d *domain, dir string) error {
	if err := requireActive(d); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return virterror.New(libvirt.ErrOperationFailed, "cannot create save image '%s': %v", dir, err)
	}
	if err := l.dump(ctx, d, dir, libvirt.DomainEventStoppedSaved); err != nil {
		_ = os.RemoveAll(dir)
		return err
	}
	return nil
}

// dump writes d's running definition and CRIU's dump of its container into
// the directory dir (which exists; a dump already there is replaced) and
// stops the container (a stopped event with detail, the domain shut off
// with the matching reason); a failed dump leaves it running and removes
// what it wrote. Caller holds d's job.
func (l *LXC) dump(ctx context.Context, d *domain, dir string, detail libvirt.DomainEventStoppedDetailType) (err error) {
	ct, err := runningInit(d)
	if err != nil {
		return err
	}
	d.mu.Lock()
	live, liveXML := d.live, d.liveXML
	d.mu.Unlock()
	if err := dumpable(d.name, live); err != nil {
		return err
	}
	images := filepath.Join(dir, saveImagesDir)
	if err := os.RemoveAll(images); err != nil {
		return virterror.New(libvirt.ErrOperationFailed, "cannot remove the old dump in '%s': %v", dir, err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(images)
			_ = os.Remove(filepath.Join(dir, saveXMLFile))
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, saveXMLFile), []byte(liveXML), 0o600); err != nil {
		return virterror.New(libvirt.ErrOperationFailed, "cannot write save image '%s': %v", dir, err)
	}
	d.mu.Lock()
	d.jobStarted = time.Now()
	d.mu.Unlock()
	err = l.rt.Checkpoint(ctx, d.name, images, true)
	d.mu.Lock()
	d.jobStarted = time.Time{}
	d.mu.Unlock()
	if err != nil {
		return virterror.New(libvirt.ErrOperationFailed, "cannot save domain '%s': %v", d.name, err)
	}
	// lxc-checkpoint -s killed the container once dumped.
	select {
	case <-ct.Exited():
	case <-time.After(settleWait):
		l.log.Warn("container still runs after its dump", "domain", d.name)
	}
	mw := ct.MonitorExited()
	d.mu.Lock()
	if d.ct == ct {
		d.ct = nil
	}
	d.mu.Unlock()
	defer ct.Close()
	ref := d.ref()
	reason := libvirt.DomainShutoffSaved
	if detail == libvirt.DomainEventStoppedMigrated {
		reason = libvirt.DomainShutoffMigrated
	}
	l.teardown(d, reason)
	if dir == l.managedSaveDir(d.uuid) {
		// Before the event: a client that asks on it (virt-manager
		// shows the guest saved and its Run button as Restore) sees the
		// image, as libvirt's drivers answer only once the save is done.
		setManagedSave(d, true)
	}
	l.events.publish(lifecycle(ref, libvirt.DomainEventStopped, int32(detail)))
	l.waitMonitor(d, mw)
	l.forgetTransient(d)
	return nil
}

// dumpable refuses a container whose CRIU dump could not be restored
// whole: one with several consoles (only /dev/console comes back; LXC
// restores no ttys).
func dumpable(name string, live *xmlmap.Mapped) error {
	if live.Consoles > 1 {
		return virterror.New(libvirt.ErrOperationUnsupported,
			"cannot save domain '%s': it has %d consoles; a CRIU restore brings back only the first", name, live.Consoles)
	}
	return nil
}

// RestoreSaved restores the domain saved in path: into its inactive
// persistent domain of the same UUID, else as a transient domain.
func (l *LXC) RestoreSaved(ctx context.Context, path, dxml string, flags uint32) (driverapi.Domain, error) {
	if err := checkFlags("lxcDomainRestoreFlags", flags, saveFlags); err != nil {
		return driverapi.Domain{}, err
	}
	if dxml != "" {
		return driverapi.Domain{}, virterror.New(libvirt.ErrArgumentUnsupported, "xml modification of a saved domain is not supported")
	}
	if err := l.refuseCRIU("restore", ""); err != nil {
		return driverapi.Domain{}, err
	}
	liveXML, name, u, err := readSaveImage(path)
	if err != nil {
		return driverapi.Domain{}, err
	}
	var ref driverapi.Domain
	err = l.runClaimed(ctx, u, name, func(d *domain) error {
		if err := l.restoreFrom(ctx, d, path, liveXML, flags); err != nil {
			return err
		}
		ref = d.ref()
		return nil
	})
	return ref, err
}

// SaveImageXML returns the definition saved in path.
func (l *LXC) SaveImageXML(ctx context.Context, path string, flags uint32) (string, error) {
	if err := checkFlags("lxcDomainSaveImageGetXMLDesc", flags, uint32(libvirt.DomainSaveImageXMLSecure)); err != nil {
		return "", err
	}
	x, _, _, err := readSaveImage(path)
	return x, err
}

// readSaveImage reads the definition of the save image in path.
func readSaveImage(path string) (xml, name string, u driverapi.UUID, err error) {
	if !filepath.IsAbs(path) || filepath.Clean(path) != path {
		return "", "", u, virterror.New(libvirt.ErrInvalidArg, "save path '%s' must be an absolute, clean path", path)
	}
	b, err := os.ReadFile(filepath.Join(path, saveXMLFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", u, virterror.New(libvirt.ErrOperationFailed, "'%s' is not a save image of the LXC driver", path)
	}
	if err != nil {
		return "", "", u, virterror.New(libvirt.ErrOperationFailed, "cannot read save image '%s': %v", path, err)
	}
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(string(b)); err != nil {
		return "", "", u, virterror.New(libvirt.ErrOperationFailed, "save image '%s' has a bad definition: %v", path, err)
	}
	u, err = parseUUID(dom.UUID)
	if err != nil {
		return "", "", u, virterror.New(libvirt.ErrOperationFailed, "save image '%s' has a bad UUID: %v", path, err)
	}
	return string(b), dom.Name, u, nil
}

// restoreFrom runs d's container again from the save image in dir, its
// running definition liveXML: paused when flags say so or, unless they
// say running, when it was saved paused (as QEMU's driver does). Caller
// holds d's job.
func (l *LXC) restoreFrom(ctx context.Context, d *domain, dir, liveXML string, flags uint32) error {
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(liveXML); err != nil {
		return internalErr("save image '%s': %v", dir, err)
	}
	how := restoreHow{
		started: libvirt.DomainEventStartedRestored, running: libvirt.DomainRunningRestored,
		run: flags&uint32(libvirt.DomainSaveRunning) != 0, pause: flags&uint32(libvirt.DomainSavePaused) != 0,
		paused: libvirt.DomainPausedUser, suspended: libvirt.DomainEventSuspendedRestored,
	}
	if how.pause {
		how.suspended = libvirt.DomainEventSuspendedPaused
	}
	return l.restoreDom(ctx, d, filepath.Join(dir, saveImagesDir), &dom, how)
}

// restoreHow says how a restored domain is reported and left: its
// started event and running reason, and whether it ends paused — when
// asked, or, unless asked to run, when it was dumped frozen (CRIU
// restores the freezer state) — with its paused reason and suspended
// event.
type restoreHow struct {
	started   libvirt.DomainEventStartedDetailType
	running   libvirt.DomainRunningReason
	run       bool // run, even when dumped frozen
	pause     bool // pause, even when dumped running
	paused    libvirt.DomainPausedReason
	suspended libvirt.DomainEventSuspendedDetailType
}

// restoreDom runs d's container again from the CRIU dump in images, with
// dom as its running definition, and leaves it running or paused as how
// says. Caller holds d's job.
func (l *LXC) restoreDom(ctx context.Context, d *domain, images string, dom *libvirtxml.Domain, how restoreHow) (err error) {
	ports, err := l.plugNetworks(ctx, d, dom)
	defer func() {
		if err != nil {
			l.unplugNetworks(d.name, ports)
		}
	}()
	if err != nil {
		return err
	}
	live, err := l.mapLive(dom)
	if err != nil {
		return err
	}
	if dev := l.rt.MissingNetDevice(hostNetDevices(live)); dev != "" {
		return virterror.New(libvirt.ErrOperationFailed, "failed to restore domain '%s': network device '%s' does not exist on the host", d.name, dev)
	}
	ct, err := l.rt.Restore(ctx, d.name, live.Config.Marshal(), images)
	if err != nil {
		return virterror.New(libvirt.ErrOperationFailed, "failed to restore domain '%s': %v", d.name, err)
	}
	frozen, err := ct.Frozen()
	pause := how.pause || (frozen && !how.run)
	switch {
	case err != nil:
	case frozen && !pause:
		err = ct.Thaw(ctx)
	case !frozen && pause:
		err = ct.Freeze(ctx)
	}
	if err != nil {
		_ = ct.Kill(ctx)
		ct.Close()
		return virterror.New(libvirt.ErrOperationFailed, "failed to restore domain '%s': cannot set its freezer state: %v", d.name, err)
	}
	if err := l.adopt(d, live, ct, int32(how.running), l.cfg.Now()); err != nil {
		return err
	}
	l.events.publish(lifecycle(d.ref(), libvirt.DomainEventStarted, int32(how.started)))
	if pause {
		d.setState(libvirt.DomainPaused, int32(how.paused))
		l.events.publish(lifecycle(d.ref(), libvirt.DomainEventSuspended, int32(how.suspended)))
	}
	return nil
}

// startManagedSave restores d from its managed save image and removes the
// image. Caller holds d's job.
func (l *LXC) startManagedSave(ctx context.Context, d *domain) error {
	dir := l.managedSaveDir(d.uuid)
	liveXML, _, _, err := readSaveImage(dir)
	if err != nil {
		return err
	}
	if err := l.restoreFrom(ctx, d, dir, liveXML, 0); err != nil {
		return err
	}
	if err := l.removeManagedSave(d); err != nil {
		l.log.Error("cannot remove managed save image after restore", "domain", d.name, "err", err)
	}
	return nil
}

// JobInfo reports the job of u in progress: a save's dump (unbounded,
// with its elapsed time), or none.
func (l *LXC) JobInfo(ctx context.Context, u driverapi.UUID) (driverapi.JobInfo, error) {
	d, err := l.lookup(u)
	if err != nil {
		return driverapi.JobInfo{}, err
	}
	d.mu.Lock()
	started := d.jobStarted
	d.mu.Unlock()
	if started.IsZero() {
		return driverapi.JobInfo{Type: int32(libvirt.DomainJobNone)}, nil
	}
	return driverapi.JobInfo{Type: int32(libvirt.DomainJobUnbounded), Elapsed: time.Since(started)}, nil
}

// Reset restarts the container at once, as a hard reset does: init is
// killed and the container started again from its definition (a reboot
// event follows). Its ID changes.
func (l *LXC) Reset(ctx context.Context, u driverapi.UUID, flags uint32) error {
	if err := checkFlags("lxcDomainReset", flags, 0); err != nil {
		return err
	}
	return l.withJob(ctx, u, func(d *domain) error {
		if err := requireActive(d); err != nil {
			return err
		}
		d.mu.Lock()
		prev := d.pending
		d.pending = pendingReboot // the supervisor starts it again
		d.mu.Unlock()
		if err := l.kill(ctx, d); err != nil {
			d.mu.Lock()
			d.pending = prev
			d.mu.Unlock()
			return err
		}
		return nil
	})
}

var _ driverapi.Saver = (*LXC)(nil)
