package driver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
)

// store keeps the driver's files under the state directory:
//
//	domains/<uuid>.xml   the normalised inactive XML of each persistent domain
//	autostart/<uuid>     an empty marker per autostart domain
//	run/<uuid>.json      the state of each running domain (runState)
//	snapshot/<uuid>/<name>.xml  each snapshot's <domainsnapshot>, with
//	                     <active>1</active> on the current one (libvirt's
//	                     own layout and format for snapshot metadata)
//
// Every write is atomic (temp file, rename), so a reader never sees half a
// file. Definitions and autostart markers must also survive a crash of the
// host: they are fsynced with their directory (durable). Run state is not
// (volatile): it describes containers, which die with the host, and the
// page cache keeps it across a crash of the driver or the daemon, which is
// what it is for; after a host crash a stale, missing or empty run-state
// file only describes a container that no longer runs, which load cleans
// up. That spares a start two fsyncs and a stop one.
type store struct {
	dir string
}

const (
	domainsDir   = "domains"
	autostartDir = "autostart"
	runDir       = "run"
	snapshotDir  = "snapshot"
)

// runStateVersion is bumped when runState changes incompatibly.
const runStateVersion = 1

// runState is what a later driver instance needs to re-adopt a running
// domain, persistent or transient.
type runState struct {
	Version   int       `json:"version"`
	Name      string    `json:"name"`
	UUID      string    `json:"uuid"`
	PID       int       `json:"pid"`
	Transient bool      `json:"transient"`
	StartedAt time.Time `json:"started_at"`
	Reason    int32     `json:"reason"`
	LiveXML   string    `json:"live_xml"`
	// Loops are the loop devices attached for the run's image files,
	// detached when it ends.
	Loops []lxc.Loop `json:"loops,omitempty"`
}

func (s *store) init() error {
	for _, d := range []string{domainsDir, autostartDir, runDir, snapshotDir} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o700); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) defPath(u driverapi.UUID) string {
	return filepath.Join(s.dir, domainsDir, driverapi.FormatUUID(u)+".xml")
}

func (s *store) autostartPath(u driverapi.UUID) string {
	return filepath.Join(s.dir, autostartDir, driverapi.FormatUUID(u))
}

func (s *store) runPath(u driverapi.UUID) string {
	return filepath.Join(s.dir, runDir, driverapi.FormatUUID(u)+".json")
}

func (s *store) saveDef(u driverapi.UUID, xml []byte) error {
	return writeFileAtomic(s.defPath(u), xml, 0o600, durable)
}

func (s *store) setAutostart(u driverapi.UUID, on bool) error {
	if on {
		return writeFileAtomic(s.autostartPath(u), nil, 0o600, durable)
	}
	return removeFile(s.autostartPath(u), durable)
}

func (s *store) saveRun(u driverapi.UUID, st runState) error {
	st.Version = runStateVersion
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return writeFileAtomic(s.runPath(u), b, 0o600, volatile)
}

func (s *store) removeRun(u driverapi.UUID) error { return removeFile(s.runPath(u), volatile) }

// removeDefinition deletes u's definition and autostart marker (the run
// state of a running domain stays).
func (s *store) removeDefinition(u driverapi.UUID) error {
	return errors.Join(removeFile(s.autostartPath(u), durable), removeFile(s.defPath(u), durable))
}

func (s *store) snapshotsPath(u driverapi.UUID) string {
	return filepath.Join(s.dir, snapshotDir, driverapi.FormatUUID(u))
}

// saveSnapshot writes u's snapshot name's metadata (durable). The name is
// a valid snapshot name (lxc.ValidateSnapshotName): a file name.
func (s *store) saveSnapshot(u driverapi.UUID, name string, xml []byte) error {
	dir := s.snapshotsPath(u)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, name+".xml"), xml, 0o600, durable)
}

func (s *store) removeSnapshot(u driverapi.UUID, name string) error {
	return removeFile(filepath.Join(s.snapshotsPath(u), name+".xml"), durable)
}

// removeSnapshots deletes all of u's snapshot metadata.
func (s *store) removeSnapshots(u driverapi.UUID) error {
	return os.RemoveAll(s.snapshotsPath(u))
}

// storedSnapshot is a snapshot metadata file as read back.
type storedSnapshot struct {
	name, path string
	xml        []byte
}

// loadSnapshots reads u's snapshot metadata files; one that cannot be
// read is logged and skipped, temp files left by a crash are removed.
func (s *store) loadSnapshots(log *slog.Logger, u driverapi.UUID) []storedSnapshot {
	dir := s.snapshotsPath(u)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			log.Error("cannot read snapshot directory", "dir", dir, "err", err)
		}
		return nil
	}
	var out []storedSnapshot
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), ".tmp-") {
			_ = os.Remove(path)
			continue
		}
		name, ok := strings.CutSuffix(e.Name(), ".xml")
		if !ok || !e.Type().IsRegular() {
			log.Warn("ignoring unexpected file in snapshot directory", "path", path)
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			log.Error("skipping unreadable snapshot metadata", "path", path, "err", err)
			continue
		}
		out = append(out, storedSnapshot{name: name, path: path, xml: b})
	}
	return out
}

// storedDef is a definition file as read back.
type storedDef struct {
	uuid driverapi.UUID
	path string
	xml  []byte
}

// loadDefs reads every definition file; one that cannot be read is logged
// and skipped.
func (s *store) loadDefs(log *slog.Logger) []storedDef {
	var out []storedDef
	s.walk(log, domainsDir, ".xml", func(u driverapi.UUID, path string) {
		b, err := os.ReadFile(path)
		if err != nil {
			log.Error("skipping unreadable definition", "path", path, "err", err)
			return
		}
		out = append(out, storedDef{uuid: u, path: path, xml: b})
	})
	return out
}

// loadAutostart returns the UUIDs marked autostart.
func (s *store) loadAutostart(log *slog.Logger) map[driverapi.UUID]bool {
	out := map[driverapi.UUID]bool{}
	s.walk(log, autostartDir, "", func(u driverapi.UUID, _ string) { out[u] = true })
	return out
}

// loadRuns reads every run-state file; a corrupt one is logged, removed and
// skipped.
func (s *store) loadRuns(log *slog.Logger) map[driverapi.UUID]runState {
	out := map[driverapi.UUID]runState{}
	s.walk(log, runDir, ".json", func(u driverapi.UUID, path string) {
		var st runState
		b, err := os.ReadFile(path)
		if err == nil {
			err = json.Unmarshal(b, &st)
		}
		if err == nil && st.Version != runStateVersion {
			err = fmt.Errorf("unknown version %d", st.Version)
		}
		if err == nil && st.UUID != driverapi.FormatUUID(u) {
			err = fmt.Errorf("holds uuid %q", st.UUID)
		}
		if err != nil {
			log.Error("skipping corrupt run state", "path", path, "err", err)
			_ = removeFile(path, volatile)
			return
		}
		out[u] = st
	})
	return out
}

// walk calls fn for each file in sub named <uuid><ext>; other names are
// logged (temp files left by a crash are removed).
func (s *store) walk(log *slog.Logger, sub, ext string, fn func(driverapi.UUID, string)) {
	dir := filepath.Join(s.dir, sub)
	entries, err := os.ReadDir(dir)
	if err != nil {
		log.Error("cannot read state directory", "dir", dir, "err", err)
		return
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), ".tmp-") {
			_ = os.Remove(path)
			continue
		}
		base, ok := strings.CutSuffix(e.Name(), ext)
		u, err := parseUUID(base)
		if !ok || err != nil || !e.Type().IsRegular() {
			log.Warn("ignoring unexpected file in state directory", "path", path)
			continue
		}
		fn(u, path)
	}
}

// durability says whether a write must reach the disk before it returns.
type durability bool

const (
	// durable: fsync the file and its directory, so the change survives a
	// crash of the host.
	durable durability = true
	// volatile: the change is atomic and survives a crash of the process
	// (it is in the page cache) but may be lost with the host.
	volatile durability = false
)

// writeFileAtomic replaces path with data: a temp file in the same
// directory, renamed over path; when durable the file is fsynced before
// the rename and the directory after it.
func writeFileAtomic(path string, data []byte, perm fs.FileMode, dur durability) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if dur == durable {
		if err = f.Sync(); err != nil {
			return err
		}
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	if dur == durable {
		return syncDir(dir)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// removeFile removes path; a missing file is not an error. When durable the
// directory is synced so the removal survives a crash of the host.
func removeFile(path string, dur durability) error {
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	if dur == durable {
		return syncDir(filepath.Dir(path))
	}
	return nil
}
