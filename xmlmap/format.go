package xmlmap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// FormatDomain renders a domain the way libvirt's dumpxml does: two-space
// indentation, single-quoted attributes, empty elements self-closed, and a
// trailing newline.
func FormatDomain(dom *libvirtxml.Domain) (string, error) {
	if dom == nil {
		return "", virterror.New(libvirt.ErrInvalidArg, "no domain definition")
	}
	b, err := xml.Marshal(dom)
	if err == nil {
		var root *node
		if root, err = readTree(b); err == nil {
			var sb strings.Builder
			root.write(&sb, 0)
			return sb.String(), nil
		}
	}
	return "", virterror.New(libvirt.ErrInternalError, "cannot format domain %s: %v", dom.Name, err)
}

// FormatSnapshot renders a domain snapshot as FormatDomain renders a
// domain (snapshot-dumpxml's layout).
func FormatSnapshot(s *libvirtxml.DomainSnapshot) (string, error) {
	b, err := xml.Marshal(s)
	if err == nil {
		var root *node
		if root, err = readTree(b); err == nil {
			var sb strings.Builder
			root.write(&sb, 0)
			return sb.String(), nil
		}
	}
	return "", virterror.New(libvirt.ErrInternalError, "cannot format snapshot %s: %v", s.Name, err)
}

// node is an element of a parsed document, names kept with their prefixes.
type node struct {
	name     string
	attrs    []xml.Attr
	children []*node
	text     string
}

func rawName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

func readTree(b []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []*node
	var root *node
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
			n := &node{name: rawName(t.Name), attrs: t.Attr}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.children = append(top.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("empty document")
	}
	return root, nil
}

func (n *node) write(sb *strings.Builder, depth int) {
	indent := strings.Repeat("  ", depth)
	sb.WriteString(indent + "<" + n.name)
	for _, a := range n.attrs {
		sb.WriteString(" " + rawName(a.Name) + "='" + escape(a.Value, true) + "'")
	}
	text := n.text
	if len(n.children) > 0 {
		text = strings.TrimSpace(text)
	}
	switch {
	case len(n.children) == 0 && text == "":
		sb.WriteString("/>\n")
	case len(n.children) == 0:
		sb.WriteString(">" + escape(text, false) + "</" + n.name + ">\n")
	default:
		sb.WriteString(">")
		if text != "" {
			sb.WriteString(escape(text, false))
		}
		sb.WriteString("\n")
		for _, c := range n.children {
			c.write(sb, depth+1)
		}
		sb.WriteString(indent + "</" + n.name + ">\n")
	}
}

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#13;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&apos;",
		"\n", "&#10;", "\r", "&#13;", "\t", "&#9;")
)

func escape(s string, attr bool) string {
	if attr {
		return attrEscaper.Replace(s)
	}
	return textEscaper.Replace(s)
}
