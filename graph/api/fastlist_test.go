package api

import (
	"bytes"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/synth"
)

// TestFastUpstreamSameBytes: an upstream closure written by the fast path
// (fastUpstream) is byte for byte the response gqlgen writes, over plain
// selections (aliases, repeats, every field it serves) and over those it
// leaves to gqlgen; names hold what JSON must escape.
func TestFastUpstreamSameBytes(t *testing.T) {
	ds := synth.Generate(3000, 4)
	odd := []string{"quote \" and \\ backslash", "tab\tnew\nline\r\x01\x1f", "Réseau 東京 <&> \u2028\u2029", "emoji 🧪"}
	k := 0
	for i := range ds.Nodes {
		if ds.Nodes[i].Kind == graph.KindInput || ds.Nodes[i].Kind == graph.KindFirm {
			if k%7 == 0 {
				ds.Nodes[i].Name = odd[k/7%len(odd)] + " " + ds.Nodes[i].Name
			}
			k++
		}
	}
	srv := newTestServer(t, ds, Options{})
	snap := srv.holder.Snapshot()
	var products []graph.ID
	for _, p := range snap.OfKind(graph.KindProduct)[:6] {
		products = append(products, snap.Node(p).ID)
	}
	plain := []string{
		`{ node { id } tier }`,
		`{ tier node { id name } }`,
		`{ a: tier b: node { x: id y: name id } __typename }`,
		`{ node { id } node { name } tier }`,
		`{ tier tier node { id id } }`,
		`{ __typename }`,
		`{ node { name } }`,
	}
	other := []string{
		`{ node { id __typename } tier }`,
		`{ node { ... on Firm { id } } tier }`,
		`{ tier @include(if: true) node { id } }`,
		`{ tier node { id @skip(if: false) } }`,
		`{ tier via { from { id } to { id } kind } node { id } }`,
		`{ ... on UpstreamItem { tier } node { id } }`,
	}
	used := func() int64 { return fastListsUsed.Load() }
	check := func(sel string, depth int, wantFast bool) {
		t.Helper()
		q := `query($of: ID!, $d: Int) { upstream(of: $of, maxDepth: $d, asOf: "2024-06-01") ` + sel + ` }`
		for _, p := range products {
			vars := map[string]any{"of": string(p), "d": depth}
			before := used()
			fast := post(t, srv, q, vars)
			if took := used() > before; took != wantFast {
				t.Fatalf("%s: fast path taken %v, want %v", sel, took, wantFast)
			}
			fastLists = false
			slow := post(t, srv, q, vars)
			fastLists = true
			if fast.Status != 200 || len(fast.Errors) > 0 {
				t.Fatalf("%s of %s: %d %.300s", sel, p, fast.Status, fast.Raw)
			}
			if !bytes.Equal(fast.Raw, slow.Raw) {
				t.Fatalf("%s of %s: the fast path writes\n%.600s\ngqlgen writes\n%.600s", sel, p, fast.Raw, slow.Raw)
			}
		}
	}
	for _, depth := range []int{1, 3, 8} {
		for _, sel := range plain {
			check(sel, depth, true)
		}
		for _, sel := range other {
			check(sel, depth, false)
		}
	}
	// The names that need escaping were written.
	r := post(t, srv, `query($of: ID!) { upstream(of: $of, maxDepth: 8, asOf: "2024-06-01") { node { name } } }`, map[string]any{"of": string(products[0])})
	if !bytes.Contains(r.Raw, []byte(`\"`)) && !bytes.Contains(r.Raw, []byte(`\u`)) {
		t.Fatalf("no escaped name in the closure of %s: the test says little about escaping", products[0])
	}
}
