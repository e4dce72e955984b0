package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// getReport requests a report path (with its query string).
func getReport(tb testing.TB, h http.Handler, target string) *httptest.ResponseRecorder {
	tb.Helper()
	return serve(tb, h, httptest.NewRequest(http.MethodGet, target, nil))
}

// decodeReport parses a JSON report and checks its generation time.
func decodeReport(tb testing.TB, rec *httptest.ResponseRecorder) ChokepointReport {
	tb.Helper()
	if rec.Code != http.StatusOK {
		tb.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var r ChokepointReport
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		tb.Fatalf("%v: %s", err, rec.Body)
	}
	at, err := time.Parse(time.RFC3339, r.GeneratedAt)
	if err != nil || time.Since(at) > time.Minute || time.Until(at) > time.Second {
		tb.Errorf("generatedAt %q is not the time of the request (%v)", r.GeneratedAt, err)
	}
	return r
}

// TestReportJSON: the JSON report carries its stamp and the rows of
// Query.chokepoints with the same parameters.
func TestReportJSON(t *testing.T) {
	srv := bundledServer(t)
	rec := getReport(t, srv, "/reports/chokepoints.json?asOf=2025-06-01&of=product:ascend-910c&first=5")
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	r := decodeReport(t, rec)
	version := srv.Holder().Status().Version
	if r.Report != "chokepoints" || r.DatasetVersion != version || r.AsOf != "2025-06-01" ||
		r.Generator != "chipgraph "+srv.cfg.BuildVersion || r.ScoreFormula != analysis.ScoreFormula || r.Count != 5 || len(r.Chokepoints) != 5 {
		t.Errorf("stamp: %+v", r)
	}
	if r.Parameters.AsOf == nil || *r.Parameters.AsOf != "2025-06-01" || r.Parameters.Of == nil || *r.Parameters.Of != "product:ascend-910c" ||
		r.Parameters.First == nil || *r.Parameters.First != 5 {
		t.Errorf("parameters %+v", r.Parameters)
	}
	if h := rec.Header(); h.Get("X-Chipgraph-Dataset-Version") != version || h.Get("X-Chipgraph-As-Of") != "2025-06-01" {
		t.Errorf("stamp headers %v", h)
	}

	// The rows are Query.chokepoints' rows.
	var gql struct {
		Chokepoints []struct {
			Input                  struct{ ID, Name string }
			TopSupplier            *struct{ ID, Name string }
			TopShare               *float64
			FirmHHI                *float64
			CountryHHI             *float64
			CountryDerived         bool
			TopCountry             *struct{ ID string }
			TopCountryShare        *float64
			LowerBound             bool
			LowerBoundReason       *string
			ShareYear              *int
			ShareSources           []struct{ ID string }
			SupplierCount          int
			Dependents             int
			Exposed                int
			Alternatives           int
			HasAlternatives        bool
			Controls               []struct{ ID string }
			Score                  float64
			Concentration          float64
			ConcentrationEstimated bool
			SharedSupply           []struct{ ID string }
		}
	}
	decodeData(t, mustData(t, post(t, srv, `{ chokepoints(of: "product:ascend-910c", asOf: "2025-06-01", first: 5) { `+chokepointSel+` } }`, nil)), &gql)
	if len(gql.Chokepoints) != len(r.Chokepoints) {
		t.Fatalf("%d rows, %d chokepoints in GraphQL", len(r.Chokepoints), len(gql.Chokepoints))
	}
	ids := func(l []struct{ ID string }) []string {
		out := []string{}
		for _, x := range l {
			out = append(out, x.ID)
		}
		return out
	}
	for i, g := range gql.Chokepoints {
		row := r.Chokepoints[i]
		want := ChokepointRow{Rank: i + 1, Input: g.Input.ID, Name: g.Input.Name, Type: row.Type, Score: g.Score,
			FirmHHI: g.FirmHHI, CountryHHI: g.CountryHHI, CountryDerived: g.CountryDerived, TopShare: g.TopShare,
			TopCountryShare: g.TopCountryShare, LowerBound: g.LowerBound, LowerBoundReason: g.LowerBoundReason,
			SupplierCount: g.SupplierCount, Dependents: g.Dependents, Exposed: g.Exposed, Alternatives: g.Alternatives,
			HasAlternatives: g.HasAlternatives, Controls: ids(g.Controls), ShareYear: g.ShareYear, ShareSources: ids(g.ShareSources),
			Concentration: g.Concentration, ConcentrationEstimated: g.ConcentrationEstimated, SharedSupply: ids(g.SharedSupply)}
		if g.TopSupplier != nil {
			want.TopSupplier, want.TopSupplierName = &g.TopSupplier.ID, &g.TopSupplier.Name
		}
		if g.TopCountry != nil {
			want.TopCountry = &g.TopCountry.ID
		}
		if got, w := canonicalValue(t, row), canonicalValue(t, want); got != w {
			t.Errorf("row %d:\n%s\nGraphQL:\n%s", i+1, got, w)
		}
	}
	if r.Chokepoints[0].Input != "input:arf-immersion-lithography-tools" || r.Chokepoints[0].Type != "tool" {
		t.Errorf("first row %+v", r.Chokepoints[0])
	}
}

func canonicalValue(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return canonical(tb, b)
}

// TestReportDefaults: without parameters, the report ranks every input of
// the graph at today's date, and says the parameters were left to their
// defaults.
func TestReportDefaults(t *testing.T) {
	srv := bundledServer(t)
	today := graph.Today().String()
	r := decodeReport(t, getReport(t, srv, "/reports/chokepoints.json"))
	if r.AsOf != today && r.AsOf != graph.Today().String() {
		t.Errorf("asOf %s, want today %s", r.AsOf, today)
	}
	if r.Parameters != (ReportParameters{}) {
		t.Errorf("parameters %+v, want all null", r.Parameters)
	}
	if n := len(srv.Holder().Snapshot().OfKind(graph.KindInput)); r.Count != n || len(r.Chokepoints) != n {
		t.Errorf("%d rows, want every input (%d)", r.Count, n)
	}
}

// TestReportGolden pins the content of the JSON and CSV reports over the
// bundled dataset (the generation time is left out). They change when
// data/*.csv does: regenerate with -update and review the diff.
func TestReportGolden(t *testing.T) {
	srv := bundledServer(t)
	rec := getReport(t, srv, "/reports/chokepoints.json?asOf=2025-06-01&first=10")
	r := decodeReport(t, rec)
	r.GeneratedAt, r.Generator = "(generation time)", "(generator)"
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	assertGolden(t, "analysis/report-chokepoints-2025-06-01.json", b)

	rec = getReport(t, srv, "/reports/chokepoints.csv?asOf=2025-06-01&first=10")
	recs := readCSV(t, rec)
	for _, row := range recs[1:] {
		row[len(row)-1] = "(generation time)"
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	assertGoldenText(t, "analysis/report-chokepoints-2025-06-01.csv", buf.String())
}

// assertGoldenText compares got with testdata/name, or rewrites the file
// with -update.
func assertGoldenText(tb testing.TB, name, got string) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		tb.Errorf("%s differs from the golden file (go test -update rewrites it; review the diff):\n%s", path, lineDiff(string(want), got))
	}
}

// readCSV checks a CSV report's response and parses it: every record has
// the header's columns.
func readCSV(tb testing.TB, rec *httptest.ResponseRecorder) [][]string {
	tb.Helper()
	if rec.Code != http.StatusOK {
		tb.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8; header=present" {
		tb.Errorf("Content-Type %q", ct)
	}
	// RFC 4180: every line ends in CRLF, the last one included.
	if body := rec.Body.String(); !strings.HasSuffix(body, "\r\n") || strings.Count(body, "\n") != strings.Count(body, "\r\n") {
		tb.Errorf("CSV lines do not all end in CRLF: %q", body[:min(len(body), 300)])
	}
	recs, err := csv.NewReader(bytes.NewReader(rec.Body.Bytes())).ReadAll()
	if err != nil {
		tb.Fatalf("%v\n%s", err, rec.Body)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], csvHeader) {
		tb.Fatalf("header %v", recs)
	}
	return recs
}

// TestReportCSV: the CSV report is the JSON report's rows, one per record,
// each stamped in its last five columns.
func TestReportCSV(t *testing.T) {
	srv := bundledServer(t)
	const q = "?asOf=2024-01-01&of=firm:smic&first=8"
	r := decodeReport(t, getReport(t, srv, "/reports/chokepoints.json"+q))
	rec := getReport(t, srv, "/reports/chokepoints.csv"+q)
	recs := readCSV(t, rec)
	version := srv.Holder().Status().Version
	wantDisp := `attachment; filename="chokepoints-2024-01-01-` + version + `.csv"`
	if d := rec.Header().Get("Content-Disposition"); d != wantDisp {
		t.Errorf("Content-Disposition %q, want %q", d, wantDisp)
	}
	if rec.Header().Get("X-Chipgraph-Dataset-Version") != version {
		t.Errorf("no dataset version header")
	}
	if len(recs) != 1+len(r.Chokepoints) || len(r.Chokepoints) != 8 {
		t.Fatalf("%d records for %d rows", len(recs), len(r.Chokepoints))
	}
	col := map[string]int{}
	for i, h := range csvHeader {
		col[h] = i
	}
	num := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	str := func(v *string) string {
		if v == nil {
			return ""
		}
		return *v
	}
	for i, row := range r.Chokepoints {
		got := recs[i+1]
		want := map[string]string{
			"rank": strconv.Itoa(row.Rank), "input": row.Input, "name": row.Name, "type": row.Type,
			"score": num(&row.Score), "firmHHI": num(row.FirmHHI), "countryHHI": num(row.CountryHHI),
			"topSupplier": str(row.TopSupplier), "topSupplierName": str(row.TopSupplierName), "topShare": num(row.TopShare),
			"topCountry": str(row.TopCountry), "lowerBound": strconv.FormatBool(row.LowerBound),
			"lowerBoundReason": str(row.LowerBoundReason), "dependents": strconv.Itoa(row.Dependents),
			"controls": strings.Join(row.Controls, ";"), "shareSources": strings.Join(row.ShareSources, ";"),
			"datasetVersion": version, "asOf": "2024-01-01", "of": "firm:smic", "first": "8",
		}
		for name, w := range want {
			if got[col[name]] != w {
				t.Errorf("row %d %s: %q, want %q", i+1, name, got[col[name]], w)
			}
		}
		if _, err := time.Parse(time.RFC3339, got[col["generatedAt"]]); err != nil {
			t.Errorf("row %d generatedAt: %v", i+1, err)
		}
	}
}

// TestReportErrors: a bad parameter is a JSON error naming it.
func TestReportErrors(t *testing.T) {
	srv := bundledServer(t)
	tests := []struct {
		target      string
		status      int
		code, param string
		msg         string
	}{
		{"/reports/chokepoints.json?asOf=2025-13-01", 400, CodeBadUserInput, "asOf", `asOf: bad date "2025-13-01": there is no month 13 (months run 01 to 12)`},
		{"/reports/chokepoints.csv?asOf=2023-02-30", 400, CodeBadUserInput, "asOf", `asOf: bad date "2023-02-30": the day does not exist (February 2023 has 28 days)`},
		{"/reports/chokepoints.json?asOf=2025-6-1", 400, CodeBadUserInput, "asOf", `asOf: bad date "2025-6-1": want YYYY-MM-DD`},
		// An empty parameter is an error, not its default: a template that
		// left asOf blank must not get today's figures silently.
		{"/reports/chokepoints.json?asOf=", 400, CodeBadUserInput, "asOf", `asOf: empty; give a value or leave the parameter out for today (UTC)`},
		{"/reports/chokepoints.csv?of=&asOf=2025-06-01", 400, CodeBadUserInput, "of", `of: empty; give a value or leave the parameter out for the whole graph`},
		{"/reports/chokepoints.json?first=", 400, CodeBadUserInput, "first", `first: empty`},
		{"/reports/chokepoints.json?asOf=%20", 400, CodeBadUserInput, "asOf", `asOf: empty`},
		{"/reports/chokepoints.json?asOf=today", 400, CodeBadUserInput, "asOf", `bad date "today"`},
		{"/reports/chokepoints.json?of=ascend-910c", 400, CodeBadUserInput, "of", `of: malformed ID "ascend-910c"`},
		{"/reports/chokepoints.csv?of=product:nope", 404, CodeNotFound, "of", "of: no node product:nope"},
		{"/reports/chokepoints.json?first=0", 400, CodeBadUserInput, "first", `first: "0" is not a positive integer`},
		{"/reports/chokepoints.json?first=-3", 400, CodeBadUserInput, "first", "not a positive integer"},
		{"/reports/chokepoints.json?first=ten", 400, CodeBadUserInput, "first", "not a positive integer"},
		{"/reports/chokepoints.json?as_of=2025-06-01", 400, CodeBadUserInput, "as_of", "as_of: unknown parameter"},
		{"/reports/chokepoints.csv?asOf=2025-06-01&asOf=2025-01-01", 400, CodeBadUserInput, "asOf", "asOf: given 2 times"},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			rec := getReport(t, srv, tc.target)
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("status %d (%s), want %d: %s", rec.Code, rec.Header().Get("Content-Type"), tc.status, rec.Body)
			}
			var body struct{ Errors []gqlError }
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 {
				t.Fatalf("%v: %s", err, rec.Body)
			}
			e := body.Errors[0]
			if e.Extensions["code"] != tc.code || e.Extensions["parameter"] != tc.param || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("error %+v, want code %s, parameter %s, message with %q", e, tc.code, tc.param, tc.msg)
			}
		})
	}

	// Only GET (and HEAD).
	rec := serve(t, srv, httptest.NewRequest(http.MethodPost, "/reports/chokepoints.json", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	if rec := serve(t, srv, httptest.NewRequest(http.MethodHead, "/reports/chokepoints.csv", nil)); rec.Code != http.StatusOK {
		t.Errorf("HEAD: status %d", rec.Code)
	}
	// Unknown reports are not found.
	if rec := getReport(t, srv, "/reports/chokepoints.xml"); rec.Code != http.StatusNotFound {
		t.Errorf("chokepoints.xml: status %d", rec.Code)
	}
}

// TestReportNotReady: before a snapshot is loaded, reports are 503.
func TestReportNotReady(t *testing.T) {
	srv := newTestServer(t, nil, Options{})
	rec := getReport(t, srv, "/reports/chokepoints.csv")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), CodeUnavailable) {
		t.Errorf("status %d: %s", rec.Code, rec.Body)
	}
	// A bad parameter is still the client's mistake.
	if rec := getReport(t, srv, "/reports/chokepoints.csv?asOf=x"); rec.Code != http.StatusBadRequest {
		t.Errorf("status %d: %s", rec.Code, rec.Body)
	}
}

// TestReportMetrics: report requests are counted under their own route.
func TestReportMetrics(t *testing.T) {
	srv := bundledServer(t)
	getReport(t, srv, "/reports/chokepoints.json?first=1")
	getReport(t, srv, "/reports/chokepoints.csv?asOf=bad")
	rec := getReport(t, srv, "/metrics")
	for _, want := range []string{`handler="report",operation="chokepoints.json",status="200"`,
		`handler="report",operation="chokepoints.csv",status="400"`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestParseReportParams covers the parameter parser the HTTP handler and
// the report command share.
func TestParseReportParams(t *testing.T) {
	p, err := ParseReportParams(map[string][]string{"asOf": {"2025-06-01"}, "of": {"product:h20"}, "first": {"3"}})
	if err != nil || p.AsOf != graph.MustDate("2025-06-01") || p.Of != "product:h20" || p.First != 3 {
		t.Errorf("%+v %v", p, err)
	}
	p, err = ParseReportParams(nil)
	if err != nil || p.AsOf != 0 || p.Of != "" || p.First != 0 {
		t.Errorf("%+v %v", p, err)
	}
}

// Benchmarks: the reports through the handler, over the bundled dataset.
func BenchmarkReportJSON(b *testing.B) {
	benchReport(b, "/reports/chokepoints.json?asOf=2025-06-01")
}

func BenchmarkReportCSV(b *testing.B) {
	benchReport(b, "/reports/chokepoints.csv?asOf=2025-06-01")
}

func BenchmarkReportOfCSV(b *testing.B) {
	benchReport(b, "/reports/chokepoints.csv?asOf=2025-06-01&of=product:ascend-910c")
}

func benchReport(b *testing.B, target string) {
	srv := bundledServer(b)
	if rec := getReport(b, srv, target); rec.Code != http.StatusOK {
		b.Fatalf("%d %s", rec.Code, rec.Body)
	}
	b.ReportAllocs()
	for b.Loop() {
		getReport(b, srv, target)
	}
}
