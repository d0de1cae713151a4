package server

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/proto"
)

// logBuffer is a slog text sink safe for the server's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// count returns how many lines hold every one of parts.
func (b *logBuffer) count(parts ...string) int {
	n := 0
	for _, line := range strings.Split(b.String(), "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}

// A "not supported" answer is logged at info level once per procedure and
// client; every failed call, unsupported or not, gets a debug line.
func TestNotSupportedIsLoggedOncePerProcedureAndClient(t *testing.T) {
	var logs logBuffer
	ts := startServer(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	d := ts.drv.add("ct1", true)
	a, b := dial(t, ts.rw), dial(t, ts.rw)
	a.open(0)
	b.open(0)
	for _, rc := range []*rawClient{a, a, b} {
		e := rc.call(proto.ProcDomainSnapshotNum, &libvirt.DomainSnapshotNumArgs{Dom: wireDomain(d)}, nil)
		wantError(t, e, libvirt.ErrNoSupport, "this function is not supported by the connection driver: virDomainSnapshotNum")
	}
	e := a.call(proto.ProcDomainHasCurrentSnapshot, &libvirt.DomainHasCurrentSnapshotArgs{Dom: wireDomain(d)}, nil)
	wantError(t, e, libvirt.ErrNoSupport, "this function is not supported by the connection driver: virDomainHasCurrentSnapshot")
	e = a.call(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "nosuch"}, nil)
	wantError(t, e, libvirt.ErrNoDomain, "Domain not found: no domain with matching name 'nosuch'")

	info := `level=INFO msg="not supported"`
	if n := logs.count(info, "proc=REMOTE_PROC_DOMAIN_SNAPSHOT_NUM ", "virDomainSnapshotNum"); n != 2 {
		t.Errorf("%d info lines for DOMAIN_SNAPSHOT_NUM, want 2 (one per client)", n)
	}
	if n := logs.count(info, "proc=REMOTE_PROC_DOMAIN_HAS_CURRENT_SNAPSHOT "); n != 1 {
		t.Errorf("%d info lines for DOMAIN_HAS_CURRENT_SNAPSHOT, want 1", n)
	}
	if n := logs.count(info); n != 3 {
		t.Errorf("%d info lines, want 3 (the failed lookup is no \"not supported\")", n)
	}
	if n := logs.count(`level=DEBUG msg="call failed"`, "proc=REMOTE_PROC_DOMAIN_SNAPSHOT_NUM "); n != 3 {
		t.Errorf("%d debug lines for DOMAIN_SNAPSHOT_NUM, want one per call (3)", n)
	}
	if n := logs.count(`level=DEBUG msg="call failed"`, "proc=REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME "); n != 1 {
		t.Errorf("%d debug lines for the failed lookup, want 1", n)
	}
	if t.Failed() {
		t.Logf("log:\n%s", logs.String())
	}
}
