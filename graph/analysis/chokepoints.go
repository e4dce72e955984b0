package analysis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/chipgraph/chipgraph/graph"
)

// ScoreFormula is the definition of Chokepoint.Score, for API documentation.
const ScoreFormula = "score = c × ln(1 + d) × (x ÷ d) × (1 + 0.5·k), where " +
	"c = concentration: max(firm HHI, country HHI) ÷ 10,000, with the share the known shares leave unclaimed " +
	"split equally among the named suppliers without a share (a lower bound, flagged), " +
	"or, for an alternative of an OR-group whose alternatives share one dominant firm (a majority share), " +
	"the group's combined concentration (each supplier's share averaged over the alternatives) when higher; " +
	"d = dependents, x = dependents with no alternative avoiding the input, where the other alternatives of " +
	"such a group are no alternative (the group is one supply); " +
	"k = 1 if an active control restricting new flows covers the input, plus 1 if an active servicing ban covers it " +
	"(its installed base stops being usable), 0 otherwise; score = 0 when d = 0."

// Chokepoint is one input assessed as a chokepoint at an as-of date. Shares
// are read at asOf: each supplier's latest SUPPLIES row from a year on or
// before asOf's year. Aggregate providers ("various / other", basis
// "aggregate") are never a supplier: they do not count in an HHI, a supplier
// count or the top supplier, and their presence makes the HHIs lower bounds.
type Chokepoint struct {
	Input graph.ID

	// TopSupplier is the firm with the largest known share (ties: the
	// smaller ID); "" when no firm share is known. TopShare is its share in
	// percent.
	TopSupplier graph.ID
	TopShare    *float64
	// TopCountry is the country with the largest known share (country rows,
	// or firm shares summed by headquarters when there are none).
	TopCountry      graph.ID
	TopCountryShare *float64

	// HHI is the firm-level Herfindahl–Hirschman index on 0–10,000: the sum
	// of the squared percentage shares of firm suppliers (basis "firm-hq" or
	// blank); nil when no firm share is known.
	HHI *float64
	// CountryHHI is the same over supplier countries (basis "country-hq" or
	// blank). When no country row counts, it is derived from the known firm
	// shares summed by each firm's headquarters country (CountryDerived).
	CountryHHI     *float64
	CountryDerived bool
	// LowerBound reports that an HHI is only a lower bound: some supplier
	// is named without a share, an aggregate provider holds part of the
	// market, or the known shares (with the aggregate ones) sum below 99 %. Unknown shares can only
	// add to the sum of squares. Reason says which, per level.
	LowerBound bool
	Reason     string
	Year       int        // the latest year of the share rows counted
	Sources    []graph.ID // sources of the share rows counted

	// SupplierCount is the number of distinct firms making it (MAKES) or
	// with a counted share row (aggregate providers excluded); if there is
	// none, the number of supplier countries.
	SupplierCount int

	// Dependents is the number of products and inputs that depend on it
	// through at least one REQUIRES edge, possibly after INSTANCE_OF and
	// TYPE_OF edges (a product of a category that requires it depends on
	// it; a subtype of it alone does not).
	Dependents int
	// Exposed counts the dependents that cannot do without it: removing the
	// input (and its instances and subtypes) leaves some AND-clause of
	// their requirements, own or inherited, with no alternative. The
	// others have an OR-alternative avoiding it: Alternatives = Dependents
	// - Exposed; HasAlternative reports that every dependent has one.
	Exposed        int
	Alternatives   int
	HasAlternative bool

	// Controls are the controls active at asOf that cover the input (a
	// COVERS edge to it or to a category it is an instance or subtype of).
	// Controls covering all items (entity listings) are about firms, not
	// this input, and are not listed.
	Controls []graph.ID

	// Concentration is c of ScoreFormula, on 0–1: the larger HHI with
	// unknown shares estimated, or the combined concentration of a
	// one-supply OR-group it belongs to when higher. Estimated reports that
	// unknown shares were estimated (LowerBound is then set too).
	Concentration float64
	Estimated     bool
	// SharedSupply lists the other alternatives of the OR-groups this input
	// belongs to whose alternatives all have the same dominant firm (a
	// majority share): together they are one supply, and none of them is an
	// alternative avoiding it. ID order.
	SharedSupply []graph.ID

	// Score ranks chokepoints; see ScoreFormula.
	Score float64
}

// Chokepoints returns inputs ranked by Score (highest first, ties by ID), at
// asOf (zero: today): every input in the graph when of is empty, else the
// inputs upstream of of (see Upstream, to depth MaxDepth). first caps the
// result (0: all). The whole-graph figures are computed once per epoch (a
// span of dates over which nothing they read changes) and cached in the
// Engine, so repeated requests cost a lookup and a copy. Once ctx is done
// the computation stops with ctx's error, and a table left unfinished is
// not kept.
func (e *Engine) Chokepoints(ctx context.Context, of graph.ID, asOf graph.Date, first int) ([]Chokepoint, error) {
	const op = "analysis.Chokepoints"
	if first < 0 {
		return nil, graph.Errorf(graph.Invalid, op, "first %d is negative", first)
	}
	asOf = dateOr(asOf)
	var root int32 = -1
	if of != "" {
		r, err := e.index(op, of)
		if err != nil {
			return nil, err
		}
		root = r
	}
	t, err := e.table(ctx, asOf)
	if err != nil {
		return nil, err
	}
	var rows []int32
	if root < 0 {
		rows = t.ranked
	} else {
		up, err := e.upstreamNodes(ctx, root, MaxDepth, asOf)
		if err != nil {
			return nil, err
		}
		for _, v := range up {
			if r := t.row[v]; r >= 0 {
				rows = append(rows, r)
			}
		}
		slices.SortFunc(rows, func(a, b int32) int { return cmp.Compare(t.rank[a], t.rank[b]) })
	}
	if first > 0 && len(rows) > first {
		rows = rows[:first]
	}
	out := make([]Chokepoint, len(rows))
	for i, r := range rows {
		out[i] = t.rows[r]
	}
	return out, nil
}

// table is the chokepoint figures of every input at one epoch.
type table struct {
	asOf   graph.Date
	rows   []Chokepoint
	base   []float64 // score without the control factor
	row    []int32   // node -> row, -1 if not an input
	rank   []int32   // row -> position in ranked
	ranked []int32   // rows by score desc, ID
}

// tableSlot holds one epoch's table once built. build is a one-token
// semaphore: whoever holds it builds the table, and the others wait for it
// or for their own context; a build stopped by its context leaves t nil,
// so the next caller builds it again.
type tableSlot struct {
	build chan struct{}
	t     atomic.Pointer[table]
}

// epochBounds returns the sorted dates at which something the chokepoint
// table reads can change: validity bounds of the edges it reads, the first
// day of every share year, and the dates controls start and stop applying.
func (e *Engine) epochBounds() []graph.Date {
	var b []graph.Date
	add := func(d graph.Date) {
		if d != 0 {
			b = append(b, d)
		}
	}
	for i := range e.s.NumEdges() {
		ed := e.s.Edge(int32(i))
		switch ed.Kind {
		case graph.Requires, graph.InstanceOf, graph.TypeOf, graph.Makes, graph.Supplies, graph.HeadquarteredIn,
			graph.Covers, graph.Targets, graph.Rescinds, graph.SubsidiaryOf, graph.Exempts, graph.Suspends, graph.Licenses:
			add(ed.ValidFrom)
			add(ed.ValidTo)
			if ed.Kind == graph.Supplies && ed.Year > 0 {
				add(graph.Date(ed.Year*10000 + 101))
			}
		}
	}
	for _, ev := range e.events {
		n := e.s.Node(ev)
		add(n.EffectiveDate())
		add(n.Expires)
	}
	slices.Sort(b)
	return slices.Compact(b)
}

// epoch returns the number of bounds on or before day: two days with the
// same epoch read the same facts.
func (e *Engine) epoch(day graph.Date) int {
	return sort.Search(len(e.bounds), func(i int) bool { return e.bounds[i] > day })
}

// table returns the chokepoint table for asOf's epoch, computing it once
// (or until a computation finishes: see tableSlot).
func (e *Engine) table(ctx context.Context, asOf graph.Date) (*table, error) {
	ep := e.epoch(asOf)
	e.mu.Lock()
	slot, ok := e.tables[ep]
	if !ok {
		slot = &tableSlot{build: make(chan struct{}, 1)}
		e.tables[ep] = slot
		e.fifo = append(e.fifo, ep)
		if len(e.fifo) > e.tableLimit() {
			delete(e.tables, e.fifo[0])
			e.fifo = e.fifo[1:]
		}
	}
	e.mu.Unlock()
	if t := slot.t.Load(); t != nil {
		return t, nil
	}
	select {
	case slot.build <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-slot.build }()
	if t := slot.t.Load(); t != nil { // built while this call waited
		return t, nil
	}
	t, err := e.buildTable(ctx, asOf)
	if err != nil {
		return nil, err
	}
	slot.t.Store(t)
	return t, nil
}

func (e *Engine) buildTable(ctx context.Context, asOf graph.Date) (*table, error) {
	s := e.s
	inputs := s.OfKind(graph.KindInput)
	t := &table{asOf: asOf, rows: make([]Chokepoint, len(inputs)), base: make([]float64, len(inputs)),
		row: make([]int32, s.NumNodes())}
	for i := range t.row {
		t.row[i] = -1
	}
	for r, v := range inputs {
		t.row[v] = int32(r)
	}
	est := make([]estimate, len(inputs))
	for r, v := range inputs {
		if r%stopEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		c := &t.rows[r]
		c.Input = s.Node(v).ID
		est[r] = e.shares(c, v, asOf)
	}
	one, err := e.oneSupplyGroups(ctx, t, est, asOf)
	if err != nil {
		return nil, err
	}
	deps, exposed, err := e.dependents(ctx, asOf, inputs, one)
	if err != nil {
		return nil, err
	}
	w := e.newWorld(asOf, nil)
	for r, v := range inputs {
		if r%stopEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		c := &t.rows[r]
		c.Dependents, c.Exposed = deps[r], exposed[r]
		c.Alternatives = c.Dependents - c.Exposed
		c.HasAlternative = c.Dependents > 0 && c.Exposed == 0
		var k int
		c.Controls, k = w.itemControls(v)
		t.base[r] = baseScore(c)
		c.Score = withControls(t.base[r], k)
	}
	t.ranked = make([]int32, len(inputs))
	for i := range t.ranked {
		t.ranked[i] = int32(i)
	}
	slices.SortFunc(t.ranked, func(a, b int32) int {
		if c := cmp.Compare(t.rows[b].Score, t.rows[a].Score); c != 0 {
			return c
		}
		return cmp.Compare(a, b) // rows follow node (ID) order
	})
	t.rank = make([]int32, len(inputs))
	for pos, r := range t.ranked {
		t.rank[r] = int32(pos)
	}
	return t, nil
}

func baseScore(c *Chokepoint) float64 {
	if c.Dependents == 0 {
		return 0
	}
	return c.Concentration * math.Log1p(float64(c.Dependents)) * float64(c.Exposed) / float64(c.Dependents)
}

// withControls applies the control factor (1 + 0.5·k) of ScoreFormula.
func withControls(base float64, k int) float64 {
	return base * (1 + 0.5*float64(k))
}

// itemControls returns the IDs of the controls covering item x other than
// covers-all ones, and k of ScoreFormula: 1 if one of them restricts new
// flows, plus 1 if one is a servicing ban.
func (w *world) itemControls(x int32) ([]graph.ID, int) {
	if len(w.byCover) == 0 {
		return nil, 0
	}
	var out []graph.ID
	flows, servicing := 0, 0
	for _, ci := range w.coveringCtls(x) {
		if c := w.ctls[ci]; !c.coversAll {
			out = append(out, c.id)
			if c.servicing {
				servicing = 1
			} else {
				flows = 1
			}
		}
	}
	return out, flows + servicing
}

// level accumulates the share rows of one level (firms or countries).
type level struct {
	shares          map[int32]float64 // supplier -> known share
	unk             []int32           // suppliers named without a share
	unknown, agg    int
	aggShare        float64
	named           int
	top             int32
	topShare, total float64
}

func newLevel() *level { return &level{shares: map[int32]float64{}, top: -1} }

func (l *level) add(sup int32, ed *graph.Edge) {
	switch {
	case ed.Aggregate():
		l.agg++
		if ed.HasShare() {
			l.aggShare += ed.Share
		}
	case !ed.HasShare():
		l.unknown++
		l.named++
		l.unk = append(l.unk, sup)
	default:
		l.shares[sup] += ed.Share
		l.named++
	}
}

// finish computes HHI and top; it returns nil HHI when no share is known.
func (l *level) finish() *float64 {
	if len(l.shares) == 0 {
		return nil
	}
	h := 0.0
	for _, sup := range sortedKeys(l.shares) { // a fixed order keeps the float sums reproducible
		v := l.shares[sup]
		h += v * v
		l.total += v
		if v > l.topShare || (v == l.topShare && sup < l.top) || l.top < 0 {
			l.top, l.topShare = sup, v
		}
	}
	return &h
}

func (l *level) reasons(name string) []string {
	var rs []string
	if l.unknown > 0 {
		rs = append(rs, fmt.Sprintf("%s: %d of %d named suppliers have no share", name, l.unknown, l.named))
	}
	if l.agg > 0 {
		if l.aggShare > 0 {
			rs = append(rs, fmt.Sprintf("%s: aggregate providers hold %.4g%%", name, l.aggShare))
		} else {
			rs = append(rs, fmt.Sprintf("%s: aggregate providers are listed", name))
		}
	}
	if len(l.shares) > 0 && l.total+l.aggShare < 99 {
		rs = append(rs, fmt.Sprintf("%s: known shares sum to %.4g%%", name, l.total+l.aggShare))
	}
	return rs
}

// shares fills in the concentration figures of input v at asOf, and
// returns the estimated share maps the concentration is read from.
func (e *Engine) shares(c *Chokepoint, v int32, asOf graph.Date) estimate {
	s := e.s
	y := asOf.Year()
	firms, countries := newLevel(), newLevel()
	suppliers := map[int32]bool{}
	var countrySet map[int32]bool
	var srcs []graph.ID
	rows := e.in(v, graph.Supplies) // sorted by supplier, then year
	for i := 0; i < len(rows); {
		from, _ := s.Ends(rows[i])
		j := i
		best := int32(-1)
		for ; j < len(rows); j++ {
			f, _ := s.Ends(rows[j])
			if f != from {
				break
			}
			ed := s.Edge(rows[j])
			if visible(ed, asOf) && ed.Year <= y {
				best = rows[j] // rows ascend by year
			}
		}
		i = j
		if best < 0 {
			continue
		}
		ed := s.Edge(best)
		isCountry := s.Node(from).Kind == graph.KindCountry
		switch {
		case !isCountry && (ed.Basis == "" || ed.Basis == "firm-hq" || ed.Basis == "aggregate"):
			firms.add(from, ed)
		case isCountry && (ed.Basis == "" || ed.Basis == "country-hq" || ed.Basis == "aggregate"):
			countries.add(from, ed)
		default:
			continue // capacity and other bases measure something else
		}
		c.Year = max(c.Year, ed.Year)
		srcs = append(srcs, ed.Sources...)
		if !ed.Aggregate() {
			if isCountry {
				if countrySet == nil {
					countrySet = map[int32]bool{}
				}
				countrySet[from] = true
			} else {
				suppliers[from] = true
			}
		}
	}
	for _, ed := range e.in(v, graph.Makes) {
		if visible(s.Edge(ed), asOf) {
			f, _ := s.Ends(ed)
			suppliers[f] = true
		}
	}
	c.SupplierCount = len(suppliers)
	if c.SupplierCount == 0 {
		c.SupplierCount = len(countrySet)
	}
	slices.Sort(srcs)
	c.Sources = slices.Compact(srcs)

	c.HHI = firms.finish()
	if firms.top >= 0 {
		c.TopSupplier, c.TopShare = s.Node(firms.top).ID, ptr(firms.topShare)
	}
	reasons := firms.reasons("firms")
	lower := len(reasons) > 0
	if len(countries.shares) == 0 && countries.unknown == 0 && len(firms.shares) > 0 {
		// Derive country figures from firm shares by headquarters.
		derived := newLevel()
		for _, f := range sortedKeys(firms.shares) {
			sh := firms.shares[f]
			if hq := e.hqAt(f, asOf); hq >= 0 {
				derived.shares[hq] += sh
			} else {
				derived.unknown++
			}
		}
		countries = derived
		c.CountryDerived = true
	}
	c.CountryHHI = countries.finish()
	if !c.CountryDerived {
		rs := countries.reasons("countries")
		reasons = append(reasons, rs...)
		lower = lower || len(rs) > 0
	}
	if countries.top >= 0 {
		c.TopCountry, c.TopCountryShare = s.Node(countries.top).ID, ptr(countries.topShare)
	}
	if c.HHI == nil && c.CountryHHI == nil {
		reasons = append(reasons, "no shares recorded")
	}
	est := e.estimate(c, firms, countries, suppliers, asOf)
	if c.Estimated {
		lower = true
		reasons = append(reasons, fmt.Sprintf("concentration estimated from %d named suppliers in %d countries", c.SupplierCount, est.countryCount))
	}
	c.LowerBound = lower
	c.Reason = strings.Join(reasons, "; ")
	return est
}

func (e *Engine) hqAt(f int32, asOf graph.Date) int32 {
	if hs := e.outVisible(f, graph.HeadquarteredIn, asOf); len(hs) > 0 {
		return hs[0]
	}
	return -1
}

func sortedKeys[V any](m map[int32]V) []int32 {
	ks := make([]int32, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
