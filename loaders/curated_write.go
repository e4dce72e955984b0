package loaders

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chipgraph/chipgraph/graph"
)

// WriteCurated writes ds into dir (created if needed) as the curated CSV
// files of data/README.md, one file per entry of CuratedFiles, so that
// LoadCurated reads back a dataset equal to ds (same Fingerprint once both
// are canonical). Rows come in ID order, so equal datasets give equal files.
//
// Edges that the format keeps in a column of their node's row
// (HEADQUARTERED_IN, LOCATED_IN, OPERATED_BY, and the first SUBSIDIARY_OF,
// MAKES, TYPE_OF and INSTANCE_OF) go there when they carry exactly the
// node's sources and nothing else; other MAKES, TYPE_OF, INSTANCE_OF and
// SUBSIDIARY_OF edges go to relations.csv.
//
// WriteCurated checks that the round trip holds before writing anything:
// content the format cannot express (a field of another kind of node, a
// list item containing ";", a cell with surrounding white space, a
// HEADQUARTERED_IN edge with its own dates, a SUPPLIES edge without a
// basis, ...) is an error listing every such fact, and no file is written.
// It does not repeat the loader's validation: a dataset with unknown
// references or share totals above MaxShareTotal is written as it is, and
// LoadCurated reports those problems.
func WriteCurated(dir string, ds *graph.Dataset) error {
	files, err := curatedRows(ds)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range curatedFiles {
		if err := writeCSVFile(filepath.Join(dir, f.name), files[f.name]); err != nil {
			return err
		}
	}
	return nil
}

// writeCSVFile writes a header and rows to path.
func writeCSVFile(path string, rows [][]string) (err error) {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(fh, 1<<16)
	w := csv.NewWriter(bw)
	if err := w.WriteAll(rows); err != nil { // WriteAll flushes w
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return bw.Flush()
}

// writeHeaders are the columns WriteCurated writes per file: every column
// the loader accepts, in the order of data/README.md.
var writeHeaders = map[string][]string{
	"sources.csv":   {"id", "title", "publisher", "url", "date", "licence", "grade", "note"},
	"countries.csv": {"id", "name", "aliases", "eto_id", "sources", "note"},
	"firms.csv":     {"id", "name", "aliases", "country", "roles", "parent", "parent_share", "eto_id", "sources", "note"},
	"inputs.csv":    {"id", "name", "type", "aliases", "type_of", "eto_id", "description", "sources", "note"},
	"products.csv":  {"id", "name", "type", "maker", "instance_of", "announced", "specs", "aliases", "sources", "note"},
	"fabs.csv":      {"id", "name", "operator", "country", "location", "nodes", "capacity_wpm", "status", "aliases", "sources", "note"},
	"events.csv": {"id", "name", "date", "effective", "expires", "issuer", "authority", "kind", "reach", "covers_all",
		"citation", "url", "licence_policy", "conditions", "ownership_threshold", "aliases", "sources", "note"},
	"observations.csv": {"id", "name", "route", "evidence", "date", "item", "holder", "suppliers", "despite", "followed_by",
		"valid_from", "valid_to", "quantity", "unit", "aliases", "sources", "note"},
	"requires.csv":  {"item", "requires", "group", "valid_from", "valid_to", "sources", "note"},
	"supplies.csv":  {"supplier", "item", "share", "year", "basis", "valid_from", "valid_to", "sources", "note"},
	"relations.csv": {"from", "type", "to", "node", "share", "valid_from", "valid_to", "sources", "note"},
}

// nodeFile is the file holding nodes of each kind.
var nodeFile = map[graph.NodeKind]string{
	graph.KindSource: "sources.csv", graph.KindCountry: "countries.csv", graph.KindFirm: "firms.csv",
	graph.KindInput: "inputs.csv", graph.KindProduct: "products.csv", graph.KindFab: "fabs.csv",
	graph.KindControlEvent: "events.csv", graph.KindObservation: "observations.csv",
}

// columnEdge says which node row holds an edge kind in a column: the edge's
// From node (or To, for MAKES, which products.csv's maker column writes),
// whether the column takes a list, and whether the edge may go to
// relations.csv instead.
type columnEdge struct {
	col        string
	holderKind graph.NodeKind
	atTo       bool // the holder is the edge's To node
	list       bool
	relations  bool // relations.csv accepts the kind too
}

var columnEdges = map[graph.EdgeKind]columnEdge{
	graph.HeadquarteredIn: {"country", graph.KindFirm, false, false, false},
	graph.SubsidiaryOf:    {"parent", graph.KindFirm, false, false, true},
	graph.TypeOf:          {"type_of", graph.KindInput, false, true, true},
	graph.Makes:           {"maker", graph.KindProduct, true, false, true},
	graph.InstanceOf:      {"instance_of", graph.KindProduct, false, true, true},
	graph.OperatedBy:      {"operator", graph.KindFab, false, false, false},
	graph.LocatedIn:       {"country", graph.KindFab, false, false, false},
	graph.Observes:        {"item", graph.KindObservation, false, false, true},
	graph.ReceivedBy:      {"holder", graph.KindObservation, false, false, true},
	graph.SuppliedBy:      {"suppliers", graph.KindObservation, false, true, true},
	graph.Despite:         {"despite", graph.KindObservation, false, true, true},
	graph.FollowedBy:      {"followed_by", graph.KindObservation, false, true, true},
}

// rowWriter collects the rows of every file and what cannot be written.
type rowWriter struct {
	files    map[string][][]string
	problems []string
}

func (w *rowWriter) problem(format string, args ...any) {
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

// add appends a row to file, with cells by column name.
func (w *rowWriter) add(file string, cells map[string]string) {
	header := writeHeaders[file]
	row := make([]string, len(header))
	for i, c := range header {
		row[i] = cells[c]
	}
	for c := range cells {
		if !slices.Contains(header, c) {
			panic("curated_write: no column " + c + " in " + file)
		}
	}
	w.files[file] = append(w.files[file], row)
}

// curatedRows returns the rows (header first) of every file.
func curatedRows(ds *graph.Dataset) (map[string][][]string, error) {
	w := &rowWriter{files: map[string][][]string{}}
	for name, h := range writeHeaders {
		w.files[name] = [][]string{h}
	}
	nodes := slices.Clone(ds.Nodes)
	slices.SortFunc(nodes, func(a, b graph.Node) int { return cmp.Compare(a.ID, b.ID) })
	edges := slices.Clone(ds.Edges)
	slices.SortFunc(edges, func(a, b graph.Edge) int { return graph.CompareEdges(&a, &b) })

	byID := make(map[graph.ID]*graph.Node, len(nodes))
	for i := range nodes {
		byID[nodes[i].ID] = &nodes[i]
	}
	// Edges held in a column of a node row, by holder and column.
	held := map[graph.ID]map[string][]graph.ID{}
	for i := range edges {
		e := &edges[i]
		ce, isColumn := columnEdges[e.Kind]
		if !isColumn {
			continue
		}
		holderID, other := e.From, e.To
		if ce.atTo {
			holderID, other = e.To, e.From
		}
		holder := byID[holderID]
		fits := holder != nil && holder.Kind == ce.holderKind && plainEdge(e) &&
			slices.Equal(e.Sources, holder.Sources) && (ce.list || len(held[holderID][ce.col]) == 0)
		if fits {
			if held[holderID] == nil {
				held[holderID] = map[string][]graph.ID{}
			}
			held[holderID][ce.col] = append(held[holderID][ce.col], other)
			e.Kind = "" // written
			continue
		}
		if !ce.relations {
			w.problem("%s: a %s edge is written in the %s column of %s and so must be the only one, "+
				"carry exactly the node's sources and nothing else (no dates, note or other fields)",
				describeEdge(*e), e.Kind, ce.col, nodeFile[ce.holderKind])
			e.Kind = ""
		}
	}
	for i := range nodes {
		w.node(&nodes[i], held[nodes[i].ID])
	}
	for i := range edges {
		if edges[i].Kind != "" {
			w.edge(&edges[i])
		}
	}
	if len(w.problems) > 0 {
		const shown = 20
		msg := w.problems
		if len(msg) > shown {
			msg = append(slices.Clip(msg[:shown]), fmt.Sprintf("and %d more", len(w.problems)-shown))
		}
		return nil, errors.New("cannot write the dataset in the curated format:\n  " + strings.Join(msg, "\n  "))
	}
	return w.files, nil
}

// plainEdge reports whether e carries nothing but its ends, kind and
// sources (an unknown share, as every non-SUPPLIES edge has).
func plainEdge(e *graph.Edge) bool {
	if !math.IsNaN(e.Share) {
		return false
	}
	rest := *e
	rest.From, rest.To, rest.Kind, rest.Sources, rest.Share = "", "", "", nil, 0
	return reflect.ValueOf(rest).IsZero()
}

// node writes one node row; cols holds the IDs of its column edges.
func (w *rowWriter) node(n *graph.Node, cols map[string][]graph.ID) {
	file, ok := nodeFile[n.Kind]
	if !ok {
		w.problem("%s: unknown node kind %q", n.ID, n.Kind)
		return
	}
	c := map[string]string{"id": string(n.ID)}
	id := string(n.ID)
	rest := *n // what is left once every written field is cleared: must be zero
	rest.ID, rest.Kind = "", ""
	text := func(col string, p *string) {
		c[col] = w.cell(id, col, *p)
		*p = ""
	}
	ids := func(col string, p *[]graph.ID) {
		c[col] = w.idList(id, col, *p)
		*p = nil
	}
	strs := func(col string, p *[]string) {
		c[col] = w.list(id, col, *p)
		*p = nil
	}
	date := func(col string, p *graph.Date) {
		c[col] = p.String()
		*p = 0
	}
	for col, targets := range cols {
		c[col] = w.idList(id, col, targets)
	}
	switch n.Kind {
	case graph.KindSource:
		text("title", &rest.Name)
		text("publisher", &rest.Publisher)
		text("url", &rest.URL)
		date("date", &rest.Date)
		text("licence", &rest.Licence)
		text("grade", &rest.Grade)
		text("note", &rest.Note)
	default:
		text("name", &rest.Name)
		strs("aliases", &rest.Aliases)
		ids("sources", &rest.Sources)
		text("note", &rest.Note)
		switch n.Kind {
		case graph.KindCountry:
			text("eto_id", &rest.ETOID)
		case graph.KindFirm:
			text("eto_id", &rest.ETOID)
			strs("roles", &rest.Roles)
		case graph.KindInput:
			text("eto_id", &rest.ETOID)
			text("type", &rest.Type)
			text("description", &rest.Description)
		case graph.KindProduct:
			text("type", &rest.Type)
			date("announced", &rest.Announced)
			text("specs", &rest.Specs)
		case graph.KindFab:
			text("location", &rest.Location)
			strs("nodes", &rest.Nodes)
			if rest.CapacityWPM < 0 {
				w.problem("%s: capacity_wpm %d is negative", n.ID, rest.CapacityWPM)
			} else if rest.CapacityWPM > 0 {
				c["capacity_wpm"] = strconv.Itoa(rest.CapacityWPM)
			}
			rest.CapacityWPM = 0
			text("status", &rest.Status)
		case graph.KindControlEvent:
			date("date", &rest.Date)
			date("effective", &rest.Effective)
			date("expires", &rest.Expires)
			c["issuer"] = string(rest.Issuer)
			rest.Issuer = ""
			text("authority", &rest.Authority)
			text("kind", &rest.EventKind)
			text("reach", &rest.Reach)
			if rest.CoversAll {
				c["covers_all"] = "true"
			}
			rest.CoversAll = false
			text("citation", &rest.Citation)
			text("url", &rest.URL)
			text("licence_policy", &rest.LicencePolicy)
			strs("conditions", &rest.Conditions)
			if rest.OwnershipThreshold != 0 {
				c["ownership_threshold"] = strconv.FormatFloat(rest.OwnershipThreshold, 'g', -1, 64)
			}
			rest.OwnershipThreshold = 0
		case graph.KindObservation:
			text("route", &rest.Route)
			text("evidence", &rest.Evidence)
			date("date", &rest.Date)
			date("valid_from", &rest.Effective)
			date("valid_to", &rest.Expires)
			if rest.Quantity != 0 {
				c["quantity"] = strconv.FormatFloat(rest.Quantity, 'g', -1, 64)
			}
			rest.Quantity = 0
			text("unit", &rest.Unit)
		}
	}
	if !reflect.ValueOf(rest).IsZero() {
		w.problem("%s: fields that %s has no column for: %s", n.ID, file, nonZeroFields(rest))
	}
	w.add(file, c)
}

// edge writes an edge to requires.csv, supplies.csv or relations.csv.
func (w *rowWriter) edge(e *graph.Edge) {
	rest := *e
	rest.From, rest.To, rest.Kind = "", "", ""
	id := describeEdge(*e)
	c := map[string]string{}
	c["sources"] = w.idList(id, "sources", rest.Sources)
	c["note"] = w.cell(id, "note", rest.Note)
	c["valid_from"], c["valid_to"] = rest.ValidFrom.String(), rest.ValidTo.String()
	rest.Sources, rest.Note, rest.ValidFrom, rest.ValidTo = nil, "", 0, 0
	var file string
	switch {
	case e.Kind == graph.Requires:
		file = "requires.csv"
		c["item"], c["requires"] = string(e.From), string(e.To)
		c["group"] = w.cell(id, "group", rest.Group)
		rest.Group = ""
	case e.Kind == graph.Supplies:
		file = "supplies.csv"
		c["supplier"], c["item"] = string(e.From), string(e.To)
		if math.IsInf(rest.Share, 0) {
			w.problem("%s: share is infinite", id)
		} else if !math.IsNaN(rest.Share) {
			c["share"] = strconv.FormatFloat(rest.Share, 'g', -1, 64)
		}
		c["year"] = strconv.Itoa(rest.Year)
		if rest.Basis == "" {
			w.problem("%s: a SUPPLIES edge needs a basis (the loader fills a blank one with a default)", id)
		}
		c["basis"] = w.cell(id, "basis", rest.Basis)
		rest.Year, rest.Basis = 0, ""
	case slices.Contains(relationTypes, e.Kind):
		file = "relations.csv"
		c["from"], c["type"], c["to"] = string(e.From), string(e.Kind), string(e.To)
		if e.Kind == graph.FabricatedAt {
			c["node"] = w.cell(id, "node", rest.Node)
			rest.Node = ""
		}
		if e.Kind == graph.SubsidiaryOf && !math.IsNaN(rest.Share) {
			c["share"] = strconv.FormatFloat(rest.Share, 'g', -1, 64)
			rest.Share = math.NaN()
		}
	default:
		w.problem("%s: edge kind %q has no place in the curated format", id, e.Kind)
		return
	}
	if !math.IsNaN(rest.Share) && e.Kind != graph.Supplies {
		w.problem("%s: only SUPPLIES and SUBSIDIARY_OF edges carry a share", id)
	}
	rest.Share = 0
	if !reflect.ValueOf(rest).IsZero() {
		w.problem("%s: fields that %s has no column for: %s", id, file, nonZeroFields(rest))
	}
	w.add(file, c)
}

// cell returns s for a cell, reporting what the loader would not read back
// unchanged: surrounding white space (trimmed) and invalid UTF-8 (replaced).
func (w *rowWriter) cell(id, col, s string) string {
	if strings.TrimSpace(s) != s {
		w.problem("%s: %s %q has leading or trailing white space, which the loader trims", id, col, s)
	}
	if !utf8.ValidString(s) {
		w.problem("%s: %s is not valid UTF-8", id, col)
	}
	return s
}

// list joins a list cell, reporting items the loader would split, trim,
// drop or merge.
func (w *rowWriter) list(id, col string, items []string) string {
	for i, s := range items {
		switch {
		case strings.Contains(s, ";"):
			w.problem("%s: %s item %q contains ';', the list separator", id, col, s)
		case strings.TrimSpace(s) == "":
			w.problem("%s: %s has a blank item", id, col)
		case slices.Contains(items[:i], s):
			w.problem("%s: %s lists %q twice", id, col, s)
		default:
			w.cell(id, col, s)
		}
	}
	return strings.Join(items, ";")
}

func (w *rowWriter) idList(id, col string, ids []graph.ID) string {
	items := make([]string, len(ids))
	for i, x := range ids {
		items[i] = string(x)
	}
	return w.list(id, col, items)
}

// nonZeroFields names the fields of a struct that are not zero.
func nonZeroFields(v any) string {
	rv := reflect.ValueOf(v)
	var names []string
	for i := range rv.NumField() {
		if !rv.Field(i).IsZero() {
			names = append(names, rv.Type().Field(i).Name)
		}
	}
	return strings.Join(names, ", ")
}
