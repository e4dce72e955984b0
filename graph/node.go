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

	// Source (Name is the title)
	Publisher string
	Licence   string
	// Date (above) is the source's publication date.
}

// EffectiveDate returns the day a control event starts to apply.
func (n *Node) EffectiveDate() Date {
	if n.Effective != 0 {
		return n.Effective
	}
	return n.Date
}
