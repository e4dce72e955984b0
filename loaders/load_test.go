package loaders

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// TestLoadBundled pins a summary of the bundled dataset (counts per label
// and type, and its warnings). The dataset must load without problems; when
// data/*.csv change on purpose, run `go test ./loaders -run Bundled -update`
// and review the diff of testdata/bundled.golden like code.
func TestLoadBundled(t *testing.T) {
	ds, rep, err := Load(context.Background(), nil, Options{})
	if err != nil {
		t.Fatalf("the bundled dataset does not load:\n%v", err)
	}
	if ds == nil || !slices.Equal(rep.Specs, []Spec{Bundled}) {
		t.Fatalf("Load() = %v, specs %v", ds, rep.Specs)
	}
	nodes, edges := ds.Counts()
	for label, n := range nodes {
		if rep.Nodes[label] != n {
			t.Errorf("report counts %d %s nodes, dataset has %d", rep.Nodes[label], label, n)
		}
	}
	for typ, n := range edges {
		if rep.Edges[typ] != n {
			t.Errorf("report counts %d %s edges, dataset has %d", rep.Edges[typ], typ, n)
		}
	}
	if _, err := graph.NewSnapshot(ds); err != nil {
		t.Errorf("NewSnapshot of the bundled dataset: %v", err)
	}

	got := summary(rep)
	const golden = "testdata/bundled.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("summary of the bundled dataset changed (run with -update if intended):\n--- got\n%s--- want\n%s", got, want)
	}
}

func summary(rep Report) string {
	var b strings.Builder
	b.WriteString("# nodes per label\n")
	for _, k := range graph.NodeKinds {
		fmt.Fprintf(&b, "%s %d\n", k.Label(), rep.Nodes[k.Label()])
	}
	b.WriteString("# edges per type\n")
	for _, k := range graph.EdgeKinds {
		fmt.Fprintf(&b, "%s %d\n", k, rep.Edges[string(k)])
	}
	b.WriteString("# warnings\n")
	for _, w := range rep.Warnings {
		b.WriteString(w.String() + "\n")
	}
	return b.String()
}

func TestLoadCuratedDir(t *testing.T) {
	ds, rep, err := Load(context.Background(), []Spec{{Kind: "curated", Path: "testdata/curated/good"}}, Options{})
	if err != nil || ds == nil {
		t.Fatalf("Load: %v", err)
	}
	if rep.Nodes["Firm"] != 5 || rep.Edges["SUPPLIES"] != 5 || rep.Nodes["Fab"] != 1 || len(rep.Problems) != 0 {
		t.Errorf("report = %+v", rep)
	}
	for _, k := range graph.NodeKinds { // every label is present, zero or not
		if _, ok := rep.Nodes[k.Label()]; !ok {
			t.Errorf("report has no count for %s", k.Label())
		}
	}
	if rep.Duration <= 0 {
		t.Errorf("duration = %v", rep.Duration)
	}
}

func TestLoadProblems(t *testing.T) {
	ds, rep, err := Load(context.Background(), []Spec{{Kind: "curated", Path: "testdata/curated/bad"}}, Options{})
	if ds != nil {
		t.Errorf("got a dataset despite problems")
	}
	var ps Problems
	if !errors.As(err, &ps) || graph.KindOf(err) != graph.Invalid {
		t.Fatalf("err = %v, want an Invalid error wrapping Problems", err)
	}
	var wantProblems []string // bad.problems names the directory "bad"; here it is the path given
	for _, s := range readLines(t, "testdata/curated/bad.problems") {
		if !strings.Contains(s, ": warning: ") {
			wantProblems = append(wantProblems, strings.ReplaceAll(s, "bad/", "testdata/curated/bad/"))
		}
	}
	if got := problemStrings(rep.Problems); !slices.Equal(got, wantProblems) {
		t.Errorf("report problems:\n got %q\nwant %q", got, wantProblems)
	}
	if got := problemStrings(ps); !slices.Equal(got, wantProblems) {
		t.Errorf("error problems:\n got %q\nwant %q", got, wantProblems)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Message != "source:bis is not cited by any row" {
		t.Errorf("warnings = %v", rep.Warnings)
	}
	if rep.Nodes["Firm"] != 2 || rep.Edges["REQUIRES"] != 3 {
		t.Errorf("counts of what was read: %v %v", rep.Nodes, rep.Edges)
	}
}

func TestLoadMissingDirectory(t *testing.T) {
	_, rep, err := Load(context.Background(), []Spec{{Kind: "curated", Path: "testdata/no-such-dir"}}, Options{})
	want := []string{"testdata/no-such-dir: cannot read directory: no such file or directory"}
	if got := problemStrings(rep.Problems); err == nil || !slices.Equal(got, want) {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

// TestLoadDispatch: other kinds go to Options.Loaders, after every curated
// source (so that they can link to curated nodes), in the order given.
func TestLoadDispatch(t *testing.T) {
	var calls []string
	fake := func(ctx context.Context, b *Builder, spec Spec) error {
		calls = append(calls, spec.String())
		if b.Node("firm:asml") == nil {
			return errors.New("curated data not loaded first")
		}
		b.AddNode(graph.Node{ID: graph.ID("firm:eto-" + graph.Slugify(spec.Path)), Name: spec.Path, Sources: []graph.ID{"source:cset-2021"}},
			Pos{File: spec.Path})
		return nil
	}
	specs := []Spec{{Kind: "eto", Path: "one"}, {Kind: "curated", Path: "testdata/curated/good"}, {Kind: "csl", Path: "two"}}
	ds, rep, err := Load(context.Background(), specs, Options{Loaders: map[string]SourceLoader{"eto": fake, "csl": fake}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(calls, []string{"eto:one", "csl:two"}) {
		t.Errorf("calls = %v", calls)
	}
	if rep.Nodes["Firm"] != 7 || len(ds.Nodes) != 23 {
		t.Errorf("firms = %d, nodes = %d", rep.Nodes["Firm"], len(ds.Nodes))
	}
	if !slices.Equal(rep.Specs, []Spec{specs[1], specs[0], specs[2]}) {
		t.Errorf("specs = %v", rep.Specs)
	}

	failing := func(ctx context.Context, b *Builder, spec Spec) error { return errors.New("boom") }
	_, _, err = Load(context.Background(), []Spec{{Kind: "eto", Path: "x"}}, Options{Loaders: map[string]SourceLoader{"eto": failing}})
	if err == nil || err.Error() != "loaders.Load: eto:x: boom" {
		t.Errorf("loader error = %v", err)
	}

	_, _, err = Load(context.Background(), []Spec{{Kind: "csl", Path: "x"}}, Options{})
	if err == nil || graph.KindOf(err) != graph.Invalid || !strings.Contains(err.Error(), `no loader for "csl" sources`) {
		t.Errorf("unregistered kind: %v", err)
	}
}

func TestLoadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Load(ctx, nil, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestSpec(t *testing.T) {
	if got := Bundled.String(); got != "curated:(bundled)" {
		t.Errorf("Bundled.String() = %q", got)
	}
	if s, err := ParseSpec("curated:data"); err != nil || s != (Spec{Kind: "curated", Path: "data"}) || s.String() != "curated:data" {
		t.Errorf("ParseSpec = %v, %v", s, err)
	}
	for _, bad := range []string{"data", "curated:", "xml:data"} {
		if _, err := ParseSpec(bad); err == nil {
			t.Errorf("ParseSpec(%q) succeeded", bad)
		}
	}
}
