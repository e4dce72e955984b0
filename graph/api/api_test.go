package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
)

// TestQueries runs one query per case through the real handler over the
// fixture and checks the data (a JSON subset of the response is not
// enough for a contract, so data is compared whole) or the error code.
func TestQueries(t *testing.T) {
	srv := newTestServer(t, fixture(), Options{})
	tests := []struct {
		name     string
		query    string
		vars     map[string]any
		wantData string // compared whole; "" to skip
		wantCode string // the code of the only error; "" for none
	}{
		// node
		{name: "node firm", query: `{ node(id: "firm:huawei") { __typename id name ... on Firm { roles country { id } } } }`,
			wantData: `{"node": {"__typename": "Firm", "id": "firm:huawei", "name": "Huawei", "roles": ["designer", "systems"], "country": {"id": "country:CHN"}}}`},
		{name: "node each kind", query: `{
			a: node(id: "country:NLD") { __typename id }
			b: node(id: "input:photoresist") { __typename id }
			c: node(id: "product:h20") { __typename id }
			d: node(id: "fab:tsmc-fab-18") { __typename id }
			e: node(id: "event:us-bis-2022-10-07-advanced-computing") { __typename id }
			f: node(id: "source:test-a") { __typename id name } }`,
			wantData: `{"a": {"__typename": "Country", "id": "country:NLD"}, "b": {"__typename": "Input", "id": "input:photoresist"},
				"c": {"__typename": "Product", "id": "product:h20"}, "d": {"__typename": "Fab", "id": "fab:tsmc-fab-18"},
				"e": {"__typename": "ControlEvent", "id": "event:us-bis-2022-10-07-advanced-computing"},
				"f": {"__typename": "Source", "id": "source:test-a", "name": "Test source A"}}`},
		{name: "node unknown ID is null", query: `{ node(id: "firm:no-such-firm") { id } }`, wantData: `{"node": null}`},
		{name: "node malformed ID", query: `{ node(id: "huawei") { id } }`, wantCode: CodeBadUserInput},
		{name: "node unknown kind", query: `{ node(id: "company:huawei") { id } }`, wantCode: CodeBadUserInput},
		{name: "node upper-case slug", query: `{ node(id: "firm:Huawei") { id } }`, wantCode: CodeBadUserInput},
		{name: "node ID from variable", query: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": "firm:tsmc"},
			wantData: `{"node": {"id": "firm:tsmc"}}`},

		// search
		{name: "search exact before prefix, firm before fab", query: `{ search(text: "TSMC") { id } }`,
			wantData: `{"search": [{"id": "firm:tsmc"}, {"id": "fab:tsmc-arizona"}, {"id": "fab:tsmc-fab-18"}]}`},
		{name: "search alias, corporate suffix ignored", query: `{ search(text: "tokyo electron ltd") { id } }`,
			wantData: `{"search": [{"id": "firm:tokyo-electron"}]}`},
		{name: "search accents and case ignored", query: `{ search(text: "ENERGIE Atomique") { id } }`,
			wantData: `{"search": [{"id": "firm:cea-leti"}]}`},
		{name: "search prefix before word prefix, ties by kind then ID", query: `{ search(text: "litho") { id } }`,
			wantData: `{"search": [{"id": "input:lithography-tools"}, {"id": "input:arf-immersion-lithography-tools"},
				{"id": "input:euv-lithography-tools"}, {"id": "event:nl-2023-06-30-lithography"}]}`},
		{name: "search word prefix", query: `{ search(text: "electr") { id } }`,
			wantData: `{"search": [{"id": "firm:tokyo-electron"}]}`},
		{name: "search prefix before substring, firm before country", query: `{ search(text: "AI") { id } }`,
			wantData: `{"search": [{"id": "input:ai-accelerators"}, {"id": "firm:tsmc"}, {"id": "country:TWN"}]}`},
		{name: "search substring", query: `{ search(text: "ithograph") { id } }`,
			wantData: `{"search": [{"id": "input:arf-immersion-lithography-tools"}, {"id": "input:euv-lithography-tools"},
				{"id": "input:lithography-tools"}, {"id": "event:nl-2023-06-30-lithography"}]}`},
		{name: "search country alias", query: `{ search(text: "prc") { id } }`, wantData: `{"search": [{"id": "country:CHN"}]}`},
		{name: "search first", query: `{ search(text: "t", first: 2) { id } }`,
			wantData: `{"search": [{"id": "firm:tokyo-electron"}, {"id": "firm:tsmc"}]}`},
		{name: "search nothing", query: `{ search(text: "zzzz") { id } }`, wantData: `{"search": []}`},
		{name: "search empty text", query: `{ search(text: "  ") { id } }`, wantCode: CodeBadUserInput},
		{name: "search punctuation only", query: `{ search(text: "?!") { id } }`, wantCode: CodeBadUserInput},
		{name: "search long text", query: fmt.Sprintf(`{ search(text: %q) { id } }`, strings.Repeat("a", 201)), wantCode: CodeBadUserInput},
		{name: "search first over cap", query: `{ search(text: "a", first: 501) { id } }`, wantCode: CodeBadUserInput},
		{name: "search first negative", query: `{ search(text: "a", first: -1) { id } }`, wantCode: CodeBadUserInput},

		// firms
		{name: "firms all", query: `{ firms { totalCount nodes { id } } }`,
			wantData: `{"firms": {"totalCount": 10, "nodes": [{"id": "firm:asml"}, {"id": "firm:cea-leti"}, {"id": "firm:hisilicon"},
				{"id": "firm:huawei"}, {"id": "firm:jsr"}, {"id": "firm:nikon"}, {"id": "firm:nvidia"}, {"id": "firm:smic"},
				{"id": "firm:tokyo-electron"}, {"id": "firm:tsmc"}]}}`},
		{name: "firms by country", query: `{ firms(where: {country: "country:JPN"}) { totalCount nodes { id } } }`,
			wantData: `{"firms": {"totalCount": 3, "nodes": [{"id": "firm:jsr"}, {"id": "firm:nikon"}, {"id": "firm:tokyo-electron"}]}}`},
		{name: "firms by role", query: `{ firms(where: {role: "Equipment"}) { nodes { id } } }`,
			wantData: `{"firms": {"nodes": [{"id": "firm:asml"}, {"id": "firm:nikon"}, {"id": "firm:tokyo-electron"}]}}`},
		{name: "firms by country and role", query: `{ firms(where: {country: "country:CHN", role: "foundry"}) { nodes { id } } }`,
			wantData: `{"firms": {"nodes": [{"id": "firm:smic"}]}}`},
		{name: "firms unknown role", query: `{ firms(where: {role: "baker"}) { totalCount } }`, wantData: `{"firms": {"totalCount": 0}}`},
		{name: "firms unknown country", query: `{ firms(where: {country: "country:XYZ"}) { totalCount } }`, wantCode: CodeNotFound},
		{name: "firms country of wrong kind", query: `{ firms(where: {country: "firm:asml"}) { totalCount } }`, wantCode: CodeBadUserInput},
		{name: "firms malformed country", query: `{ firms(where: {country: "Japan"}) { totalCount } }`, wantCode: CodeBadUserInput},

		// products
		{name: "products by firm", query: `{ products(where: {firm: "firm:asml"}) { nodes { id } } }`,
			wantData: `{"products": {"nodes": [{"id": "product:twinscan-nxe-3800e"}]}}`},
		{name: "products by type", query: `{ products(where: {type: "ai-accelerator"}) { nodes { id } } }`,
			wantData: `{"products": {"nodes": [{"id": "product:ascend-910c"}, {"id": "product:h20"}]}}`},
		{name: "products unknown firm", query: `{ products(where: {firm: "firm:nobody"}) { totalCount } }`, wantCode: CodeNotFound},

		// fabs
		{name: "fabs by operator", query: `{ fabs(where: {operator: "firm:tsmc"}) { nodes { id } } }`,
			wantData: `{"fabs": {"nodes": [{"id": "fab:tsmc-arizona"}, {"id": "fab:tsmc-fab-18"}]}}`},
		{name: "fabs by country", query: `{ fabs(where: {country: "country:USA"}) { nodes { id } } }`,
			wantData: `{"fabs": {"nodes": [{"id": "fab:tsmc-arizona"}]}}`},
		{name: "fabs by operator and status", query: `{ fabs(where: {operator: "firm:tsmc", status: "operating"}) { nodes { id } } }`,
			wantData: `{"fabs": {"nodes": [{"id": "fab:tsmc-fab-18"}]}}`},
		{name: "fabs operator of wrong kind", query: `{ fabs(where: {operator: "country:TWN"}) { totalCount } }`, wantCode: CodeBadUserInput},

		// inputs
		{name: "inputs by type", query: `{ inputs(where: {type: "tool"}) { nodes { id } } }`,
			wantData: `{"inputs": {"nodes": [{"id": "input:arf-immersion-lithography-tools"}, {"id": "input:euv-lithography-tools"}, {"id": "input:lithography-tools"}]}}`},
		{name: "inputs by parent", query: `{ inputs(where: {typeOf: "input:lithography-tools"}) { nodes { id } } }`,
			wantData: `{"inputs": {"nodes": [{"id": "input:arf-immersion-lithography-tools"}, {"id": "input:euv-lithography-tools"}]}}`},
		{name: "inputs by type, none", query: `{ inputs(where: {type: "process", typeOf: "input:lithography-tools"}) { totalCount } }`,
			wantData: `{"inputs": {"totalCount": 0}}`},

		// control events
		{name: "events by issuer", query: `{ controlEvents(where: {issuer: "country:USA"}) { nodes { id } } }`,
			wantData: `{"controlEvents": {"nodes": [{"id": "event:us-bis-2019-05-16-huawei-entity-list"}, {"id": "event:us-bis-2020-08-17-huawei-fdp"},
				{"id": "event:us-bis-2022-10-07-advanced-computing"}]}}`},
		{name: "events by kind", query: `{ controlEvents(where: {kind: "rule"}) { totalCount } }`, wantData: `{"controlEvents": {"totalCount": 3}}`},
		{name: "events by date range", query: `{ controlEvents(where: {from: "2020-01-01", to: "2022-10-07"}) { nodes { id date } } }`,
			wantData: `{"controlEvents": {"nodes": [{"id": "event:us-bis-2020-08-17-huawei-fdp", "date": "2020-08-17"},
				{"id": "event:us-bis-2022-10-07-advanced-computing", "date": "2022-10-07"}]}}`},
		{name: "events by target", query: `{ controlEvents(where: {target: "firm:huawei"}) { nodes { id } } }`,
			wantData: `{"controlEvents": {"nodes": [{"id": "event:us-bis-2019-05-16-huawei-entity-list"}, {"id": "event:us-bis-2020-08-17-huawei-fdp"}]}}`},
		{name: "events by target country and issuer", query: `{ controlEvents(where: {target: "country:CHN", issuer: "country:NLD"}) { nodes { id } } }`,
			wantData: `{"controlEvents": {"nodes": [{"id": "event:nl-2023-06-30-lithography"}]}}`},
		{name: "events by covered item", query: `{ controlEvents(where: {covers: "input:euv-lithography-tools"}) { nodes { id } } }`,
			wantData: `{"controlEvents": {"nodes": [{"id": "event:nl-2023-06-30-lithography"}]}}`},
		{name: "events date from variable", query: `query($d: Date) { controlEvents(where: {from: $d}) { totalCount } }`,
			vars: map[string]any{"d": "2024-01-01"}, wantData: `{"controlEvents": {"totalCount": 2}}`},
		{name: "events impossible date", query: `{ controlEvents(where: {from: "2023-02-30"}) { totalCount } }`, wantCode: CodeBadUserInput},
		{name: "events malformed date", query: `{ controlEvents(where: {to: "30/06/2023"}) { totalCount } }`, wantCode: CodeBadUserInput},
		{name: "events malformed date variable", query: `query($d: Date) { controlEvents(where: {to: $d}) { totalCount } }`,
			vars: map[string]any{"d": "2023-6-30"}, wantCode: CodeBadUserInput},
		{name: "events date of wrong type", query: `query($d: Date) { controlEvents(where: {to: $d}) { totalCount } }`,
			vars: map[string]any{"d": 20230630}, wantCode: CodeBadUserInput},
		{name: "events from after to", query: `{ controlEvents(where: {from: "2024-01-01", to: "2023-01-01"}) { totalCount } }`, wantCode: CodeBadUserInput},
		{name: "events target of wrong kind", query: `{ controlEvents(where: {target: "input:photoresist"}) { totalCount } }`, wantCode: CodeBadUserInput},
		{name: "events unknown issuer", query: `{ controlEvents(where: {issuer: "country:ATL"}) { totalCount } }`, wantCode: CodeNotFound},

		// paging arguments
		{name: "first zero", query: `{ firms(first: 0) { edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }`,
			wantData: `{"firms": {"edges": [], "pageInfo": {"hasNextPage": true, "hasPreviousPage": false, "startCursor": null, "endCursor": null}, "totalCount": 10}}`},
		{name: "first at cap", query: `{ inputs(first: 500) { totalCount } }`, wantData: `{"inputs": {"totalCount": 6}}`},
		{name: "first over cap", query: `{ firms(first: 501) { totalCount } }`, wantCode: CodeBadUserInput},
		{name: "first far over cap", query: `{ fabs(first: 2000000000) { totalCount } }`, wantCode: CodeBadUserInput},
		{name: "first negative", query: `{ products(first: -5) { totalCount } }`, wantCode: CodeBadUserInput},
		{name: "bad cursor", query: `{ firms(after: "not-a-cursor") { totalCount } }`, wantCode: CodeBadUserInput},
		{name: "cursor of a bad ID", query: fmt.Sprintf(`{ firms(after: %q) { totalCount } }`, "aWQ6Zm9v"), wantCode: CodeBadUserInput},

		// analysis (more in analysis_test.go)
		{name: "dependencyPaths", query: `{ dependencyPaths(from: "product:ascend-910c", to: "input:euv-lithography-tools") { length } }`},
		{name: "dependencyPaths unknown", query: `{ dependencyPaths(from: "product:nope", to: "input:photoresist") { length } }`, wantCode: CodeNotFound},
		{name: "dependencyPaths malformed", query: `{ dependencyPaths(from: "ascend", to: "input:photoresist") { length } }`, wantCode: CodeBadUserInput},
		{name: "dependencyPaths maxDepth", query: `{ dependencyPaths(from: "product:h20", to: "input:photoresist", maxDepth: 99) { length } }`, wantCode: CodeBadUserInput},
		{name: "upstream", query: `{ upstream(of: "product:ascend-910c", asOf: "2024-01-01") { tier } }`},
		{name: "upstream bad date", query: `{ upstream(of: "product:ascend-910c", asOf: "2024-13-01") { tier } }`, wantCode: CodeBadUserInput},
		{name: "chokepoints", query: `{ chokepoints { score } }`},
		{name: "chokepoints unknown of", query: `{ chokepoints(of: "product:nope") { score } }`, wantCode: CodeNotFound},
		{name: "feasibility", query: `{ feasibility(item: "product:ascend-910c", for: "firm:huawei") { feasible } }`},
		{name: "feasibility for wrong kind", query: `{ feasibility(item: "product:ascend-910c", for: "input:euv") { feasible } }`, wantCode: CodeBadUserInput},
		{name: "scenario", query: `{ scenario(controls: [{issuer: "country:JPN", covers: ["input:photoresist"], targets: ["country:CHN"]}]) { asOf } }`},
		{name: "scenario bad reach", query: `{ scenario(controls: [{issuer: "country:JPN", covers: [], targets: [], reach: "global"}]) { asOf } }`,
			wantCode: CodeBadUserInput},
		{name: "scenario unknown target", query: `{ scenario(controls: [], targets: ["firm:nobody"]) { asOf } }`, wantCode: CodeNotFound},

		// documents that do not match the schema
		{name: "unknown field", query: `{ firms { nodes { ceo } } }`, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "syntax error", query: `{ firms { `, wantCode: "GRAPHQL_PARSE_FAILED"},
		{name: "missing variable", query: `query($id: ID!) { node(id: $id) { id } }`, wantCode: "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{"POST", "GET"} {
				var r gqlResponse
				if method == "POST" {
					r = post(t, srv, tc.query, tc.vars)
				} else {
					r = get(t, srv, tc.query, tc.vars)
				}
				if tc.wantCode != "" {
					if got := r.codes(); !slices.Equal(got, []string{tc.wantCode}) {
						t.Fatalf("%s: error codes %v, want [%s]\n%s", method, got, tc.wantCode, r.Raw)
					}
					if r.Errors[0].Message == "" {
						t.Errorf("%s: error without a message", method)
					}
					continue
				}
				data := mustData(t, r)
				if tc.wantData != "" {
					assertJSON(t, data, tc.wantData)
				}
			}
		})
	}
}

// TestGoldenFixture checks the relationship fields of every type over the
// fixture against golden files.
func TestGoldenFixture(t *testing.T) {
	srv := newTestServer(t, fixture(), Options{})
	for name, query := range map[string]string{
		"fixture/firm.json": `{ node(id: "firm:hisilicon") { ...F } huawei: node(id: "firm:huawei") { ...F } }
			fragment F on Firm { id name aliases roles etoId note sources { id title }
				country { id name } parent { id } subsidiaries { id } products { id } inputs { id } fabs { id }
				supplies { item { id } share year } controls { id date } }`,
		"fixture/supplier.json": `{ node(id: "firm:asml") { ... on Firm { inputs { id } products { id }
				supplies { supplier { id } item { id } share year basis validFrom validTo note sources { id } } } } }`,
		"fixture/country.json": `{ node(id: "country:CHN") { ... on Country { id name aliases etoId note sources { id }
				firms { id } fabs { id } supplies { item { id } } controlsIssued { id } controlsTargeting { id } } }
				jpn: node(id: "country:JPN") { ... on Country { supplies { item { id } share basis year } } } }`,
		"fixture/input.json": `{ node(id: "input:euv-lithography-tools") { ... on Input { id name aliases type description etoId
				typeOf { id } subtypes { id } requires { requires { id } } requiredBy { item { id } group }
				products { id } makers { id } suppliers { supplier { id } share year } latest: suppliers(year: 2025) { year } } }
				process: node(id: "input:7nm-logic-process") { ... on Input { requires { item { id } requires { id } group validFrom validTo sources { id } } } }
				resist: node(id: "input:photoresist") { ... on Input { suppliers { supplier { __typename id } share basis } } } }`,
		"fixture/product.json": `{ node(id: "product:ascend-910c") { ... on Product { id name aliases type description announced specs note
				maker { id } makers { id } instanceOf { id }
				fabricatedAt { product { id } fab { id } node validFrom validTo note sources { id } }
				requires { requires { id } group } suppliers { share } } } }`,
		"fixture/fab.json": `{ node(id: "fab:smic-sn2") { ...F } f18: node(id: "fab:tsmc-fab-18") { ...F } }
			fragment F on Fab { id name location nodes capacityWpm status operator { id } country { id }
				equippedWith { fab { id } item { id } validFrom validTo sources { id } } fabricates { product { id } node } }`,
		"fixture/event.json": `{ node(id: "event:us-bis-2020-08-17-huawei-fdp") { ...E }
				counter: node(id: "event:cn-mofcom-2024-12-03-counter") { ...E }
				adv: node(id: "event:us-bis-2022-10-07-advanced-computing") { ...E } }
			fragment E on ControlEvent { id name aliases date effective expires rescinded issuer { id } authority kind
				reach coversAll citation url note sources { id } covers { id } targets { id } exempts { id }
				rescindedBy { id } rescinds { id } amends { id } amendedBy { id } }`,
		"fixture/source.json": `{ node(id: "source:test-a") { ... on Source { id name title publisher url date licence note sources { id } } }
				b: node(id: "source:test-b") { ... on Source { publisher url date licence } } }`,
		"fixture/connection.json": `{ controlEvents(first: 2, where: {issuer: "country:USA"}) { totalCount
				edges { cursor node { id } } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
	} {
		t.Run(name, func(t *testing.T) {
			assertGolden(t, name, mustData(t, post(t, srv, query, nil)))
		})
	}
}

// TestPagination pages forwards through every connection, with several
// page sizes, and checks that the pages together hold every item of the
// connection exactly once, in ID order.
func TestPagination(t *testing.T) {
	testPagination(t, newTestServer(t, fixture(), Options{}))
}

func testPagination(t *testing.T, srv http.Handler) {
	for _, field := range []string{"firms", "products", "fabs", "inputs", "controlEvents"} {
		all := walk(t, srv, field, MaxFirst)
		if len(all) > MaxFirst {
			t.Fatalf("%s: more than one page of %d; the test needs a reference listing", field, MaxFirst)
		}
		if !slices.IsSorted(all) {
			t.Errorf("%s: not in ID order: %v", field, all)
		}
		for _, size := range []int{1, 2, 3, 7} {
			if got := walk(t, srv, field, size); !slices.Equal(got, all) {
				t.Errorf("%s by %d: got %v, want %v", field, size, got, all)
			}
		}
	}
}

// walk follows a connection from its start with pages of size first and
// returns every ID seen.
func walk(t *testing.T, srv http.Handler, field string, first int) []string {
	t.Helper()
	var ids []string
	var after any
	for page := 0; ; page++ {
		r := post(t, srv, fmt.Sprintf(`query($first: Int, $after: String) { c: %s(first: $first, after: $after) {
			totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`, field),
			map[string]any{"first": first, "after": after})
		var d struct {
			C struct {
				TotalCount int
				Edges      []struct {
					Cursor string
					Node   struct{ ID string }
				}
				PageInfo struct {
					HasNextPage, HasPreviousPage bool
					EndCursor                    *string
				}
			}
		}
		if err := json.Unmarshal(mustData(t, r), &d); err != nil {
			t.Fatal(err)
		}
		c := d.C
		if len(c.Edges) > first {
			t.Fatalf("%s: page of %d items for first: %d", field, len(c.Edges), first)
		}
		if c.PageInfo.HasPreviousPage != (page > 0) {
			t.Errorf("%s page %d: hasPreviousPage %v", field, page, c.PageInfo.HasPreviousPage)
		}
		for _, e := range c.Edges {
			if slices.Contains(ids, e.Node.ID) {
				t.Fatalf("%s: %s repeated", field, e.Node.ID)
			}
			ids = append(ids, e.Node.ID)
		}
		if len(c.Edges) > 0 && *c.PageInfo.EndCursor != c.Edges[len(c.Edges)-1].Cursor {
			t.Errorf("%s: endCursor is not the last edge's cursor", field)
		}
		if !c.PageInfo.HasNextPage {
			if len(ids) != c.TotalCount {
				t.Errorf("%s: %d items seen, totalCount %d", field, len(ids), c.TotalCount)
			}
			return ids
		}
		if len(c.Edges) == 0 {
			t.Fatalf("%s: empty page with hasNextPage", field)
		}
		after = *c.PageInfo.EndCursor
	}
}

// TestCursorAcrossReload: a cursor from one snapshot resumes after the same
// ID in the next one, so a reload between pages skips nothing that was
// there and repeats nothing.
func TestCursorAcrossReload(t *testing.T) {
	srv := newTestServer(t, fixture(), Options{})
	r := post(t, srv, `{ firms(first: 4) { pageInfo { endCursor } nodes { id } } }`, nil)
	var d struct {
		Firms struct{ PageInfo struct{ EndCursor string } }
	}
	if err := json.Unmarshal(mustData(t, r), &d); err != nil {
		t.Fatal(err)
	}
	ds := fixture()
	ds.Nodes = append(ds.Nodes, graph.Node{ID: "firm:intel", Kind: graph.KindFirm, Name: "Intel"},
		graph.Node{ID: "firm:amd", Kind: graph.KindFirm, Name: "AMD"})
	ds.Nodes = slices.DeleteFunc(ds.Nodes, func(n graph.Node) bool { return n.ID == "firm:huawei" })
	ds.Edges = slices.DeleteFunc(ds.Edges, func(e graph.Edge) bool { return e.From == "firm:huawei" || e.To == "firm:huawei" })
	srv.Holder().Swap(graph.MustSnapshot(ds))
	r = post(t, srv, `query($a: String) { firms(first: 3, after: $a) { nodes { id } } }`, map[string]any{"a": d.Firms.PageInfo.EndCursor})
	assertJSON(t, mustData(t, r), `{"firms": {"nodes": [{"id": "firm:intel"}, {"id": "firm:jsr"}, {"id": "firm:nikon"}]}}`)
}

// TestLimits: complexity, depth and body size.
func TestLimits(t *testing.T) {
	srv := newTestServer(t, fixture(), Options{})
	// parents nests n parent fields under node: n+2 fields deep with id.
	parents := func(n int) string {
		return `{ node(id: "firm:hisilicon") { ... on Firm { ` + strings.Repeat("parent { ", n) + "id" + strings.Repeat(" }", n) + " } } }"
	}
	deep := parents(11)
	tests := []struct {
		name, query string
		wantCode    string
		wantInMsg   string
	}{
		{"complex", `{ firms(first: 500) { nodes { subsidiaries { subsidiaries { id } } } } }`, CodeComplexityLimit, "complexity"},
		{"complex analysis", `{ a: scenario(controls: []) { asOf } b: scenario(controls: []) { asOf } c: scenario(controls: []) { asOf }
			d: scenario(controls: []) { asOf } e: scenario(controls: []) { asOf } f: scenario(controls: []) { asOf }
			g: scenario(controls: []) { asOf } h: scenario(controls: []) { asOf } i: scenario(controls: []) { asOf }
			j: scenario(controls: []) { asOf } }`, CodeComplexityLimit, "complexity"},
		{"deep", deep, CodeComplexityLimit, "nested 13 fields deep"},
		{"deep through fragments", `{ node(id: "firm:huawei") { ...A } } fragment A on Firm { parent { ...B } }
			fragment B on Firm { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } }`,
			CodeComplexityLimit, "nested 13 fields deep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, srv, tc.query, nil)
			if got := r.codes(); !slices.Equal(got, []string{tc.wantCode}) || !strings.Contains(r.Errors[0].Message, tc.wantInMsg) {
				t.Fatalf("got %s", r.Raw)
			}
			if r.Data != nil && string(r.Data) != "null" {
				t.Errorf("data returned for a rejected query: %s", r.Data)
			}
		})
	}

	t.Run("just under the depth limit", func(t *testing.T) {
		mustData(t, post(t, srv, parents(10), nil))
	})
	t.Run("introspection is on and not depth-limited", func(t *testing.T) {
		q := `{ __schema { queryType { name } types { name fields { name type { kind ofType { kind ofType { kind ofType {
			kind ofType { kind ofType { kind ofType { kind ofType { kind ofType { name } } } } } } } } } } } } }`
		data := mustData(t, post(t, srv, q, nil))
		if !bytes.Contains(data, []byte(`"ControlEvent"`)) {
			t.Errorf("introspection lacks ControlEvent")
		}
	})
	t.Run("a whole page of 500 with fields", func(t *testing.T) {
		mustData(t, post(t, srv, `{ firms(first: 500) { edges { cursor node { id name roles country { id name } sources { id title } } } } }`, nil))
	})

	big := `{"query": "{ firms { totalCount } }", "variables": {"pad": "` + strings.Repeat("x", 256<<10) + `"}}`
	t.Run("oversized body", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(big))
		req.Header.Set("Content-Type", "application/json")
		r := decode(t, serve(t, srv, req))
		if r.Status != http.StatusRequestEntityTooLarge || !slices.Equal(r.codes(), []string{CodeBadUserInput}) {
			t.Errorf("got %d %s", r.Status, r.Raw)
		}
	})
	t.Run("oversized body without length", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", io.MultiReader(strings.NewReader(big)))
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/json")
		r := decode(t, serve(t, srv, req))
		if r.Status != http.StatusRequestEntityTooLarge || !slices.Equal(r.codes(), []string{CodeBadUserInput}) {
			t.Errorf("got %d %s", r.Status, r.Raw)
		}
	})
	t.Run("body just under the limit", func(t *testing.T) {
		body := `{"query": "{ firms { totalCount } }", "variables": {"pad": "` + strings.Repeat("x", 256<<10-100) + `"}}`
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		mustData(t, decode(t, serve(t, srv, req)))
	})
	t.Run("smaller configured limit", func(t *testing.T) {
		small := newTestServer(t, fixture(), Options{MaxBodyBytes: 64, MaxComplexity: 10, MaxDepth: 2})
		r := post(t, small, `{ firms { totalCount } }`+strings.Repeat(" ", 100), nil)
		if r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("got %d %s", r.Status, r.Raw)
		}
		if r := post(t, small, `{ firms { nodes { id } } }`, nil); !slices.Equal(r.codes(), []string{CodeComplexityLimit}) {
			t.Errorf("complexity 10: got %s", r.Raw)
		}
	})
}

// TestHTTP covers the transports and the other routes.
func TestHTTP(t *testing.T) {
	srv := newTestServer(t, fixture(), Options{})
	request := func(method, target, contentType, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		return serve(t, srv, req)
	}

	t.Run("POST with operationName", func(t *testing.T) {
		rec := request("POST", "/graphql", "application/json; charset=utf-8",
			`{"query": "query A { firms { totalCount } } query B { fabs { totalCount } }", "operationName": "B"}`)
		assertJSON(t, mustData(t, decode(t, rec)), `{"fabs": {"totalCount": 3}}`)
		if rec.Header().Get("X-Request-ID") == "" {
			t.Error("no X-Request-ID")
		}
	})
	t.Run("X-Request-ID is kept", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Header.Set("X-Request-ID", "lb-1234")
		if got := serve(t, srv, req).Header().Get("X-Request-ID"); got != "lb-1234" {
			t.Errorf("X-Request-ID %q", got)
		}
		req.Header.Set("X-Request-ID", "bad id\n")
		if got := serve(t, srv, req).Header().Get("X-Request-ID"); got == "" || strings.Contains(got, " ") {
			t.Errorf("X-Request-ID %q", got)
		}
	})
	t.Run("POST not JSON", func(t *testing.T) {
		rec := request("POST", "/graphql", "text/plain", `{ firms { totalCount } }`)
		if r := decode(t, rec); rec.Code != http.StatusUnsupportedMediaType || !slices.Equal(r.codes(), []string{CodeBadUserInput}) {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("POST bad JSON", func(t *testing.T) {
		rec := request("POST", "/graphql", "application/json", `{"query": `)
		if r := decode(t, rec); !slices.Equal(r.codes(), []string{CodeBadUserInput}) {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("PUT", func(t *testing.T) {
		if rec := request("PUT", "/graphql", "application/json", `{}`); rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("got %d", rec.Code)
		}
	})
	t.Run("playground", func(t *testing.T) {
		rec := request("GET", "/", "", "")
		if rec.Code != http.StatusFound || !strings.Contains(rec.Header().Get("Location"), "firm%3Ahuawei") {
			t.Fatalf("got %d %v", rec.Code, rec.Header())
		}
		rec = request("GET", rec.Header().Get("Location"), "", "")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "graphiql") || !strings.Contains(rec.Body.String(), `"/graphql"`) {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("the playground's example query runs", func(t *testing.T) {
		mustData(t, post(t, srv, exampleQuery, nil))
	})
	t.Run("schema", func(t *testing.T) {
		rec := request("GET", "/schema.graphql", "", "")
		for _, want := range []string{"type Query", "interface Node", "extend type Query", "scalar Date", "input ControlInput"} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("SDL lacks %q", want)
			}
		}
	})
	t.Run("healthz", func(t *testing.T) {
		if rec := request("GET", "/healthz", "", ""); rec.Code != http.StatusOK {
			t.Errorf("got %d", rec.Code)
		}
	})
	t.Run("readyz", func(t *testing.T) {
		rec := request("GET", "/readyz", "", "")
		var body readiness
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusOK || !body.Ready ||
			body.Nodes != srv.Holder().Snapshot().NumNodes() || body.NodesByLabel["Firm"] != 10 {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("unknown path", func(t *testing.T) {
		if rec := request("GET", "/nope", "", ""); rec.Code != http.StatusNotFound {
			t.Errorf("got %d", rec.Code)
		}
	})
	t.Run("metrics", func(t *testing.T) {
		post(t, srv, `{ node(id: "bad") { id } }`, nil)
		rec := request("GET", "/metrics", "", "")
		body := rec.Body.String()
		for _, want := range []string{
			`chipgraph_http_requests_total{handler="graphql",operation="node",status="200"} 1`,
			`chipgraph_http_requests_total{handler="graphql",operation="fabs",status="200"} 1`,
			`chipgraph_graphql_errors_total{code="BAD_USER_INPUT"}`,
			`chipgraph_http_request_duration_seconds_bucket{handler="graphql",operation="node",le="+Inf"} 1`,
			`chipgraph_http_request_duration_seconds_count{handler="graphql",operation="node"} 1`,
			`chipgraph_ready 1`,
			`chipgraph_snapshot_info{version="` + srv.Holder().Snapshot().Version() + `",store_version="0"} 1`,
			`chipgraph_snapshot_nodes{label="Firm"} 10`,
			`chipgraph_snapshot_edges `,
			`chipgraph_snapshot_loaded_timestamp_seconds `,
			`chipgraph_build_info{`,
			"# TYPE chipgraph_http_request_duration_seconds histogram",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
			t.Errorf("Content-Type %q", ct)
		}
	})
	t.Run("request log", func(t *testing.T) {
		log := srv.log.String()
		for _, want := range []string{`"msg":"request"`, `"path":"/graphql"`, `"op":"node"`, `"error_code":"BAD_USER_INPUT"`, `"duration_ms":`, `"request_id":`} {
			if !strings.Contains(log, want) {
				t.Errorf("log lacks %s", want)
			}
		}
	})
}

// TestNotReady: before the first snapshot, /readyz and /graphql answer 503.
func TestNotReady(t *testing.T) {
	srv := newTestServer(t, nil, Options{})
	if rec := serve(t, srv, httptest.NewRequest("GET", "/readyz", nil)); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz: %d", rec.Code)
	}
	if rec := serve(t, srv, httptest.NewRequest("GET", "/healthz", nil)); rec.Code != http.StatusOK {
		t.Errorf("healthz: %d", rec.Code)
	}
	r := post(t, srv, `{ firms { totalCount } }`, nil)
	if r.Status != http.StatusServiceUnavailable || !slices.Equal(r.codes(), []string{CodeUnavailable}) {
		t.Errorf("graphql: %d %s", r.Status, r.Raw)
	}
	if !strings.Contains(serve(t, srv, httptest.NewRequest("GET", "/metrics", nil)).Body.String(), "chipgraph_ready 0") {
		t.Error("metrics do not say not ready")
	}
}

// TestInternalError: a panic in a resolver becomes INTERNAL; the client
// sees the request ID, not the details, which go to the log.
func TestInternalError(t *testing.T) {
	ds := fixture()
	ds.Nodes = append(ds.Nodes, graph.Node{ID: "firm:broken", Kind: "bogus", Name: "secret detail"})
	srv := newTestServer(t, ds, Options{})
	r := post(t, srv, `{ node(id: "firm:broken") { id } ok: node(id: "firm:tsmc") { id } }`, nil)
	if !slices.Equal(r.codes(), []string{CodeInternal}) {
		t.Fatalf("got %s", r.Raw)
	}
	id, _ := r.Errors[0].Extensions["requestId"].(string)
	if id == "" || !strings.Contains(r.Errors[0].Message, id) || strings.Contains(string(r.Raw), "bogus") {
		t.Errorf("client sees %s", r.Raw)
	}
	assertJSON(t, r.Data, `{"node": null, "ok": {"id": "firm:tsmc"}}`)
	if log := srv.log.String(); !strings.Contains(log, "bogus") || !strings.Contains(log, id) {
		t.Errorf("log lacks the panic or the request ID:\n%s", log)
	}
}

// TestTimeout: a request over the time limit fails with UNAVAILABLE.
func TestTimeout(t *testing.T) {
	srv := newTestServer(t, fixture(), Options{Timeout: 1})
	r := post(t, srv, `{ firms { totalCount } }`, nil)
	if !slices.Equal(r.codes(), []string{CodeUnavailable}) || !strings.Contains(r.Errors[0].Message, "limit of 1ns") {
		t.Errorf("got %d %s", r.Status, r.Raw)
	}
}
