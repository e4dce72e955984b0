package loaders

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
)

// The closed vocabularies of the curated format (data/README.md).
var (
	firmRoles   = []string{"designer", "foundry", "idm", "memory", "equipment", "materials", "eda", "ip", "osat", "systems"}
	inputTypes  = []string{"tool", "material", "process", "design", "ip", "component", "output"}
	fabStatuses = []string{"operating", "construction", "planned", "closed"}
	eventKinds  = []string{"entity-listing", "rule", "licence-requirement", "licence-revocation", "rescission", "counter-control", "unverified-listing", "industry-event", "funding", "servicing-ban",
		graph.KindLicenceGrant, graph.KindSuspension, graph.KindImportBan, graph.KindCustomsBlock, graph.KindBuyerGuidance, graph.KindOwnershipRule, graph.KindTariff}
	sourceGrades  = []string{"primary", "secondary"}
	reaches       = []string{"hq", "fdp"}
	shareBases    = []string{"firm-hq", "country-hq", "capacity", "aggregate"}
	relationTypes = []graph.EdgeKind{graph.FabricatedAt, graph.EquippedWith, graph.Covers, graph.Targets, graph.Exempts,
		graph.Rescinds, graph.Amends, graph.Makes, graph.TypeOf, graph.InstanceOf, graph.SubsidiaryOf, graph.Licenses, graph.Suspends,
		graph.Observes, graph.ReceivedBy, graph.SuppliedBy, graph.Despite, graph.FollowedBy}
	// elsewhere says where the edge kinds that relations.csv does not take are written.
	elsewhere = map[graph.EdgeKind]string{
		graph.HeadquarteredIn: "firms.csv (column country)",
		graph.LocatedIn:       "fabs.csv (column country)",
		graph.OperatedBy:      "fabs.csv (column operator)",
		graph.Requires:        "requires.csv",
		graph.Supplies:        "supplies.csv",
	}
)

// Year bounds for supplies.csv (the same range graph.ParseDate accepts).
const minYear, maxYear = 1900, 2100

// curatedFile describes one file of the curated format: its header and how
// a row becomes nodes and edges. Files are read in this order, so that
// "first defined at" points into the file that defines a kind of node.
type curatedFile struct {
	name               string
	required, optional []string
	row                func(*curatedLoader, *Record)
}

var curatedFiles = []curatedFile{
	{"sources.csv", []string{"id", "title"}, []string{"publisher", "url", "date", "licence", "grade", "note"}, (*curatedLoader).source},
	{"countries.csv", []string{"id", "name", "sources"}, []string{"aliases", "eto_id", "note"}, (*curatedLoader).country},
	{"firms.csv", []string{"id", "name", "sources"}, []string{"aliases", "country", "roles", "parent", "parent_share", "eto_id", "note"}, (*curatedLoader).firm},
	{"inputs.csv", []string{"id", "name", "sources"}, []string{"type", "aliases", "type_of", "eto_id", "description", "note"}, (*curatedLoader).input},
	{"products.csv", []string{"id", "name", "sources"}, []string{"type", "maker", "instance_of", "announced", "specs", "aliases", "note"}, (*curatedLoader).product},
	{"fabs.csv", []string{"id", "name", "sources"}, []string{"operator", "country", "location", "nodes", "capacity_wpm", "status", "aliases", "note"}, (*curatedLoader).fab},
	{"events.csv", []string{"id", "name", "date", "kind", "sources"}, []string{"effective", "expires", "issuer", "authority", "reach", "covers_all", "citation", "url", "licence_policy", "conditions", "ownership_threshold", "aliases", "note"}, (*curatedLoader).event},
	{"observations.csv", []string{"id", "name", "route", "evidence", "date", "item", "holder", "sources"}, []string{"suppliers", "despite", "followed_by", "valid_from", "valid_to", "quantity", "unit", "aliases", "note"}, (*curatedLoader).observation},
	{"requires.csv", []string{"item", "requires", "sources"}, []string{"group", "valid_from", "valid_to", "note"}, (*curatedLoader).requires},
	{"supplies.csv", []string{"supplier", "item", "year", "sources"}, []string{"share", "basis", "valid_from", "valid_to", "note"}, (*curatedLoader).supplies},
	{"relations.csv", []string{"from", "type", "to", "sources"}, []string{"node", "share", "valid_from", "valid_to", "note"}, (*curatedLoader).relation},
}

// CuratedFiles lists the files of the curated format, in the order
// LoadCurated reads them.
func CuratedFiles() []string {
	names := make([]string, len(curatedFiles))
	for i, f := range curatedFiles {
		names[i] = f.name
	}
	return names
}

// LoadCurated reads the curated CSV files (the format of data/README.md)
// from the root of fsys into b. name is the directory as problems should
// show it: with name "data", a problem in firms.csv reads
// "data/firms.csv:12: country: unknown reference country:XXX".
//
// Every file is optional (a directory of additions may hold only a few),
// but a directory with none of them is a problem. Every mistake in the data
// is reported to b as a Problem and reading goes on, so that one run shows
// them all; rows that cannot be understood are skipped. An ID that b
// already holds is a duplicate, also when another curated directory
// defined it. The error is only for files that exist but cannot be read.
func LoadCurated(b *Builder, fsys fs.FS, name string) error {
	fi, err := fs.Stat(fsys, ".")
	switch {
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		b.Report(Problem{Pos: Pos{File: name}, Message: "cannot read directory: " + err.Error()})
		return nil
	case !fi.IsDir():
		b.Report(Problem{Pos: Pos{File: name}, Message: "not a directory (curated data is a directory of CSV files)"})
		return nil
	}
	l := &curatedLoader{b: b}
	found := 0
	for _, f := range curatedFiles {
		l.file = path.Join(name, f.name)
		l.edges = map[string]Pos{}
		opt := CSVOptions{Name: l.file, Required: f.required, Optional: f.optional}
		err := ReadCSV(fsys, f.name, opt, b.Report, func(r *Record) error {
			f.row(l, r)
			return nil
		})
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", l.file, err)
		}
		found++
	}
	if found == 0 {
		b.Report(Problem{Pos: Pos{File: name}, Message: "no curated CSV files found (want " + strings.Join(CuratedFiles(), ", ") + ")"})
	}
	return nil
}

// curatedLoader turns rows into nodes and edges, reporting what is wrong.
type curatedLoader struct {
	b     *Builder
	file  string         // the file being read, as problems name it
	edges map[string]Pos // edges of this file by graph.Edge.Key, to report duplicates
}

func (l *curatedLoader) problem(r *Record, col, format string, args ...any) {
	l.b.Report(r.Problemf(col, format, args...))
}

func (l *curatedLoader) warn(r *Record, col, format string, args ...any) {
	p := r.Problemf(col, format, args...)
	p.Warning = true
	l.b.Report(p)
}

// --- row handlers, one per file ---

func (l *curatedLoader) source(r *Record) {
	id, ok := l.nodeID(r, graph.KindSource)
	if !ok {
		return
	}
	n := graph.Node{
		ID: id, Kind: graph.KindSource, Name: l.text(r, "title", true),
		Publisher: r.Get("publisher"), URL: r.Get("url"), Date: l.date(r, "date", false),
		Licence: r.Get("licence"), Note: r.Get("note"),
	}
	if g := r.Get("grade"); g != "" && l.oneOf(r, "grade", "source grade", g, sourceGrades, true) {
		n.Grade = g
	}
	l.b.AddNode(n, r.Pos())
}

func (l *curatedLoader) country(r *Record) {
	if n, ok := l.node(r, graph.KindCountry); ok {
		l.b.AddNode(n, r.Pos())
	}
}

func (l *curatedLoader) firm(r *Record) {
	n, ok := l.node(r, graph.KindFirm)
	if !ok {
		return
	}
	for _, role := range list(r, "roles") {
		if l.oneOf(r, "roles", "role", role, firmRoles, false) {
			n.Roles = append(n.Roles, role)
		}
	}
	l.b.AddNode(n, r.Pos())
	l.refEdge(r, n, "country", graph.HeadquarteredIn, graph.KindCountry)
	if r.Get("parent") == "" {
		if r.Get("parent_share") != "" {
			l.problem(r, "parent_share", "parent_share without a parent")
		}
		return
	}
	parent, ok := l.ref(r, "parent", false, graph.KindFirm)
	if !ok {
		return
	}
	e := newEdge(n.ID, graph.SubsidiaryOf, parent, n.Sources)
	e.Share = l.share(r, "parent_share")
	l.edge(r, e, "id", "parent")
}

func (l *curatedLoader) input(r *Record) {
	n, ok := l.node(r, graph.KindInput)
	if !ok {
		return
	}
	if t := r.Get("type"); t != "" && l.oneOf(r, "type", "input type", t, inputTypes, false) {
		n.Type = t
	}
	n.Description = r.Get("description")
	l.b.AddNode(n, r.Pos())
	for _, broader := range l.refs(r, "type_of", false, graph.KindInput) {
		l.edge(r, newEdge(n.ID, graph.TypeOf, broader, n.Sources), "id", "type_of")
	}
}

func (l *curatedLoader) product(r *Record) {
	n, ok := l.node(r, graph.KindProduct)
	if !ok {
		return
	}
	n.Type = r.Get("type")
	n.Announced = l.date(r, "announced", false)
	n.Specs = r.Get("specs")
	l.b.AddNode(n, r.Pos())
	if m, _ := l.ref(r, "maker", false, graph.KindFirm); m != "" {
		l.edge(r, newEdge(m, graph.Makes, n.ID, n.Sources), "maker", "id")
	}
	for _, category := range l.refs(r, "instance_of", false, graph.KindInput) {
		l.edge(r, newEdge(n.ID, graph.InstanceOf, category, n.Sources), "id", "instance_of")
	}
}

func (l *curatedLoader) fab(r *Record) {
	n, ok := l.node(r, graph.KindFab)
	if !ok {
		return
	}
	n.Location = r.Get("location")
	n.Nodes = list(r, "nodes")
	if s := r.Get("capacity_wpm"); s != "" {
		switch c, err := strconv.Atoi(s); {
		case err != nil:
			l.problem(r, "capacity_wpm", "capacity_wpm %q is not a whole number", s)
		case c < 0:
			l.problem(r, "capacity_wpm", "capacity_wpm %d is negative", c)
		default:
			n.CapacityWPM = c
		}
	}
	if s := r.Get("status"); s != "" && l.oneOf(r, "status", "status", s, fabStatuses, false) {
		n.Status = s
	}
	l.b.AddNode(n, r.Pos())
	l.refEdge(r, n, "operator", graph.OperatedBy, graph.KindFirm)
	l.refEdge(r, n, "country", graph.LocatedIn, graph.KindCountry)
}

func (l *curatedLoader) event(r *Record) {
	n, ok := l.node(r, graph.KindControlEvent)
	if !ok {
		return
	}
	n.Date = l.date(r, "date", true)
	n.Effective = l.date(r, "effective", false)
	n.Expires = l.date(r, "expires", false)
	if n.Expires != 0 && n.EffectiveDate() != 0 && n.Expires <= n.EffectiveDate() {
		l.problem(r, "expires", "expires %s is not after the effective date %s", n.Expires, n.EffectiveDate())
	}
	n.Issuer, _ = l.ref(r, "issuer", false, graph.KindCountry)
	n.Authority = r.Get("authority")
	if k := r.Get("kind"); k == "" {
		l.problem(r, "kind", "missing required field")
	} else if l.oneOf(r, "kind", "event kind", k, eventKinds, false) {
		n.EventKind = k
	}
	if s := r.Get("reach"); s != "" && l.oneOf(r, "reach", "reach", s, reaches, true) {
		n.Reach = s
	}
	n.CoversAll = l.boolean(r, "covers_all")
	n.Citation = r.Get("citation")
	n.URL = r.Get("url")
	if p := r.Get("licence_policy"); p != "" && l.oneOf(r, "licence_policy", "licence policy", p, graph.LicencePolicies, true) {
		n.LicencePolicy = p
	}
	n.Conditions = list(r, "conditions")
	switch t := l.share(r, "ownership_threshold"); {
	case n.EventKind == graph.KindOwnershipRule && math.IsNaN(t):
		l.problem(r, "ownership_threshold", "an %s needs an ownership threshold (percent)", graph.KindOwnershipRule)
	case n.EventKind != graph.KindOwnershipRule && !math.IsNaN(t):
		l.problem(r, "ownership_threshold", "ownership_threshold applies only to kind %s", graph.KindOwnershipRule)
	case !math.IsNaN(t):
		n.OwnershipThreshold = t
	}
	if n.Reach != "" && n.EventKind != "" && !blocksThroughReach(n.EventKind) {
		l.problem(r, "reach", "an event of kind %s blocks nothing through a reach: leave reach blank", n.EventKind)
	}
	l.b.AddNode(n, r.Pos())
}

// blocksThroughReach reports whether events of a kind may carry a reach:
// the kinds whose meaning is their own (grants, suspensions, buyer-side
// measures, tariffs) may not; an ownership rule reaches as the listings it
// extends.
func blocksThroughReach(kind string) bool {
	switch kind {
	case graph.KindLicenceGrant, graph.KindSuspension, graph.KindImportBan, graph.KindCustomsBlock,
		graph.KindBuyerGuidance, graph.KindTariff:
		return false
	}
	return true
}

// observation reads a row of observations.csv: the node, and its OBSERVES,
// RECEIVED_BY, SUPPLIED_BY, DESPITE and FOLLOWED_BY edges.
func (l *curatedLoader) observation(r *Record) {
	n, ok := l.node(r, graph.KindObservation)
	if !ok {
		return
	}
	if v := r.Get("route"); v != "" && l.oneOf(r, "route", "route", v, graph.ObservationRoutes, false) {
		n.Route = v
	}
	if v := r.Get("evidence"); v != "" && l.oneOf(r, "evidence", "evidence kind", v, graph.EvidenceKinds, false) {
		n.Evidence = v
	}
	n.Date = l.date(r, "date", true)
	n.Effective, n.Expires = l.validity(r)
	if q := r.Get("quantity"); q != "" {
		f, err := strconv.ParseFloat(q, 64)
		if err != nil || !(f > 0) || math.IsInf(f, 0) {
			l.problem(r, "quantity", "quantity %q is not a positive number (blank when the source gives none)", q)
		} else {
			n.Quantity = f
		}
	}
	n.Unit = r.Get("unit")
	if n.Unit != "" && r.Get("quantity") == "" {
		l.problem(r, "unit", "a unit without a quantity")
	}
	l.b.AddNode(n, r.Pos())
	if item, ok := l.ref(r, "item", true, graph.KindProduct, graph.KindInput); ok {
		l.edge(r, newEdge(n.ID, graph.Observes, item, n.Sources), "id", "item")
	}
	if holder, ok := l.ref(r, "holder", true, graph.KindFirm, graph.KindCountry); ok {
		l.edge(r, newEdge(n.ID, graph.ReceivedBy, holder, n.Sources), "id", "holder")
	}
	for _, col := range []struct {
		name  string
		kind  graph.EdgeKind
		kinds []graph.NodeKind
	}{
		{"suppliers", graph.SuppliedBy, []graph.NodeKind{graph.KindFirm, graph.KindFab}},
		{"despite", graph.Despite, []graph.NodeKind{graph.KindControlEvent}},
		{"followed_by", graph.FollowedBy, []graph.NodeKind{graph.KindControlEvent}},
	} {
		for _, to := range l.refs(r, col.name, false, col.kinds...) {
			l.edge(r, newEdge(n.ID, col.kind, to, n.Sources), "id", col.name)
		}
	}
}

func (l *curatedLoader) requires(r *Record) {
	item, ok1 := l.ref(r, "item", true, graph.KindProduct, graph.KindInput)
	needs, ok2 := l.ref(r, "requires", true, graph.KindInput, graph.KindProduct)
	e := newEdge(item, graph.Requires, needs, l.sources(r))
	e.Group = r.Get("group")
	e.ValidFrom, e.ValidTo = l.validity(r)
	e.Note = r.Get("note")
	if ok1 && ok2 {
		l.edge(r, e, "item", "requires")
	}
}

func (l *curatedLoader) supplies(r *Record) {
	supplier, ok1 := l.ref(r, "supplier", true, graph.KindFirm, graph.KindCountry)
	item, ok2 := l.ref(r, "item", true, graph.KindInput, graph.KindProduct)
	e := newEdge(supplier, graph.Supplies, item, l.sources(r))
	e.Share = l.share(r, "share")
	e.Year = l.year(r)
	switch b := r.Get("basis"); {
	case b != "":
		if l.oneOf(r, "basis", "basis", b, shareBases, true) {
			e.Basis = b
		}
	case supplier.Kind() == graph.KindCountry:
		e.Basis = "country-hq"
	default:
		e.Basis = "firm-hq"
	}
	e.ValidFrom, e.ValidTo = l.validity(r)
	e.Note = r.Get("note")
	if ok1 && ok2 {
		l.edge(r, e, "supplier", "item")
	}
}

func (l *curatedLoader) relation(r *Record) {
	kind := graph.EdgeKind(r.Get("type"))
	known := slices.Contains(relationTypes, kind)
	switch where, ok := elsewhere[kind]; {
	case kind == "":
		l.problem(r, "type", "missing required field")
	case ok:
		l.problem(r, "type", "relation type %s belongs in %s", kind, where)
	case !known:
		l.problem(r, "type", "unknown relation type %q (want one of %s)", kind, joinKinds(relationTypes))
	}
	var fromKinds, toKinds []graph.NodeKind
	if known {
		fromKinds, toKinds = graph.Endpoints[kind].From, graph.Endpoints[kind].To
	}
	from, ok1 := l.ref(r, "from", true, fromKinds...)
	to, ok2 := l.ref(r, "to", true, toKinds...)
	e := newEdge(from, kind, to, l.sources(r))
	if node := r.Get("node"); node != "" {
		if kind == graph.FabricatedAt {
			e.Node = node
		} else if known {
			l.warn(r, "node", "node applies only to %s", graph.FabricatedAt)
		}
	}
	if kind == graph.Licenses && ok1 {
		if n := l.b.Node(from); n != nil && n.EventKind != graph.KindLicenceGrant {
			l.problem(r, "from", "%s is a %s event; LICENSES starts at a %s event", from, n.EventKind, graph.KindLicenceGrant)
		}
	}
	if r.Get("share") != "" {
		if kind == graph.SubsidiaryOf {
			e.Share = l.share(r, "share")
		} else if known {
			l.problem(r, "share", "share applies only to %s (ownership percent)", graph.SubsidiaryOf)
		}
	}
	e.ValidFrom, e.ValidTo = l.validity(r)
	e.Note = r.Get("note")
	if known && ok1 && ok2 {
		l.edge(r, e, "from", "to")
	}
}

// --- cells ---

// node reads the columns every node file shares: id, name, aliases,
// eto_id, sources and note. It returns false if the row defines no usable
// node (its ID is missing, malformed, of another kind or a duplicate).
func (l *curatedLoader) node(r *Record, kind graph.NodeKind) (graph.Node, bool) {
	id, ok := l.nodeID(r, kind)
	if !ok {
		return graph.Node{}, false
	}
	n := graph.Node{
		ID: id, Kind: kind, Name: l.text(r, "name", true), Aliases: list(r, "aliases"),
		Sources: l.sources(r), Note: r.Get("note"),
	}
	if eto := r.Get("eto_id"); eto != "" {
		if other, taken := l.b.ByETOID(eto); taken {
			at, _ := l.b.NodePos(other)
			l.problem(r, "eto_id", "eto_id %s is already used by %s (%s)", eto, other, at)
		} else {
			n.ETOID = eto
		}
	}
	return n, true
}

// nodeID reads the row's own ID from the id column.
func (l *curatedLoader) nodeID(r *Record, kind graph.NodeKind) (graph.ID, bool) {
	id, ok := l.ref(r, "id", true, kind)
	if !ok {
		return "", false
	}
	if at, dup := l.b.NodePos(id); dup {
		l.problem(r, "id", "duplicate id %s (first defined at %s)", id, at)
		return "", false
	}
	return id, true
}

// ref reads a cell holding one ID of one of the given kinds (any kind if
// none are given). A blank cell gives "" and true unless required.
// refEdge adds the edge n -k-> the node named in the optional column col
// (of kind target), citing n's sources; nothing if the column is empty.
func (l *curatedLoader) refEdge(r *Record, n graph.Node, col string, k graph.EdgeKind, targets ...graph.NodeKind) {
	if to, _ := l.ref(r, col, false, targets...); to != "" {
		l.edge(r, newEdge(n.ID, k, to, n.Sources), "id", col)
	}
}

func (l *curatedLoader) ref(r *Record, col string, required bool, kinds ...graph.NodeKind) (graph.ID, bool) {
	s := r.Get(col)
	if s == "" {
		if required {
			l.problem(r, col, "missing required field")
			return "", false
		}
		return "", true
	}
	return l.parseRef(r, col, s, kinds)
}

// refs reads a ;-separated list of IDs; bad ones are reported and left out.
func (l *curatedLoader) refs(r *Record, col string, required bool, kinds ...graph.NodeKind) []graph.ID {
	cells := list(r, col)
	if len(cells) == 0 && required {
		l.problem(r, col, "missing required field")
	}
	var ids []graph.ID
	for _, s := range cells {
		if id, ok := l.parseRef(r, col, s, kinds); ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

func (l *curatedLoader) parseRef(r *Record, col, s string, kinds []graph.NodeKind) (graph.ID, bool) {
	id, err := graph.ParseID(s)
	if err != nil {
		l.problem(r, col, "%v", err)
		return "", false
	}
	if len(kinds) > 0 && !slices.Contains(kinds, id.Kind()) {
		l.problem(r, col, "want %s ID, got %s", describeKinds(kinds), id)
		return "", false
	}
	return id, true
}

// sources reads the sources column that every row must fill.
func (l *curatedLoader) sources(r *Record) []graph.ID {
	return l.refs(r, "sources", true, graph.KindSource)
}

func (l *curatedLoader) text(r *Record, col string, required bool) string {
	s := r.Get(col)
	if s == "" && required {
		l.problem(r, col, "missing required field")
	}
	return s
}

func (l *curatedLoader) date(r *Record, col string, required bool) graph.Date {
	s := r.Get(col)
	if s == "" {
		if required {
			l.problem(r, col, "missing required field")
		}
		return 0
	}
	d, err := parseDate(s)
	if err != nil {
		l.problem(r, col, "%v", err)
	}
	return d
}

// validity reads valid_from and valid_to; valid_to is exclusive, so it
// must come after valid_from.
func (l *curatedLoader) validity(r *Record) (from, to graph.Date) {
	from, to = l.date(r, "valid_from", false), l.date(r, "valid_to", false)
	switch {
	case from == 0 || to == 0:
	case to < from:
		l.problem(r, "valid_to", "valid_to %s is before valid_from %s", to, from)
	case to == from:
		l.problem(r, "valid_to", "valid_to equals valid_from: valid_to is the first day the fact no longer holds, so it would never hold")
	}
	return from, to
}

func (l *curatedLoader) share(r *Record, col string) float64 {
	s := r.Get(col)
	if s == "" {
		return graph.NoShare
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		l.problem(r, col, "%s %q is not a number (write percent as a plain number, e.g. 45.5)", col, s)
	case f < 0 || f > 100:
		l.problem(r, col, "%s %s is outside 0-100", col, s)
	default:
		return f
	}
	return graph.NoShare
}

func (l *curatedLoader) year(r *Record) int {
	s := r.Get("year")
	if s == "" {
		l.problem(r, "year", "missing required field")
		return 0
	}
	y, err := strconv.Atoi(s)
	switch {
	case err != nil:
		l.problem(r, "year", "year %q is not a whole number", s)
	case y < minYear || y > maxYear:
		l.problem(r, "year", "year %d is out of range %d-%d", y, minYear, maxYear)
	default:
		return y
	}
	return 0
}

func (l *curatedLoader) boolean(r *Record, col string) bool {
	switch s := r.Get(col); strings.ToLower(s) {
	case "", "false":
		return false
	case "true":
		return true
	default:
		l.problem(r, col, "bad boolean %q: want true or false", s)
		return false
	}
}

// oneOf reports whether v is one of allowed, reporting it if not. what
// names the vocabulary in the message; blankOK says that a blank cell is
// meaningful too.
func (l *curatedLoader) oneOf(r *Record, col, what, v string, allowed []string, blankOK bool) bool {
	if slices.Contains(allowed, v) {
		return true
	}
	want := strings.Join(allowed, ", ")
	if blankOK {
		want += ", or blank"
	}
	l.problem(r, col, "unknown %s %q (want one of %s)", what, v, want)
	return false
}

// edge adds e, unless this file already had the same fact.
func (l *curatedLoader) edge(r *Record, e graph.Edge, fromCol, toCol string) {
	k := e.Key()
	if at, dup := l.edges[k]; dup {
		l.problem(r, "", "duplicate edge %s (first at %s)", describeEdge(e), at)
		return
	}
	l.edges[k] = r.Pos()
	l.b.AddEdgeColumns(e, r.Pos(), fromCol, toCol)
}

// --- helpers ---

// newEdge returns an edge without a share (graph.NoShare, not 0: a zero
// share is a fact, a missing one is not).
func newEdge(from graph.ID, kind graph.EdgeKind, to graph.ID, sources []graph.ID) graph.Edge {
	return graph.Edge{From: from, Kind: kind, To: to, Sources: sources, Share: graph.NoShare}
}

// list splits a ;-separated cell into its trimmed, non-blank items, each
// once.
func list(r *Record, col string) []string {
	var out []string
	for _, s := range strings.Split(r.Get(col), ";") {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// parseDate is graph.ParseDate with a clearer message for a well-formed but
// impossible date such as 2023-02-30.
func parseDate(s string) (graph.Date, error) {
	d, err := graph.ParseDate(s)
	if err == nil {
		return d, nil
	}
	if dateShaped(s) {
		if y, _ := strconv.Atoi(s[:4]); y >= minYear && y <= maxYear {
			return 0, fmt.Errorf("impossible date %q", s)
		}
	}
	return 0, err
}

func dateShaped(s string) bool {
	if len(s) != len("2006-01-02") {
		return false
	}
	for i := range len(s) {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// describeKinds names node kinds for a message: "a firm", "an input or product".
func describeKinds(kinds []graph.NodeKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	s := names[0]
	if len(names) > 1 {
		s = strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	}
	if strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

func describeEdge(e graph.Edge) string {
	s := fmt.Sprintf("%s %s %s", e.From, e.Kind, e.To)
	if e.Kind == graph.Supplies {
		s += fmt.Sprintf(" in %d", e.Year)
	}
	return s
}

func joinKinds(kinds []graph.EdgeKind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
