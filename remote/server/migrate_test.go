package server

import (
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
)

// offlineFlags are what `virsh migrate --offline --persistent
// --undefinesource` sends.
const offlineFlags = uint32(libvirt.MigrateOffline | libvirt.MigratePersistDest | libvirt.MigrateUndefineSource)

// migrateOffline drives the phases as libvirt's virDomainMigrateVersion3Full
// does for --offline: Begin on src, Prepare on dst, Finish on dst (Perform
// skipped), Confirm on src with cancelled set when Finish failed. It returns
// the error of the first phase that failed.
func migrateOffline(t *testing.T, src, dst *rawClient, dom libvirt.Domain, flags uint32) string {
	t.Helper()
	var begin libvirt.DomainMigrateBegin3ParamsRet
	if e := src.call(proto.ProcDomainMigrateBegin3Params, &libvirt.DomainMigrateBegin3ParamsArgs{Dom: dom, Flags: flags}, &begin); e != nil {
		return e.Text()
	}
	params := []libvirt.TypedParam{strParam(libvirt.MigrateParamDestXML, begin.XML)}
	var prep libvirt.DomainMigratePrepare3ParamsRet
	if e := dst.call(proto.ProcDomainMigratePrepare3Params, &libvirt.DomainMigratePrepare3ParamsArgs{Params: params, CookieIn: begin.CookieOut, Flags: flags}, &prep); e != nil {
		return e.Text()
	}
	if len(prep.UriOut) != 1 || prep.UriOut[0] == "" {
		t.Fatalf("prepare set no URI: %v", prep.UriOut)
	}
	params = append(params, strParam(libvirt.MigrateParamURI, prep.UriOut[0]), strParam(libvirt.MigrateParamDestName, dom.Name))
	var fin libvirt.DomainMigrateFinish3ParamsRet
	finErr := dst.call(proto.ProcDomainMigrateFinish3Params, &libvirt.DomainMigrateFinish3ParamsArgs{Params: params, Flags: flags}, &fin)
	cancelled := int32(0)
	if finErr != nil {
		cancelled = 1
	} else if fin.Dom.Name != dom.Name || fin.Dom.UUID != dom.UUID {
		t.Fatalf("finish returned %v, want %v", fin.Dom, dom)
	}
	src.mustCall(proto.ProcDomainMigrateConfirm3Params, &libvirt.DomainMigrateConfirm3ParamsArgs{Dom: dom, Params: params, Flags: flags, Cancelled: cancelled}, nil)
	if finErr != nil {
		return finErr.Text()
	}
	return ""
}

func TestMigrateOffline(t *testing.T) {
	src, dst := startServer(t, nil), startServer(t, nil)
	sc, dc := dial(t, src.rw), dial(t, dst.rw)
	sc.open(0)
	dc.open(0)
	for _, rc := range []*rawClient{sc, dc} {
		for f, want := range map[int32]int32{featureMigrationParams: 1, featureMigrationOffline: 1, featureMigrationP2P: 1, 6: 0, 7: 0} {
			var feat libvirt.ConnectSupportsFeatureRet
			rc.mustCall(proto.ProcConnectSupportsFeature, &libvirt.ConnectSupportsFeatureArgs{Feature: f}, &feat)
			if feat.Supported != want {
				t.Errorf("feature %d = %d, want %d", f, feat.Supported, want)
			}
		}
	}
	d := wireDomain(src.drv.add("ct1", true))
	if msg := migrateOffline(t, sc, dc, d, offlineFlags); msg != "" {
		t.Fatal(msg)
	}
	if st, err := dst.drv.Status(t.Context(), d.UUID); err != nil || !st.Persistent || st.Name != "ct1" {
		t.Fatalf("target: %+v %v", st, err)
	}
	if _, err := src.drv.Status(t.Context(), d.UUID); err == nil {
		t.Fatal("source still has the domain after --undefinesource")
	}

	// Without --undefinesource the source keeps it.
	d2 := wireDomain(src.drv.add("ct2", true))
	if msg := migrateOffline(t, sc, dc, d2, offlineFlags&^uint32(libvirt.MigrateUndefineSource)); msg != "" {
		t.Fatal(msg)
	}
	if _, err := src.drv.Status(t.Context(), d2.UUID); err != nil {
		t.Fatalf("source lost the domain: %v", err)
	}
}

func TestMigrateOfflineRefused(t *testing.T) {
	src, dst := startServer(t, nil), startServer(t, nil)
	sc, dc := dial(t, src.rw), dial(t, dst.rw)
	sc.open(0)
	dc.open(0)
	d := wireDomain(src.drv.add("ct1", true))
	// The target has another domain named ct1.
	other := driverapi.UUID{1, 2, 3}
	dst.drv.mu.Lock()
	dst.drv.doms[other] = &driverapi.Status{Domain: driverapi.Domain{Name: "ct1", UUID: other, ID: -1}, Persistent: true}
	dst.drv.mu.Unlock()
	want := "operation failed: domain 'ct1' is already defined with uuid " + driverapi.FormatUUID(other)
	if msg := migrateOffline(t, sc, dc, d, offlineFlags); msg != want {
		t.Fatalf("got %q, want %q", msg, want)
	}
	if st, err := src.drv.Status(t.Context(), d.UUID); err != nil || !st.Persistent {
		t.Fatalf("source after a refused migration: %+v %v", st, err)
	}
	// A daemon is not its own target.
	if msg := migrateOffline(t, sc, dial(t, src.rw).opened(), d, offlineFlags); !strings.HasPrefix(msg, "internal error: Attempt to migrate guest to the same host") {
		t.Fatalf("migration to the source itself: %q", msg)
	}
	if st, err := src.drv.Status(t.Context(), d.UUID); err != nil || !st.Persistent {
		t.Fatalf("source after a migration to itself: %+v %v", st, err)
	}
	// The same domain running on the target.
	dst.drv.mu.Lock()
	delete(dst.drv.doms, other)
	dst.drv.mu.Unlock()
	dst.drv.add("ct1", true)
	if _, err := dst.drv.Create(t.Context(), d.UUID, 0); err != nil {
		t.Fatal(err)
	}
	if msg := migrateOffline(t, sc, dc, d, offlineFlags); msg != "Requested operation is not valid: domain 'ct1' is already active" {
		t.Fatalf("got %q", msg)
	}

	for _, c := range []struct {
		flags  uint32
		params []libvirt.TypedParam
		want   string
	}{
		{uint32(libvirt.MigrateOffline), nil, "Requested operation is not valid: offline migration must be specified with the persistent flag set"},
		{offlineFlags | uint32(libvirt.MigrateNonSharedDisk), nil, "invalid argument: unsupported flags (0x40) in function virDomainMigrateBegin3Params"},
		{offlineFlags, []libvirt.TypedParam{strParam(libvirt.MigrateParamDestName, "other")}, "argument unsupported: renaming a container while migrating it (destination_name) is not supported"},
		{offlineFlags, []libvirt.TypedParam{strParam("compression", "xbzrle")}, "invalid argument: parameter 'compression' not supported"},
		{uint32(libvirt.MigrateLive), nil, "Requested operation is not valid: domain is not running"},
	} {
		e := sc.call(proto.ProcDomainMigrateBegin3Params, &libvirt.DomainMigrateBegin3ParamsArgs{Dom: d, Params: c.params, Flags: c.flags}, nil)
		if e == nil || e.Text() != c.want {
			t.Errorf("begin flags 0x%x params %v: %v, want %q", c.flags, c.params, e, c.want)
		}
	}
	if _, err := src.drv.Create(t.Context(), d.UUID, 0); err != nil {
		t.Fatal(err)
	}
	e := sc.call(proto.ProcDomainMigrateBegin3Params, &libvirt.DomainMigrateBegin3ParamsArgs{Dom: d, Flags: uint32(libvirt.MigrateLive)}, nil)
	if e == nil || e.Code != int32(libvirt.ErrOperationUnsupported) {
		t.Fatalf("live begin: %v", e)
	}
	// Read-only connections cannot migrate.
	ro := dial(t, src.ro)
	ro.open(libvirt.ConnectRo)
	if e := ro.call(proto.ProcDomainMigrateBegin3Params, &libvirt.DomainMigrateBegin3ParamsArgs{Dom: d, Flags: offlineFlags}, nil); e == nil || e.Code != int32(libvirt.ErrOperationDenied) {
		t.Fatalf("read-only begin: %v", e)
	}
}

// opened runs the connection sequence and returns rc.
func (rc *rawClient) opened() *rawClient {
	rc.open(0)
	return rc
}
