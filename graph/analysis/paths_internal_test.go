package analysis

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
)

// TestDependencyPathsBruteForce checks the k shortest paths (the local graph
// that leaves out dead ends, then Yen) against enumerating every simple path
// on random small graphs with cycles, suppliers and makers: the lengths
// must be the k smallest there are, and every path real, simple and
// distinct. Tie order among equal lengths is not checked here.
func TestDependencyPathsBruteForce(t *testing.T) {
	const maxDepth, k = 5, 4
	day := graph.MustDate("2024-01-01")
	checked := 0
	for seed := range uint64(150) {
		s := randomGraph(seed)
		e := NewEngine(s)
		for src := range int32(s.NumNodes()) {
			group := e.firmGroup(src, day)
			for dst := range int32(s.NumNodes()) {
				if src == dst {
					continue
				}
				// Every simple path, by depth-first search over all steps.
				var lengths []int
				onPath := map[int32]bool{src: true}
				var dfs func(u int32, depth int)
				dfs = func(u int32, depth int) {
					if u == dst {
						lengths = append(lengths, depth)
						return
					}
					if depth == maxDepth {
						return
					}
					for _, w := range e.stepsFrom(nil, u, day, group[u]) {
						if !onPath[w.to] {
							onPath[w.to] = true
							dfs(w.to, depth+1)
							onPath[w.to] = false
						}
					}
				}
				dfs(src, 0)
				slices.Sort(lengths)
				want := lengths[:min(k, len(lengths))]

				from, to := s.Node(src).ID, s.Node(dst).ID
				got, err := e.DependencyPaths(context.Background(), from, to, maxDepth, k, day)
				if err != nil {
					t.Fatal(err)
				}
				var gotLen []int
				seen := map[string]bool{}
				for _, p := range got {
					gotLen = append(gotLen, p.Length)
					key := ""
					for _, id := range p.Nodes {
						key += string(id) + " "
					}
					if seen[key] {
						t.Fatalf("seed %d %s -> %s: path %s twice", seed, from, to, key)
					}
					seen[key] = true
					if p.Nodes[0] != from || p.Nodes[len(p.Nodes)-1] != to || len(p.Nodes) != p.Length+1 {
						t.Fatalf("seed %d %s -> %s: malformed path %s", seed, from, to, key)
					}
					nodes := map[graph.ID]bool{}
					for i, id := range p.Nodes {
						if nodes[id] {
							t.Fatalf("seed %d %s -> %s: path %s is not simple", seed, from, to, key)
						}
						nodes[id] = true
						if i == 0 {
							continue
						}
						u, _ := s.Index(p.Nodes[i-1])
						v, _ := s.Index(id)
						if !slices.ContainsFunc(e.stepsFrom(nil, u, day, group[u]), func(w walk) bool { return w.to == v }) {
							t.Fatalf("seed %d %s -> %s: path %s takes no step %s -> %s", seed, from, to, key, p.Nodes[i-1], id)
						}
					}
				}
				if !slices.Equal(gotLen, want) {
					t.Fatalf("seed %d %s -> %s: lengths %v, want %v (of all %v)", seed, from, to, gotLen, want, lengths)
				}
				if len(want) > 0 && strings.HasPrefix(string(from), "product:") {
					checked++
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d product pairs had paths: the random graphs no longer exercise the search", checked)
	}
}

// TestPathTreeEqualsDependencyPaths checks the one-search path tree the
// knock-outs use against DependencyPaths(from, to, depth, 1): the same
// path (nodes and edges) to every node, or none, from every source that is
// not a firm, on random cyclic graphs at two depths.
func TestPathTreeEqualsDependencyPaths(t *testing.T) {
	day := graph.MustDate("2024-01-01")
	checked := 0
	for seed := range uint64(60) {
		s := randomGraph(seed)
		e := NewEngine(s)
		for src := range int32(s.NumNodes()) {
			if s.Node(src).Kind == graph.KindFirm {
				continue
			}
			for _, depth := range []int{3, MaxDepth} {
				tree := e.newPathTree(src, depth, day)
				for dst := range int32(s.NumNodes()) {
					want, err := e.DependencyPaths(context.Background(), s.Node(src).ID, s.Node(dst).ID, depth, 1, day)
					if err != nil {
						t.Fatal(err)
					}
					got, ok := tree.path(dst)
					if ok != (len(want) > 0) {
						t.Fatalf("seed %d %s -> %s depth %d: tree found %v, DependencyPaths %d paths", seed, s.Node(src).ID, s.Node(dst).ID, depth, ok, len(want))
					}
					if ok && !reflect.DeepEqual(got, want[0]) {
						t.Fatalf("seed %d %s -> %s depth %d:\n tree %+v\n want %+v", seed, s.Node(src).ID, s.Node(dst).ID, depth, got, want[0])
					}
					if ok {
						checked++
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d paths compared", checked)
	}
	t.Logf("%d paths compared", checked)
}
