package analysis

import (
	"context"
	"slices"

	"github.com/chipgraph/chipgraph/graph"
)

// estimate is an input's market at one date with unknown shares estimated:
// firm and country shares in percent.
type estimate struct {
	firm, country map[int32]float64
	countryCount  int
}

// estimate fills in c.Concentration and c.Estimated from the share levels
// shares read: the known shares, and for the suppliers named without one
// (rows without a share, makers without a row) an equal split of what the
// known and aggregate shares leave unclaimed. With n suppliers and no share
// known, that is 1/n each: the least concentrated split among the named
// suppliers, so the result is a lower bound if they are the whole market.
// Country shares come from country rows (estimated the same way) or, when
// there are none, from the estimated firm shares summed by headquarters.
func (e *Engine) estimate(c *Chokepoint, firms, countries *level, suppliers map[int32]bool, asOf graph.Date) estimate {
	est := estimate{firm: map[int32]float64{}, country: map[int32]float64{}}
	var unknown []int32
	for _, f := range sortedKeys(suppliers) {
		if _, ok := firms.shares[f]; !ok {
			unknown = append(unknown, f)
		}
	}
	if fill(est.firm, firms, unknown) {
		c.Estimated = true
	}
	if !c.CountryDerived && (len(countries.shares) > 0 || len(countries.unk) > 0) {
		unk := slices.Clone(countries.unk)
		slices.Sort(unk)
		if fill(est.country, countries, slices.Compact(unk)) {
			c.Estimated = true
		}
	} else {
		for _, f := range sortedKeys(est.firm) {
			if hq := e.hqAt(f, asOf); hq >= 0 {
				est.country[hq] += est.firm[f]
			}
		}
	}
	est.countryCount = len(est.country)
	c.Concentration = concentration(est.firm, est.country)
	return est
}

// fill writes l's known shares into m, and an equal split of the unclaimed
// share among unknown; it reports whether it estimated anything.
func fill(m map[int32]float64, l *level, unknown []int32) bool {
	total := l.aggShare
	for _, sup := range sortedKeys(l.shares) {
		m[sup] = l.shares[sup]
		total += l.shares[sup]
	}
	rem := max(0, 100-total)
	if len(unknown) == 0 || rem == 0 {
		return false
	}
	for _, sup := range unknown {
		m[sup] += rem / float64(len(unknown))
	}
	return true
}

// concentration is max(HHI of firm shares, HHI of country shares) on 0–1.
func concentration(firm, country map[int32]float64) float64 {
	hhi := func(m map[int32]float64) float64 {
		h := 0.0
		for _, k := range sortedKeys(m) {
			h += m[k] * m[k]
		}
		return h
	}
	return min(max(hhi(firm), hhi(country)), 10000) / 10000
}

// oneSupplyGroups finds the OR-groups of requirements whose alternatives
// are all inputs with the same dominant firm (a known majority share at
// asOf): EUV and ArF immersion lithography, both ASML's. Such a group is one
// supply: for the exposure count (dependents) none of its alternatives
// avoids another, and each alternative's concentration is at least the
// group's combined one, from each supplier's estimated share averaged over
// the alternatives. It fills in Concentration and SharedSupply in t's rows
// and returns the (item, alternative) pairs of those groups.
func (e *Engine) oneSupplyGroups(ctx context.Context, t *table, est []estimate, asOf graph.Date) (map[[2]int32]bool, error) {
	s := e.s
	one := map[[2]int32]bool{}
	shared := map[int32][]graph.ID{}
	dominant := func(v int32) graph.ID {
		r := t.row[v]
		if r < 0 || t.rows[r].TopShare == nil || *t.rows[r].TopShare <= 50 {
			return ""
		}
		return t.rows[r].TopSupplier
	}
	for _, k := range []graph.NodeKind{graph.KindInput, graph.KindProduct} {
		for i, v := range s.OfKind(k) {
			if i%stopEvery == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			groups := map[string][]int32{}
			var names []string
			for _, ed := range e.out(v, graph.Requires) {
				edge := s.Edge(ed)
				if edge.Group == "" || !visible(edge, asOf) {
					continue
				}
				if _, ok := groups[edge.Group]; !ok {
					names = append(names, edge.Group)
				}
				_, to := s.Ends(ed)
				groups[edge.Group] = append(groups[edge.Group], to)
			}
			for _, name := range names {
				alts := groups[name]
				d := dominant(alts[0])
				if len(alts) < 2 || d == "" || slices.ContainsFunc(alts, func(a int32) bool { return dominant(a) != d }) {
					continue
				}
				firm, country := map[int32]float64{}, map[int32]float64{}
				for _, a := range alts {
					one[[2]int32{v, a}] = true
					x := est[t.row[a]]
					for sup, sh := range x.firm {
						firm[sup] += sh / float64(len(alts))
					}
					for sup, sh := range x.country {
						country[sup] += sh / float64(len(alts))
					}
				}
				c := concentration(firm, country)
				for _, a := range alts {
					row := &t.rows[t.row[a]]
					row.Concentration = max(row.Concentration, c)
					for _, b := range alts {
						if b != a {
							shared[a] = append(shared[a], s.Node(b).ID)
						}
					}
				}
			}
		}
	}
	for a, ids := range shared {
		slices.Sort(ids)
		t.rows[t.row[a]].SharedSupply = slices.Compact(ids)
	}
	return one, nil
}
