package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
)

// The dataset query, /readyz, /metrics and the report say how current the
// data is, and agree with each other and with the engine.
func TestFreshness(t *testing.T) {
	srv := bundledServer(t)
	var got struct {
		Dataset struct {
			Version      string
			CurrentTo    string
			LatestEvents []struct{ ID string }
			Nodes, Edges int
		}
	}
	if err := json.Unmarshal(mustData(t, post(t, srv, `{ dataset { version currentTo latestEvents { id } nodes edges } }`, nil)), &got); err != nil {
		t.Fatal(err)
	}
	v := srv.Holder().View()
	day, ids := v.Engine.CurrentTo(graph.Today())
	d := got.Dataset
	if d.Version != v.Snap.Version() || d.CurrentTo != day.String() || d.Nodes != v.Snap.NumNodes() || d.Edges != v.Snap.NumEdges() {
		t.Errorf("dataset %+v; want version %s, current to %s", d, v.Snap.Version(), day)
	}
	// The bundled data runs to late 2026 (issue 11): anything earlier means
	// events were lost on the way.
	if day < graph.MustDate("2026-01-15") || len(d.LatestEvents) != len(ids) || len(ids) == 0 {
		t.Errorf("current to %s with events %v", day, ids)
	}

	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var ready struct{ DataCurrentTo string }
	if err := json.Unmarshal(rec.Body.Bytes(), &ready); err != nil || ready.DataCurrentTo != day.String() {
		t.Errorf("/readyz dataCurrentTo %q (%v), want %s", ready.DataCurrentTo, err, day)
	}
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if !strings.Contains(rec.Body.String(), "chipgraph_data_current_to_timestamp_seconds ") {
		t.Errorf("/metrics lacks chipgraph_data_current_to_timestamp_seconds")
	}
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/reports/chokepoints.json?first=1", nil))
	var rep struct{ DataCurrentTo string }
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil || rep.DataCurrentTo != day.String() {
		t.Errorf("report dataCurrentTo %q (%v), want %s", rep.DataCurrentTo, err, day)
	}
}
