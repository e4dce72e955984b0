package analysis

import (
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/chipgraph/chipgraph/graph"
)

// feasCache holds the settled results of feasibility evaluations in the
// baseline world (the recorded controls only) of one epoch: a span of days
// over which nothing the evaluation reads changes. A settled result (see
// eval.solve) is a fact about that world, whichever query derived it, so
// every later query at any day of the epoch reuses it; a server answering
// many feasibility questions pays for each part of the graph once.
//
// Keys name holders by node index and buyers' control profiles by an index
// into the shared profile registry, so that they mean the same in every
// world of the epoch.
type feasCache struct {
	shards [feasShards]struct {
		mu sync.RWMutex
		m  map[uint64]bool
	}
	n atomic.Int64

	mu        sync.Mutex
	profIndex map[string]int
	profSets  [][]bool
}

// Bounds on the feasibility caches: at most maxFeasEntries results (some 30
// bytes each) per epoch, for at most maxFeasCaches epochs; beyond them,
// results are no longer published and queries compute what is missing.
const (
	maxFeasEntries = 2 << 20
	maxFeasCaches  = 4
	feasShards     = 64 // lock shards, so that concurrent queries rarely wait
)

func newFeasCache() *feasCache {
	c := &feasCache{profIndex: map[string]int{"": 0}, profSets: [][]bool{nil}}
	for i := range c.shards {
		c.shards[i].m = map[uint64]bool{}
	}
	return c
}

func (c *feasCache) shard(k uint64) int { return int((k * 0x9E3779B97F4A7C15) >> 58) } // 6 bits: 64 shards

func (c *feasCache) load(k uint64) (bool, bool) {
	sh := &c.shards[c.shard(k)]
	sh.mu.RLock()
	v, ok := sh.m[k]
	sh.mu.RUnlock()
	return v, ok
}

func (c *feasCache) store(k uint64, v bool) {
	if c.n.Load() >= maxFeasEntries {
		return
	}
	sh := &c.shards[c.shard(k)]
	sh.mu.Lock()
	if _, ok := sh.m[k]; !ok {
		sh.m[k] = v
		c.n.Add(1)
	}
	sh.mu.Unlock()
}

// intern returns the id of the profile binding exactly the controls in
// binds (keyed by key), registering it if new.
func (c *feasCache) intern(key string, binds []int, nctl int) (int, []bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.profIndex[key]; ok {
		return p, c.profSets[p]
	}
	set := make([]bool, nctl)
	for _, ci := range binds {
		set[ci] = true
	}
	p := len(c.profSets)
	c.profSets = append(c.profSets, set)
	c.profIndex[key] = p
	return p, set
}

// feasBounds returns the sorted dates at which anything a feasibility
// evaluation reads can change: every edge's validity bounds and the days
// controls start and stop applying.
func (e *Engine) feasBounds() []graph.Date {
	var b []graph.Date
	for i := range e.s.NumEdges() {
		ed := e.s.Edge(int32(i))
		if ed.ValidFrom != 0 {
			b = append(b, ed.ValidFrom)
		}
		if ed.ValidTo != 0 {
			b = append(b, ed.ValidTo)
		}
	}
	for _, ev := range e.events {
		n := e.s.Node(ev)
		if d := n.EffectiveDate(); d != 0 {
			b = append(b, d)
		}
		if n.Expires != 0 {
			b = append(b, n.Expires)
		}
	}
	slices.Sort(b)
	return slices.Compact(b)
}

// baseWorld returns a world of the recorded controls at asOf, sharing
// settled results with the other queries of its epoch.
func (e *Engine) baseWorld(asOf graph.Date) *world {
	ep := sort.Search(len(e.fbounds), func(i int) bool { return e.fbounds[i] > asOf })
	e.mu.Lock()
	c, ok := e.feas[ep]
	if !ok {
		c = newFeasCache()
		e.feas[ep] = c
		e.ffifo = append(e.ffifo, ep)
		if len(e.ffifo) > maxFeasCaches {
			delete(e.feas, e.ffifo[0])
			e.ffifo = e.ffifo[1:]
		}
	}
	e.mu.Unlock()
	w := e.newWorld(asOf, nil)
	w.shared = c
	return w
}
