package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/neo4jstore/neo4jtest"
	"github.com/chipgraph/chipgraph/loaders"
)

// TestCriticalReportMatchesHTTP: `chipgraph report critical-suppliers`
// prints what GET /reports/critical-suppliers.{json,csv} serves for the same
// parameters, but for the generation time.
func TestCriticalReportMatchesHTTP(t *testing.T) {
	h := bundledHandler(t)
	tests := []struct {
		args  []string
		query string
	}{
		{[]string{"--of", "input:7nm-class-logic-process", "--for", "firm:smic", "--as-of", "2025-06-01"},
			"of=input:7nm-class-logic-process&for=firm:smic&asOf=2025-06-01"},
		{[]string{"--of", "product:ascend-910c", "--as-of", "2025-06-01", "--ignore-controls", "--threshold", "5"},
			"of=product:ascend-910c&asOf=2025-06-01&ignoreControls=true&threshold=5"},
	}
	for _, tc := range tests {
		for _, format := range []string{"json", "csv"} {
			t.Run(format+" "+tc.query, func(t *testing.T) {
				args := append([]string{"report", "critical-suppliers", "--format", format}, tc.args...)
				code, stdout, stderr := runCmd(t, args...)
				if code != exitOK || stderr != "" {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/reports/critical-suppliers."+format+"?"+tc.query, nil))
				if rec.Code != http.StatusOK {
					t.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
				}
				got, want := withoutGenerationTime(t, format, stdout), withoutGenerationTime(t, format, rec.Body.String())
				if got != want {
					t.Errorf("the command printed\n%.2000s\nthe server sent\n%.2000s", got, want)
				}
				// At 10 % ASML takes down both lithography alternatives; at 5 %,
				// Nikon's 9 % of ArF immersion is enough.
				if asml := strings.Contains(stdout, "firm:asml"); asml == strings.Contains(tc.query, "threshold=5") {
					t.Errorf("ASML listed: %v:\n%.1000s", asml, stdout)
				}
			})
		}
	}
}

func TestCriticalReportCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		wantCode   int
		wantStderr string
	}{
		{[]string{"critical-suppliers"}, exitUsage, "--of: required"},
		{[]string{"critical-suppliers", "--of", "product:nope"}, exitFailure, "--of: no node product:nope"},
		{[]string{"critical-suppliers", "--of", "product:h100", "--for", "input:hbm"}, exitUsage, "--for:"},
		{[]string{"critical-suppliers", "--of", "product:h100", "--threshold", "200"}, exitUsage, "--threshold:"},
		{[]string{"critical-suppliers", "--of", "product:h100", "--first", "3"}, exitUsage, "--first belongs to the chokepoints report"},
		{[]string{"critical-suppliers", "--of", "product:h100", "--as-of", ""}, exitUsage, "--as-of: empty"},
		{[]string{"critical-suppliers", "--of", "product:h100", "--for", ""}, exitUsage, "--for: empty"},
		{[]string{"chokepoints", "--for", "firm:smic"}, exitUsage, "--for belongs to the critical-suppliers report"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCmd(t, append([]string{"report"}, tc.args...)...)
			if code != tc.wantCode || !strings.Contains(stderr, tc.wantStderr) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %.100q; want %d and %q", code, stderr, stdout, tc.wantCode, tc.wantStderr)
			}
		})
	}
}

// TestCriticalReportFromNeo4j: the critical-supplier report from the graph
// loaded into Neo4j equals the embedded store's, but for the generation
// time.
func TestCriticalReportFromNeo4j(t *testing.T) {
	store := neo4jtest.Open(t)
	uri := neo4jtest.Config(t).URI
	ctx := context.Background()
	ds, _, err := loaders.Load(ctx, nil, loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Write(ctx, ds, graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", "csv"} {
		args := []string{"report", "critical-suppliers", "--format", format, "--as-of", "2025-06-01",
			"--of", "input:7nm-class-logic-process", "--for", "firm:smic"}
		code, fromNeo4j, stderr := runCmd(t, append(args, "--neo4j-uri", uri)...)
		if code != exitOK {
			t.Fatalf("--neo4j-uri: exit %d: %s", code, stderr)
		}
		code, embedded, stderr := runCmd(t, args...)
		if code != exitOK {
			t.Fatalf("embedded: exit %d: %s", code, stderr)
		}
		if got, want := withoutGenerationTime(t, format, fromNeo4j), withoutGenerationTime(t, format, embedded); got != want {
			t.Errorf("%s: from Neo4j\n%.1500s\nembedded\n%.1500s", format, got, want)
		}
	}
}
