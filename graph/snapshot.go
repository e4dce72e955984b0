package graph

import (
	"fmt"
	"strings"
	"time"
)

// Snapshot is an immutable, compact projection of the whole graph: nodes and
// edges in slices addressed by int32 indexes, with out- and in-adjacency in
// CSR form (offsets into one shared slice of edge indexes). One request reads
// one Snapshot; stores build a new one per data version and swap it in.
// Nothing reachable from a Snapshot may be modified after NewSnapshot.
type Snapshot struct {
	version string
	built   time.Time

	nodes []Node
	edges []Edge
	index map[ID]int32

	edgeFrom, edgeTo []int32
	outOff, outEdges []int32
	inOff, inEdges   []int32
	byKind           map[NodeKind][]int32
}

// NewSnapshot builds a Snapshot from ds, which it takes ownership of
// (canonicalizing it). It fails with a Conflict error if a node ID or an
// edge (Edge.Key) repeats, and with an Invalid error if an edge names a node
// that does not exist — so every store holds each fact once.
func NewSnapshot(ds *Dataset) (*Snapshot, error) {
	const op = "graph.NewSnapshot"
	ds.Canonicalize()
	// The fingerprint reads every row once more; it is computed beside the
	// indexes below (a tenth of a tier L build when done in turn).
	version := make(chan string, 1)
	go func() { version <- ds.Fingerprint() }()
	s := &Snapshot{
		built:  time.Now(),
		nodes:  ds.Nodes,
		edges:  ds.Edges,
		index:  make(map[ID]int32, len(ds.Nodes)),
		byKind: map[NodeKind][]int32{},
	}
	bar := false // some node ID holds the separator of Edge.Key
	for i := range s.nodes {
		id := s.nodes[i].ID
		if _, dup := s.index[id]; dup {
			<-version
			return nil, Errorf(Conflict, op, "duplicate node %s", id)
		}
		s.index[id] = int32(i)
		s.byKind[s.nodes[i].Kind] = append(s.byKind[s.nodes[i].Kind], int32(i))
		bar = bar || strings.Contains(string(id), "|")
	}
	if err := s.link(op, bar); err != nil {
		<-version
		return nil, err
	}
	s.version = <-version
	return s, nil
}

// sameKey reports whether a and b have the same Edge.Key without building
// it: the same ends, kind and (SUPPLIES) year. With a "|" in a node ID two
// different tuples could spell the same key, so bar makes it compare keys.
func sameKey(a, b *Edge, bar bool) bool {
	if bar {
		return a.Key() == b.Key()
	}
	return a.From == b.From && a.To == b.To && a.Kind == b.Kind && (a.Kind != Supplies || a.Year == b.Year)
}

// link resolves each edge's ends to node indexes and builds the adjacency
// lists, failing on a repeated edge or one that names a missing node.
func (s *Snapshot) link(op string, bar bool) error {
	n := len(s.nodes)
	s.edgeFrom = make([]int32, len(s.edges))
	s.edgeTo = make([]int32, len(s.edges))
	s.outOff = make([]int32, n+1)
	s.inOff = make([]int32, n+1)
	f, from := int32(-1), ID("")
	for i := range s.edges {
		e := &s.edges[i]
		if i > 0 && sameKey(&s.edges[i-1], e, bar) { // sorted, so repeats are adjacent
			return Errorf(Conflict, op, "duplicate edge %s", e.Key())
		}
		if f < 0 || e.From != from { // sorted by From: one lookup per node
			var ok bool
			if f, ok = s.index[e.From]; !ok {
				return Errorf(Invalid, op, "edge %s refers to a node that does not exist", e.Key())
			}
			from = e.From
		}
		t, ok := s.index[e.To]
		if !ok {
			return Errorf(Invalid, op, "edge %s refers to a node that does not exist", e.Key())
		}
		s.edgeFrom[i], s.edgeTo[i] = f, t
		s.outOff[f+1]++
		s.inOff[t+1]++
	}
	for i := 0; i < n; i++ {
		s.outOff[i+1] += s.outOff[i]
		s.inOff[i+1] += s.inOff[i]
	}
	s.outEdges = make([]int32, len(s.edges))
	s.inEdges = make([]int32, len(s.edges))
	outPos := append([]int32(nil), s.outOff[:n]...)
	inPos := append([]int32(nil), s.inOff[:n]...)
	for i := range s.edges { // edges are sorted, so each adjacency list is sorted too
		f, t := s.edgeFrom[i], s.edgeTo[i]
		s.outEdges[outPos[f]] = int32(i)
		outPos[f]++
		s.inEdges[inPos[t]] = int32(i)
		inPos[t]++
	}
	return nil
}

// MustSnapshot is NewSnapshot for tests; it panics on error.
func MustSnapshot(ds *Dataset) *Snapshot {
	s, err := NewSnapshot(ds)
	if err != nil {
		panic(err)
	}
	return s
}

// Version is the content fingerprint of the data (see Dataset.Fingerprint).
func (s *Snapshot) Version() string { return s.version }

// Built is when the snapshot was built.
func (s *Snapshot) Built() time.Time { return s.built }

// NumNodes returns the number of nodes; node indexes run from 0 to NumNodes-1
// in ID order.
func (s *Snapshot) NumNodes() int { return len(s.nodes) }

// NumEdges returns the number of edges.
func (s *Snapshot) NumEdges() int { return len(s.edges) }

// Node returns the node at index i. The result must not be modified.
func (s *Snapshot) Node(i int32) *Node { return &s.nodes[i] }

// Edge returns the edge at index e. The result must not be modified.
func (s *Snapshot) Edge(e int32) *Edge { return &s.edges[e] }

// Ends returns the node indexes an edge connects.
func (s *Snapshot) Ends(e int32) (from, to int32) { return s.edgeFrom[e], s.edgeTo[e] }

// Index returns the index of the node with the given ID.
func (s *Snapshot) Index(id ID) (int32, bool) {
	i, ok := s.index[id]
	return i, ok
}

// Lookup returns the node with the given ID, or a NotFound error.
func (s *Snapshot) Lookup(id ID) (*Node, error) {
	i, ok := s.index[id]
	if !ok {
		return nil, &Error{Kind: NotFound, Op: "graph.Lookup", Err: fmt.Errorf("no node %s", id)}
	}
	return &s.nodes[i], nil
}

// Out returns the indexes of the edges leaving node i, sorted by (kind, to).
func (s *Snapshot) Out(i int32) []int32 { return s.outEdges[s.outOff[i]:s.outOff[i+1]] }

// In returns the indexes of the edges entering node i, sorted by (from, kind).
func (s *Snapshot) In(i int32) []int32 { return s.inEdges[s.inOff[i]:s.inOff[i+1]] }

// OfKind returns the indexes of the nodes of one kind, in ID order.
func (s *Snapshot) OfKind(k NodeKind) []int32 { return s.byKind[k] }

// Dataset returns the snapshot's content as a Dataset sharing its slices;
// callers must not modify it. Stores use it to compare content.
func (s *Snapshot) Dataset() *Dataset { return &Dataset{Nodes: s.nodes, Edges: s.edges} }
