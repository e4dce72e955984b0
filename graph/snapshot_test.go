package graph

import "testing"

func TestNewSnapshotRejects(t *testing.T) {
	firm := func(id ID) Node { return Node{ID: id, Kind: KindFirm, Name: string(id)} }
	country := Node{ID: "country:CHN", Kind: KindCountry, Name: "China"}
	hq := Edge{From: "firm:a", To: "country:CHN", Kind: HeadquarteredIn, Share: NoShare}
	noted, dated, barred := hq, hq, hq
	noted.Note, dated.Year, barred.From = "again", 2024, "firm:a|b"
	tests := []struct {
		name string
		ds   Dataset
		kind ErrorKind
	}{
		{"duplicate node", Dataset{Nodes: []Node{firm("firm:a"), firm("firm:a")}}, Conflict},
		{"duplicate edge", Dataset{Nodes: []Node{firm("firm:a"), country}, Edges: []Edge{hq, hq}}, Conflict},
		{"dangling edge", Dataset{Nodes: []Node{firm("firm:a")}, Edges: []Edge{hq}}, Invalid},
		{"dangling start", Dataset{Nodes: []Node{country}, Edges: []Edge{hq}}, Invalid},
		// The key is the ends, the kind and, for SUPPLIES only, the year:
		// rows differing elsewhere are the same fact twice.
		{"duplicate edge, other note", Dataset{Nodes: []Node{firm("firm:a"), country}, Edges: []Edge{hq, noted}}, Conflict},
		{"duplicate edge, year outside its key", Dataset{Nodes: []Node{firm("firm:a"), country}, Edges: []Edge{hq, dated}}, Conflict},
		{"duplicate edge, separator in an ID", Dataset{Nodes: []Node{firm("firm:a|b"), country}, Edges: []Edge{barred, barred}}, Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSnapshot(&tt.ds)
			if KindOf(err) != tt.kind {
				t.Fatalf("NewSnapshot: err = %v (kind %v), want kind %v", err, KindOf(err), tt.kind)
			}
		})
	}
	// The same supplier and item in two years are two facts, not a duplicate.
	s2019, s2025 := Edge{From: "firm:a", To: "country:CHN", Kind: HeadquarteredIn, Share: NoShare}, hq
	s2019.Kind, s2025.Kind = Supplies, Supplies
	s2019.Year, s2025.Year = 2019, 2025
	in := Node{ID: "input:x", Kind: KindInput, Name: "x"}
	s2019.To, s2025.To = in.ID, in.ID
	if _, err := NewSnapshot(&Dataset{Nodes: []Node{firm("firm:a"), in}, Edges: []Edge{s2019, s2025}}); err != nil {
		t.Fatalf("a share time series: %v", err)
	}
}
