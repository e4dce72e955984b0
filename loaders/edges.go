package loaders

import "github.com/chipgraph/chipgraph/graph"

// Edges returns copies of the edges of one kind added so far, in insertion
// order. A loader that adds facts about nodes another source already
// described uses it to find disagreements (an ETO release naming another
// headquarters country than the curated data) and report them instead of
// adding a contradicting edge.
func (b *Builder) Edges(kind graph.EdgeKind) []graph.Edge {
	var out []graph.Edge
	for _, k := range b.edgeKeys {
		if e := b.edges[k]; e.edge.Kind == kind {
			out = append(out, e.edge)
		}
	}
	return out
}
