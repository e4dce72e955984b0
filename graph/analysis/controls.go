package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
)

// Control is a hypothetical export control for Feasibility and Scenario. It
// has the same semantics as a recorded control event (see Feasibility).
type Control struct {
	// ID names the control in results; empty means "event:scenario-N" for
	// the N-th control given (1-based).
	ID        graph.ID
	Issuer    graph.ID   // the issuing jurisdiction (a country)
	Covers    []graph.ID // inputs or products; their instances and subtypes are covered too
	CoversAll bool       // covers every item
	Targets   []graph.ID // firms, countries or fabs; a firm's subsidiaries are covered through it
	Exempts   []graph.ID // firms, countries, products or inputs exempted
	// Rescinds lists recorded control events that this hypothetical one
	// rescinds from Effective on: a scenario can remove controls too.
	Rescinds  []graph.ID
	Effective graph.Date // first day it applies; zero: already in effect at asOf
	Expires   graph.Date // first day it no longer applies; zero: open
	Title     string
	// Reach is "hq" (default: binds suppliers headquartered in the issuer's
	// jurisdiction) or "fdp" (also suppliers whose production of the item
	// depends on the issuer's jurisdiction; see Feasibility).
	Reach string
	// Kind is "" for an ordinary control, or ServicingBan.
	Kind string
	// LicencePolicy is the licence review policy (graph.PresumptionOfDenial,
	// graph.CaseByCase, graph.PresumptionOfApproval) or "" (blocks).
	LicencePolicy string
}

// ServicingBan is the event kind (Node.EventKind, Control.Kind) of a control
// that withdraws servicing and spare parts for tools already installed: it
// makes a fab's installed base of the covered tools unusable for the targeted
// holders once every vendor of those tools is within the reach of a ban.
// Ordinary controls restrict only new flows.
const ServicingBan = "servicing-ban"

// ctl is a control, recorded or hypothetical, active on the evaluation day.
type ctl struct {
	id        graph.ID
	ev        int32 // the event's node index; -1 for a hypothetical control
	kind      string
	title     string
	issuer    int32 // -1: unknown, reaches nobody
	covers    []int32
	coversAll bool
	targets   []int32
	exempts   []int32
	fdp       bool
	servicing bool
	effective graph.Date // zero: always
	hypo      bool
	// group: a targeted firm's subsidiaries are bound too (hypothetical
	// controls). Recorded listings name each party they bind; ownership
	// rules add affiliates to targets (via says why).
	group  bool
	policy string // licence review policy, "" if not stated
	buyer  bool   // a binding measure of the buyer's jurisdiction: reaches every supplier outside it
	// licenses: for a licence grant, the control events it grants under.
	licenses []int32
	via      map[int32]string // targets added by an ownership rule -> why
}

// hypo is a validated, resolved hypothetical control (not yet filtered by date).
type hypo struct {
	ctl
	expires  graph.Date
	rescinds []int32
}

// resolveControls validates hypothetical controls and resolves their IDs.
func (e *Engine) resolveControls(op string, cs []Control) ([]hypo, error) {
	out := make([]hypo, 0, len(cs))
	for i, c := range cs {
		h := hypo{ctl: ctl{id: c.ID, ev: -1, title: c.Title, coversAll: c.CoversAll, effective: c.Effective, hypo: true,
			group: true, kind: c.Kind}, expires: c.Expires}
		if h.id == "" {
			h.id = graph.ID(fmt.Sprintf("event:scenario-%d", i+1))
		}
		if h.title == "" {
			h.title = "hypothetical control " + string(h.id)
		}
		switch c.Reach {
		case "", "hq":
		case "fdp":
			h.fdp = true
		default:
			return nil, graph.Errorf(graph.Invalid, op, "control %d: reach %q: want hq or fdp", i+1, c.Reach)
		}
		h.servicing = c.Kind == ServicingBan
		switch c.LicencePolicy {
		case "", graph.PresumptionOfDenial, graph.CaseByCase, graph.PresumptionOfApproval:
			h.policy = c.LicencePolicy
		default:
			return nil, graph.Errorf(graph.Invalid, op, "control %d: licence policy %q: want one of %s", i+1,
				c.LicencePolicy, strings.Join(graph.LicencePolicies, ", "))
		}
		var err error
		if h.issuer, err = e.resolveOne(op, i, "issuer", c.Issuer, graph.KindCountry); err != nil {
			return nil, err
		}
		if h.covers, err = e.resolveMany(op, i, "covers", c.Covers, graph.KindInput, graph.KindProduct); err != nil {
			return nil, err
		}
		if h.targets, err = e.resolveMany(op, i, "targets", c.Targets, graph.KindFirm, graph.KindCountry, graph.KindFab); err != nil {
			return nil, err
		}
		if h.exempts, err = e.resolveMany(op, i, "exempts", c.Exempts, graph.KindFirm, graph.KindCountry, graph.KindFab, graph.KindInput, graph.KindProduct); err != nil {
			return nil, err
		}
		if h.rescinds, err = e.resolveMany(op, i, "rescinds", c.Rescinds, graph.KindControlEvent); err != nil {
			return nil, err
		}
		if c.Expires != 0 && c.Effective != 0 && c.Expires <= c.Effective {
			return nil, graph.Errorf(graph.Invalid, op, "control %d: expires %s is not after effective %s", i+1, c.Expires, c.Effective)
		}
		out = append(out, h)
	}
	return out, nil
}

func (e *Engine) resolveOne(op string, i int, field string, id graph.ID, kinds ...graph.NodeKind) (int32, error) {
	if id == "" {
		return 0, graph.Errorf(graph.Invalid, op, "control %d: %s is required", i+1, field)
	}
	x, ok := e.s.Index(id)
	if !ok {
		return 0, graph.Errorf(graph.NotFound, op, "control %d: %s: no node %s", i+1, field, id)
	}
	if !slices.Contains(kinds, e.s.Node(x).Kind) {
		return 0, graph.Errorf(graph.Invalid, op, "control %d: %s: %s is a %s, want %s", i+1, field, id,
			e.s.Node(x).Kind, kindList(kinds))
	}
	return x, nil
}

func (e *Engine) resolveMany(op string, i int, field string, ids []graph.ID, kinds ...graph.NodeKind) ([]int32, error) {
	var out []int32
	for _, id := range ids {
		x, err := e.resolveOne(op, i, field, id, kinds...)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

func kindList(ks []graph.NodeKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, " or ")
}

// recordedControl returns the control event ev as a ctl if it blocks
// anything and is active at asOf, else nil.
func (e *Engine) recordedControl(ev int32, asOf graph.Date) *ctl {
	n := e.s.Node(ev)
	_, buyer := graph.BuyerSide(n.EventKind) // binding buyer-side measures block too
	if (n.Reach != "hq" && n.Reach != "fdp" && !buyer) || n.EventKind == graph.KindOwnershipRule {
		return nil
	}
	if !e.active(ev, asOf) {
		return nil
	}
	c := &ctl{id: n.ID, ev: ev, kind: n.EventKind, title: n.Name, issuer: -1, coversAll: n.CoversAll, fdp: n.Reach == "fdp",
		servicing: n.EventKind == ServicingBan, effective: n.EffectiveDate(), policy: n.LicencePolicy, buyer: buyer}
	if i, ok := e.s.Index(n.Issuer); ok {
		c.issuer = i
	}
	c.covers = e.outVisible(ev, graph.Covers, asOf)
	c.targets = e.outVisible(ev, graph.Targets, asOf)
	c.exempts = e.outVisible(ev, graph.Exempts, asOf)
	return c
}

// active reports whether control event ev applies on day: effective on or
// before it, not expired, not rescinded by an event effective on or before
// it, and not suspended on it (see suspended).
func (e *Engine) active(ev int32, day graph.Date) bool {
	n := e.s.Node(ev)
	eff := n.EffectiveDate()
	if eff == 0 || day < eff || (n.Expires != 0 && day >= n.Expires) {
		return false
	}
	if e.suspended(ev, day) {
		return false
	}
	for _, ed := range e.in(ev, graph.Rescinds) {
		r, _ := e.s.Ends(ed)
		if re := e.s.Node(r).EffectiveDate(); re != 0 && re <= day && visible(e.s.Edge(ed), day) {
			return false
		}
	}
	return true
}

func (e *Engine) outVisible(i int32, k graph.EdgeKind, day graph.Date) []int32 {
	var out []int32
	for _, ed := range e.out(i, k) {
		if visible(e.s.Edge(ed), day) {
			_, to := e.s.Ends(ed)
			out = append(out, to)
		}
	}
	return out
}
