package graph

// Node is one node of the knowledge graph. Fields common to every kind come
// first; the others apply to the kinds named in their comments and are left
// zero elsewhere. Relationships (headquarters, parent, operator, location,
// issuer...) are edges, not fields, so that they carry sources and dates.
type Node struct {
	ID      ID
	Kind    NodeKind
	Name    string
	Aliases []string // other names and spellings; search and crosswalks use them
	Sources []ID     // source:... IDs backing this node
	ETOID   string   // the ETO dataset's provider/input ID where one exists (crosswalk)
	Note    string   // curator's remark, free text

	// Firm
	Roles []string // designer, foundry, idm, equipment, materials, eda, memory, osat, ...

	// Input ("tool", "material", "process", "design", "ip", "component", "output")
	// and Product (product kind: "ai-accelerator", "gpu", "memory", "scanner", ...)
	Type        string
	Description string

	// Product: when it was announced or first shipped; free-form specifications.
	Announced Date
	Specs     string

	// Fab
	Location    string   // city / region as text
	Nodes       []string // process nodes, e.g. "7nm", "N+2"
	CapacityWPM int      // wafer starts per month, 0 if unknown
	Status      string   // operating, construction, planned, closed

	// ControlEvent
	Date      Date   // action or publication date
	Effective Date   // effective date (zero: same as Date)
	Expires   Date   // the first day it no longer applies, if it lapses by itself
	Issuer    ID     // country:... whose jurisdiction issues the control
	Authority string // issuing body: "BIS", "METI", "MOFCOM", ...
	EventKind string // entity-listing, rule, licence-requirement, licence-revocation, rescission, counter-control, ...
	Reach     string // "hq" (issuer reaches suppliers headquartered in it) or "fdp" (also foreign-direct-product reach)
	CoversAll bool   // covers every item (e.g. "all items subject to the EAR")
	Citation  string // legal citation, e.g. "84 FR 22961"
	URL       string // primary record; for a Source, its address
	// LicencePolicy is the licence review policy the source states for the
	// control: PresumptionOfDenial, CaseByCase, PresumptionOfApproval, or
	// "" (not stated: a licence requirement that blocks, as before).
	LicencePolicy string
	// Conditions are the stated conditions of a licence grant or of a
	// licensing policy (revenue share, volume caps, testing), as text.
	Conditions []string
	// OwnershipThreshold is, for an ownership rule, the percentage of
	// ownership by listed parties at or above which a firm is treated as
	// listed too (the BIS Affiliates Rule: 50). Zero elsewhere.
	OwnershipThreshold float64

	// Observation: a fact that a supply or acquisition happened (or a stock
	// is held), beside the law. Date is the day the evidence was published;
	// Effective and Expires bound the period the flow or stock is evidenced
	// (zero Effective: from Date; zero Expires: open).
	Route    string  // stockpile, installed-base, diversion, domestic, licensed
	Evidence string  // teardown, official, court, company, press
	Quantity float64 // how much, where a source says; 0: unknown ("some")
	Unit     string  // unit of Quantity: dies, units, wafers, ...

	// Source (Name is the title)
	Publisher string
	Licence   string
	// Grade is "primary" (the issuing authority's or company's own record),
	// "secondary" (press, analysts) or "" (not graded).
	Grade string
	// Date (above) is the source's publication date.
}

// Licence review policies (Node.LicencePolicy).
const (
	PresumptionOfDenial   = "presumption-of-denial"
	CaseByCase            = "case-by-case"
	PresumptionOfApproval = "presumption-of-approval"
)

// LicencePolicies lists the licence review policies an event may state.
var LicencePolicies = []string{PresumptionOfDenial, CaseByCase, PresumptionOfApproval}

// Event kinds with a meaning of their own in the analysis (Node.EventKind).
// The other kinds (entity-listing, rule, licence-requirement, ...) block
// through their reach.
const (
	// KindLicenceGrant records licences granted (or approvals announced):
	// it COVERS the items, TARGETS the buyers and LICENSES the controls it
	// grants under.
	KindLicenceGrant = "licence-grant"
	// KindSuspension suspends other events for the validity of its
	// SUSPENDS edges.
	KindSuspension = "suspension"
	// KindImportBan and KindCustomsBlock are binding measures of the
	// buyer's own jurisdiction against acquiring the covered items from
	// suppliers outside it.
	KindImportBan    = "import-ban"
	KindCustomsBlock = "customs-block"
	// KindBuyerGuidance is official guidance to the buyers of the issuer's
	// jurisdiction to avoid the covered items: recorded and reported, never
	// a legal block.
	KindBuyerGuidance = "buyer-guidance"
	// KindOwnershipRule extends the issuer's entity listings to firms owned
	// at or above OwnershipThreshold percent by listed parties.
	KindOwnershipRule = "ownership-rule"
	// KindTariff is a duty on imports: recorded, never a block.
	KindTariff = "tariff"
)

// BuyerSide reports whether an event kind is a measure of the buyer's own
// jurisdiction, and whether it binds.
func BuyerSide(kind string) (buyer, binding bool) {
	switch kind {
	case KindImportBan, KindCustomsBlock:
		return true, true
	case KindBuyerGuidance:
		return true, false
	}
	return false, false
}

// EffectiveDate returns the day a control event starts to apply.
func (n *Node) EffectiveDate() Date {
	if n.Effective != 0 {
		return n.Effective
	}
	return n.Date
}

// Observation routes (Node.Route) and evidence kinds (Node.Evidence).
var (
	ObservationRoutes = []string{"stockpile", "installed-base", "diversion", "domestic", "licensed"}
	EvidenceKinds     = []string{"teardown", "official", "court", "company", "press"}
)

// EvidenceStrength ranks an evidence kind: 3 for physical analysis, court
// records and official statements, 2 for a company's own statement, 1 for
// press reports, 0 if unknown.
func EvidenceStrength(kind string) int {
	switch kind {
	case "teardown", "court", "official":
		return 3
	case "company":
		return 2
	case "press":
		return 1
	}
	return 0
}

// ObservedDuring reports whether an observation's flow or stock is
// evidenced on day: from Effective (else Date) until Expires.
func (n *Node) ObservedDuring(day Date) bool {
	from := n.Effective
	if from == 0 {
		from = n.Date
	}
	return (from == 0 || from <= day) && (n.Expires == 0 || day < n.Expires)
}
