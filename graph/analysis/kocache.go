package analysis

import (
	"strconv"
	"strings"
	"sync"

	"github.com/chipgraph/chipgraph/graph"
)

// maxKnockoutResults bounds the knock-out answers an Engine keeps: the
// critical-supplier report and the dashboard ask the same few items and
// days again and again, and one answer is a few kilobytes.
const maxKnockoutResults = 256

// koCache keeps complete knock-out answers by question (item, options and
// as-of day). An Engine serves one snapshot, so an answer stays true for
// as long as the Engine lives: the cache is per data version by
// construction. Stopped or failed queries are never kept.
type koCache struct {
	mu   sync.Mutex
	m    map[string]KnockoutResult
	fifo []string
}

// koKey is the question's cache key.
func koKey(item graph.ID, asOf graph.Date, o KnockoutOptions) string {
	var b strings.Builder
	b.WriteString(string(item))
	b.WriteByte(0)
	b.WriteString(asOf.String())
	b.WriteByte(0)
	b.WriteString(string(o.Holder))
	b.WriteByte(0)
	if o.Threshold != nil {
		b.WriteString(strconv.FormatFloat(*o.Threshold, 'g', -1, 64))
	}
	for _, f := range []bool{o.KeepInstalledBase, o.IgnoreControls, o.CountStockpiles} {
		b.WriteByte('0' + byte(b2i(f)))
	}
	for _, r := range o.Remove { // in the order given: Set.Removed keeps it
		b.WriteByte(0)
		b.WriteString(string(r))
	}
	return b.String()
}

func (c *koCache) get(k string) (KnockoutResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[k]
	return r, ok
}

func (c *koCache) put(k string, r KnockoutResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]KnockoutResult{}
	}
	if _, ok := c.m[k]; ok {
		return
	}
	if len(c.fifo) >= maxKnockoutResults {
		delete(c.m, c.fifo[0])
		c.fifo = c.fifo[1:]
	}
	c.m[k] = r
	c.fifo = append(c.fifo, k)
}
