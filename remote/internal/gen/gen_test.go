package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleX = `/* -*- c -*- */
const DEMO_NAME_MAX = 16;
const DEMO_LIST_MAX = DEMO_NAME_MAX;

struct demo_thing_get_args {
    remote_nonnull_string name;   /* trailing comment */
    unsigned int flags;
};

struct demo_thing_get_ret {
    remote_nonnull_string names<DEMO_LIST_MAX>;
    opaque cookie<>;
    opaque uuid[16];
    remote_string *maybe;
};

const DEMO_PROGRAM = 0x1234;
const DEMO_PROTOCOL_VERSION = 1;

enum demo_procedure {
    /* Header comment mentioning
     * - @generate: none|both
     * - @acl: <object>:<permission>
     */

    /**
     * @generate: both
     * @priority: high
     * @acl: connect:read
     */
    DEMO_PROC_THING_GET = 1,

    /**
     * @acl: domain:write
     * @acl: domain:read_secure:VIR_FLAG
     * @readstream: 1
     */
    DEMO_PROC_THING_SET = 2
};
`

func TestParseSpec(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.x")
	if err := os.WriteFile(path, []byte(sampleX), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := parseSpec(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.consts["DEMO_LIST_MAX"] != 16 || s.consts["DEMO_PROGRAM"] != 0x1234 || len(s.order) != 4 {
		t.Fatalf("consts %v %v", s.consts, s.order)
	}
	ret := s.structs["demo_thing_get_ret"]
	if ret == nil || len(ret.fields) != 4 {
		t.Fatalf("ret %+v", ret)
	}
	if f := ret.fields[0]; f.name != "names" || f.bound != "DEMO_LIST_MAX" || !f.variable {
		t.Errorf("names field %+v", f)
	}
	if f := ret.fields[1]; f.name != "cookie" || f.bound != "" || !f.variable {
		t.Errorf("cookie field %+v", f)
	}
	if f := ret.fields[2]; f.variable || f.name != "uuid" {
		t.Errorf("uuid field %+v", f)
	}
	if f := ret.fields[3]; f.name != "maybe" {
		t.Errorf("pointer field %+v", f)
	}
	if len(s.procs) != 2 {
		t.Fatalf("procs %+v", s.procs)
	}
	get, set := s.procs[0], s.procs[1]
	if get.name != "DEMO_PROC_THING_GET" || get.number != 1 || !get.high || get.generate != "both" || len(get.acl) != 1 || get.stream {
		t.Errorf("get %+v", get)
	}
	// The conditional rule (with a flag) is not an unconditional ACL.
	if set.number != 2 || set.high || len(set.acl) != 1 || set.acl[0] != "domain:write" || !set.stream {
		t.Errorf("set %+v", set)
	}
}

func TestNaming(t *testing.T) {
	for in, want := range map[string]string{
		"DOMAIN_GET_XML_DESC":      "DomainGetXMLDesc",
		"DOMAIN_LOOKUP_BY_UUID":    "DomainLookupByUUID",
		"CONNECT_LIST_ALL_DOMAINS": "ConnectListAllDomains",
	} {
		if got := camel(in); got != want {
			t.Errorf("camel(%s) = %s, want %s", in, got, want)
		}
	}
	if constName("REMOTE_DOMAIN_LIST_MAX") != "DomainListMax" || constName("VIR_NET_MESSAGE_STRING_MAX") != "wire.MessageStringMax" {
		t.Error("constName")
	}
	for acl, want := range map[string]bool{
		"connect:read": true, "connect:getattr": true, "connect:search_domains": true, "none": true,
		"domain:write": false, "domain:start": false, "domain:read_secure": false, "domain:open_device": false,
	} {
		if readPerm(acl) != want {
			t.Errorf("readPerm(%s) = %v", acl, !want)
		}
	}
}

// Regenerating from the .x files in testdata must reproduce the committed
// files byte for byte.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	const src = "../../../testdata/libvirt-9.0.0"
	if v := readVersion(src); v != "9.0.0" {
		t.Fatalf("version of %s = %q", src, v)
	}
	dir := t.TempDir()
	protoOut, wireOut := filepath.Join(dir, "procedures.gen.go"), filepath.Join(dir, "limits.gen.go")
	// The generator reads hand-written types from the output package's
	// directory; give it the real one.
	for _, f := range []string{"lxc.go", "proto.go", "generate.go"} {
		b, err := os.ReadFile(filepath.Join("../../proto", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	if err := run(src, readVersion(src), protoOut, wireOut); err != nil {
		t.Fatal(err)
	}
	for gen, committed := range map[string]string{protoOut: "../../proto/procedures.gen.go", wireOut: "../../wire/limits.gen.go"} {
		a, _ := os.ReadFile(gen)
		b, _ := os.ReadFile(committed)
		if !bytes.Equal(a, b) {
			t.Errorf("%s is stale: run go generate ./remote/proto", committed)
		}
	}
}

// Only a check at the top of a public API function's body marks it; one
// under a condition does not.
func TestScanReadOnlyChecks(t *testing.T) {
	src := `int
virDomainSetSchedulerParameters(virDomainPtr domain,
                                virTypedParameterPtr params, int nparams)
{
    virCheckDomainReturn(domain, -1);
    conn = domain->conn;

    virCheckReadOnlyGoto(conn->flags, error);
}

int
virDomainGetVcpusFlags(virDomainPtr domain, unsigned int flags)
{
    if (flags & VIR_DOMAIN_VCPU_GUEST)
        virCheckReadOnlyGoto(conn->flags, error);
}

char *
virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags)
{
    if ((conn->flags & VIR_CONNECT_RO) &&
        (flags & (VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_MIGRATABLE))) {
        goto error;
    }
}
`
	got := map[string]bool{}
	if err := scanReadOnlyChecks(strings.NewReader(src), got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got["virDomainSetSchedulerParameters"] {
		t.Fatalf("checked = %v", got)
	}
}
