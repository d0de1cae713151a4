package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
)

// migrateP2P calls Perform with VIR_MIGRATE_PEER2PEER on src, as
// virDomainMigrateToURI3 does; it returns the error the client would report.
func migrateP2P(t *testing.T, src *rawClient, dom libvirt.Domain, dconnuri string, flags uint32, params ...libvirt.TypedParam) string {
	t.Helper()
	args := &libvirt.DomainMigratePerform3ParamsArgs{Dom: dom, Dconnuri: libvirt.OptString{dconnuri}, Params: params, Flags: libvirt.DomainMigrateFlags(flags | uint32(libvirt.MigratePeer2peer))}
	if dconnuri == "" {
		args.Dconnuri = nil
	}
	var ret libvirt.DomainMigratePerform3ParamsRet
	if e := src.call(proto.ProcDomainMigratePerform3Params, args, &ret); e != nil {
		return e.Text()
	}
	return ""
}

func unixURI(sock string) string { return "lxc+unix:///system?socket=" + sock }

func TestMigrateP2PLive(t *testing.T) {
	shared := t.TempDir()
	src, srcCP, sc := checkpointing(t, shared)
	dst, dstCP, _ := checkpointing(t, shared)
	live := uint32(libvirt.MigrateLive | libvirt.MigratePersistDest | libvirt.MigrateUndefineSource)
	target := unixURI(dst.rw)

	d := wireDomain(srcCP.add("ct1", true))
	if _, err := srcCP.Create(t.Context(), d.UUID, 0); err != nil {
		t.Fatal(err)
	}
	if msg := migrateP2P(t, sc, d, target, live); msg != "" {
		t.Fatal(msg)
	}
	moved(t, srcCP, dstCP, d.UUID)
	if def := dstCP.lastDefined(); !strings.Contains(def, "<title>inactive</title>") {
		t.Errorf("the target defined %q, not the source's persistent definition", def)
	}
	if _, err := os.Stat(filepath.Join(shared, "ct1.ckpt", tokenFile)); err == nil {
		t.Error("the token is left behind")
	}

	// A paused container stays paused on the target.
	d = wireDomain(srcCP.add("ct-paused", true))
	if _, err := srcCP.Create(t.Context(), d.UUID, 0); err != nil {
		t.Fatal(err)
	}
	if err := srcCP.Suspend(t.Context(), d.UUID); err != nil {
		t.Fatal(err)
	}
	if msg := migrateP2P(t, sc, d, target, live); msg != "" {
		t.Fatal(msg)
	}
	if st, err := dstCP.Status(t.Context(), d.UUID); err != nil || st.State != libvirt.DomainPaused {
		t.Errorf("target of a paused source: %+v %v", st, err)
	}

	// Every failure leaves the source running and the target without it.
	for _, c := range []struct {
		name   string
		setup  func()
		undo   func()
		target string
		flags  uint32
		want   string
	}{
		{name: "dump fails", setup: func() { srcCP.failDump = true }, undo: func() { srcCP.failDump = false }, want: "operation failed: checkpoint failed"},
		{name: "restore fails", setup: func() { dstCP.failRestore = true }, undo: func() { dstCP.failRestore = false }, want: "operation failed: restore failed"},
		{name: "storage not shared", setup: func() { dstCP.dir = t.TempDir() }, undo: func() { dstCP.dir = shared }, want: "is not on storage both hosts see"},
		{name: "no target", target: unixURI(filepath.Join(t.TempDir(), "none")), want: "cannot connect to the destination"},
		{name: "itself", target: unixURI(src.rw), want: "Attempt to migrate guest to the same host"},
		{name: "tunnelled", flags: uint32(libvirt.MigrateTunnelled), want: "tunnelled migration is not supported"},
		{name: "no dconnuri", target: "-", want: "dconnuri in virDomainMigratePerform3Params must not be NULL"},
		{name: "another transport", target: "lxc+tcp://127.0.0.1/system", want: "transport 'tcp' of destination URI"},
		{name: "command", target: "lxc+ssh://127.0.0.1/system?command=/bin/evil", want: "parameter 'command' of destination URI"},
	} {
		n := "ct-" + strings.ReplaceAll(c.name, " ", "-")
		d := wireDomain(srcCP.add(n, true))
		if _, err := srcCP.Create(t.Context(), d.UUID, 0); err != nil {
			t.Fatal(err)
		}
		if c.setup != nil {
			c.setup()
		}
		uri := target
		switch c.target {
		case "":
		case "-":
			uri = ""
		default:
			uri = c.target
		}
		msg := migrateP2P(t, sc, d, uri, live|c.flags)
		if c.undo != nil {
			c.undo()
		}
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q, want %q", c.name, msg, c.want)
		}
		sourceKept(t, c.name, srcCP, dstCP, d.UUID)
	}
}

func TestMigrateP2POffline(t *testing.T) {
	src, dst := startServer(t, nil), startServer(t, nil)
	sc := dial(t, src.rw)
	sc.open(0)
	d := wireDomain(src.drv.add("ct1", true))
	if msg := migrateP2P(t, sc, d, unixURI(dst.rw), offlineFlags); msg != "" {
		t.Fatal(msg)
	}
	if st, err := dst.drv.Status(t.Context(), d.UUID); err != nil || !st.Persistent || st.Name != "ct1" {
		t.Fatalf("target: %+v %v", st, err)
	}
	if _, err := src.drv.Status(t.Context(), d.UUID); err == nil {
		t.Fatal("source still has the domain after --undefinesource")
	}

	// A target that refuses (it has the name under another UUID) leaves
	// both as they were.
	d = wireDomain(src.drv.add("ct2", true))
	other := driverapi.Domain{Name: "ct2", UUID: driverapi.UUID{1, 2, 3}, ID: -1}
	dst.drv.mu.Lock()
	dst.drv.doms[other.UUID] = &driverapi.Status{Domain: other, Persistent: true}
	dst.drv.mu.Unlock()
	msg := migrateP2P(t, sc, d, unixURI(dst.rw), offlineFlags)
	if !strings.Contains(msg, "is already defined with uuid") {
		t.Errorf("refused: %q", msg)
	}
	if _, err := src.drv.Status(t.Context(), d.UUID); err != nil {
		t.Errorf("source lost the domain: %v", err)
	}
	if st, err := dst.drv.Status(t.Context(), other.UUID); err != nil || st.Name != "ct2" {
		t.Errorf("target's own domain: %+v %v", st, err)
	}
}

func TestMigrateP2POneAtATime(t *testing.T) {
	ts := startServer(t, nil)
	dom := libvirt.Domain{Name: "ct1", UUID: uuidOf("ct1")}
	unlock, err := ts.srv.lockP2P(dom)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.srv.lockP2P(dom); err == nil || !strings.Contains(err.Error(), "already being migrated") {
		t.Errorf("second migration: %v", err)
	}
	unlock()
	unlock2, err := ts.srv.lockP2P(dom)
	if err != nil {
		t.Fatalf("after the first ended: %v", err)
	}
	unlock2()
}
