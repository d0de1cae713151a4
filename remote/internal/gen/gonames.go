package main

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// goType is a Go type that models an XDR type: its package qualifier
// ("libvirt" or "" for the output package), name and field names in order.
type goType struct {
	pkg, name string
	fields    []string
}

func (t goType) expr() string {
	if t.pkg == "" {
		return t.name
	}
	return t.pkg + "." + t.name
}

// goNames maps libvirt's XDR names to the Go names that model them.
type goNames struct {
	types map[string]goType // remote_connect_open_args → libvirt.ConnectOpenArgs
	procs map[string]goProc // REMOTE_PROC_CONNECT_OPEN → {ConnectOpen, 1}
}

type goProc struct {
	name   string // without the "Proc" prefix
	number int64
}

// reDocName matches go-libvirt's generated doc comments:
// "ConnectOpenArgs is libvirt's remote_connect_open_args".
var reDocName = regexp.MustCompile(`^(\w+) is libvirt's (\w+)`)

const goLibvirtPath = "github.com/digitalocean/go-libvirt"

// loadGoNames reads go-libvirt's generated sources (the version the
// module of the working directory requires) and the hand-written files of
// the output package dir.
func loadGoNames(outDir, outFile string) (*goNames, error) {
	pkg, err := build.Import(goLibvirtPath, ".", build.FindOnly)
	if err != nil {
		return nil, fmt.Errorf("locate %s: %w", goLibvirtPath, err)
	}
	n := &goNames{types: map[string]goType{}, procs: map[string]goProc{}}
	if err := n.addTypes(filepath.Join(pkg.Dir, "remote_protocol.gen.go"), "libvirt"); err != nil {
		return nil, err
	}
	if err := n.addProcs(filepath.Join(pkg.Dir, "internal", "constants", "remote_protocol.gen.go")); err != nil {
		return nil, err
	}
	own, err := filepath.Glob(filepath.Join(outDir, "*.go"))
	if err != nil {
		return nil, err
	}
	for _, f := range own {
		if filepath.Base(f) == outFile || strings.HasSuffix(f, "_test.go") {
			continue
		}
		if err := n.addTypes(f, ""); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func parseGo(path string) (*ast.File, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return f, nil
}

func docOf(specDoc, declDoc *ast.CommentGroup) string {
	if specDoc != nil {
		return strings.TrimSpace(specDoc.Text())
	}
	if declDoc != nil {
		return strings.TrimSpace(declDoc.Text())
	}
	return ""
}

// addTypes records every struct type documented as "X is libvirt's y".
func (n *goNames) addTypes(path, pkg string) error {
	f, err := parseGo(path)
	if err != nil {
		return err
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, sp := range gd.Specs {
			ts := sp.(*ast.TypeSpec)
			m := reDocName.FindStringSubmatch(docOf(ts.Doc, gd.Doc))
			if m == nil || m[1] != ts.Name.Name || !ast.IsExported(ts.Name.Name) {
				continue
			}
			t := goType{pkg: pkg, name: ts.Name.Name}
			if st, ok := ts.Type.(*ast.StructType); ok {
				for _, fl := range st.Fields.List {
					for _, id := range fl.Names {
						t.fields = append(t.fields, id.Name)
					}
				}
			}
			n.types[m[2]] = t
		}
	}
	return nil
}

// addProcs records go-libvirt's procedure constants
// ("ProcConnectOpen is libvirt's REMOTE_PROC_CONNECT_OPEN" = 1).
func (n *goNames) addProcs(path string) error {
	f, err := parseGo(path)
	if err != nil {
		return err
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			m := reDocName.FindStringSubmatch(docOf(vs.Doc, nil))
			if m == nil || len(vs.Values) != 1 || !strings.HasPrefix(m[1], "Proc") {
				continue
			}
			lit, ok := vs.Values[0].(*ast.BasicLit)
			if !ok {
				continue
			}
			v, err := strconv.ParseInt(lit.Value, 0, 64)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", path, m[1], err)
			}
			n.procs[m[2]] = goProc{name: strings.TrimPrefix(m[1], "Proc"), number: v}
		}
	}
	return nil
}

// camel turns DOMAIN_GET_XML_DESC into DomainGetXMLDesc, for names
// go-libvirt does not know.
func camel(upper string) string {
	acronyms := map[string]string{"XML": "XML", "UUID": "UUID", "ID": "ID", "CPU": "CPU", "URI": "URI", "LXC": "LXC"}
	var b strings.Builder
	for _, w := range strings.Split(upper, "_") {
		if a, ok := acronyms[w]; ok {
			b.WriteString(a)
			continue
		}
		if w != "" {
			b.WriteString(w[:1] + strings.ToLower(w[1:]))
		}
	}
	return b.String()
}
