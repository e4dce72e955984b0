package analysis

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/synth"
)

// TestKnockoutsBruteForce checks Knockouts against brute force on random
// AND/OR graphs with requirement cycles, taxonomy, subsidiaries, fabs,
// installed bases, share rows and a control: for every firm and every
// country, the removal is applied to the dataset itself (the supply rows it
// takes away deleted, the fabs it takes away handed to an operator every
// flow from which is blocked, withdrawn installed bases deleted), and
// feasibility is computed from scratch by a fresh engine with no removal
// option. The knock-outs must be exactly those removals that turn a
// feasible item infeasible.
func TestKnockoutsBruteForce(t *testing.T) {
	asOf := graph.MustDate("2024-01-01")
	knocks := 0
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 7))
		ds := randomSupplyChain(r)
		s := graph.MustSnapshot(ds)
		e := NewEngine(s)
		items := append(slices.Clone(s.OfKind(graph.KindInput)), s.OfKind(graph.KindProduct)...)
		x := items[r.IntN(len(items))]
		holder := randomHolder(r, s)
		th := []float64{0, 10, 50}[r.IntN(3)]
		keep := r.IntN(3) == 0
		opts := KnockoutOptions{Holder: holder, Threshold: &th, KeepInstalledBase: keep}
		got, err := e.Knockouts(context.Background(), s.Node(x).ID, asOf, opts)
		if err != nil {
			t.Fatal(err)
		}
		// Trying each candidate's removal in a removal world, the same
		// answer.
		plain, err := NewEngine(s).knockouts(context.Background(), s.Node(x).ID, asOf, opts, false)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := knockoutIDs(got), knockoutIDs(plain); !slices.Equal(a, b) {
			t.Fatalf("seed %d: by necessity %v, by trying each removal %v", seed, a, b)
		}
		if holder == "" && s.Node(x).Kind == graph.KindProduct {
			holder = got.Holder // the maker, as Knockouts defaults it
		}
		base := bruteObtain(t, ds, s.Node(x).ID, holder, asOf)
		if base != got.Feasible {
			t.Fatalf("seed %d: baseline feasible %v, Knockouts says %v", seed, base, got.Feasible)
		}
		var wantF, wantC, gotF, gotC []graph.ID
		for _, k := range got.Firms {
			gotF = append(gotF, k.Removed[0])
		}
		for _, k := range got.Countries {
			gotC = append(gotC, k.Removed[0])
		}
		slices.Sort(gotF)
		slices.Sort(gotC)
		group := map[graph.ID]bool{}
		if hi, ok := s.Index(holder); ok {
			for f := range e.firmGroup(hi, asOf) {
				group[s.Node(f).ID] = true
			}
		}
		for _, kind := range []graph.NodeKind{graph.KindFirm, graph.KindCountry} {
			for _, v := range s.OfKind(kind) {
				id := s.Node(v).ID
				if group[id] || !base {
					continue
				}
				cut := surgery(ds, []graph.ID{id}, group, th, keep, asOf)
				if !bruteObtain(t, cut, s.Node(x).ID, holder, asOf) {
					if kind == graph.KindFirm {
						wantF = append(wantF, id)
					} else {
						wantC = append(wantC, id)
					}
				}
			}
		}
		if !slices.Equal(gotF, wantF) || !slices.Equal(gotC, wantC) {
			t.Fatalf("seed %d: %s for %q (threshold %g, keep %v): knock-outs %v %v, brute force %v %v",
				seed, s.Node(x).ID, holder, th, keep, gotF, gotC, wantF, wantC)
		}
		knocks += len(wantF) + len(wantC)
		// A set: two firms together.
		fs := s.OfKind(graph.KindFirm)
		pair := []graph.ID{s.Node(fs[r.IntN(len(fs))]).ID, s.Node(fs[r.IntN(len(fs))]).ID}
		opts.Remove = pair
		got, err = e.Knockouts(context.Background(), s.Node(x).ID, asOf, opts)
		if err != nil {
			t.Fatal(err)
		}
		want := base && !bruteObtain(t, surgery(ds, pair, group, th, keep, asOf), s.Node(x).ID, holder, asOf)
		if got.Set.KnocksOut != want {
			t.Fatalf("seed %d: removing %v knocks %s out: %v, brute force %v", seed, pair, s.Node(x).ID, got.Set.KnocksOut, want)
		}
	}
	t.Logf("%d knock-outs", knocks)
	if knocks < 100 {
		t.Errorf("only %d knock-outs in all graphs: the random graphs do not exercise the search", knocks)
	}
}

// bruteObtain evaluates obtain from scratch in a fresh engine, without any
// removal option.
func bruteObtain(t *testing.T, ds *graph.Dataset, item, holder graph.ID, asOf graph.Date) bool {
	t.Helper()
	s, err := graph.NewSnapshot(ds)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(s)
	x, _ := s.Index(item)
	h := int32(nobody)
	if holder != "" {
		h, _ = s.Index(holder)
	}
	ok, _ := newEval(e.newWorld(asOf, nil)).obtain(x, h)
	return ok
}

// surgery returns a copy of ds with the firms and countries in set removed
// as KnockoutRule says, written as edits of the data.
func surgery(ds *graph.Dataset, set []graph.ID, exempt map[graph.ID]bool, th float64, keep bool, asOf graph.Date) *graph.Dataset {
	kind := func(id graph.ID) graph.NodeKind { return id.Kind() }
	hq, parent := map[graph.ID]graph.ID{}, map[graph.ID][]graph.ID{}
	for _, ed := range ds.Edges {
		switch ed.Kind {
		case graph.HeadquarteredIn:
			hq[ed.From] = ed.To
		case graph.SubsidiaryOf:
			parent[ed.From] = append(parent[ed.From], ed.To)
		}
	}
	inGroup := func(f, root graph.ID) bool { // f is root or a subsidiary of it, transitively
		seen := map[graph.ID]bool{}
		var up func(graph.ID) bool
		up = func(g graph.ID) bool {
			if g == root {
				return true
			}
			if seen[g] {
				return false
			}
			seen[g] = true
			return slices.ContainsFunc(parent[g], up)
		}
		return up(f)
	}
	gone := map[graph.ID]bool{}
	for _, r := range set {
		if kind(r) == graph.KindCountry {
			gone[r] = true
		}
	}
	for _, n := range ds.Nodes {
		if n.Kind != graph.KindFirm || exempt[n.ID] {
			continue
		}
		for _, r := range set {
			if (kind(r) == graph.KindFirm && inGroup(n.ID, r)) || (kind(r) == graph.KindCountry && hq[n.ID] == r) {
				gone[n.ID] = true
			}
		}
	}
	fabGone := map[graph.ID]bool{}
	for _, ed := range ds.Edges {
		if (ed.Kind == graph.OperatedBy && gone[ed.To]) || (ed.Kind == graph.LocatedIn && gone[ed.To]) {
			fabGone[ed.From] = true
		}
	}
	for _, ed := range ds.Edges {
		if ed.Kind == graph.OperatedBy && exempt[ed.To] {
			delete(fabGone, ed.From)
		}
	}
	// Per item: its makers and suppliers; the share rule.
	type row struct {
		sup   graph.ID
		share float64
		known bool
	}
	makers, agg := map[graph.ID][]row{}, map[graph.ID]float64{}
	for _, ed := range ds.Edges {
		if ed.Kind != graph.Makes && ed.Kind != graph.Supplies {
			continue
		}
		if ed.Aggregate() {
			if ed.HasShare() {
				agg[ed.To] += ed.Share
			}
			continue
		}
		makers[ed.To] = append(makers[ed.To], row{ed.From, ed.Share, ed.Kind == graph.Supplies && ed.HasShare()})
	}
	drop := map[[2]graph.ID]bool{} // (supplier, item) rows deleted
	for y, rows := range makers {
		hit := false
		for _, rw := range rows {
			hit = hit || gone[rw.sup]
		}
		if !hit {
			continue
		}
		firmLevel := slices.ContainsFunc(rows, func(rw row) bool { return kind(rw.sup) == graph.KindFirm })
		known, rest, unknown := 0.0, 0.0, false
		if firmLevel { // the aggregate rows are firm:various's
			known = agg[y]
		}
		seen := map[graph.ID]bool{}
		for _, rw := range rows {
			if (kind(rw.sup) == graph.KindFirm) != firmLevel || seen[rw.sup] {
				continue
			}
			seen[rw.sup] = true
			switch {
			case rw.known:
				known += rw.share
				if !gone[rw.sup] {
					rest += rw.share
				}
			case !gone[rw.sup]:
				unknown = true
			}
		}
		if unknown {
			rest += max(0, 100-known)
		}
		for _, rw := range rows {
			if gone[rw.sup] || (rest < th && !exempt[rw.sup]) {
				drop[[2]graph.ID{rw.sup, y}] = true
			}
		}
	}
	out := &graph.Dataset{Nodes: slices.Clone(ds.Nodes)}
	out.Nodes = append(out.Nodes,
		graph.Node{ID: "country:ZZZ", Kind: graph.KindCountry},
		graph.Node{ID: "firm:removed", Kind: graph.KindFirm},
		graph.Node{ID: "event:removed", Kind: graph.KindControlEvent, Date: graph.MustDate("2000-01-01"),
			Issuer: "country:ZZZ", Reach: "hq", CoversAll: true})
	out.Edges = append(out.Edges, graph.Edge{From: "firm:removed", To: "country:ZZZ", Kind: graph.HeadquarteredIn, Share: graph.NoShare})
	for _, n := range ds.Nodes {
		if n.Kind == graph.KindFirm || n.Kind == graph.KindCountry {
			out.Edges = append(out.Edges, graph.Edge{From: "event:removed", To: n.ID, Kind: graph.Targets, Share: graph.NoShare})
		}
	}
	for _, ed := range ds.Edges {
		switch {
		case (ed.Kind == graph.Makes || ed.Kind == graph.Supplies) && drop[[2]graph.ID{ed.From, ed.To}]:
			continue
		case ed.Kind == graph.OperatedBy && fabGone[ed.From]:
			ed.To = "firm:removed" // the fab stands, nobody can get anything from it
		}
		out.Edges = append(out.Edges, ed)
	}
	if keep {
		return out
	}
	// Full withdrawal: an installed base of a tool all of whose routes
	// the removal took away stops counting.
	before := NewEngine(graph.MustSnapshot(ds)).newWorld(asOf, nil)
	after := NewEngine(graph.MustSnapshot(out)).newWorld(asOf, nil)
	final := &graph.Dataset{Nodes: out.Nodes}
	for _, ed := range out.Edges {
		if ed.Kind == graph.EquippedWith {
			tb, _ := before.s.Index(ed.To)
			ta, _ := after.s.Index(ed.To)
			if len(before.sources(tb)) > 0 && len(after.sources(ta)) == 0 {
				continue
			}
		}
		final.Edges = append(final.Edges, ed)
	}
	return final
}

// randomSupplyChain is a small random supply chain: requirements with
// cycles and OR-groups, taxonomy, firms in three countries with
// subsidiaries, makers and share rows (some unknown, some aggregate),
// country rows, fabs with installed bases and products fabricated at them,
// and one control. A firm supplies at most one item of a taxonomy chain, and
// country rows are only on items outside the taxonomy that no firm
// supplies: the cases where a removal would change which rows stand for a
// supplier are KnockoutRule's, not the data's.
func randomSupplyChain(r *rand.Rand) *graph.Dataset {
	ds := &graph.Dataset{}
	add := func(id string) {
		ds.Nodes = append(ds.Nodes, graph.Node{ID: graph.ID(id), Kind: graph.ID(id).Kind()})
	}
	edge := func(from string, k graph.EdgeKind, to string) *graph.Edge {
		ds.Edges = append(ds.Edges, graph.Edge{From: graph.ID(from), To: graph.ID(to), Kind: k, Share: graph.NoShare})
		return &ds.Edges[len(ds.Edges)-1]
	}
	countries := []string{"country:AAA", "country:BBB", "country:CCC"}
	for _, c := range countries {
		add(c)
	}
	nIn, nProd, nFirm, nFab := 5+r.IntN(5), 2+r.IntN(3), 3+r.IntN(4), r.IntN(3)
	in := func(i int) string { return fmt.Sprintf("input:i%d", i) }
	pr := func(i int) string { return fmt.Sprintf("product:p%d", i) }
	fm := func(i int) string { return fmt.Sprintf("firm:f%d", i) }
	fb := func(i int) string { return fmt.Sprintf("fab:b%d", i) }
	up := map[string][]string{} // item -> items above it in the taxonomy
	for i := range nIn {
		add(in(i))
		if i > 0 && r.IntN(4) == 0 {
			p := in(r.IntN(i))
			edge(in(i), graph.TypeOf, p)
			up[in(i)] = append([]string{p}, up[p]...)
		}
	}
	for i := range nProd {
		add(pr(i))
		if r.IntN(2) == 0 {
			p := in(r.IntN(nIn))
			edge(pr(i), graph.InstanceOf, p)
			up[pr(i)] = append([]string{p}, up[p]...)
		}
	}
	related := func(a, b string) bool { return a == b || slices.Contains(up[a], b) || slices.Contains(up[b], a) }
	inTaxonomy := func(x string) bool {
		if len(up[x]) > 0 {
			return true
		}
		for _, u := range up {
			if slices.Contains(u, x) {
				return true
			}
		}
		return false
	}
	for i := range nFirm {
		add(fm(i))
		edge(fm(i), graph.HeadquarteredIn, countries[r.IntN(len(countries))])
		if i > 0 && r.IntN(5) == 0 {
			edge(fm(i), graph.SubsidiaryOf, fm(r.IntN(i)))
		}
	}
	add("firm:various")
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
		if e := edge(from, graph.Requires, to); r.IntN(3) == 0 {
			e.Group = "g"
		}
	}
	supplied := map[string][]string{} // firm -> items
	firmItems := map[string]bool{}
	for range 2 * (nIn + nProd) {
		f, x := fm(r.IntN(nFirm)), items()
		if slices.ContainsFunc(supplied[f], func(y string) bool { return related(x, y) }) {
			continue
		}
		supplied[f] = append(supplied[f], x)
		firmItems[x] = true
		if r.IntN(3) == 0 {
			edge(f, graph.Makes, x)
			continue
		}
		e := edge(f, graph.Supplies, x)
		e.Year, e.Basis = 2020, "firm-hq"
		if r.IntN(4) > 0 {
			e.Share = float64(1 + r.IntN(95))
		}
	}
	for range r.IntN(3) {
		e := edge("firm:various", graph.Supplies, items())
		e.Year, e.Basis, e.Share = 2020, "aggregate", float64(r.IntN(30))
	}
	for i := range nIn {
		if x := in(i); !firmItems[x] && !inTaxonomy(x) && r.IntN(2) == 0 {
			for _, c := range countries[:1+r.IntN(3)] {
				e := edge(c, graph.Supplies, x)
				e.Year, e.Basis = 2020, "country-hq"
				if r.IntN(3) > 0 {
					e.Share = float64(1 + r.IntN(80))
				}
			}
		}
	}
	for i := range nFab {
		add(fb(i))
		edge(fb(i), graph.OperatedBy, fm(r.IntN(nFirm)))
		edge(fb(i), graph.LocatedIn, countries[r.IntN(len(countries))])
		for range 1 + r.IntN(3) {
			edge(fb(i), graph.EquippedWith, in(r.IntN(nIn)))
		}
		for range r.IntN(3) {
			edge(pr(r.IntN(nProd)), graph.FabricatedAt, fb(i))
		}
	}
	ds.Nodes = append(ds.Nodes, graph.Node{ID: "event:c", Kind: graph.KindControlEvent, Date: graph.MustDate("2020-01-01"),
		Issuer: "country:BBB", Reach: "hq"})
	edge("event:c", graph.Targets, "country:AAA")
	for range 1 + r.IntN(3) {
		edge("event:c", graph.Covers, items())
	}
	// Deduplicate parallel edges the draws may have produced.
	type k struct {
		from, to graph.ID
		kind     graph.EdgeKind
	}
	dedup := map[k]bool{}
	out := ds.Edges[:0]
	for _, ed := range ds.Edges {
		if kk := (k{ed.From, ed.To, ed.Kind}); !dedup[kk] {
			dedup[kk] = true
			out = append(out, ed)
		}
	}
	ds.Edges = out
	return ds
}

func knockoutIDs(r KnockoutResult) []graph.ID {
	var out []graph.ID
	for _, k := range append(slices.Clone(r.Firms), r.Countries...) {
		out = append(out, k.Removed...)
	}
	slices.Sort(out) // the two methods may rank ties differently (items taken down)
	return out
}

// TestKnockoutsSharedGraph asks many knock-out questions of one Engine, in
// random order, on random supply chains: every item as the item, with
// random holders, thresholds and installed-base rules, so that one day's
// necessity graph grows question by question and serves holders with
// different exemptions. Each answer, all of it (candidates, what is taken
// down, shares, paths), must be a fresh Engine's, which builds its graph
// for that question alone: the graph's sets and witness do not depend on
// what was asked before.
func TestKnockoutsSharedGraph(t *testing.T) {
	asOf := graph.MustDate("2024-01-01")
	questions, withKOs, nontrivial := 0, 0, 0
	for seed := range uint64(60) {
		r := rand.New(rand.NewPCG(seed, 11))
		ds := randomSupplyChain(r)
		s := graph.MustSnapshot(ds)
		shared := NewEngine(s)
		items := append(slices.Clone(s.OfKind(graph.KindInput)), s.OfKind(graph.KindProduct)...)
		r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		for _, x := range items {
			holder := randomHolder(r, s)
			th := []float64{10, 50}[r.IntN(2)] // two thresholds: two graphs of the day, both grown
			opts := KnockoutOptions{Holder: holder, Threshold: &th, KeepInstalledBase: r.IntN(4) == 0}
			got, err := shared.KnockoutsUncached(context.Background(), s.Node(x).ID, asOf, opts)
			if err != nil {
				t.Fatal(err)
			}
			want, err := NewEngine(s).KnockoutsUncached(context.Background(), s.Node(x).ID, asOf, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d, %s %+v: the shared graph's answer differs from a fresh engine's\n got %+v\nwant %+v", seed, s.Node(x).ID, opts, got, want)
			}
			questions++
			if len(got.Firms)+len(got.Countries) > 0 {
				withKOs++
			}
			if got.Candidates > 0 {
				nontrivial++
			}
		}
	}
	t.Logf("%d questions, %d with knock-outs, %d with candidates", questions, withKOs, nontrivial)
	if withKOs < questions/10 {
		t.Fatalf("only %d of %d questions have knock-outs: the comparison says little", withKOs, questions)
	}
}

// randomHolder returns a random firm, the country AAA or the default
// holder (""), a third of the time each.
func randomHolder(r *rand.Rand, s *graph.Snapshot) graph.ID {
	switch r.IntN(3) {
	case 0:
		fs := s.OfKind(graph.KindFirm)
		return s.Node(fs[r.IntN(len(fs))]).ID
	case 1:
		return "country:AAA"
	}
	return ""
}

// TestKnockoutsGrowthOutlivesRequest: a question whose request gives up
// while the day's necessity graph grows returns at once with its context's
// error, and the growth runs to its end and is kept, so that a graph that
// takes longer to build than a request may wait still gets built. The next
// question finds it solved and answers as a fresh engine does.
func TestKnockoutsGrowthOutlivesRequest(t *testing.T) {
	ds := synth.Generate(5_000, 1)
	s := graph.MustSnapshot(ds)
	e := NewEngine(s)
	asOf := graph.MustDate("2024-06-01")
	var item graph.ID
	for _, p := range s.OfKind(graph.KindProduct) {
		item = s.Node(p).ID
		break
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.Knockouts(ctx, item, asOf, KnockoutOptions{})
	gaveUp := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a 5 ms request: %v, want the deadline's error", err)
	}
	e.nec.token <- struct{}{} // the growth holds the token until its end
	key := necKey{asOf, DefaultKnockoutThreshold, false, false}
	n := e.nec.graphs[key]
	<-e.nec.token
	took := time.Since(start)
	if n == nil || n.solved == 0 || n.solved != len(n.nodes) {
		t.Fatalf("after the request gave up: graph %v, want it grown and solved", n != nil)
	}
	t.Logf("request returned after %v; the graph (%d nodes) was done after %v", gaveUp, len(n.nodes), took)
	if took < 2*gaveUp {
		t.Logf("the growth was quick on this machine: the test shows little")
	}
	got, err := e.Knockouts(context.Background(), item, asOf, KnockoutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := NewEngine(s).Knockouts(context.Background(), item, asOf, KnockoutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the kept growth: %+v, want a fresh engine's %+v", got, want)
	}
}
