package synth_test

import (
	"context"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
	"github.com/chipgraph/chipgraph/synth"
)

func TestGenerateDeterministic(t *testing.T) {
	a, b, c := synth.Generate(2000, 1), synth.Generate(2000, 1), synth.Generate(2000, 2)
	sa, sb, sc := graph.MustSnapshot(a), graph.MustSnapshot(b), graph.MustSnapshot(c)
	if sa.Version() != sb.Version() {
		t.Errorf("same seed, different graphs: %s %s", sa.Version(), sb.Version())
	}
	if sa.Version() == sc.Version() {
		t.Errorf("different seeds, same graph")
	}
}

func TestGenerateShape(t *testing.T) {
	for _, n := range []int{synth.MinNodes, synth.Small, 10_000} {
		ds := synth.Generate(n, 7)
		if len(ds.Nodes) != n {
			t.Errorf("n=%d: %d nodes", n, len(ds.Nodes))
		}
		s, err := graph.NewSnapshot(ds) // unique IDs, every endpoint present
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		perNode := float64(s.NumEdges()) / float64(s.NumNodes())
		if n >= synth.Small && (perNode < 4.5 || perNode > 6.5) {
			t.Errorf("n=%d: %.2f edges per node, want about 5.5", n, perNode)
		}
		for i := range s.NumNodes() {
			nd := s.Node(int32(i))
			if _, err := graph.ParseID(string(nd.ID)); err != nil {
				t.Fatalf("n=%d: %v", n, err)
			}
		}
		for i := range s.NumEdges() {
			e := s.Edge(int32(i))
			if e.HasShare() && (e.Share < 0 || e.Share > 100) {
				t.Fatalf("share out of range: %+v", e)
			}
			for _, d := range []graph.Date{e.ValidFrom, e.ValidTo} {
				if d != 0 {
					if _, err := graph.ParseDate(d.String()); err != nil {
						t.Fatalf("bad date: %+v", e)
					}
				}
			}
		}
		// The requirement DAG: acyclic and Levels deep (longest REQUIRES
		// chain among inputs, by memoised DFS; a cycle would recurse
		// forever or show as depth > the number of inputs).
		depth := map[int32]int{}
		var longest func(v int32, onPath map[int32]bool) int
		longest = func(v int32, onPath map[int32]bool) int {
			if d, ok := depth[v]; ok {
				return d
			}
			if onPath[v] {
				t.Fatalf("requirement cycle through %s", s.Node(v).ID)
			}
			onPath[v] = true
			best := 0
			for _, e := range s.Out(v) {
				if s.Edge(e).Kind == graph.Requires {
					_, to := s.Ends(e)
					best = max(best, 1+longest(to, onPath))
				}
			}
			delete(onPath, v)
			depth[v] = best
			return best
		}
		maxDepth := 0
		for _, v := range s.OfKind(graph.KindInput) {
			maxDepth = max(maxDepth, longest(v, map[int32]bool{}))
		}
		if maxDepth != synth.Levels-1 {
			t.Errorf("n=%d: requirement depth %d, want %d", n, maxDepth, synth.Levels-1)
		}
	}
}

// TestPlanted: the planted chokepoints 1-3 rank first once their control
// is in effect, and all five have one supplier (HHI 10,000) and no
// alternatives.
func TestPlanted(t *testing.T) {
	for seed := range int64(4) {
		testPlanted(t, seed)
	}
}

func testPlanted(t *testing.T, seed int64) {
	s := graph.MustSnapshot(synth.Generate(synth.Small*5, seed))
	e := analysis.NewEngine(s)
	cs, err := e.Chokepoints(context.Background(), "", synth.PlantedEffective, 0)
	if err != nil {
		t.Fatal(err)
	}
	top := map[graph.ID]bool{}
	for _, c := range cs[:3] {
		top[c.Input] = true
	}
	for i := 1; i <= 3; i++ {
		if !top[synth.PlantedChokepoint(i)] {
			t.Errorf("seed %d: %s not in the top 3: %v %v %v", seed, synth.PlantedChokepoint(i), cs[0].Input, cs[1].Input, cs[2].Input)
		}
	}
	for _, c := range cs {
		for i := 1; i <= synth.PlantedChokepoints; i++ {
			if c.Input != synth.PlantedChokepoint(i) {
				continue
			}
			// Their requirers have no alternative; a few dependents further
			// up reach them only through an OR-group, so nearly all, not all,
			// dependents are exposed.
			if c.HHI == nil || *c.HHI != 10000 || c.TopSupplier != synth.PlantedMonopolist(i) || c.Exposed < c.Dependents*9/10 ||
				c.Dependents == 0 || c.LowerBound {
				t.Errorf("planted %d: %+v", i, c)
			}
			if controlled := len(c.Controls) > 0; controlled != (i <= 3) {
				t.Errorf("planted %d: controls %v", i, c.Controls)
			}
		}
	}
}

func TestParseTier(t *testing.T) {
	for in, want := range map[string]int{"small": 1000, "M": 100_000, "l": 1_000_000, "1k": 1000, "100k": 100_000,
		"1m": 1_000_000, "1e5": 100_000, "2500": 2500} {
		if got, err := synth.ParseTier(in); err != nil || got != want {
			t.Errorf("%s: %d %v, want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "huge", "10", "-5k"} {
		if _, err := synth.ParseTier(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
