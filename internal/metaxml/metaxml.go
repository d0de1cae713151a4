// Package metaxml edits the content of a domain's <metadata> element the
// way libvirt's virDomainSetMetadata and virDomainGetMetadata do for
// VIR_DOMAIN_METADATA_ELEMENT: each application keeps one element there,
// identified by its namespace URI. It works on text only.
package metaxml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// MaxDepth is the deepest element nesting accepted, libxml2's default
// limit, which libvirt parses metadata with.
const MaxDepth = 256

// element is an element as read with encoding/xml's RawToken: names keep
// their prefixes and namespace declarations stay among the attributes.
type element struct {
	name  xml.Name // Space is the prefix
	attrs []xml.Attr
	kids  []any // *element or xml.CharData
}

// Set returns inner (the content of <metadata>) with every element of
// namespace uri removed and, unless elem is empty, elem added in its place:
// elem must be one well-formed element, which is put into namespace uri
// with prefix key, it and every element below it, as libvirt does.
func Set(inner, uri, key, elem string) (string, error) {
	kids, err := parseFragment(inner)
	if err != nil {
		return "", virterror.New(libvirt.ErrInternalError, "stored metadata: %v", err)
	}
	var out strings.Builder
	for _, k := range kids {
		if e, ok := k.(*element); ok && namespaceOf(e, nil) != uri {
			e.write(&out)
		}
	}
	if elem != "" {
		e, err := parseDocument(elem)
		if err != nil {
			return "", virterror.NewFrom(virterror.FromXML, libvirt.ErrXMLDetail, "(metadata_xml): %v", err)
		}
		if err := inject(e, uri, key); err != nil {
			return "", err
		}
		e.write(&out)
	}
	return out.String(), nil
}

// Get returns the first element of namespace uri in inner, with the
// namespace declarations made below it gathered onto it (libvirt's
// virXMLNodeSanitizeNamespaces) and indented by two spaces as libvirt
// prints it; ok is false when there is none.
func Get(inner, uri string) (text string, ok bool, err error) {
	kids, err := parseFragment(inner)
	if err != nil {
		return "", false, virterror.New(libvirt.ErrInternalError, "stored metadata: %v", err)
	}
	for _, k := range kids {
		if e, isElem := k.(*element); isElem && namespaceOf(e, nil) == uri {
			hoistNamespaces(e)
			var sb strings.Builder
			e.writeIndented(&sb, 0)
			return sb.String(), true, nil
		}
	}
	return "", false, nil
}

// Elements maps the namespace URI of each element in inner to its text
// (the first one for a URI met twice); elements of no namespace are left
// out. A caller compares two maps to see which namespaces changed.
func Elements(inner string) (map[string]string, error) {
	kids, err := parseFragment(inner)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, k := range kids {
		e, ok := k.(*element)
		if !ok {
			continue
		}
		uri := namespaceOf(e, nil)
		if _, seen := out[uri]; uri == "" || seen {
			continue
		}
		var sb strings.Builder
		e.write(&sb)
		out[uri] = sb.String()
	}
	return out, nil
}

// inject puts e and every element below it into namespace uri with prefix
// key, declared on e; declarations that bound key or the default
// namespace are dropped, as they no longer apply.
func inject(e *element, uri, key string) error {
	if !isNCName(key) || key == "xml" || key == "xmlns" {
		return virterror.New(libvirt.ErrInvalidArg, "failed to validate prefix for a new XML namespace '%s'", key)
	}
	e.walk(func(x *element) {
		x.name.Space = key
		attrs := x.attrs[:0]
		for _, a := range x.attrs {
			if (a.Name.Space == "" && a.Name.Local == "xmlns") || (a.Name.Space == "xmlns" && a.Name.Local == key) {
				continue
			}
			attrs = append(attrs, a)
		}
		x.attrs = attrs
	})
	e.attrs = append([]xml.Attr{{Name: xml.Name{Space: "xmlns", Local: key}, Value: uri}}, e.attrs...)
	return nil
}

// hoistNamespaces moves the namespace declarations made below e onto e,
// where e does not already bind that prefix.
func hoistNamespaces(e *element) {
	bound := map[string]bool{}
	for _, a := range e.attrs {
		if p, ok := declared(a); ok {
			bound[p] = true
		}
	}
	var hoisted []xml.Attr
	for _, k := range e.kids {
		if c, ok := k.(*element); ok {
			c.walk(func(x *element) {
				attrs := x.attrs[:0]
				for _, a := range x.attrs {
					if p, ok := declared(a); ok && !bound[p] {
						bound[p] = true
						hoisted = append(hoisted, a)
						continue
					}
					attrs = append(attrs, a)
				}
				x.attrs = attrs
			})
		}
	}
	e.attrs = append(e.attrs, hoisted...)
}

// declared reports the prefix a namespace declaration binds ("" for the
// default namespace); ok is false for an ordinary attribute.
func declared(a xml.Attr) (string, bool) {
	switch {
	case a.Name.Space == "xmlns":
		return a.Name.Local, true
	case a.Name.Space == "" && a.Name.Local == "xmlns":
		return "", true
	}
	return "", false
}

// namespaceOf resolves e's prefix with e's own declarations over scope.
func namespaceOf(e *element, scope map[string]string) string {
	for _, a := range e.attrs {
		if p, ok := declared(a); ok && p == e.name.Space {
			return a.Value
		}
	}
	return scope[e.name.Space]
}

func (e *element) walk(fn func(*element)) {
	fn(e)
	for _, k := range e.kids {
		if c, ok := k.(*element); ok {
			c.walk(fn)
		}
	}
}

// parseDocument reads one well-formed element, with only a prolog,
// comments and whitespace around it.
func parseDocument(s string) (*element, error) {
	kids, err := parse(s, true)
	if err != nil {
		return nil, err
	}
	var root *element
	for _, k := range kids {
		switch k := k.(type) {
		case *element:
			if root != nil {
				return nil, errors.New("extra content at the end of the document")
			}
			root = k
		case xml.CharData:
			if strings.TrimSpace(string(k)) != "" {
				return nil, errors.New("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// parseFragment reads the content of an element: elements and text.
func parseFragment(s string) ([]any, error) { return parse(s, false) }

func parse(s string, document bool) ([]any, error) {
	dec := xml.NewDecoder(strings.NewReader(s))
	var top []any
	var stack []*element
	add := func(k any) {
		if len(stack) == 0 {
			top = append(top, k)
		} else {
			p := stack[len(stack)-1]
			p.kids = append(p.kids, k)
		}
	}
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= MaxDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", MaxDepth)
			}
			if err := checkNames(t); err != nil {
				return nil, fmt.Errorf("line %d: %w", line(dec), err)
			}
			e := &element{name: t.Name, attrs: t.Attr}
			add(e)
			stack = append(stack, e)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].name != t.Name {
				return nil, fmt.Errorf("line %d: unexpected end element </%s>", line(dec), qname(t.Name))
			}
			stack[len(stack)-1].dropBlanks()
			stack = stack[:len(stack)-1]
		case xml.CharData:
			add(t.Copy())
		case xml.Directive:
			return nil, fmt.Errorf("line %d: directives are not allowed", line(dec))
		case xml.ProcInst:
			if !document || len(stack) > 0 || t.Target != "xml" {
				return nil, fmt.Errorf("line %d: processing instruction <?%s?> not allowed", line(dec), t.Target)
			}
		}
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("element <%s> not closed", qname(stack[len(stack)-1].name))
	}
	return top, nil
}

// checkNames refuses element and attribute names that are not QNames
// (prefix:local, each part without a colon), which libxml2 refuses as
// namespace errors and encoding/xml passes through whole: "b:" or ":b"
// would otherwise be stored and then fail to read back.
func checkNames(t xml.StartElement) error {
	bad := func(n xml.Name) bool {
		return n.Local == "" || strings.Contains(n.Local, ":") || strings.Contains(n.Space, ":")
	}
	if bad(t.Name) {
		return fmt.Errorf("failed to parse QName '%s'", qname(t.Name))
	}
	for _, a := range t.Attr {
		if bad(a.Name) {
			return fmt.Errorf("failed to parse QName '%s' of an attribute of <%s>", qname(a.Name), qname(t.Name))
		}
	}
	return nil
}

func line(dec *xml.Decoder) int {
	l, _ := dec.InputPos()
	return l
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#13;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;",
		"\n", "&#10;", "\r", "&#13;", "\t", "&#9;")
)

// dropBlanks removes the whitespace-only text between child elements, as
// libxml2's XML_PARSE_NOBLANKS does, so that indentation is not content.
func (e *element) dropBlanks() {
	if !e.hasElements() {
		return
	}
	kids := e.kids[:0]
	for _, k := range e.kids {
		if t, ok := k.(xml.CharData); ok && strings.TrimSpace(string(t)) == "" {
			continue
		}
		kids = append(kids, k)
	}
	e.kids = kids
}

func (e *element) hasElements() bool {
	for _, k := range e.kids {
		if _, ok := k.(*element); ok {
			return true
		}
	}
	return false
}

// writeIndented is write with each child element on its own line, indented
// two spaces a level, where an element has no text of its own (libxml2's
// formatted output).
func (e *element) writeIndented(sb *strings.Builder, depth int) {
	if !e.hasElements() || len(e.kids) != countElements(e.kids) {
		sb.WriteString(strings.Repeat("  ", depth))
		e.write(sb)
		return
	}
	indent := strings.Repeat("  ", depth)
	sb.WriteString(indent + "<" + qname(e.name))
	e.writeAttrs(sb)
	sb.WriteString(">\n")
	for _, k := range e.kids {
		k.(*element).writeIndented(sb, depth+1)
		sb.WriteString("\n")
	}
	sb.WriteString(indent + "</" + qname(e.name) + ">")
}

func countElements(kids []any) int {
	n := 0
	for _, k := range kids {
		if _, ok := k.(*element); ok {
			n++
		}
	}
	return n
}

func (e *element) writeAttrs(sb *strings.Builder) {
	for _, a := range e.attrs {
		sb.WriteString(" " + qname(a.Name) + `="` + attrEscaper.Replace(a.Value) + `"`)
	}
}

// write serialises e as libxml2 does (double-quoted attributes, empty
// elements closed with />).
func (e *element) write(sb *strings.Builder) {
	sb.WriteString("<" + qname(e.name))
	e.writeAttrs(sb)
	if len(e.kids) == 0 {
		sb.WriteString("/>")
		return
	}
	sb.WriteString(">")
	for _, k := range e.kids {
		switch k := k.(type) {
		case *element:
			k.write(sb)
		case xml.CharData:
			sb.WriteString(textEscaper.Replace(string(k)))
		}
	}
	sb.WriteString("</" + qname(e.name) + ">")
}

// isNCName reports whether s is an XML name without a colon, as a
// namespace prefix must be, that encoding/xml also reads back as one (its
// name tables are XML 1.0's older, narrower ones: a prefix it cannot read
// would make the stored metadata unreadable).
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && (r == '-' || r == '.' || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)):
		default:
			return false
		}
	}
	_, err := xml.NewDecoder(strings.NewReader("<" + s + "/>")).Token()
	return err == nil
}
