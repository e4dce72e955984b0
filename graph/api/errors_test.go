package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/chipgraph/chipgraph/graph"
)

func TestPresentError(t *testing.T) {
	buf := &syncBuffer{}
	s := &Server{cfg: Options{}.withDefaults(), log: slog.New(slog.NewTextHandler(buf, nil))}
	ctx := context.WithValue(context.Background(), requestInfoKey{}, &requestInfo{id: "req42"})
	tests := []struct {
		name     string
		err      error
		code     string
		message  string // "" to skip
		inLog    string // "" if nothing must be logged
		notShown string // must not appear in the message
	}{
		{"invalid", &graph.Error{Kind: graph.Invalid, Op: "analysis.Paths", Err: errors.New("maxDepth too large")},
			CodeBadUserInput, "maxDepth too large", "", "analysis.Paths"},
		{"not found, nested ops", &graph.Error{Kind: graph.NotFound, Op: "analysis.Paths",
			Err: &graph.Error{Op: "graph.Lookup", Err: errors.New("no node firm:x")}},
			CodeNotFound, "no node firm:x", "", "graph.Lookup"},
		{"unavailable", fmt.Errorf("snapshot: %w", &graph.Error{Kind: graph.Unavailable, Op: "neo4jstore.Snapshot",
			Err: errors.New("dial tcp 10.1.2.3:7687: refused")}),
			CodeUnavailable, "", "10.1.2.3", "10.1.2.3"},
		{"timeout", fmt.Errorf("analysis: %w", context.DeadlineExceeded), CodeUnavailable, "", "", ""},
		{"internal", errors.New("index out of range in secret place"), CodeInternal, "", "secret place", "secret"},
		{"conflict is internal", &graph.Error{Kind: graph.Conflict, Err: errors.New("duplicate node")}, CodeInternal, "", "duplicate", "duplicate"},
		{"panic", panicError{"boom"}, CodeInternal, "", "", "boom"},
		{"coded passes through", userError("first: 600 is out of range"), CodeBadUserInput, "first: 600 is out of range", "", ""},
		{"gqlgen request error", gqlerror.Errorf("json request body could not be decoded: %s", strings.Repeat("x", 2000)),
			CodeBadUserInput, "", "", strings.Repeat("x", maxMessage+1)},
		{"gqlgen field error", &gqlerror.Error{Message: "must not be null", Path: ast.Path{ast.PathName("node")}}, CodeInternal, "", "must not be null", "must not be null"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(buf.String())
			got := s.presentError(ctx, tc.err)
			if got.Extensions["code"] != tc.code {
				t.Errorf("code %v, want %s (%s)", got.Extensions["code"], tc.code, got.Message)
			}
			if tc.message != "" && got.Message != tc.message {
				t.Errorf("message %q, want %q", got.Message, tc.message)
			}
			if tc.notShown != "" && strings.Contains(got.Message, tc.notShown) {
				t.Errorf("message %q shows %q", got.Message, tc.notShown)
			}
			if tc.code == CodeInternal && (got.Extensions["requestId"] != "req42" || !strings.Contains(got.Message, "req42")) {
				t.Errorf("INTERNAL without the request ID: %+v", got)
			}
			logged := buf.String()[before:]
			if tc.inLog != "" && (!strings.Contains(logged, tc.inLog) || !strings.Contains(logged, "req42")) {
				t.Errorf("log lacks %q and the request ID: %s", tc.inLog, logged)
			}
		})
	}
}
