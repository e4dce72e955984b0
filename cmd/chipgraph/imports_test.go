package main

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// modulePath is the import path prefix of this module's packages.
const modulePath = "github.com/chipgraph/chipgraph"

// goPackage is what TestImportRules reads of `go list -json`.
type goPackage struct {
	ImportPath string
	Imports    []string // of the non-test files
}

// listPackages runs `go list -json` over the module and returns its
// packages by path relative to the module root ("graph/api", "cmd/chipgraph").
func listPackages(t *testing.T) map[string]goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", modulePath+"/...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]goPackage{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[rel(p.ImportPath)] = p
	}
	return pkgs
}

// rel returns an import path relative to the module root, or the path
// itself for packages outside the module.
func rel(path string) string {
	if path == modulePath {
		return "."
	}
	if r, ok := strings.CutPrefix(path, modulePath+"/"); ok {
		return r
	}
	return path
}

// under reports whether package p is dir or below it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// TestImportRules checks the import rules of docs/DESIGN.md §2 on the
// packages' non-test imports: the domain root imports no other chipgraph
// package and no driver or gqlgen; analysis, memstore and synth import only
// the domain; nothing under graph/ imports a loader;
// graph/api imports no store, so that stores are wired to the API only by
// cmd/chipgraph and the bench harness; loaders import no store and no API;
// the Neo4j driver and gqlgen stay in their packages.
func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)
	for _, want := range []string{"graph", "graph/api", "graph/analysis", "graph/memstore", "loaders", "synth", "bench", "cmd/chipgraph"} {
		if _, ok := pkgs[want]; !ok {
			t.Fatalf("go list did not report package %s (got %d packages)", want, len(pkgs))
		}
	}
	const (
		driver = "github.com/neo4j/neo4j-go-driver"
		gqlgen = "github.com/99designs/gqlgen"
	)
	stores := []string{"graph/memstore", "graph/neo4jstore"}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range pkgs {
			if !yield(n) {
				return
			}
		}
	}) {
		for _, imp := range pkgs[name].Imports {
			r := rel(imp)
			inModule := r != imp
			var broken string
			switch {
			case name == "graph" && inModule:
				broken = "the domain root imports no other chipgraph package"
			case (name == "graph/analysis" || name == "graph/memstore" || name == "synth") && inModule && r != "graph":
				broken = name + " imports only graph"
			case under(name, "graph") && under(r, "loaders"):
				broken = "nothing under graph/ imports a loader"
			case under(name, "graph/api") && slices.ContainsFunc(stores, func(s string) bool { return under(r, s) }):
				broken = "the API imports no store: cmd/chipgraph wires them"
			case under(name, "loaders") && (under(r, "graph/api") || slices.ContainsFunc(stores, func(s string) bool { return under(r, s) })):
				broken = "loaders import no store and no API"
			case strings.HasPrefix(imp, driver) && !under(name, "graph/neo4jstore") && name != "bench":
				broken = "only graph/neo4jstore and bench use the Neo4j driver"
			case strings.HasPrefix(imp, gqlgen) && !under(name, "graph/api"):
				broken = "only graph/api uses gqlgen"
			}
			if broken != "" {
				t.Errorf("%s imports %s: %s (docs/DESIGN.md §2)", name, imp, broken)
			}
		}
	}
	// Who wires a store to the API: a package importing both.
	var wiring []string
	for name, p := range pkgs {
		rels := make([]string, len(p.Imports))
		for i, imp := range p.Imports {
			rels[i] = rel(imp)
		}
		if slices.Contains(rels, "graph/api") && slices.ContainsFunc(rels, func(r string) bool { return slices.Contains(stores, r) }) {
			wiring = append(wiring, name)
		}
	}
	slices.Sort(wiring)
	if want := []string{"bench", "cmd/chipgraph"}; !slices.Equal(wiring, want) {
		t.Errorf("packages wiring a store to the API: %v, want %v", wiring, want)
	}
}
