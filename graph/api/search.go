package api

import (
	"cmp"
	"slices"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
)

// searchIndex holds, for every node of one snapshot, the normalized forms
// of its name, aliases and ID slug (graph.NormalizeName), so that a search
// request only compares strings. It is built once per snapshot by
// Holder.Swap.
type searchIndex struct {
	entries []searchEntry
}

type searchEntry struct {
	node int32
	kind int // position of the node's kind in searchKindOrder
	keys []string
}

// searchKindOrder breaks ties between equally good matches: the kinds
// researchers look for most come first.
var searchKindOrder = []graph.NodeKind{graph.KindFirm, graph.KindCountry, graph.KindProduct, graph.KindInput,
	graph.KindFab, graph.KindControlEvent, graph.KindObservation, graph.KindSource}

// Match ranks, best first.
const (
	matchExact = iota
	matchPrefix
	matchWordPrefix
	matchSubstring
	noMatch
)

func newSearchIndex(s *graph.Snapshot) *searchIndex {
	ix := &searchIndex{entries: make([]searchEntry, 0, s.NumNodes())}
	for i := range int32(s.NumNodes()) {
		n := s.Node(i)
		keys := make([]string, 0, 2+len(n.Aliases))
		add := func(text string) {
			if k := graph.NormalizeName(text); k != "" && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		add(n.Name)
		for _, a := range n.Aliases {
			add(a)
		}
		add(n.ID.Slug())
		ix.entries = append(ix.entries, searchEntry{node: i, kind: kindRank(n.Kind), keys: keys})
	}
	return ix
}

func kindRank(k graph.NodeKind) int {
	if i := slices.Index(searchKindOrder, k); i >= 0 {
		return i
	}
	return len(searchKindOrder)
}

// find returns up to limit node indexes matching the normalized query q,
// best first: by match rank, then kind, then ID (node indexes are in ID
// order).
func (ix *searchIndex) find(q string, limit int) []int32 {
	type hit struct {
		node       int32
		rank, kind int
	}
	var hits []hit
	for i := range ix.entries {
		e := &ix.entries[i]
		best := noMatch
		for _, k := range e.keys {
			if r := matchRank(k, q); r < best {
				best = r
			}
		}
		if best != noMatch {
			hits = append(hits, hit{e.node, best, e.kind})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.kind, b.kind), cmp.Compare(a.node, b.node))
	})
	out := make([]int32, 0, min(limit, len(hits)))
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, h.node)
	}
	return out
}

// matchRank says how well the normalized key matches the normalized query.
func matchRank(key, q string) int {
	switch {
	case key == q:
		return matchExact
	case strings.HasPrefix(key, q):
		return matchPrefix
	case strings.Contains(key, " "+q):
		return matchWordPrefix
	case strings.Contains(key, q):
		return matchSubstring
	}
	return noMatch
}
