package testenv

import (
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRealContainerTestsAreGated keeps the gates honest across the module:
// every file of integration/ and every test file that sets up real
// containers (RequireRoot, EnsureBridge, BuildRootfs) carries the
// integration build tag, so make unit never runs
// one, and no file with that tag skips on its own (t.Skip), so under CI a
// missing tool fails through Missing instead of passing as a skip.
func TestRealContainerTestsAreGated(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	var tagged int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		integration := hasTag(f, "integration")
		if integration {
			tagged++
		} else if filepath.Base(filepath.Dir(path)) == "integration" {
			t.Errorf("%s: a file of the integration tests without the integration build tag", path)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pos := fset.Position(sel.Pos())
			switch name := sel.Sel.Name; {
			case integration && (name == "Skip" || name == "Skipf" || name == "SkipNow"):
				t.Errorf("%s: a real-container test skips with %s; use testenv.Missing (it fails under CI)", pos, name)
			case !integration && isIdent(sel.X, "testenv") && (name == "RequireRoot" || name == "EnsureBridge" || name == "BuildRootfs"):
				t.Errorf("%s: testenv.%s in a file without the integration build tag", pos, name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if tagged == 0 {
		t.Fatal("no test file carries the integration build tag")
	}
}

// hasTag reports whether f's //go:build line requires tag.
func hasTag(f *ast.File, tag string) bool {
	for _, g := range f.Comments {
		if g.Pos() >= f.Package {
			break
		}
		for _, c := range g.List {
			expr, err := constraint.Parse(c.Text)
			if err != nil {
				continue
			}
			if !expr.Eval(func(t string) bool { return t != tag }) {
				return true
			}
		}
	}
	return false
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func TestEventually(t *testing.T) {
	n := 0
	Eventually(t, time.Minute, time.Millisecond, "third try", func() (bool, string) { n++; return n == 3, "" })
	if n != 3 {
		t.Fatalf("cond ran %d times, want 3", n)
	}
}
