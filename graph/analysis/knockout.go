package analysis

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/chipgraph/chipgraph/graph"
)

// DefaultKnockoutThreshold is the share, in percent of an item's market,
// below which the suppliers that remain after a removal are taken to be
// unable to supply the item (see Knockouts).
const DefaultKnockoutThreshold = 10.0

// KnockoutRule states the removal rule, for API documentation.
const KnockoutRule = "Removing a firm takes away what it and its subsidiaries make and supply and the fabs they " +
	"operate; removing a country, everything its firms make and supply, its own supply rows and every fab on its " +
	"soil. The holder's own group and its fabs are never removed. An item one of whose makers or suppliers is " +
	"removed loses every supplier when the remaining ones hold less than the threshold (percent of its market, " +
	"from the share rows counted at asOf: firm rows, or country rows when no firm is recorded); a remaining " +
	"supplier without a published share is credited with whatever the known shares (removed, remaining and " +
	"aggregate) leave unclaimed, so an item whose shares are all unknown is never cut while a supplier remains. " +
	"By default removal is full withdrawal: an installed base of a tool whose supply is cut stops counting (no " +
	"servicing); keepInstalledBase keeps it (no new tools). The controls in force that day keep their legal " +
	"reach: whether a control reaches a supplier is read without the removal."

// KnockoutOptions are the options of Knockouts.
type KnockoutOptions struct {
	// Holder is who must obtain the item: a firm or country. Empty: the
	// item's maker for a product, the unrestricted buyer for an input, the
	// operator for a fab, the firm itself for a firm.
	Holder graph.ID
	// Threshold is the share, in percent (0..100), the remaining suppliers
	// of an item must hold for it to stay supplied; nil means
	// DefaultKnockoutThreshold.
	Threshold *float64
	// KeepInstalledBase keeps installed tools usable when their supply is
	// cut (no new tools), instead of full withdrawal (no servicing either).
	KeepInstalledBase bool
	// Remove is a set of firms and countries removed together; the result's
	// Set reports what removing all of them does.
	Remove []graph.ID
	// IgnoreControls sets the recorded controls aside: the physical supply
	// chain, for an item the controls in force already deny its holder (the
	// Ascend 910C for Huawei: every 7nm-class flow to it is reached by the
	// Huawei foreign-direct-product rules).
	IgnoreControls bool
	// CountStockpiles counts the holder's observed stockpiles in force as
	// held (see ScenarioOptions.CountStockpiles): a supplier whose item the
	// holder has stocked is no knock-out for it.
	CountStockpiles bool
	// Assume adds hypothetical controls (with the semantics of Feasibility's
	// assume) to the recorded ones: the knock-outs under a scenario (see
	// ScenarioKnockouts). Not with IgnoreControls.
	Assume []Control
}

// KnockoutResult is the answer of Knockouts.
type KnockoutResult struct {
	Item graph.ID
	// Holder is the firm or country that must obtain the item; "" is the
	// unrestricted buyer (no group, no fab, no control binds it).
	Holder            graph.ID
	AsOf              graph.Date
	Threshold         float64
	KeepInstalledBase bool
	IgnoreControls    bool
	// Goals are what must stay obtainable: the item itself, or for a fab
	// the tool categories it is equipped with, for a firm what it makes and
	// supplies. Feasible reports that the holder can obtain every goal at
	// baseline (the recorded controls, nothing removed); a removal knocks
	// the item out when a goal obtainable at baseline no longer is.
	Goals    []graph.ID
	Feasible bool
	// Candidates is the number of firms and countries that could be
	// knock-outs: those that take away something one derivation of the
	// baseline answer relies on (a removal only takes routes away, so no
	// other can change it; see necessity.candidates).
	Candidates int
	// Firms and Countries are the single-firm and single-country
	// knock-outs, the largest share first (unknown last), then the most
	// items taken down, then by ID.
	Firms, Countries []Knockout
	// Set reports the removal of KnockoutOptions.Remove together; nil if
	// none was given.
	Set *Knockout
}

// Knockout is one removal and what it does to the item.
type Knockout struct {
	Removed   []graph.ID // the firm or country removed (for a set: all of them)
	KnocksOut bool       // a goal obtainable at baseline no longer is
	Fails     []graph.ID // those goals
	// TakesDown is what fails first: the items (inputs, products) on the
	// way from the item to the failure that lose a supplier, an in-house
	// maker or a serviced installed base to the removal and become
	// unobtainable, and the removed fabs needed (see necessity.failing);
	// for a set, those its evaluation met. ID order.
	TakesDown []graph.ID
	// Share is the removed supplier's largest known share (percent) of the
	// market of an item it takes down, ShareOf that item; nil when none is
	// known. A country's share is its country row, else the known shares
	// of its firms summed.
	Share   *float64
	ShareOf graph.ID
	// DominatedAlternatives lists items taken down that are OR-alternatives
	// of one another (EUV and ArF immersion lithography for a 7nm-class
	// process): the alternative gives no way around this supplier.
	// AlternativeAlsoDominated reports that there is one.
	DominatedAlternatives    []graph.ID
	AlternativeAlsoDominated bool
	// Path is a dependency path from the item to the supplier (for a
	// country, to the country or, when it supplies only through its firms,
	// to its firm with the largest share of ShareOf), through ShareOf or
	// another item taken down when there is one; nil if none is found
	// within MaxDepth.
	Path *Path
}

// Knockouts finds the single firms and countries whose removal makes item
// infeasible for its holder at asOf (zero: today), on top of the controls
// recorded as active that day; see KnockoutRule for what a removal means.
// item is a product, input, fab or firm. Unknown IDs fail with
// graph.NotFound; a holder that is not a firm or country, a removed node
// that is not a firm or country or a threshold outside 0..100 with
// graph.Invalid.
//
// A removal only takes routes away (the legal reach of controls is read
// without it), so the baseline evaluation, written out as an AND/OR graph
// of its true results, decides every single removal at once: the removals
// that make each node false are computed over that graph as a greatest
// fixed point (see knockset.go), with no evaluation per candidate.
//
// Complete answers are kept per question (item, options, as-of day; see
// koCache), so asking again costs a map lookup. The slices of an answer
// are shared with the cache: callers must not modify them.
func (e *Engine) Knockouts(ctx context.Context, item graph.ID, asOf graph.Date, opts KnockoutOptions) (KnockoutResult, error) {
	asOf = dateOr(asOf)
	if len(opts.Assume) > 0 { // hypothetical controls: asked once, not kept
		return e.knockouts(ctx, item, asOf, opts, true)
	}
	key := koKey(item, asOf, opts)
	if r, ok := e.kos.get(key); ok {
		return r, nil
	}
	r, err := e.knockouts(ctx, item, asOf, opts, true)
	if err == nil && ctx.Err() == nil {
		e.kos.put(key, r)
	}
	return r, err
}

// knockouts is Knockouts; with exact false, the candidates are those a
// fresh baseline evaluation reads (readCandidates) and each one's removal is
// evaluated: the plain method, kept as a check of the exact one in tests.
func (e *Engine) knockouts(ctx context.Context, item graph.ID, asOf graph.Date, opts KnockoutOptions, exact bool) (KnockoutResult, error) {
	const op = "analysis.Knockouts"
	x, err := e.index(op, item)
	if err != nil {
		return KnockoutResult{}, err
	}
	th := DefaultKnockoutThreshold
	if opts.Threshold != nil {
		th = *opts.Threshold
		if !(th >= 0 && th <= 100) {
			return KnockoutResult{}, graph.Errorf(graph.Invalid, op, "threshold %g: want a percentage in 0..100", th)
		}
	}
	asOf = dateOr(asOf)
	if len(opts.Assume) > 0 && opts.IgnoreControls {
		return KnockoutResult{}, graph.Errorf(graph.Invalid, op, "hypothetical controls cannot be assumed with the recorded controls set aside")
	}
	holder := int32(nobody)
	if opts.Holder != "" {
		h, err := e.index(op, opts.Holder)
		if err != nil {
			return KnockoutResult{}, err
		}
		if k := e.s.Node(h).Kind; k != graph.KindFirm && k != graph.KindCountry {
			return KnockoutResult{}, graph.Errorf(graph.Invalid, op, "holder %s is a %s, want a firm or country", opts.Holder, k)
		}
		holder = h
	}
	var set []int32
	for _, id := range opts.Remove {
		r, err := e.index(op, id)
		if err != nil {
			return KnockoutResult{}, err
		}
		if k := e.s.Node(r).Kind; k != graph.KindFirm && k != graph.KindCountry {
			return KnockoutResult{}, graph.Errorf(graph.Invalid, op, "remove: %s is a %s, want a firm or country", id, k)
		}
		if !slices.Contains(set, r) {
			set = append(set, r)
		}
	}
	q := koQuestion{op: op, item: item, x: x, holder: holder, given: opts.Holder != "", set: set, th: th, opts: opts, asOf: asOf}
	if exact && len(opts.Assume) == 0 && !opts.CountStockpiles {
		// The day's necessity graph, shared by every such question.
		return e.sharedKnockouts(ctx, necKey{asOf, th, opts.KeepInstalledBase, opts.IgnoreControls}, func(n *necessity) (KnockoutResult, error) {
			return e.answerKnockouts(ctx, q, n.w, n.base, n)
		})
	}
	var legal *world
	if len(opts.Assume) > 0 {
		hs, err := e.resolveControls(op, opts.Assume)
		if err != nil {
			return KnockoutResult{}, err
		}
		legal = e.newWorld(asOf, hs)
	} else if opts.IgnoreControls {
		legal = e.legalWorld(asOf, true)
	} else if opts.CountStockpiles {
		legal = e.newWorld(asOf, nil) // not the shared baseline: stockpiles change its answers
	} else {
		legal = e.baseWorld(asOf) // shares settled results with the epoch's feasibility queries
	}
	legal.stockpiles = opts.CountStockpiles
	// Every evaluation below runs in legal or a copy of it (withRemoval), so
	// each stops when ctx is done; the answer is then discarded (stopped
	// evaluations read as "infeasible").
	legal.ctx = ctx
	var n *necessity
	if exact {
		n = e.newNecessity(legal, newEval(legal), th, opts.KeepInstalledBase)
	}
	return e.answerKnockouts(ctx, q, legal, n.baseOr(legal), n)
}

// koQuestion is a checked knock-out question.
type koQuestion struct {
	op     string
	item   graph.ID
	x      int32
	holder int32 // nobody: the default holder
	given  bool
	set    []int32
	th     float64
	opts   KnockoutOptions
	asOf   graph.Date
}

// legalWorld returns a fresh world of the controls in force at asOf, or of
// none with ignore (the physical supply chain).
func (e *Engine) legalWorld(asOf graph.Date, ignore bool) *world {
	if !ignore {
		return e.baseWorld(asOf)
	}
	w := e.newWorld(asOf, nil)
	w.ctls, w.byCover, w.coverAll = nil, map[int32][]int{}, nil
	return w
}

// answerKnockouts answers q in the world legal with its baseline
// evaluation base, by necessity sets over n (nil: by trying each
// candidate's removal, the plain method). Over a shared graph (its world
// has no context) the baseline and the graph's growth run to their end
// even when ctx is done (see sharedKnockouts); only the answer is dropped.
func (e *Engine) answerKnockouts(ctx context.Context, q koQuestion, legal *world, base *eval, n *necessity) (KnockoutResult, error) {
	op, opts := q.op, q.opts
	shared := n != nil && n.w.ctx == nil
	stopped := func() error {
		if shared {
			return nil // checked once the graph has grown
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s: stopped: %w", op, err)
		}
		return nil
	}
	if err := stopped(); err != nil {
		return KnockoutResult{}, err
	}
	goals, holder, err := e.goals(op, legal, q.x, q.holder, q.given)
	if err != nil {
		return KnockoutResult{}, err
	}
	res := KnockoutResult{Item: q.item, AsOf: q.asOf, Threshold: q.th, KeepInstalledBase: opts.KeepInstalledBase,
		IgnoreControls: opts.IgnoreControls, Feasible: true}
	if holder >= 0 {
		res.Holder = e.s.Node(holder).ID
	}
	var live []int32 // goals obtainable at baseline
	for _, g := range goals {
		res.Goals = append(res.Goals, e.s.Node(g).ID)
		if ok, _ := base.obtain(g, holder); ok {
			live = append(live, g)
		} else {
			res.Feasible = false
		}
	}
	k := e.newKnocker(ctx, legal, base, q.x, holder, live, q.th, opts.KeepInstalledBase)
	if len(q.set) > 0 {
		ko := k.try(q.set)
		res.Set = &ko
	}
	if err := stopped(); err != nil {
		return KnockoutResult{}, err
	}
	if len(live) == 0 {
		return res, nil
	}
	if n != nil {
		if !n.grow(live, holder) {
			if err := stopped(); err != nil {
				return KnockoutResult{}, err
			}
			return KnockoutResult{}, fmt.Errorf("%s: stopped", op)
		}
		if err := ctx.Err(); err != nil { // the graph's growth is kept; the answer is not wanted
			return KnockoutResult{}, fmt.Errorf("%s: stopped: %w", op, err)
		}
		shared = false // the rest stops with ctx
		res.Candidates, res.Firms, res.Countries = n.answer(k)
	} else {
		firms, countries := k.readCandidates()
		res.Candidates = len(firms) + len(countries)
		for _, c := range append(countries, firms...) {
			if err := stopped(); err != nil {
				return KnockoutResult{}, err
			}
			if ko := k.try([]int32{c}); ko.KnocksOut {
				if e.s.Node(c).Kind == graph.KindCountry {
					res.Countries = append(res.Countries, ko)
				} else {
					res.Firms = append(res.Firms, ko)
				}
			}
		}
	}
	if err := stopped(); err != nil {
		return KnockoutResult{}, err
	}
	sortKnockouts(res.Firms)
	sortKnockouts(res.Countries)
	return res, nil
}

// newKnocker returns the knocker of a question about root for holder, whose
// goals obtainable at baseline (in legal, evaluated by base) are live: the
// holder's own group is exempt from every removal.
func (e *Engine) newKnocker(ctx context.Context, legal *world, base *eval, root, holder int32, live []int32, th float64, keep bool) *knocker {
	k := &knocker{e: e, ctx: ctx, legal: legal, base: base, holder: holder, goals: live, root: root, threshold: th,
		keep: keep, exempt: map[int32]bool{}}
	for _, f := range legal.house(holder) {
		k.exempt[f] = true
	}
	return k
}

// goals returns what holder must obtain for item x to be available, and the
// holder (defaulted when not given).
func (e *Engine) goals(op string, w *world, x, holder int32, given bool) ([]int32, int32, error) {
	n := e.s.Node(x)
	switch n.Kind {
	case graph.KindProduct, graph.KindInput:
		if !given && n.Kind == graph.KindProduct {
			for _, ed := range e.in(x, graph.Makes) {
				if f, _ := e.s.Ends(ed); visible(e.s.Edge(ed), w.asOf) && e.s.Node(f).Kind == graph.KindFirm {
					holder = f
					break
				}
			}
		}
		return []int32{x}, holder, nil
	case graph.KindFab:
		if !given {
			holder = w.operator(x)
		}
		return e.outVisible(x, graph.EquippedWith, w.asOf), holder, nil
	case graph.KindFirm:
		if !given {
			holder = x
		}
		var out []int32
		for _, k := range []graph.EdgeKind{graph.Makes, graph.Supplies} {
			for _, ed := range e.out(x, k) {
				edge := e.s.Edge(ed)
				if _, to := e.s.Ends(ed); visible(edge, w.asOf) && !edge.Aggregate() {
					if kind := e.s.Node(to).Kind; kind == graph.KindInput || kind == graph.KindProduct {
						out = append(out, to)
					}
				}
			}
		}
		slices.Sort(out)
		return slices.Compact(out), holder, nil
	}
	return nil, holder, graph.Errorf(graph.Invalid, op, "item %s is a %s, want a product, input, fab or firm", n.ID, n.Kind)
}

// knocker tries removals against one baseline.
type knocker struct {
	e         *Engine
	ctx       context.Context // the question's: stops path searches and removal evaluations
	legal     *world
	base      *eval // the baseline evaluation (in legal)
	holder    int32
	goals     []int32
	root      int32
	threshold float64
	keep      bool
	exempt    map[int32]bool    // the holder's group: never removed
	cone      []bool            // node -> its evaluation can be read by the goals' (see readCone)
	rev       map[int32][]int32 // the reverse cone, built on first use (see reverseCone)
	pathMemo  map[pathKey][]Path
	tree      *pathTree         // the paths from root, when it is not a firm (see paths)
	adj       map[int32][]int32 // node -> the nodes an edge joins it to, sorted (see pathVia)
}

// readCone marks the items whose evaluation the goals' evaluation can read,
// for any holder: obtaining or buying X reads the routes, makers and
// installed bases of everything in down(X); making Y reads the alternatives
// of its requirements (own and inherited).
func (k *knocker) readCone() []bool {
	w := k.legal
	in := make([]bool, w.s.NumNodes())
	queue := slices.Clone(k.goals)
	for _, g := range k.goals {
		in[g] = true
	}
	for len(queue) > 0 {
		x := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, d := range w.down(x) {
			if !in[d.node] {
				in[d.node] = true
				queue = append(queue, d.node)
			}
		}
		for _, cl := range w.clauses(x) {
			for _, a := range cl.alts {
				if !in[a.node] {
					in[a.node] = true
					queue = append(queue, a.node)
				}
			}
		}
	}
	return in
}

// readCandidates returns the firms and countries whose removal changes
// something a fresh baseline evaluation (sharing nothing with other
// queries) reads: makers and suppliers of the items it reads, operators of
// the fabs it reads, their parents and headquarters countries, the fabs'
// countries and supplier countries; each in index (ID) order. The plain
// method of knockouts tries each.
func (k *knocker) readCandidates() (firms, countries []int32) {
	w := k.e.newWorld(k.legal.asOf, nil)
	w.ctls, w.byCover, w.coverAll = k.legal.ctls, k.legal.byCover, k.legal.coverAll
	v := newEval(w)
	for _, g := range k.goals {
		v.obtain(g, k.holder)
	}
	seen := map[int32]bool{}
	var add func(v int32)
	add = func(v int32) {
		if v < 0 || seen[v] {
			return
		}
		seen[v] = true
		if w.s.Node(v).Kind == graph.KindCountry {
			countries = append(countries, v)
			return
		}
		if !k.exempt[v] {
			firms = append(firms, v)
		}
		add(w.hq(v))
	}
	fab := func(f int32) {
		add(w.operator(f))
		add(w.location(f))
	}
	for _, ms := range w.makers {
		for _, sp := range ms {
			add(sp.node)
		}
	}
	for _, fs := range w.fabsOf {
		for _, f := range fs {
			fab(f.node)
		}
	}
	for _, fs := range w.fabSets {
		for _, f := range fs {
			fab(f)
		}
	}
	// A firm's removal takes its subsidiaries' supply too: a parent of a
	// candidate is a candidate.
	for i := 0; i < len(firms); i++ {
		for _, p := range k.e.outVisible(firms[i], graph.SubsidiaryOf, w.asOf) {
			add(p)
		}
	}
	slices.Sort(firms)
	slices.Sort(countries)
	return firms, countries
}

// removalOf expands a set of firms and countries into the removal it means.
func (k *knocker) removalOf(set []int32) *removal {
	e, w := k.e, k.legal
	rm := &removal{sups: map[int32]bool{}, fabs: map[int32]bool{}, keepBase: k.keep, threshold: k.threshold,
		exempt: k.exempt, base: k.base, cut: map[int32]bool{}, dropped: map[int32]bool{}, fabsHit: map[int32]bool{}}
	firm := func(f int32) {
		for g := range e.firmGroup(f, w.asOf) {
			if !k.exempt[g] {
				rm.sups[g] = true
			}
		}
	}
	for _, r := range set {
		if e.s.Node(r).Kind == graph.KindFirm {
			firm(r)
			continue
		}
		rm.sups[r] = true
		for _, ed := range e.in(r, graph.HeadquarteredIn) {
			if f, _ := e.s.Ends(ed); visible(e.s.Edge(ed), w.asOf) && !k.exempt[f] {
				rm.sups[f] = true
			}
		}
		for _, ed := range e.in(r, graph.LocatedIn) {
			if f, _ := e.s.Ends(ed); visible(e.s.Edge(ed), w.asOf) && e.s.Node(f).Kind == graph.KindFab {
				rm.fabs[f] = true
			}
		}
	}
	for f := range rm.sups {
		if e.s.Node(f).Kind != graph.KindFirm {
			continue
		}
		for _, ed := range e.in(f, graph.OperatedBy) {
			if fab, _ := e.s.Ends(ed); visible(e.s.Edge(ed), w.asOf) {
				rm.fabs[fab] = true
			}
		}
	}
	for fab := range rm.fabs {
		if k.exempt[w.operator(fab)] {
			delete(rm.fabs, fab)
		}
	}
	return rm
}

// try evaluates the goals with set removed and explains the outcome.
func (k *knocker) try(set []int32) Knockout {
	e := k.e
	rm := k.removalOf(set)
	rm.affected = k.affected(rm)
	defer e.putMarks(rm.affected)
	w := k.legal.withRemoval(rm)
	w.ctx = k.context() // the removal's evaluation stops with the question; the baseline's does not
	ev := newEval(w)
	var ko Knockout
	for _, r := range set {
		ko.Removed = append(ko.Removed, e.s.Node(r).ID)
	}
	for _, g := range k.goals {
		if ok, _ := ev.obtain(g, k.holder); !ok {
			ko.Fails = append(ko.Fails, e.s.Node(g).ID)
		}
	}
	ko.KnocksOut = len(ko.Fails) > 0
	if !ko.KnocksOut {
		return ko
	}
	down := k.takenDown(ev, rm)
	for _, v := range down {
		ko.TakesDown = append(ko.TakesDown, e.s.Node(v).ID)
	}
	ko.DominatedAlternatives = k.dominated(rm.cut, sortedKeys(rm.cut))
	ko.AlternativeAlsoDominated = len(ko.DominatedAlternatives) > 0
	if len(set) == 1 {
		k.explainShare(&ko, set[0], rm, down)
	}
	return ko
}

// takenDown returns, in index order, the removed fabs the evaluation met
// and the items that lost a route to the removal and that the evaluation
// found unobtainable (for some holder) where the baseline finds them
// obtainable; a goal only if the holder bought it at baseline (else the
// route it lost was not one it used). Buying and making are not read: an
// item that can no longer be bought but is still obtained otherwise (an
// installed base) is not taken down.
func (k *knocker) takenDown(ev *eval, rm *removal) []int32 {
	set := map[int32]bool{}
	for f := range rm.fabsHit {
		set[f] = true
	}
	for key, ok := range ev.memo {
		x := int32(key >> 34)
		if ok || key&3 != modeObtain || !rm.dropped[x] || set[x] {
			continue
		}
		if slices.Contains(k.goals, x) {
			if bought, _ := k.base.buy(x, k.legal.profile(k.holder)); !bought {
				continue
			}
		}
		if was, _ := k.base.obtain(x, int32(uint32(key>>2))-1); was {
			set[x] = true
		}
	}
	return sortedKeys(set)
}

// dominated returns the items of down that are OR-alternatives (the same
// owner and group of REQUIRES rows) of another item of down.
func (k *knocker) dominated(hit map[int32]bool, down []int32) []graph.ID {
	e, asOf := k.e, k.legal.asOf
	var out []graph.ID
	for _, x := range down {
		found := false
		for _, ed := range e.in(x, graph.Requires) {
			edge := e.s.Edge(ed)
			if edge.Group == "" || !visible(edge, asOf) {
				continue
			}
			owner, _ := e.s.Ends(ed)
			for _, o := range e.out(owner, graph.Requires) {
				oe := e.s.Edge(o)
				if _, a := e.s.Ends(o); a != x && hit[a] && oe.Group == edge.Group && visible(oe, asOf) {
					found = true
				}
			}
		}
		if found {
			out = append(out, e.s.Node(x).ID)
		}
	}
	return out
}

// explainShare fills in the share of the single supplier r and the path to
// it, from what rm takes down.
func (k *knocker) explainShare(ko *Knockout, r int32, rm *removal, down []int32) {
	best, bestOf := k.bestShare(r, rm, down)
	k.explainBest(ko, r, best, bestOf, down)
}

// bestShare returns the largest known share of the single supplier r (as
// removal rm counts its firms) among the items of look, and the first item
// where it holds it; (-1, -1) if none is known.
func (k *knocker) bestShare(r int32, rm *removal, look []int32) (float64, int32) {
	e, w := k.e, k.legal
	country := e.s.Node(r).Kind == graph.KindCountry
	best, bestOf := -1.0, int32(-1)
	var group []int32 // a firm's group, sorted (the sum's order)
	if !country {
		group = k.group(r)
	}
	shareAt := func(x int32) (sh float64, known bool) {
		if country {
			if sh, known = w.countedShare(r, x, true); !known {
				for _, sp := range w.makersOf(x) {
					if rm.sups[sp.node] && w.isFirm(sp.node) && w.hq(sp.node) == r {
						if s, ok := w.countedShare(sp.node, x, false); ok {
							sh, known = sh+s, true
						}
					}
				}
			}
			return sh, known
		}
		for _, g := range group {
			if s, ok := w.countedShare(g, x, false); ok {
				sh, known = sh+s, true
			}
		}
		return sh, known
	}
	for _, x := range look {
		if sh, known := shareAt(x); known && sh > best {
			best, bestOf = sh, x
		}
	}
	return best, bestOf
}

// explainBest fills in r's share (best, of item bestOf; none if bestOf is
// -1) and the path to r through what it takes down.
func (k *knocker) explainBest(ko *Knockout, r int32, best float64, bestOf int32, down []int32) {
	e, w := k.e, k.legal
	country := e.s.Node(r).Kind == graph.KindCountry
	if bestOf >= 0 {
		ko.Share, ko.ShareOf = ptr(best), e.s.Node(bestOf).ID
	}
	ps := k.pathVia(r, bestOf, down)
	if len(ps) == 0 && country && bestOf >= 0 {
		top, topShare := int32(-1), -1.0
		for _, sp := range w.makersOf(bestOf) {
			if s, ok := w.countedShare(sp.node, bestOf, false); ok && w.isFirm(sp.node) && w.hq(sp.node) == r && s > topShare {
				top, topShare = sp.node, s
			}
		}
		if top >= 0 {
			ps = k.pathVia(top, bestOf, down)
		}
	}
	if len(ps) > 0 {
		ko.Path = &ps[0]
	}
}

// adjacent returns the nodes an edge (of any kind, either way) joins v to,
// sorted: a one-step path from v reaches no other.
func (k *knocker) adjacent(v int32) []int32 {
	if ns, ok := k.adj[v]; ok {
		return ns
	}
	s := k.e.s
	ns := []int32{}
	for _, ed := range s.Out(v) {
		_, to := s.Ends(ed)
		ns = append(ns, to)
	}
	for _, ed := range s.In(v) {
		from, _ := s.Ends(ed)
		ns = append(ns, from)
	}
	slices.Sort(ns)
	ns = slices.Compact(ns)
	if k.adj == nil {
		k.adj = map[int32][]int32{}
	}
	k.adj[v] = ns
	return ns
}

// group returns firm r's group (see firmGroup), sorted.
func (k *knocker) group(r int32) []int32 {
	var g []int32
	for f := range k.e.firmGroup(r, k.legal.asOf) {
		g = append(g, f)
	}
	slices.Sort(g)
	return g
}

// shareItems returns, sorted, the items where supplier r may have a known
// share as explainShare counts it: those r, or for a firm a member of its
// group, or for a country a firm headquartered there, has a supply row to.
func (k *knocker) shareItems(r int32) []int32 {
	e, w := k.e, k.legal
	sups := []int32{r}
	switch e.s.Node(r).Kind {
	case graph.KindCountry:
		for _, ed := range e.in(r, graph.HeadquarteredIn) {
			if f, _ := e.s.Ends(ed); w.hq(f) == r {
				sups = append(sups, f)
			}
		}
	case graph.KindFirm:
		sups = k.group(r)
	}
	items := []int32{}
	for _, s := range sups {
		for _, ed := range e.out(s, graph.Supplies) {
			_, x := e.s.Ends(ed)
			items = append(items, x)
		}
	}
	slices.Sort(items)
	return slices.Compact(items)
}

// pathVia returns a dependency path from the item to node to through an
// item the removal takes down (first via, unless it is -1): the path to
// that item joined to the path from it to the supplier. Failing that, the
// shortest path to the supplier.
func (k *knocker) pathVia(to, via int32, down []int32) []Path {
	e := k.e
	from, target := e.s.Node(k.root).ID, e.s.Node(to).ID
	near := k.adjacent(to)
	through := func(mi int32) []Path {
		if _, ok := slices.BinarySearch(near, mi); !ok || mi == k.root {
			return nil // no edge joins it to the supplier: no one-step tail
		}
		m := e.s.Node(mi).ID
		head := k.paths(from, m, MaxDepth)
		tail := k.paths(m, target, 1)
		if len(head) == 0 || len(tail) == 0 {
			return nil
		}
		p := Path{Nodes: append(slices.Clone(head[0].Nodes), tail[0].Nodes[1:]...),
			Edges: append(slices.Clone(head[0].Edges), tail[0].Edges...)}
		p.Length = len(p.Edges)
		return []Path{p}
	}
	if via >= 0 {
		if ps := through(via); ps != nil {
			return ps
		}
	}
	for _, x := range down {
		if ps := through(x); ps != nil {
			return ps
		}
	}
	return k.paths(from, target, MaxDepth)
}

// paths is the first of DependencyPaths(from, to, depth, 1): from the root
// (not a firm) read off one search for the whole query, otherwise
// remembered for it, since the knock-outs of one item mostly go through
// the same few items.
func (k *knocker) paths(from, to graph.ID, depth int) []Path {
	e := k.e
	if fi, _ := e.s.Index(from); fi == k.root && depth == MaxDepth && e.s.Node(fi).Kind != graph.KindFirm {
		if k.tree == nil {
			k.tree = e.newPathTree(fi, MaxDepth, k.legal.asOf)
		}
		ti, _ := e.s.Index(to)
		if p, ok := k.tree.path(ti); ok {
			return []Path{p}
		}
		return nil
	}
	key := pathKey{from, to, depth}
	if ps, ok := k.pathMemo[key]; ok {
		return ps
	}
	ps, err := e.DependencyPaths(k.context(), from, to, depth, 1, k.legal.asOf)
	if err != nil { // stopped: the knock-outs stop too (see knockouts)
		return nil
	}
	if k.pathMemo == nil {
		k.pathMemo = map[pathKey][]Path{}
	}
	k.pathMemo[key] = ps
	return ps
}

type pathKey struct {
	from, to graph.ID
	depth    int
}

func sortKnockouts(ks []Knockout) {
	slices.SortStableFunc(ks, func(a, b Knockout) int {
		switch {
		case a.Share != nil && b.Share == nil:
			return -1
		case a.Share == nil && b.Share != nil:
			return 1
		case a.Share != nil && *a.Share != *b.Share:
			return cmp.Compare(*b.Share, *a.Share)
		}
		if c := cmp.Compare(len(b.TakesDown), len(a.TakesDown)); c != 0 {
			return c
		}
		return cmp.Compare(a.Removed[0], b.Removed[0])
	})
}

// removal is what a knock-out takes away from a world (world.rm).
type removal struct {
	sups      map[int32]bool // removed firms and countries
	fabs      map[int32]bool // removed fabs
	keepBase  bool
	threshold float64
	exempt    map[int32]bool // the holder's group: its own production is never cut
	base      *eval          // the baseline evaluation, for what the removal cannot change
	affected  *marks         // the items whose evaluation can read something the removal changes

	// What the evaluation met: items that lost every route (cut), items
	// that lost some route (dropped), removed fabs (fabsHit).
	cut, dropped, fabsHit map[int32]bool
}

// withRemoval returns a world like w (a world without removal or
// hypothetical controls) with rm applied. It shares w's caches of what the
// removal does not change (taxonomy, requirements, keys, groups) and keeps
// its own of what it does.
func (w *world) withRemoval(rm *removal) *world {
	nw := *w
	nw.rm, nw.legal = rm, w
	nw.makers, nw.srcs = map[int32][]supplier{}, map[int32][]route{}
	nw.fabSets, nw.heldBy = map[int32][]int32{}, map[int32]map[int32][]held{}
	nw.shared = nil // profiles are the legal world's (see world.profile)
	return &nw
}

// makers filters the makers and suppliers ms of y: removed ones go, and
// when the remaining ones hold less than the threshold of y's market, all
// go but the holder's own group.
func (rm *removal) makers(w *world, y int32, ms []supplier) []supplier {
	if !slices.ContainsFunc(ms, func(sp supplier) bool { return rm.sups[sp.node] }) {
		return ms
	}
	cut := rm.remaining(w, y, ms) < rm.threshold
	out := make([]supplier, 0, len(ms))
	for _, sp := range ms {
		if rm.exempt[sp.node] || (!cut && !rm.sups[sp.node]) {
			out = append(out, sp)
		}
	}
	return out
}

// remaining is the share of y's market, in percent, held by the makers and
// suppliers in ms that are not removed: firm rows when a firm is among ms,
// else country rows. A remaining supplier without a known share is credited
// with what the known shares (and aggregate rows) leave unclaimed.
func (rm *removal) remaining(w *world, y int32, ms []supplier) float64 {
	country := !slices.ContainsFunc(ms, func(sp supplier) bool { return w.isFirm(sp.node) })
	known, rest, unknown := 0.0, 0.0, false
	for _, sp := range ms {
		if w.isFirm(sp.node) == country {
			continue
		}
		sh, ok := w.countedShare(sp.node, y, country)
		switch {
		case ok && rm.sups[sp.node]:
			known += sh
		case ok:
			known += sh
			rest += sh
		case !rm.sups[sp.node]:
			unknown = true
		}
	}
	known += w.aggregateShare(y, country)
	if unknown {
		rest += max(0, 100-known)
	}
	return rest
}

// sources are the legal world's routes to x whose suppliers still make or
// supply their item. An item whose routes all go is recorded as hit.
func (rm *removal) sources(w *world, x int32) []route {
	all := w.legal.sources(x)
	out := make([]route, 0, len(all))
	for _, r := range all {
		if slices.ContainsFunc(w.makersOf(r.y), func(sp supplier) bool { return sp.node == r.sup.node }) {
			out = append(out, r)
		}
	}
	if len(out) < len(all) {
		rm.dropped[x] = true
		if len(out) == 0 {
			rm.cut[x] = true
		}
	}
	return out
}

// serviced reports whether an installed base of tool stays usable: always
// with keepBase, else unless the removal cut every route to the tool.
func (rm *removal) serviced(w *world, tool int32) bool {
	if rm.keepBase || len(w.legal.sources(tool)) == 0 {
		return true
	}
	return len(w.sources(tool)) > 0
}

// fabGone reports whether fab is removed, recording it as hit.
func (rm *removal) fabGone(fab int32) bool {
	if rm.fabs[fab] {
		rm.fabsHit[fab] = true
		return true
	}
	return false
}

// countedShare returns the share (percent) of sup's SUPPLIES row on y that
// counts at asOf (the latest year on or before asOf's year), if it is known
// and of the level asked: firm rows (basis firm-hq or blank) or country rows
// (country-hq or blank).
func (w *world) countedShare(sup, y int32, country bool) (float64, bool) {
	ed := w.countedRow(sup, y)
	if ed == nil || !ed.HasShare() || ed.Aggregate() {
		return 0, false
	}
	want := "firm-hq"
	if country {
		want = "country-hq"
	}
	if ed.Basis != "" && ed.Basis != want {
		return 0, false
	}
	return ed.Share, true
}

func (w *world) countedRow(sup, y int32) *graph.Edge {
	var best *graph.Edge
	yr := w.asOf.Year()
	for _, ed := range w.e.in(y, graph.Supplies) {
		if f, _ := w.s.Ends(ed); f != sup {
			continue
		}
		edge := w.s.Edge(ed)
		if visible(edge, w.asOf) && edge.Year <= yr && (best == nil || edge.Year >= best.Year) {
			best = edge
		}
	}
	return best
}

// aggregateShare sums the known shares of y's aggregate rows of one level
// counted at asOf.
func (w *world) aggregateShare(y int32, country bool) float64 {
	sum := 0.0
	var last int32 = -1
	for _, ed := range w.e.in(y, graph.Supplies) { // sorted by supplier
		f, _ := w.s.Ends(ed)
		if f == last {
			continue
		}
		last = f
		if (w.s.Node(f).Kind == graph.KindCountry) != country {
			continue
		}
		if row := w.countedRow(f, y); row != nil && row.Aggregate() && row.HasShare() {
			sum += row.Share
		}
	}
	return sum
}

// reuse returns the baseline result of evaluation key k when the removal
// cannot change it: its item is not affected (see knocker.affected).
func (rm *removal) reuse(k uint64) (bool, bool) {
	x := int32(k >> 34)
	if rm.affected.has(x) {
		return false, false
	}
	h := int32(uint32(k>>2)) - 1
	var r bool
	switch k & 3 {
	case modeObtain:
		r, _ = rm.base.obtain(x, h)
	case modeMake:
		r, _ = rm.base.canMake(x, h)
	case modeBuy:
		r, _ = rm.base.buy(x, int(h))
	}
	return r, true
}

// affected marks the items whose evaluation (obtain, make or buy, for any
// holder) can read something the removal changes: the seeds are the items a
// removed firm or country makes or supplies, the products fabricated at a
// removed fab and the tools installed at one. Obtaining or buying X reads
// the routes and installed bases of everything in down(X), so the
// categories above an affected item are affected; making Y reads the
// requirements of everything in up(Y), so when a requirement of R is
// affected, so is everything in down(R). Control reach is read in the legal
// world and changes for nobody. The caller puts the marks back.
func (k *knocker) affected(rm *removal) *marks {
	e, w := k.e, k.legal
	if k.cone == nil {
		k.cone = k.readCone()
	}
	m := e.getMarks()
	var queue []int32
	add := func(v int32) { // outside the cone, nothing the goals read can change
		if k.cone[v] && !m.has(v) {
			m.set(v, 0)
			queue = append(queue, v)
		}
	}
	for f := range rm.sups {
		for _, kind := range []graph.EdgeKind{graph.Makes, graph.Supplies} {
			for _, ed := range e.out(f, kind) {
				if _, y := e.s.Ends(ed); visible(e.s.Edge(ed), w.asOf) {
					add(y)
				}
			}
		}
	}
	for fab := range rm.fabs {
		for _, ed := range e.in(fab, graph.FabricatedAt) {
			if y, _ := e.s.Ends(ed); visible(e.s.Edge(ed), w.asOf) {
				add(y)
			}
		}
		for _, tool := range e.outVisible(fab, graph.EquippedWith, w.asOf) {
			add(tool)
		}
	}
	if k.rev == nil {
		k.rev = k.reverseCone()
	}
	for len(queue) > 0 {
		z := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, v := range k.rev[z] {
			add(v)
		}
	}
	return m
}

// reverseCone returns, for each item of the cone, the items of the cone
// that are affected when it is (see affected): the categories above it, and
// everything in down(R) for each R that requires it.
func (k *knocker) reverseCone() map[int32][]int32 {
	e, w := k.e, k.legal
	rev := map[int32][]int32{}
	for z, in := range k.cone {
		if !in {
			continue
		}
		var out []int32
		for _, kind := range []graph.EdgeKind{graph.InstanceOf, graph.TypeOf} {
			for _, ed := range e.out(int32(z), kind) {
				if _, p := e.s.Ends(ed); k.cone[p] && visible(e.s.Edge(ed), w.asOf) {
					out = append(out, p)
				}
			}
		}
		for _, ed := range e.in(int32(z), graph.Requires) {
			if r, _ := e.s.Ends(ed); visible(e.s.Edge(ed), w.asOf) {
				for _, d := range w.down(r) {
					if k.cone[d.node] {
						out = append(out, d.node)
					}
				}
			}
		}
		slices.Sort(out)
		rev[int32(z)] = slices.Compact(out)
	}
	return rev
}
