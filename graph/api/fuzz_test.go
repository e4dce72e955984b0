package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzGraphQL posts arbitrary bodies to the handler over the bundled data:
// every answer is JSON with a status below 500 (503 only when the in-flight
// cap is reached), never a panic.
func FuzzGraphQL(f *testing.F) {
	for _, s := range []string{
		`{"query": "{ node(id: \"firm:huawei\") { id name } }"}`,
		`{"query": "{ feasibility(item: \"product:h20\", for: \"country:CHN\", asOf: \"2025-09-01\") { status observed { evidenced } } }"}`,
		`{"query": "query Q($a: Date) { chokepoints(asOf: $a, first: 3) { score } }", "variables": {"a": "2023-02-30"}}`,
		`{"query": "fragment A on Query { ...B } fragment B on Query { ...A } { ...A }"}`,
		`{"query": "{ search(text: \"\\u0000\", first: -1) { id } }"}`,
		`{"query": 5}`, `[]`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	fuzzSrv := bundledServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		fuzzSrv.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Errorf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Errorf("not JSON for %q: %s", body, rec.Body)
		}
	})
}
