package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestGraphQLOverHTTP checks the status codes and bodies the GraphQL over
// HTTP spec asks for (and the graphql-http audit, run by CI against
// `chipgraph serve`, checks): a request error has no "data" entry, and is a
// 200 as application/json but a 4xx as application/graphql-response+json.
func TestGraphQLOverHTTP(t *testing.T) {
	srv := newTestServer(t, fixture(), Options{MaxComplexity: 100})
	const legacy, modern = "application/json", "application/graphql-response+json"
	for _, tc := range []struct {
		name, accept, body string
		status             int
		data               bool // whether the body has a "data" entry
		code               string
	}{
		{"parse error, json", legacy, `{"query": "{"}`, 200, false, "GRAPHQL_PARSE_FAILED"},
		{"parse error, graphql-response+json", modern, `{"query": "{"}`, 400, false, "GRAPHQL_PARSE_FAILED"},
		{"validation error, json", legacy, `{"query": "{ nope }"}`, 200, false, "GRAPHQL_VALIDATION_FAILED"},
		{"validation error, graphql-response+json", modern, `{"query": "{ nope }"}`, 400, false, "GRAPHQL_VALIDATION_FAILED"},
		{"variable coercion, json", legacy, `{"query": "query($n: Int) { firms(first: $n) { totalCount } }", "variables": {"n": "x"}}`, 200, false, "GRAPHQL_VALIDATION_FAILED"},
		{"variable coercion, graphql-response+json", modern, `{"query": "query($n: Int) { firms(first: $n) { totalCount } }", "variables": {"n": "x"}}`, 400, false, "GRAPHQL_VALIDATION_FAILED"},
		{"too complex", legacy, `{"query": "{ firms(first: 500) { nodes { id name } } }"}`, 200, false, CodeComplexityLimit},
		{"no query", legacy, `{"variables": {}}`, 400, false, CodeBadUserInput},
		{"empty query", modern, `{"query": ""}`, 400, false, CodeBadUserInput},
		{"body not JSON", legacy, `{"query": `, 400, false, ""},
		{"query not a string", legacy, `{"query": 1}`, 400, false, ""},
		{"execution error keeps data", legacy, `{"query": "{ node(id: \"bad\") { id } }"}`, 200, true, CodeBadUserInput},
		{"execution error keeps data, graphql-response+json", modern, `{"query": "{ node(id: \"bad\") { id } }"}`, 200, true, CodeBadUserInput},
		{"success", modern, `{"query": "{ firms { totalCount } }"}`, 200, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", tc.accept)
			rec := serve(t, srv, req)
			var body map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("%d %s: %v", rec.Code, rec.Body, err)
			}
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if _, ok := body["data"]; ok != tc.data {
				t.Errorf("data entry present: %v, want %v: %s", ok, tc.data, rec.Body)
			}
			if tc.code != "" && !strings.Contains(string(body["errors"]), `"code":"`+tc.code+`"`) {
				t.Errorf("errors lack code %s: %s", tc.code, body["errors"])
			}
			if tc.code == "" && tc.status == 200 && len(body["errors"]) > 0 {
				t.Errorf("errors: %s", body["errors"])
			}
		})
	}
	t.Run("GET without a query", func(t *testing.T) {
		rec := serve(t, srv, httptest.NewRequest(http.MethodGet, "/graphql", nil))
		if rec.Code != http.StatusBadRequest || strings.Contains(rec.Body.String(), `"data"`) {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})
}
