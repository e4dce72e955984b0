package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/chipgraph/chipgraph/graph"
)

// Standard sizes (nodes) for benchmarks: small, medium and large.
const (
	Small  = 1_000
	Medium = 100_000
	Large  = 1_000_000
)

// MinNodes is the smallest graph Generate makes.
const MinNodes = 200

// Levels is the depth of the input requirement DAG.
const Levels = 12

// Planted facts (see the package comment).
const (
	PlantedChokepoints = 5
	PlantedControl     = graph.ID("event:planted-control")
	PlantedEffective   = graph.Date(20221007)
)

// PlantedChokepoint returns the ID of planted chokepoint i (1-based).
func PlantedChokepoint(i int) graph.ID {
	return graph.ID(fmt.Sprintf("input:planted-chokepoint-%d", i))
}

// PlantedMonopolist returns the ID of the sole supplier of planted
// chokepoint i (1-based).
func PlantedMonopolist(i int) graph.ID { return graph.ID(fmt.Sprintf("firm:planted-monopolist-%d", i)) }

// Source is the one source every synthetic fact cites.
const Source = graph.ID("source:synthetic")

// ParseTier reads a size: "small", "medium", "large" (or s, m, l), "1k",
// "100k", "1m", "1e5", or a plain number of nodes.
func ParseTier(s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "s", "small":
		return Small, nil
	case "m", "medium":
		return Medium, nil
	case "l", "large":
		return Large, nil
	}
	mult := 1.0
	switch {
	case strings.HasSuffix(t, "k"):
		mult, t = 1e3, strings.TrimSuffix(t, "k")
	case strings.HasSuffix(t, "m"):
		mult, t = 1e6, strings.TrimSuffix(t, "m")
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f*mult < MinNodes || f*mult > 1e8 {
		return 0, fmt.Errorf("bad size %q: want small, medium, large, or a number of nodes from %d to 1e8 (1k, 100k, 1m, 1e5)", s, MinNodes)
	}
	return int(f * mult), nil
}

// countries are real ISO 3166-1 alpha-3 codes, with weights for firm
// headquarters and fab locations.
var countries = []struct {
	code   string
	weight int
}{
	{"USA", 30}, {"CHN", 22}, {"JPN", 14}, {"TWN", 10}, {"KOR", 8}, {"NLD", 4}, {"DEU", 5}, {"GBR", 2}, {"FRA", 2},
	{"SGP", 2}, {"ISR", 1}, {"IND", 1}, {"MYS", 1}, {"IRL", 1}, {"CHE", 1}, {"AUT", 1}, {"BEL", 1}, {"SWE", 1},
	{"FIN", 1}, {"ITA", 1}, {"CAN", 1}, {"VNM", 1}, {"THA", 1}, {"PHL", 1}, {"MEX", 1}, {"BRA", 1}, {"AUS", 1},
	{"ESP", 1}, {"RUS", 0}, {"IRN", 0}, // weight 0: destinations of controls, home to no synthetic firm
}

// maxShare caps the top supplier's share of a random input.
const maxShare = 0.85

// capShares lowers weights above limit of the total to the limit and
// spreads the excess over the others in proportion (the total is kept).
func capShares(w []float64, sum, limit float64) {
	for range len(w) {
		excess, rest := 0.0, 0.0
		for i := range w {
			if w[i] > limit*sum {
				excess += w[i] - limit*sum
				w[i] = limit * sum
			} else {
				rest += w[i]
			}
		}
		if excess == 0 || rest == 0 {
			return
		}
		for i := range w {
			if w[i] < limit*sum {
				w[i] += excess * w[i] / rest
			}
		}
	}
}

// topHQs are the headquarters of the firms with the most supply links
// (the head of the Zipf distribution).
var topHQs = []string{"USA", "JPN", "NLD", "TWN", "KOR", "DEU", "USA", "JPN", "CHN", "GBR"}

// gen holds the state of one generation.
type gen struct {
	r   *rand.Rand
	ds  *graph.Dataset
	src []graph.ID

	country   []graph.ID
	countryW  []int // cumulative weights
	firms     []graph.ID
	firmHQ    []int
	firmZipf  *rand.Zipf
	inputs    []graph.ID
	level     []int
	byLevel   [][]int
	tools     []int
	products  []graph.ID
	fabs      []graph.ID
	events    []graph.ID
	eventDate []graph.Date
}

// Generate returns a synthetic dataset of n nodes (at least MinNodes) and
// about 5.5 edges per node, the same for the same n and seed.
func Generate(n int, seed int64) *graph.Dataset {
	n = max(n, MinNodes)
	g := &gen{
		r:   rand.New(rand.NewPCG(uint64(seed), 0x6368697067726170)), // "chipgrap"
		ds:  &graph.Dataset{},
		src: []graph.ID{Source},
	}
	nEvents := max(12, n/400)
	nFirms := max(20, n*8/100)
	nFabs := max(5, n*2/100)
	nInputs := max(4*Levels, n*15/100)
	nProducts := n - 1 - len(countries) - nFirms - nFabs - nInputs - nEvents
	g.ds.Nodes = make([]graph.Node, 0, n)
	g.ds.Edges = make([]graph.Edge, 0, n*11/2)
	g.node(graph.Node{ID: Source, Kind: graph.KindSource, Name: "chipgraph synthetic generator", Publisher: "chipgraph",
		Licence: "public domain", Note: fmt.Sprintf("synthetic graph of %d nodes, seed %d", n, seed)})
	g.countries()
	g.makeFirms(nFirms)
	g.makeInputs(nInputs)
	g.makeFabs(nFabs)
	g.makeProducts(nProducts)
	g.plant()
	g.makeEvents(nEvents)
	g.dedupeEdges()
	return g.ds
}

// dedupeEdges keeps the first of edges that are the same fact (same
// graph.Edge.Key): random picks can repeat (a firm drawn twice as maker of
// one input), and a dataset may hold each fact once.
func (g *gen) dedupeEdges() {
	seen := make(map[string]bool, len(g.ds.Edges))
	out := g.ds.Edges[:0]
	for _, e := range g.ds.Edges {
		if k := e.Key(); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	g.ds.Edges = out
}

func (g *gen) node(n graph.Node) {
	if n.Name == "" {
		n.Name = n.ID.Slug()
	}
	n.Kind = n.ID.Kind()
	n.Sources = g.src
	g.ds.Nodes = append(g.ds.Nodes, n)
}

func (g *gen) edge(from graph.ID, kind graph.EdgeKind, to graph.ID) *graph.Edge {
	g.ds.Edges = append(g.ds.Edges, graph.Edge{From: from, To: to, Kind: kind, Share: graph.NoShare, Sources: g.src})
	return &g.ds.Edges[len(g.ds.Edges)-1]
}

func (g *gen) countries() {
	total := 0
	for _, c := range countries {
		id := graph.ID("country:" + c.code)
		g.node(graph.Node{ID: id, Name: c.code})
		g.country = append(g.country, id)
		total += c.weight
		g.countryW = append(g.countryW, total)
	}
}

// pickCountry returns a country index by headquarters weight.
func (g *gen) pickCountry() int {
	x := g.r.IntN(g.countryW[len(g.countryW)-1])
	for i, w := range g.countryW {
		if x < w {
			return i
		}
	}
	return 0
}

func (g *gen) countryIndex(code string) int {
	for i, c := range countries {
		if c.code == code {
			return i
		}
	}
	panic("unknown country " + code)
}

// date returns a valid date between the years lo and hi inclusive.
func (g *gen) date(lo, hi int) graph.Date {
	y := lo + g.r.IntN(hi-lo+1)
	m := 1 + g.r.IntN(12)
	d := 1 + g.r.IntN(28)
	return graph.Date(y*10000 + m*100 + d)
}

func (g *gen) makeFirms(nFirms int) {
	nFirms -= PlantedChokepoints + 1 // the monopolists and the aggregate provider are firms too
	roles := []string{"designer", "foundry", "idm", "equipment", "materials", "eda", "memory", "osat"}
	for i := range nFirms {
		id := graph.ID(fmt.Sprintf("firm:f%07d", i))
		g.node(graph.Node{ID: id, Roles: []string{roles[g.r.IntN(len(roles))]}})
		hq := g.pickCountry()
		if i < len(topHQs) { // the largest suppliers are spread over the main producing countries
			hq = g.countryIndex(topHQs[i])
		}
		g.firms = append(g.firms, id)
		g.firmHQ = append(g.firmHQ, hq)
		g.edge(id, graph.HeadquarteredIn, g.country[hq])
		if i > 10 && g.r.IntN(10) == 0 { // a subsidiary of an earlier firm: no cycles
			p := g.r.IntN(i)
			g.edge(id, graph.SubsidiaryOf, g.firms[p])
		}
	}
	// Supplier degrees follow a Zipf law over firm indexes: firm 0 supplies
	// the most, and the tail supplies one or two items.
	g.firmZipf = rand.NewZipf(g.r, 1.2, 4, uint64(len(g.firms)-1))
}

func (g *gen) zipfFirm() int { return int(g.firmZipf.Uint64()) }

func inputType(level int, r *rand.Rand) string {
	switch {
	case level <= 2:
		if r.IntN(2) == 0 {
			return "tool"
		}
		return "material"
	case level <= 7:
		return "process"
	case r.IntN(3) == 0:
		return "design"
	}
	return "component"
}

func (g *gen) makeInputs(nInputs int) {
	nInputs -= PlantedChokepoints
	g.byLevel = make([][]int, Levels)
	for i := range nInputs {
		id := graph.ID(fmt.Sprintf("input:i%07d", i))
		lv := i * Levels / nInputs
		typ := inputType(lv, g.r)
		g.node(graph.Node{ID: id, Type: typ})
		g.inputs = append(g.inputs, id)
		g.level = append(g.level, lv)
		g.byLevel[lv] = append(g.byLevel[lv], i)
		if typ == "tool" {
			g.tools = append(g.tools, i)
		}
	}
	for i, id := range g.inputs {
		lv := g.level[i]
		peers := g.byLevel[lv]
		// A taxonomy within a level: a third of the inputs are a kind of
		// an earlier input of the same level.
		if pos := i - peers[0]; pos > 2 && g.r.IntN(3) == 0 {
			g.edge(id, graph.TypeOf, g.inputs[peers[g.r.IntN(pos)]])
		}
		if lv > 0 {
			g.requirements(id, lv)
		}
		g.suppliers(id, g.level[i])
	}
}

// requirements draws 2–5 requirements from lower levels (mostly the level
// just below), one of them always from lv-1 so that the DAG is Levels deep,
// and in a third of the inputs makes two or three of them alternatives.
func (g *gen) requirements(id graph.ID, lv int) {
	k := 2 + g.r.IntN(4)
	var picked []int
	for j := 0; j < k; j++ {
		t := lv - 1
		if j > 0 {
			for t > 0 && g.r.IntN(2) == 0 {
				t--
			}
		}
		c := g.byLevel[t][g.r.IntN(len(g.byLevel[t]))]
		dup := false
		for _, p := range picked {
			dup = dup || p == c
		}
		if !dup {
			picked = append(picked, c)
		}
	}
	alts := 0
	if len(picked) >= 3 && g.r.IntN(3) == 0 {
		alts = 2 + g.r.IntN(len(picked)-1)
		alts = min(alts, 3)
	}
	for j, c := range picked {
		e := g.edge(id, graph.Requires, g.inputs[c])
		if j < alts {
			e.Group = "alt"
		}
	}
}

// suppliers adds 2–8 firm suppliers (Zipf-distributed) with shares, a 2025
// row for most, sometimes an aggregate provider and country rows; process
// inputs are also MADE by one to three firms.
func (g *gen) suppliers(id graph.ID, lv int) {
	k := 2
	for k < 8 && g.r.IntN(100) < 55 {
		k++
	}
	var sup []int
	for len(sup) < k {
		f := g.zipfFirm()
		dup := false
		for _, s := range sup {
			dup = dup || s == f
		}
		if !dup {
			sup = append(sup, f)
		} else if len(sup) >= 2 && g.r.IntN(4) == 0 {
			break // a small market: fewer suppliers than drawn, but never one
		}
	}
	// Every input has a supplier outside China, as nearly every input of the
	// real chain does; otherwise controls on China would cut whole layers of
	// the synthetic graph off from everyone.
	// Suppliers span at least two countries, and no random input is a
	// monopoly (the top share is capped below): only the planted
	// chokepoints are, so that they rank first.
	chn := g.countryIndex("CHN")
	foreign, spread := false, false
	for _, f := range sup {
		foreign = foreign || g.firmHQ[f] != chn
		spread = spread || g.firmHQ[f] != g.firmHQ[sup[0]]
	}
	for !foreign || !spread {
		f := g.zipfFirm()
		if slices.Contains(sup, f) || g.firmHQ[f] == g.firmHQ[sup[0]] || (!foreign && g.firmHQ[f] == chn) {
			continue
		}
		sup[len(sup)-1] = f
		foreign = foreign || g.firmHQ[f] != chn
		spread = true
	}
	total := 100.0
	if g.r.IntN(5) == 0 {
		residual := float64(5 + g.r.IntN(26))
		total -= residual
		e := g.edge("firm:synth-other", graph.Supplies, id)
		e.Share, e.Year, e.Basis, e.Note = residual, 2019, "aggregate", "all other providers"
	}
	w := make([]float64, len(sup))
	sum := 0.0
	for i := range w {
		x := g.r.ExpFloat64()
		w[i] = x * x
		sum += w[i]
	}
	capShares(w, sum, maxShare)
	byCountry := map[int]float64{}
	for i, f := range sup {
		share := math.Round(total*w[i]/sum*10) / 10
		e := g.edge(g.firms[f], graph.Supplies, id)
		e.Year, e.Basis = 2019, "firm-hq"
		if g.r.IntN(12) > 0 {
			e.Share = share
			byCountry[g.firmHQ[f]] += share
		}
		if g.r.IntN(10) < 6 {
			e := g.edge(g.firms[f], graph.Supplies, id)
			e.Year, e.Basis = 2025, "firm-hq"
			e.Share = math.Round(share*(0.8+0.2*g.r.Float64())*10) / 10
		}
	}
	if g.r.IntN(10) < 5 {
		for c := range g.country {
			if sh, ok := byCountry[c]; ok {
				e := g.edge(g.country[c], graph.Supplies, id)
				e.Share, e.Year, e.Basis = math.Round(sh*10)/10, 2019, "country-hq"
			}
		}
	}
	if lv >= 3 && lv <= 7 {
		for range 1 + g.r.IntN(3) {
			g.edge(g.firms[g.zipfFirm()], graph.Makes, id)
		}
	}
}

func (g *gen) makeFabs(nFabs int) {
	for i := range nFabs {
		id := graph.ID(fmt.Sprintf("fab:b%07d", i))
		op := g.zipfFirm()
		loc := g.firmHQ[op]
		if g.r.IntN(10) < 3 {
			loc = g.pickCountry()
		}
		g.node(graph.Node{ID: id, Status: "operating", CapacityWPM: 10000 + 1000*g.r.IntN(90)})
		g.fabs = append(g.fabs, id)
		g.edge(id, graph.OperatedBy, g.firms[op])
		g.edge(id, graph.LocatedIn, g.country[loc])
		seen := map[int]bool{}
		for range 4 + g.r.IntN(7) {
			t := g.tools[g.r.IntN(len(g.tools))]
			if seen[t] {
				continue
			}
			seen[t] = true
			g.edge(id, graph.EquippedWith, g.inputs[t]).ValidFrom = g.date(2008, 2024)
		}
	}
}

func (g *gen) makeProducts(nProducts int) {
	kinds := []string{"ai-accelerator", "gpu", "soc", "memory", "scanner", "etch-tool", "wafer", "module"}
	for i := range nProducts {
		id := graph.ID(fmt.Sprintf("product:p%07d", i))
		g.node(graph.Node{ID: id, Type: kinds[g.r.IntN(len(kinds))], Announced: g.date(2015, 2025)})
		g.products = append(g.products, id)
		lv := 6 + g.r.IntN(Levels-6)
		cat := g.byLevel[lv][g.r.IntN(len(g.byLevel[lv]))]
		g.edge(id, graph.InstanceOf, g.inputs[cat])
		g.edge(g.firms[g.zipfFirm()], graph.Makes, id)
		for range 1 + g.r.IntN(3) {
			t := g.r.IntN(lv)
			g.edge(id, graph.Requires, g.inputs[g.byLevel[t][g.r.IntN(len(g.byLevel[t]))]])
		}
		if i > 0 && g.r.IntN(20) == 0 { // a component product made earlier
			g.edge(id, graph.Requires, g.products[g.r.IntN(i)])
		}
		if g.r.IntN(10) < 3 {
			fab := g.r.IntN(len(g.fabs))
			g.edge(id, graph.FabricatedAt, g.fabs[fab]).Node = fmt.Sprintf("N%d", 3+g.r.IntN(40))
			if g.r.IntN(6) == 0 {
				if other := g.r.IntN(len(g.fabs)); other != fab {
					g.edge(id, graph.FabricatedAt, g.fabs[other])
				}
			}
		}
	}
}

// plant adds the planted chokepoints and their monopolists (see the package
// comment); the control comes with the events.
func (g *gen) plant() {
	hqs := []string{"NLD", "JPN", "USA", "USA", "DEU"}
	g.node(graph.Node{ID: "firm:synth-other", Name: "Other providers (aggregate)"})
	g.edge("firm:synth-other", graph.HeadquarteredIn, "country:USA")
	for i := 1; i <= PlantedChokepoints; i++ {
		in, f := PlantedChokepoint(i), PlantedMonopolist(i)
		g.node(graph.Node{ID: in, Type: "material", Description: "planted chokepoint: one supplier, required without alternative"})
		g.node(graph.Node{ID: f, Roles: []string{"materials"}})
		g.edge(f, graph.HeadquarteredIn, g.country[g.countryIndex(hqs[i-1])])
		for _, y := range []int{2019, 2025} {
			e := g.edge(f, graph.Supplies, in)
			e.Share, e.Year, e.Basis = 100, y, "firm-hq"
		}
		for lv := 1; lv < Levels; lv++ {
			peers := g.byLevel[lv]
			for range max(3, len(peers)/12) {
				g.edge(g.inputs[peers[g.r.IntN(len(peers))]], graph.Requires, in)
			}
		}
	}
}

// makeEvents adds dated controls shaped like the real ones: rules on tools
// and products by the USA, the Netherlands, Japan and Germany for China (or
// Russia and Iran), entity listings of Chinese firms, a few servicing bans,
// Chinese counter-controls on materials for the USA, expiries, exemptions
// and rescissions.
func (g *gen) makeEvents(nEvents int) {
	issuers := []string{"USA", "USA", "USA", "USA", "USA", "NLD", "JPN", "DEU"}
	chn := g.countryIndex("CHN")
	var chinese, materials []int
	for i, hq := range g.firmHQ {
		if hq == chn {
			chinese = append(chinese, i)
		}
	}
	for i, lv := range g.level {
		if lv == 0 && g.r.IntN(2) == 0 {
			materials = append(materials, i)
		}
	}
	g.node(graph.Node{ID: PlantedControl, Name: "Planted control on planted chokepoints 1-3", Date: PlantedEffective,
		Issuer: "country:USA", Authority: "BIS", EventKind: "rule", Reach: "hq"})
	for i := 1; i <= 3; i++ {
		g.edge(PlantedControl, graph.Covers, PlantedChokepoint(i))
	}
	g.edge(PlantedControl, graph.Targets, "country:CHN")
	nEvents-- // the planted control
	rescissions := nEvents / 20
	for i := range nEvents - rescissions {
		id := graph.ID(fmt.Sprintf("event:e%07d", i))
		n := graph.Node{ID: id, Date: g.date(2018, 2025), Issuer: graph.ID("country:" + issuers[g.r.IntN(len(issuers))]),
			Authority: "synthetic", EventKind: "rule"}
		switch x := g.r.IntN(10); {
		case x < 6:
			n.Reach = "hq"
		case x < 9:
			n.Reach = "fdp"
		}
		if g.r.IntN(10) == 0 {
			n.Expires = n.Date + 10000*graph.Date(1+g.r.IntN(3))
		}
		var covers, targets []graph.ID
		switch x := g.r.IntN(100); {
		case x < 30 && len(chinese) > 0: // an entity listing of Chinese firms
			n.EventKind, n.CoversAll, n.Issuer = "entity-listing", true, "country:USA"
			for range 1 + g.r.IntN(3) {
				targets = append(targets, g.firms[chinese[g.r.IntN(len(chinese))]])
			}
		case x < 34: // a servicing ban on tools for China
			n.EventKind = ServicingBanKind
			for range 1 + g.r.IntN(3) {
				covers = append(covers, g.inputs[g.tools[g.r.IntN(len(g.tools))]])
			}
			targets = append(targets, "country:CHN")
		case x < 44 && len(materials) > 0: // a Chinese counter-control on materials
			n.Issuer, n.Authority, n.EventKind, n.Reach = "country:CHN", "MOFCOM", "counter-control", "hq"
			for range 1 + g.r.IntN(3) {
				covers = append(covers, g.inputs[materials[g.r.IntN(len(materials))]])
			}
			targets = append(targets, "country:USA")
		default: // a rule on tools and products
			for range 1 + g.r.IntN(6) {
				if g.r.IntN(3) > 0 {
					covers = append(covers, g.inputs[g.tools[g.r.IntN(len(g.tools))]])
				} else {
					covers = append(covers, g.products[g.r.IntN(len(g.products))])
				}
			}
			switch y := g.r.IntN(10); {
			case y < 8:
				targets = append(targets, "country:CHN")
			case y < 9:
				targets = append(targets, "country:RUS")
			default:
				targets = append(targets, "country:IRN")
			}
			if g.r.IntN(4) == 0 && len(chinese) > 0 {
				targets = append(targets, g.firms[chinese[g.r.IntN(len(chinese))]])
			}
		}
		g.node(n)
		g.events = append(g.events, id)
		g.eventDate = append(g.eventDate, n.Date)
		for _, c := range covers {
			g.edge(id, graph.Covers, c)
		}
		for _, t := range targets {
			g.edge(id, graph.Targets, t)
		}
		if g.r.IntN(10) == 0 && len(chinese) > 0 {
			g.edge(id, graph.Exempts, g.firms[chinese[g.r.IntN(len(chinese))]])
		}
	}
	for i := range rescissions {
		id := graph.ID(fmt.Sprintf("event:r%07d", i))
		t := g.r.IntN(len(g.events))
		d := g.eventDate[t] + 10000*graph.Date(1+g.r.IntN(2))
		g.node(graph.Node{ID: id, Date: d, Issuer: "country:USA", Authority: "synthetic", EventKind: "rescission"})
		g.edge(id, graph.Rescinds, g.events[t])
	}
}

// ServicingBanKind is the event kind of servicing bans (the same string as
// analysis.ServicingBan; synth does not import analysis).
const ServicingBanKind = "servicing-ban"
