package loaders

import (
	"slices"

	"github.com/chipgraph/chipgraph/graph"
)

// Builder accumulates nodes and edges from one or more sources. A node added
// twice under one ID is merged (sources and aliases united, blank fields
// filled); so is an edge with the same graph.Edge.Key. Loaders report
// within-file duplicates themselves, since only they know that two rows came
// from the same file. Finish runs the whole-graph checks.
type Builder struct {
	nodes    map[graph.ID]*nodeEntry
	order    []graph.ID
	edges    map[string]*edgeEntry
	edgeKeys []string
	etoIndex map[string]graph.ID
	problems Problems
}

type nodeEntry struct {
	node graph.Node
	pos  Pos
}

type edgeEntry struct {
	edge graph.Edge
	pos  Pos
	cols [2]string // the columns the edge's endpoints were read from
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{
		nodes:    map[graph.ID]*nodeEntry{},
		edges:    map[string]*edgeEntry{},
		etoIndex: map[string]graph.ID{},
	}
}

// Report records a problem (or a warning, if p.Warning).
func (b *Builder) Report(p Problem) { b.problems = append(b.problems, p) }

// Node returns the node added under id, or nil.
func (b *Builder) Node(id graph.ID) *graph.Node {
	if e, ok := b.nodes[id]; ok {
		return &e.node
	}
	return nil
}

// NodePos returns where the node with id was first read.
func (b *Builder) NodePos(id graph.ID) (Pos, bool) {
	e, ok := b.nodes[id]
	if !ok {
		return Pos{}, false
	}
	return e.pos, true
}

// IDs returns the IDs of all nodes added so far, in insertion order.
func (b *Builder) IDs() []graph.ID { return b.order }

// ByETOID returns the node carrying an ETO ID (crosswalk), if any. ETO
// provider and input IDs share one namespace per release, so the key is the
// raw ETO ID.
func (b *Builder) ByETOID(etoID string) (graph.ID, bool) {
	id, ok := b.etoIndex[etoID]
	return id, ok
}

// AddNode adds n, or merges it into the node already added under n.ID.
func (b *Builder) AddNode(n graph.Node, at Pos) {
	if n.Kind == "" {
		n.Kind = n.ID.Kind()
	}
	if e, ok := b.nodes[n.ID]; ok {
		mergeNode(&e.node, &n)
	} else {
		b.nodes[n.ID] = &nodeEntry{node: n, pos: at}
		b.order = append(b.order, n.ID)
	}
	if n.ETOID != "" {
		if _, taken := b.etoIndex[n.ETOID]; !taken {
			b.etoIndex[n.ETOID] = n.ID
		}
	}
}

// AddEdge adds e, or merges its sources into the edge with the same key.
// Problems about its endpoints name the columns "from" and "to".
func (b *Builder) AddEdge(e graph.Edge, at Pos) { b.AddEdgeColumns(e, at, "from", "to") }

// AddEdgeColumns is AddEdge for an edge whose endpoints were read from the
// named columns (firms.csv's "id" and "country" for HEADQUARTERED_IN), so
// that a problem about an endpoint, such as an unknown reference, names the
// cell to fix.
func (b *Builder) AddEdgeColumns(e graph.Edge, at Pos, fromCol, toCol string) {
	k := e.Key()
	if old, ok := b.edges[k]; ok {
		old.edge.Sources = union(old.edge.Sources, e.Sources)
		if !old.edge.HasShare() && e.HasShare() {
			old.edge.Share = e.Share
		}
		return
	}
	b.edges[k] = &edgeEntry{edge: e, pos: at, cols: [2]string{fromCol, toCol}}
	b.edgeKeys = append(b.edgeKeys, k)
}

func mergeNode(dst, src *graph.Node) {
	dst.Aliases = union(dst.Aliases, src.Aliases)
	if src.Name != "" && src.Name != dst.Name && !slices.Contains(dst.Aliases, src.Name) && dst.Name != "" {
		dst.Aliases = append(dst.Aliases, src.Name)
	}
	dst.Sources = union(dst.Sources, src.Sources)
	dst.Roles = union(dst.Roles, src.Roles)
	fill(&dst.Name, src.Name)
	fill(&dst.ETOID, src.ETOID)
	fill(&dst.Type, src.Type)
	fill(&dst.Description, src.Description)
	fill(&dst.Note, src.Note)
}

func fill(dst *string, src string) {
	if *dst == "" {
		*dst = src
	}
}

func union[T comparable](a, b []T) []T {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	return a
}

// Problems returns the problems and warnings reported so far (after Finish:
// sorted by file, line and column, without repeats).
func (b *Builder) Problems() Problems { return b.problems }

// Counts returns the number of nodes per label and edges per type added so
// far, whether or not they are valid: what a report shows next to problems.
func (b *Builder) Counts() (nodes, edges map[string]int) {
	nodes, edges = map[string]int{}, map[string]int{}
	for _, e := range b.nodes {
		nodes[e.node.Kind.Label()]++
	}
	for _, e := range b.edges {
		edges[string(e.edge.Kind)]++
	}
	return nodes, edges
}

// Finish runs the whole-graph checks and returns the dataset together with
// the warnings. If any problem (not warning) was reported, the dataset is
// nil and the error is a Problems listing all of them, warnings included.
func (b *Builder) Finish() (*graph.Dataset, Problems, error) {
	b.checkGraph()
	b.validate()
	b.problems = sortProblems(b.problems)
	var warnings Problems
	failed := false
	for _, p := range b.problems {
		if p.Warning {
			warnings = append(warnings, p)
		} else {
			failed = true
		}
	}
	if failed {
		return nil, warnings, b.problems
	}
	ds := &graph.Dataset{Nodes: make([]graph.Node, 0, len(b.order)), Edges: make([]graph.Edge, 0, len(b.edgeKeys))}
	for _, id := range b.order {
		ds.Nodes = append(ds.Nodes, b.nodes[id].node)
	}
	for _, k := range b.edgeKeys {
		ds.Edges = append(ds.Edges, b.edges[k].edge)
	}
	ds.Canonicalize()
	return ds, warnings, nil
}

// checkGraph reports what only the whole graph shows: edges to unknown nodes
// or between the wrong kinds of node, and sources that do not exist.
// (Requirement cycles, share totals and the rest: see validate.go.)
func (b *Builder) checkGraph() {
	for _, k := range b.edgeKeys {
		e := b.edges[k]
		ends := graph.Endpoints[e.edge.Kind]
		for i, end := range []struct {
			verb  string
			id    graph.ID
			kinds []graph.NodeKind
		}{{"start at", e.edge.From, ends.From}, {"end at", e.edge.To, ends.To}} {
			n := b.Node(end.id)
			switch {
			case n == nil:
				b.Report(Problem{Pos: e.pos, Column: e.cols[i], Message: "unknown reference " + string(end.id)})
			case !slices.Contains(end.kinds, n.Kind):
				b.Report(Problem{Pos: e.pos, Column: e.cols[i], Message: string(e.edge.Kind) + " cannot " +
					end.verb + " a " + n.Kind.Label() + " (" + string(end.id) + ")"})
			}
		}
		for _, s := range e.edge.Sources {
			if n := b.Node(s); n == nil || n.Kind != graph.KindSource {
				b.Report(Problem{Pos: e.pos, Column: "sources", Message: "unknown source " + string(s)})
			}
		}
	}
	for _, id := range b.order {
		e := b.nodes[id]
		for _, s := range e.node.Sources {
			if n := b.Node(s); n == nil || n.Kind != graph.KindSource {
				b.Report(Problem{Pos: e.pos, Column: "sources", Message: "unknown source " + string(s)})
			}
		}
	}
}
