package bench

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/neo4jstore"
	"github.com/chipgraph/chipgraph/loaders"
	"github.com/chipgraph/chipgraph/schema"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Ingest compares our loader with LOAD CSV on the same files.
type Ingest struct {
	// Ours is neo4jstore.Write of the dataset read from the CSV files;
	// ParseSeconds is the reading and validating (loaders.Load) before it,
	// which its rates leave out and TotalSeconds of Ours includes.
	Ours         Loader  `json:"ours"`
	ParseSeconds float64 `json:"parseSeconds"`
	// LoadCSV is Neo4j's LOAD CSV with CALL { ... } IN TRANSACTIONS OF
	// BatchSize ROWS over the same files; nil if skipped.
	LoadCSV   *Loader `json:"loadCsv,omitempty"`
	BatchSize int     `json:"batchSize"`
	CSVBytes  int64   `json:"csvBytes"`
}

// Loader is one way of loading the dataset into an empty database that
// has the constraints of schema/*.cypher.
type Loader struct {
	Nodes int `json:"nodes"`
	Rels  int `json:"rels"`
	// NodeSeconds runs from the start (schema statements included) to the
	// last node written; RelSeconds from there to the last relationship;
	// TotalSeconds to the end (for ours: commit and cleanup, and the
	// parse).
	NodeSeconds  float64 `json:"nodeSeconds"`
	RelSeconds   float64 `json:"relSeconds"`
	TotalSeconds float64 `json:"totalSeconds"`
	NodesPerSec  float64 `json:"nodesPerSec"`
	RelsPerSec   float64 `json:"relsPerSec"`
}

func (l *Loader) rates() {
	if l.NodeSeconds > 0 {
		l.NodesPerSec = float64(l.Nodes) / l.NodeSeconds
	}
	if l.RelSeconds > 0 {
		l.RelsPerSec = float64(l.Rels) / l.RelSeconds
	}
}

type ingester struct {
	cfg    Config
	driver neo4j.DriverWithContext
	notes  []string
	dir    string // where the CSV files are, as this process sees it
	url    func(file string) string
}

// run writes ds as CSV files where the server can read them, warms both
// loaders up on the bundled dataset, then loads with LOAD CSV (unless
// skipped) and with ours, each into a wiped database. Our load is left in
// place for the queries.
func (in *ingester) run(ctx context.Context, ds *graph.Dataset) (*Ingest, error) {
	cfg := in.cfg
	batch := cmp.Or(cfg.Neo4j.BatchSize, neo4jstore.DefaultBatchSize)
	res := &Ingest{BatchSize: batch}
	db := cfg.Neo4j.Database

	root, err := in.importDir(ctx)
	if err != nil {
		return nil, err
	}
	in.dir = filepath.Join(root, "chipgraph-bench")
	warmDir := filepath.Join(in.dir, "warm-up")
	dataDir := filepath.Join(in.dir, "data")
	if err := os.RemoveAll(in.dir); err != nil {
		return nil, err
	}
	defer os.RemoveAll(in.dir)
	cfg.Log("writing CSV files to %s", dataDir)
	if err := loaders.WriteCurated(dataDir, ds); err != nil {
		return nil, err
	}
	nodes, rels := len(ds.Nodes), len(ds.Edges)
	ds = nil //nolint:ineffassign // from here on the dataset is read back from the files
	res.CSVBytes = dirSize(dataDir)
	bundled, _, err := loaders.Load(ctx, nil, loaders.Options{})
	if err != nil {
		return nil, err
	}
	if err := loaders.WriteCurated(warmDir, bundled); err != nil {
		return nil, err
	}
	if in.url, err = in.fileURLs(ctx, root); err != nil {
		return nil, err
	}

	// Warm-up (JIT, page cache, query plans), not measured.
	cfg.Log("warming up both loaders on the bundled dataset")
	if err := wipe(ctx, in.driver, db); err != nil {
		return nil, err
	}
	if !cfg.Skip[PartLoadCSV] {
		if _, err := in.loadCSV(ctx, warmDir, batch); err != nil {
			return nil, fmt.Errorf("LOAD CSV: %w", err)
		}
		if err := wipe(ctx, in.driver, db); err != nil {
			return nil, err
		}
	}
	warmData, _, err := loaders.Load(ctx, []loaders.Spec{{Kind: "curated", Path: warmDir}}, loaders.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := in.write(ctx, warmData, batch); err != nil {
		return nil, err
	}
	if err := in.warmSnapshot(ctx); err != nil {
		return nil, err
	}

	// Our loader reads and checks the files first (timed), so that data
	// it would refuse fails the run before the long LOAD CSV pass.
	t0 := time.Now()
	parsed, _, err := loaders.Load(ctx, []loaders.Spec{{Kind: "curated", Path: dataDir}}, loaders.Options{})
	if err != nil {
		return nil, fmt.Errorf("reading back %s: %w", dataDir, err)
	}
	parse := time.Since(t0).Seconds()

	if !cfg.Skip[PartLoadCSV] {
		if err := wipe(ctx, in.driver, db); err != nil {
			return nil, err
		}
		cfg.Log("LOAD CSV: loading %d nodes, %d relationships", nodes, rels)
		l, err := in.loadCSV(ctx, dataDir, batch)
		if err != nil {
			return nil, fmt.Errorf("LOAD CSV: %w", err)
		}
		l.Nodes, l.Rels = nodes, rels
		l.rates()
		res.LoadCSV = l
		cfg.Log("LOAD CSV: %.0f nodes/s, %.0f rels/s, %.1fs", l.NodesPerSec, l.RelsPerSec, l.TotalSeconds)
		in.checkCounts(ctx, nodes, rels, "LOAD CSV")
	}
	if err := wipe(ctx, in.driver, db); err != nil {
		return nil, err
	}
	cfg.Log("our loader: loading %d nodes, %d relationships", nodes, rels)
	l, err := in.write(ctx, parsed, batch)
	if err != nil {
		return nil, err
	}
	l.TotalSeconds += parse
	l.rates()
	res.Ours, res.ParseSeconds = *l, parse
	cfg.Log("our loader: %.0f nodes/s, %.0f rels/s, %.1fs (parse %.1fs)", l.NodesPerSec, l.RelsPerSec, l.TotalSeconds, parse)
	in.checkCounts(ctx, nodes, rels, "our loader")
	return res, nil
}

// write loads ds with neo4jstore.Write; TotalSeconds is the Write's.
func (in *ingester) write(ctx context.Context, ds *graph.Dataset, batch int) (*Loader, error) {
	store, err := neo4jstore.Open(ctx, in.cfg.Neo4j)
	if err != nil {
		return nil, err
	}
	defer store.Close(context.WithoutCancel(ctx))
	var nodesEnd, edgesEnd time.Time
	progress := func(p graph.Progress) {
		switch p.Phase {
		case "nodes":
			nodesEnd = time.Now()
		case "edges":
			edgesEnd = time.Now()
		}
	}
	start := time.Now()
	if _, err := store.Write(ctx, ds, graph.WriteOptions{BatchSize: batch, Progress: progress}); err != nil {
		return nil, fmt.Errorf("our loader: %w", err)
	}
	end := time.Now()
	if nodesEnd.IsZero() {
		nodesEnd = start
	}
	if edgesEnd.IsZero() {
		edgesEnd = nodesEnd
	}
	return &Loader{Nodes: len(ds.Nodes), Rels: len(ds.Edges), NodeSeconds: nodesEnd.Sub(start).Seconds(),
		RelSeconds: edgesEnd.Sub(nodesEnd).Seconds(), TotalSeconds: end.Sub(start).Seconds()}, nil
}

// warmSnapshot reads the warm-up load back once, so that the measured
// snapshot build does not pay for planning its queries.
func (in *ingester) warmSnapshot(ctx context.Context) error {
	store, err := neo4jstore.Open(ctx, in.cfg.Neo4j)
	if err != nil {
		return err
	}
	defer store.Close(context.WithoutCancel(ctx))
	_, err = store.Snapshot(ctx)
	return err
}

// loadCSV runs the LOAD CSV statements over the files in dir: the schema,
// every node file, then every relationship.
func (in *ingester) loadCSV(ctx context.Context, dir string, batch int) (*Loader, error) {
	db := in.cfg.Neo4j.Database
	start := time.Now()
	stmts, err := schema.CypherStatements()
	if err != nil {
		return nil, err
	}
	for _, s := range stmts {
		if _, err := query(ctx, in.driver, db, s, nil); err != nil {
			return nil, fmt.Errorf("schema: %w", err)
		}
	}
	rel, err := filepath.Rel(in.dir, dir)
	if err != nil {
		return nil, err
	}
	run := func(st loadStatement) error {
		params := map[string]any{"url": in.url(filepath.ToSlash(filepath.Join(rel, st.file))), "batch": int64(batch)}
		if err := autoCommit(ctx, in.driver, db, st.cypher(), params); err != nil {
			return fmt.Errorf("%s (%s): %w", st.file, st.what, err)
		}
		return nil
	}
	for _, st := range loadCSVNodes {
		if err := run(st); err != nil {
			return nil, err
		}
	}
	nodesEnd := time.Now()
	for _, st := range loadCSVRels {
		if err := run(st); err != nil {
			return nil, err
		}
	}
	end := time.Now()
	return &Loader{NodeSeconds: nodesEnd.Sub(start).Seconds(), RelSeconds: end.Sub(nodesEnd).Seconds(),
		TotalSeconds: end.Sub(start).Seconds()}, nil
}

// checkCounts notes a load that did not write what the dataset holds.
func (in *ingester) checkCounts(ctx context.Context, nodes, rels int, who string) {
	db := in.cfg.Neo4j.Database
	labels := make([]string, len(graph.NodeKinds))
	for i, k := range graph.NodeKinds {
		labels[i] = "n:" + k.Label()
	}
	recs, err := query(ctx, in.driver, db, "MATCH (n) WHERE "+strings.Join(labels, " OR ")+
		" RETURN count(n) AS n, sum(COUNT { (n)-->() }) AS r", nil)
	if err != nil {
		in.notes = append(in.notes, fmt.Sprintf("%s: counting what was loaded failed: %v", who, err))
		return
	}
	gotN, gotR := recs[0].Values[0].(int64), recs[0].Values[1].(int64)
	if gotN != int64(nodes) || gotR != int64(rels) {
		in.notes = append(in.notes, fmt.Sprintf("%s loaded %d nodes and %d relationships, want %d and %d",
			who, gotN, gotR, nodes, rels))
	}
}

// importDir returns the directory LOAD CSV reads from: Config.ImportDir, or
// the server's server.directories.import.
func (in *ingester) importDir(ctx context.Context) (string, error) {
	if in.cfg.ImportDir != "" {
		return filepath.Abs(in.cfg.ImportDir)
	}
	recs, err := query(ctx, in.driver, in.cfg.Neo4j.Database,
		"SHOW SETTINGS YIELD name, value WHERE name = 'server.directories.import' RETURN value", nil)
	if err != nil || len(recs) == 0 {
		return "", fmt.Errorf("cannot ask Neo4j for its import directory (server.directories.import): %v; give --import-dir", err)
	}
	dir, _ := recs[0].Values[0].(string)
	if dir == "" {
		return "", fmt.Errorf("neo4j has no import directory (server.directories.import); give --import-dir")
	}
	return dir, nil
}

// fileURLs finds how the server names a file in the bench directory: file
// URLs are relative to the import directory when it is configured, and
// absolute otherwise.
func (in *ingester) fileURLs(ctx context.Context, root string) (func(string) string, error) {
	forms := []func(string) string{
		func(f string) string { return "file:///chipgraph-bench/" + f },
		func(f string) string { return "file://" + filepath.ToSlash(filepath.Join(in.dir, f)) },
	}
	var errs []string
	for _, form := range forms {
		_, err := query(ctx, in.driver, in.cfg.Neo4j.Database, "LOAD CSV FROM $url AS row RETURN count(row) AS n",
			map[string]any{"url": form("warm-up/sources.csv")})
		if err == nil {
			return form, nil
		}
		errs = append(errs, err.Error())
	}
	return nil, fmt.Errorf("neo4j cannot read the CSV files written to %s (LOAD CSV needs them in its import directory "+
		"and dbms.security.allow_csv_import_from_file_urls=true): %s", root, strings.Join(errs, "; "))
}

func dirSize(dir string) int64 {
	var n int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// loadStatement is one LOAD CSV pass over one file.
type loadStatement struct {
	file  string
	what  string
	where string // a condition on row, "" for none
	body  string // the subquery run per row; row is in scope
}

func (s loadStatement) cypher() string {
	q := "LOAD CSV WITH HEADERS FROM $url AS row\n"
	if s.where != "" {
		q += "WITH row WHERE " + s.where + "\n"
	}
	return q + "CALL (row) {\n" + s.body + "\n} IN TRANSACTIONS OF $batch ROWS"
}

// nodeSet returns the SET clause of the columns every node file but
// sources.csv shares, with etoId for the files that have it.
func nodeSet(label string, eto bool) string {
	s := "MERGE (n:" + label + " {id: row.id})\nSET n.name = row.name, n.aliases = split(row.aliases, ';'), " +
		"n.sources = split(row.sources, ';'), n.note = row.note"
	if eto {
		s += ", n.etoId = row.eto_id"
	}
	return s
}

// The LOAD CSV statements: the properties are those neo4jstore writes
// (graph/neo4jstore/encode.go), without its load bookkeeping. An empty cell
// is null in LOAD CSV, and split(), date(), toInteger() of null are null, so
// blank cells set no property, as in neo4jstore.
var loadCSVNodes = []loadStatement{
	{file: "sources.csv", what: "Source", body: "MERGE (n:Source {id: row.id})\n" +
		"SET n.name = row.title, n.publisher = row.publisher, n.url = row.url, n.date = date(row.date), " +
		"n.licence = row.licence, n.note = row.note"},
	{file: "countries.csv", what: "Country", body: nodeSet("Country", true)},
	{file: "firms.csv", what: "Firm", body: nodeSet("Firm", true) + ", n.roles = split(row.roles, ';')"},
	{file: "inputs.csv", what: "Input", body: nodeSet("Input", true) + ", n.type = row.type, n.description = row.description"},
	{file: "products.csv", what: "Product", body: nodeSet("Product", false) +
		", n.type = row.type, n.announced = date(row.announced), n.specs = row.specs"},
	{file: "fabs.csv", what: "Fab", body: nodeSet("Fab", false) + ", n.location = row.location, " +
		"n.nodes = split(row.nodes, ';'), n.capacityWpm = toInteger(row.capacity_wpm), n.status = row.status"},
	{file: "events.csv", what: "ControlEvent", body: nodeSet("ControlEvent", false) + ", n.date = date(row.date), " +
		"n.effective = date(row.effective), n.expires = date(row.expires), n.issuer = row.issuer, " +
		"n.authority = row.authority, n.eventKind = row.kind, n.reach = row.reach, " +
		"n.coversAll = CASE row.covers_all WHEN 'true' THEN true END, n.citation = row.citation, n.url = row.url"},
}

var loadCSVRels = []loadStatement{
	columnRel("firms.csv", "country", "Firm", graph.HeadquarteredIn, "Country", false),
	columnRel("firms.csv", "parent", "Firm", graph.SubsidiaryOf, "Firm", false),
	columnRel("inputs.csv", "type_of", "Input", graph.TypeOf, "Input", true),
	{file: "products.csv", what: "MAKES", where: "row.maker IS NOT NULL", body: "MATCH (a:Firm {id: row.maker})\n" +
		"MATCH (b:Product {id: row.id})\nMERGE (a)-[r:MAKES]->(b)\nSET r.sources = split(row.sources, ';')"},
	columnRel("products.csv", "instance_of", "Product", graph.InstanceOf, "Input", true),
	columnRel("fabs.csv", "operator", "Fab", graph.OperatedBy, "Firm", false),
	columnRel("fabs.csv", "country", "Fab", graph.LocatedIn, "Country", false),
	{file: "requires.csv", what: "REQUIRES", body: endpoint("a", "item", graph.Endpoints[graph.Requires].From) +
		endpoint("b", "requires", graph.Endpoints[graph.Requires].To) +
		"MERGE (a)-[r:REQUIRES]->(b)\nSET r.group = row.group, r.validFrom = date(row.valid_from), " +
		"r.validTo = date(row.valid_to), r.sources = split(row.sources, ';'), r.note = row.note"},
	{file: "supplies.csv", what: "SUPPLIES", body: endpoint("a", "supplier", graph.Endpoints[graph.Supplies].From) +
		endpoint("b", "item", graph.Endpoints[graph.Supplies].To) +
		"MERGE (a)-[r:SUPPLIES {year: toInteger(row.year)}]->(b)\nSET r.share = toFloat(row.share), r.basis = row.basis, " +
		"r.validFrom = date(row.valid_from), r.validTo = date(row.valid_to), r.sources = split(row.sources, ';'), r.note = row.note"},
	{file: "relations.csv", what: "relations", body: endpoint("a", "from", relationKinds(true)) +
		endpoint("b", "to", relationKinds(false)) +
		"MERGE (a)-[r:$(row.type)]->(b)\nSET r.node = row.node, r.validFrom = date(row.valid_from), " +
		"r.validTo = date(row.valid_to), r.sources = split(row.sources, ';'), r.note = row.note"},
}

// columnRel is the pass that turns a column of a node file into
// relationships (a ;-list when list is set).
func columnRel(file, col, fromLabel string, kind graph.EdgeKind, toLabel string, list bool) loadStatement {
	st := loadStatement{file: file, what: string(kind), where: "row." + col + " IS NOT NULL"}
	if list {
		st.body = "MATCH (a:" + fromLabel + " {id: row.id})\nUNWIND split(row." + col + ", ';') AS to\n" +
			"MATCH (b:" + toLabel + " {id: to})\n"
	} else {
		st.body = "MATCH (a:" + fromLabel + " {id: row.id})\nMATCH (b:" + toLabel + " {id: row." + col + "})\n"
	}
	st.body += "MERGE (a)-[r:" + string(kind) + "]->(b)\nSET r.sources = split(row.sources, ';')"
	return st
}

// endpoint matches variable v to the node whose ID is in column col, whose
// kind is one of kinds: an index seek on the label its ID prefix names.
func endpoint(v, col string, kinds []graph.NodeKind) string {
	if len(kinds) == 1 {
		return "MATCH (" + v + ":" + kinds[0].Label() + " {id: row." + col + "})\n"
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = "  MATCH (" + v + ":" + k.Label() + " {id: row." + col + "}) WHERE row." + col +
			" STARTS WITH '" + string(k) + ":' RETURN " + v
	}
	return "CALL (row) {\n" + strings.Join(parts, "\n  UNION\n") + "\n}\n"
}

// relationKinds lists the node kinds relations.csv rows may start (from) or
// end at.
func relationKinds(from bool) []graph.NodeKind {
	var kinds []graph.NodeKind
	for _, k := range graph.NodeKinds {
		for _, ek := range []graph.EdgeKind{graph.FabricatedAt, graph.EquippedWith, graph.Covers, graph.Targets,
			graph.Exempts, graph.Rescinds, graph.Amends, graph.Makes, graph.TypeOf, graph.InstanceOf, graph.SubsidiaryOf} {
			ends := graph.Endpoints[ek].To
			if from {
				ends = graph.Endpoints[ek].From
			}
			if containsKind(ends, k) && !containsKind(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	return kinds
}

func containsKind(ks []graph.NodeKind, k graph.NodeKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
