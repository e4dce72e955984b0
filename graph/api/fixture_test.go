package api

import (
	"math"

	"github.com/chipgraph/chipgraph/graph"
)

// fixture returns a small hand-built graph that exercises every node kind,
// edge kind and filter. It is test data: some facts are simplified or
// invented and must not be read as real.
func fixture() *graph.Dataset {
	src := []graph.ID{"source:test-a"}
	d := graph.MustDate
	ds := &graph.Dataset{}
	add := func(n graph.Node) {
		n.Kind = n.ID.Kind()
		if n.Sources == nil && n.Kind != graph.KindSource {
			n.Sources = src
		}
		ds.Nodes = append(ds.Nodes, n)
	}
	edge := func(from graph.ID, k graph.EdgeKind, to graph.ID, opts ...func(*graph.Edge)) {
		e := graph.Edge{From: from, Kind: k, To: to, Share: math.NaN(), Sources: src}
		for _, o := range opts {
			o(&e)
		}
		ds.Edges = append(ds.Edges, e)
	}
	share := func(year int, pct float64) func(*graph.Edge) {
		return func(e *graph.Edge) { e.Year, e.Share = year, pct }
	}

	add(graph.Node{ID: "source:test-a", Name: "Test source A", Publisher: "Test Publisher",
		URL: "https://example.org/a", Date: d("2024-01-15"), Licence: "CC BY 4.0"})
	add(graph.Node{ID: "source:test-b", Name: "Test source B"})

	add(graph.Node{ID: "country:CHN", Name: "China", Aliases: []string{"People's Republic of China", "PRC"}})
	add(graph.Node{ID: "country:JPN", Name: "Japan"})
	add(graph.Node{ID: "country:NLD", Name: "Netherlands"})
	add(graph.Node{ID: "country:TWN", Name: "Taiwan"})
	add(graph.Node{ID: "country:USA", Name: "United States", Aliases: []string{"USA"}})
	add(graph.Node{ID: "country:FRA", Name: "France"})

	firms := []struct {
		id, name, country string
		roles, aliases    []string
	}{
		{"firm:huawei", "Huawei", "CHN", []string{"designer", "systems"}, []string{"Huawei Technologies Co., Ltd.", "华为"}},
		{"firm:hisilicon", "HiSilicon", "CHN", []string{"designer"}, nil},
		{"firm:smic", "SMIC", "CHN", []string{"foundry"}, []string{"Semiconductor Manufacturing International Corporation"}},
		{"firm:tsmc", "TSMC", "TWN", []string{"foundry"}, []string{"Taiwan Semiconductor Manufacturing Company Limited"}},
		{"firm:asml", "ASML", "NLD", []string{"equipment"}, []string{"ASML Holding N.V."}},
		{"firm:nikon", "Nikon", "JPN", []string{"equipment"}, nil},
		{"firm:tokyo-electron", "Tokyo Electron", "JPN", []string{"equipment"}, []string{"Tokyo Electron Limited", "TEL"}},
		{"firm:jsr", "JSR", "JPN", []string{"materials"}, []string{"JSR Corporation"}},
		{"firm:nvidia", "NVIDIA", "USA", []string{"designer"}, nil},
		{"firm:cea-leti", "CEA-Leti", "FRA", []string{"ip"}, []string{"Commissariat à l'énergie atomique"}},
	}
	for _, f := range firms {
		add(graph.Node{ID: graph.ID(f.id), Name: f.name, Roles: f.roles, Aliases: f.aliases})
		edge(graph.ID(f.id), graph.HeadquarteredIn, graph.ID("country:"+f.country))
	}
	ds.Nodes[len(ds.Nodes)-1].Note = "test firm with an accented alias"
	edge("firm:hisilicon", graph.SubsidiaryOf, "firm:huawei")

	add(graph.Node{ID: "input:lithography-tools", Name: "Lithography tools", Type: "tool", ETOID: "N20"})
	add(graph.Node{ID: "input:euv-lithography-tools", Name: "EUV lithography tools", Type: "tool",
		Description: "Extreme-ultraviolet scanners, 13.5 nm light."})
	add(graph.Node{ID: "input:arf-immersion-lithography-tools", Name: "ArF immersion lithography tools", Type: "tool"})
	add(graph.Node{ID: "input:photoresist", Name: "Photoresist", Type: "material"})
	add(graph.Node{ID: "input:7nm-logic-process", Name: "7nm-class logic process", Type: "process"})
	add(graph.Node{ID: "input:ai-accelerators", Name: "AI accelerators", Type: "output"})
	edge("input:euv-lithography-tools", graph.TypeOf, "input:lithography-tools")
	edge("input:arf-immersion-lithography-tools", graph.TypeOf, "input:lithography-tools")
	group := func(g string) func(*graph.Edge) { return func(e *graph.Edge) { e.Group = g } }
	edge("input:7nm-logic-process", graph.Requires, "input:euv-lithography-tools", group("litho"))
	edge("input:7nm-logic-process", graph.Requires, "input:arf-immersion-lithography-tools", group("litho"))
	edge("input:7nm-logic-process", graph.Requires, "input:photoresist")
	edge("firm:asml", graph.Makes, "input:euv-lithography-tools")

	add(graph.Node{ID: "product:ascend-910c", Name: "Ascend 910C", Type: "ai-accelerator",
		Announced: d("2024-08-01"), Specs: "SMIC N+2", Aliases: []string{"Ascend 910 C"}})
	add(graph.Node{ID: "product:h20", Name: "H20", Type: "ai-accelerator", Announced: d("2023-11-01")})
	add(graph.Node{ID: "product:twinscan-nxe-3800e", Name: "TWINSCAN NXE:3800E", Type: "euv-scanner"})
	add(graph.Node{ID: "product:nsr-s635e", Name: "NSR-S635E", Type: "duv-scanner"})
	edge("firm:hisilicon", graph.Makes, "product:ascend-910c")
	edge("firm:nvidia", graph.Makes, "product:h20")
	edge("firm:asml", graph.Makes, "product:twinscan-nxe-3800e")
	edge("firm:nikon", graph.Makes, "product:nsr-s635e")
	edge("product:ascend-910c", graph.InstanceOf, "input:ai-accelerators")
	edge("product:h20", graph.InstanceOf, "input:ai-accelerators")
	edge("product:twinscan-nxe-3800e", graph.InstanceOf, "input:euv-lithography-tools")
	edge("product:nsr-s635e", graph.InstanceOf, "input:arf-immersion-lithography-tools")
	edge("product:ascend-910c", graph.Requires, "input:7nm-logic-process")

	add(graph.Node{ID: "fab:smic-sn2", Name: "SMIC SN2", Location: "Shanghai", Nodes: []string{"N+1", "N+2"},
		Status: "operating"})
	add(graph.Node{ID: "fab:tsmc-fab-18", Name: "TSMC Fab 18", Location: "Tainan", Nodes: []string{"5nm", "3nm"},
		CapacityWPM: 120000, Status: "operating"})
	add(graph.Node{ID: "fab:tsmc-arizona", Name: "TSMC Arizona", Location: "Phoenix", Status: "construction"})
	edge("fab:smic-sn2", graph.OperatedBy, "firm:smic")
	edge("fab:smic-sn2", graph.LocatedIn, "country:CHN")
	edge("fab:tsmc-fab-18", graph.OperatedBy, "firm:tsmc")
	edge("fab:tsmc-fab-18", graph.LocatedIn, "country:TWN")
	edge("fab:tsmc-arizona", graph.OperatedBy, "firm:tsmc")
	edge("fab:tsmc-arizona", graph.LocatedIn, "country:USA")
	edge("fab:smic-sn2", graph.EquippedWith, "input:arf-immersion-lithography-tools", func(e *graph.Edge) {
		e.ValidFrom = d("2019-01-01")
	})
	edge("product:ascend-910c", graph.FabricatedAt, "fab:smic-sn2", func(e *graph.Edge) {
		e.Node, e.ValidFrom, e.Note = "N+2", d("2024-01-01"), "test claim"
	})
	edge("product:ascend-910c", graph.FabricatedAt, "fab:tsmc-fab-18", func(e *graph.Edge) {
		e.Node, e.ValidTo = "N7", d("2020-09-15")
	})
	edge("product:h20", graph.FabricatedAt, "fab:tsmc-fab-18", func(e *graph.Edge) { e.Node = "4N" })

	edge("firm:asml", graph.Supplies, "input:euv-lithography-tools", share(2019, 100))
	edge("firm:asml", graph.Supplies, "input:euv-lithography-tools", share(2025, 100))
	edge("firm:asml", graph.Supplies, "input:arf-immersion-lithography-tools", share(2025, 62))
	edge("firm:nikon", graph.Supplies, "input:arf-immersion-lithography-tools", share(2025, 30))
	edge("firm:jsr", graph.Supplies, "input:photoresist", share(2025, 30))
	edge("firm:tokyo-electron", graph.Supplies, "input:photoresist", func(e *graph.Edge) { e.Year = 2025 })
	edge("country:JPN", graph.Supplies, "input:photoresist", share(2025, 90), func(e *graph.Edge) { e.Basis = "country-hq" })

	add(graph.Node{ID: "event:us-bis-2019-05-16-huawei-entity-list", Name: "Huawei added to the Entity List",
		Date: d("2019-05-16"), Issuer: "country:USA", Authority: "BIS", EventKind: "entity-listing", Reach: "hq",
		CoversAll: true, Citation: "84 FR 22961", URL: "https://example.org/84fr22961"})
	add(graph.Node{ID: "event:us-bis-2020-08-17-huawei-fdp", Name: "Foreign direct product rule for Huawei",
		Date: d("2020-08-17"), Effective: d("2020-09-15"), Issuer: "country:USA", Authority: "BIS",
		EventKind: "rule", Reach: "fdp", CoversAll: true})
	add(graph.Node{ID: "event:us-bis-2022-10-07-advanced-computing", Name: "Advanced computing rule",
		Date: d("2022-10-07"), Issuer: "country:USA", Authority: "BIS", EventKind: "rule", Reach: "hq"})
	add(graph.Node{ID: "event:nl-2023-06-30-lithography", Name: "Dutch lithography export rule",
		Date: d("2023-06-30"), Effective: d("2023-09-01"), Issuer: "country:NLD", Authority: "Dutch government",
		EventKind: "rule", Reach: "hq"})
	add(graph.Node{ID: "event:cn-mofcom-2024-12-03-counter", Name: "Test counter-control",
		Date: d("2024-12-03"), Issuer: "country:CHN", Authority: "MOFCOM", EventKind: "counter-control",
		Expires: d("2026-11-27")})
	add(graph.Node{ID: "event:cn-mofcom-2025-11-05-suspension", Name: "Test suspension of the counter-control",
		Date: d("2025-11-05"), Effective: d("2025-11-10"), Issuer: "country:CHN", Authority: "MOFCOM", EventKind: "rescission"})
	edge("event:us-bis-2019-05-16-huawei-entity-list", graph.Targets, "firm:huawei")
	edge("event:us-bis-2020-08-17-huawei-fdp", graph.Targets, "firm:huawei")
	edge("event:us-bis-2020-08-17-huawei-fdp", graph.Targets, "firm:hisilicon")
	edge("event:us-bis-2020-08-17-huawei-fdp", graph.Amends, "event:us-bis-2019-05-16-huawei-entity-list")
	edge("event:us-bis-2022-10-07-advanced-computing", graph.Covers, "input:ai-accelerators")
	edge("event:us-bis-2022-10-07-advanced-computing", graph.Targets, "country:CHN")
	edge("event:us-bis-2022-10-07-advanced-computing", graph.Exempts, "product:h20")
	edge("event:nl-2023-06-30-lithography", graph.Covers, "input:arf-immersion-lithography-tools")
	edge("event:nl-2023-06-30-lithography", graph.Covers, "input:euv-lithography-tools")
	edge("event:nl-2023-06-30-lithography", graph.Targets, "country:CHN")
	edge("event:cn-mofcom-2024-12-03-counter", graph.Targets, "country:USA")
	edge("event:cn-mofcom-2025-11-05-suspension", graph.Rescinds, "event:cn-mofcom-2024-12-03-counter")
	return ds
}
