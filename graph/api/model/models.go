package model

import (
	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// Node is the GraphQL interface Node. Its implementations are *Firm,
// *Country, *Input, *Product, *Fab, *ControlEvent and *Source; NodeAt makes
// the right one for a snapshot node.
type Node interface {
	IsNode()
	// Ref locates the node in the snapshot it was read from.
	Ref() Ref
}

// Ref locates one node of a snapshot.
type Ref struct {
	Snap  *graph.Snapshot
	Index int32
}

// GraphNode returns the domain node. It must not be modified.
func (r Ref) GraphNode() *graph.Node { return r.Snap.Node(r.Index) }

// NodeAt returns the model of node i of snap, typed by its kind.
func NodeAt(snap *graph.Snapshot, i int32) Node {
	b := base{Ref{Snap: snap, Index: i}}
	switch snap.Node(i).Kind {
	case graph.KindFirm:
		return &Firm{b}
	case graph.KindCountry:
		return &Country{b}
	case graph.KindInput:
		return &Input{b}
	case graph.KindProduct:
		return &Product{b}
	case graph.KindFab:
		return &Fab{b}
	case graph.KindControlEvent:
		return &ControlEvent{b}
	case graph.KindSource:
		return &Source{b}
	case graph.KindObservation:
		return &Observation{b}
	}
	panic("model.NodeAt: node " + string(snap.Node(i).ID) + " has unknown kind " + string(snap.Node(i).Kind))
}

// base holds what every node type shares; its methods resolve the fields
// common to all of them.
type base struct{ r Ref }

func (b base) IsNode()        {}
func (b base) Ref() Ref       { return b.r }
func (b base) n() *graph.Node { return b.r.GraphNode() }

// ID is the node's ID.
func (b base) ID() graph.ID { return b.n().ID }

// Name is the node's name (a source's title).
func (b base) Name() string { return b.n().Name }

// Aliases lists other names.
func (b base) Aliases() []string { return nonNil(b.n().Aliases) }

// Note is the curator's remark, nil when empty.
func (b base) Note() *string { return opt(b.n().Note) }

// Firm is the GraphQL type Firm.
type Firm struct{ base }

// Roles lists what the firm does.
func (f *Firm) Roles() []string { return nonNil(f.n().Roles) }

// EtoID is the ETO provider ID.
func (f *Firm) EtoID() *string { return opt(f.n().ETOID) }

// Country is the GraphQL type Country.
type Country struct{ base }

// EtoID is the ETO provider ID.
func (c *Country) EtoID() *string { return opt(c.n().ETOID) }

// Input is the GraphQL type Input.
type Input struct{ base }

// Type is tool, material, process, ...
func (in *Input) Type() string { return in.n().Type }

// Description says what the input is.
func (in *Input) Description() *string { return opt(in.n().Description) }

// EtoID is the ETO input ID.
func (in *Input) EtoID() *string { return opt(in.n().ETOID) }

// Product is the GraphQL type Product.
type Product struct{ base }

// Type is the product type.
func (p *Product) Type() *string { return opt(p.n().Type) }

// Description describes the product.
func (p *Product) Description() *string { return opt(p.n().Description) }

// Announced is the announcement or first-shipment date.
func (p *Product) Announced() graph.Date { return p.n().Announced }

// Specs are key specifications as text.
func (p *Product) Specs() *string { return opt(p.n().Specs) }

// Fab is the GraphQL type Fab.
type Fab struct{ base }

// Location is the city or region.
func (f *Fab) Location() *string { return opt(f.n().Location) }

// Nodes lists process nodes.
func (f *Fab) Nodes() []string { return nonNil(f.n().Nodes) }

// CapacityWpm is the capacity in wafer starts per month, nil if unknown.
func (f *Fab) CapacityWpm() *int {
	if c := f.n().CapacityWPM; c > 0 {
		return &c
	}
	return nil
}

// Status is operating, construction, planned or closed.
func (f *Fab) Status() *string { return opt(f.n().Status) }

// ControlEvent is the GraphQL type ControlEvent.
type ControlEvent struct{ base }

// Date is the action or publication date.
func (e *ControlEvent) Date() graph.Date { return e.n().Date }

// Effective is the effective date; zero (null) means the same as Date.
func (e *ControlEvent) Effective() graph.Date { return e.n().Effective }

// Expires is the first day the event no longer applies by itself.
func (e *ControlEvent) Expires() graph.Date { return e.n().Expires }

// Authority is the issuing body.
func (e *ControlEvent) Authority() *string { return opt(e.n().Authority) }

// Kind is the event kind.
func (e *ControlEvent) Kind() string { return e.n().EventKind }

// Reach is hq or fdp.
func (e *ControlEvent) Reach() *string { return opt(e.n().Reach) }

// CoversAll reports whether the event covers every item.
func (e *ControlEvent) CoversAll() bool { return e.n().CoversAll }

// Citation is the legal citation.
func (e *ControlEvent) Citation() *string { return opt(e.n().Citation) }

// URL is the primary record.
func (e *ControlEvent) URL() *string { return opt(e.n().URL) }

// LicencePolicy is the licence review policy the source states.
func (e *ControlEvent) LicencePolicy() *string { return opt(e.n().LicencePolicy) }

// Conditions are the stated conditions of a grant or policy.
func (e *ControlEvent) Conditions() []string {
	if c := e.n().Conditions; c != nil {
		return c
	}
	return []string{}
}

// OwnershipThreshold is an ownership rule's threshold in percent.
func (e *ControlEvent) OwnershipThreshold() *float64 {
	if t := e.n().OwnershipThreshold; t != 0 {
		return &t
	}
	return nil
}

// BuyerSide reports whether the event is a measure of the buyer's own
// jurisdiction.
func (e *ControlEvent) BuyerSide() bool {
	b, _ := graph.BuyerSide(e.n().EventKind)
	return b
}

// Binding reports whether the event can block a flow.
func (e *ControlEvent) Binding() bool {
	n := e.n()
	if n.EventKind == graph.KindOwnershipRule {
		return true // it binds as the listings it extends
	}
	_, binding := graph.BuyerSide(n.EventKind)
	return binding || n.Reach == "hq" || n.Reach == "fdp"
}

// Source is the GraphQL type Source.
type Source struct{ base }

// Title is the source's title.
func (s *Source) Title() string { return s.n().Name }

// Publisher is the publishing organisation.
func (s *Source) Publisher() *string { return opt(s.n().Publisher) }

// URL is where to read the source.
func (s *Source) URL() *string { return opt(s.n().URL) }

// Date is the publication date.
func (s *Source) Date() graph.Date { return s.n().Date }

// Licence is the source's licence.
func (s *Source) Licence() *string { return opt(s.n().Licence) }

// Grade is primary, secondary or unset.
func (s *Source) Grade() *string { return opt(s.n().Grade) }

// EdgeRef locates one edge of a snapshot.
type EdgeRef struct {
	Snap  *graph.Snapshot
	Index int32
}

// GraphEdge returns the domain edge. It must not be modified.
func (r EdgeRef) GraphEdge() *graph.Edge { return r.Snap.Edge(r.Index) }

// Ends returns the indexes of the nodes the edge connects.
func (r EdgeRef) Ends() (from, to int32) { return r.Snap.Ends(r.Index) }

// link holds what every relationship type shares.
type link struct{ EdgeRef }

func (l link) e() *graph.Edge { return l.GraphEdge() }

// ValidFrom is the first day the fact holds, zero (null) if open.
func (l link) ValidFrom() graph.Date { return l.e().ValidFrom }

// ValidTo is the first day the fact no longer holds, zero (null) if open.
func (l link) ValidTo() graph.Date { return l.e().ValidTo }

// Note is the curator's remark.
func (l link) Note() *string { return opt(l.e().Note) }

// Supply is the GraphQL type Supply (edge SUPPLIES).
type Supply struct{ link }

// Share is the market share in percent, nil when unknown.
func (s *Supply) Share() *float64 {
	if e := s.e(); e.HasShare() {
		v := e.Share
		return &v
	}
	return nil
}

// Year is the year the share refers to.
func (s *Supply) Year() int { return s.e().Year }

// Basis says what the share measures.
func (s *Supply) Basis() *string { return opt(s.e().Basis) }

// Fabrication is the GraphQL type Fabrication (edge FABRICATED_AT).
type Fabrication struct{ link }

// Node is the process node.
func (f *Fabrication) Node() *string { return opt(f.e().Node) }

// Requirement is the GraphQL type Requirement (edge REQUIRES).
type Requirement struct{ link }

// Group is the OR-group, nil for a mandatory requirement.
func (r *Requirement) Group() *string { return opt(r.e().Group) }

// Equipment is the GraphQL type Equipment (edge EQUIPPED_WITH).
type Equipment struct{ link }

// NewSupply, NewFabrication, NewRequirement and NewEquipment wrap edge i of
// snap; the edge must be of the matching kind.
func NewSupply(snap *graph.Snapshot, i int32) *Supply { return &Supply{link{EdgeRef{snap, i}}} }

// NewFabrication wraps a FABRICATED_AT edge.
func NewFabrication(snap *graph.Snapshot, i int32) *Fabrication {
	return &Fabrication{link{EdgeRef{snap, i}}}
}

// NewRequirement wraps a REQUIRES edge.
func NewRequirement(snap *graph.Snapshot, i int32) *Requirement {
	return &Requirement{link{EdgeRef{snap, i}}}
}

// NewEquipment wraps an EQUIPPED_WITH edge.
func NewEquipment(snap *graph.Snapshot, i int32) *Equipment {
	return &Equipment{link{EdgeRef{snap, i}}}
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// UpstreamItem is the GraphQL type UpstreamItem. Its via edges stay in the
// analysis's form until a query selects them (the UpstreamItem.via
// resolver): an upstream closure can hold thousands of items, and most
// queries ask only for the nodes and their tiers.
type UpstreamItem struct {
	Node Node
	Tier int
	// Steps are the edges reaching Node from the previous tier.
	Steps []analysis.PathEdge
}

// Observation is the GraphQL type Observation.
type Observation struct{ base }

// Route is how the flow happened.
func (o *Observation) Route() string { return o.n().Route }

// Evidence is the kind of evidence.
func (o *Observation) Evidence() string { return o.n().Evidence }

// Strength ranks the evidence (graph.EvidenceStrength).
func (o *Observation) Strength() int { return graph.EvidenceStrength(o.n().Evidence) }

// Date is the day the evidence was published.
func (o *Observation) Date() graph.Date { return o.n().Date }

// From is the first day the flow is evidenced (zero: from Date).
func (o *Observation) From() graph.Date { return o.n().Effective }

// Until is the first day it no longer is (zero: open).
func (o *Observation) Until() graph.Date { return o.n().Expires }

// Quantity is the amount a source gives, nil if none.
func (o *Observation) Quantity() *float64 {
	if q := o.n().Quantity; q != 0 {
		return &q
	}
	return nil
}

// Unit is the unit of Quantity.
func (o *Observation) Unit() *string { return opt(o.n().Unit) }
