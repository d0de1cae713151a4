package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// fakeCheckpointer adds checkpoints to the fake driver: a file "dump" in
// the checkpoint directory, which is NAME.ckpt under dir.
type fakeCheckpointer struct {
	*fakeDriver
	dir                   string
	failDump, failRestore bool
	defined               []string // the definitions DefineXML got
}

func (f *fakeCheckpointer) DefineXML(ctx context.Context, xml string, flags uint32) (driverapi.Domain, error) {
	f.mu.Lock()
	f.defined = append(f.defined, xml)
	f.mu.Unlock()
	return f.fakeDriver.DefineXML(ctx, xml, flags)
}

// lastDefined is the last definition DefineXML got.
func (f *fakeCheckpointer) lastDefined() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.defined) == 0 {
		return ""
	}
	return f.defined[len(f.defined)-1]
}

func (f *fakeCheckpointer) CheckpointDir(ctx context.Context, xml string) (string, error) {
	name, err := nameFromXML(xml)
	if err != nil {
		return "", err
	}
	return filepath.Join(f.dir, name+".ckpt"), nil
}

func (f *fakeCheckpointer) Checkpoint(ctx context.Context, u driverapi.UUID, dir string) error {
	if f.failDump {
		return virterror.New(libvirt.ErrOperationFailed, "checkpoint failed")
	}
	if err := os.WriteFile(filepath.Join(dir, "dump"), nil, 0o600); err != nil {
		return err
	}
	return f.stop(u)
}

func (f *fakeCheckpointer) Restore(ctx context.Context, xml, dir string) (driverapi.Domain, error) {
	if f.failRestore {
		return driverapi.Domain{}, virterror.New(libvirt.ErrOperationFailed, "restore failed")
	}
	if _, err := os.Stat(filepath.Join(dir, "dump")); err != nil {
		return driverapi.Domain{}, virterror.New(libvirt.ErrOperationFailed, "no checkpoint: %v", err)
	}
	name, err := nameFromXML(xml)
	if err != nil {
		return driverapi.Domain{}, err
	}
	if _, err := f.get(uuidOf(name)); err != nil {
		f.add(name, false)
	}
	return f.Create(ctx, uuidOf(name), 0)
}

// checkpointing starts a server whose driver checkpoints into dir.
func checkpointing(t *testing.T, dir string) (*testServer, *fakeCheckpointer, *rawClient) {
	var cp *fakeCheckpointer
	ts := startServer(t, func(c *Config) {
		cp = &fakeCheckpointer{fakeDriver: c.Driver.(*fakeDriver), dir: dir}
		c.Driver = cp
	})
	rc := dial(t, ts.rw)
	rc.open(0)
	return ts, cp, rc
}

// migrateLive drives the phases as virDomainMigrateVersion3Full does
// without --offline; it returns the error the client would report.
func migrateLive(t *testing.T, src, dst *rawClient, dom libvirt.Domain, flags uint32, extra ...libvirt.TypedParam) string {
	t.Helper()
	var begin libvirt.DomainMigrateBegin3ParamsRet
	if e := src.call(proto.ProcDomainMigrateBegin3Params, &libvirt.DomainMigrateBegin3ParamsArgs{Dom: dom, Flags: flags, Params: extra}, &begin); e != nil {
		return e.Text()
	}
	params := append([]libvirt.TypedParam{strParam(libvirt.MigrateParamDestXML, begin.XML)}, extra...)
	var prep libvirt.DomainMigratePrepare3ParamsRet
	if e := dst.call(proto.ProcDomainMigratePrepare3Params, &libvirt.DomainMigratePrepare3ParamsArgs{Params: params, CookieIn: begin.CookieOut, Flags: flags}, &prep); e != nil {
		return e.Text()
	}
	params = append(params, strParam(libvirt.MigrateParamURI, prep.UriOut[0]))
	var perf libvirt.DomainMigratePerform3ParamsRet
	perfErr := src.call(proto.ProcDomainMigratePerform3Params, &libvirt.DomainMigratePerform3ParamsArgs{Dom: dom, Params: params, CookieIn: prep.CookieOut, Flags: libvirt.DomainMigrateFlags(flags)}, &perf)
	params = append(params, strParam(libvirt.MigrateParamDestName, dom.Name))
	cancelled := int32(0)
	if perfErr != nil {
		cancelled = 1
	}
	var fin libvirt.DomainMigrateFinish3ParamsRet
	finErr := dst.call(proto.ProcDomainMigrateFinish3Params, &libvirt.DomainMigrateFinish3ParamsArgs{Params: params, CookieIn: perf.CookieOut, Flags: flags, Cancelled: cancelled}, &fin)
	if perfErr != nil {
		if finErr == nil || finErr.Code != int32(libvirt.ErrMigrateFinishOk) {
			t.Fatalf("finish after a failed perform: %v", finErr)
		}
		return perfErr.Text()
	}
	cancelled = 0
	if finErr != nil {
		cancelled = 1
	}
	src.mustCall(proto.ProcDomainMigrateConfirm3Params, &libvirt.DomainMigrateConfirm3ParamsArgs{Dom: dom, Params: params, Flags: flags, Cancelled: cancelled}, nil)
	if finErr != nil {
		return finErr.Text()
	}
	return ""
}

// moved checks what a migration with --persistent --undefinesource
// leaves: the target running u with its definition, the source without it.
func moved(t *testing.T, src, dst *fakeCheckpointer, u driverapi.UUID) {
	t.Helper()
	if st, err := dst.Status(t.Context(), u); err != nil || st.ID == -1 || !st.Persistent {
		t.Fatalf("target: %+v %v", st, err)
	}
	if _, err := src.Status(t.Context(), u); err == nil {
		t.Fatal("source still has the domain")
	}
}

// sourceKept checks what a failed migration (what names it) leaves: the
// source running u with its definition, the target without it.
func sourceKept(t *testing.T, what string, src, dst *fakeCheckpointer, u driverapi.UUID) {
	t.Helper()
	if !running(t, src, u) {
		t.Errorf("%s: the source is not running", what)
	}
	if st, err := src.Status(t.Context(), u); err != nil || !st.Persistent {
		t.Errorf("%s: the source lost its definition: %v", what, err)
	}
	if _, err := dst.Status(t.Context(), u); err == nil {
		t.Errorf("%s: the target has the domain", what)
	}
}

func running(t *testing.T, f *fakeCheckpointer, u driverapi.UUID) bool {
	t.Helper()
	st, err := f.Status(t.Context(), u)
	return err == nil && st.ID != -1
}

func TestMigrateLive(t *testing.T) {
	shared := t.TempDir()
	_, srcCP, sc := checkpointing(t, shared)
	_, dstCP, dc := checkpointing(t, shared)
	live := uint32(libvirt.MigrateLive | libvirt.MigratePersistDest | libvirt.MigrateUndefineSource)

	d := wireDomain(srcCP.add("ct1", true))
	if _, err := srcCP.Create(t.Context(), d.UUID, 0); err != nil {
		t.Fatal(err)
	}
	if msg := migrateLive(t, sc, dc, d, live); msg != "" {
		t.Fatal(msg)
	}
	moved(t, srcCP, dstCP, d.UUID)
	if _, err := os.Stat(filepath.Join(shared, "ct1.ckpt", tokenFile)); err == nil {
		t.Error("the token is left behind")
	}
	if def := dstCP.lastDefined(); !strings.Contains(def, "<title>inactive</title>") {
		t.Errorf("the target defined %q, not the source's persistent definition", def)
	}

	// persistent_xml is what the target defines; --suspend leaves it paused.
	d = wireDomain(srcCP.add("ct2", true))
	if _, err := srcCP.Create(t.Context(), d.UUID, 0); err != nil {
		t.Fatal(err)
	}
	persist := "<domain type='lxc'><name>ct2</name><uuid>" + driverapi.FormatUUID(d.UUID) + "</uuid><title>given</title></domain>"
	if msg := migrateLive(t, sc, dc, d, live|uint32(libvirt.MigratePaused), strParam(libvirt.MigrateParamPersistXML, persist)); msg != "" {
		t.Fatal(msg)
	}
	if def := dstCP.lastDefined(); def != persist {
		t.Errorf("the target defined %q, want persistent_xml", def)
	}
	if st, err := dstCP.Status(t.Context(), d.UUID); err != nil || st.State != libvirt.DomainPaused {
		t.Errorf("target after --suspend: %+v %v", st, err)
	}
	other := strings.Replace(persist, "<name>ct2</name>", "<name>other</name>", 1)
	d = wireDomain(srcCP.add("ct3", true))
	if _, err := srcCP.Create(t.Context(), d.UUID, 0); err != nil {
		t.Fatal(err)
	}
	if msg := migrateLive(t, sc, dc, d, live, strParam(libvirt.MigrateParamPersistXML, other)); !strings.Contains(msg, "persistent_xml defines domain 'other'") {
		t.Errorf("persistent_xml of another domain: %q", msg)
	}
	if !running(t, srcCP, d.UUID) {
		t.Error("a refused persistent_xml stopped the source")
	}

	// Every failure leaves the source running and the target without it.
	for _, c := range []struct {
		name  string
		setup func()
		undo  func()
		want  string
	}{
		{"dump fails", func() { srcCP.failDump = true }, func() { srcCP.failDump = false }, "operation failed: checkpoint failed"},
		{"restore fails", func() { dstCP.failRestore = true }, func() { dstCP.failRestore = false }, "operation failed: restore failed"},
		{"storage not shared", func() { dstCP.dir = t.TempDir() }, func() { dstCP.dir = shared }, "is not on storage both hosts see"},
	} {
		n := "ct-" + strings.ReplaceAll(c.name, " ", "-")
		d := wireDomain(srcCP.add(n, true))
		if _, err := srcCP.Create(t.Context(), d.UUID, 0); err != nil {
			t.Fatal(err)
		}
		c.setup()
		msg := migrateLive(t, sc, dc, d, live)
		c.undo()
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q, want %q", c.name, msg, c.want)
		}
		sourceKept(t, c.name, srcCP, dstCP, d.UUID)
	}
}
