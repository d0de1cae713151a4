package driver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

const appURI = "http://example.org/app/1.0"

// getMeta reads metadata, failing the test on an error.
func (e *env) getMeta(d driverapi.Domain, typ driverapi.MetadataType, uri string, flags uint32) string {
	e.t.Helper()
	s, err := e.l.Metadata(e.t.Context(), d.UUID, typ, uri, flags)
	if err != nil {
		e.t.Fatalf("Metadata(%d, %q, %#x): %v", typ, uri, flags, err)
	}
	return s
}

func (e *env) xml(d driverapi.Domain, flags uint32) string {
	e.t.Helper()
	x, err := e.l.XMLDesc(e.t.Context(), d.UUID, flags)
	must(e.t, err)
	return x
}

func TestMetadataLiveAndConfig(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	evs, err := e.l.Events(ctx)
	must(t, err)
	d := e.start(e.define("web", uuidA))
	wantEvents(t, evs,
		lifecycle(driverapi.Domain{Name: "web", UUID: d.UUID, ID: -1}, libvirt.DomainEventDefined, int32(libvirt.DomainEventDefinedAdded)),
		lifecycle(d, libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted)))

	// Current on a running domain is live.
	must(t, e.l.SetMetadata(ctx, d.UUID, driverapi.MetadataTitle, "live title", "", "", driverapi.AffectCurrent))
	wantEvents(t, evs, metadataChange(d, driverapi.MetadataTitle, ""))
	must(t, e.l.SetMetadata(ctx, d.UUID, driverapi.MetadataDescription, "only\nin config", "", "", driverapi.AffectConfig))
	wantEvents(t, evs, metadataChange(d, driverapi.MetadataDescription, ""))
	must(t, e.l.SetMetadata(ctx, d.UUID, driverapi.MetadataElement, `<inst><name>n1</name></inst>`, "app", appURI, driverapi.AffectLive|driverapi.AffectConfig))
	wantEvents(t, evs, metadataChange(d, driverapi.MetadataElement, appURI))

	if got := e.getMeta(d, driverapi.MetadataTitle, "", 0); got != "live title" {
		t.Errorf("current title = %q", got)
	}
	_, err = e.l.Metadata(ctx, d.UUID, driverapi.MetadataTitle, "", driverapi.AffectConfig)
	wantCode(t, err, libvirt.ErrNoDomainMetadata, "metadata not found: Requested metadata element is not present")
	_, err = e.l.Metadata(ctx, d.UUID, driverapi.MetadataDescription, "", driverapi.AffectLive)
	wantCode(t, err, libvirt.ErrNoDomainMetadata, "Requested metadata element is not present")
	if got := e.getMeta(d, driverapi.MetadataDescription, "", driverapi.AffectConfig); got != "only\nin config" {
		t.Errorf("config description = %q", got)
	}
	wantEl := "<app:inst xmlns:app=\"" + appURI + "\">\n  <app:name>n1</app:name>\n</app:inst>"
	for _, f := range []uint32{driverapi.AffectLive, driverapi.AffectConfig} {
		if got := e.getMeta(d, driverapi.MetadataElement, appURI, f); got != wantEl {
			t.Errorf("element (flags %d) = %s", f, got)
		}
	}

	live, inactive := e.xml(d, 0), e.xml(d, driverapi.XMLInactive)
	if !strings.Contains(live, "<title>live title</title>") || strings.Contains(live, "<description>") {
		t.Errorf("live XML:\n%s", live)
	}
	if strings.Contains(inactive, "<title>") || !strings.Contains(inactive, "<description>only\nin config</description>") {
		t.Errorf("inactive XML:\n%s", inactive)
	}
	for _, x := range []string{live, inactive} {
		if !strings.Contains(x, "<app:inst xmlns:app='"+appURI+"'>") {
			t.Errorf("XML lacks the element:\n%s", x)
		}
	}
	// The config change is on disk.
	b, err := os.ReadFile(filepath.Join(e.stateDir, domainsDir, uuidA+".xml"))
	must(t, err)
	if string(b) != inactive {
		t.Errorf("stored definition differs from the inactive XML:\n%s", b)
	}

	// An empty value removes.
	must(t, e.l.SetMetadata(ctx, d.UUID, driverapi.MetadataElement, "", "", appURI, driverapi.AffectLive))
	wantEvents(t, evs, metadataChange(d, driverapi.MetadataElement, appURI))
	_, err = e.l.Metadata(ctx, d.UUID, driverapi.MetadataElement, appURI, driverapi.AffectLive)
	wantCode(t, err, libvirt.ErrNoDomainMetadata, "not present")
	if x := e.xml(d, 0); strings.Contains(x, "<metadata") {
		t.Errorf("live XML keeps metadata:\n%s", x)
	}
	must(t, e.l.SetMetadata(ctx, d.UUID, driverapi.MetadataTitle, "", "", "", driverapi.AffectLive))
	wantEvents(t, evs, metadataChange(d, driverapi.MetadataTitle, ""))
	if x := e.xml(d, 0); strings.Contains(x, "<title>") {
		t.Errorf("live XML keeps the title:\n%s", x)
	}

	// The live definition survives a new driver instance (run state).
	must(t, e.l.SetMetadata(ctx, d.UUID, driverapi.MetadataTitle, "kept", "", "", driverapi.AffectLive))
	must(t, e.l.Close())
	e2 := e.e2(e.open())
	if got := e2.getMeta(d, driverapi.MetadataTitle, "", driverapi.AffectLive); got != "kept" {
		t.Errorf("title after re-adoption = %q", got)
	}

	// Stopped: current is config; live is refused.
	must(t, e2.l.Destroy(ctx, d.UUID, 0))
	e2.waitState(d, libvirt.DomainShutoff)
	must(t, e2.l.SetMetadata(ctx, d.UUID, driverapi.MetadataTitle, "cfg", "", "", driverapi.AffectCurrent))
	if got := e2.getMeta(d, driverapi.MetadataTitle, "", 0); got != "cfg" {
		t.Errorf("title of the stopped domain = %q", got)
	}
	wantCode(t, e2.l.SetMetadata(ctx, d.UUID, driverapi.MetadataTitle, "x", "", "", driverapi.AffectLive),
		libvirt.ErrOperationInvalid, "Requested operation is not valid: domain is not running")
	_, err = e2.l.Metadata(ctx, d.UUID, driverapi.MetadataTitle, "", driverapi.AffectLive)
	wantCode(t, err, libvirt.ErrOperationInvalid, "domain is not running")
}

func TestMetadataTransient(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d, err := e.l.CreateXML(ctx, domXML("tmp", uuidB), 0)
	must(t, err)
	wantCode(t, e.l.SetMetadata(ctx, d.UUID, driverapi.MetadataTitle, "x", "", "", driverapi.AffectConfig),
		libvirt.ErrOperationInvalid, "transient domains do not have any persistent config")
	wantCode(t, e.l.SetMetadata(ctx, d.UUID, driverapi.MetadataTitle, "x", "", "", driverapi.AffectLive|driverapi.AffectConfig),
		libvirt.ErrOperationInvalid, "transient domains do not have any persistent config")
	if x := e.xml(d, 0); strings.Contains(x, "<title>") {
		t.Fatalf("a refused change was made:\n%s", x)
	}
	must(t, e.l.SetMetadata(ctx, d.UUID, driverapi.MetadataTitle, "t", "", "", 0))
	if x := e.xml(d, driverapi.XMLInactive); !strings.Contains(x, "<title>t</title>") {
		t.Errorf("a transient domain's definition is its live one:\n%s", x)
	}
}

func TestMetadataRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("web", uuidA, "<title>old</title>")
	for _, tc := range []struct {
		name               string
		typ                driverapi.MetadataType
		metadata, key, uri string
		flags              uint32
		code               libvirt.ErrorNumber
		contains           string
	}{
		{"newline in title", driverapi.MetadataTitle, "a\nb", "", "", 0, libvirt.ErrInvalidArg, "metadata title can't contain newlines"},
		{"uri with title", driverapi.MetadataTitle, "a", "", "urn:x", 0, libvirt.ErrInvalidArg, "uri in virDomainSetMetadata must be NULL"},
		{"key with description", driverapi.MetadataDescription, "a", "k", "", 0, libvirt.ErrInvalidArg, "key in virDomainSetMetadata must be NULL"},
		{"element without uri", driverapi.MetadataElement, "<a/>", "k", "", 0, libvirt.ErrInvalidArg, "uri in virDomainSetMetadata must not be NULL"},
		{"element without key", driverapi.MetadataElement, "<a/>", "", "urn:x", 0, libvirt.ErrInvalidArg, "key in virDomainSetMetadata must not be NULL"},
		{"bad key", driverapi.MetadataElement, "<a/>", "a:b", "urn:x", 0, libvirt.ErrInvalidArg, "prefix"},
		{"bad xml", driverapi.MetadataElement, "<a>", "k", "urn:x", 0, libvirt.ErrXMLDetail, "(metadata_xml)"},
		{"unknown type", 7, "a", "", "", 0, libvirt.ErrInvalidArg, "unknown metadata type '7'"},
		{"unknown flag", driverapi.MetadataTitle, "a", "", "", 4, libvirt.ErrInvalidArg, "lxcDomainSetMetadata: unsupported flags (0x4)"},
		{"long uri", driverapi.MetadataElement, "", "", strings.Repeat("u", MaxMetadataNameBytes+1), 0, libvirt.ErrInvalidArg, "uri in virDomainSetMetadata is longer than 4096 bytes"},
		{"long key", driverapi.MetadataElement, "<a/>", strings.Repeat("k", MaxMetadataNameBytes+1), "urn:x", 0, libvirt.ErrInvalidArg, "key in virDomainSetMetadata is longer than 4096 bytes"},
		{"too large", driverapi.MetadataDescription, strings.Repeat("x", MaxDefinitionBytes), "", "", 0, libvirt.ErrInvalidArg, "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, e.l.SetMetadata(ctx, d.UUID, tc.typ, tc.metadata, tc.key, tc.uri, tc.flags), tc.code, tc.contains)
			if got := e.getMeta(d, driverapi.MetadataTitle, "", 0); got != "old" {
				t.Fatalf("title changed to %q", got)
			}
		})
	}
	_, err := e.l.Metadata(ctx, d.UUID, driverapi.MetadataTitle, "", driverapi.AffectLive|driverapi.AffectConfig)
	wantCode(t, err, libvirt.ErrInvalidArg, "mutually exclusive")
	_, err = e.l.Metadata(ctx, d.UUID, driverapi.MetadataElement, "", 0)
	wantCode(t, err, libvirt.ErrInvalidArg, "uri in virDomainGetMetadata must not be NULL")
	var missing driverapi.UUID
	wantCode(t, e.l.SetMetadata(ctx, missing, driverapi.MetadataTitle, "x", "", "", 0), libvirt.ErrNoDomain, "no domain with matching uuid")
}

// A redefinition of a running domain gives the running definition its new
// title, description and metadata at once, as virt-xml --edit --metadata
// needs, with a metadata-change event per changed item.
func TestRedefineRunningAppliesMetadata(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("web", uuidA, "<title>a</title><metadata><x:y xmlns:x='urn:x'/></metadata>"))
	evs, err := e.l.Events(ctx)
	must(t, err)
	_, err = e.l.DefineXML(ctx, domXML("web", uuidA, "<title>b</title><description>same</description>",
		"<metadata><n:i xmlns:n='urn:n'>1</n:i></metadata>", "<vcpu>2</vcpu>"), 0)
	must(t, err)
	wantEvents(t, evs,
		lifecycle(d, libvirt.DomainEventDefined, int32(libvirt.DomainEventDefinedUpdated)),
		metadataChange(d, driverapi.MetadataTitle, ""),
		metadataChange(d, driverapi.MetadataDescription, ""),
		metadataChange(d, driverapi.MetadataElement, "urn:n"),
		metadataChange(d, driverapi.MetadataElement, "urn:x"))
	live := e.xml(d, 0)
	for _, want := range []string{"<title>b</title>", "<description>same</description>", "<n:i xmlns:n='urn:n'>1</n:i>"} {
		if !strings.Contains(live, want) {
			t.Errorf("live XML lacks %s:\n%s", want, live)
		}
	}
	if strings.Contains(live, "urn:x") || strings.Contains(live, "<vcpu>2</vcpu>") {
		t.Errorf("live XML keeps the old element or took a change that needs a restart:\n%s", live)
	}
	// Only the changes are reported.
	_, err = e.l.DefineXML(ctx, domXML("web", uuidA, "<title>c</title><description>same</description>",
		"<metadata><n:i xmlns:n='urn:n'>1</n:i></metadata>"), 0)
	must(t, err)
	wantEvents(t, evs,
		lifecycle(d, libvirt.DomainEventDefined, int32(libvirt.DomainEventDefinedUpdated)),
		metadataChange(d, driverapi.MetadataTitle, ""))
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	if ev := nextEvent(t, evs); ev.Kind != driverapi.EventLifecycle {
		t.Fatalf("unexpected event %+v", ev)
	}
}
