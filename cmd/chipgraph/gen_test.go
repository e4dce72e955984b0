package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/loaders"
)

// TestGen: the output validates on its own and next to the bundled dataset
// (as serve --data loads it), and the same tier and seed give the same
// files.
func TestGen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "s")
	code, stdout, stderr := runCmd(t, "gen", "--tier", "S", "--seed", "7", "--out", dir)
	if code != 0 || !strings.Contains(stdout, "Wrote 1000 nodes") {
		t.Fatalf("gen: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCmd(t, "validate", "curated:"+dir); code != 0 {
		t.Fatalf("validate: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	ds, rep, err := loaders.Load(context.Background(), []loaders.Spec{loaders.Bundled, {Kind: "curated", Path: dir}}, loadOptions())
	if err != nil {
		t.Fatalf("loading with the bundled dataset: %v\n%v", err, rep.Problems)
	}
	if len(ds.Nodes) <= 1000 {
		t.Errorf("bundled + generated: %d nodes, want more than 1000", len(ds.Nodes))
	}

	again := filepath.Join(t.TempDir(), "s")
	if code, _, stderr := runCmd(t, "gen", "--tier", "1000", "--seed", "7", "--out", again); code != 0 {
		t.Fatalf("gen again: exit %d: %s", code, stderr)
	}
	for _, name := range loaders.CuratedFiles() {
		a, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(again, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(a) != string(b) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}

	// A non-empty directory needs --force.
	if code, _, stderr := runCmd(t, "gen", "--out", dir); code != 1 || !strings.Contains(stderr, "--force") {
		t.Errorf("gen into a non-empty dir: exit %d, stderr %q; want 1 and a hint at --force", code, stderr)
	}
	if code, _, stderr := runCmd(t, "gen", "--seed", "8", "--out", dir, "--force"); code != 0 {
		t.Errorf("gen --force: exit %d: %s", code, stderr)
	}
}

func TestGenUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"gen"}, "--out DIR is required"},
		{[]string{"gen", "--tier", "XL", "--out", "x"}, `bad size "XL"`},
		{[]string{"gen", "--out", "x", "extra"}, `unexpected argument "extra"`},
	} {
		code, _, stderr := runCmd(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}
