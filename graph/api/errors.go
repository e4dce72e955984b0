package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/chipgraph/chipgraph/graph"
)

// Error codes in extensions.code. Besides these, gqlgen reports
// GRAPHQL_PARSE_FAILED and GRAPHQL_VALIDATION_FAILED for documents that do
// not parse or do not match the schema.
const (
	CodeNotFound        = "NOT_FOUND"                 // a referenced ID does not exist
	CodeBadUserInput    = "BAD_USER_INPUT"            // malformed ID, date, cursor or argument; oversized body
	CodeComplexityLimit = "COMPLEXITY_LIMIT_EXCEEDED" // query too complex or too deep
	CodeUnavailable     = "UNAVAILABLE"               // no data loaded yet, a backend is down, or the request timed out
	CodeInternal        = "INTERNAL"                  // a bug; details are logged under the request ID, never returned
)

// maxMessage bounds error messages echoed to clients (gqlgen quotes an
// undecodable request body in full).
const maxMessage = 500

// codedError returns a GraphQL error with the given code, for errors whose
// message is written for the client. The presenter passes it through.
func codedError(code, format string, args ...any) error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": code}}
}

func userError(format string, args ...any) error {
	return codedError(CodeBadUserInput, format, args...)
}

func notFound(format string, args ...any) error {
	return codedError(CodeNotFound, format, args...)
}

// panicError marks a recovered panic.
type panicError struct{ value any }

func (p panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// recoverFunc turns a panic in a resolver into an INTERNAL error, logging
// the panic value and stack under the request ID.
func (s *Server) recoverFunc(ctx context.Context, v any) error {
	s.log.LogAttrs(ctx, slog.LevelError, "panic in resolver",
		slog.String("request_id", requestIDOf(ctx)), slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
	return panicError{v}
}

// presentError decides what a client sees of an error: a message and an
// extensions.code. Errors that carry a code already (gqlgen's parse,
// validation and complexity errors, the API's own user errors) pass
// through; graph.Error kinds map to codes; anything else is INTERNAL, with
// its details logged under the request ID and replaced by a message quoting
// that ID.
func (s *Server) presentError(ctx context.Context, err error) *gqlerror.Error {
	var gqlErr *gqlerror.Error
	if !errors.As(err, &gqlErr) {
		gqlErr = gqlerror.WrapPath(graphql.GetPath(ctx), err)
	}
	out := &gqlerror.Error{
		Message:    gqlErr.Message,
		Path:       gqlErr.Path,
		Locations:  gqlErr.Locations,
		Extensions: map[string]any{},
		Rule:       gqlErr.Rule,
	}
	for k, v := range gqlErr.Extensions {
		out.Extensions[k] = v
	}
	code, msg := s.classify(ctx, err, gqlErr)
	out.Extensions["code"] = code
	if code == CodeInternal {
		out.Extensions["requestId"] = requestIDOf(ctx)
	}
	if len(msg) > maxMessage {
		msg = msg[:maxMessage] + "…"
	}
	out.Message = msg
	return out
}

func (s *Server) classify(ctx context.Context, err error, gqlErr *gqlerror.Error) (code, msg string) {
	var p panicError
	switch {
	case errors.As(err, &p):
		return CodeInternal, internalMessage(ctx)
	case errors.Is(err, context.DeadlineExceeded):
		return CodeUnavailable, fmt.Sprintf("the request took longer than the limit of %s; ask for less (a smaller first or maxDepth)", s.cfg.Timeout)
	case errors.Is(err, context.Canceled):
		return CodeUnavailable, "the request was cancelled"
	}
	switch graph.KindOf(err) {
	case graph.Invalid:
		return CodeBadUserInput, publicMessage(err)
	case graph.NotFound:
		return CodeNotFound, publicMessage(err)
	case graph.Unavailable:
		s.logError(ctx, "backend unavailable", err, gqlErr)
		return CodeUnavailable, "the graph backend is unavailable; retry later"
	}
	if c, ok := gqlErr.Extensions["code"].(string); ok && c != "" && gqlErr.Err == nil {
		return c, gqlErr.Message
	}
	if gqlErr.Err == nil && len(gqlErr.Path) == 0 {
		// Raised by gqlgen about the request itself, outside any field
		// (an undecodable body, a missing operation): the client's mistake.
		return CodeBadUserInput, gqlErr.Message
	}
	s.logError(ctx, "internal error", err, gqlErr)
	return CodeInternal, internalMessage(ctx)
}

func (s *Server) logError(ctx context.Context, msg string, err error, gqlErr *gqlerror.Error) {
	s.log.LogAttrs(ctx, slog.LevelError, msg, slog.String("request_id", requestIDOf(ctx)),
		slog.String("path", gqlErr.Path.String()), slog.String("err", err.Error()))
}

func internalMessage(ctx context.Context) string {
	return "internal error; the server logged the details under request ID " + requestIDOf(ctx)
}

// publicMessage returns the message of the innermost graph.Error's cause,
// without operation names, which are internal.
func publicMessage(err error) string {
	msg := err.Error()
	for err != nil {
		var e *graph.Error
		if !errors.As(err, &e) {
			break
		}
		if e.Err == nil {
			msg = e.Kind.String()
			break
		}
		msg = e.Err.Error()
		err = e.Err
	}
	return msg
}

// depthError reports an operation nested deeper than the limit.
func depthError(depth, limit int) *gqlerror.Error {
	err := gqlerror.Errorf("operation is nested %d fields deep, which exceeds the limit of %d", depth, limit)
	errcode.Set(err, CodeComplexityLimit)
	return err
}
