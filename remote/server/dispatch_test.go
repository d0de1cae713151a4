package server

import (
	"log/slog"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/proto"
)

// Every call answered with an error gets a "call failed" debug record, a
// procedure without a handler too, so the debug log shows every call.
func TestEveryFailedCallIsLogged(t *testing.T) {
	logs := &logRecords{}
	ts := startServer(t, func(c *Config) { c.Logger = slog.New(logs) })
	d := wireDomain(ts.drv.add("ct1", true))
	rc := dial(t, ts.rw)
	rc.open(0)
	for range 2 {
		wantError(t, rc.call(proto.ProcDomainSnapshotNum, &libvirt.DomainSnapshotNumArgs{Dom: d}, nil), libvirt.ErrNoSupport,
			"this function is not supported by the connection driver: virDomainSnapshotNum")
	}
	rc.call(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "nope"}, nil)
	got := strings.Join(logs.procs(slog.LevelDebug, "call failed"), " ")
	want := "REMOTE_PROC_DOMAIN_SNAPSHOT_NUM REMOTE_PROC_DOMAIN_SNAPSHOT_NUM REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME"
	if got != want {
		t.Fatalf("call failed records name %q; want %q", got, want)
	}
}
