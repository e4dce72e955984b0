package neo4jstore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// Property encoding. Every field of graph.Node and graph.Edge maps to one
// camelCase property; a zero value (empty string, empty slice, zero date,
// 0, false) is not stored, so that it reads back as the zero value. The
// exceptions keep information the zero value cannot carry:
//   - Edge.Share is stored whenever it is a number (0 included) and left out
//     when NaN (unknown); an edge read back without "share" gets NaN.
//   - SUPPLIES edges always store "year": it is part of their key.
//
// Dates are Neo4j DATE values, so that researchers can compare them in
// Cypher (n.date < date('2023-01-01')). The node ID is "id"; the node kind
// is the label; an edge's kind is its relationship type and its ends are the
// nodes it connects.

// Next to the content, every node and relationship carries the bookkeeping
// properties loadFirst, loadLast, contentSince and contentHash (see
// doc.go); decoding ignores them.

// field maps one struct field of T to one property.
type field[T any] struct {
	prop string
	enc  func(*T) any // nil: not stored
	dec  func(*T, any) error
}

func strField[T any](prop string, p func(*T) *string) field[T] {
	return field[T]{prop,
		func(x *T) any {
			if s := *p(x); s != "" {
				return s
			}
			return nil
		},
		func(x *T, v any) error {
			s, ok := v.(string)
			if !ok {
				return typeError(prop, "STRING", v)
			}
			*p(x) = s
			return nil
		}}
}

func idField[T any](prop string, p func(*T) *graph.ID) field[T] {
	return field[T]{prop,
		func(x *T) any {
			if s := *p(x); s != "" {
				return string(s)
			}
			return nil
		},
		func(x *T, v any) error {
			s, ok := v.(string)
			if !ok {
				return typeError(prop, "STRING", v)
			}
			*p(x) = graph.ID(s)
			return nil
		}}
}

func listField[T any, S ~string](prop string, p func(*T) *[]S) field[T] {
	return field[T]{prop,
		func(x *T) any {
			s := *p(x)
			if len(s) == 0 {
				return nil
			}
			out := make([]string, len(s))
			for i, v := range s {
				out[i] = string(v)
			}
			return out
		},
		func(x *T, v any) error {
			l, ok := v.([]any)
			if !ok {
				return typeError(prop, "LIST<STRING>", v)
			}
			out := make([]S, len(l))
			for i, e := range l {
				s, ok := e.(string)
				if !ok {
					return typeError(prop, "LIST<STRING>", v)
				}
				out[i] = S(s)
			}
			*p(x) = out
			return nil
		}}
}

func dateField[T any](prop string, p func(*T) *graph.Date) field[T] {
	return field[T]{prop,
		func(x *T) any {
			if d := *p(x); d != 0 {
				return dbtype.Date(d.Time())
			}
			return nil
		},
		func(x *T, v any) error {
			d, ok := v.(dbtype.Date)
			if !ok {
				return typeError(prop, "DATE", v)
			}
			*p(x) = graph.DateOf(time.Time(d))
			return nil
		}}
}

func intField[T any](prop string, p func(*T) *int) field[T] {
	return field[T]{prop,
		func(x *T) any {
			if i := *p(x); i != 0 {
				return int64(i)
			}
			return nil
		},
		func(x *T, v any) error {
			i, ok := v.(int64)
			if !ok {
				return typeError(prop, "INTEGER", v)
			}
			*p(x) = int(i)
			return nil
		}}
}

// floatField stores a float that is absent when zero (not Edge.Share,
// whose zero is a fact).
func floatField[T any](prop string, p func(*T) *float64) field[T] {
	return field[T]{prop,
		func(x *T) any {
			if f := *p(x); f != 0 {
				return f
			}
			return nil
		},
		func(x *T, v any) error {
			f, ok := v.(float64)
			if !ok {
				return typeError(prop, "FLOAT", v)
			}
			*p(x) = f
			return nil
		}}
}

func boolField[T any](prop string, p func(*T) *bool) field[T] {
	return field[T]{prop,
		func(x *T) any {
			if *p(x) {
				return true
			}
			return nil
		},
		func(x *T, v any) error {
			b, ok := v.(bool)
			if !ok {
				return typeError(prop, "BOOLEAN", v)
			}
			*p(x) = b
			return nil
		}}
}

func typeError(prop, want string, got any) error {
	return fmt.Errorf("property %s: want %s, got %T", prop, want, got)
}

type nodeT = graph.Node

var nodeFields = []field[nodeT]{
	strField("name", func(n *nodeT) *string { return &n.Name }),
	listField("aliases", func(n *nodeT) *[]string { return &n.Aliases }),
	listField("sources", func(n *nodeT) *[]graph.ID { return &n.Sources }),
	strField("etoId", func(n *nodeT) *string { return &n.ETOID }),
	strField("note", func(n *nodeT) *string { return &n.Note }),
	listField("roles", func(n *nodeT) *[]string { return &n.Roles }),
	strField("type", func(n *nodeT) *string { return &n.Type }),
	strField("description", func(n *nodeT) *string { return &n.Description }),
	dateField("announced", func(n *nodeT) *graph.Date { return &n.Announced }),
	strField("specs", func(n *nodeT) *string { return &n.Specs }),
	strField("location", func(n *nodeT) *string { return &n.Location }),
	listField("nodes", func(n *nodeT) *[]string { return &n.Nodes }),
	intField("capacityWpm", func(n *nodeT) *int { return &n.CapacityWPM }),
	strField("status", func(n *nodeT) *string { return &n.Status }),
	dateField("date", func(n *nodeT) *graph.Date { return &n.Date }),
	dateField("effective", func(n *nodeT) *graph.Date { return &n.Effective }),
	dateField("expires", func(n *nodeT) *graph.Date { return &n.Expires }),
	idField("issuer", func(n *nodeT) *graph.ID { return &n.Issuer }),
	strField("authority", func(n *nodeT) *string { return &n.Authority }),
	strField("eventKind", func(n *nodeT) *string { return &n.EventKind }),
	strField("reach", func(n *nodeT) *string { return &n.Reach }),
	boolField("coversAll", func(n *nodeT) *bool { return &n.CoversAll }),
	strField("citation", func(n *nodeT) *string { return &n.Citation }),
	strField("url", func(n *nodeT) *string { return &n.URL }),
	strField("publisher", func(n *nodeT) *string { return &n.Publisher }),
	strField("licence", func(n *nodeT) *string { return &n.Licence }),
	strField("licencePolicy", func(n *nodeT) *string { return &n.LicencePolicy }),
	listField("conditions", func(n *nodeT) *[]string { return &n.Conditions }),
	floatField("ownershipThreshold", func(n *nodeT) *float64 { return &n.OwnershipThreshold }),
	strField("grade", func(n *nodeT) *string { return &n.Grade }),
	strField("route", func(n *nodeT) *string { return &n.Route }),
	strField("evidence", func(n *nodeT) *string { return &n.Evidence }),
	floatField("quantity", func(n *nodeT) *float64 { return &n.Quantity }),
	strField("unit", func(n *nodeT) *string { return &n.Unit }),
}

type edgeT = graph.Edge

var edgeFields = []field[edgeT]{
	strField("group", func(e *edgeT) *string { return &e.Group }),
	{"share",
		func(e *edgeT) any {
			if math.IsNaN(e.Share) {
				return nil
			}
			return e.Share
		},
		func(e *edgeT, v any) error {
			f, ok := v.(float64)
			if !ok {
				return typeError("share", "FLOAT", v)
			}
			e.Share = f
			return nil
		}},
	intField("year", func(e *edgeT) *int { return &e.Year }),
	strField("basis", func(e *edgeT) *string { return &e.Basis }),
	strField("node", func(e *edgeT) *string { return &e.Node }),
	dateField("validFrom", func(e *edgeT) *graph.Date { return &e.ValidFrom }),
	dateField("validTo", func(e *edgeT) *graph.Date { return &e.ValidTo }),
	listField("sources", func(e *edgeT) *[]graph.ID { return &e.Sources }),
	strField("note", func(e *edgeT) *string { return &e.Note }),
}

var (
	nodeFieldIndex = fieldIndex(nodeFields)
	edgeFieldIndex = fieldIndex(edgeFields)
)

func fieldIndex[T any](fs []field[T]) map[string]*field[T] {
	m := make(map[string]*field[T], len(fs))
	for i := range fs {
		m[fs[i].prop] = &fs[i]
	}
	return m
}

// nodeProps returns the properties of n, "id" included.
func nodeProps(n *graph.Node) map[string]any {
	props := map[string]any{"id": string(n.ID)}
	for i := range nodeFields {
		if v := nodeFields[i].enc(n); v != nil {
			props[nodeFields[i].prop] = v
		}
	}
	return props
}

// edgeProps returns the properties of e. SUPPLIES edges always carry "year",
// which the MERGE matches on.
func edgeProps(e *graph.Edge) map[string]any {
	props := map[string]any{}
	for i := range edgeFields {
		if v := edgeFields[i].enc(e); v != nil {
			props[edgeFields[i].prop] = v
		}
	}
	if e.Kind == graph.Supplies {
		props["year"] = int64(e.Year)
	}
	return props
}

// decodeNode builds a node of the given kind from its properties. Properties
// chipgraph does not know (bookkeeping, or added by hand) are ignored.
func decodeNode(kind graph.NodeKind, props map[string]any) (graph.Node, error) {
	n := graph.Node{Kind: kind}
	id, ok := props["id"].(string)
	if !ok {
		return n, fmt.Errorf("%s node without a string id", kind.Label())
	}
	n.ID = graph.ID(id)
	for k, v := range props {
		if f, ok := nodeFieldIndex[k]; ok {
			if err := f.dec(&n, v); err != nil {
				return n, fmt.Errorf("node %s: %w", id, err)
			}
		}
	}
	return n, nil
}

// decodeEdge builds an edge from its ends, kind and properties.
func decodeEdge(from, to string, kind graph.EdgeKind, props map[string]any) (graph.Edge, error) {
	e := graph.Edge{From: graph.ID(from), To: graph.ID(to), Kind: kind, Share: math.NaN()}
	for k, v := range props {
		if f, ok := edgeFieldIndex[k]; ok {
			if err := f.dec(&e, v); err != nil {
				return e, fmt.Errorf("edge %s: %w", e.Key(), err)
			}
		}
	}
	return e, nil
}

// nodeHash and edgeHash identify the content of a node or edge (every field
// Dataset.Fingerprint hashes), so that a load rewrites only what changed.
func nodeHash(n *graph.Node) string { return contentHash(graph.AppendNodeContent(nil, n)) }
func edgeHash(e *graph.Edge) string { return contentHash(graph.AppendEdgeContent(nil, e)) }

func contentHash(enc []byte) string {
	sum := sha256.Sum256(enc)
	return hex.EncodeToString(sum[:12])
}
