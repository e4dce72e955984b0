package api

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/api/model"
)

// Connections list nodes in ID order. A cursor is the base64 encoding of
// "id:" and the ID of the item it stands for, and "after" resumes at the
// first item whose ID sorts after it. Cursors therefore stay valid across
// data reloads (items added or removed meanwhile are simply included or
// not), and paging forwards visits every item once.

const cursorPrefix = "id:"

func encodeCursor(id graph.ID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + string(id)))
}

func decodeCursor(s string) (graph.ID, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return "", userError("after: %q is not a cursor from this API; pass a cursor or pageInfo.endCursor", s)
	}
	id, err := graph.ParseID(strings.TrimPrefix(string(b), cursorPrefix))
	if err != nil {
		return "", userError("after: %q is not a cursor from this API", s)
	}
	return id, nil
}

// page is one page of a connection.
type page struct {
	items   []int32  // node indexes
	cursors []string // one per item
	info    *model.PageInfo
	total   int
}

// paginate selects the page of items (node indexes in ID order) after the
// cursor.
func paginate(snap *graph.Snapshot, items []int32, first *int, after *string) (page, error) {
	n, err := firstArg(first, 50)
	if err != nil {
		return page{}, err
	}
	start := 0
	if after != nil {
		id, err := decodeCursor(*after)
		if err != nil {
			return page{}, err
		}
		start, _ = slices.BinarySearchFunc(items, id, func(i int32, id graph.ID) int {
			return cmp.Compare(snap.Node(i).ID, id)
		})
		if start < len(items) && snap.Node(items[start]).ID == id {
			start++
		}
	}
	end := min(start+n, len(items))
	p := page{items: items[start:end], total: len(items), info: &model.PageInfo{
		HasNextPage:     end < len(items),
		HasPreviousPage: start > 0,
	}}
	p.cursors = make([]string, len(p.items))
	for k, i := range p.items {
		p.cursors[k] = encodeCursor(snap.Node(i).ID)
	}
	if len(p.cursors) > 0 {
		p.info.StartCursor = &p.cursors[0]
		p.info.EndCursor = &p.cursors[len(p.cursors)-1]
	}
	return p, nil
}

// filterKind returns the nodes of kind k for which keep returns true, in
// ID order.
func filterKind(snap *graph.Snapshot, k graph.NodeKind, keep func(i int32, n *graph.Node) bool) []int32 {
	all := snap.OfKind(k)
	out := make([]int32, 0, len(all))
	for _, i := range all {
		if keep(i, snap.Node(i)) {
			out = append(out, i)
		}
	}
	return out
}

// matches reports whether an optional string filter is unset or equals v
// (ignoring case).
func matches(filter *string, v string) bool {
	return filter == nil || strings.EqualFold(strings.TrimSpace(*filter), v)
}

// connect makes a page's nodes (of model type N) and edges (E) for a
// connection type.
func connect[N model.Node, E any](snap *graph.Snapshot, p page, edge func(cursor string, n N) E) ([]E, []N) {
	edges, nodes := make([]E, len(p.items)), make([]N, len(p.items))
	for k, i := range p.items {
		nodes[k] = nodeAs[N](snap, i)
		edges[k] = edge(p.cursors[k], nodes[k])
	}
	return edges, nodes
}

func firmConnection(snap *graph.Snapshot, p page) *model.FirmConnection {
	c := &model.FirmConnection{PageInfo: p.info, TotalCount: p.total}
	c.Edges, c.Nodes = connect(snap, p, func(cur string, n *model.Firm) *model.FirmEdge { return &model.FirmEdge{Cursor: cur, Node: n} })
	return c
}

func productConnection(snap *graph.Snapshot, p page) *model.ProductConnection {
	c := &model.ProductConnection{PageInfo: p.info, TotalCount: p.total}
	c.Edges, c.Nodes = connect(snap, p, func(cur string, n *model.Product) *model.ProductEdge {
		return &model.ProductEdge{Cursor: cur, Node: n}
	})
	return c
}

func fabConnection(snap *graph.Snapshot, p page) *model.FabConnection {
	c := &model.FabConnection{PageInfo: p.info, TotalCount: p.total}
	c.Edges, c.Nodes = connect(snap, p, func(cur string, n *model.Fab) *model.FabEdge { return &model.FabEdge{Cursor: cur, Node: n} })
	return c
}

func inputConnection(snap *graph.Snapshot, p page) *model.InputConnection {
	c := &model.InputConnection{PageInfo: p.info, TotalCount: p.total}
	c.Edges, c.Nodes = connect(snap, p, func(cur string, n *model.Input) *model.InputEdge { return &model.InputEdge{Cursor: cur, Node: n} })
	return c
}

func controlEventConnection(snap *graph.Snapshot, p page) *model.ControlEventConnection {
	c := &model.ControlEventConnection{PageInfo: p.info, TotalCount: p.total}
	c.Edges, c.Nodes = connect(snap, p, func(cur string, n *model.ControlEvent) *model.ControlEventEdge {
		return &model.ControlEventEdge{Cursor: cur, Node: n}
	})
	return c
}
