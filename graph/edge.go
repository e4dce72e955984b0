package graph

import (
	"math"
	"strconv"
)

// EdgeKind is a relationship type; its value is the Neo4j relationship type.
type EdgeKind string

const (
	HeadquarteredIn EdgeKind = "HEADQUARTERED_IN" // firm -> country
	SubsidiaryOf    EdgeKind = "SUBSIDIARY_OF"    // firm -> parent firm
	LocatedIn       EdgeKind = "LOCATED_IN"       // fab -> country
	OperatedBy      EdgeKind = "OPERATED_BY"      // fab -> firm
	Makes           EdgeKind = "MAKES"            // firm -> product it designs/sells, or input it provides as maker
	FabricatedAt    EdgeKind = "FABRICATED_AT"    // product -> fab (Node: process node)
	InstanceOf      EdgeKind = "INSTANCE_OF"      // product -> input category
	TypeOf          EdgeKind = "TYPE_OF"          // input -> broader input
	Requires        EdgeKind = "REQUIRES"         // product|input -> input|product; Group marks OR-alternatives
	EquippedWith    EdgeKind = "EQUIPPED_WITH"    // fab -> input (installed base), ValidFrom = since
	Supplies        EdgeKind = "SUPPLIES"         // firm|country -> input|product, Share in percent, Year
	Covers          EdgeKind = "COVERS"           // event -> input|product
	Targets         EdgeKind = "TARGETS"          // event -> country|firm|fab
	Exempts         EdgeKind = "EXEMPTS"          // event -> firm|country|product|input|fab
	Rescinds        EdgeKind = "RESCINDS"         // event -> event (rescinded from the rescinding event's effective date)
	Amends          EdgeKind = "AMENDS"           // event -> event
	Licenses        EdgeKind = "LICENSES"         // licence-grant event -> the control event it grants licences under
	Suspends        EdgeKind = "SUSPENDS"         // event -> event it suspends for the edge's validity
	Observes        EdgeKind = "OBSERVES"         // observation -> the product|input that flowed or is held
	ReceivedBy      EdgeKind = "RECEIVED_BY"      // observation -> the firm|country that obtained or holds it
	SuppliedBy      EdgeKind = "SUPPLIED_BY"      // observation -> a firm|fab that made, supplied or passed it on
	Despite         EdgeKind = "DESPITE"          // observation -> a control event in force that it happened despite
	FollowedBy      EdgeKind = "FOLLOWED_BY"      // observation -> an event (listing, penalty) that followed it
)

// EdgeKinds lists every edge kind.
var EdgeKinds = []EdgeKind{HeadquarteredIn, SubsidiaryOf, LocatedIn, OperatedBy, Makes, FabricatedAt,
	InstanceOf, TypeOf, Requires, EquippedWith, Supplies, Covers, Targets, Exempts, Rescinds, Amends,
	Licenses, Suspends, Observes, ReceivedBy, SuppliedBy, Despite, FollowedBy}

// Endpoints gives the node kinds an edge kind may connect.
var Endpoints = map[EdgeKind]struct{ From, To []NodeKind }{
	HeadquarteredIn: {[]NodeKind{KindFirm}, []NodeKind{KindCountry}},
	SubsidiaryOf:    {[]NodeKind{KindFirm}, []NodeKind{KindFirm}},
	LocatedIn:       {[]NodeKind{KindFab}, []NodeKind{KindCountry}},
	OperatedBy:      {[]NodeKind{KindFab}, []NodeKind{KindFirm}},
	Makes:           {[]NodeKind{KindFirm}, []NodeKind{KindProduct, KindInput}},
	FabricatedAt:    {[]NodeKind{KindProduct}, []NodeKind{KindFab}},
	InstanceOf:      {[]NodeKind{KindProduct}, []NodeKind{KindInput}},
	TypeOf:          {[]NodeKind{KindInput}, []NodeKind{KindInput}},
	Requires:        {[]NodeKind{KindProduct, KindInput}, []NodeKind{KindInput, KindProduct}},
	EquippedWith:    {[]NodeKind{KindFab}, []NodeKind{KindInput, KindProduct}},
	Supplies:        {[]NodeKind{KindFirm, KindCountry}, []NodeKind{KindInput, KindProduct}},
	Covers:          {[]NodeKind{KindControlEvent}, []NodeKind{KindInput, KindProduct}},
	Targets:         {[]NodeKind{KindControlEvent}, []NodeKind{KindCountry, KindFirm, KindFab}},
	Exempts:         {[]NodeKind{KindControlEvent}, []NodeKind{KindFirm, KindCountry, KindProduct, KindInput, KindFab}},
	Rescinds:        {[]NodeKind{KindControlEvent}, []NodeKind{KindControlEvent}},
	Amends:          {[]NodeKind{KindControlEvent}, []NodeKind{KindControlEvent}},
	Licenses:        {[]NodeKind{KindControlEvent}, []NodeKind{KindControlEvent}},
	Suspends:        {[]NodeKind{KindControlEvent}, []NodeKind{KindControlEvent}},
	Observes:        {[]NodeKind{KindObservation}, []NodeKind{KindProduct, KindInput}},
	ReceivedBy:      {[]NodeKind{KindObservation}, []NodeKind{KindFirm, KindCountry}},
	SuppliedBy:      {[]NodeKind{KindObservation}, []NodeKind{KindFirm, KindFab}},
	Despite:         {[]NodeKind{KindObservation}, []NodeKind{KindControlEvent}},
	FollowedBy:      {[]NodeKind{KindObservation}, []NodeKind{KindControlEvent}},
}

// NoShare marks an edge without a market share (Share is NaN).
var NoShare = math.NaN()

// Edge is one relationship. Every edge carries Sources; ValidFrom/ValidTo
// bound the time it holds (ValidTo exclusive, zero = open).
type Edge struct {
	From, To  ID
	Kind      EdgeKind
	Group     string  // REQUIRES: requirements of one node sharing a non-empty Group are alternatives (OR)
	Share     float64 // SUPPLIES: market share in percent; SUBSIDIARY_OF: ownership in percent; NaN when unknown
	Year      int     // SUPPLIES: the year the share refers to
	Basis     string  // SUPPLIES: "firm-hq", "country-hq", "capacity", "aggregate" (residual "various/other" providers)
	Node      string  // FABRICATED_AT: process node, e.g. "N7+", "N+2"
	ValidFrom Date
	ValidTo   Date
	Sources   []ID
	Note      string
}

// HasShare reports whether the edge carries a known share.
func (e *Edge) HasShare() bool { return !math.IsNaN(e.Share) }

// Key identifies an edge for upserts: two edges with the same Key are the
// same fact. SUPPLIES edges differ by Year (shares are a time series).
func (e *Edge) Key() string {
	k := string(e.From) + "|" + string(e.Kind) + "|" + string(e.To)
	if e.Kind == Supplies {
		k += "|" + strconv.Itoa(e.Year)
	}
	return k
}

// Aggregate reports whether the edge's supplier is a residual or aggregate
// provider ("various countries", "other") whose share must never be read as
// a single supplier's.
func (e *Edge) Aggregate() bool { return e.Basis == "aggregate" }
