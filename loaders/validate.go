package loaders

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
)

// MaxShareTotal is the most the known shares of one item for one year and
// basis may add up to, in percent: rounding in the sources can push a total
// slightly over 100, a larger excess is a mistake in the data.
const MaxShareTotal = 105

// acyclic lists the edge kinds that must not form a cycle: a requirement
// that leads back to itself, a category that is its own subtype, or a firm
// that owns itself say nothing true and would send analysis round in circles.
var acyclic = []graph.EdgeKind{graph.Requires, graph.TypeOf, graph.SubsidiaryOf}

// validate runs the whole-graph checks that no single row or file can
// decide; Finish calls it after checkGraph, on whatever every loader added.
func (b *Builder) validate() {
	b.checkNodeRefs()
	for _, k := range acyclic {
		b.checkCycles(k)
	}
	b.checkShareTotals()
	b.checkUncitedSources()
}

// checkNodeRefs checks the node fields that name another node (a control
// event's issuer) the way checkGraph checks edge endpoints.
func (b *Builder) checkNodeRefs() {
	for _, id := range b.order {
		e := b.nodes[id]
		if e.node.Issuer == "" {
			continue
		}
		switch n := b.Node(e.node.Issuer); {
		case n == nil:
			b.Report(Problem{Pos: e.pos, Column: "issuer", Message: "unknown reference " + string(e.node.Issuer)})
		case n.Kind != graph.KindCountry:
			b.Report(Problem{Pos: e.pos, Column: "issuer", Message: fmt.Sprintf("the issuer must be a Country, not a %s (%s)", n.Kind.Label(), n.ID)})
		}
	}
}

// checkCycles reports one cycle per strongly connected component of the
// edges of one kind, at the line of the cycle's first edge, as
// "KIND cycle: a -> b -> c -> a". Fixing it and re-running shows the next.
func (b *Builder) checkCycles(kind graph.EdgeKind) {
	out := map[graph.ID][]*edgeEntry{}
	var ids []graph.ID
	for _, k := range b.edgeKeys {
		e := b.edges[k]
		if e.edge.Kind != kind {
			continue
		}
		if _, seen := out[e.edge.From]; !seen {
			ids = append(ids, e.edge.From)
		}
		out[e.edge.From] = append(out[e.edge.From], e)
	}
	if len(ids) == 0 {
		return
	}
	for _, es := range out {
		slices.SortFunc(es, func(x, y *edgeEntry) int { return cmp.Compare(x.edge.To, y.edge.To) })
	}
	slices.Sort(ids)
	for _, scc := range components(ids, out) {
		start := slices.Min(scc)
		path := shortestCycle(start, scc, out)
		if path == nil {
			continue // a single node without a loop
		}
		names := make([]string, 0, len(path)+1)
		names = append(names, string(start))
		for _, e := range path {
			names = append(names, string(e.edge.To))
		}
		first := path[0]
		b.Report(Problem{Pos: first.pos, Column: first.cols[1],
			Message: string(kind) + " cycle: " + strings.Join(names, " -> ")})
	}
}

// components returns the strongly connected components of the graph given
// by out (Tarjan's algorithm), visiting nodes in the order of ids.
func components(ids []graph.ID, out map[graph.ID][]*edgeEntry) [][]graph.ID {
	index := map[graph.ID]int{}
	low := map[graph.ID]int{}
	onStack := map[graph.ID]bool{}
	var stack []graph.ID
	var sccs [][]graph.ID
	var visit func(v graph.ID)
	visit = func(v graph.ID) {
		index[v] = len(index)
		low[v] = index[v]
		stack = append(stack, v)
		onStack[v] = true
		for _, e := range out[v] {
			w := e.edge.To
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var scc []graph.ID
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				scc = append(scc, w)
				if w == v {
					break
				}
			}
			sccs = append(sccs, scc)
		}
	}
	for _, v := range ids {
		if _, seen := index[v]; !seen {
			visit(v)
		}
	}
	return sccs
}

// shortestCycle returns the edges of a shortest cycle through start that
// stays inside scc, or nil if there is none.
func shortestCycle(start graph.ID, scc []graph.ID, out map[graph.ID][]*edgeEntry) []*edgeEntry {
	inSCC := map[graph.ID]bool{}
	for _, id := range scc {
		inSCC[id] = true
	}
	via := map[graph.ID]*edgeEntry{} // the edge by which BFS first reached a node
	queue := []graph.ID{start}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, e := range out[v] {
			w := e.edge.To
			if !inSCC[w] {
				continue
			}
			if w == start {
				path := []*edgeEntry{e}
				for u := v; u != start; u = via[u].edge.From {
					path = append(path, via[u])
				}
				slices.Reverse(path)
				return path
			}
			if _, seen := via[w]; !seen {
				via[w] = e
				queue = append(queue, w)
			}
		}
	}
	return nil
}

// checkShareTotals reports each (item, year, basis) whose known SUPPLIES
// shares add up to more than MaxShareTotal, listing the contributions.
func (b *Builder) checkShareTotals() {
	type key struct {
		item  graph.ID
		year  int
		basis string
	}
	groups := map[key][]*edgeEntry{}
	var order []key
	for _, k := range b.edgeKeys {
		e := b.edges[k]
		if e.edge.Kind != graph.Supplies || !e.edge.HasShare() {
			continue
		}
		g := key{e.edge.To, e.edge.Year, totalBasis(&e.edge)}
		if _, seen := groups[g]; !seen {
			order = append(order, g)
		}
		groups[g] = append(groups[g], e)
	}
	for _, g := range order {
		es := groups[g]
		total := 0.0
		for _, e := range es {
			total += e.edge.Share
		}
		if total <= MaxShareTotal {
			continue
		}
		first := es[0]
		byShare := slices.Clone(es)
		slices.SortStableFunc(byShare, func(x, y *edgeEntry) int {
			return cmp.Or(cmp.Compare(y.edge.Share, x.edge.Share), cmp.Compare(x.edge.From, y.edge.From))
		})
		const shown = 10
		var parts []string
		for i, e := range byShare {
			if i == shown {
				parts = append(parts, fmt.Sprintf("and %d more", len(byShare)-shown))
				break
			}
			parts = append(parts, fmt.Sprintf("%s %s (%s)", e.edge.From, formatNumber(e.edge.Share), e.pos))
		}
		basis := ""
		if g.basis != "" {
			basis = " (basis " + g.basis + ")"
		}
		b.Report(Problem{Pos: first.pos, Column: "share", Message: fmt.Sprintf("shares of %s in %d%s sum to %s, more than %d: %s",
			g.item, g.year, basis, formatNumber(total), MaxShareTotal, strings.Join(parts, ", "))})
	}
}

// checkUncitedSources warns about sources that no node or edge cites: a
// typo in a sources cell elsewhere, or a leftover.
func (b *Builder) checkUncitedSources() {
	cited := map[graph.ID]bool{}
	for _, e := range b.nodes {
		for _, s := range e.node.Sources {
			cited[s] = true
		}
	}
	for _, e := range b.edges {
		for _, s := range e.edge.Sources {
			cited[s] = true
		}
	}
	for _, id := range b.order {
		e := b.nodes[id]
		if e.node.Kind == graph.KindSource && !cited[id] {
			b.Report(Problem{Pos: e.pos, Column: "id", Message: string(id) + " is not cited by any row", Warning: true})
		}
	}
}

// sortProblems orders problems by file, line, column and message, and drops
// repeats (a row's unknown source is found once per fact the row holds).
func sortProblems(ps Problems) Problems {
	slices.SortStableFunc(ps, func(x, y Problem) int {
		return cmp.Or(cmp.Compare(x.File, y.File), cmp.Compare(x.Line, y.Line), cmp.Compare(x.Column, y.Column),
			cmp.Compare(x.Message, y.Message))
	})
	return slices.Compact(ps)
}

func formatNumber(f float64) string {
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// totalBasis is the basis whose total an edge's share counts towards. An
// aggregate provider ("Various companies", "Various countries") is the
// residual of the firm or the country shares, by the kind of its node, so
// it adds to the firm-hq or the country-hq total rather than forming a
// total of its own with residuals of the other level.
func totalBasis(e *graph.Edge) string {
	if e.Aggregate() {
		if e.From.Kind() == graph.KindFirm {
			return "firm-hq"
		}
		return "country-hq"
	}
	return e.Basis
}
