// Package loadertest holds what the tests of the source loaders
// (loaders/eto, loaders/csl) share.
package loadertest

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/loaders"
)

// CheckProblems compares the problems of a load that failed with err (its
// warnings left out), one per line, each passed through rewrite (nil: as
// they are), with the golden file. With update it writes the golden file
// first.
func CheckProblems(t testing.TB, err error, golden string, update bool, rewrite func(string) string) {
	t.Helper()
	var problems loaders.Problems
	if !errors.As(err, &problems) {
		t.Fatalf("error %v is not a list of problems", err)
	}
	var lines []string
	for _, p := range problems {
		if p.Warning {
			continue
		}
		line := p.String()
		if rewrite != nil {
			line = rewrite(line)
		}
		lines = append(lines, line)
	}
	got := strings.Join(lines, "\n") + "\n"
	if update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
}
