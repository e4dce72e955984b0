package api

import (
	"context"
	"testing"

	"github.com/chipgraph/chipgraph/graph/memstore"
	"github.com/chipgraph/chipgraph/loaders"
)

// bundledServer serves the curated dataset built into the binary, loaded
// the way `chipgraph serve` loads it.
func bundledServer(tb testing.TB) *testServer {
	tb.Helper()
	ctx := context.Background()
	ds, _, err := loaders.Load(ctx, nil, loaders.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if len(ds.Nodes) == 0 {
		tb.Fatal("the bundled dataset (data/*.csv) is empty")
	}
	store, err := memstore.Of(ctx, ds)
	if err != nil {
		tb.Fatal(err)
	}
	srv := newTestServer(tb, nil, Options{})
	if err := srv.Holder().Refresh(ctx, store); err != nil {
		tb.Fatal(err)
	}
	return srv
}

// bundledQueries are the main queries researchers run, answered from the
// bundled dataset. Their golden files change whenever data/*.csv does:
// regenerate them with -update and review the diff as a data review.
var bundledQueries = map[string]string{
	"bundled/example.json": exampleQuery,
	"bundled/huawei.json": `{ node(id: "firm:huawei") { id name sources { id title } ... on Firm { aliases roles
		country { id name } parent { id } subsidiaries { id name } products { id name type } fabs { id }
		controls { id name date effective kind issuer { id } } } } }`,
	"bundled/ascend-910c.json": `{ node(id: "product:ascend-910c") { id name sources { id } ... on Product { type announced specs
		maker { id name } instanceOf { id name } fabricatedAt { fab { id name } node validFrom validTo note sources { id } }
		requires { requires { id name } group } } } }`,
	"bundled/euv.json": `{ node(id: "input:euv-lithography-tools") { id name ... on Input { type description typeOf { id }
		subtypes { id } makers { id } products { id name } suppliers { supplier { id name } share year basis sources { id } } } } }`,
	"bundled/search.json": `{ huawei: search(text: "huawei") { __typename id name }
		litho: search(text: "lithography", first: 10) { __typename id name }
		asml: search(text: "asml holding n.v.") { id } }`,
	"bundled/firms.json": `{ firms(first: 50) { totalCount pageInfo { hasNextPage endCursor } nodes { id name roles country { id } } }
		chinese: firms(where: {country: "country:CHN"}, first: 500) { totalCount nodes { id } }
		equipment: firms(where: {role: "equipment"}, first: 500) { totalCount nodes { id } } }`,
	"bundled/products.json": `{ accelerators: products(where: {type: "ai-accelerator"}, first: 500) { totalCount nodes { id name makers { id } } } }`,
	"bundled/fabs.json":     `{ china: fabs(where: {country: "country:CHN"}, first: 500) { totalCount nodes { id name operator { id } nodes status } } }`,
	"bundled/inputs.json":   `{ tools: inputs(where: {type: "tool"}, first: 500) { totalCount nodes { id name typeOf { id } } } }`,
	"bundled/control-events.json": `{ huawei: controlEvents(where: {target: "firm:huawei"}, first: 500) { totalCount nodes { id date effective kind issuer { id } } }
		us2022: controlEvents(where: {issuer: "country:USA", from: "2022-01-01", to: "2022-12-31"}, first: 500) { totalCount nodes { id date } } }`,
}

// TestGoldenBundled runs the main queries over the bundled dataset.
func TestGoldenBundled(t *testing.T) {
	srv := bundledServer(t)
	for name, query := range bundledQueries {
		t.Run(name, func(t *testing.T) {
			assertGolden(t, name, mustData(t, post(t, srv, query, nil)))
		})
	}
}

// TestPaginationBundled pages through every connection of the bundled
// dataset.
func TestPaginationBundled(t *testing.T) {
	testPagination(t, bundledServer(t))
}

// TestHuawei is the acceptance query.
func TestHuawei(t *testing.T) {
	srv := bundledServer(t)
	for _, r := range []gqlResponse{
		post(t, srv, `{ node(id: "firm:huawei") { id name } }`, nil),
		get(t, srv, `{ node(id: "firm:huawei") { id name } }`, nil),
	} {
		assertJSON(t, mustData(t, r), `{"node": {"id": "firm:huawei", "name": "Huawei"}}`)
	}
}
