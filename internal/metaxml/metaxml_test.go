package metaxml

import (
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

const novaURI = "http://openstack.org/xmlns/libvirt/nova/1.1"

// novaInner is <metadata>'s content as Nova writes it and the driver keeps
// it (formatted, indented).
const novaInner = `
    <nova:instance xmlns:nova="` + novaURI + `">
      <nova:name>vm1</nova:name>
      <nova:flavor name="m1.tiny"><nova:memory>512</nova:memory></nova:flavor>
    </nova:instance>
  `

func TestSetAddsElementInNamespace(t *testing.T) {
	got, err := Set("", "http://example.org/app", "app", `<a x="1"><b>t &amp; u</b><c/></a>`)
	if err != nil {
		t.Fatal(err)
	}
	want := `<app:a xmlns:app="http://example.org/app" x="1"><app:b>t &amp; u</app:b><app:c/></app:a>`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestSetReplacesOnlyItsNamespace(t *testing.T) {
	inner, err := Set(novaInner, "http://example.org/app", "app", `<a/>`)
	if err != nil {
		t.Fatal(err)
	}
	inner, err = Set(inner, "http://example.org/app", "other", `<?xml version="1.0"?><z>1</z>`)
	if err != nil {
		t.Fatal(err)
	}
	els, err := Elements(inner)
	if err != nil {
		t.Fatal(err)
	}
	if len(els) != 2 {
		t.Fatalf("want nova and app elements, got %v", els)
	}
	if got := els["http://example.org/app"]; got != `<other:z xmlns:other="http://example.org/app">1</other:z>` {
		t.Errorf("app element: %s", got)
	}
	if !strings.Contains(els[novaURI], "<nova:name>vm1</nova:name>") {
		t.Errorf("nova element changed: %s", els[novaURI])
	}
}

func TestSetRemoves(t *testing.T) {
	inner, err := Set(novaInner, novaURI, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if inner != "" {
		t.Fatalf("left %q", inner)
	}
	// Removing what is not there is no error, as in libvirt.
	if _, err := Set("", novaURI, "", ""); err != nil {
		t.Fatal(err)
	}
}

func TestSetInjectReplacesPrefixesAndDefaultNamespace(t *testing.T) {
	got, err := Set("", "urn:x", "k", `<p:a xmlns:p="urn:old" xmlns="urn:def" xmlns:k="urn:clash" xmlns:q="urn:q" q:attr="v"><b/></p:a>`)
	if err != nil {
		t.Fatal(err)
	}
	want := `<k:a xmlns:k="urn:x" xmlns:p="urn:old" xmlns:q="urn:q" q:attr="v"><k:b/></k:a>`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestSetRefusesBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, key, elem string
		code            libvirt.ErrorNumber
	}{
		{"unclosed", "k", "<a>", libvirt.ErrXMLDetail},
		{"mismatched", "k", "<a></b>", libvirt.ErrXMLDetail},
		{"two roots", "k", "<a/><b/>", libvirt.ErrXMLDetail},
		{"text only", "k", "hello", libvirt.ErrXMLDetail},
		{"text after", "k", "<a/>x", libvirt.ErrXMLDetail},
		{"doctype", "k", `<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`, libvirt.ErrXMLDetail},
		{"empty local name", "k", "<a><b:/></a>", libvirt.ErrXMLDetail},
		{"colon-led name", "k", "<a><:b/></a>", libvirt.ErrXMLDetail},
		{"colon-led attribute", "k", "<a :b='1'/>", libvirt.ErrXMLDetail},
		{"too deep", "k", strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1), libvirt.ErrXMLDetail},
		{"key with colon", "a:b", "<a/>", libvirt.ErrInvalidArg},
		{"key digit first", "1a", "<a/>", libvirt.ErrInvalidArg},
		{"key empty", "", "<a/>", libvirt.ErrInvalidArg},
		{"key xmlns", "xmlns", "<a/>", libvirt.ErrInvalidArg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Set(novaInner, "urn:x", tc.key, tc.elem)
			if !virterror.HasCode(err, tc.code) {
				t.Fatalf("got %v, want code %d", err, tc.code)
			}
		})
	}
	if _, err := Set("", "urn:x", "k", strings.Repeat("<a>", MaxDepth)+strings.Repeat("</a>", MaxDepth)); err != nil {
		t.Fatalf("nesting of exactly MaxDepth refused: %v", err)
	}
}

func TestGet(t *testing.T) {
	got, ok, err := Get(novaInner, novaURI)
	if err != nil || !ok {
		t.Fatalf("ok %v err %v", ok, err)
	}
	if !strings.HasPrefix(got, `<nova:instance xmlns:nova="`+novaURI+`">`) || !strings.HasSuffix(got, "</nova:instance>") {
		t.Fatalf("got %s", got)
	}
	if _, ok, err := Get(novaInner, "urn:absent"); ok || err != nil {
		t.Fatalf("absent namespace: ok %v err %v", ok, err)
	}
	if _, ok, _ := Get("", novaURI); ok {
		t.Fatal("found an element in empty metadata")
	}
}

func TestGetGathersNamespaces(t *testing.T) {
	inner := `<a:r xmlns:a="urn:a"><a:c xmlns:b="urn:b" b:x="1"><b:d xmlns:a="urn:other"/></a:c></a:r>`
	got, _, err := Get(inner, "urn:a")
	if err != nil {
		t.Fatal(err)
	}
	want := `<a:r xmlns:a="urn:a" xmlns:b="urn:b">
  <a:c b:x="1">
    <b:d xmlns:a="urn:other"/>
  </a:c>
</a:r>`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// Indentation is not content: what is kept is compact, whatever the
// input's layout.
func TestBlanksDropped(t *testing.T) {
	got, err := Set("", "urn:x", "k", "<a>\n  <b> t </b>\n  <c/>\n</a>\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := `<k:a xmlns:k="urn:x"><k:b> t </k:b><k:c/></k:a>`; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	a, _ := Elements(novaInner)
	b, _ := Elements(strings.ReplaceAll(novaInner, "\n      ", ""))
	if a[novaURI] != b[novaURI] {
		t.Fatalf("layout changed the element:\n%s\n%s", a[novaURI], b[novaURI])
	}
}

func TestRoundTripThroughGet(t *testing.T) {
	inner, err := Set("", "urn:x", "k", `<a v="&lt;&quot;'&#10;">text &lt; more<b/></a>`)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := Get(inner, "urn:x")
	if err != nil {
		t.Fatal(err)
	}
	again, err := Set("", "urn:x", "k", got)
	if err != nil {
		t.Fatal(err)
	}
	if again != inner {
		t.Fatalf("set(get(x)) changed it:\n%s\n%s", inner, again)
	}
}

// FuzzSet: any input is refused or kept as an element that Get returns
// and Set accepts again unchanged.
func FuzzSet(f *testing.F) {
	f.Add(novaInner, "<a x='1'><b>t</b></a>", "k")
	f.Add("", `<?xml version="1.0"?><p:a xmlns:p="urn:p" xmlns="urn:d"><b/></p:a>`, "app")
	f.Add("<x:y xmlns:x='urn:x'/>", "<a>&lt;&amp;</a>", "x")
	f.Fuzz(func(t *testing.T, inner, elem, key string) {
		const uri = "urn:fuzz"
		out, err := Set(inner, uri, key, elem)
		if err != nil {
			return
		}
		got, ok, err := Get(out, uri)
		if err != nil || ok != (elem != "") {
			t.Fatalf("Get after Set: ok %v err %v\n%s", ok, err, out)
		}
		if !ok {
			return
		}
		again, err := Set(out, uri, key, got)
		if err != nil {
			t.Fatalf("Set refuses what Get returned: %v\n%s", err, got)
		}
		if again != out {
			t.Fatalf("Set(Get(x)) changed the metadata:\n%s\n%s", out, again)
		}
	})
}
