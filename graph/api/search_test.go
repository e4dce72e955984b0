package api

import (
	"testing"

	"github.com/chipgraph/chipgraph/graph"
)

func TestMatchRank(t *testing.T) {
	tests := []struct {
		key, q string
		want   int
	}{
		{"tokyo electron", "tokyo electron", matchExact},
		{"tokyo electron", "tokyo", matchPrefix},
		{"tokyo electron", "tokyo el", matchPrefix},
		{"tokyo electron", "electron", matchWordPrefix},
		{"tokyo electron", "elec", matchWordPrefix},
		{"tokyo electron", "lectron", matchSubstring},
		{"tokyo electron", "kyo e", matchSubstring},
		{"tokyo electron", "osaka", noMatch},
		{"tokyo", "tokyo electron", noMatch},
	}
	for _, tc := range tests {
		if got := matchRank(tc.key, tc.q); got != tc.want {
			t.Errorf("matchRank(%q, %q) = %d, want %d", tc.key, tc.q, got, tc.want)
		}
	}
}

// TestSearchIndexPerSnapshot: Swap builds the index once; requests reuse it.
func TestSearchIndexPerSnapshot(t *testing.T) {
	h := NewHolder()
	h.Swap(graph.MustSnapshot(fixture()))
	v := h.View()
	if v.search == nil || len(v.search.entries) != v.Snap.NumNodes() {
		t.Fatalf("index not built: %+v", v.search)
	}
	if h.View().search != v.search {
		t.Error("index rebuilt without a swap")
	}
	h.Swap(graph.MustSnapshot(fixture()))
	if h.View().search == v.search {
		t.Error("index not rebuilt for a new snapshot")
	}
}
