package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// A question of the benchmark, asked three ways: GraphQL to chipgraph,
// raw Cypher through the Go driver (the floor), and GraphQL to the peer,
// whose @cypher fields run the very same Cypher.
type question struct {
	name, title string
	graphql     string // against schema/*.graphqls
	peer        string // against bench/peer's schema
	cypher      string // returns rows of one column, "row"; the peer's statement too
	field       string // the root field the peer's schema gives the statement to
}

// vis is the Cypher test that relationship r holds at asOf (validFrom
// inclusive, validTo exclusive, open bounds unset), as graph.Within.
func vis(r string) string {
	return "(" + r + ".validFrom IS NULL OR " + r + ".validFrom <= asOf) AND (" + r + ".validTo IS NULL OR " + r + ".validTo > asOf)"
}

// depEdges are the dependency edges walked forward (analysis package
// comment); MAKES and SUPPLIES are walked backward, to the firm or country
// that makes or supplies an item, and end the walk there.
const depEdges = "REQUIRES|INSTANCE_OF|TYPE_OF|FABRICATED_AT|EQUIPPED_WITH"

// Q1: the upstream closure of a product to depth 8, with the tier of every
// item. Items are reached along the forward dependency edges (a breadth-
// first ANY SHORTEST search gives each its tier); the firms and countries
// that make or supply an item of tier t < 8 (or the product itself) are at
// tier t+1. That is analysis.Upstream for a product.
var q1 = question{
	name: "Q1", title: "upstream closure", field: "upstream",
	graphql: `query Q1($of: ID!, $asOf: Date) { upstream(of: $of, maxDepth: 8, asOf: $asOf) { node { id } tier } }`,
	peer:    `query Q1($of: ID!, $asOf: String!) { upstream(of: $of, maxDepth: 8, asOf: $asOf) { id tier } }`,
	cypher: `WITH date($asOf) AS asOf
MATCH (root:Product {id: $of})
CALL (root, asOf) {
  MATCH p = ANY SHORTEST (root)(()-[r:` + depEdges + ` WHERE ` + vis("r") + `]->()){1,8}(x)
  RETURN collect({n: x, tier: length(p)}) AS items
}
CALL (root, asOf, items) {
  UNWIND [{n: root, tier: 0}] + items AS it
  WITH it.n AS n, it.tier AS t WHERE t < 8
  MATCH (n)<-[s:MAKES|SUPPLIES]-(f)
  WHERE ` + vis("s") + `
  WITH f, min(t) + 1 AS tier
  RETURN collect({n: f, tier: tier}) AS firms
}
UNWIND items + firms AS it
RETURN {id: it.n.id, tier: it.tier} AS row`,
}

// Q2: the 5 shortest dependency paths from a product to an input, at most
// 8 edges long (SHORTEST 5 over the forward dependency edges: paths to an
// input never pass through a firm). analysis.DependencyPaths with k = 5.
var q2 = question{
	name: "Q2", title: "k=5 dependency paths", field: "dependencyPaths",
	graphql: `query Q2($from: ID!, $to: ID!, $asOf: Date) { dependencyPaths(from: $from, to: $to, maxDepth: 8, first: 5, asOf: $asOf) { length nodes { id } } }`,
	peer:    `query Q2($from: ID!, $to: ID!, $asOf: String!) { dependencyPaths(from: $from, to: $to, maxDepth: 8, first: 5, asOf: $asOf) { length nodes } }`,
	cypher: `WITH date($asOf) AS asOf
MATCH (a:Product {id: $from})
MATCH (b:Input {id: $to})
MATCH p = SHORTEST 5 (a)(()-[r:` + depEdges + ` WHERE ` + vis("r") + `]->()){1,8}(b)
WITH p ORDER BY length(p)
RETURN {nodes: [n IN nodes(p) | n.id], length: length(p)} AS row`,
}

// Q3: the 20 top chokepoints upstream of a product. An approximation of
// analysis.Chokepoints (see bench/PERFORMANCE.md): inputs upstream of the
// product (ANY SHORTEST, depth 20); per input, from each supplier's latest
// SUPPLIES row of a year up to asOf's: the firm HHI (basis firm-hq), the
// country HHI (basis country-hq), the top firm share and the number of
// firms; d = the items that REQUIRE it directly (not transitively),
// x = those among them without an OR-group; k = 1 if an active control
// covers it directly. score = max(HHI) / 10,000 × ln(1 + d) × x / d ×
// (1 + 0.5 k), 0 when d = 0, as analysis.ScoreFormula but with direct
// dependents, the known shares only (no estimate for suppliers without a
// share) and no one-supply OR-groups.
var q3 = question{
	name: "Q3", title: "chokepoints of a product", field: "chokepoints",
	graphql: `query Q3($of: ID, $asOf: Date) { chokepoints(of: $of, asOf: $asOf, first: 20) { input { id } hhi topShare supplierCount dependents score } }`,
	peer:    `query Q3($of: ID!, $asOf: String!) { chokepoints(of: $of, first: 20, asOf: $asOf) { input hhi topShare supplierCount dependents score } }`,
	cypher: `WITH date($asOf) AS asOf
MATCH (root:Product {id: $of})
CALL (root, asOf) {
  MATCH p = ANY SHORTEST (root)(()-[r:` + depEdges + ` WHERE ` + vis("r") + `]->()){1,20}(x:Input)
  RETURN DISTINCT x
}
CALL (x, asOf) {
  OPTIONAL MATCH (x)<-[s:SUPPLIES]-(f:Firm)
  WHERE s.year <= asOf.year AND s.basis = 'firm-hq' AND ` + vis("s") + `
  WITH f, s ORDER BY s.year DESC
  WITH f, collect(s)[0] AS s
  RETURN count(f) AS suppliers, sum(s.share * s.share) AS firmHHI, max(s.share) AS topShare
}
CALL (x, asOf) {
  OPTIONAL MATCH (x)<-[s:SUPPLIES]-(c:Country)
  WHERE s.year <= asOf.year AND s.basis = 'country-hq' AND ` + vis("s") + `
  WITH c, s ORDER BY s.year DESC
  WITH c, collect(s)[0] AS s
  RETURN sum(s.share * s.share) AS countryHHI
}
WITH x, suppliers, firmHHI, countryHHI, topShare, asOf,
     COUNT { (x)<-[q:REQUIRES]-() WHERE ` + vis("q") + ` } AS d,
     COUNT { (x)<-[q:REQUIRES]-() WHERE q.group IS NULL AND ` + vis("q") + ` } AS mandatory,
     CASE WHEN EXISTS {
       (e:ControlEvent)-[:COVERS]->(x)
       WHERE coalesce(e.effective, e.date) <= asOf AND (e.expires IS NULL OR e.expires > asOf)
         AND NOT EXISTS { (z:ControlEvent)-[:RESCINDS]->(e) WHERE coalesce(z.effective, z.date) <= asOf }
     } THEN 1 ELSE 0 END AS k
WITH x, suppliers, firmHHI, topShare, d,
     CASE WHEN d = 0 THEN 0.0
       ELSE (CASE WHEN firmHHI > countryHHI THEN firmHHI ELSE countryHHI END) / 10000.0 * log(1 + d)
            * toFloat(mandatory) / d * (1 + 0.5 * k) END AS score
ORDER BY score DESC, x.id
LIMIT 20
RETURN {input: x.id, hhi: firmHHI, topShare: topShare, supplierCount: suppliers, dependents: d, score: score} AS row`,
}

// Q4: can a firm obtain a product at asOf? An approximation of
// analysis.Feasibility (see bench/PERFORMANCE.md): the holders are the firm,
// the firms it is a subsidiary of and their headquarters countries; the
// controls are those active at asOf (effective, not expired, not rescinded),
// with a reach, targeting a holder and exempting none; the items are the
// product and everything upstream of it along REQUIRES, INSTANCE_OF and
// TYPE_OF (every requirement taken as mandatory: OR-groups are ignored). An
// item is blocked by a control that covers it (or covers all items) when
// the holders make none of it themselves and every firm that supplies or
// makes it is headquartered in the control's issuer country (reach read as
// hq; no foreign-direct-product taint, no installed base). Feasible when
// nothing is blocked.
var q4 = question{
	name: "Q4", title: "feasibility as of a date", field: "feasibility",
	graphql: `query Q4($item: ID!, $for: ID!, $asOf: Date) { feasibility(item: $item, for: $for, asOf: $asOf) { feasible blockedBy { id } } }`,
	peer:    `query Q4($item: ID!, $for: ID!, $asOf: String!) { feasibility(item: $item, for: $for, asOf: $asOf) { feasible blockedBy } }`,
	cypher: `WITH date($asOf) AS asOf
MATCH (x:Product {id: $item})
MATCH (h:Firm {id: $for})
CALL (h) {
  MATCH (h)-[:SUBSIDIARY_OF*0..8]->(g:Firm)
  RETURN collect(DISTINCT g) AS group
}
CALL (group) {
  UNWIND group AS g
  OPTIONAL MATCH (g)-[:HEADQUARTERED_IN]->(c:Country)
  WITH group, collect(DISTINCT c) AS countries
  RETURN group + countries AS holders
}
CALL (holders, asOf) {
  UNWIND holders AS t
  MATCH (e:ControlEvent)-[:TARGETS]->(t)
  WHERE e.reach IS NOT NULL
    AND coalesce(e.effective, e.date) <= asOf AND (e.expires IS NULL OR e.expires > asOf)
    AND NOT EXISTS { (z:ControlEvent)-[:RESCINDS]->(e) WHERE coalesce(z.effective, z.date) <= asOf }
    AND NOT EXISTS { (e)-[:EXEMPTS]->(y) WHERE y IN holders }
  RETURN collect(DISTINCT e) AS controls
}
CALL (x, asOf) {
  MATCH p = ANY SHORTEST (x)(()-[r:REQUIRES|INSTANCE_OF|TYPE_OF WHERE ` + vis("r") + `]->()){0,20}(y)
  RETURN collect(y) AS items
}
CALL (controls, items, group, asOf) {
  UNWIND controls AS e
  CALL (e, items) {
    WITH e, items WHERE e.coversAll
    UNWIND items AS y
    RETURN y
    UNION
    WITH e, items WHERE e.coversAll IS NULL
    MATCH (e)-[:COVERS]->(y) WHERE y IN items
    RETURN y
  }
  WITH e, y, group, asOf
  WHERE NOT EXISTS { (g)-[:MAKES]->(y) WHERE g IN group }
    AND NOT EXISTS {
      (f:Firm)-[s:SUPPLIES|MAKES]->(y)
      WHERE ` + vis("s") + `
        AND NOT EXISTS { (f)-[:HEADQUARTERED_IN]->(:Country {id: e.issuer}) }
    }
  RETURN collect(DISTINCT e.id) AS blockedBy
}
RETURN {feasible: size(blockedBy) = 0, blockedBy: blockedBy} AS row`,
}

var questions = []question{q1, q2, q3, q4}

// args is one parameter set: the variables every way of asking takes.
type args struct {
	product graph.ID // Q1, Q3, Q4's item, Q2's from
	input   graph.ID // Q2's to
	firm    graph.ID // Q4's holder
	asOf    graph.Date
}

func (a args) vars(q question) map[string]any {
	d := a.asOf.String()
	switch q.name {
	case "Q1", "Q3":
		return map[string]any{"of": string(a.product), "asOf": d}
	case "Q2":
		return map[string]any{"from": string(a.product), "to": string(a.input), "asOf": d}
	default:
		return map[string]any{"item": string(a.product), "for": string(a.firm), "asOf": d}
	}
}

func (a args) String() string {
	return fmt.Sprintf("product %s, input %s, firm %s, asOf %s", a.product, a.input, a.firm, a.asOf)
}

// pickArgs chooses n parameter sets from the snapshot, the same for the
// same data: products spread evenly over the ID order whose upstream
// closure holds at least 10 items; for each, the deepest input of its
// closure (the farthest tier, then the smallest ID) as Q2's target; and
// firms headquartered in the country that active controls target most
// (the heart of a feasibility question), spread over the ID order.
func pickArgs(snap *graph.Snapshot, n int, asOf graph.Date) ([]args, error) {
	eng := analysis.NewEngine(snap)
	products := snap.OfKind(graph.KindProduct)
	if len(products) == 0 {
		return nil, fmt.Errorf("the graph has no products to ask about")
	}
	const candidates = 64
	stride := max(1, len(products)/candidates)
	var out []args
	for i := 0; i < len(products) && len(out) < n; i += stride {
		p := snap.Node(products[i]).ID
		items, err := eng.UpstreamTiers(context.Background(), p, 8, asOf)
		if err != nil || len(items) < 10 {
			continue
		}
		var deepest graph.ID
		tier := 0
		for _, it := range items {
			if it.Kind == graph.KindInput && (it.Tier > tier || it.Tier == tier && it.Node < deepest) {
				deepest, tier = it.Node, it.Tier
			}
		}
		if deepest == "" {
			continue
		}
		out = append(out, args{product: p, input: deepest, asOf: asOf})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no product has an upstream closure of 10 items or more")
	}
	firms := targetedFirms(snap, asOf)
	if len(firms) == 0 {
		return nil, fmt.Errorf("the graph has no firms")
	}
	fs := max(1, len(firms)/len(out))
	for i := range out {
		out[i].firm = firms[(i*fs)%len(firms)]
	}
	return out, nil
}

// targetedFirms returns the firms headquartered in the country most
// control events target, in ID order (all firms if no country is
// targeted).
func targetedFirms(snap *graph.Snapshot, asOf graph.Date) []graph.ID {
	targeted := map[int32]int{}
	for _, ev := range snap.OfKind(graph.KindControlEvent) {
		if n := snap.Node(ev); n.EffectiveDate() > asOf {
			continue
		}
		for _, e := range snap.Out(ev) {
			if snap.Edge(e).Kind != graph.Targets {
				continue
			}
			if _, to := snap.Ends(e); snap.Node(to).Kind == graph.KindCountry {
				targeted[to]++
			}
		}
	}
	best, most := int32(-1), 0
	for c, k := range targeted {
		if k > most || k == most && c < best {
			best, most = c, k
		}
	}
	var firms []graph.ID
	for _, f := range snap.OfKind(graph.KindFirm) {
		if best < 0 {
			firms = append(firms, snap.Node(f).ID)
			continue
		}
		for _, e := range snap.Out(f) {
			if _, to := snap.Ends(e); snap.Edge(e).Kind == graph.HeadquarteredIn && to == best {
				firms = append(firms, snap.Node(f).ID)
				break
			}
		}
	}
	return firms
}

// Check compares chipgraph's answer with the raw-Cypher answer for the
// first parameter set, so that a reader can see the two answer the same
// question (Q1, Q2) or how close the approximation comes (Q3, Q4).
type Check struct {
	Query     string `json:"query"`
	Agree     bool   `json:"agree"`
	Chipgraph string `json:"chipgraph"` // a summary of chipgraph's answer
	Cypher    string `json:"cypher"`    // and of Cypher's
}

// check asks q both ways for a and compares.
func check(ctx context.Context, q question, a args, api *httpTarget, cy *cypherTarget) Check {
	c := Check{Query: q.name}
	data, err := api.fetch(ctx, q.graphql, a.vars(q))
	if err != nil {
		c.Chipgraph = "error: " + err.Error()
		return c
	}
	rows, err := cy.rows(ctx, q, a)
	if err != nil {
		c.Cypher = "error: " + err.Error()
		return c
	}
	switch q.name {
	case "Q1":
		var r struct {
			Upstream []struct {
				Node struct{ ID string }
				Tier int
			}
		}
		if err := unmarshal(data, &r); err != nil {
			c.Chipgraph = err.Error()
			return c
		}
		var got, want []string
		for _, it := range r.Upstream {
			got = append(got, fmt.Sprintf("%s@%d", it.Node.ID, it.Tier))
		}
		for _, row := range rows {
			want = append(want, fmt.Sprintf("%v@%v", row["id"], row["tier"]))
		}
		slices.Sort(got)
		slices.Sort(want)
		c.Agree = slices.Equal(got, want)
		c.Chipgraph, c.Cypher = fmt.Sprintf("%d items", len(got)), fmt.Sprintf("%d items", len(want))
		if !c.Agree {
			c.Chipgraph += " (" + firstDifference(got, want) + ")"
		}
	case "Q2":
		var r struct {
			DependencyPaths []struct{ Length int }
		}
		if err := unmarshal(data, &r); err != nil {
			c.Chipgraph = err.Error()
			return c
		}
		var got, want []string
		for _, p := range r.DependencyPaths {
			got = append(got, fmt.Sprint(p.Length))
		}
		for _, row := range rows {
			want = append(want, fmt.Sprint(row["length"]))
		}
		c.Agree = slices.Equal(got, want)
		c.Chipgraph, c.Cypher = "lengths "+strings.Join(got, ","), "lengths "+strings.Join(want, ",")
	case "Q3":
		var r struct {
			Chokepoints []struct{ Input struct{ ID string } }
		}
		if err := unmarshal(data, &r); err != nil {
			c.Chipgraph = err.Error()
			return c
		}
		var got, want []string
		for _, cp := range r.Chokepoints {
			got = append(got, cp.Input.ID)
		}
		for _, row := range rows {
			want = append(want, fmt.Sprint(row["input"]))
		}
		common := 0
		for _, id := range got {
			if slices.Contains(want, id) {
				common++
			}
		}
		c.Agree = len(got) > 0 && len(want) > 0 && got[0] == want[0]
		c.Chipgraph = fmt.Sprintf("top %s; %d of %d inputs also in Cypher's top %d", first(got), common, len(got), len(want))
		c.Cypher = "top " + first(want)
	case "Q4":
		var r struct {
			Feasibility struct {
				Feasible  bool
				BlockedBy []struct{ ID string }
			}
		}
		if err := unmarshal(data, &r); err != nil {
			c.Chipgraph = err.Error()
			return c
		}
		f := r.Feasibility
		cf := len(rows) == 1 && rows[0]["feasible"] == true
		c.Agree = f.Feasible == cf
		c.Chipgraph = fmt.Sprintf("feasible %v, %d blocking controls", f.Feasible, len(f.BlockedBy))
		n := 0
		if len(rows) == 1 {
			if l, ok := rows[0]["blockedBy"].([]any); ok {
				n = len(l)
			}
		}
		c.Cypher = fmt.Sprintf("feasible %v, %d blocking controls", cf, n)
	}
	return c
}

func first(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return s[0]
}

func firstDifference(got, want []string) string {
	for _, g := range got {
		if !slices.Contains(want, g) {
			return "e.g. " + g + " only in chipgraph's"
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			return "e.g. " + w + " only in Cypher's"
		}
	}
	return "same items, different counts"
}
