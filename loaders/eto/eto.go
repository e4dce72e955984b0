package eto

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/loaders"
)

// Load reads the ETO release in the directory spec.Path into b. It is a
// loaders.SourceLoader for specs of kind "eto". Everything wrong with the
// files is reported to b with its file, line and column; Load returns an
// error only when a file exists but cannot be read, or ctx is done.
//
// Load the curated data before ETO (crosswalk IDs and the name checks look
// at what b already holds; loaders.Load does so) and the current release
// before the 2022 one (nodes that are not crosswalked take their IDs from
// the first release that names them).
func Load(ctx context.Context, b *loaders.Builder, spec loaders.Spec) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := read(spec.Path, b.Report)
	if f == nil || err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m := &mapper{b: b, f: f, itemIDs: map[string]graph.ID{}, providerIDs: map[string]graph.ID{}}
	m.index()
	m.source()
	m.items()
	m.providers()
	m.supplies()
	m.sequence()
	return ctx.Err()
}

// mapper turns one parsed release into nodes and edges.
type mapper struct {
	b *loaders.Builder
	f *files

	release     graph.ID
	itemIDs     map[string]graph.ID // ETO input/stage ID -> node ID
	providerIDs map[string]graph.ID // ETO provider ID -> node ID
	names       map[string][]graph.ID
	hq          map[graph.ID][]graph.ID // firm -> HQ countries added before this release
	refs        map[string]graph.ID     // row source text -> source node
}

func (m *mapper) warn(pos loaders.Pos, col, format string, args ...any) {
	m.b.Report(loaders.Problem{Pos: pos, Column: col, Message: fmt.Sprintf(format, args...), Warning: true})
}

func (m *mapper) problem(pos loaders.Pos, col, format string, args ...any) {
	m.b.Report(loaders.Problem{Pos: pos, Column: col, Message: fmt.Sprintf(format, args...)})
}

// index records the normalised names and aliases of the firms and inputs
// added before this release, for the "looks like an unlinked node" checks.
func (m *mapper) index() {
	m.names = map[string][]graph.ID{}
	m.hq = map[graph.ID][]graph.ID{}
	for _, e := range m.b.Edges(graph.HeadquarteredIn) {
		m.hq[e.From] = append(m.hq[e.From], e.To)
	}
	for _, id := range m.b.IDs() {
		n := m.b.Node(id)
		if n.Kind != graph.KindFirm && n.Kind != graph.KindInput {
			continue
		}
		for _, name := range append([]string{n.Name}, n.Aliases...) {
			k := string(n.Kind) + "|" + graph.NormalizeName(name)
			if !slices.Contains(m.names[k], id) {
				m.names[k] = append(m.names[k], id)
			}
		}
	}
}

// source adds the Source node citing this release as ETO asks.
func (m *mapper) source() {
	pos := loaders.Pos{File: m.f.dir}
	n := graph.Node{
		Kind:      graph.KindSource,
		Publisher: "Emerging Technology Observatory (ETO), Center for Security and Emerging Technology, Georgetown University",
		URL:       "https://eto.tech/dataset-docs/chipexplorer",
		Licence:   "CC BY-NC 4.0",
	}
	if m.f.rel.v2022 {
		n.ID = "source:eto-2022"
		n.Name = "Emerging Technology Observatory Advanced Semiconductor Supply Chain Dataset (2022 release)"
		n.Note = "Market shares are the 2019 figures of the CSET report The Semiconductor Supply Chain: Assessing National Competitiveness (January 2021). " +
			"Data files from github.com/georgetown-cset/eto-chip-explorer (data/). Also subject to ETO's general terms of use."
	} else {
		latest := 0
		for _, p := range m.f.provision {
			latest = max(latest, p.year)
		}
		n.ID = graph.ID("source:eto-" + strconv.Itoa(latest))
		n.Name = "Emerging Technology Observatory Advanced Semiconductor Supply Chain Dataset (" + strconv.Itoa(latest) + " update)"
		n.Note = "Current release of the ETO data files (github.com/georgetown-cset/eto-chip-explorer, data/); its newest market shares are for " +
			strconv.Itoa(latest) + " (CSET analysis of TechInsights data). Also subject to ETO's general terms of use."
	}
	m.release = n.ID
	m.b.AddNode(n, pos)
}

// refSource returns the Source node for a source text cited by ETO on a
// provision row or market-share chart ("[CSET](https://...) (citing SEMI)"),
// adding it on first use.
func (m *mapper) refSource(text string, pos loaders.Pos) graph.ID {
	if text == "" {
		return ""
	}
	if m.refs == nil {
		m.refs = map[string]graph.ID{}
	}
	if id, ok := m.refs[text]; ok {
		return id
	}
	title, url := stripMarkdown(text)
	first, _, _ := strings.Cut(title, ". ")
	slug := graph.Slugify(first)
	if len(slug) > 60 {
		slug = strings.TrimRight(slug[:60], "-")
		if i := strings.LastIndexByte(slug, '-'); i > 30 {
			slug = slug[:i]
		}
	}
	if slug == "" {
		slug = "source"
	}
	id := graph.ID("source:eto-ref-" + slug)
	for i := 2; ; i++ { // two texts with the same first sentence
		n := m.b.Node(id)
		if n == nil || n.Kind == graph.KindSource && n.Name == title {
			break
		}
		id = graph.ID(fmt.Sprintf("source:eto-ref-%s-%d", slug, i))
	}
	m.b.AddNode(graph.Node{ID: id, Kind: graph.KindSource, Name: title, URL: url,
		Note: "cited by the ETO Advanced Semiconductor Supply Chain Dataset as the source of its market shares"}, pos)
	m.refs[text] = id
	return id
}

var mdLink = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]*)[^)]*\)`)

// stripMarkdown turns "[CSET](https://x) (citing SEMI)" into the plain
// title "CSET (citing SEMI)" and the first URL.
func stripMarkdown(s string) (title, url string) {
	if m := mdLink.FindStringSubmatch(s); m != nil {
		url = m[2]
	}
	title = mdLink.ReplaceAllString(s, "$1")
	return strings.Join(strings.Fields(title), " "), url
}

// nodeID decides the ID of an ETO input or firm. The node crosswalked to
// its ETO ID comes first (a curated eto_id, or the same ID in another ETO
// release): linked is then true. Otherwise the ID is want — unless want
// already names another node, which is never merged silently: the ETO node
// is kept apart under a suffixed ID and a warning says so. A new node whose
// name or alias matches an earlier firm or input is reported too.
func (m *mapper) nodeID(etoID string, want graph.ID, kind graph.NodeKind, names []string, pos loaders.Pos, col string) (id graph.ID, linked, ok bool) {
	if id, ok := m.b.ByETOID(etoID); ok {
		if n := m.b.Node(id); n.Kind != kind {
			m.problem(pos, col, "ETO ID %s is crosswalked (eto_id) to %s, a %s: want a %s", etoID, id, n.Kind.Label(), kind.Label())
			return "", false, false
		}
		return id, true, true
	}
	if _, err := graph.ParseID(string(want)); err != nil {
		m.problem(pos, col, "cannot make an ID from %q: %v", names[0], err)
		return "", false, false
	}
	if n := m.b.Node(want); n != nil {
		alt := graph.ID(string(want) + "-eto-" + strings.ToLower(etoID))
		other := "a node not linked to it"
		if n.ETOID != "" {
			other = "the node of ETO ID " + n.ETOID
		}
		m.warn(pos, col, "ETO %s %q would be %s, which already names %s: kept apart as %s (not merged; if they are the same, link them with eto_id)",
			etoID, names[0], want, other, alt)
		return alt, false, true
	}
	m.lookalike(kind, etoID, want, names, pos, col)
	return want, false, true
}

// lookalike warns when a new ETO node has the normalised name or an alias
// of a firm or input added before this release.
func (m *mapper) lookalike(kind graph.NodeKind, etoID string, id graph.ID, names []string, pos loaders.Pos, col string) {
	var hits []graph.ID
	for _, name := range names {
		for _, other := range m.names[string(kind)+"|"+graph.NormalizeName(name)] {
			if other != id && !slices.Contains(hits, other) {
				hits = append(hits, other)
			}
		}
	}
	if len(hits) > 0 {
		m.warn(pos, col, "ETO %s %q is not linked but its name matches %s: if they are the same, set eto_id %s there (not merged)",
			etoID, names[0], joinIDs(hits), etoID)
	}
}

func joinIDs(ids []graph.ID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}

// items adds the inputs and stages as Input nodes and a process's stage as
// TYPE_OF edge.
func (m *mapper) items() {
	for _, etoID := range m.f.itemOrder {
		it := m.f.items[etoID]
		if it.invalid {
			continue
		}
		col := "input_name"
		if it.isStage {
			col = "stage_name"
		}
		id, _, ok := m.nodeID(etoID, graph.ID("input:"+graph.Slugify(it.name)), graph.KindInput, []string{it.name}, it.pos, col)
		if !ok {
			continue
		}
		m.itemIDs[etoID] = id
		n := graph.Node{ID: id, Kind: graph.KindInput, Name: it.name, Type: it.typ, Description: it.description,
			ETOID: etoID, Sources: []graph.ID{m.release}}
		var notes []string
		if it.isStage {
			notes = append(notes, "ETO supply-chain stage "+etoID)
		}
		if it.marketSize != "" {
			notes = append(notes, "global market size "+it.marketSize+" (ETO)")
		}
		n.Note = strings.Join(notes, "; ")
		m.b.AddNode(n, it.pos)
	}
	for _, etoID := range m.f.itemOrder {
		it := m.f.items[etoID]
		if it.stage == "" || m.itemIDs[etoID] == "" {
			continue
		}
		st, ok := m.f.items[it.stage]
		if !ok || !st.isStage {
			m.problem(it.pos, "stage_id", "unknown stage %s (not in %s)", it.stage, stagesFile)
			continue
		}
		if to := m.itemIDs[it.stage]; to != "" {
			m.b.AddEdge(graph.Edge{From: m.itemIDs[etoID], To: to, Kind: graph.TypeOf, Share: graph.NoShare,
				Sources: []graph.ID{m.release}, Note: "process of ETO stage " + st.name}, it.pos)
		}
	}
}

// providers adds country and organization providers.
func (m *mapper) providers() {
	// Roles of firms ETO adds itself follow from what they supply.
	roles := map[string][]string{}
	for _, p := range m.f.provision {
		if it, ok := m.f.items[p.provided]; ok {
			r := map[string]string{"tool": "equipment", "material": "materials"}[it.typ]
			if r != "" && !slices.Contains(roles[p.provider], r) {
				roles[p.provider] = append(roles[p.provider], r)
			}
		}
	}
	// Countries first, so that they are named by their own rows rather than
	// by a firm's headquarters column.
	order := slices.Clone(m.f.provOrder)
	slices.SortStableFunc(order, func(a, b string) int {
		return cmpBool(m.f.providers[b].country, m.f.providers[a].country)
	})
	for _, etoID := range order {
		p := m.f.providers[etoID]
		if p.invalid {
			continue
		}
		if p.country {
			id, ok := m.nodeIDCountry(p)
			if !ok {
				continue
			}
			m.providerIDs[etoID] = id
			name := countryName(p.code)
			aliases := slices.Clone(p.aliases)
			if len(aliases) > 0 && !p.aggregate {
				name = aliases[0] // the current release gives the English name as alias
				aliases = aliases[1:]
			}
			for _, a := range []string{p.name, p.code} {
				if a != name && !slices.Contains(aliases, a) {
					aliases = append(aliases, a)
				}
			}
			n := graph.Node{ID: id, Kind: graph.KindCountry, Name: name, Aliases: aliases, ETOID: etoID, Sources: []graph.ID{m.release}}
			if p.aggregate {
				n.Note = "aggregate provider in the ETO data (several countries): its share is never one supplier's"
			}
			m.b.AddNode(n, p.pos)
			continue
		}
		id, crosswalked, ok := m.nodeID(etoID, graph.ID("firm:"+graph.Slugify(p.name)), graph.KindFirm, append([]string{p.name}, p.aliases...), p.pos, "provider_name")
		if !ok {
			continue
		}
		m.providerIDs[etoID] = id
		n := graph.Node{ID: id, Kind: graph.KindFirm, Name: p.name, Aliases: p.aliases, ETOID: etoID, Sources: []graph.ID{m.release}}
		if !crosswalked {
			n.Roles = roles[etoID]
		}
		if p.aggregate {
			n.Note = "aggregate provider in the ETO data (several firms): its share is never one supplier's"
		}
		m.b.AddNode(n, p.pos)
		if p.code == "" {
			continue
		}
		c := graph.ID("country:" + p.code)
		if known := m.hq[id]; len(known) > 0 && !slices.Contains(known, c) {
			m.warn(p.pos, "country", "%s says %s (ETO %s) is headquartered in %s, but an earlier source says %s: kept %s",
				m.release, id, etoID, p.code, joinIDs(known), joinIDs(known))
			continue
		}
		m.country(p.code, p.pos)
		m.b.AddEdgeColumns(graph.Edge{From: id, To: c, Kind: graph.HeadquarteredIn, Share: graph.NoShare, Sources: []graph.ID{m.release}},
			p.pos, "provider_id", "country")
	}
}

// nodeIDCountry returns the node of a country provider: the crosswalked
// node, or country:<code>.
func (m *mapper) nodeIDCountry(p *provider) (graph.ID, bool) {
	if id, ok := m.b.ByETOID(p.etoID); ok {
		if n := m.b.Node(id); n.Kind != graph.KindCountry {
			m.problem(p.pos, "provider_id", "ETO ID %s is crosswalked (eto_id) to %s, a %s: an ETO country must map to a Country", p.etoID, id, n.Kind.Label())
			return "", false
		}
		return id, true
	}
	return graph.ID("country:" + p.code), true
}

// country returns the node of an organization's HQ country, adding it if
// no source has so far.
func (m *mapper) country(code string, pos loaders.Pos) graph.ID {
	id := graph.ID("country:" + code)
	if m.b.Node(id) == nil {
		m.b.AddNode(graph.Node{ID: id, Kind: graph.KindCountry, Name: countryName(code), Aliases: []string{code},
			Sources: []graph.ID{m.release}}, pos)
	}
	return id
}

var siteBasis = regexp.MustCompile(`(?i)\bsites?\b`)

// supplies adds a SUPPLIES edge per provision row.
func (m *mapper) supplies() {
	type key struct {
		provider, provided string
		year               int
	}
	seen := map[key]provision{}
	for _, p := range m.f.provision {
		prov, okP := m.f.providers[p.provider]
		it, okI := m.f.items[p.provided]
		if !okP {
			m.problem(p.pos, "provider_id", "unknown provider %s (not in %s)", p.provider, providersFile)
		}
		if !okI {
			m.problem(p.pos, "provided_id", "unknown input %s (not in %s or %s)", p.provided, inputsFile, stagesFile)
		}
		if !okP || !okI {
			continue
		}
		k := key{p.provider, p.provided, p.year}
		if old, dup := seen[k]; dup {
			same := old.negligible == p.negligible && (old.share == p.share || math.IsNaN(old.share) && math.IsNaN(p.share))
			if same {
				m.warn(p.pos, "", "duplicate row (same as line %d): ignored", old.pos.Line)
			} else {
				m.problem(p.pos, "share_provided", "%s provides %s in %d twice with different shares (first at line %d)", p.provider, p.provided, p.year, old.pos.Line)
			}
			continue
		}
		seen[k] = p
		from, to := m.providerIDs[p.provider], m.itemIDs[p.provided]
		if from == "" || to == "" {
			continue // its node was rejected above
		}
		e := graph.Edge{From: from, To: to, Kind: graph.Supplies, Share: p.share, Year: p.year, Sources: []graph.ID{m.release}}
		switch {
		case prov.aggregate:
			e.Basis = "aggregate"
		case !prov.country:
			e.Basis = "firm-hq"
		case it.isStage && siteBasis.MatchString(it.caption):
			e.Basis = "capacity" // the stage chart counts capacity by site location
		default:
			e.Basis = "country-hq"
		}
		if p.negligible {
			e.Note = "negligible market share (ETO: country share of 2% or less, or far behind the leaders)"
		}
		text := p.source
		if text == "" && m.f.rel.v2022 {
			text = it.chartSource // the 2022 release cites its sources per chart, not per row
		}
		if ref := m.refSource(text, p.pos); ref != "" {
			e.Sources = append(e.Sources, ref)
		}
		m.b.AddEdge(e, p.pos)
	}
}

// sequence maps sequence.csv: "A goes_into B" means B needs A, so it becomes
// B REQUIRES A; "A is_type_of B" becomes A TYPE_OF B.
func (m *mapper) sequence() {
	seen := map[string]int{}
	for _, s := range m.f.sequence {
		from, ok := m.seqItem(s.input, s, "input_id")
		if !ok {
			continue
		}
		for _, rel := range []struct {
			id, col string
			kind    graph.EdgeKind
		}{{s.goesInto, "goes_into_id", graph.Requires}, {s.typeOf, "is_type_of_id", graph.TypeOf}} {
			if rel.id == "" {
				continue
			}
			to, ok := m.seqItem(rel.id, s, rel.col)
			if !ok {
				continue
			}
			k := s.input + "|" + string(rel.kind) + "|" + rel.id
			if line, dup := seen[k]; dup {
				m.warn(s.pos, rel.col, "duplicate row (same as line %d): ignored", line)
				continue
			}
			seen[k] = s.pos.Line
			e := graph.Edge{From: from, To: to, Kind: rel.kind, Share: graph.NoShare, Sources: []graph.ID{m.release}}
			if rel.kind == graph.Requires {
				e.From, e.To = to, from
			}
			m.b.AddEdge(e, s.pos)
		}
	}
}

func (m *mapper) seqItem(etoID string, s sequence, col string) (graph.ID, bool) {
	if _, ok := m.f.items[etoID]; !ok {
		m.problem(s.pos, col, "unknown input %s (not in %s or %s)", etoID, inputsFile, stagesFile)
		return "", false
	}
	id := m.itemIDs[etoID]
	return id, id != ""
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
