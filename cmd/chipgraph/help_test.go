package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// synopsis splits a usage line ("chipgraph load --neo4j-uri URI
// [--batch-size N] [KIND:PATH ...]") into the words of the command
// ("load"; "report chokepoints"), the flags written outside brackets (the
// required ones) and every flag it names.
func synopsis(line string) (words, required, named []string) {
	depth := 0
	metavar := false // the token after a flag outside brackets is its value
	for _, tok := range strings.Fields(strings.TrimPrefix(line, "chipgraph ")) {
		outside := depth == 0 && !strings.HasPrefix(tok, "[")
		depth += strings.Count(tok, "[") - strings.Count(tok, "]")
		bare := strings.Trim(tok, "[]")
		switch {
		case strings.HasPrefix(bare, "--"):
			named = append(named, bare)
			if outside {
				required = append(required, bare)
				metavar = true
				continue
			}
		case outside && !metavar && regexp.MustCompile(`^[a-z]+$`).MatchString(tok):
			words = append(words, tok)
		}
		metavar = false
	}
	return words, required, named
}

func TestSynopsis(t *testing.T) {
	words, req, named := synopsis("chipgraph report chokepoints [--as-of DATE] [--data KIND:PATH ... | --neo4j-uri URI]")
	if !slices.Equal(words, []string{"report", "chokepoints"}) || len(req) != 0 || !slices.Equal(named, []string{"--as-of", "--data", "--neo4j-uri"}) {
		t.Errorf("report: %v %v %v", words, req, named)
	}
	words, req, _ = synopsis("chipgraph gen --out DIR [--tier S|M|L|N] [--seed N] [--force]")
	if !slices.Equal(words, []string{"gen"}) || !slices.Equal(req, []string{"--out"}) {
		t.Errorf("gen: %v %v", words, req)
	}
}

// helpOf returns the synopsis line and the flags section of a command's
// --help, as printed to stdout.
func helpOf(t *testing.T, name string) (line, flags string) {
	t.Helper()
	code, out, errOut := runCmd(t, name, "--help")
	if code != 0 || errOut != "" {
		t.Fatalf("%s --help: exit %d, stderr %q", name, code, errOut)
	}
	first, rest, _ := strings.Cut(out, "\n")
	line, ok := strings.CutPrefix(first, "Usage: ")
	if !ok {
		t.Fatalf("%s --help starts with %q, want Usage: ...", name, first)
	}
	_, flags, _ = strings.Cut(rest, "\nFlags:\n")
	return line, flags
}

// flagHelp returns the help text of one flag in a flags section printed by
// flag.PrintDefaults ("  -name value\n    \ttext\n").
func flagHelp(flags, name string) string {
	var b strings.Builder
	in := false
	for _, l := range strings.Split(flags, "\n") {
		if strings.HasPrefix(l, "  -") {
			f := strings.Fields(l)[0]
			in = f == "-"+name
			if in && len(strings.Fields(l)) > 1 && strings.Contains(l, "\t") {
				b.WriteString(l) // a bool flag's text may share the line
			}
			continue
		}
		if in {
			b.WriteString(strings.TrimSpace(l) + " ")
		}
	}
	return b.String()
}

// TestHelpRequiredFlags checks that the help shows required flags as
// required and that they are: a flag outside brackets in a command's
// synopsis says "(required" in its help, running the command without it
// (and with an empty environment) is a usage error naming it, and the
// README's command table writes it outside brackets too; a flag whose help
// says "(required" is outside brackets in the synopsis.
func TestHelpRequiredFlags(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	for name := range commands {
		t.Run(name, func(t *testing.T) {
			line, flags := helpOf(t, name)
			words, required, named := synopsis(line)
			if len(words) == 0 || words[0] != name {
				t.Fatalf("synopsis %q does not start with chipgraph %s", line, name)
			}
			for _, f := range named {
				if !strings.Contains(flags, "  -"+strings.TrimPrefix(f, "--")) {
					t.Errorf("synopsis names %s, which --help does not list", f)
				}
			}
			for _, l := range strings.Split(flags, "\n") {
				if !strings.HasPrefix(l, "  -") {
					continue
				}
				f := "--" + strings.TrimPrefix(strings.Fields(l)[0], "-")
				if strings.Contains(flagHelp(flags, strings.TrimPrefix(f, "--")), "(required") && !slices.Contains(required, f) {
					t.Errorf("%s says it is required, but the synopsis %q shows it optional", f, line)
				}
			}
			row := readmeRow(readme, name)
			if row == "" {
				t.Errorf("README's command table has no row for chipgraph %s", name)
			}
			_, readmeRequired, _ := synopsis(strings.ReplaceAll(row, `\|`, "|"))
			for _, f := range required {
				if !strings.Contains(flagHelp(flags, strings.TrimPrefix(f, "--")), "(required") {
					t.Errorf("the synopsis shows %s as required, but its help does not say (required", f)
				}
				if !slices.Contains(readmeRequired, f) {
					t.Errorf("README shows chipgraph %s without %s as required: %q", name, f, row)
				}
				code, _, errOut := runCmd(t, words...)
				if code != exitUsage || !strings.Contains(errOut, f) {
					t.Errorf("chipgraph %s without %s: exit %d, stderr %q; want a usage error naming it",
						strings.Join(words, " "), f, code, errOut)
				}
			}
		})
	}
}

// readmeRow returns the synopsis in the README's command table row for a
// command: the first cell, without backquotes.
func readmeRow(readme, name string) string {
	for _, l := range strings.Split(readme, "\n") {
		if cell, ok := strings.CutPrefix(l, "| `chipgraph "+name+" "); ok {
			cell, _, _ = strings.Cut(cell, "` |")
			return "chipgraph " + name + " " + cell
		}
	}
	return ""
}

// readRepoFile reads a file relative to the repository root.
func readRepoFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// envCall matches a call reading an environment variable: os.Getenv,
// os.LookupEnv, env.Getenv, and the getenv parameter of
// neo4jstore.ConfigFromEnv. A literal name is captured.
var envCall = regexp.MustCompile(`(?:\b[Gg]etenv|\bLookupEnv)\(\s*("([^"]*)")?`)

// TestHelpListsEnvironment greps the non-test Go files compiled into the
// binary (this module's packages that cmd/chipgraph depends on) for the
// environment variables they read and checks that `chipgraph --help` and
// the README list every one. A variable read under a computed name would
// escape this check, so it is an error.
func TestHelpListsEnvironment(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{if .Module}}{{if .Module.Main}}{{range .GoFiles}}{{$.Dir}}/{{.}}{{"\n"}}{{end}}{{end}}{{end}}`, ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	names := map[string]string{} // name -> a file reading it
	files := strings.Fields(string(out))
	if len(files) < 20 {
		t.Fatalf("go list found only %d files", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			if s := strings.TrimSpace(string(l)); strings.HasPrefix(s, "//") {
				continue
			}
			for _, m := range envCall.FindAllSubmatch(l, -1) {
				if m[1] == nil {
					t.Errorf("%s reads an environment variable by a computed name: %s", f, bytes.TrimSpace(l))
					continue
				}
				names[string(m[2])] = f
			}
		}
	}
	for _, want := range []string{"NEO4J_URI", "CHIPGRAPH_ADDR"} {
		if names[want] == "" {
			t.Fatalf("the grep did not find %s (found %v): is envCall still right?", want, names)
		}
	}
	// GOMEMLIMIT is read by the Go runtime, not by our code; the help names
	// it because operators of a large server need it.
	names["GOMEMLIMIT"] = "the Go runtime"

	_, usage, _ := runCmd(t, "--help")
	readme := readRepoFile(t, "README.md")
	for name, file := range names {
		if !regexp.MustCompile(`\b` + name + `\b`).MatchString(usage) {
			t.Errorf("%s (read in %s) is missing from chipgraph --help", name, file)
		}
		if !strings.Contains(readme, "`"+name+"`") {
			t.Errorf("%s (read in %s) is missing from README.md", name, file)
		}
	}
}

// TestMakeHelp checks that `make help` lists every target of the Makefile,
// each with a description.
func TestMakeHelp(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	cmd := exec.Command("make", "--no-print-directory", "help")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make help: %v", err)
	}
	listed := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			listed[f[0]] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), f[0]))
		}
	}
	target := regexp.MustCompile(`(?m)^([a-zA-Z][a-zA-Z0-9_-]*):`)
	makefile := readRepoFile(t, "Makefile")
	found := target.FindAllStringSubmatch(makefile, -1)
	if len(found) < 5 {
		t.Fatalf("found only %d targets in the Makefile", len(found))
	}
	for _, m := range found {
		switch doc, ok := listed[m[1]]; {
		case !ok:
			t.Errorf("make help does not list target %s", m[1])
		case doc == "":
			t.Errorf("target %s has no description: put a # comment right above it", m[1])
		}
	}
	for _, want := range []string{"test", "vet", "run", "validate", "generate", "check-generated", "help"} {
		if _, ok := listed[want]; !ok {
			t.Errorf("make help does not list %s", want)
		}
	}
}

// TestREADMEListsTestEnvironment checks that every environment variable
// the tests read (in _test.go files and the test helper packages) is in the
// README, whose Tests section says what each does.
func TestREADMEListsTestEnvironment(t *testing.T) {
	root := filepath.Join("..", "..")
	names := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		helper := strings.HasSuffix(filepath.Dir(path), "test") // neo4jtest, loadertest, storetest
		if d.IsDir() || !strings.HasSuffix(path, ".go") || !(strings.HasSuffix(path, "_test.go") || helper) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range envCall.FindAllSubmatch(b, -1) {
			if m[1] != nil {
				names[string(m[2])] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if names["CHIPGRAPH_REQUIRE_NEO4J"] == "" || names["CHIPGRAPH_ETO_DIR"] == "" {
		t.Fatalf("the grep missed the known test variables (found %v)", names)
	}
	readme := readRepoFile(t, "README.md")
	for name, file := range names {
		if !strings.Contains(readme, "`"+name) {
			t.Errorf("%s (read in %s) is missing from README.md", name, file)
		}
	}
}
