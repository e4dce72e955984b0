package api

import (
	"context"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// shapeLimit rejects a document by its shape before gqlgen parses,
// validates or walks it: every walk over a document (validation, depth,
// complexity, field collection) visits a fragment once per spread, so a few
// kilobytes of fragments that each spread two others expand to millions of
// fields. It counts, with one visit per fragment, the fields of each
// operation fully expanded (aliases included) and the introspection roots,
// and rejects an operation above the limits. Documents it cannot parse are
// left to gqlgen, which reports the syntax error.
type shapeLimit struct {
	maxFields int // fields of one operation, fragments expanded
	maxSchema int // __schema fields of one operation
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = shapeLimit{}

func (shapeLimit) ExtensionName() string                   { return "ShapeLimit" }
func (shapeLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (l shapeLimit) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		return nil
	}
	c := newShapeCounter(doc)
	for _, op := range doc.Operations {
		fields, schema := c.set(op.SelectionSet, 0)
		if fields > int64(l.maxFields) {
			return complexityError("the operation expands to %s fields (fragments spread out, aliases counted); the limit is %d",
				countText(fields), l.maxFields)
		}
		if schema > int64(l.maxSchema) {
			return complexityError("the operation asks for __schema %d times; the limit is %d", schema, l.maxSchema)
		}
	}
	return nil
}

func complexityError(format string, args ...any) *gqlerror.Error {
	e := gqlerror.Errorf(format, args...)
	e.Extensions = map[string]any{"code": CodeComplexityLimit}
	return e
}

func countText(n int64) string {
	if n >= saturated {
		return "more than a trillion"
	}
	return strconv.FormatInt(n, 10)
}

// saturated caps counts so that they cannot overflow.
const saturated = int64(1) << 40

// shapeCounter memoises the expanded size of each fragment.
type shapeCounter struct {
	frags map[string]*ast.FragmentDefinition
	memo  map[string][2]int64
	busy  map[string]bool
}

func newShapeCounter(doc *ast.QueryDocument) *shapeCounter {
	c := &shapeCounter{frags: map[string]*ast.FragmentDefinition{}, memo: map[string][2]int64{}, busy: map[string]bool{}}
	for _, f := range doc.Fragments {
		c.frags[f.Name] = f
	}
	return c
}

// set returns the number of fields and of __schema fields in set, with
// every fragment spread expanded. A fragment cycle (which validation
// rejects later) counts as empty.
func (c *shapeCounter) set(set ast.SelectionSet, depth int) (fields, schema int64) {
	if depth > 256 {
		return saturated, 0 // deeper than any limit: no need to look further
	}
	for _, sel := range set {
		var f, s int64
		switch x := sel.(type) {
		case *ast.Field:
			f, s = c.set(x.SelectionSet, depth+1)
			f++
			if x.Name == "__schema" {
				s++
			}
		case *ast.InlineFragment:
			f, s = c.set(x.SelectionSet, depth+1)
		case *ast.FragmentSpread:
			f, s = c.fragment(x.Name, depth)
		}
		fields, schema = min(fields+f, saturated), min(schema+s, saturated)
	}
	return fields, schema
}

func (c *shapeCounter) fragment(name string, depth int) (int64, int64) {
	if m, ok := c.memo[name]; ok {
		return m[0], m[1]
	}
	def, ok := c.frags[name]
	if !ok || c.busy[name] {
		return 0, 0
	}
	c.busy[name] = true
	f, s := c.set(def.SelectionSet, depth+1)
	delete(c.busy, name)
	c.memo[name] = [2]int64{f, s}
	return f, s
}

// queryCache is gqlgen's cache of parsed and validated documents, bounded
// by the bytes of the query texts it holds (a parsed document takes some
// ten times its text) rather than by their number, and holding only
// documents up to maxCachedQuery bytes: a stream of distinct large
// documents cannot fill memory with cached trees. Least recently added
// entries go first.
type queryCache struct {
	mu     sync.Mutex
	budget int
	used   int
	docs   map[string]*ast.QueryDocument
	order  []string
}

const maxCachedQuery = 16 << 10

func newQueryCache(budget int) *queryCache {
	return &queryCache{budget: budget, docs: map[string]*ast.QueryDocument{}}
}

func (c *queryCache) Get(_ context.Context, key string) (*ast.QueryDocument, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.docs[key]
	return d, ok
}

func (c *queryCache) Add(_ context.Context, key string, doc *ast.QueryDocument) {
	if len(key) > maxCachedQuery {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.docs[key]; ok {
		return
	}
	for c.used+len(key) > c.budget && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		c.used -= len(old)
		delete(c.docs, old)
	}
	c.docs[key] = doc
	c.order = append(c.order, key)
	c.used += len(key)
}
