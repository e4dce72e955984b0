package api

import (
	"slices"
	"testing"
)

// TestActiveControls answers two questions of docs/questions.md through the API
// over the bundled dataset: which controls applied to YMTC on 2023-01-01
// (its own Entity List listing and two rules on China; sources in
// graph/analysis/questions_test.go), and which covered HBM, since when.
func TestActiveControls(t *testing.T) {
	srv := bundledServer(t)
	type active struct {
		Event     struct{ ID string }
		Effective string
		Reach     string
		Through   []struct{ ID string }
	}
	list := func(items []active) []string {
		var out []string
		for _, a := range items {
			s := a.Event.ID + " " + a.Effective + " " + a.Reach + " via"
			for _, th := range a.Through {
				s += " " + th.ID
			}
			out = append(out, s)
		}
		return out
	}
	const sel = `activeControls(asOf: $day) { event { id } effective reach through { id } }`

	r := post(t, srv, `query($day: Date) { node(id: "firm:ymtc") { ... on Firm { `+sel+` } } }`, map[string]any{"day": "2023-01-01"})
	var firm struct {
		Node struct{ ActiveControls []active }
	}
	decodeData(t, r.Data, &firm)
	want := []string{
		"event:nl-gov-2020-01-06-euv-licence-not-renewed 2020-01-06 hq via country:CHN",
		"event:us-bis-2022-10-07-advanced-computing 2022-10-07 fdp via country:CHN",
		"event:us-bis-2022-12-15-entity-list-ymtc 2022-12-16 hq via firm:ymtc",
	}
	if got := list(firm.Node.ActiveControls); !slices.Equal(got, want) {
		t.Errorf("YMTC, 2023-01-01:\n got %q\nwant %q\n%s", got, want, r.Raw)
	}

	for day, want := range map[string][]string{
		"2024-12-01": nil,
		"2025-06-01": {"event:us-bis-2024-12-02-fdp-sme-hbm 2024-12-02 fdp via input:hbm"},
	} {
		r := post(t, srv, `query($day: Date) { node(id: "input:hbm") { ... on Input { `+sel+` } } }`, map[string]any{"day": day})
		var input struct {
			Node struct{ ActiveControls []active }
		}
		decodeData(t, r.Data, &input)
		if got := list(input.Node.ActiveControls); !slices.Equal(got, want) {
			t.Errorf("HBM, %s:\n got %q\nwant %q\n%s", day, got, want, r.Raw)
		}
	}

	r = post(t, srv, `{ node(id: "country:CHN") { ... on Country { activeControls(asOf: "2023-01-01") { event { id } } } } }`, nil)
	var country struct {
		Node struct{ ActiveControls []active }
	}
	decodeData(t, r.Data, &country)
	if len(country.Node.ActiveControls) == 0 {
		t.Errorf("no control in force on China on 2023-01-01: %s", r.Raw)
	}
}

// TestUpstreamViaOnlyWhenSelected: the upstream closure skips the via
// explanations when no selection asks for them, and still gives them when
// asked directly, through an inline fragment or through a named fragment;
// nodes and tiers are the same either way.
func TestUpstreamViaOnlyWhenSelected(t *testing.T) {
	srv := bundledServer(t)
	type item struct {
		Node struct{ ID string }
		Tier int
		Via  []struct{ Kind string }
	}
	ask := func(query string) []item {
		t.Helper()
		r := post(t, srv, query, nil)
		var d struct{ Upstream []item }
		decodeData(t, r.Data, &d)
		if len(d.Upstream) < 10 {
			t.Fatalf("%d items: %s", len(d.Upstream), r.Raw)
		}
		return d.Upstream
	}
	const args = `upstream(of: "product:ascend-910c", asOf: "2025-06-01")`
	plain := ask(`{ ` + args + ` { node { id } tier } }`)
	for _, q := range []string{
		`{ ` + args + ` { node { id } tier via { kind } } }`,
		`{ ` + args + ` { node { id } tier ... on UpstreamItem { via { kind } } } }`,
		`query { ` + args + ` { node { id } tier ...V } } fragment V on UpstreamItem { via { kind } }`,
	} {
		got := ask(q)
		if len(got) != len(plain) {
			t.Fatalf("%s: %d items, without via %d", q, len(got), len(plain))
		}
		for i := range got {
			if got[i].Node.ID != plain[i].Node.ID || got[i].Tier != plain[i].Tier || len(got[i].Via) == 0 {
				t.Fatalf("%s: item %d is %+v, without via %+v", q, i, got[i], plain[i])
			}
		}
	}
}
