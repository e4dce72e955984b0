package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/storetest"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// asRead turns properties as written into what the driver hands back:
// lists arrive as []any.
func asRead(props map[string]any) map[string]any {
	out := make(map[string]any, len(props))
	for k, v := range props {
		if l, ok := v.([]string); ok {
			a := make([]any, len(l))
			for i, s := range l {
				a[i] = s
			}
			v = a
		}
		out[k] = v
	}
	return out
}

func TestEncodingRoundTrip(t *testing.T) {
	ds := storetest.Sample()
	ds.Canonicalize()
	for i := range ds.Nodes {
		n := &ds.Nodes[i]
		got, err := decodeNode(n.Kind, asRead(nodeProps(n)))
		if err != nil {
			t.Fatal(err)
		}
		if want, got := fmt.Sprintf("%#v", *n), fmt.Sprintf("%#v", got); want != got {
			t.Errorf("node round trip:\n want %s\n got  %s", want, got)
		}
	}
	for i := range ds.Edges {
		e := &ds.Edges[i]
		got, err := decodeEdge(string(e.From), string(e.To), e.Kind, asRead(edgeProps(e)))
		if err != nil {
			t.Fatal(err)
		}
		if want, got := fmt.Sprintf("%#v", *e), fmt.Sprintf("%#v", got); want != got {
			t.Errorf("edge round trip:\n want %s\n got  %s", want, got)
		}
	}
}

func TestEncodingOmitsZeroValues(t *testing.T) {
	props := nodeProps(&graph.Node{ID: "firm:x", Kind: graph.KindFirm})
	if len(props) != 1 {
		t.Errorf("a node with only an ID has properties %v, want only id", props)
	}
	props = edgeProps(&graph.Edge{From: "firm:x", To: "input:y", Kind: graph.Makes, Share: graph.NoShare})
	if len(props) != 0 {
		t.Errorf("an edge with no fields has properties %v", props)
	}
	props = edgeProps(&graph.Edge{From: "firm:x", To: "input:y", Kind: graph.Supplies, Share: graph.NoShare})
	if len(props) != 1 || props["year"] != int64(0) {
		t.Errorf("a SUPPLIES edge has properties %v, want only year 0", props)
	}
}

func TestDecodeRejectsWrongTypes(t *testing.T) {
	if _, err := decodeNode(graph.KindFirm, map[string]any{"id": "firm:x", "name": int64(3)}); err == nil {
		t.Error("a numeric name was accepted")
	}
	if _, err := decodeNode(graph.KindFirm, map[string]any{"name": "x"}); err == nil {
		t.Error("a node without id was accepted")
	}
	if _, err := decodeEdge("a", "b", graph.Supplies, map[string]any{"share": "12%"}); err == nil {
		t.Error("a string share was accepted")
	}
	// Properties chipgraph does not know are ignored.
	n, err := decodeNode(graph.KindFirm, map[string]any{"id": "firm:x", "loadLast": int64(3), "myTag": "x"})
	if err != nil || n.ID != "firm:x" {
		t.Errorf("unknown properties: %v, %v", n, err)
	}
}

func TestPrepareRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*graph.Dataset)
		kind graph.ErrorKind
	}{
		{"bad date", func(ds *graph.Dataset) { ds.Nodes[0].Date = 20230230 }, graph.Invalid},
		{"bad edge kind", func(ds *graph.Dataset) { ds.Edges[0].Kind = "LIKES" }, graph.Invalid},
		{"bad node kind", func(ds *graph.Dataset) { ds.Nodes[0].Kind = "person" }, graph.Invalid},
		{"duplicate edge", func(ds *graph.Dataset) {
			e := ds.Edges[0]
			e.Note = "again"
			ds.Edges = append(ds.Edges, e)
		}, graph.Conflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := storetest.Sample()
			tc.edit(ds)
			_, err := prepare(ds)
			if graph.KindOf(err) != tc.kind {
				t.Errorf("prepare: %v (kind %v), want kind %v", err, graph.KindOf(err), tc.kind)
			}
		})
	}
	if _, err := prepare(storetest.Sample()); err != nil {
		t.Errorf("prepare(Sample()): %v", err)
	}
}

func TestErrorKinds(t *testing.T) {
	live := context.Background()
	cancelled, cancel := context.WithCancel(live)
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		err  error
		want graph.ErrorKind
	}{
		{"constraint", live, &neo4j.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed"}, graph.Conflict},
		{"syntax", live, &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}, graph.Internal},
		{"unavailable db", live, &neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}, graph.Unavailable},
		{"no such db", live, &neo4j.Neo4jError{Code: "Neo.ClientError.Database.DatabaseNotFound"}, graph.NotFound},
		{"auth", live, &neo4j.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"}, graph.Unavailable},
		{"connectivity", live, &neo4j.ConnectivityError{Inner: errors.New("refused")}, graph.Unavailable},
		{"retries exhausted", live, &neo4j.TransactionExecutionLimit{Cause: "timeout",
			Errors: []error{&neo4j.ConnectivityError{Inner: errors.New("refused")}}}, graph.Unavailable},
		{"wrapped", live, fmt.Errorf("writing: %w", &neo4j.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed"}), graph.Conflict},
		{"cancelled", cancelled, errors.New("whatever the driver says"), graph.Unavailable},
		{"deadline", live, fmt.Errorf("x: %w", context.DeadlineExceeded), graph.Unavailable},
		{"ours", live, graph.Errorf(graph.Conflict, "", "overtaken"), graph.Conflict},
		{"unknown", live, errors.New("boom"), graph.Internal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := wrap(tc.ctx, "op", tc.err)
			if k := graph.KindOf(err); k != tc.want {
				t.Errorf("kind %v, want %v", k, tc.want)
			}
			if !errors.Is(err, tc.err) {
				t.Error("wrapped error does not unwrap to the cause")
			}
		})
	}
}
