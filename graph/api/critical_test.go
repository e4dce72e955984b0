package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph/analysis"
)

// TestCriticalReportJSON: the report carries its stamp and the knock-outs of
// Query.knockouts with the same arguments (SMIC's 7nm-class process: ASML
// first, as in TestGoldenKnockouts).
func TestCriticalReportJSON(t *testing.T) {
	srv := bundledServer(t)
	rec := getReport(t, srv, "/reports/critical-suppliers.json?of=input:7nm-class-logic-process&for=firm:smic&asOf=2025-06-01")
	if rec.Code != http.StatusOK || rec.Header().Get("X-Chipgraph-As-Of") != "2025-06-01" {
		t.Fatalf("status %d, headers %v: %s", rec.Code, rec.Header(), rec.Body)
	}
	var r CriticalReport
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	if at, err := time.Parse(time.RFC3339, r.GeneratedAt); err != nil || time.Since(at) > time.Minute {
		t.Errorf("generatedAt %q", r.GeneratedAt)
	}
	if r.Report != "critical-suppliers" || r.DatasetVersion != rec.Header().Get("X-Chipgraph-Dataset-Version") || r.DatasetVersion == "" ||
		r.Rule != analysis.KnockoutRule || r.Item != "input:7nm-class-logic-process" || r.Holder == nil || *r.Holder != "firm:smic" ||
		!r.Feasible || r.Threshold != 10 || r.Count != len(r.Suppliers) || *r.Parameters["for"] != "firm:smic" || r.Parameters["threshold"] != nil {
		t.Errorf("stamp %+v", r)
	}
	var gql struct {
		Knockouts struct {
			Firms, Countries []struct {
				Removed   []struct{ ID string }
				Share     *float64
				TakesDown []struct{ ID string }
			}
		}
	}
	decodeData(t, mustData(t, post(t, srv, `{ knockouts(of: "input:7nm-class-logic-process", for: "firm:smic", asOf: "2025-06-01") {
		firms { removed { id } share takesDown { id } } countries { removed { id } share takesDown { id } } } }`, nil)), &gql)
	all := append(gql.Knockouts.Firms, gql.Knockouts.Countries...)
	if len(all) != len(r.Suppliers) || len(all) == 0 {
		t.Fatalf("%d rows, %d knock-outs", len(r.Suppliers), len(all))
	}
	for i, k := range all {
		row := r.Suppliers[i]
		var down []string
		for _, d := range k.TakesDown {
			down = append(down, d.ID)
		}
		if row.Rank != i+1 || row.Supplier != k.Removed[0].ID || !slices.Equal(row.TakesDown, down) ||
			(row.Share == nil) != (k.Share == nil) || row.Share != nil && *row.Share != *k.Share {
			t.Errorf("row %d %+v, GraphQL %+v", i+1, row, k)
		}
	}
	if r.Suppliers[0].Supplier != "firm:asml" || r.Suppliers[0].Kind != "firm" || !r.Suppliers[0].AlternativeAlsoDominated ||
		r.Suppliers[0].Path[0] != "input:7nm-class-logic-process" || r.Suppliers[0].Path[len(r.Suppliers[0].Path)-1] != "firm:asml" {
		t.Errorf("first row %+v", r.Suppliers[0])
	}
}

func TestCriticalReportCSV(t *testing.T) {
	srv := bundledServer(t)
	rec := getReport(t, srv, "/reports/critical-suppliers.csv?of=product:h100&asOf=2025-06-01&threshold=10")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], criticalCSVHeader) || len(rows) < 3 {
		t.Fatalf("header %v, %d rows", rows[0], len(rows))
	}
	col := func(name string) int { return slices.Index(criticalCSVHeader, name) }
	var suppliers []string
	for _, row := range rows[1:] {
		suppliers = append(suppliers, row[col("supplier")])
		if row[col("item")] != "product:h100" || row[col("holder")] != "firm:nvidia" || row[col("asOf")] != "2025-06-01" ||
			row[col("threshold")] != "10" || row[col("datasetVersion")] == "" {
			t.Errorf("stamp columns %v", row)
		}
	}
	if !slices.Contains(suppliers, "firm:tsmc") || slices.Contains(suppliers, "firm:samsung") {
		t.Errorf("suppliers %v: want TSMC, not Samsung", suppliers)
	}
}

func TestCriticalReportErrors(t *testing.T) {
	srv := bundledServer(t)
	for _, tc := range []struct {
		target      string
		status      int
		code, param string
	}{
		{"/reports/critical-suppliers.json", 400, CodeBadUserInput, "of"},
		{"/reports/critical-suppliers.json?of=product:nope", 404, CodeNotFound, "of"},
		{"/reports/critical-suppliers.csv?of=event:us-bis-2022-10-07-advanced-computing", 400, CodeBadUserInput, "of"},
		{"/reports/critical-suppliers.json?of=product:h100&for=firm:nope", 404, CodeNotFound, "for"},
		{"/reports/critical-suppliers.json?of=product:h100&threshold=101", 400, CodeBadUserInput, "threshold"},
		{"/reports/critical-suppliers.json?of=product:h100&ignoreControls=maybe", 400, CodeBadUserInput, "ignoreControls"},
		{"/reports/critical-suppliers.json?of=product:h100&as_of=2025-06-01", 400, CodeBadUserInput, "as_of"},
		// An empty parameter is an error, not its default (today, the maker).
		{"/reports/critical-suppliers.json?of=product:h100&asOf=", 400, CodeBadUserInput, "asOf"},
		{"/reports/critical-suppliers.csv?of=product:h100&for=", 400, CodeBadUserInput, "for"},
		{"/reports/critical-suppliers.json?of=", 400, CodeBadUserInput, "of"},
		{"/reports/critical-suppliers.json?of=product:h100&of=product:h20", 400, CodeBadUserInput, "of"},
	} {
		rec := getReport(t, srv, tc.target)
		var body struct{ Errors []gqlError }
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 || rec.Code != tc.status {
			t.Fatalf("%s: status %d: %s", tc.target, rec.Code, rec.Body)
		}
		if e := body.Errors[0]; e.Extensions["code"] != tc.code || e.Extensions["parameter"] != tc.param {
			t.Errorf("%s: error %+v, want %s naming %s", tc.target, e, tc.code, tc.param)
		}
	}
}
