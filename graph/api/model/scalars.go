package model

import (
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/chipgraph/chipgraph/graph"
)

// MarshalDate writes a graph.Date as "YYYY-MM-DD". The zero Date (unset)
// becomes null, so nullable Date fields can be bound to graph.Date values.
func MarshalDate(d graph.Date) graphql.Marshaler {
	if d.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDate reads a Date argument. Anything but a valid "YYYY-MM-DD"
// string is a graph.Invalid error, which clients see as BAD_USER_INPUT.
func UnmarshalDate(v any) (graph.Date, error) {
	s, ok := v.(string)
	if !ok {
		return 0, graph.Errorf(graph.Invalid, "", "bad Date %v: want a string YYYY-MM-DD", v)
	}
	if s == "" {
		return 0, graph.Errorf(graph.Invalid, "", "bad Date \"\": want YYYY-MM-DD")
	}
	d, err := graph.ParseDate(s)
	if err != nil {
		return 0, &graph.Error{Kind: graph.Invalid, Err: err}
	}
	return d, nil
}
