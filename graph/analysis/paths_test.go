package analysis_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
	"github.com/chipgraph/chipgraph/synth"
)

// pathGraph is a small chip supply chain:
//
//	product:chip  INSTANCE_OF    input:accel
//	product:chip  FABRICATED_AT  fab:f1            (fab:f1 operated by firm:foundry)
//	fab:f1        EQUIPPED_WITH  input:litho-duv   (valid from 2020-01-01)
//	input:accel   REQUIRES       input:proc
//	input:proc    REQUIRES       input:litho-euv   (group litho)
//	input:proc    REQUIRES       input:litho-duv   (group litho)
//	input:proc    REQUIRES       input:etch
//	input:etch    REQUIRES       input:accel       (a cycle: etch tools need accelerators)
//	firm:asml     SUPPLIES       input:litho-euv   100 % in 2019, 90 % in 2025
//	firm:asml     SUPPLIES       input:litho-duv   91 % in 2019
//	firm:asml     MAKES          input:litho-duv
//	firm:nikon    SUPPLIES       input:litho-duv   9 % in 2019
//	firm:asml     MAKES          product:nxe       (another product of the supplier)
//	firm:hisilicon MAKES product:chip; firm:hisilicon SUBSIDIARY_OF firm:huawei
func pathGraph(t testing.TB) *graph.Snapshot {
	b := newDS()
	b.edge("product:chip", graph.InstanceOf, "input:accel")
	b.edge("product:chip", graph.FabricatedAt, "fab:f1")
	b.fab("fab:f1", "firm:foundry", "country:TWN")
	b.edge("fab:f1", graph.EquippedWith, "input:litho-duv", valid("2020-01-01", ""))
	b.requires("input:accel", "input:proc")
	b.requires("input:proc", "input:litho-euv", group("litho"))
	b.requires("input:proc", "input:litho-duv", group("litho"))
	b.requires("input:proc", "input:etch")
	b.requires("input:etch", "input:accel")
	b.supplies("firm:asml", "input:litho-euv", 100, 2019, "firm-hq")
	b.supplies("firm:asml", "input:litho-euv", 90, 2025, "firm-hq")
	b.supplies("firm:asml", "input:litho-duv", 91, 2019, "firm-hq")
	b.edge("firm:asml", graph.Makes, "input:litho-duv")
	b.supplies("firm:nikon", "input:litho-duv", 9, 2019, "firm-hq")
	b.edge("firm:asml", graph.Makes, "product:nxe")
	b.edge("firm:hisilicon", graph.Makes, "product:chip")
	b.firm("firm:hisilicon", "country:CHN", "firm:huawei")
	b.firm("firm:huawei", "country:CHN")
	return b.snap(t)
}

// render prints a path as "a -KIND-> b <-KIND- c": an arrow against the
// walk marks an edge walked backwards.
func render(p analysis.Path) string {
	var sb strings.Builder
	sb.WriteString(string(p.Nodes[0]))
	for i, e := range p.Edges {
		if e.Reversed {
			fmt.Fprintf(&sb, " <-%s- %s", e.Kind, p.Nodes[i+1])
		} else {
			fmt.Fprintf(&sb, " -%s-> %s", e.Kind, p.Nodes[i+1])
		}
	}
	return sb.String()
}

func TestDependencyPaths(t *testing.T) {
	s := pathGraph(t)
	e := analysis.NewEngine(s)
	tests := []struct {
		name     string
		from, to string
		depth, k int
		asOf     string
		want     []string
	}{
		{
			// Three routes: via the fab's installed DUV tools (3 edges), and
			// via the process's two lithography alternatives (4 edges each).
			// The two of length 4 first differ at their fourth node:
			// input:litho-duv < input:litho-euv, so DUV comes first. The
			// DUV step to ASML is one step although ASML both MAKES and
			// SUPPLIES it; SUPPLIES (which carries the share) explains it.
			name: "ties broken by IDs", from: "product:chip", to: "firm:asml", depth: 8, k: 5, asOf: "2024-01-01",
			want: []string{
				"product:chip -FABRICATED_AT-> fab:f1 -EQUIPPED_WITH-> input:litho-duv <-SUPPLIES- firm:asml",
				"product:chip -INSTANCE_OF-> input:accel -REQUIRES-> input:proc -REQUIRES-> input:litho-duv <-SUPPLIES- firm:asml",
				"product:chip -INSTANCE_OF-> input:accel -REQUIRES-> input:proc -REQUIRES-> input:litho-euv <-SUPPLIES- firm:asml",
			},
		},
		{
			name: "k truncates", from: "product:chip", to: "firm:asml", depth: 8, k: 2, asOf: "2024-01-01",
			want: []string{
				"product:chip -FABRICATED_AT-> fab:f1 -EQUIPPED_WITH-> input:litho-duv <-SUPPLIES- firm:asml",
				"product:chip -INSTANCE_OF-> input:accel -REQUIRES-> input:proc -REQUIRES-> input:litho-duv <-SUPPLIES- firm:asml",
			},
		},
		{
			// maxDepth 3 leaves only the path of 3 edges; 2 leaves none.
			name: "depth limit", from: "product:chip", to: "firm:asml", depth: 3, k: 5, asOf: "2024-01-01",
			want: []string{"product:chip -FABRICATED_AT-> fab:f1 -EQUIPPED_WITH-> input:litho-duv <-SUPPLIES- firm:asml"},
		},
		{name: "too deep for any path", from: "product:chip", to: "firm:asml", depth: 2, k: 5, asOf: "2024-01-01"},
		{
			// The installed base is recorded from 2020-01-01: the day before,
			// the fab path does not exist.
			name: "as-of hides an edge", from: "product:chip", to: "firm:asml", depth: 8, k: 5, asOf: "2019-12-31",
			want: []string{
				"product:chip -INSTANCE_OF-> input:accel -REQUIRES-> input:proc -REQUIRES-> input:litho-duv <-SUPPLIES- firm:asml",
				"product:chip -INSTANCE_OF-> input:accel -REQUIRES-> input:proc -REQUIRES-> input:litho-euv <-SUPPLIES- firm:asml",
			},
		},
		{
			// A supplier reached along a path is not expanded into what it
			// sells: product:nxe is made by ASML but no dependency of the chip.
			name: "suppliers are not expanded", from: "product:chip", to: "product:nxe", depth: 8, k: 5, asOf: "2024-01-01",
		},
		{
			// The cycle accel -> proc -> etch -> accel does not produce
			// non-simple paths: the only path to etch is the direct one.
			name: "cycle", from: "product:chip", to: "input:etch", depth: 20, k: 5, asOf: "2024-01-01",
			want: []string{"product:chip -INSTANCE_OF-> input:accel -REQUIRES-> input:proc -REQUIRES-> input:etch"},
		},
		{
			// From a firm: its subsidiaries' products are its own (firm
			// steps), then the dependency edges.
			name: "from a parent firm", from: "firm:huawei", to: "input:litho-euv", depth: 8, k: 5, asOf: "2024-01-01",
			want: []string{
				"firm:huawei <-SUBSIDIARY_OF- firm:hisilicon -MAKES-> product:chip -INSTANCE_OF-> input:accel -REQUIRES-> input:proc -REQUIRES-> input:litho-euv",
			},
		},
		{name: "unreachable", from: "input:litho-euv", to: "product:chip", depth: 8, k: 5, asOf: "2024-01-01"},
		{
			name: "same node", from: "product:chip", to: "product:chip", depth: 8, k: 5, asOf: "2024-01-01",
			want: []string{"product:chip"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := e.DependencyPaths(context.Background(), graph.ID(tt.from), graph.ID(tt.to), tt.depth, tt.k, date(tt.asOf))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, render(p))
				if p.Length != len(p.Edges) || len(p.Nodes) != p.Length+1 {
					t.Errorf("inconsistent path %+v", p)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestDependencyPathsExplainsEdges(t *testing.T) {
	s := pathGraph(t)
	// ASML's EUV share is a time series: 100 % (2019), 90 % (2025). In 2024
	// the 2019 row counts; from 2025 on, the 2025 row.
	for _, tc := range []struct {
		asOf  string
		share float64
		year  int
	}{{"2024-12-31", 100, 2019}, {"2025-01-01", 90, 2025}} {
		ps, err := analysis.DependencyPaths(context.Background(), s, "input:litho-euv", "firm:asml", 1, 1, date(tc.asOf))
		if err != nil || len(ps) != 1 {
			t.Fatalf("%s: %v %v", tc.asOf, ps, err)
		}
		pe := ps[0].Edges[0]
		if pe.Kind != graph.Supplies || !pe.Reversed || pe.Share == nil || *pe.Share != tc.share || pe.Year != tc.year ||
			pe.From != "input:litho-euv" || pe.To != "firm:asml" || len(pe.Sources) != 1 {
			t.Errorf("%s: edge %+v, want SUPPLIES share %v year %d walked backwards", tc.asOf, pe, tc.share, tc.year)
		}
	}
	ps, _ := analysis.DependencyPaths(context.Background(), s, "input:proc", "input:litho-euv", 1, 1, date("2024-01-01"))
	if len(ps) != 1 || ps[0].Edges[0].Group != "litho" || ps[0].Edges[0].Share != nil {
		t.Errorf("group not explained: %+v", ps)
	}
}

func TestDependencyPathsErrors(t *testing.T) {
	s := pathGraph(t)
	tests := []struct {
		from, to string
		depth, k int
		kind     graph.ErrorKind
	}{
		{"product:nope", "firm:asml", 8, 5, graph.NotFound},
		{"product:chip", "firm:nope", 8, 5, graph.NotFound},
		{"product:chip", "firm:asml", 0, 5, graph.Invalid},
		{"product:chip", "firm:asml", 21, 5, graph.Invalid},
		{"product:chip", "firm:asml", 8, 0, graph.Invalid},
		{"product:chip", "firm:asml", 8, 101, graph.Invalid},
	}
	for _, tt := range tests {
		_, err := analysis.DependencyPaths(context.Background(), s, graph.ID(tt.from), graph.ID(tt.to), tt.depth, tt.k, 0)
		if graph.KindOf(err) != tt.kind {
			t.Errorf("%v: got %v, want %v", tt, err, tt.kind)
		}
	}
}

// TestDependencyPathsManyTies checks Yen's algorithm against brute force on
// a lattice with many equal-length paths: a -> {b1..b4} -> {c1..c4} -> d,
// plus b_i -> b_{i+1} shortcuts that make longer simple paths.
func TestDependencyPathsManyTies(t *testing.T) {
	b := newDS()
	for i := 1; i <= 4; i++ {
		b.requires("input:a", fmt.Sprintf("input:b%d", i))
		for j := 1; j <= 4; j++ {
			b.requires(fmt.Sprintf("input:b%d", i), fmt.Sprintf("input:c%d", j))
		}
		if i < 4 {
			b.requires(fmt.Sprintf("input:b%d", i), fmt.Sprintf("input:b%d", i+1))
		}
	}
	for j := 1; j <= 4; j++ {
		b.requires(fmt.Sprintf("input:c%d", j), "input:d")
	}
	s := b.snap(t)
	ps, err := analysis.DependencyPaths(context.Background(), s, "input:a", "input:d", 8, 100, date("2024-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	// Upstream: c1 is at tier 2, reached from each of b1..b4; Via lists
	// all four, by the ID of the node they come from.
	items, err := analysis.Upstream(context.Background(), s, "input:a", 3, date("2024-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Node == "input:c1" {
			var from []string
			for _, v := range it.Via {
				from = append(from, string(v.From))
			}
			if it.Tier != 2 || strings.Join(from, " ") != "input:b1 input:b2 input:b3 input:b4" {
				t.Errorf("c1: tier %d via %v", it.Tier, from)
			}
		}
	}
	// Brute force: every simple path a -> d, sorted by (length, node IDs).
	want := bruteForce(s, "input:a", "input:d")
	if len(ps) != len(want) {
		t.Fatalf("got %d paths, want %d", len(ps), len(want))
	}
	for i, p := range ps {
		if got := strings.Join(idStrings(p.Nodes), " "); got != want[i] {
			t.Errorf("path %d: got %s, want %s", i, got, want[i])
		}
	}
}

func idStrings(xs []graph.ID) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// bruteForce lists the simple REQUIRES paths from a to d in (length, IDs)
// order. IDs here have equal lengths, so string order is ID order.
func bruteForce(s *graph.Snapshot, a, d graph.ID) []string {
	var out [][]string
	var walk func(path []string)
	walk = func(path []string) {
		last, _ := s.Index(graph.ID(path[len(path)-1]))
		if s.Node(last).ID == d {
			out = append(out, append([]string(nil), path...))
			return
		}
		for _, e := range s.Out(last) {
			_, to := s.Ends(e)
			id := string(s.Node(to).ID)
			if !contains(path, id) {
				walk(append(path, id))
			}
		}
	}
	walk([]string{string(a)})
	less := func(x, y []string) bool {
		if len(x) != len(y) {
			return len(x) < len(y)
		}
		return strings.Join(x, " ") < strings.Join(y, " ")
	}
	for i := range out { // insertion sort: tiny
		for j := i; j > 0 && less(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	res := make([]string, len(out))
	for i, p := range out {
		res[i] = strings.Join(p, " ")
	}
	return res
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestUpstream(t *testing.T) {
	s := pathGraph(t)
	items, err := analysis.Upstream(context.Background(), s, "product:chip", 2, date("2024-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	// Tier 1: the fab, the maker and the category, by ID (fab: < firm: <
	// input:). Tier 2: what they lead to: the installed DUV tools (from the
	// fab) and the process (from the category); the maker, a firm reached
	// as a supplier, leads nowhere.
	want := []string{
		"1 fab:f1 via product:chip FABRICATED_AT",
		"1 firm:hisilicon via product:chip MAKES",
		"1 input:accel via product:chip INSTANCE_OF",
		"2 input:litho-duv via fab:f1 EQUIPPED_WITH",
		"2 input:proc via input:accel REQUIRES",
	}
	var got []string
	for _, it := range items {
		got = append(got, fmt.Sprintf("%d %s via %s %s", it.Tier, it.Node, it.Via[0].From, it.Via[0].Kind))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Deeper: litho-duv is reached at tier 2 by the fab only; at tier 4
	// nothing repeats it. The closure is finite despite the cycle, and
	// ends at the suppliers (no firm steps from suppliers).
	items, err = analysis.Upstream(context.Background(), s, "product:chip", 20, date("2024-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	tiers := map[graph.ID]int{}
	for _, it := range items {
		if _, dup := tiers[it.Node]; dup {
			t.Errorf("%s listed twice", it.Node)
		}
		tiers[it.Node] = it.Tier
	}
	wantTiers := map[graph.ID]int{"fab:f1": 1, "firm:hisilicon": 1, "input:accel": 1, "input:litho-duv": 2, "input:proc": 2,
		"firm:asml": 3, "firm:nikon": 3, "input:etch": 3, "input:litho-euv": 3}
	if fmt.Sprint(tiers) != fmt.Sprint(wantTiers) {
		t.Errorf("tiers %v, want %v", tiers, wantTiers)
	}
	// firm:asml is reached at tier 3 from litho-duv (tier 2); litho-euv is
	// at tier 3 itself, so its edge to ASML is not a Via.
	for _, it := range items {
		if it.Node == "firm:asml" && (len(it.Via) != 1 || it.Via[0].From != "input:litho-duv") {
			t.Errorf("asml via %+v", it.Via)
		}
	}
	if _, err := analysis.Upstream(context.Background(), s, "product:nope", 3, 0); graph.KindOf(err) != graph.NotFound {
		t.Errorf("unknown node: %v", err)
	}
	if _, err := analysis.Upstream(context.Background(), s, "product:chip", 0, 0); graph.KindOf(err) != graph.Invalid {
		t.Errorf("depth 0: %v", err)
	}
}

// TestUpstreamTiers: UpstreamTiers gives Upstream's items and tiers, in the
// same order, without the Via explanations, on a synthetic graph with
// firms, fabs and suppliers, from products, inputs and firms.
func TestUpstreamTiers(t *testing.T) {
	snap, err := graph.NewSnapshot(synth.Generate(3000, 7))
	if err != nil {
		t.Fatal(err)
	}
	e := analysis.NewEngine(snap)
	day := date("2024-01-01")
	checked := 0
	for _, kind := range []graph.NodeKind{graph.KindProduct, graph.KindInput, graph.KindFirm} {
		ids := snap.OfKind(kind)
		for i := 0; i < len(ids); i += max(1, len(ids)/15) {
			id := snap.Node(ids[i]).ID
			full, err := e.Upstream(context.Background(), id, 6, day)
			if err != nil {
				t.Fatal(err)
			}
			tiers, err := e.UpstreamTiers(context.Background(), id, 6, day)
			if err != nil {
				t.Fatal(err)
			}
			if len(tiers) != len(full) {
				t.Fatalf("%s: %d items, Upstream has %d", id, len(tiers), len(full))
			}
			for j := range full {
				f, g := full[j], tiers[j]
				if f.Node != g.Node || f.Kind != g.Kind || f.Tier != g.Tier || g.Via != nil || len(f.Via) == 0 {
					t.Fatalf("%s item %d: UpstreamTiers %+v, Upstream %s %s tier %d (%d via)", id, j, g, f.Node, f.Kind, f.Tier, len(f.Via))
				}
			}
			checked += len(full)
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d items compared", checked)
	}
}
