package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/memstore"
	"github.com/chipgraph/chipgraph/graph/storetest"
)

// versionedReader is a Reader whose version an attack or an accident sets.
type versionedReader struct {
	graph.Reader
	v int64
}

func (r versionedReader) Version(context.Context) (int64, error) { return r.v, nil }

// A store that went empty or back in version is refused: the previous
// snapshot keeps answering, /readyz says why and is not ready, /metrics
// counts it; the operator's AcceptRegression lets it through.
func TestRefuseRegression(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	if _, err := store.Write(ctx, storetest.Sample(), graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(t, nil, Options{})
	h := srv.Holder()
	if err := h.Refresh(ctx, store); err != nil {
		t.Fatal(err)
	}
	served := h.Snapshot().Version()

	// Wiped: the store now holds nothing.
	if _, err := store.Write(ctx, &graph.Dataset{}, graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := h.Refresh(ctx, store); !errors.Is(err, ErrRegression) {
		t.Fatalf("refresh of an emptied store: %v, want ErrRegression", err)
	}
	if h.Snapshot().Version() != served {
		t.Fatal("the empty store was put into service")
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var ready struct {
		Ready   bool
		Refused string `json:"refusedReload"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &ready); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusServiceUnavailable || ready.Ready || !strings.Contains(ready.Refused, "no nodes") {
		t.Errorf("/readyz %d %s", rec.Code, rec.Body)
	}
	if r := post(t, srv, `{ node(id: "firm:acme") { id } }`, nil); !strings.Contains(string(r.Raw), "firm:acme") {
		t.Errorf("the previous snapshot stopped answering: %s", r.Raw)
	}
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if !strings.Contains(rec.Body.String(), "chipgraph_reload_refusals_total 1") {
		t.Errorf("metrics lack the refusal")
	}

	// Back in version (a restored old backup), even with data.
	old := versionedReader{Reader: store, v: 0}
	if err := h.Refresh(ctx, old); !errors.Is(err, ErrRegression) || h.Snapshot().Version() != served {
		t.Errorf("older version: %v", err)
	}

	// An operator accepts it.
	h.AcceptRegression = true
	if err := h.Refresh(ctx, store); err != nil || h.Snapshot().NumNodes() != 0 || h.Status().Refused != "" {
		t.Errorf("accepted regression: %v, %d nodes, refused %q", err, h.Snapshot().NumNodes(), h.Status().Refused)
	}
}

// Reload errors reach /readyz without the driver's message (internal hosts
// and ports), and an answering store clears an outage.
func TestReloadErrorsArePublic(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	if _, err := store.Write(ctx, storetest.Sample(), graph.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	h := NewHolder()
	if err := h.Refresh(ctx, store); err != nil {
		t.Fatal(err)
	}
	h.ReportError(graph.Errorf(graph.Unavailable, "neo4jstore.Version", "dial tcp 10.1.2.3:7687: connection refused"))
	if st := h.Status(); st.LastError != "the store is unavailable" {
		t.Errorf("last error %q", st.LastError)
	}
	if err := h.Refresh(ctx, store); err != nil || h.Status().LastError != "" {
		t.Errorf("after the store answered again: %v, last error %q", err, h.Status().LastError)
	}
}
