package analysis_test

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
	"github.com/chipgraph/chipgraph/synth"
)

// Benchmarks run on synthetic graphs (synth/) of 10^3 and 10^5 nodes,
// and 10^6 with -large:
//
//	go test -run '^$' -bench . -benchmem ./graph/analysis/
//	go test -run '^$' -bench . -benchmem ./graph/analysis/ -large
//
// Query benchmarks cycle through a fixed set of queries and report the
// median and 99th-percentile latency besides the mean (ns/op).
var large = flag.Bool("large", false, "also benchmark the 10^6-node synthetic graph")

const benchSeed = 1

var benchAsOf = graph.MustDate("2024-06-01")

type fixture struct {
	ds       *graph.Dataset // canonical; NewSnapshot benchmarks copy it
	s        *graph.Snapshot
	e        *analysis.Engine
	products []graph.ID
	paths    map[int][][2]graph.ID // maxDepth -> (from, to) pairs with a path
	buyers   []graph.ID
}

var (
	fixMu    sync.Mutex
	fixtures = map[int]*fixture{}
)

func sizes(b *testing.B) []int {
	ns := []int{synth.Small, synth.Medium}
	if *large {
		ns = append(ns, synth.Large)
	}
	return ns
}

func getFixture(b *testing.B, n int) *fixture {
	b.Helper()
	fixMu.Lock()
	defer fixMu.Unlock()
	if f, ok := fixtures[n]; ok {
		return f
	}
	ds := synth.Generate(n, benchSeed)
	s, err := graph.NewSnapshot(ds)
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{ds: s.Dataset(), s: s, e: analysis.NewEngine(s), paths: map[int][][2]graph.ID{}}
	prods := s.OfKind(graph.KindProduct)
	step := max(1, len(prods)/64)
	for i := 0; i < len(prods) && len(f.products) < 64; i += step {
		f.products = append(f.products, s.Node(prods[i]).ID)
	}
	// Path queries: from a product to the deepest input of its upstream and
	// to a supplier firm at the farthest tier within maxDepth: long paths,
	// the hard case.
	for _, depth := range []int{8, 16} {
		for _, p := range f.products[:32] {
			items, err := f.e.Upstream(context.Background(), p, depth, benchAsOf)
			if err != nil || len(items) == 0 {
				continue
			}
			var deepIn, deepFirm graph.ID
			for _, it := range items {
				switch it.Kind {
				case graph.KindInput:
					deepIn = it.Node
				case graph.KindFirm:
					deepFirm = it.Node
				}
			}
			if deepIn != "" {
				f.paths[depth] = append(f.paths[depth], [2]graph.ID{p, deepIn})
			}
			if deepFirm != "" {
				f.paths[depth] = append(f.paths[depth], [2]graph.ID{p, deepFirm})
			}
		}
	}
	f.buyers = []graph.ID{"country:CHN", "country:USA", "country:NLD"}
	firms := s.OfKind(graph.KindFirm)
	for i := 0; i < 13; i++ {
		f.buyers = append(f.buyers, s.Node(firms[(i*7919)%len(firms)]).ID)
	}
	fixtures[n] = f
	return f
}

// latencies collects per-query durations and reports percentiles.
type latencies []time.Duration

func (l *latencies) time(fn func()) {
	t := time.Now()
	fn()
	*l = append(*l, time.Since(t))
}

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	b.ReportMetric(float64(l[len(l)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(l[len(l)*99/100].Nanoseconds()), "p99-ns")
}

func BenchmarkSnapshotBuild(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			f := getFixture(b, n)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				ds := &graph.Dataset{Nodes: slices.Clone(f.ds.Nodes), Edges: slices.Clone(f.ds.Edges)}
				b.StartTimer()
				if _, err := graph.NewSnapshot(ds); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNewEngine(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			f := getFixture(b, n)
			b.ReportAllocs()
			for b.Loop() {
				analysis.NewEngine(f.s)
			}
		})
	}
}

func BenchmarkDependencyPaths(b *testing.B) {
	for _, n := range sizes(b) {
		for _, depth := range []int{8, 16} {
			b.Run(fmt.Sprintf("n=%d/k=5/maxDepth=%d", n, depth), func(b *testing.B) {
				benchPaths(b, getFixture(b, n), depth)
			})
		}
	}
}

func benchPaths(b *testing.B, f *fixture, depth int) {
	qs := f.paths[depth]
	if len(qs) == 0 {
		b.Skip("no path queries")
	}
	var lat latencies
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		q := qs[i%len(qs)]
		i++
		lat.time(func() {
			ps, err := f.e.DependencyPaths(context.Background(), q[0], q[1], depth, 5, benchAsOf)
			if err != nil || len(ps) == 0 {
				b.Fatalf("%v -> %v: %d paths, %v", q[0], q[1], len(ps), err)
			}
		})
	}
	lat.report(b)
}

func BenchmarkUpstream(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d/depth=8", n), func(b *testing.B) {
			f := getFixture(b, n)
			var lat latencies
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				p := f.products[i%len(f.products)]
				i++
				lat.time(func() {
					if _, err := f.e.Upstream(context.Background(), p, 8, benchAsOf); err != nil {
						b.Fatal(err)
					}
				})
			}
			lat.report(b)
		})
	}
}

func BenchmarkFeasibility(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			f := getFixture(b, n)
			query := func(i int) (graph.ID, graph.ID) {
				return f.products[i%len(f.products)], f.buyers[(i/len(f.products)+i)%len(f.buyers)]
			}
			// One pass over the query set first, on a fresh Engine: the cost of
			// a question nobody asked before at this epoch (cold), reported
			// apart; the loop then measures the steady state a server reaches.
			e := analysis.NewEngine(f.s)
			nq := len(f.products) * len(f.buyers)
			start := time.Now()
			for i := range nq {
				item, buyer := query(i)
				if _, err := e.Feasibility(context.Background(), item, buyer, benchAsOf, nil); err != nil {
					b.Fatal(err)
				}
			}
			cold := time.Since(start) / time.Duration(nq)
			var lat latencies
			i, feasible := 0, 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				item, buyer := query(i)
				i++
				lat.time(func() {
					v, err := e.Feasibility(context.Background(), item, buyer, benchAsOf, nil)
					if err != nil {
						b.Fatal(err)
					}
					if v.Feasible {
						feasible++
					}
				})
			}
			lat.report(b)
			b.ReportMetric(float64(feasible)/float64(i), "feasible-frac")
			b.ReportMetric(float64(cold.Nanoseconds()), "cold-mean-ns")
		})
	}
}

// BenchmarkChokepointTable is the cold cost of the whole-graph chokepoint
// figures for one as-of epoch (shares, dependents, exposure, controls):
// what the first request at a new date pays.
func BenchmarkChokepointTable(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			f := getFixture(b, n)
			b.ReportAllocs()
			for b.Loop() {
				e := analysis.NewEngine(f.s)
				if _, err := e.Chokepoints(context.Background(), "", benchAsOf, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkChokepointsOf is chokepoints(of: product) on a warm Engine.
func BenchmarkChokepointsOf(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			f := getFixture(b, n)
			if _, err := f.e.Chokepoints(context.Background(), "", benchAsOf, 1); err != nil { // warm the cache
				b.Fatal(err)
			}
			var lat latencies
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				p := f.products[i%len(f.products)]
				i++
				lat.time(func() {
					if _, err := f.e.Chokepoints(context.Background(), p, benchAsOf, 20); err != nil {
						b.Fatal(err)
					}
				})
			}
			lat.report(b)
		})
	}
}

// BenchmarkChokepointsWhole is chokepoints(of: null) served from the cache.
func BenchmarkChokepointsWhole(b *testing.B) {
	for _, n := range sizes(b) {
		for _, first := range []int{20, 500} {
			b.Run(fmt.Sprintf("n=%d/first=%d", n, first), func(b *testing.B) {
				f := getFixture(b, n)
				if _, err := f.e.Chokepoints(context.Background(), "", benchAsOf, 1); err != nil {
					b.Fatal(err)
				}
				var lat latencies
				b.ReportAllocs()
				for b.Loop() {
					lat.time(func() {
						if _, err := f.e.Chokepoints(context.Background(), "", benchAsOf, first); err != nil {
							b.Fatal(err)
						}
					})
				}
				lat.report(b)
			})
		}
	}
}

// BenchmarkMemory reports the live heap holding the snapshot, its Engine
// and one chokepoint table (after a GC), per size; ns/op is generating the
// graph and building all three.
func BenchmarkMemory(b *testing.B) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var s *graph.Snapshot
			var e *analysis.Engine
			for b.Loop() { // one iteration at these sizes: the time is generation, snapshot, engine and table
				s = graph.MustSnapshot(synth.Generate(n, benchSeed))
				e = analysis.NewEngine(s)
				if _, err := e.Chokepoints(context.Background(), "", benchAsOf, 1); err != nil {
					b.Fatal(err)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc))/(1<<20), "heap-MiB")
			b.ReportMetric(float64(after.Sys)/(1<<20), "sys-MiB")
			runtime.KeepAlive(e)
		})
	}
}

// BenchmarkKnockouts is knockouts(of: product) for its maker: every single
// firm and country knock-out of one product, cycling through the fixture's
// products. "cold" computes each answer (the Engine's feasibility cache is
// warm after the first pass, its answer cache is bypassed); "repeated" asks
// questions already answered, as the dashboard and the critical-supplier
// report do, and measures the answer cache.
func BenchmarkKnockouts(b *testing.B) {
	for _, n := range sizes(b) {
		for _, mode := range []string{"cold", "repeated"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, mode), func(b *testing.B) {
				f := getFixture(b, n)
				ask := f.e.KnockoutsUncached
				if mode == "repeated" {
					ask = f.e.Knockouts
					for _, p := range f.products {
						if _, err := ask(context.Background(), p, benchAsOf, analysis.KnockoutOptions{}); err != nil {
							b.Fatal(err)
						}
					}
				}
				var lat latencies
				i, cands, kos, feasible := 0, 0, 0, 0
				b.ReportAllocs()
				for b.Loop() {
					p := f.products[i%len(f.products)]
					i++
					lat.time(func() {
						r, err := ask(context.Background(), p, benchAsOf, analysis.KnockoutOptions{})
						if err != nil {
							b.Fatal(err)
						}
						cands += r.Candidates
						kos += len(r.Firms) + len(r.Countries)
						if r.Feasible {
							feasible++
						}
					})
				}
				lat.report(b)
				b.ReportMetric(float64(cands)/float64(i), "candidates/op")
				b.ReportMetric(float64(kos)/float64(i), "knockouts/op")
				b.ReportMetric(float64(feasible)/float64(i), "feasible-frac")
			})
		}
	}
}
