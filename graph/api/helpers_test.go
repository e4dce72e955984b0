package api

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// syncBuffer is a log sink safe for concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is a Server over a dataset, with its log captured.
type testServer struct {
	*Server
	log *syncBuffer
}

func newTestServer(tb testing.TB, ds *graph.Dataset, opt Options) *testServer {
	tb.Helper()
	h := NewHolder()
	if ds != nil {
		snap, err := graph.NewSnapshot(ds)
		if err != nil {
			tb.Fatal(err)
		}
		h.Swap(snap)
	}
	buf := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return &testServer{Server: NewServer(h, opt, log), log: buf}
}

// gqlError is one error of a GraphQL response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// gqlResponse is a GraphQL response as the client sees it.
type gqlResponse struct {
	Status int             `json:"-"`
	Raw    []byte          `json:"-"`
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// codes returns the extensions.code of every error.
func (r gqlResponse) codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// serve runs one request through the handler.
func serve(tb testing.TB, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	tb.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// post sends a GraphQL query as a JSON POST.
func post(tb testing.TB, h http.Handler, query string, vars map[string]any) gqlResponse {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		tb.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return decode(tb, serve(tb, h, req))
}

// get sends a GraphQL query in the URL.
func get(tb testing.TB, h http.Handler, query string, vars map[string]any) gqlResponse {
	tb.Helper()
	v := url.Values{"query": {query}}
	if vars != nil {
		b, err := json.Marshal(vars)
		if err != nil {
			tb.Fatal(err)
		}
		v.Set("variables", string(b))
	}
	req := httptest.NewRequest(http.MethodGet, "/graphql?"+v.Encode(), nil)
	return decode(tb, serve(tb, h, req))
}

func decode(tb testing.TB, rec *httptest.ResponseRecorder) gqlResponse {
	tb.Helper()
	raw, _ := io.ReadAll(rec.Body)
	r := gqlResponse{Status: rec.Code, Raw: raw}
	if err := json.Unmarshal(raw, &r); err != nil {
		tb.Fatalf("status %d, response is not JSON: %v\n%s", rec.Code, err, raw)
	}
	return r
}

// mustData fails the test if the response has errors, and returns its data.
func mustData(tb testing.TB, r gqlResponse) json.RawMessage {
	tb.Helper()
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		tb.Fatalf("status %d, errors: %s", r.Status, r.Raw)
	}
	return r.Data
}

// canonical re-encodes JSON with sorted keys and indentation, so that
// equal values compare equal as strings and diffs read well.
func canonical(tb testing.TB, data []byte) string {
	tb.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		tb.Fatalf("bad JSON %v: %s", err, data)
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return string(out) + "\n"
}

// assertJSON compares got with the JSON text want.
func assertJSON(tb testing.TB, got []byte, want string) {
	tb.Helper()
	if g, w := canonical(tb, got), canonical(tb, []byte(want)); g != w {
		tb.Errorf("got:\n%s\nwant:\n%s", g, w)
	}
}

// assertGolden compares got (JSON) with testdata/name, or rewrites the
// file with -update.
func assertGolden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	g := canonical(tb, got)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(g), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if g != string(want) {
		tb.Errorf("%s differs from the golden file (go test -update rewrites it; review the diff):\n%s",
			path, lineDiff(string(want), g))
	}
}

// lineDiff is a minimal diff: the first differing line and its
// neighbourhood.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			lo := max(0, i-3)
			var b strings.Builder
			for j := lo; j < i; j++ {
				b.WriteString("  " + wl[j] + "\n")
			}
			b.WriteString("- " + w + "\n+ " + g + "\n")
			return b.String()
		}
	}
	return ""
}
