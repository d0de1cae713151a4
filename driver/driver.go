package driver

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/defaults"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Config configures the driver. Zero values take the defaults noted.
type Config struct {
	// StateDir holds definitions, autostart markers and run state
	// (default /var/lib/lxcvirt).
	StateDir string
	// LXCPath is the lxcpath of the driver's containers (default
	// StateDir/lxc: /var/lib/lxcvirt/lxc). /var/lib/lxc is never touched.
	LXCPath string
	// RunDir holds the marker that autostart already ran in this host boot;
	// it should be on a tmpfs (default defaults.RunDirFor(StateDir):
	// /run/lxcvirt for the default StateDir).
	RunDir string
	// ShutdownGrace is how long Shutdown waits for init to halt before it
	// kills the container (default 30s).
	ShutdownGrace time.Duration
	// JobTimeout bounds the wait for another operation on the same domain
	// (default 30s, as libvirt's state change lock).
	JobTimeout time.Duration
	// LXCTimeout bounds each lxc-* call, beyond the wait it was asked for;
	// a call still running then is killed with its process group
	// (default 60s).
	LXCTimeout time.Duration
	// AutostartParallel is how many autostart domains start at once
	// (default 4).
	AutostartParallel int
	// DefaultBridge backs bridge interfaces without a bridge name and the
	// "default" network (default lxcbr0).
	DefaultBridge string
	// Networks maps libvirt network names to host bridges.
	Networks map[string]string
	// Ports plugs <interface type='network'> into the networks of
	// libvirt's network driver when it runs (nil: never; Networks alone
	// resolve network names).
	Ports NetworkPorts
	// Runtime runs the containers (default: an lxc.Runtime on LXCPath).
	Runtime Runtime
	// Logger receives the driver's logs (default slog.Default()).
	Logger *slog.Logger
	// CgroupRoot is where the cgroup hierarchies are mounted
	// (default /sys/fs/cgroup); the layout is detected there.
	CgroupRoot string
	// UserNS is set for a session daemon's driver (an unprivileged user's):
	// every container runs in a user namespace within these ids (see
	// xmlmap.UserNS). DelegatedCgroup is then the cgroup the host
	// delegated to the user (lxc.DelegatedCgroup), which the runtime joins.
	UserNS          *xmlmap.UserNS
	DelegatedCgroup string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// After is the timer of the waits whose end is policy — the shutdown
	// grace, the freeze checks, the state stream's resynchronisation and
	// restart backoff (default time.After). It follows Now.
	After func(time.Duration) <-chan time.Time
}

// autostartMarker is created in RunDir once autostart ran.
const autostartMarker = "autostarted"

func (c *Config) setDefaults() error {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&c.StateDir, defaults.StateDir)
	def(&c.LXCPath, defaults.LXCPathFor(c.StateDir))
	def(&c.RunDir, defaults.RunDirFor(c.StateDir))
	def(&c.DefaultBridge, defaults.Bridge)
	def(&c.CgroupRoot, defaults.CgroupRoot)
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = defaults.ShutdownGrace
	}
	if c.JobTimeout <= 0 {
		c.JobTimeout = defaults.JobTimeout
	}
	if c.LXCTimeout <= 0 {
		c.LXCTimeout = defaults.LXCTimeout
	}
	if c.AutostartParallel <= 0 {
		c.AutostartParallel = defaults.AutostartParallel
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.After == nil {
		c.After = time.After
	}
	for _, p := range []struct{ what, path string }{
		{"state dir", c.StateDir}, {"lxcpath", c.LXCPath}, {"run dir", c.RunDir}, {"cgroup root", c.CgroupRoot},
	} {
		if !filepath.IsAbs(p.path) || filepath.Clean(p.path) != p.path {
			return fmt.Errorf("%s %q: must be an absolute, clean path", p.what, p.path)
		}
	}
	if filepath.Clean(c.LXCPath) == "/var/lib/lxc" {
		return errors.New("lxcpath /var/lib/lxc belongs to the system's LXC; use a path of the driver's own")
	}
	return nil
}

// LXC is the LXC domain driver; it implements Driver.
type LXC struct {
	cfg    Config
	log    *slog.Logger
	rt     Runtime
	store  *store
	tab    *table
	events *broker
	opts   xmlmap.Options

	// defineMu serialises changes to the set of domains (define, create,
	// undefine) so name and UUID checks and the insert are atomic.
	defineMu sync.Mutex

	consoles consoles // open console sessions (console.go)

	ctx    context.Context // ends at Close; background work runs under it
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed sync.Once
}

var _ driverapi.Driver = (*LXC)(nil)

// New starts the driver: it loads the
// definitions under StateDir (a corrupt one is logged and skipped),
// re-adopts the containers that still run, marks the rest shut off, and —
// once per host boot — starts the autostart domains that are not running.
// Autostart runs in the background; its failures are logged.
func New(ctx context.Context, cfg Config) (*LXC, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, fmt.Errorf("driver: %w", err)
	}
	rt := cfg.Runtime
	if rt == nil {
		r, err := lxc.NewRuntime(lxc.RuntimeConfig{
			LXCPath: cfg.LXCPath, CgroupRoot: cfg.CgroupRoot, Logger: cfg.Logger, Timeout: cfg.LXCTimeout,
			DelegatedCgroup: cfg.DelegatedCgroup, ContainerRoot: containerRoot(cfg.UserNS), UserNS: cfg.UserNS,
		})
		if err != nil {
			return nil, fmt.Errorf("driver: %w", err)
		}
		rt = lxcRuntime{r}
	}
	st := &store{dir: cfg.StateDir}
	if err := st.init(); err != nil {
		return nil, fmt.Errorf("driver: state dir: %w", err)
	}
	if err := os.MkdirAll(cfg.RunDir, 0o755); err != nil {
		return nil, fmt.Errorf("driver: %w", err)
	}
	bg, cancel := context.WithCancel(context.Background())
	l := &LXC{
		cfg: cfg, log: cfg.Logger, rt: rt, store: st,
		tab: newTable(), events: newBroker(cfg.Logger),
		opts: xmlmap.Options{
			Cgroup:        rt.CgroupLayout(),
			DefaultBridge: cfg.DefaultBridge,
			Networks:      cfg.Networks,
			// With libvirt's network driver, networks are resolved at start.
			NetworkPorts:    cfg.Ports != nil,
			NetworksAtStart: cfg.Ports != nil,
			NewUUID:         randomUUID,
			UserNS:          cfg.UserNS,
			// Device paths are resolved at start (mapLive), as libvirt-lxc
			// resolves them when it sets up the cgroup.
			BlockDevice: anyBlockDevice,
			BlkioWeight: rt.BlkioWeightFile(),
		},
		ctx: bg, cancel: cancel,
	}
	conf := rt.Confinement()
	l.opts.SeccompProfile, l.opts.AppArmor = conf.SeccompProfile, conf.AppArmor
	l.log.Debug("container confinement", "seccomp", l.opts.SeccompProfile, "apparmor", l.opts.AppArmor)
	if l.opts.BlkioWeight == "" {
		l.opts.BlkioWeight = xmlmap.NoBlkioWeight
	}
	l.load(ctx)
	l.watchLXC()
	if err := l.autostartOnce(); err != nil {
		l.log.Error("autostart skipped", "err", err)
	}
	return l, nil
}

// containerRoot is the host uid an unprivileged container's root maps to
// by default (the first subordinate uid), 0 for privileged containers.
func containerRoot(ns *xmlmap.UserNS) int {
	if ns == nil || len(ns.UIDs) == 0 {
		return 0
	}
	return int(ns.UIDs[0].Start)
}

func randomUUID() [16]byte {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u
}

// anyBlockDevice accepts a <blkiotune> device path in a definition
// without looking at the host; a start resolves it.
func anyBlockDevice(string) (string, error) { return "0:0", nil }

// parse validates domain XML into a definition; nothing is written.
func (l *LXC) parse(xml []byte) (*xmlmap.Mapped, driverapi.UUID, error) {
	return l.parseWith(xml, l.opts)
}

// parseWith is parse with opts.
func (l *LXC) parseWith(xml []byte, opts xmlmap.Options) (*xmlmap.Mapped, driverapi.UUID, error) {
	m, err := xmlmap.Parse(xml, opts)
	if err != nil {
		if e := virterror.As(err); e != nil {
			return nil, driverapi.UUID{}, e
		}
		return nil, driverapi.UUID{}, virterror.New(libvirt.ErrXMLError, "%v", err)
	}
	u, err := parseUUID(m.Domain.UUID)
	if err != nil {
		return nil, driverapi.UUID{}, virterror.New(libvirt.ErrXMLError, "domain uuid: %v", err)
	}
	return m, u, nil
}

// parseDefinition validates domain XML (parse) into the definition the
// driver keeps, with its name and UUID; nothing is written.
func (l *LXC) parseDefinition(xml string) (string, driverapi.UUID, *definition, error) {
	m, u, err := l.parse([]byte(xml))
	if err != nil {
		return "", driverapi.UUID{}, nil, err
	}
	if len(m.Ignored) > 0 {
		l.log.Debug("accepted and ignored, as libvirt-lxc does", "domain", m.Name, "elements", m.Ignored)
	}
	def, err := definitionOf(m)
	if err != nil {
		return "", driverapi.UUID{}, nil, virterror.Wrap(err)
	}
	return m.Domain.Name, u, def, nil
}

// removeContainerDir deletes a forgotten domain's container directory (its
// config, log and snapshot copies; the rootfs is the user's and lives
// elsewhere) and its snapshot metadata.
func (l *LXC) removeContainerDir(d *domain) {
	// Not the caller's context: a domain forgotten is forgotten whole.
	ctx, cancel := context.WithTimeout(context.Background(), snapshotCopyTimeout)
	defer cancel()
	if err := l.rt.Remove(ctx, d.name); err != nil {
		l.log.Error("cannot remove container directory", "domain", d.name, "err", err)
	}
	if err := l.store.removeSnapshots(d.uuid); err != nil {
		l.log.Error("cannot remove snapshot metadata", "domain", d.name, "err", err)
	}
}

// lookup finds a domain by UUID.
func (l *LXC) lookup(u driverapi.UUID) (*domain, error) {
	if d := l.tab.get(u); d != nil {
		return d, nil
	}
	return nil, errNoUUID(u)
}

// withJob runs fn holding the job of the domain u names.
func (l *LXC) withJob(ctx context.Context, u driverapi.UUID, fn func(d *domain) error) error {
	d, err := l.lookup(u)
	if err != nil {
		return err
	}
	if err := d.beginJob(ctx, l.cfg.JobTimeout); err != nil {
		return err
	}
	defer d.endJob()
	return fn(d)
}

// Close stops the driver's background work; running containers keep running
// and a new driver instance re-adopts them.
func (l *LXC) Close() error {
	l.closed.Do(func() {
		l.cancel()
		l.wg.Wait()
		for _, d := range l.tab.all() {
			d.mu.Lock()
			if d.ct != nil {
				d.ct.Close()
			}
			d.mu.Unlock()
		}
		l.consoles.wait()
		l.events.close()
	})
	return nil
}

// Flags each entry point accepts, as libvirt's LXC driver does.
const (
	defineFlags   = uint32(libvirt.DomainDefineValidate)
	createFlags   = uint32(libvirt.DomainStartValidate)
	undefineFlags = uint32(libvirt.DomainUndefineNvram | libvirt.DomainUndefineKeepNvram | libvirt.DomainUndefineSnapshotsMetadata |
		libvirt.DomainUndefineManagedSave)
	shutdownFlags = uint32(libvirt.DomainShutdownInitctl | libvirt.DomainShutdownSignal)
	rebootFlags   = uint32(libvirt.DomainRebootInitctl | libvirt.DomainRebootSignal)
	xmlFlags      = uint32(libvirt.DomainXMLSecure | libvirt.DomainXMLInactive | libvirt.DomainXMLUpdateCPU | libvirt.DomainXMLMigratable)
)

// DefineXML adds a persistent definition, or replaces the one with the same
// name and UUID. A running domain keeps its running definition until it
// stops, except for the title, description and <metadata>, which apply at
// once (see syncLiveMetadata); a running transient domain becomes
// persistent.
func (l *LXC) DefineXML(ctx context.Context, xml string, flags uint32) (driverapi.Domain, error) {
	if err := checkFlags("lxcDomainDefineXMLFlags", flags, defineFlags); err != nil {
		return driverapi.Domain{}, err
	}
	name, u, def, err := l.parseDefinition(xml)
	if err != nil {
		return driverapi.Domain{}, err
	}
	d, err := l.claim(ctx, u, name, false)
	if err != nil {
		return driverapi.Domain{}, err
	}
	if d != nil {
		defer d.endJob()
	}
	defer l.defineMu.Unlock()
	if err := l.store.saveDef(u, []byte(def.xml)); err != nil {
		return driverapi.Domain{}, internalErr("cannot save definition of '%s': %v", name, err)
	}
	detail := libvirt.DomainEventDefinedAdded
	var changed []driverapi.Event
	if d == nil {
		d = newDomain(u, name)
		d.persistent = def
		l.tab.add(d)
	} else {
		d.mu.Lock()
		if d.persistent != nil {
			detail = libvirt.DomainEventDefinedUpdated
		}
		d.persistent = def
		active := d.activeLocked()
		d.mu.Unlock()
		if active {
			var dom libvirtxml.Domain
			if err := dom.Unmarshal(def.xml); err != nil {
				l.log.Error("cannot re-read the new definition; the running one keeps its metadata", "domain", d.name, "err", err)
			} else {
				changed = l.syncLiveMetadata(d, &dom)
			}
			if err := l.saveRun(d); err != nil {
				l.log.Error("cannot update run state", "domain", d.name, "err", err)
			}
		}
	}
	ref := d.ref()
	l.events.publish(lifecycle(ref, libvirt.DomainEventDefined, int32(detail)))
	for _, ev := range changed {
		l.events.publish(ev)
	}
	return ref, nil
}

// claim checks that a definition named name with UUID u may be added: an
// existing domain with u must have the same name, and no other domain may
// hold name; with forStart an existing domain must also be inactive and
// persistent. On success it returns holding the define lock and, for an
// existing domain (nil when new), that domain's job.
func (l *LXC) claim(ctx context.Context, u driverapi.UUID, name string, forStart bool) (*domain, error) {
	for {
		d := l.tab.get(u)
		if d != nil {
			if err := d.beginJob(ctx, l.cfg.JobTimeout); err != nil {
				if virterror.HasCode(err, libvirt.ErrNoDomain) {
					continue // undefined meanwhile
				}
				return nil, err
			}
		}
		l.defineMu.Lock()
		err := l.checkClaim(d, u, name, forStart)
		raced := l.tab.get(u) != d
		if err == nil && !raced {
			return d, nil
		}
		l.defineMu.Unlock()
		if d != nil {
			d.endJob()
		}
		if !raced {
			return nil, err
		}
	}
}

func (l *LXC) checkClaim(d *domain, u driverapi.UUID, name string, forStart bool) error {
	if d != nil {
		if d.name != name {
			return virterror.New(libvirt.ErrOperationFailed, "domain '%s' is already defined with uuid %s", d.name, driverapi.FormatUUID(u))
		}
		if forStart {
			d.mu.Lock()
			active, persistent := d.activeLocked(), d.persistent != nil
			d.mu.Unlock()
			if active {
				return virterror.New(libvirt.ErrOperationInvalid, "domain '%s' is already active", name)
			}
			if !persistent {
				return virterror.New(libvirt.ErrOperationInvalid, "domain '%s' is already being started", name)
			}
		}
		return nil
	}
	if other := l.tab.getName(name); other != nil {
		return virterror.New(libvirt.ErrOperationFailed, "domain '%s' already exists with uuid %s", name, driverapi.FormatUUID(other.uuid))
	}
	return nil
}

// CreateXML starts a transient domain from xml. With the UUID and name of an
// inactive persistent domain, it starts that domain with xml as its running
// definition, as libvirt does.
func (l *LXC) CreateXML(ctx context.Context, xml string, flags uint32) (driverapi.Domain, error) {
	if err := checkFlags("lxcDomainCreateXMLWithFiles", flags, createFlags); err != nil {
		return driverapi.Domain{}, err
	}
	name, u, def, err := l.parseDefinition(xml)
	if err != nil {
		return driverapi.Domain{}, err
	}
	var ref driverapi.Domain
	err = l.runClaimed(ctx, u, name, func(d *domain) error {
		if err := l.start(ctx, d, def, libvirt.DomainRunningBooted); err != nil {
			return err
		}
		ref = d.ref()
		l.events.publish(lifecycle(ref, libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted)))
		return nil
	})
	return ref, err
}

// runClaimed runs fn holding the job of the domain u (name) for a start: the
// inactive persistent domain of that UUID, else a new transient one. Other
// domains may be defined meanwhile. When fn fails, a domain that is still
// transient is dropped.
func (l *LXC) runClaimed(ctx context.Context, u driverapi.UUID, name string, fn func(d *domain) error) error {
	d, err := l.claim(ctx, u, name, true)
	if err != nil {
		return err
	}
	if d == nil {
		d = newDomain(u, name)
		d.job <- struct{}{}
		l.tab.add(d)
	}
	l.defineMu.Unlock()
	defer d.endJob()
	if err := fn(d); err != nil {
		d.mu.Lock()
		transient := d.persistent == nil
		d.mu.Unlock()
		if transient {
			l.tab.remove(d)
		}
		return err
	}
	return nil
}

// Undefine removes the persistent definition. A running domain keeps
// running as a transient one; a stopped one is forgotten with its files and
// container directory.
func (l *LXC) Undefine(ctx context.Context, u driverapi.UUID, flags uint32) error {
	if err := checkFlags("lxcDomainUndefineFlags", flags, undefineFlags); err != nil {
		return err
	}
	return l.withJob(ctx, u, func(d *domain) error {
		l.defineMu.Lock()
		defer l.defineMu.Unlock()
		d.mu.Lock()
		persistent, active := d.persistent != nil, d.activeLocked()
		d.mu.Unlock()
		if !persistent {
			return virterror.New(libvirt.ErrOperationInvalid, "cannot undefine transient domain")
		}
		// As libvirt's QEMU driver: an inactive domain's snapshots go only
		// with --snapshots-metadata (and their copies with the container
		// directory); a running one keeps them while it runs on.
		if n := snapshotCount(d); !active && n > 0 && flags&uint32(libvirt.DomainUndefineSnapshotsMetadata) == 0 {
			return virterror.New(libvirt.ErrOperationInvalid, "cannot delete inactive domain with %d snapshots", n)
		}
		if hasManagedSave(d) {
			if flags&uint32(libvirt.DomainUndefineManagedSave) == 0 {
				return virterror.New(libvirt.ErrOperationInvalid, "Refusing to undefine while domain managed save image exists")
			}
			if err := l.removeManagedSave(d); err != nil {
				return virterror.New(libvirt.ErrOperationFailed, "Failed to remove domain managed save image: %v", err)
			}
		}
		if err := l.store.removeDefinition(d.uuid); err != nil {
			return internalErr("cannot remove definition of '%s': %v", d.name, err)
		}
		ref := d.ref()
		if active {
			d.mu.Lock()
			d.persistent, d.autostart = nil, false
			d.mu.Unlock()
			if err := l.saveRun(d); err != nil {
				l.log.Error("cannot update run state", "domain", d.name, "err", err)
			}
		} else {
			l.tab.remove(d)
			l.removeContainerDir(d)
		}
		l.events.publish(lifecycle(ref, libvirt.DomainEventUndefined, int32(libvirt.DomainEventUndefinedRemoved)))
		return nil
	})
}

// Create starts a defined domain.
func (l *LXC) Create(ctx context.Context, u driverapi.UUID, flags uint32) (driverapi.Domain, error) {
	if err := checkFlags("lxcDomainCreateWithFlags", flags, uint32(libvirt.DomainStartForceBoot)); err != nil {
		return driverapi.Domain{}, err
	}
	d, err := l.lookup(u)
	if err != nil {
		return driverapi.Domain{}, err
	}
	if flags&uint32(libvirt.DomainStartForceBoot) != 0 {
		return l.startDefinedBoot(ctx, d, false, true)
	}
	return l.startDefined(ctx, d, false)
}

// startDefined starts d from its persistent definition under its job,
// or restores it from its managed save image when it has one (which a
// successful restore removes).
func (l *LXC) startDefined(ctx context.Context, d *domain, autostart bool) (driverapi.Domain, error) {
	return l.startDefinedBoot(ctx, d, autostart, false)
}

// startDefinedBoot is startDefined; forceBoot boots even when there is a
// managed save image, which is then removed.
func (l *LXC) startDefinedBoot(ctx context.Context, d *domain, autostart, forceBoot bool) (driverapi.Domain, error) {
	if err := d.beginJob(ctx, l.cfg.JobTimeout); err != nil {
		return driverapi.Domain{}, err
	}
	defer d.endJob()
	d.mu.Lock()
	def, active := d.persistent, d.activeLocked()
	d.mu.Unlock()
	switch {
	case active && autostart:
		return d.ref(), nil
	case active:
		return driverapi.Domain{}, errRunning()
	case def == nil:
		return driverapi.Domain{}, errNoUUID(d.uuid)
	}
	if hasManagedSave(d) {
		if !forceBoot {
			if err := l.startManagedSave(ctx, d); err != nil {
				return driverapi.Domain{}, err
			}
			return d.ref(), nil
		}
		if err := l.removeManagedSave(d); err != nil {
			return driverapi.Domain{}, internalErr("cannot remove managed save image of '%s': %v", d.name, err)
		}
	}
	if err := l.start(ctx, d, def, libvirt.DomainRunningBooted); err != nil {
		return driverapi.Domain{}, err
	}
	ref := d.ref()
	l.events.publish(lifecycle(ref, libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted)))
	return ref, nil
}

// Shutdown sends init LXC's halt signal and returns at once. If init has not
// exited after ShutdownGrace the container is killed; the domain then ends
// shut off with reason destroyed (reason shutdown when init halted). Initctl
// and signal flags are accepted; both mean the halt signal.
func (l *LXC) Shutdown(ctx context.Context, u driverapi.UUID, flags uint32) error {
	if err := checkFlags("lxcDomainShutdownFlags", flags, shutdownFlags); err != nil {
		return err
	}
	return l.withJob(ctx, u, func(d *domain) error { return l.shutdown(ctx, d) })
}

// Destroy kills the container at once; reason destroyed. A start or a
// suspend in progress is aborted rather than waited for (its runtime kills
// what it started; a half-frozen container is thawed before the kill), so
// one that hangs cannot block destroy.
func (l *LXC) Destroy(ctx context.Context, u driverapi.UUID, flags uint32) error {
	if err := checkFlags("lxcDomainDestroyFlags", flags, 0); err != nil {
		return err
	}
	d, err := l.lookup(u)
	if err != nil {
		return err
	}
	aborted := abortJob(d)
	err = l.withJob(ctx, u, func(d *domain) error { return l.destroy(ctx, d, aborted) })
	if aborted && virterror.HasCode(err, libvirt.ErrNoDomain) {
		return nil // a transient domain whose start was aborted is gone
	}
	return err
}

// Reboot asks init to reboot and returns at once (see reboot).
func (l *LXC) Reboot(ctx context.Context, u driverapi.UUID, flags uint32) error {
	if err := checkFlags("lxcDomainReboot", flags, rebootFlags); err != nil {
		return err
	}
	return l.withJob(ctx, u, func(d *domain) error { return l.reboot(ctx, d) })
}

// Suspend freezes the container: paused, reason user.
func (l *LXC) Suspend(ctx context.Context, u driverapi.UUID) error {
	return l.withJob(ctx, u, func(d *domain) error { return l.suspend(ctx, d) })
}

// Resume thaws the container: running, reason unpaused.
func (l *LXC) Resume(ctx context.Context, u driverapi.UUID) error {
	return l.withJob(ctx, u, func(d *domain) error { return l.resume(ctx, d) })
}

// LookupByName finds a domain by name.
func (l *LXC) LookupByName(_ context.Context, name string) (driverapi.Domain, error) {
	if d := l.tab.getName(name); d != nil {
		return d.ref(), nil
	}
	return driverapi.Domain{}, errNoName(name)
}

// LookupByUUID finds a domain by UUID.
func (l *LXC) LookupByUUID(_ context.Context, u driverapi.UUID) (driverapi.Domain, error) {
	d, err := l.lookup(u)
	if err != nil {
		return driverapi.Domain{}, err
	}
	return d.ref(), nil
}

// LookupByID finds a running domain by ID (its init's host PID).
func (l *LXC) LookupByID(_ context.Context, id int32) (driverapi.Domain, error) {
	if d := l.tab.getID(id); d != nil {
		if ref := d.ref(); ref.ID == id {
			return ref, nil
		}
	}
	return driverapi.Domain{}, errNoID(id)
}

// observe reports d's status. When d is idle it first reconciles the state
// with the freezer (a cheap file read, no process); a domain busy with a job
// reports its stored state. ok is false for a domain removed meanwhile.
func (l *LXC) observe(d *domain) (driverapi.Status, bool) {
	select {
	case d.job <- struct{}{}:
		l.refresh(d)
		d.endJob()
	default:
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return driverapi.Status{
		Domain:      d.refLocked(),
		State:       d.state,
		Reason:      d.reason,
		Persistent:  d.persistent != nil,
		Autostart:   d.autostart,
		ManagedSave: d.managedSave,
	}, !d.removed
}

// Status reports one domain's state, reason and flags.
func (l *LXC) Status(_ context.Context, u driverapi.UUID) (driverapi.Status, error) {
	d, err := l.lookup(u)
	if err != nil {
		return driverapi.Status{}, err
	}
	st, ok := l.observe(d)
	if !ok {
		return driverapi.Status{}, errNoUUID(u)
	}
	return st, nil
}

// XMLDesc returns the live XML of a running domain (with id= and, once
// known, the console's pty path) or the persistent definition (XMLInactive,
// or when shut off).
func (l *LXC) XMLDesc(_ context.Context, u driverapi.UUID, flags uint32) (string, error) {
	if err := checkFlags("lxcDomainGetXMLDesc", flags, xmlFlags); err != nil {
		return "", err
	}
	d, err := l.lookup(u)
	if err != nil {
		return "", err
	}
	inactive := flags&driverapi.XMLInactive != 0
	d.mu.Lock()
	live, liveXML, persistent, pid, consoles := d.live, d.liveXML, d.persistent, d.pid, d.consoles
	d.mu.Unlock()
	switch {
	case live == nil && persistent == nil:
		return "", errNoUUID(u)
	case live == nil || (inactive && persistent != nil):
		return persistent.xml, nil
	case inactive:
		return liveXML, nil // a running transient domain's definition
	}
	text, err := xmlmap.FormatDomain(liveDomain(live.Domain, pid, consoles))
	if err != nil {
		return "", virterror.Wrap(err)
	}
	return text, nil
}

// liveDomain is a shallow copy of dom carrying the running ID and the
// consoles' pty paths (those the console relays have).
func liveDomain(dom *libvirtxml.Domain, pid int, consoles []string) *libvirtxml.Domain {
	c := *dom
	c.ID = &pid
	if c.Devices != nil && len(consoles) > 0 {
		devs := *c.Devices
		devs.Consoles = slices.Clone(devs.Consoles)
		for i, path := range consoles {
			if i < len(devs.Consoles) {
				devs.Consoles[i].TTY = path
				devs.Consoles[i].Source = &libvirtxml.DomainChardevSource{Pty: &libvirtxml.DomainChardevSourcePty{Path: path}}
			}
		}
		c.Devices = &devs
	}
	return &c
}

// Info reports state, memory (maximum from the definition, used from the
// memory cgroup), vCPUs and CPU time (from the cpuacct or v2 cpu cgroup).
func (l *LXC) Info(_ context.Context, u driverapi.UUID) (driverapi.Info, error) {
	d, err := l.lookup(u)
	if err != nil {
		return driverapi.Info{}, err
	}
	st, ok := l.stats(d, nil)
	if !ok {
		return driverapi.Info{}, errNoUUID(u)
	}
	return driverapi.Info{State: st.State, MaxMemKiB: st.MaxMemKiB, MemKiB: st.MemKiB, VCPUs: st.VCPUs, CPUTimeNs: st.CPUTimeNs}, nil
}

// SetAutostart marks a persistent domain to start with the driver.
func (l *LXC) SetAutostart(ctx context.Context, u driverapi.UUID, autostart bool) error {
	return l.withJob(ctx, u, func(d *domain) error {
		d.mu.Lock()
		persistent := d.persistent != nil
		d.mu.Unlock()
		if !persistent {
			return virterror.New(libvirt.ErrOperationInvalid, "cannot set autostart for transient domain")
		}
		if err := l.store.setAutostart(u, autostart); err != nil {
			return internalErr("cannot change autostart of '%s': %v", d.name, err)
		}
		d.mu.Lock()
		d.autostart = autostart
		d.mu.Unlock()
		return nil
	})
}

// Stats reports counters for the given domains, or all when uuids is empty.
// A domain that does not exist, or is removed while the counters are read,
// is left out rather than failing the call, as libvirt's
// virConnectGetAllDomainStats and virDomainListGetStats do.
func (l *LXC) Stats(_ context.Context, uuids []driverapi.UUID) ([]driverapi.Stats, error) {
	var doms []*domain
	if len(uuids) == 0 {
		doms = l.tab.all()
	}
	for _, u := range uuids {
		if d, err := l.lookup(u); err == nil {
			doms = append(doms, d)
		}
	}
	// Interface counters of all domains at once: one read, not one per
	// counter and interface.
	var counters map[string]lxc.Interface
	if len(uuids) == 0 || len(doms) > 1 {
		var err error
		if counters, err = l.rt.NetCounters(); err != nil {
			l.log.Debug("batched interface counters unavailable; reading each device's", "err", err)
		}
	}
	out := make([]driverapi.Stats, 0, len(doms))
	for _, d := range doms {
		if st, ok := l.stats(d, counters); ok {
			out = append(out, st)
		}
	}
	return out, nil
}

// stats gathers one domain's counters: the definition's limits, and for a
// running domain its cgroup usage and interface counters. A counter that
// cannot be read is left zero and logged at debug level; false means the
// domain is gone. counters, when not nil, are the host devices' counters
// read for all domains; a device missing there is read on its own.
func (l *LXC) stats(d *domain, counters map[string]lxc.Interface) (driverapi.Stats, bool) {
	status, ok := l.observe(d)
	if !ok {
		return driverapi.Stats{}, false
	}
	d.mu.Lock()
	sz, defined := d.sizesLocked()
	live, ct := d.live, d.ct
	d.mu.Unlock()
	if !defined {
		return driverapi.Stats{}, false
	}
	st := driverapi.Stats{Status: status, MaxMemKiB: sz.maxMemKiB, CurMemKiB: sz.curMemKiB, VCPUs: uint16(min(sz.vcpus, 65535))}
	if live == nil || ct == nil {
		st.MemKiB = sz.curMemKiB
		return st, true
	}
	u, err := ct.Usage()
	if err != nil {
		l.log.Debug("cgroup counters incomplete", "domain", d.name, "err", err)
	}
	st.CPUTimeNs, st.CPUUserNs, st.CPUSystemNs, st.PerCPUNs, st.MemKiB = u.CPUNs, u.UserNs, u.SystemNs, u.PerCPUNs, u.MemBytes/1024
	for _, ifc := range live.Interfaces {
		// A macvlan has no host side to count on.
		if ifc.HostDev == "" || ifc.Type == "direct" {
			continue
		}
		c, ok := counters[ifc.HostDev]
		if !ok {
			var err error
			if c, err = ct.Interface(ifc.HostDev); err != nil {
				l.log.Debug("interface counters unavailable", "domain", d.name, "dev", ifc.HostDev, "err", err)
			}
		}
		st.Interfaces = append(st.Interfaces, driverapi.InterfaceStats{
			Name: c.Name, MAC: ifc.MAC,
			RxBytes: c.RxBytes, RxPackets: c.RxPackets, RxErrs: c.RxErrs, RxDrop: c.RxDrop,
			TxBytes: c.TxBytes, TxPackets: c.TxPackets, TxErrs: c.TxErrs, TxDrop: c.TxDrop,
		})
	}
	return st, true
}

// Events streams domain events until ctx ends or the driver closes; a
// subscriber that falls too far behind is disconnected (its channel closes).
func (l *LXC) Events(ctx context.Context) (<-chan driverapi.Event, error) {
	return l.events.subscribe(ctx)
}
