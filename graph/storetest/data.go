package storetest

import (
	"fmt"
	"math"

	"github.com/chipgraph/chipgraph/graph"
)

// Sample returns a small dataset that sets every field of graph.Node and
// graph.Edge somewhere, with the values that are easy to get wrong when
// stored: empty and missing names, NaN and zero shares, a share that is not
// a short decimal, year 0, several SUPPLIES years between the same pair,
// dates at the edges of the range, and text with quotes, newlines and
// non-ASCII letters. Each call returns a fresh copy.
func Sample() *graph.Dataset {
	d := graph.MustDate
	return &graph.Dataset{
		Nodes: []graph.Node{
			{ID: "source:s1", Kind: graph.KindSource, Name: "A report on \"lithography\"\nsecond line",
				Publisher: "Publisher Ltd", URL: "https://example.org/r?a=1&b=2", Date: d("2024-02-29"),
				Licence: "CC BY 4.0", Grade: "primary", Note: `back\slash`},
			{ID: "source:s2", Kind: graph.KindSource, Name: "Second source"},
			{ID: "country:USA", Kind: graph.KindCountry, Name: "United States", Aliases: []string{"US", "USA"}},
			{ID: "country:CHN", Kind: graph.KindCountry, Name: "China", ETOID: "CHN"},
			{ID: "country:NLD", Kind: graph.KindCountry, Name: "Netherlands", Sources: []graph.ID{"source:s1"}},
			{ID: "firm:acme", Kind: graph.KindFirm, Name: "Acme Société — 東京", Aliases: []string{"Acme", "ACME Corp."},
				Sources: []graph.ID{"source:s1", "source:s2"}, ETOID: "eto-123", Note: "note",
				Roles: []string{"designer", "foundry"}},
			{ID: "firm:beta", Kind: graph.KindFirm}, // nothing but the ID
			{ID: "input:euv", Kind: graph.KindInput, Name: "EUV lithography tools", Type: "tool",
				Description: "Extreme ultraviolet scanners", ETOID: "N27"},
			{ID: "input:resist", Kind: graph.KindInput, Name: "Photoresist", Type: "material", Aliases: []string{}},
			{ID: "product:chip", Kind: graph.KindProduct, Name: "Chip 1", Type: "ai-accelerator",
				Announced: d("1900-01-01"), Specs: "7nm, 1 TB/s"},
			{ID: "fab:f1", Kind: graph.KindFab, Name: "Fab 1", Location: "Hsinchu", Nodes: []string{"7nm", "5nm"},
				CapacityWPM: 100000, Status: "operating"},
			{ID: "event:e1", Kind: graph.KindControlEvent, Name: "Rule 1", Date: d("2022-10-07"),
				Effective: d("2022-10-21"), Expires: d("2100-12-31"), Issuer: "country:USA", Authority: "BIS",
				EventKind: "rule", Reach: "fdp", CoversAll: true, Citation: "87 FR 62186",
				URL: "https://www.federalregister.gov/x", LicencePolicy: "case-by-case",
				Conditions: []string{"third-party testing", "≤ 50 % of US volume"}},
			{ID: "event:e2", Kind: graph.KindControlEvent, Name: "Rule 2", Date: d("2023-10-17")},
			{ID: "event:e3", Kind: graph.KindControlEvent, Name: "Affiliates", Date: d("2025-09-29"),
				EventKind: "ownership-rule", OwnershipThreshold: 50, Reach: "hq", CoversAll: true},
			{ID: "observation:o1", Kind: graph.KindObservation, Name: "Teardown finds foreign dies", Date: d("2025-04-01"),
				Effective: d("2024-06-01"), Route: "stockpile", Evidence: "teardown", Quantity: 2.9e6, Unit: "dies",
				Sources: []graph.ID{"source:s1"}},
		},
		Edges: []graph.Edge{
			{From: "firm:acme", To: "country:USA", Kind: graph.HeadquarteredIn, Share: graph.NoShare,
				Sources: []graph.ID{"source:s1"}, ValidFrom: d("1990-01-01")},
			{From: "firm:beta", To: "firm:acme", Kind: graph.SubsidiaryOf, Share: 50, Note: "since \"2001\""},
			{From: "fab:f1", To: "country:NLD", Kind: graph.LocatedIn, Share: graph.NoShare,
				ValidFrom: d("2001-01-01"), ValidTo: d("2030-01-01")},
			{From: "fab:f1", To: "firm:acme", Kind: graph.OperatedBy}, // Share 0 on a non-SUPPLIES edge
			{From: "firm:acme", To: "product:chip", Kind: graph.Makes, Share: graph.NoShare},
			{From: "product:chip", To: "fab:f1", Kind: graph.FabricatedAt, Share: graph.NoShare, Node: "N7"},
			{From: "product:chip", To: "input:euv", Kind: graph.InstanceOf, Share: graph.NoShare},
			{From: "input:resist", To: "input:euv", Kind: graph.TypeOf, Share: graph.NoShare},
			{From: "product:chip", To: "input:euv", Kind: graph.Requires, Share: graph.NoShare, Group: "litho"},
			{From: "product:chip", To: "input:resist", Kind: graph.Requires, Share: graph.NoShare, Group: "litho"},
			{From: "fab:f1", To: "input:euv", Kind: graph.EquippedWith, Share: graph.NoShare, ValidFrom: d("2019-06-01")},
			{From: "firm:acme", To: "input:euv", Kind: graph.Supplies, Share: 83.5, Year: 2022, Basis: "firm-hq",
				Sources: []graph.ID{"source:s1"}},
			{From: "firm:acme", To: "input:euv", Kind: graph.Supplies, Share: 1.0 / 3.0, Year: 2023, Basis: "firm-hq"},
			{From: "firm:beta", To: "input:euv", Kind: graph.Supplies, Share: graph.NoShare, Year: 2023},
			{From: "country:CHN", To: "input:resist", Kind: graph.Supplies, Share: 0, Year: 0, Basis: "aggregate"},
			{From: "event:e1", To: "input:euv", Kind: graph.Covers, Share: graph.NoShare, Year: 2022}, // Year outside SUPPLIES
			{From: "event:e1", To: "country:CHN", Kind: graph.Targets, Share: graph.NoShare},
			{From: "event:e1", To: "firm:beta", Kind: graph.Exempts, Share: graph.NoShare, Sources: []graph.ID{}},
			{From: "event:e2", To: "event:e1", Kind: graph.Amends, Share: graph.NoShare},
			{From: "event:e2", To: "event:e1", Kind: graph.Rescinds, Share: graph.NoShare, ValidFrom: d("2023-11-17")},
			{From: "event:e2", To: "event:e3", Kind: graph.Suspends, Share: graph.NoShare, ValidTo: d("2026-11-10")},
			{From: "event:e2", To: "event:e1", Kind: graph.Licenses, Share: graph.NoShare},
			{From: "observation:o1", To: "product:chip", Kind: graph.Observes, Share: graph.NoShare},
			{From: "observation:o1", To: "firm:beta", Kind: graph.ReceivedBy, Share: graph.NoShare},
			{From: "observation:o1", To: "fab:f1", Kind: graph.SuppliedBy, Share: graph.NoShare},
			{From: "observation:o1", To: "event:e1", Kind: graph.Despite, Share: graph.NoShare},
			{From: "observation:o1", To: "event:e2", Kind: graph.FollowedBy, Share: graph.NoShare},
		},
	}
}

// SampleUpdated returns Sample after a round of curation: a share
// changed, a note cleared, an alias added, an edge dropped, a node dropped
// together with its edges, and a node and an edge added.
func SampleUpdated() *graph.Dataset {
	ds := Sample()
	var nodes []graph.Node
	for _, n := range ds.Nodes {
		switch n.ID {
		case "firm:beta":
			continue
		case "firm:acme":
			n.Note = ""
			n.Aliases = append([]string{"A.C.M.E."}, n.Aliases...)
		}
		nodes = append(nodes, n)
	}
	nodes = append(nodes, graph.Node{ID: "input:pellicle", Kind: graph.KindInput, Name: "EUV pellicles", Type: "material"})
	var edges []graph.Edge
	for _, e := range ds.Edges {
		switch {
		case e.From == "firm:beta" || e.To == "firm:beta":
			continue
		case e.Kind == graph.Targets:
			continue
		case e.Kind == graph.Supplies && e.Year == 2022:
			e.Share = 84
		}
		edges = append(edges, e)
	}
	edges = append(edges, graph.Edge{From: "input:pellicle", To: "input:euv", Kind: graph.TypeOf, Share: graph.NoShare})
	ds.Nodes, ds.Edges = nodes, edges
	return ds
}

// Generated returns a deterministic synthetic dataset of about n nodes and
// 3n edges: countries, firms headquartered in them, inputs in a taxonomy
// with requirements, products, fabs and supplier shares. Variant 0 is the
// base; variant v > 0 is a later version of it: about one node in 50 and
// one edge in 10 dropped, one node name in 13 and one share in 7 changed,
// and n/20 nodes added. Generated(n, v) is the same every time.
func Generated(n, variant int) *graph.Dataset {
	ds := &graph.Dataset{}
	ids := map[graph.ID]bool{}
	dropNode := func(i int) bool { return variant > 0 && i%50 == 49 }
	add := func(node graph.Node, i int) {
		if dropNode(i) {
			return
		}
		if variant > 0 && i%13 == 0 {
			node.Name += fmt.Sprintf(" (v%d)", variant)
		}
		ds.Nodes = append(ds.Nodes, node)
		ids[node.ID] = true
	}
	nCountries := max(3, n/100)
	nFirms := n * 4 / 10
	nInputs := n * 3 / 10
	nProducts := n * 2 / 10
	nFabs := max(1, n-nCountries-nFirms-nInputs-nProducts-1)
	extra := 0
	if variant > 0 {
		extra = n / 20
	}
	country := func(i int) graph.ID { return graph.ID(fmt.Sprintf("country:C%02d", i)) }
	firm := func(i int) graph.ID { return graph.ID(fmt.Sprintf("firm:f%06d", i)) }
	input := func(i int) graph.ID { return graph.ID(fmt.Sprintf("input:i%06d", i)) }
	product := func(i int) graph.ID { return graph.ID(fmt.Sprintf("product:p%06d", i)) }
	fab := func(i int) graph.ID { return graph.ID(fmt.Sprintf("fab:b%06d", i)) }
	i := 0
	add(graph.Node{ID: "source:gen", Kind: graph.KindSource, Name: "Generated", Publisher: "storetest"}, 1)
	for k := range nCountries {
		add(graph.Node{ID: country(k), Kind: graph.KindCountry, Name: fmt.Sprintf("Country %d", k)}, 1)
	}
	for k := range nFirms + extra {
		if k >= nFirms && variant == 0 {
			break
		}
		add(graph.Node{ID: firm(k), Kind: graph.KindFirm, Name: fmt.Sprintf("Firm %d", k),
			Roles:   []string{[]string{"designer", "foundry", "equipment", "materials"}[k%4]},
			Sources: []graph.ID{"source:gen"}}, i)
		i++
	}
	for k := range nInputs {
		add(graph.Node{ID: input(k), Kind: graph.KindInput, Name: fmt.Sprintf("Input %d", k),
			Type: []string{"tool", "material", "process", "design"}[k%4]}, i)
		i++
	}
	for k := range nProducts {
		add(graph.Node{ID: product(k), Kind: graph.KindProduct, Name: fmt.Sprintf("Product %d", k),
			Announced: graph.Date(20200101 + (k%12)*100)}, i)
		i++
	}
	for k := range nFabs {
		add(graph.Node{ID: fab(k), Kind: graph.KindFab, Name: fmt.Sprintf("Fab %d", k),
			Nodes: []string{"7nm", "5nm"}[:1+k%2], CapacityWPM: 1000 * (k%50 + 1), Status: "operating"}, i)
		i++
	}
	add(graph.Node{ID: "event:gen", Kind: graph.KindControlEvent, Name: "Control", Date: 20221007,
		Issuer: country(0), EventKind: "rule"}, 1)

	j := 0
	keys := map[string]bool{}
	edge := func(e graph.Edge) {
		j++
		if !ids[e.From] || !ids[e.To] || (variant > 0 && j%10 == 9) || keys[e.Key()] {
			return
		}
		keys[e.Key()] = true
		if e.Kind == graph.Supplies && variant > 0 && j%7 == 0 {
			e.Share += float64(variant)
		}
		ds.Edges = append(ds.Edges, e)
	}
	for k := range nFirms + extra {
		edge(graph.Edge{From: firm(k), To: country(k % nCountries), Kind: graph.HeadquarteredIn, Share: graph.NoShare})
		edge(graph.Edge{From: firm(k), To: input((k * 7) % nInputs), Kind: graph.Supplies,
			Share: float64(k%100) / 2, Year: 2020 + k%4, Basis: "firm-hq", Sources: []graph.ID{"source:gen"}})
		edge(graph.Edge{From: firm(k), To: input((k*13 + 5) % nInputs), Kind: graph.Supplies,
			Share: math.NaN(), Year: 2023})
		if k%10 == 0 {
			edge(graph.Edge{From: firm(k), To: product(k % nProducts), Kind: graph.Makes, Share: graph.NoShare})
		}
	}
	for k := range nInputs {
		if k > 0 {
			edge(graph.Edge{From: input(k), To: input(k / 2), Kind: graph.TypeOf, Share: graph.NoShare})
		}
		edge(graph.Edge{From: input(k), To: input((k + 1) % nInputs), Kind: graph.Requires, Share: graph.NoShare,
			Group: fmt.Sprintf("g%d", k%3)})
	}
	for k := range nProducts {
		edge(graph.Edge{From: product(k), To: input(k % nInputs), Kind: graph.InstanceOf, Share: graph.NoShare})
		edge(graph.Edge{From: product(k), To: fab(k % nFabs), Kind: graph.FabricatedAt, Share: graph.NoShare, Node: "7nm"})
		edge(graph.Edge{From: product(k), To: input((k * 3) % nInputs), Kind: graph.Requires, Share: graph.NoShare})
	}
	for k := range nFabs {
		edge(graph.Edge{From: fab(k), To: country(k % nCountries), Kind: graph.LocatedIn, Share: graph.NoShare})
		edge(graph.Edge{From: fab(k), To: input(k % nInputs), Kind: graph.EquippedWith, Share: graph.NoShare,
			ValidFrom: 20190101})
	}
	edge(graph.Edge{From: "event:gen", To: input(0), Kind: graph.Covers, Share: graph.NoShare})
	edge(graph.Edge{From: "event:gen", To: country(1), Kind: graph.Targets, Share: graph.NoShare})
	return ds
}

// UniqueEdges drops from ds every edge whose graph.Edge.Key repeats an
// earlier one, and returns ds. Two edges with one key are one fact; the
// Neo4j store rejects datasets that repeat one (Conflict), and graph/synth
// can produce exact repeats.
func UniqueEdges(ds *graph.Dataset) *graph.Dataset {
	seen := make(map[string]bool, len(ds.Edges))
	edges := ds.Edges[:0:0]
	for _, e := range ds.Edges {
		if !seen[e.Key()] {
			seen[e.Key()] = true
			edges = append(edges, e)
		}
	}
	ds.Edges = edges
	return ds
}
