package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// runCmd runs the binary's main logic in-process and returns its exit code
// and output.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{
		Stdout: &out,
		Stderr: &errOut,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Getenv: func(string) string { return "" },
	}
	code = run(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

func TestMainUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
	}{
		{"--help", []string{"--help"}, 0, []string{"Usage:", "chipgraph COMMAND", "validate", "NEO4J_URI"}, nil},
		{"-h", []string{"-h"}, 0, []string{"Commands:"}, nil},
		{"help", []string{"help"}, 0, []string{"Commands:"}, nil},
		{"no command", nil, 2, nil, []string{"Usage:"}},
		{"unknown command", []string{"frobnicate"}, 2, nil, []string{`unknown command "frobnicate"`, "Commands:"}},
		{"unknown global flag", []string{"--verbose", "validate"}, 2, nil, []string{"flag provided but not defined: -verbose"}},
		{"command --help", []string{"validate", "--help"}, 0, []string{"Usage: chipgraph validate [--json] [KIND:PATH ...]", "-json", "curated:DIR"}, nil},
		{"help command", []string{"help", "validate"}, 0, []string{"Usage: chipgraph validate"}, nil},
		{"help unknown", []string{"help", "nope"}, 2, nil, []string{`unknown command "nope"`}},
		{"bad flag", []string{"validate", "--jsn"}, 2, nil, []string{"chipgraph validate: flag provided but not defined: -jsn", `Run "chipgraph validate --help"`}},
		{"bad spec", []string{"validate", "xml:foo"}, 2, nil, []string{`chipgraph validate: bad source "xml:foo": unknown kind "xml"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout, stderr)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if tt.wantCode == 0 && stderr != "" {
				t.Errorf("unexpected stderr: %s", stderr)
			}
		})
	}
}

func TestCommandsHaveSummaries(t *testing.T) {
	for name, c := range commands {
		if c.run == nil || c.summary == "" {
			t.Errorf("command %q needs a run function and a summary", name)
		}
	}
}
