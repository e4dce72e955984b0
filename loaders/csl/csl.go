package csl

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/loaders"
)

// SourceID is the Source node every fact from the screening list cites.
const SourceID graph.ID = "source:csl"

// list says how the rows of one of the CSL's lists are loaded.
type list struct {
	abbr    string // as in the event IDs: "el", "uvl", "meu"
	title   string
	kind    string // the control event's kind
	binding bool   // a licence requirement for the listed party (reach hq or fdp); else informational
}

// lists are the CSL lists loaded as control events, by the abbreviation
// in their name ("Entity List (EL) - Bureau of Industry and Security").
// Every other list is skipped with a counted warning (see the package doc).
var lists = map[string]list{
	"EL":  {abbr: "el", title: "Entity List", kind: "entity-listing", binding: true},
	"UVL": {abbr: "uvl", title: "Unverified List", kind: "unverified-listing"},
	"MEU": {abbr: "meu", title: "Military End User List", kind: "military-end-user-listing"},
}

var listAbbr = regexp.MustCompile(`\(([A-Z]+)\)`)

// listOf returns how to load the rows of the list named by a source cell,
// and the list's short name for messages.
func listOf(source string) (list, string, bool) {
	name, agency, _ := strings.Cut(source, " - ")
	name = strings.TrimSpace(name)
	if m := listAbbr.FindStringSubmatch(name); m != nil && strings.Contains(agency, "Bureau of Industry and Security") {
		l, ok := lists[m[1]]
		return l, name, ok
	}
	return list{}, name, false
}

var (
	allItems = regexp.MustCompile(`(?i)\ball items subject to the EAR\b`)
	fdpRule  = regexp.MustCompile(`734\.9`)
	// Licence review policies as the CSL's license_policy column words them.
	denialPolicy   = regexp.MustCompile(`(?i)\bpresumption of denial\b`)
	caseByCase     = regexp.MustCompile(`(?i)\bcase[- ]by[- ]case\b`)
	approvalPolicy = regexp.MustCompile(`(?i)\bpresumption of approval\b`)
	paren          = regexp.MustCompile(`\(([^()]*)\)`)
)

// Load reads the Consolidated Screening List file spec.Path (.csv or .json)
// into b. It is a loaders.SourceLoader for specs of kind "csl". Entity List
// rows become entity-listing control events that target the matching firm,
// or a listed-party firm when none matches. Load the curated data (and ETO)
// first: matching looks at the firms b already holds.
func Load(ctx context.Context, b *loaders.Builder, spec loaders.Spec) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	entries, isJSON, err := readFile(spec.Path, b.Report)
	if err != nil {
		return fmt.Errorf("read %s: %w", spec.Path, err)
	}
	if entries == nil {
		return nil
	}
	m := newMatcher(b)
	l := &loader{b: b, m: m, file: spec.Path, json: isJSON, parties: map[graph.ID]bool{}, events: map[graph.ID]string{},
		listings: map[graph.ID][]graph.ID{}}
	for _, e := range b.Edges(graph.Targets) {
		l.listings[e.To] = append(l.listings[e.To], e.From)
	}
	l.addSource()
	l.check(entries)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.entry(e)
	}
	l.reportSkipped()
	return nil
}

type loader struct {
	b       *loaders.Builder
	m       *matcher
	file    string
	json    bool                // the file is JSON (its key field is id, not _id)
	parties map[graph.ID]bool   // listed-party firms added by this load
	events  map[graph.ID]string // event IDs added by this load -> entry id
	// listings maps a firm to the events that targeted it before this load
	// (the curated data's entity listings), which a row may corroborate.
	listings map[graph.ID][]graph.ID
	skipped  map[string]int  // list -> rows skipped
	odd      map[string]int  // list -> rows of a loaded list skipped for their type
	bad      map[string]bool // entry ids with problems
	first    map[string]loaders.Pos
}

func (l *loader) problem(pos loaders.Pos, col, format string, args ...any) {
	l.b.Report(loaders.Problem{Pos: pos, Column: col, Message: fmt.Sprintf(format, args...)})
}

func (l *loader) warn(pos loaders.Pos, col, format string, args ...any) {
	l.b.Report(loaders.Problem{Pos: pos, Column: col, Message: fmt.Sprintf(format, args...), Warning: true})
}

func (l *loader) addSource() {
	l.b.AddNode(graph.Node{
		ID: SourceID, Kind: graph.KindSource,
		Name:      "Consolidated Screening List",
		Publisher: "International Trade Administration, U.S. Department of Commerce",
		URL:       "https://www.trade.gov/consolidated-screening-list",
		Licence:   "public domain (U.S. government work)",
		Note:      "Merges the export screening lists of Commerce (BIS: Entity List, Unverified List, Military End User List, Denied Persons List), State and Treasury; bulk files at https://api.trade.gov/static/consolidated_screening_list/consolidated.csv and .json",
	}, loaders.Pos{File: l.file})
}

// check reports the problems no single field shows: missing keys and
// names, duplicate IDs, bad dates.
func (l *loader) check(entries []entry) {
	l.bad, l.first = map[string]bool{}, map[string]loaders.Pos{}
	idCol := "_id"
	if l.json {
		idCol = "id"
	}
	for _, e := range entries {
		ok := true
		if e.id == "" {
			l.problem(e.pos, idCol, "missing ID")
			ok = false
		} else if at, dup := l.first[e.id]; dup {
			l.problem(e.pos, idCol, "duplicate ID %s (first at line %d)", e.id, at.Line)
			ok = false
		} else {
			l.first[e.id] = e.pos
		}
		if e.list == "" {
			l.problem(e.pos, "source", "missing list name")
			ok = false
		}
		if e.name == "" {
			l.problem(e.pos, "name", "missing name")
			ok = false
		}
		for _, d := range []struct{ col, v string }{{"start_date", e.startDate}, {"end_date", e.endDate}} {
			if _, err := parseDate(d.v); err != nil {
				l.problem(e.pos, d.col, "%v", err)
				ok = false
			}
		}
		for _, c := range e.countries {
			if c != "" && iso3(c) == "" {
				l.problem(e.pos, "addresses", "unknown country code %q: want an ISO 3166-1 alpha-2 code such as CN", c)
				ok = false
			}
		}
		if !ok && e.id != "" {
			l.bad[e.id] = true
		}
	}
}

// parseDate reads a CSL date: YYYY-MM-DD, possibly followed by a time.
func parseDate(s string) (graph.Date, error) {
	if len(s) > 10 && s[10] == 'T' {
		s = s[:10]
	}
	return graph.ParseDate(s)
}

func (l *loader) entry(e entry) {
	if e.id == "" || l.bad[e.id] || e.name == "" {
		return
	}
	li, listName, ok := listOf(e.list)
	if !ok {
		if l.skipped == nil {
			l.skipped = map[string]int{}
		}
		l.skipped[listName]++
		if ids := l.m.match(e); len(ids) == 1 {
			l.warn(e.pos, "name", "%q on %s matches %s, but that list is not loaded (only the BIS Entity, Unverified and Military End User lists are)",
				e.name, listName, ids[0])
		}
		return
	}
	if t := strings.ToLower(e.typ); t == "individual" || t == "vessel" || t == "aircraft" {
		if l.odd == nil {
			l.odd = map[string]int{}
		}
		l.odd[listName+"|"+e.typ]++
		return
	}
	start, _ := parseDate(e.startDate)
	if start == 0 {
		l.warn(e.pos, "start_date", "no start date: %q is kept as a listed party, without a control event", e.name)
	}
	target := l.target(e)
	if start == 0 {
		return
	}
	l.event(e, li, start, target)
}

// target returns the firm the entry designates: the firm it matches, or a
// listed-party firm made from the entry.
func (l *loader) target(e entry) graph.ID {
	ids := l.m.match(e)
	if len(ids) == 1 {
		return ids[0]
	}
	if len(ids) > 1 {
		l.warn(e.pos, "name", "%q matches several firms (%s): not linked to any; add the listed name as an alias of the right one",
			e.name, joinIDs(ids))
	}
	slug := shortSlug(e.name, 60)
	id := graph.ID("firm:" + slug)
	if n := l.b.Node(id); n != nil && !l.parties[id] {
		alt := graph.ID("firm:" + slug + "-listed")
		l.warn(e.pos, "name", "listed party %q would be %s, which names another firm (%q) that its names do not match: kept apart as %s",
			e.name, id, n.Name, alt)
		id = alt
	}
	if !l.parties[id] {
		l.parties[id] = true
		l.m.add(id, e)
	}
	n := graph.Node{ID: id, Kind: graph.KindFirm, Name: e.name, Aliases: e.altNames, Roles: []string{"listed-party"},
		Sources: []graph.ID{SourceID}, Note: "listed on the " + e.list + " (CSL ID " + e.id + "); not matched to a curated firm"}
	l.b.AddNode(n, e.pos)
	for _, c := range e.countries {
		if code := iso3(c); code != "" {
			l.country(code, e.pos)
			l.b.AddEdgeColumns(graph.Edge{From: id, To: graph.ID("country:" + code), Kind: graph.HeadquarteredIn, Share: graph.NoShare,
				Sources: []graph.ID{SourceID}, Note: "country of the first address on the screening list"}, e.pos, "name", "addresses")
			break
		}
	}
	return id
}

// event adds the control event of a listing and its TARGETS edge. When an
// event loaded before (the curated one for the same designation) already
// records the listing, the row adds its source to that event instead.
func (l *loader) event(e entry, li list, start graph.Date, target graph.ID) {
	if known := l.known(e, li, start, target); known != "" {
		l.b.AddNode(graph.Node{ID: known, Kind: graph.KindControlEvent, Sources: []graph.ID{SourceID}}, e.pos)
		l.b.AddEdgeColumns(graph.Edge{From: known, To: target, Kind: graph.Targets, Share: graph.NoShare, Sources: []graph.ID{SourceID}},
			e.pos, "_id", "name")
		return
	}
	slug := shortSlug(e.name, 50)
	id := graph.ID(fmt.Sprintf("event:us-bis-%s-%s-%s", start, li.abbr, slug))
	if n := l.b.Node(id); n != nil && l.events[id] != e.id {
		id = graph.ID(string(id) + "-" + strings.ToLower(graph.Slugify(e.id)))
		if len(id) > 120 {
			id = id[:120]
		}
	}
	l.events[id] = e.id
	n := graph.Node{
		ID: id, Kind: graph.KindControlEvent,
		Name:      li.title + ": " + e.name,
		Date:      start,
		Effective: start,
		Issuer:    l.country("USA", e.pos),
		Authority: "BIS",
		EventKind: li.kind,
		Citation:  strings.Join(strings.Fields(e.frNotice), " "),
		URL:       firstNonEmpty(e.infoURL, e.listURL),
		Sources:   []graph.ID{SourceID},
	}
	if end, _ := parseDate(e.endDate); end != 0 {
		n.Expires = graph.DateOf(end.Time().AddDate(0, 0, 1)) // the CSL's end date is the last day it applies
	}
	if li.binding {
		n.Reach = "hq"
		if fdpRule.MatchString(e.licenseReq) {
			n.Reach = "fdp" // a foreign-direct-product footnote (§734.9)
		}
		n.CoversAll = allItems.MatchString(e.licenseReq)
	}
	var notes []string
	if e.licenseReq != "" {
		notes = append(notes, "License requirement: "+e.licenseReq)
	}
	if e.licensePolicy != "" {
		notes = append(notes, "License review policy: "+e.licensePolicy)
	}
	n.LicencePolicy = reviewPolicy(e.licensePolicy)
	n.Note = strings.Join(notes, " ")
	l.b.AddNode(n, e.pos)
	l.b.AddEdgeColumns(graph.Edge{From: id, To: target, Kind: graph.Targets, Share: graph.NoShare, Sources: []graph.ID{SourceID}},
		e.pos, "_id", "name")
}

// known returns the event loaded before this list that records the same
// listing: of the same kind, targeting the same firm, and sharing a Federal
// Register citation or the start date with the row.
func (l *loader) known(e entry, li list, start graph.Date, target graph.ID) graph.ID {
	cites := splitList(e.frNotice)
	for _, id := range l.listings[target] {
		n := l.b.Node(id)
		if n == nil || n.Kind != graph.KindControlEvent || n.EventKind != li.kind {
			continue
		}
		if n.Date == start || n.Effective == start {
			return id
		}
		for _, c := range cites {
			if citesNotice(n.Citation, c) {
				return id
			}
		}
	}
	return ""
}

// citesNotice reports whether a citation ("84 FR 22961; 84 FR 43493")
// names a Federal Register notice, whatever the spacing.
func citesNotice(citation, notice string) bool {
	notice = strings.Join(strings.Fields(notice), " ")
	for _, c := range splitList(citation) {
		if strings.Join(strings.Fields(c), " ") == notice {
			return true
		}
	}
	return false
}

// country returns a country node's ID, adding the node if no source has.
func (l *loader) country(code string, pos loaders.Pos) graph.ID {
	id := graph.ID("country:" + code)
	if l.b.Node(id) == nil {
		name := code
		if r, err := language.ParseRegion(code); err == nil {
			name = display.English.Regions().Name(r)
		}
		l.b.AddNode(graph.Node{ID: id, Kind: graph.KindCountry, Name: name, Aliases: []string{code}, Sources: []graph.ID{SourceID}}, pos)
	}
	return id
}

func (l *loader) reportSkipped() {
	pos := loaders.Pos{File: l.file}
	for _, name := range sortedKeys(l.skipped) {
		l.warn(pos, "source", "skipped %d rows of %s: only the BIS Entity List, Unverified List and Military End User List are loaded", l.skipped[name], name)
	}
	for _, k := range sortedKeys(l.odd) {
		name, typ, _ := strings.Cut(k, "|")
		l.warn(pos, "type", "skipped %d %s rows of %s: only organisations are loaded", l.odd[k], typ, name)
	}
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// iso3 maps an ISO 3166-1 alpha-2 code to alpha-3, or "".
func iso3(code string) string {
	if len(code) != 2 || strings.ToUpper(code) != code {
		return ""
	}
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return ""
	}
	return r.ISO3()
}

// shortSlug returns graph.Slugify(name), cut at a word boundary to at
// most max bytes, so that IDs made from long legal names stay readable.
func shortSlug(name string, max int) string {
	s := graph.Slugify(name)
	if len(s) <= max {
		return s
	}
	s = s[:max+1]
	if i := strings.LastIndexByte(s, '-'); i > 0 {
		return s[:i]
	}
	return s[:max]
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func joinIDs(ids []graph.ID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}

// matcher links screening-list names to firms.
type matcher struct {
	exact map[string][]graph.ID // a firm's name or alias exactly as written
	norm  map[string][]graph.ID // graph.NormalizeName of a firm's name or alias
}

// newMatcher indexes the firms b holds before the list is loaded.
func newMatcher(b *loaders.Builder) *matcher {
	m := &matcher{exact: map[string][]graph.ID{}, norm: map[string][]graph.ID{}}
	for _, id := range b.IDs() {
		n := b.Node(id)
		if n.Kind != graph.KindFirm {
			continue
		}
		for _, name := range append([]string{n.Name}, n.Aliases...) {
			addUnique(m.exact, strings.TrimSpace(name), id)
			addUnique(m.norm, graph.NormalizeName(name), id)
		}
	}
	return m
}

// add indexes a listed party, so that a later row with the same names
// targets it too.
func (m *matcher) add(id graph.ID, e entry) {
	for _, name := range append([]string{e.name}, e.altNames...) {
		addUnique(m.exact, name, id)
		addUnique(m.norm, graph.NormalizeName(name), id)
	}
}

func addUnique(idx map[string][]graph.ID, key string, id graph.ID) {
	if key != "" && !slices.Contains(idx[key], id) {
		idx[key] = append(idx[key], id)
	}
}

// match returns the firms an entry designates: those whose name or alias is
// exactly the listed name (the explicit crosswalk: curators put the listed
// name among a firm's aliases), else those whose normalised name or alias
// equals the normalised listed name, one of its alternate names, the name
// without its parenthesised part, or that part ("... (SMIC)").
func (m *matcher) match(e entry) []graph.ID {
	if ids := m.exact[e.name]; len(ids) > 0 {
		return ids
	}
	var ids []graph.ID
	for _, name := range candidates(e) {
		for _, id := range m.norm[graph.NormalizeName(name)] {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

func candidates(e entry) []string {
	out := append([]string{e.name}, e.altNames...)
	if strings.Contains(e.name, "(") {
		out = append(out, paren.ReplaceAllString(e.name, " "))
		for _, m := range paren.FindAllStringSubmatch(e.name, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// reviewPolicy maps the CSL's license_policy text to a graph licence
// policy. Mixed policies ("presumption of denial for items uniquely required
// for ... nodes; case-by-case review for all other items") map to the
// strictest one they state, since a listing row covers all its items; the
// full text stays in the event's note. Text stating none ("See §744.21(d)")
// maps to "".
func reviewPolicy(text string) string {
	switch {
	case denialPolicy.MatchString(text):
		return graph.PresumptionOfDenial
	case caseByCase.MatchString(text):
		return graph.CaseByCase
	case approvalPolicy.MatchString(text):
		return graph.PresumptionOfApproval
	}
	return ""
}
