package analysis

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
)

// TestFeasibilityLeastFixedPoint checks the memoised evaluation (solve)
// against a naive least-fixed-point iteration of the same AND/OR equations
// on random small graphs full of cycles: requirement cycles, and cycles
// through categories (an instance of C whose requirements lead back to C).
func TestFeasibilityLeastFixedPoint(t *testing.T) {
	for seed := range uint64(300) {
		s := randomGraph(seed)
		e := NewEngine(s)
		w := e.newWorld(graph.MustDate("2024-01-01"), nil)
		want := naiveFixpoint(w)
		shared := newEval(e.newWorld(graph.MustDate("2024-01-01"), nil))
		for k, v := range want {
			if k&3 != modeObtain {
				continue
			}
			x, h := int32(k>>34), int32(uint32(k>>2))-1
			fresh := newEval(e.newWorld(graph.MustDate("2024-01-01"), nil))
			got1, _ := fresh.obtain(x, h)
			got2, _ := shared.obtain(x, h)
			if got1 != v || got2 != v {
				t.Fatalf("seed %d: obtain(%s, %s) = %v (fresh), %v (shared), want %v", seed, s.Node(x).ID, w.id(h), got1, got2, v)
			}
		}
	}
}

func randomGraph(seed uint64) *graph.Snapshot {
	r := rand.New(rand.NewPCG(seed, 1))
	ds := &graph.Dataset{}
	add := func(id string) {
		ds.Nodes = append(ds.Nodes, graph.Node{ID: graph.ID(id), Kind: graph.ID(id).Kind()})
	}
	edge := func(from string, k graph.EdgeKind, to string) *graph.Edge {
		ds.Edges = append(ds.Edges, graph.Edge{From: graph.ID(from), To: graph.ID(to), Kind: k, Share: graph.NoShare})
		return &ds.Edges[len(ds.Edges)-1]
	}
	nIn, nProd, nFirm := 6+r.IntN(5), 2+r.IntN(4), 2+r.IntN(3)
	in := func(i int) string { return fmt.Sprintf("input:i%d", i) }
	pr := func(i int) string { return fmt.Sprintf("product:p%d", i) }
	fm := func(i int) string { return fmt.Sprintf("firm:f%d", i) }
	add("country:AAA")
	add("country:BBB")
	for i := range nIn {
		add(in(i))
	}
	for i := range nProd {
		add(pr(i))
		edge(pr(i), graph.InstanceOf, in(r.IntN(nIn)))
	}
	for i := range nFirm {
		add(fm(i))
		edge(fm(i), graph.HeadquarteredIn, []string{"country:AAA", "country:BBB"}[r.IntN(2)])
	}
	items := func() string {
		if r.IntN(4) == 0 {
			return pr(r.IntN(nProd))
		}
		return in(r.IntN(nIn))
	}
	seen := map[string]bool{}
	for range nIn + nProd + r.IntN(8) {
		from, to := items(), items()
		if from == to || seen[from+to] {
			continue
		}
		seen[from+to] = true
		e := edge(from, graph.Requires, to)
		if r.IntN(3) == 0 {
			e.Group = "g"
		}
	}
	for i := range nIn {
		if i > 0 && r.IntN(4) == 0 {
			edge(in(i), graph.TypeOf, in(r.IntN(i)))
		}
	}
	seen = map[string]bool{}
	for range nIn + r.IntN(nIn) {
		f, x := fm(r.IntN(nFirm)), items()
		if seen[f+x] {
			continue
		}
		seen[f+x] = true
		if r.IntN(2) == 0 {
			edge(f, graph.Makes, x)
		} else {
			edge(f, graph.Supplies, x).Year = 2020
		}
	}
	// One control binding firms in country AAA for a few items, so that
	// some holders are targeted and some flows blocked.
	ds.Nodes = append(ds.Nodes, graph.Node{ID: "event:c", Kind: graph.KindControlEvent, Date: graph.MustDate("2020-01-01"),
		Issuer: "country:BBB", Reach: "hq"})
	edge("event:c", graph.Targets, "country:AAA")
	covered := map[string]bool{}
	for range 1 + r.IntN(3) {
		if x := items(); !covered[x] {
			covered[x] = true
			edge("event:c", graph.Covers, x)
		}
	}
	return graph.MustSnapshot(ds)
}

// naiveFixpoint iterates the obtain/canMake equations from all-false until
// nothing changes (the least fixed point), for every item and holder.
func naiveFixpoint(w *world) map[uint64]bool {
	s := w.s
	var items, holders []int32
	items = append(append(items, s.OfKind(graph.KindInput)...), s.OfKind(graph.KindProduct)...)
	holders = append(append(append(holders, nobody), s.OfKind(graph.KindFirm)...), s.OfKind(graph.KindCountry)...)
	val := map[uint64]bool{}
	// obtain(x, h) = makes it in-house and can make it, or a supplier (any
	// firm of h's group, or one no control blocks) can make it.
	obtain := func(x, h int32) bool {
		for _, d := range w.down(x) {
			if w.makesInHouse(h, d.node) && val[evalKey(modeMake, d.node, h)] {
				return true
			}
		}
		for _, rt := range w.sources(x) {
			if len(w.blockers(rt.sup.node, h, rt.y)) == 0 && val[evalKey(modeMake, rt.y, rt.sup.node)] {
				return true
			}
		}
		return false
	}
	canMake := func(y, h int32) bool {
		for _, cl := range w.clauses(y) {
			ok := false
			for _, a := range cl.alts {
				ok = ok || val[evalKey(modeObtain, a.node, h)]
			}
			if !ok {
				return false
			}
		}
		return true
	}
	for changed := true; changed; {
		changed = false
		for _, x := range items {
			for _, h := range holders {
				for mode, f := range map[uint64]func(int32, int32) bool{modeObtain: obtain, modeMake: canMake} {
					k := evalKey(mode, x, h)
					if !val[k] && f(x, h) {
						val[k] = true
						changed = true
					}
				}
			}
		}
	}
	out := map[uint64]bool{}
	for _, x := range items {
		for _, h := range holders {
			out[evalKey(modeObtain, x, h)] = val[evalKey(modeObtain, x, h)]
		}
	}
	return out
}
