package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph/api"
	"github.com/chipgraph/chipgraph/graph/memstore"
	"github.com/chipgraph/chipgraph/loaders"
)

// Every request of the mix is valid against the bundled data and the
// current schema, and the report counts each kind.
func TestMixAnswers(t *testing.T) {
	ctx := context.Background()
	ds, _, err := loaders.Load(ctx, nil, loaders.Options{})
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
	srv := httptest.NewServer(api.NewServer(h, api.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()

	res := run(srv.URL, 2, 500*time.Millisecond)
	seen := map[string]bool{}
	for _, s := range res {
		seen[s.name] = true
		if s.err != "" {
			t.Errorf("%s: %s", s.name, s.err)
		}
	}
	for _, r := range mix() {
		if !seen[r.name] {
			t.Errorf("no %s request was sent in 500 ms", r.name)
		}
	}
	var out strings.Builder
	report(&out, res, 2, 500*time.Millisecond)
	if !strings.Contains(out.String(), "errors: none") || !strings.Contains(out.String(), "feasibility") {
		t.Errorf("report:\n%s", out.String())
	}
}
