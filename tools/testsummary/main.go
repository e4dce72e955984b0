// Command testsummary runs `go test -json` with the arguments it is given
// and prints what plain `go test` prints — one line per package, and the
// output of failing tests and packages — with one addition: the line of a
// package in which tests skipped says how many and why, for example
//
//	ok  	github.com/chipgraph/chipgraph/graph/neo4jstore	0.021s	[skipped 17 of 19 tests: NEO4J_URI not set: ...]
//
// Plain `go test ./...` cannot say that: in package list mode the go command
// keeps everything a passing test binary writes, on stdout or stderr, and
// prints only its "ok" line, so a package whose Neo4j or ETO tests all
// skipped looks like one that ran them. `make test` runs the tests through
// this command; the reason is the first line each skipped test logged
// (t.Skip's message).
//
// It exits with go test's exit status, or 1 if go test exited 0 but a test
// or build failed.
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
)

func main() {
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.Command(goCmd, append([]string{"test", "-json"}, os.Args[1:]...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	failed, serr := summarise(out, os.Stdout)
	err = cmd.Wait()
	if serr != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", serr)
		os.Exit(2)
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		os.Exit(ee.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	case failed:
		os.Exit(1)
	}
}

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// pkgState is what summarise keeps of one package until it ends.
type pkgState struct {
	out     []string            // package-level output lines
	tests   map[string][]string // output lines by test, until the test ends
	ran     int                 // tests (and subtests) that passed, failed or skipped
	skipped map[string]int      // skip reason -> number of tests
}

// logLine matches a line logged by a test: "    file_test.go:42: message".
var logLine = regexp.MustCompile(`^\s+\S+\.go:\d+: (.*)$`)

// summarise reads go test -json events from r and writes the summary to w.
// It reports whether any test, package or build failed.
func summarise(r io.Reader, w io.Writer) (failed bool, err error) {
	pkgs := map[string]*pkgState{}
	state := func(p string) *pkgState {
		s := pkgs[p]
		if s == nil {
			s = &pkgState{tests: map[string][]string{}, skipped: map[string]int{}}
			pkgs[p] = s
		}
		return s
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// Not an event (go test wrote something else): pass it on.
			fmt.Fprintln(w, sc.Text())
			continue
		}
		switch e.Action {
		case "build-output":
			fmt.Fprint(w, e.Output)
			continue
		case "build-fail":
			failed = true
			continue
		}
		s := state(e.Package)
		switch {
		case e.Action == "output" && e.Test != "":
			if !strings.HasPrefix(e.Output, "=== ") {
				s.tests[e.Test] = append(s.tests[e.Test], e.Output)
			}
		case e.Action == "output":
			s.out = append(s.out, e.Output)
		case e.Test != "" && (e.Action == "pass" || e.Action == "skip" || e.Action == "fail"):
			s.ran++
			lines := s.tests[e.Test]
			delete(s.tests, e.Test)
			switch e.Action {
			case "skip":
				s.skipped[skipReason(lines)]++
			case "fail":
				failed = true
				for _, l := range lines {
					fmt.Fprint(w, l)
				}
			}
		case e.Test == "" && (e.Action == "pass" || e.Action == "skip" || e.Action == "fail"):
			if e.Action == "fail" {
				failed = true
			}
			s.finish(w, e.Action)
			delete(pkgs, e.Package)
		}
	}
	return failed, sc.Err()
}

// finish prints a package's summary: its "ok" line with the skips added
// when it passed, everything it printed when it failed, and its "?" line
// when it has no tests.
func (s *pkgState) finish(w io.Writer, action string) {
	if action == "fail" {
		for _, t := range slices.Sorted(func(yield func(string) bool) {
			for t := range s.tests {
				if !yield(t) {
					return
				}
			}
		}) {
			for _, l := range s.tests[t] { // tests that never ended: a panic or a timeout
				fmt.Fprint(w, l)
			}
		}
	}
	for _, l := range s.out {
		switch {
		case action == "fail", action == "skip":
			fmt.Fprint(w, l)
		case strings.HasPrefix(l, "ok  \t"):
			fmt.Fprintln(w, strings.TrimSuffix(l, "\n")+s.skipNote())
		}
	}
}

// skipNote returns "\t[skipped N of M tests: reason; ...]", or "" if no
// test skipped.
func (s *pkgState) skipNote() string {
	n := 0
	type reason struct {
		text  string
		count int
	}
	var rs []reason
	for text, c := range s.skipped {
		n += c
		rs = append(rs, reason{text, c})
	}
	if n == 0 {
		return ""
	}
	slices.SortFunc(rs, func(a, b reason) int {
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.text, b.text))
	})
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.text
		if len(rs) > 1 {
			parts[i] = fmt.Sprintf("%d: %s", r.count, r.text)
		}
	}
	return fmt.Sprintf("\t[skipped %d of %d tests: %s]", n, s.ran, strings.Join(parts, "; "))
}

// skipReason returns the first line a skipped test logged (t.Skip's
// message, as a rule), or "no reason given".
func skipReason(lines []string) string {
	for _, l := range lines {
		if m := logLine.FindStringSubmatch(strings.TrimSuffix(l, "\n")); m != nil {
			return m[1]
		}
	}
	return "no reason given"
}
