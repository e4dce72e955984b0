package analysis

import (
	"context"
	"fmt"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
)

// Verdict is the answer to "can Buyer obtain or make Item at AsOf?".
type Verdict struct {
	Item, Buyer graph.ID
	AsOf        graph.Date
	// Feasible is Status >= Licensed: the buyer can obtain the item with no
	// control in the way, or under licences granted (or presumed approved),
	// and no binding measure of its own jurisdiction forbids it.
	Feasible bool
	// Status grades the best way to the item: Open (no control applies on
	// it), Licensed, CaseByCase (only if licences under case-by-case review
	// are granted) or Blocked. A way is as good as its worst flow.
	Status Level
	// Licences are the licences the way found relies on at its top level
	// (for Licensed and CaseByCase): the control requiring each, the grant
	// or policy that answers it, and the stated conditions.
	Licences []LicenceUse
	// BuyerMeasures are the measures of the buyer's own jurisdiction in
	// force against acquiring the item, binding or not (guidance is listed
	// here and never changes Status).
	BuyerMeasures []BuyerMeasure
	// Observed is the factual answer beside the legal one: whether recorded
	// observations evidence that the buyer had the item on the day (see
	// ObservedAccess). It never changes Status or Feasible.
	Observed Observed
	// BlockedBy lists the active controls (recorded or assumed) that block a
	// flow the item needs, in the order they were met; empty when feasible.
	BlockedBy []graph.ID
	// Explanation is the reasoning, one sentence per line, indented by
	// depth: which routes were tried, which supplier, which control blocked
	// it and why it reaches the supplier.
	Explanation []string
	// Routes are the ways to the item considered at the top level, in the
	// order tried.
	Routes []Route
	// Paths explain an infeasible verdict: dependency paths from the item to
	// each blocked flow (ending at the supplier, fab operator or fab that is
	// cut off). For a feasible verdict, the path to the route that works.
	Paths []Path
}

// LicenceUse is a flow that needs a licence and how the law answers it.
type LicenceUse struct {
	Control  graph.ID // the control requiring the licence
	Policy   string   // its review policy ("" if not stated)
	Grant    graph.ID // the licence-grant event, "" if none (policy presumes approval, or under review)
	Level    Level    // Licensed or CaseByCase
	Supplier graph.ID
	Item     graph.ID
	// Conditions stated by the grant (or, without one, by the control).
	Conditions []string
}

// Route is one way to obtain an item.
type Route struct {
	// Kind is "installed" (a fab of the buyer's group holds it), "in-house"
	// (the buyer's group makes it) or "supplier" (bought).
	Kind string
	// Item is what the route delivers: the item asked for, or an instance
	// or subtype of it (for "installed", the tool category held).
	Item graph.ID
	// Via is the fab (installed), the in-house maker, or the supplier.
	Via       graph.ID
	Feasible  bool
	BlockedBy []graph.ID
	Reason    string
}

// Feasibility reports whether buyer can obtain or make item at asOf (zero:
// today), with the recorded controls active then plus the assumed
// hypothetical ones. buyer is a firm or a country; a country stands for a
// firm headquartered there with no other exposure (nothing in-house, no
// parent, no fab). Unknown IDs fail with graph.NotFound; an item that is not
// an input or product, a buyer that is not a firm or country, or a malformed
// assumed control with graph.Invalid.
//
// The AND/OR evaluation: holder H can obtain X if
//
//   - installed: a fab of H's group (H and its subsidiaries) is equipped
//     with X, or with an instance or subtype of it, and no control withdraws
//     that installed base (see below); or
//   - in-house: H's group makes or supplies X (or an instance or subtype Y of
//     it), and H can obtain Y's requirements; or
//   - bought: a supplier S makes or supplies Y (X or an instance or subtype
//     of it), S can make Y, and no active control blocks the flow S -> H of
//     Y (flows within H's group are never blocked: a subsidiary that can
//     make Y delivers it to its group).
//
// Suppliers are firms with a MAKES edge or a SUPPLIES row into Y (aggregate
// rows never count); only when no firm is recorded for any Y, the supplier
// countries stand in as "firms headquartered there". A firm's row on a
// category is not a route of its own when the firm is also recorded with
// instances or subtypes of it: those stand for its supply. A holder "can make Y"
// when it can obtain every requirement of Y: the REQUIRES edges of Y and of
// every category Y is an instance or subtype of; requirements of one owner
// with the same non-empty group are alternatives (OR), others are all
// needed (AND). If Y is recorded as FABRICATED_AT fabs, one of them must
// also be usable: its operator is in the holder's group, or no control
// blocks the operator's flow of Y to the holder.
//
// A control blocks the flow S -> H of Y when it is active at asOf (effective
// on or before it, not expired, not rescinded by an event effective on or
// before it, not suspended on it), is not a servicing ban, covers Y (a
// COVERS edge to Y or to a category Y is an instance or subtype of, or
// covers-all), targets H (H or H's headquarters country; for a fab, also
// its operator, the operator's country and the fab's country; for a
// hypothetical control, also a parent of H through SUBSIDIARY_OF; a
// recorded listing binds the parties it names, and an ownership rule in
// force adds the firms listed parties own, see extendToAffiliates),
// exempts none of those, no parent of H, nor Y or its categories, and
// reaches S (a buyer-side measure reaches every supplier outside its
// issuer; licences then grade the flow, see Level): S is headquartered
// in the issuer's jurisdiction, or the control has "fdp" reach and S's
// production of Y depends on that jurisdiction (see world.taint: a tool
// category in the fabs of S that make Y, or a requirement of Y that S does
// not make itself, has a supplier headquartered there).
//
// Controls restrict new flows. Installed tools stay usable after a control
// takes effect unless servicing bans (ServicingBan) covering them and
// binding the holder or the fab's country reach every vendor of the tool;
// an installed-base edge whose ValidFrom is on or after the effective date
// of controls that together reach every vendor is not protected.
//
// Results are memoised on (item, holder); buying is memoised on (item,
// control profile), the set of controls that bind the holder, since every
// holder with the same profile (for example every firm no control targets)
// can buy the same things. A requirement cycle never makes anything
// feasible by itself: the evaluation computes the least fixed point (see
// eval.solve).
func (e *Engine) Feasibility(ctx context.Context, item, buyer graph.ID, asOf graph.Date, assume []Control) (Verdict, error) {
	const op = "analysis.Feasibility"
	x, err := e.index(op, item)
	if err != nil {
		return Verdict{}, err
	}
	if k := e.s.Node(x).Kind; k != graph.KindInput && k != graph.KindProduct {
		return Verdict{}, graph.Errorf(graph.Invalid, op, "item %s is a %s, want an input or product", item, k)
	}
	b, err := e.index(op, buyer)
	if err != nil {
		return Verdict{}, err
	}
	if k := e.s.Node(b).Kind; k != graph.KindFirm && k != graph.KindCountry && k != graph.KindFab {
		return Verdict{}, graph.Errorf(graph.Invalid, op, "buyer %s is a %s, want a firm, fab or country", buyer, k)
	}
	hs, err := e.resolveControls(op, assume)
	if err != nil {
		return Verdict{}, err
	}
	asOf = dateOr(asOf)
	var w *world
	if len(hs) == 0 {
		w = e.baseWorld(asOf) // shares settled results with the epoch's other queries
	} else {
		w = e.newWorld(asOf, hs)
	}
	w.ctx = ctx
	vd := newEval(w).verdict(x, b)
	if w.err != nil {
		return Verdict{}, fmt.Errorf("%s: stopped: %w", op, w.err)
	}
	if err := e.grade(ctx, &vd, w, hs, x, b); err != nil {
		return Verdict{}, fmt.Errorf("%s: stopped: %w", op, err)
	}
	holder := b
	if e.s.Node(b).Kind == graph.KindFab {
		holder = w.operator(b)
	}
	if holder >= 0 {
		o, err := e.observed(ctx, x, holder, asOf)
		if err != nil {
			return Verdict{}, fmt.Errorf("%s: stopped: %w", op, err)
		}
		vd.Observed = o
	}
	if o := vd.Observed; o.Evidenced && !vd.Feasible {
		vd.Explanation = append(vd.Explanation, fmt.Sprintf("Observed nevertheless: %s (routes: %s).",
			strings.Join(idStrings(o.Direct), ", "), strings.Join(o.Routes, ", ")))
	}
	return vd, nil
}

// grade sets the verdict's Status (see Verdict), evaluating again at the
// tolerances that decide it: a feasible verdict is Open if it holds with
// every binding control blocking, else Licensed; an infeasible one is
// CaseByCase if case-by-case review would let it through, else Blocked.
// The extra evaluations run only when some control could grade a flow
// differently.
func (e *Engine) grade(ctx context.Context, vd *Verdict, w *world, hs []hypo, x, b int32) error {
	vd.BuyerMeasures = w.buyerMeasures(x, b)
	if vd.Feasible {
		vd.Status = Open
		if w.lenient {
			strict := e.newWorld(w.asOf, hs)
			strict.tol, strict.ctx = Open, ctx
			ok, _ := newEval(strict).obtain(x, b)
			if strict.err != nil {
				return strict.err
			}
			if !ok {
				vd.Status = Licensed
			}
		}
		if vd.Status == Open {
			vd.Licences = nil
		}
		for _, m := range vd.BuyerMeasures {
			if !m.Binding {
				vd.Explanation = append(vd.Explanation, fmt.Sprintf("Guidance, not binding: %s (%q, %s) tells buyers in %s to avoid %s.",
					m.Event, m.Title, m.Effective, m.Issuer, strings.Join(idStrings(m.Through), ", ")))
			}
		}
		vd.Explanation = withStatus(vd)
		return nil
	}
	vd.Status = Blocked
	if w.caseByCase {
		lax := e.newWorld(w.asOf, hs)
		lax.tol, lax.ctx = CaseByCase, ctx
		v := newEval(lax)
		ok, _ := v.obtain(x, b)
		if lax.err != nil {
			return lax.err
		}
		if ok {
			vd.Status = CaseByCase
			alt := v.verdict(x, b)
			vd.Licences = alt.Licences
			vd.Explanation = append(vd.Explanation, "Under case-by-case review:")
			for _, l := range alt.Explanation {
				vd.Explanation = append(vd.Explanation, "  "+l)
			}
		}
	}
	vd.Explanation = withStatus(vd)
	return nil
}

// withStatus returns the explanation with the status line after its first
// line (the verdict).
func withStatus(vd *Verdict) []string {
	out := make([]string, 0, len(vd.Explanation)+1)
	if len(vd.Explanation) > 0 {
		out = append(out, vd.Explanation[0])
	}
	out = append(out, statusLine(vd))
	if len(vd.Explanation) > 1 {
		out = append(out, vd.Explanation[1:]...)
	}
	return out
}

func statusLine(vd *Verdict) string {
	switch vd.Status {
	case Open:
		return "Status open: no control stands in the way."
	case Licensed:
		return "Status licensed: obtainable only under licences granted (or presumed approved); see the licences below."
	case CaseByCase:
		return "Status case-by-case: not obtainable unless licences reviewed case by case are granted; none is recorded as granted."
	}
	return "Status blocked: prohibited, or licences under a presumption of denial (or no stated policy) and none granted."
}

func idStrings(ids []graph.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

const nobody int32 = -1 // the anonymous buyer: no group, no fab, profile 0

// eval evaluates obtain/canMake/buy with memoisation; see Feasibility.
type eval struct {
	w       *world
	memo    map[uint64]bool
	busy    map[uint64]int // keys being evaluated -> their depth on the stack
	depth   int
	pending []pend         // false results awaiting their leader's completion (see solve)
	tent    map[uint64]int // pending key -> position in pending
}

// Evaluation modes, the low two bits of a memo key.
const (
	modeObtain = 0 // (item, holder)
	modeMake   = 1 // (item, holder)
	modeBuy    = 2 // (item, control profile)
	inf        = int(^uint(0) >> 1)
)

func newEval(w *world) *eval {
	return &eval{w: w, memo: map[uint64]bool{}, busy: map[uint64]int{}, tent: map[uint64]int{}}
}

// evalKey packs a mode, an item and a holder (or profile) into a memo key.
func evalKey(mode uint64, x, h int32) uint64 {
	return uint64(uint32(x))<<34 | uint64(uint32(h+1))<<2 | mode
}

// solve memoises f under k, computing the least fixed point of the
// (possibly cyclic) AND/OR system: a cycle never makes anything feasible by
// itself.
//
// A key met again while being evaluated (busy) counts as false there, and
// the result of whatever relied on that assumption becomes pending: held
// back, not memoised, with the stack depth of the busy key it depends on
// (low). A pending result met again is reused with its low. When a key
// completes:
//
//   - true: it is memoised, and the pending results beneath it are dropped
//     (some may have assumed it false; they are recomputed if met again);
//   - false, relying on nothing above it (low >= its depth): it and every
//     pending result beneath it are memoised as false. Each was derived
//     assuming only keys that ended false, so together they form a
//     consistent false set that no finite derivation can make true;
//   - false, relying on a key further up: it becomes pending, and so do the
//     pending results beneath it, now depending on what it depends on.
//
// True results are always memoised: assuming fewer things feasible can only
// make fewer things feasible. Every key is evaluated a bounded number of
// times, not once per path to it.
func (v *eval) solve(k uint64, f func() (bool, int)) (bool, int) {
	if r, ok := v.memo[k]; ok {
		return r, inf
	}
	if v.w.stopped() {
		return false, inf
	}
	if v.w.rm != nil {
		if r, ok := v.w.rm.reuse(k); ok { // the removal cannot change it (see knockout.go)
			v.memo[k] = r
			return r, inf
		}
	}
	if v.w.shared != nil {
		if r, ok := v.w.shared.load(k); ok {
			v.memo[k] = r
			return r, inf
		}
	}
	if i, ok := v.tent[k]; ok {
		return false, v.pending[i].low
	}
	if d, ok := v.busy[k]; ok {
		return false, d
	}
	d := v.depth
	p0 := len(v.pending)
	v.busy[k] = d
	v.depth++
	ok, low := f()
	v.depth--
	delete(v.busy, k)
	switch {
	case ok:
		v.settled(k, true)
		v.settle(p0, false)
		return true, inf
	case low >= d:
		v.settled(k, false)
		v.settle(p0, true)
		return false, inf
	}
	for i := p0; i < len(v.pending); i++ {
		v.pending[i].low = low // low <= theirs: this key's low is the minimum over what it read
	}
	v.tent[k] = len(v.pending)
	v.pending = append(v.pending, pend{k, low})
	return false, low
}

// pend is a pending false result (see solve).
type pend struct {
	key uint64
	low int
}

// settle ends the pending results from position p0 on: memoised as false
// if final is set, else dropped.
func (v *eval) settle(p0 int, final bool) {
	for _, p := range v.pending[p0:] {
		delete(v.tent, p.key)
		if final {
			v.settled(p.key, false)
		}
	}
	v.pending = v.pending[:p0]
}

// settled records a final result, and shares it with the epoch's queries.
func (v *eval) settled(k uint64, r bool) {
	if v.w.err != nil {
		return // stopped: what it derived since may rest on abandoned branches
	}
	v.memo[k] = r
	if v.w.shared != nil {
		v.w.shared.store(k, r)
	}
}

// lowest tracks the lowest stack depth that the false results of an OR
// relied on (see solve): low.ok(f()) passes f's verdict through.
type lowest int

func (m *lowest) ok(ok bool, l int) bool {
	if !ok && l < int(*m) {
		*m = lowest(l)
	}
	return ok
}

// obtain: can holder h (nobody: the anonymous buyer) obtain x?
func (v *eval) obtain(x, h int32) (bool, int) {
	return v.solve(evalKey(modeObtain, x, h), func() (bool, int) {
		if v.held(x, h) {
			return true, inf
		}
		// Buying first: it is shared by every holder of the profile (for
		// most holders, by every buyer), while in-house routes recurse into
		// the holder's own production.
		low := lowest(inf)
		if low.ok(v.buy(x, v.w.profile(h))) || low.ok(v.makeInHouse(x, h)) || low.ok(v.houseSupply(x, h)) {
			return true, inf
		}
		return false, int(low)
	})
}

// held: does a fab of h's group hold x (or an instance or subtype) usably?
func (v *eval) held(x, h int32) bool {
	if h < 0 {
		return false
	}
	if v.w.stockpiles && v.w.stockpiled(x, h) {
		return true
	}
	for _, hd := range v.w.installedBase(h)[x] {
		if ok, _, _ := v.w.installed(hd.fab, hd.tool, hd.ed, h); ok {
			return true
		}
	}
	return false
}

// makeInHouse: does h's group make x (or an instance or subtype Y), and can
// h obtain Y's requirements?
func (v *eval) makeInHouse(x, h int32) (bool, int) {
	low := lowest(inf)
	if len(v.w.house(h)) == 0 {
		return false, inf
	}
	for _, d := range v.w.down(x) {
		if v.w.makesInHouse(h, d.node) && low.ok(v.canMake(d.node, h)) {
			return true, inf
		}
	}
	return false, int(low)
}

// houseSupply: can a subsidiary of h that makes or supplies x (or Y) make
// it with its own means? Flows within a group are never blocked.
func (v *eval) houseSupply(x, h int32) (bool, int) {
	low := lowest(inf)
	if len(v.w.house(h)) < 2 {
		return false, inf // h itself is the in-house route
	}
	for _, r := range v.w.sources(x) {
		if r.sup.node != h && v.w.inHouse(h, r.sup.node) && low.ok(v.canMake(r.y, r.sup.node)) {
			return true, inf
		}
	}
	return false, int(low)
}

// buy: can a holder of control profile p buy x from a supplier that can
// make it, without a control blocking the flow?
func (v *eval) buy(x int32, p int) (bool, int) {
	return v.solve(evalKey(modeBuy, x, int32(p)), func() (bool, int) {
		low := lowest(inf)
		for _, r := range v.w.sources(x) {
			if len(v.w.blockersP(r.sup.node, p, r.y)) > 0 {
				continue
			}
			if low.ok(v.canMake(r.y, r.sup.node)) {
				return true, inf
			}
		}
		return false, int(low)
	})
}

// canMake: can holder h obtain everything y requires (and have it
// fabricated at one of its recorded fabs)?
func (v *eval) canMake(y, h int32) (bool, int) {
	return v.solve(evalKey(modeMake, y, h), func() (bool, int) {
		for _, cl := range v.w.clauses(y) {
			if ok, low := v.clause(cl, h); !ok {
				return false, low
			}
		}
		if fs := v.w.fabbedAt(y); len(fs) > 0 {
			for _, f := range fs {
				if v.fabUsable(f.node, y, h) {
					return true, inf
				}
			}
			return false, inf
		}
		return true, inf
	})
}

func (v *eval) clause(cl clause, h int32) (bool, int) {
	low := lowest(inf)
	p := v.w.profile(h)
	for _, a := range cl.alts {
		// Buying is shared by the holder's profile: when it settles the
		// requirement, no per-holder key is needed.
		if ok, _ := v.buy(a.node, p); ok {
			return true, inf
		}
	}
	for _, a := range cl.alts {
		if low.ok(v.obtain(a.node, h)) {
			return true, inf
		}
	}
	return false, int(low)
}

func (v *eval) fabUsable(fab, y, h int32) bool {
	if v.w.rm != nil && v.w.rm.fabGone(fab) {
		return false
	}
	op := v.w.operator(fab)
	return op < 0 || len(v.w.blockers(op, h, y)) == 0
}
