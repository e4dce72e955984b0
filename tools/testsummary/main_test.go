package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The fixtures in testdata are real `go test -json` streams of a small
// module (example.org/m), with the timestamps removed. A failing test's
// output comes in the order -json streams it (as under -v: its logs before
// its --- FAIL line).
func TestSummarise(t *testing.T) {
	tests := []struct {
		file       string
		wantFailed bool
		want       string
	}{
		{"skip.json", false,
			"ok  \texample.org/m/a\t0.004s\t[skipped 1 of 2 tests: no neo4j]\n"},
		{"fail.json", true,
			"    f_test.go:6: detail\n" +
				"    f_test.go:6: boom\n" +
				"--- FAIL: TestF/sub (0.00s)\n" +
				"--- FAIL: TestF (0.00s)\n" +
				"FAIL\n" +
				"a: SKIPPED Neo4j tests (stdout)\n" +
				"a: SKIPPED Neo4j tests (stderr)\n" +
				"FAIL\texample.org/m/a\t0.006s\n"},
		{"build.json", true,
			"# example.org/m/b [example.org/m/b.test]\n" +
				"b/b.go:2:23: cannot use \"x\" (untyped string constant) as int value in return statement\n" +
				"FAIL\texample.org/m/b [build failed]\n" +
				"?   \texample.org/m/c\t[no test files]\n"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			failed, err := summarise(bytes.NewReader(in), &out)
			if err != nil {
				t.Fatal(err)
			}
			if failed != tc.wantFailed {
				t.Errorf("failed = %v, want %v", failed, tc.wantFailed)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestSkipNoteReasons(t *testing.T) {
	s := &pkgState{ran: 10, skipped: map[string]int{"NEO4J_URI not set": 3, "make is not installed": 1}}
	want := "\t[skipped 4 of 10 tests: 3: NEO4J_URI not set; 1: make is not installed]"
	if got := s.skipNote(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
