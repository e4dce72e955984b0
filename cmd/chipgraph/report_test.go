package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/api"
	"github.com/chipgraph/chipgraph/graph/memstore"
	"github.com/chipgraph/chipgraph/graph/neo4jstore/neo4jtest"
	"github.com/chipgraph/chipgraph/loaders"
)

// bundledHandler is the HTTP API over the bundled dataset, loaded as
// `chipgraph serve` loads it.
func bundledHandler(t *testing.T) http.Handler {
	t.Helper()
	ctx := context.Background()
	ds, _, err := loaders.Load(ctx, []loaders.Spec{loaders.Bundled}, loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	store, err := memstore.Of(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	h := api.NewHolder()
	if err := h.Refresh(ctx, store); err != nil {
		t.Fatal(err)
	}
	return api.NewServer(h, api.Options{}, nil)
}

// TestReportMatchesHTTP: `chipgraph report chokepoints` prints what
// GET /reports/chokepoints.{json,csv} serves for the same parameters, but
// for the generation time.
func TestReportMatchesHTTP(t *testing.T) {
	h := bundledHandler(t)
	tests := []struct {
		args  []string
		query string
	}{
		{[]string{"--as-of", "2025-06-01", "--of", "product:ascend-910c", "--first", "5"}, "asOf=2025-06-01&of=product:ascend-910c&first=5"},
		{[]string{"--as-of", "2023-01-01"}, "asOf=2023-01-01"},
		{nil, ""},
	}
	for _, tc := range tests {
		for _, format := range []string{"json", "csv"} {
			t.Run(format+" "+tc.query, func(t *testing.T) {
				args := append([]string{"report", "chokepoints", "--format", format}, tc.args...)
				code, stdout, stderr := runCmd(t, args...)
				if code != exitOK || stderr != "" {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/reports/chokepoints."+format+"?"+tc.query, nil))
				if rec.Code != http.StatusOK {
					t.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
				}
				got, want := withoutGenerationTime(t, format, stdout), withoutGenerationTime(t, format, rec.Body.String())
				if got != want {
					t.Errorf("the command printed\n%.2000s\nthe server sent\n%.2000s", got, want)
				}
			})
		}
	}
}

// withoutGenerationTime blanks the generation time of a report.
func withoutGenerationTime(t *testing.T, format, report string) string {
	t.Helper()
	if format == "json" {
		var m map[string]any
		if err := json.Unmarshal([]byte(report), &m); err != nil {
			t.Fatalf("%v: %.200s", err, report)
		}
		if m["generatedAt"] == "" || m["datasetVersion"] == "" || m["asOf"] == "" {
			t.Errorf("report not stamped: %.300s", report)
		}
		delete(m, "generatedAt")
		b, _ := json.MarshalIndent(m, "", " ")
		return string(b)
	}
	recs, err := csv.NewReader(strings.NewReader(report)).ReadAll()
	if err != nil {
		t.Fatalf("%v: %.200s", err, report)
	}
	if len(recs) < 2 || recs[0][len(recs[0])-1] != "generatedAt" {
		t.Fatalf("no rows, or no generatedAt column: %.300s", report)
	}
	var b bytes.Buffer
	for _, r := range recs {
		b.WriteString(strings.Join(r[:len(r)-1], "\t") + "\n")
	}
	return b.String()
}

func TestReportCommandErrors(t *testing.T) {
	tests := []struct {
		args       []string
		wantCode   int
		wantStderr string
	}{
		{nil, exitUsage, "name the report: chipgraph report chokepoints"},
		{[]string{"suppliers"}, exitUsage, `unknown report "suppliers"`},
		{[]string{"chokepoints", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"chokepoints", "--as-of", "2025-13-01"}, exitUsage, `--as-of: bad date "2025-13-01": there is no month 13`},
		{[]string{"chokepoints", "--as-of", "2023-02-30"}, exitUsage, `--as-of: bad date "2023-02-30": the day does not exist (February 2023 has 28 days)`},
		{[]string{"chokepoints", "--as-of", ""}, exitUsage, `--as-of: empty`},
		{[]string{"chokepoints", "--of", "ascend"}, exitUsage, `--of: malformed ID "ascend"`},
		{[]string{"chokepoints", "--of", "product:nope"}, exitFailure, "chipgraph report: --of: no node product:nope"},
		{[]string{"chokepoints", "--first", "0"}, exitUsage, `--first: "0" is not a positive integer`},
		{[]string{"chokepoints", "--first", "ten"}, exitUsage, "invalid value"},
		{[]string{"chokepoints", "--format", "xlsx"}, exitUsage, `--format "xlsx": want json or csv`},
		{[]string{"chokepoints", "--data", "xml:x"}, exitUsage, `unknown kind "xml"`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCmd(t, append([]string{"report"}, tc.args...)...)
			if code != tc.wantCode || !strings.Contains(stderr, tc.wantStderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.wantCode, tc.wantStderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

func TestReportHelp(t *testing.T) {
	code, stdout, _ := runCmd(t, "report", "--help")
	for _, want := range []string{"Usage: chipgraph report chokepoints", "-as-of", "-of", "-first", "-format", "-data", "datasetVersion"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, stdout)
		}
	}
	if code != exitOK {
		t.Errorf("exit %d", code)
	}
	if code, stdout, _ := runCmd(t, "--help"); code != exitOK || !slices.ContainsFunc(strings.Split(stdout, "\n"), func(l string) bool {
		return strings.HasPrefix(strings.TrimSpace(l), "report ")
	}) {
		t.Errorf("chipgraph --help does not list report:\n%s", stdout)
	}
}

// TestReportFromNeo4j: with --neo4j-uri the report is made from the graph
// loaded into Neo4j, and equals the embedded store's report of the same
// data but for the generation time; an empty Neo4j is an error that says
// what to do.
func TestReportFromNeo4j(t *testing.T) {
	store := neo4jtest.Open(t)
	uri := neo4jtest.Config(t).URI
	code, _, stderr := runCmd(t, "report", "chokepoints", "--neo4j-uri", uri)
	if code != exitFailure || !strings.Contains(stderr, "chipgraph load") {
		t.Errorf("report from an empty Neo4j: exit %d, stderr %s", code, stderr)
	}
	ctx := context.Background()
	ds, _, err := loaders.Load(ctx, nil, loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Write(ctx, ds, graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", "csv"} {
		args := []string{"report", "chokepoints", "--format", format, "--as-of", "2025-06-01", "--first", "10"}
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
	if code, _, stderr := runCmd(t, "report", "chokepoints", "--neo4j-uri", uri, "--data", "curated:x"); code != exitUsage ||
		!strings.Contains(stderr, "--data") {
		t.Errorf("--data with --neo4j-uri: exit %d, stderr %s", code, stderr)
	}
}
