package clock_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// domain lists the packages that must take the time from an injected clock
// (DESIGN §3: the domain code never calls time.Now). The wiring (cli), the
// HTTP layer's request timing and the clock itself may read the wall clock.
var domain = []string{"workflow", "service", "store", "report", "escalator", "outbox", "sms", "refno", "model", "auth"}

// TestDomainNeverReadsTheWallClock parses every non-test file of the domain
// packages and fails on any reference to time.Now, whatever name the time
// package is imported under.
func TestDomainNeverReadsTheWallClock(t *testing.T) {
	fset := token.NewFileSet()
	files := 0
	for _, pkg := range domain {
		dir := filepath.Join("..", pkg)
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			files++
			name := ""
			for _, imp := range f.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
					name = "time"
					if imp.Name != nil {
						name = imp.Name.Name
					}
				}
			}
			if name == "" {
				return nil
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Now" {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == name {
						t.Errorf("%s: time.Now in domain code; take the time from the injected clock", fset.Position(sel.Pos()))
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", pkg, err)
		}
	}
	if files < 50 {
		t.Fatalf("read %d files; the package list is stale", files)
	}
}
