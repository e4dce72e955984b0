package analysis

import (
	"context"
	"fmt"

	"github.com/chipgraph/chipgraph/graph"
)

// maxNecessityGraphs bounds the necessity graphs an Engine keeps. At 10^5
// nodes (tier M) the one most items reach holds about 1.4 million nodes
// and about 530 MiB of heap, so only the last two days and rules asked are
// kept.
const maxNecessityGraphs = 2

// necKey says which knock-out questions one necessity graph serves: the
// day, the threshold, the installed-base rule and whether the recorded
// controls are set aside. Questions with hypothetical controls or counted
// stockpiles build a graph of their own.
type necKey struct {
	day    graph.Date
	th     float64
	keep   bool
	ignore bool
}

// necShared holds the necessity graphs the Engine keeps, and the token of
// the one computation over them that runs at a time.
type necShared struct {
	graphs map[necKey]*necessity
	fifo   []necKey
	token  chan struct{}
}

// sharedKnockouts runs f over the necessity graph of key, built or grown as
// f needs, one such computation at a time. The computation runs to its end
// even when ctx is done first (the caller then returns at once with ctx's
// error): what it adds to the graph is kept for the next question, so a
// graph that takes longer to build than a request may wait still gets
// built, and a graph is never left half solved. A computation whose
// question is gone before it starts does not start, so abandoned
// questions do not queue work.
func (e *Engine) sharedKnockouts(ctx context.Context, key necKey, f func(*necessity) (KnockoutResult, error)) (KnockoutResult, error) {
	const op = "analysis.Knockouts"
	select {
	case e.nec.token <- struct{}{}:
	case <-ctx.Done():
		return KnockoutResult{}, fmt.Errorf("%s: stopped: %w", op, ctx.Err())
	}
	if err := ctx.Err(); err != nil {
		<-e.nec.token
		return KnockoutResult{}, fmt.Errorf("%s: stopped: %w", op, err)
	}
	type out struct {
		r   KnockoutResult
		err error
	}
	done := make(chan out, 1)
	go func() {
		defer func() { <-e.nec.token }()
		n := e.necessityOf(key)
		defer func() {
			if p := recover(); p != nil { // the graph may be half grown: drop it
				e.dropNecessity(key, n)
				done <- out{err: fmt.Errorf("%s: internal error: %v", op, p)}
			}
		}()
		r, err := f(n)
		done <- out{r, err}
	}()
	select {
	case o := <-done:
		return o.r, o.err
	case <-ctx.Done():
		return KnockoutResult{}, fmt.Errorf("%s: stopped: %w", op, ctx.Err())
	}
}

// necessityOf returns the kept necessity graph of key, a new empty one if
// there is none. The caller holds the token.
func (e *Engine) necessityOf(key necKey) *necessity {
	e.mu.Lock()
	n, ok := e.nec.graphs[key]
	e.mu.Unlock()
	if ok {
		return n
	}
	w := e.legalWorld(key.day, key.ignore) // no context: its evaluations never stop
	n = e.newNecessity(w, newEval(w), key.th, key.keep)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nec.graphs[key] = n
	e.nec.fifo = append(e.nec.fifo, key)
	if len(e.nec.fifo) > maxNecessityGraphs {
		delete(e.nec.graphs, e.nec.fifo[0])
		e.nec.fifo = e.nec.fifo[1:]
	}
	return n
}

func (e *Engine) dropNecessity(key necKey, n *necessity) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.nec.graphs[key] == n {
		delete(e.nec.graphs, key)
	}
}

// baseOr returns the graph's baseline evaluation, or a new one in w for no
// graph (the plain method).
func (n *necessity) baseOr(w *world) *eval {
	if n == nil {
		return newEval(w)
	}
	return n.base
}

// context returns the question's context (never nil).
func (k *knocker) context() context.Context {
	if k.ctx == nil {
		return context.Background()
	}
	return k.ctx
}
