package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCORS: a page of an allowed origin gets the headers that let it read
// answers and reports, its preflight is answered without reaching a route,
// and other origins (or a server allowing none) get no CORS header at all.
func TestCORS(t *testing.T) {
	const page = "https://dash.example.org"
	do := func(srv http.Handler, method, path, origin string, preflight bool) *httptest.ResponseRecorder {
		var body *strings.Reader
		if method == http.MethodPost {
			body = strings.NewReader(`{"query":"{ __typename }"}`)
		} else {
			body = strings.NewReader("")
		}
		req := httptest.NewRequest(method, path, body)
		req.Header.Set("Content-Type", "application/json")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if preflight {
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "content-type")
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}

	allowed := newTestServer(t, fixture(), Options{AllowOrigins: []string{page}})
	rec := do(allowed, http.MethodPost, "/graphql", page, false)
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != page {
		t.Errorf("POST from %s: %d, Access-Control-Allow-Origin %q", page, rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	}
	if rec.Header().Get("Vary") != "Origin" || rec.Header().Get("Access-Control-Expose-Headers") != "X-Request-ID" {
		t.Errorf("Vary %q, Expose-Headers %q", rec.Header().Get("Vary"), rec.Header().Get("Access-Control-Expose-Headers"))
	}
	rec = do(allowed, http.MethodGet, "/reports/chokepoints.csv", page, false)
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != page {
		t.Errorf("report from %s: %d, Access-Control-Allow-Origin %q", page, rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	}
	rec = do(allowed, http.MethodOptions, "/graphql", page, true)
	if rec.Code != http.StatusNoContent || !strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers")), "content-type") {
		t.Errorf("preflight: %d, headers %v", rec.Code, rec.Header())
	}
	for _, origin := range []string{"https://evil.example.com", ""} {
		rec = do(allowed, http.MethodPost, "/graphql", origin, false)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" || rec.Code != http.StatusOK {
			t.Errorf("POST from origin %q: %d, Access-Control-Allow-Origin %q, want none", origin, rec.Code, got)
		}
	}
	rec = do(allowed, http.MethodOptions, "/graphql", "https://evil.example.com", true)
	if rec.Code == http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin answered: %d %v", rec.Code, rec.Header())
	}

	none := newTestServer(t, fixture(), Options{})
	if rec = do(none, http.MethodPost, "/graphql", page, false); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a server allowing no origin sent Access-Control-Allow-Origin %q", rec.Header().Get("Access-Control-Allow-Origin"))
	}

	any := newTestServer(t, fixture(), Options{AllowOrigins: []string{"*"}})
	if rec = do(any, http.MethodPost, "/graphql", page, false); rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf(`with "*": Access-Control-Allow-Origin %q`, rec.Header().Get("Access-Control-Allow-Origin"))
	}
}
