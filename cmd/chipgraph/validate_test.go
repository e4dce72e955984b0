package main

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const (
	goodDir = "../../loaders/testdata/curated/good"
	badDir  = "../../loaders/testdata/curated/bad"
)

func TestValidateGood(t *testing.T) {
	code, stdout, stderr := runCmd(t, "validate", "curated:"+goodDir)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{"Firm", "5", "SUPPLIES", "ok: 21 nodes, 27 edges"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

func TestValidateBundled(t *testing.T) {
	code, stdout, stderr := runCmd(t, "validate")
	if code != 0 || !strings.Contains(stdout, "curated:(bundled)") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

// TestValidateBad: every problem is printed as file:line: column: message
// and the exit code is 1.
func TestValidateBad(t *testing.T) {
	code, stdout, stderr := runCmd(t, "validate", "curated:"+badDir)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	data, err := os.ReadFile(badDir + ".problems")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for _, want := range lines {
		want = strings.ReplaceAll(want, "bad/", badDir+"/")
		if !strings.Contains(stdout, want+"\n") {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if !strings.Contains(stdout, "Firm") || !strings.Contains(stdout, "19 problems, 1 warning") {
		t.Errorf("stdout lacks counts or totals:\n%s", stdout)
	}
	if !strings.Contains(stderr, "chipgraph validate: 19 problems found") {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestValidateJSON(t *testing.T) {
	type problem struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Column  string `json:"column"`
		Message string `json:"message"`
		Warning bool   `json:"warning"`
	}
	type result struct {
		Nodes    map[string]int `json:"nodes"`
		Edges    map[string]int `json:"edges"`
		Problems []problem      `json:"problems"`
		Warnings []problem      `json:"warnings"`
	}
	decode := func(t *testing.T, stdout string) (result, map[string]json.RawMessage) {
		t.Helper()
		var r result
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
		}
		if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
			t.Fatal(err)
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range raw {
				if !yield(k) {
					return
				}
			}
		})
		if !slices.Equal(keys, []string{"edges", "nodes", "problems", "warnings"}) {
			t.Errorf("keys = %v", keys)
		}
		return r, raw
	}

	t.Run("good", func(t *testing.T) {
		code, stdout, _ := runCmd(t, "validate", "--json", "curated:"+goodDir)
		if code != 0 {
			t.Errorf("exit code %d", code)
		}
		r, raw := decode(t, stdout)
		if r.Nodes["Firm"] != 5 || r.Nodes["Fab"] != 1 || r.Edges["REQUIRES"] != 3 || r.Edges["EXEMPTS"] != 0 {
			t.Errorf("counts = %v %v", r.Nodes, r.Edges)
		}
		if _, ok := r.Edges["EXEMPTS"]; !ok {
			t.Errorf("edge types with no edges should be listed with 0")
		}
		if string(raw["problems"]) != "[]" || string(raw["warnings"]) != "[]" {
			t.Errorf("problems = %s, warnings = %s; want empty arrays", raw["problems"], raw["warnings"])
		}
	})

	t.Run("bad", func(t *testing.T) {
		// Flags may also follow the sources.
		code, stdout, _ := runCmd(t, "validate", "curated:"+badDir, "--json")
		if code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
		r, _ := decode(t, stdout)
		if len(r.Problems) != 19 || len(r.Warnings) != 1 {
			t.Fatalf("%d problems, %d warnings; want 19, 1", len(r.Problems), len(r.Warnings))
		}
		want := problem{File: badDir + "/firms.csv", Line: 4, Column: "country", Message: "unknown reference country:CN"}
		if !slices.Contains(r.Problems, want) {
			t.Errorf("problems lack %+v: %+v", want, r.Problems)
		}
		wantWarning := problem{File: badDir + "/sources.csv", Line: 3, Column: "id", Message: "source:bis is not cited by any row", Warning: true}
		if !reflect.DeepEqual(r.Warnings[0], wantWarning) {
			t.Errorf("warning = %+v, want %+v", r.Warnings[0], wantWarning)
		}
		if r.Nodes["Firm"] != 2 {
			t.Errorf("counts of what was read = %v", r.Nodes)
		}
	})
}

func TestValidateNotADirectory(t *testing.T) {
	code, stdout, _ := runCmd(t, "validate", "curated:"+goodDir+"/firms.csv")
	if code != 1 || !strings.Contains(stdout, "firms.csv: cannot read directory: not a directory") {
		t.Errorf("exit %d\n%s", code, stdout)
	}
}
