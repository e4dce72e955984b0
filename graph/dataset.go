package graph

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
	"slices"
)

// Dataset is a complete, validated set of nodes and edges: what loaders
// produce and what a Writer stores. Loaders guarantee that IDs are unique and
// every edge endpoint exists.
type Dataset struct {
	Nodes []Node
	Edges []Edge
}

// Counts returns the number of nodes per label and edges per type.
func (d *Dataset) Counts() (nodes, edges map[string]int) {
	nodes, edges = map[string]int{}, map[string]int{}
	for i := range d.Nodes {
		nodes[d.Nodes[i].Kind.Label()]++
	}
	for i := range d.Edges {
		edges[string(d.Edges[i].Kind)]++
	}
	return nodes, edges
}

// Canonicalize sorts nodes by ID and edges by (from, kind, to, year) and
// normalises empty slices to nil, so that equal content compares equal
// whichever store it came back from.
func (d *Dataset) Canonicalize() {
	for i := range d.Nodes {
		n := &d.Nodes[i]
		n.Aliases = nilIfEmpty(n.Aliases)
		n.Sources = nilIfEmpty(n.Sources)
		n.Roles = nilIfEmpty(n.Roles)
		n.Nodes = nilIfEmpty(n.Nodes)
		n.Conditions = nilIfEmpty(n.Conditions)
	}
	for i := range d.Edges {
		d.Edges[i].Sources = nilIfEmpty(d.Edges[i].Sources)
	}
	sortRows(d.Nodes, func(a, b *Node) int { return cmp.Compare(a.ID, b.ID) })
	sortRows(d.Edges, CompareEdges)
}

// sortRows sorts large structs stably without moving them while it
// compares: it sorts their positions (the two halves on two goroutines when
// there are many, then merged), then moves each row once, in place, cycle
// by cycle, so that no second copy of the rows is ever held (at 10^6 nodes
// the edges take about a gigabyte). Rows that are in order already (a
// dataset read back from a store, or canonicalized before) are left as
// they are after one pass.
func sortRows[T any](rows []T, compare func(a, b *T) int) {
	sorted := true
	for i := 1; i < len(rows) && sorted; i++ {
		sorted = compare(&rows[i-1], &rows[i]) <= 0
	}
	if sorted {
		return
	}
	perm := make([]int32, len(rows))
	for i := range perm {
		perm[i] = int32(i)
	}
	less := func(a, b int32) int { return cmp.Or(compare(&rows[a], &rows[b]), cmp.Compare(a, b)) }
	if len(perm) < parallelSort {
		slices.SortFunc(perm, less)
	} else {
		half := len(perm) / 2
		done := make(chan struct{})
		go func() {
			slices.SortFunc(perm[:half], less)
			close(done)
		}()
		slices.SortFunc(perm[half:], less)
		<-done
		merged := make([]int32, 0, len(perm))
		l, r := perm[:half], perm[half:]
		for len(l) > 0 && len(r) > 0 {
			if less(l[0], r[0]) <= 0 {
				merged, l = append(merged, l[0]), l[1:]
			} else {
				merged, r = append(merged, r[0]), r[1:]
			}
		}
		perm = append(append(merged, l...), r...)
	}
	// Row i takes row perm[i]; follow each cycle once, marking the
	// positions done by pointing them at themselves.
	for i := range perm {
		if int(perm[i]) == i {
			continue
		}
		held := rows[i]
		j := i
		for {
			k := int(perm[j])
			perm[j] = int32(j)
			if k == i {
				rows[j] = held
				break
			}
			rows[j] = rows[k]
			j = k
		}
	}
}

// parallelSort is the number of rows from which sortRows sorts on two
// goroutines.
const parallelSort = 1 << 16

// CompareEdges is the canonical order of edges (Canonicalize): by From,
// Kind, To and Year.
func CompareEdges(a, b *Edge) int {
	return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.To, b.To),
		cmp.Compare(a.Year, b.Year))
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Fingerprint returns a short content hash of a canonicalized dataset: the
// "dataset version" stamped on reports, equal for equal content in any store.
// Every field of every node and edge is hashed with a length prefix (a test
// checks that each field counts), so two datasets share a fingerprint only
// if they hold the same facts.
func (d *Dataset) Fingerprint() string {
	h := sha256.New()
	w := fingerprinter{buf: make([]byte, 0, 1<<16)}
	for i := range d.Nodes {
		w.node(&d.Nodes[i])
		w.flush(h, false)
	}
	w.buf = append(w.buf, 0xff) // nodes end here
	for i := range d.Edges {
		w.edge(&d.Edges[i])
		w.flush(h, false)
	}
	w.flush(h, true)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// AppendNodeContent appends the encoding of every field of n that
// Fingerprint hashes to b: equal encodings, equal nodes. Stores use it to
// tell changed rows from unchanged ones.
func AppendNodeContent(b []byte, n *Node) []byte {
	w := fingerprinter{buf: b}
	w.node(n)
	return w.buf
}

// AppendEdgeContent is AppendNodeContent for an edge.
func AppendEdgeContent(b []byte, e *Edge) []byte {
	w := fingerprinter{buf: b}
	w.edge(e)
	return w.buf
}

// fingerprinter encodes values for Fingerprint into a buffer it hands to the
// hash in large writes.
type fingerprinter struct{ buf []byte }

func (w *fingerprinter) node(n *Node) {
	w.str(string(n.ID), string(n.Kind), n.Name)
	w.strs(n.Aliases)
	w.ids(n.Sources)
	w.str(n.ETOID, n.Note)
	w.strs(n.Roles)
	w.str(n.Type, n.Description)
	w.num(int64(n.Announced))
	w.str(n.Specs, n.Location)
	w.strs(n.Nodes)
	w.num(int64(n.CapacityWPM))
	w.str(n.Status)
	w.num(int64(n.Date), int64(n.Effective), int64(n.Expires))
	w.str(string(n.Issuer), n.Authority, n.EventKind, n.Reach)
	w.bool(n.CoversAll)
	w.str(n.Citation, n.URL, n.Publisher, n.Licence)
	w.str(n.LicencePolicy)
	w.strs(n.Conditions)
	w.num(int64(math.Float64bits(n.OwnershipThreshold)))
	w.str(n.Grade)
	w.str(n.Route, n.Evidence)
	w.num(int64(math.Float64bits(n.Quantity)))
	w.str(n.Unit)
}

func (w *fingerprinter) edge(e *Edge) {
	w.str(string(e.From), string(e.To), string(e.Kind), e.Group)
	share := math.Float64bits(e.Share)
	if math.IsNaN(e.Share) {
		share = math.Float64bits(math.NaN()) // one NaN, whatever its payload
	}
	w.num(int64(share), int64(e.Year))
	w.str(e.Basis, e.Node)
	w.num(int64(e.ValidFrom), int64(e.ValidTo))
	w.ids(e.Sources)
	w.str(e.Note)
}

func (w *fingerprinter) str(ss ...string) {
	for _, s := range ss {
		w.buf = binary.AppendUvarint(w.buf, uint64(len(s)))
		w.buf = append(w.buf, s...)
	}
}

func (w *fingerprinter) strs(ss []string) {
	w.buf = binary.AppendUvarint(w.buf, uint64(len(ss)))
	w.str(ss...)
}

func (w *fingerprinter) ids(ids []ID) {
	w.buf = binary.AppendUvarint(w.buf, uint64(len(ids)))
	for _, id := range ids {
		w.str(string(id))
	}
}

func (w *fingerprinter) num(xs ...int64) {
	for _, x := range xs {
		w.buf = binary.AppendVarint(w.buf, x)
	}
}

func (w *fingerprinter) bool(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

func (w *fingerprinter) flush(h hash.Hash, force bool) {
	if force || len(w.buf) >= 1<<15 {
		h.Write(w.buf)
		w.buf = w.buf[:0]
	}
}
