package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
)

// Ratio names. Every ratio reads "how many times better chipgraph is":
// above 1 is chipgraph ahead.
//
//	ingest.nodesPerSec          our nodes/s ÷ LOAD CSV nodes/s
//	ingest.relsPerSec           our relationships/s ÷ LOAD CSV's
//	ingest.total                LOAD CSV total time ÷ ours (ours with parsing and validation)
//	Qn.cC.p50.vsCypher          Cypher p50 ÷ chipgraph p50, at C clients
//	Qn.cC.throughput.vsCypher   chipgraph req/s ÷ Cypher req/s
//	Qn.cC.p50.vsPeer, Qn.cC.p99.vsPeer, Qn.cC.throughput.vsPeer   the same against the peer
//	median.cC.p50.vsCypher, median.cC.throughput.vsPeer, median.cC.p99.vsPeer ...   medians over Q1-Q4
func computeRatios(res *Result) {
	r := res.Ratios
	if in := res.Ingest; in != nil && in.LoadCSV != nil {
		put(r, "ingest.nodesPerSec", in.Ours.NodesPerSec, in.LoadCSV.NodesPerSec)
		put(r, "ingest.relsPerSec", in.Ours.RelsPerSec, in.LoadCSV.RelsPerSec)
		put(r, "ingest.total", in.LoadCSV.TotalSeconds, in.Ours.TotalSeconds)
	}
	for _, clients := range clientCounts(res) {
		medians := map[string][]float64{}
		for _, q := range questions {
			chip := res.cell(q.name, SysChipgraph, clients)
			if !chip.ok() {
				continue
			}
			for _, other := range []struct{ sys, suffix string }{{SysCypher, "vsCypher"}, {SysPeer, "vsPeer"}} {
				o := res.cell(q.name, other.sys, clients)
				if !o.ok() {
					continue
				}
				prefix := fmt.Sprintf("%s.c%d.", q.name, clients)
				for _, m := range []struct {
					name     string
					num, den float64
				}{
					{"p50." + other.suffix, o.P50Ms, chip.P50Ms},
					{"p99." + other.suffix, o.P99Ms, chip.P99Ms},
					{"throughput." + other.suffix, chip.Throughput, o.Throughput},
				} {
					if v, ok := put(r, prefix+m.name, m.num, m.den); ok {
						medians[m.name] = append(medians[m.name], v)
					}
				}
			}
		}
		for name, vs := range medians {
			r[fmt.Sprintf("median.c%d.%s", clients, name)] = round3(median(vs))
		}
	}
	res.Targets = targets(res)
}

// put stores num/den under name when both are positive.
func put(r map[string]float64, name string, num, den float64) (float64, bool) {
	if num <= 0 || den <= 0 || math.IsNaN(num) || math.IsNaN(den) {
		return 0, false
	}
	v := num / den
	r[name] = round3(v)
	return v, true
}

func round3(v float64) float64 {
	if v == 0 {
		return 0
	}
	digits := 3 - int(math.Ceil(math.Log10(math.Abs(v))))
	p := math.Pow(10, float64(max(digits, 0)))
	return math.Round(v*p) / p
}

func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func clientCounts(res *Result) []int {
	var cs []int
	for _, c := range res.Queries {
		if !slices.Contains(cs, c.Clients) {
			cs = append(cs, c.Clients)
		}
	}
	slices.Sort(cs)
	return cs
}

// cell returns the measurement of one question, system and client count.
func (res *Result) cell(q, sys string, clients int) *Cell {
	for i := range res.Queries {
		c := &res.Queries[i]
		if c.Query == q && c.System == sys && c.Clients == clients {
			return c
		}
	}
	return nil
}

// Target is one of issue 7's targets, judged on this run.
type Target struct {
	Name   string  `json:"name"`
	Want   string  `json:"want"`
	Value  float64 `json:"value"`
	Met    bool    `json:"met"`
	Tier   string  `json:"tier,omitempty"` // the tier the target is set for, if only one
	Detail string  `json:"detail,omitempty"`
}

func targets(res *Result) []Target {
	var ts []Target
	r := res.Ratios
	if v, ok := r["ingest.nodesPerSec"]; ok {
		w := r["ingest.relsPerSec"]
		ts = append(ts, Target{Name: "loader vs LOAD CSV", Want: ">= 1.2x nodes/s and rels/s (issue 16: in the median of three runs)",
			Tier: "M", Value: min(v, w), Met: v >= 1.2 && w >= 1.2, Detail: fmt.Sprintf("this run: nodes/s %.2fx, rels/s %.2fx", v, w)})
	}
	if in := res.Ingest; in != nil {
		ts = append(ts, Target{Name: "loader rates", Want: ">= 20k nodes/s and >= 10k rels/s", Tier: "M",
			Value: in.Ours.NodesPerSec, Met: in.Ours.NodesPerSec >= 20000 && in.Ours.RelsPerSec >= 10000,
			Detail: fmt.Sprintf("%.0f nodes/s, %.0f rels/s", in.Ours.NodesPerSec, in.Ours.RelsPerSec)})
	}
	var cs []int // client counts at which chipgraph has figures
	for _, c := range clientCounts(res) {
		for _, q := range questions {
			if res.cell(q.name, SysChipgraph, c).ok() && !slices.Contains(cs, c) {
				cs = append(cs, c)
			}
		}
	}
	if len(cs) > 0 {
		low, high := cs[0], cs[len(cs)-1]
		var worst float64 = math.Inf(1)
		var parts []string
		all := true
		for _, q := range questions {
			v, ok := r[fmt.Sprintf("%s.c%d.p50.vsCypher", q.name, low)]
			if !ok {
				all = false
				parts = append(parts, q.name+" n/a")
				continue
			}
			worst = min(worst, v)
			parts = append(parts, fmt.Sprintf("%s %.1fx", q.name, v))
		}
		if !math.IsInf(worst, 1) {
			ts = append(ts, Target{Name: "p50 vs raw Cypher, every query", Want: ">= 10x", Tier: "M",
				Value: worst, Met: all && worst >= 10, Detail: fmt.Sprintf("%d client(s): %s", low, strings.Join(parts, ", "))})
		}
		if v, ok := r[fmt.Sprintf("median.c%d.throughput.vsPeer", high)]; ok {
			ts = append(ts, Target{Name: fmt.Sprintf("throughput vs @neo4j/graphql at %d clients", high),
				Want: ">= 5x (median of Q1-Q4)", Value: v, Met: v >= 5, Detail: perQuery(r, high, "throughput.vsPeer")})
		}
		if v, ok := r[fmt.Sprintf("median.c%d.p99.vsPeer", high)]; ok {
			ts = append(ts, Target{Name: fmt.Sprintf("p99 vs @neo4j/graphql at %d clients", high),
				Want: "lower (ratio > 1, median of Q1-Q4)", Value: v, Met: v > 1, Detail: perQuery(r, high, "p99.vsPeer")})
		}
	}
	if s := res.Snapshot; s != nil {
		ts = append(ts, Target{Name: "snapshot build", Want: "<= 30 s", Tier: "L", Value: round3(s.TotalSeconds), Met: s.TotalSeconds <= 30})
		ts = append(ts, Target{Name: "server resident memory", Want: "<= 2 GiB", Tier: "L",
			Value: round3(float64(s.RSSAfterBytes) / (1 << 30)), Met: s.RSSAfterBytes <= 2<<30,
			Detail: "GiB, VmRSS after the snapshot build"})
		if s.RefreshPeakBytes > 0 {
			ts = append(ts, Target{Name: "peak memory during a refresh", Want: "<= 2.5 GiB", Tier: "L",
				Value: round3(float64(s.RefreshPeakBytes) / (1 << 30)), Met: s.RefreshPeakBytes <= 5<<29,
				Detail: fmt.Sprintf("GiB, the old snapshot served while the new one is built (%.1f s)", s.RefreshSeconds)})
		}
	}
	return ts
}

func perQuery(r map[string]float64, clients int, name string) string {
	var parts []string
	for _, q := range questions {
		if v, ok := r[fmt.Sprintf("%s.c%d.%s", q.name, clients, name)]; ok {
			parts = append(parts, fmt.Sprintf("%s %.1fx", q.name, v))
		}
	}
	return strings.Join(parts, ", ")
}

// WriteJSON writes res as indented JSON.
func WriteJSON(w io.Writer, res *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// WriteText writes res as tables for people.
func WriteText(w io.Writer, res *Result) error {
	m := res.Machine
	fmt.Fprintf(w, "chipgraph bench: tier %s (%d nodes, %d relationships), seed %d, as of %s\n",
		res.Tier, res.Nodes, res.Edges, res.Seed, res.AsOf)
	fmt.Fprintf(w, "%s %s/%s, %d CPUs; Neo4j %s %s", m.GoVersion, m.OS, m.Arch, m.CPUs, m.Neo4jVersion, m.Neo4jEdition)
	if m.NodeVersion != "" {
		fmt.Fprintf(w, "; node %s", m.NodeVersion)
	}
	fmt.Fprintf(w, "; run took %.0f s\n\n", res.Seconds)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if in := res.Ingest; in != nil {
		fmt.Fprintf(w, "Ingest (%d rows per transaction, %.1f MiB of CSV, into an empty database with the constraints):\n",
			in.BatchSize, float64(in.CSVBytes)/(1<<20))
		fmt.Fprintln(tw, "\tnodes/s\trels/s\tnodes s\trels s\ttotal s\t")
		row := func(name string, l *Loader, extra string) {
			fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.1f\t%.1f\t%.1f\t%s\n", name, l.NodesPerSec, l.RelsPerSec, l.NodeSeconds,
				l.RelSeconds, l.TotalSeconds, extra)
		}
		row("chipgraph (neo4jstore.Write)", &in.Ours, fmt.Sprintf("  total includes %.1f s reading and validating the CSV", in.ParseSeconds))
		if in.LoadCSV != nil {
			row("LOAD CSV ... IN TRANSACTIONS", in.LoadCSV, "")
			r := res.Ratios
			fmt.Fprintf(tw, "ratio (chipgraph / LOAD CSV)\t%.2fx\t%.2fx\t\t\t%.2fx\t\n", r["ingest.nodesPerSec"],
				r["ingest.relsPerSec"], r["ingest.total"])
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	if s := res.Snapshot; s != nil {
		fmt.Fprintf(w, "Snapshot: %d nodes, %d relationships built in %.2f s (read from Neo4j %.2f s + search index %.2f s);\n",
			s.Nodes, s.Edges, s.TotalSeconds, s.ReadSeconds, s.IndexSeconds)
		fmt.Fprintf(w, "  resident memory %s after the build (%s before it), Go heap %s", mib(s.RSSAfterBytes),
			mib(s.RSSBeforeBytes), mib(s.HeapBytes))
		if s.RSSEndBytes > 0 {
			fmt.Fprintf(w, ", %s at the end of the run (peak %s, ingest included)", mib(s.RSSEndBytes), mib(s.HWMBytes))
		}
		fmt.Fprint(w, ".\n")
		if s.RefreshSeconds > 0 {
			fmt.Fprintf(w, "  a refresh (the same build with the first snapshot still served) took %.2f s, peak resident memory %s.\n",
				s.RefreshSeconds, mib(s.RefreshPeakBytes))
		}
		fmt.Fprintln(w)
	}
	if len(res.Queries) > 0 {
		fmt.Fprintln(w, "Queries over loopback HTTP (chipgraph, peer) and Bolt (cypher): p50 / p99 ms, requests/s:")
		fmt.Fprintln(tw, "query\tclients\tchipgraph\t\tcypher\t\tpeer\t\tp50 vs cypher\tthroughput vs peer\tp99 vs peer\t")
		for _, q := range questions {
			for _, c := range clientCounts(res) {
				fmt.Fprintf(tw, "%s\t%d", q.name, c)
				for _, sys := range []string{SysChipgraph, SysCypher, SysPeer} {
					cell := res.cell(q.name, sys, c)
					switch {
					case cell == nil:
						fmt.Fprint(tw, "\t-\t")
					case !cell.ok():
						fmt.Fprint(tw, "\terror\t")
					default:
						trunc := ""
						if cell.Truncated {
							trunc = "*"
						}
						if cell.Cancelled > 0 {
							trunc = "+"
						}
						fmt.Fprintf(tw, "\t%s / %s\t%s/s%s", fmtFig(cell.P50Ms), fmtFig(cell.P99Ms), fmtFig(cell.Throughput), trunc)
					}
				}
				for _, name := range []string{"p50.vsCypher", "throughput.vsPeer", "p99.vsPeer"} {
					if v, ok := res.Ratios[fmt.Sprintf("%s.c%d.%s", q.name, c, name)]; ok {
						fmt.Fprintf(tw, "\t%sx", fmtFig(v))
					} else {
						fmt.Fprint(tw, "\t-")
					}
				}
				fmt.Fprintln(tw, "\t")
			}
		}
		tw.Flush()
		fmt.Fprintln(w, "  (* the cell's time budget ran out before all its requests were sent; + some requests were")
		fmt.Fprintln(w, "  cancelled at the hard limit of three budgets, their latency so far counted as a lower bound)")
		for _, c := range res.Queries {
			if c.Error != "" {
				fmt.Fprintf(w, "  %s %s %d clients: %s\n", c.Query, c.System, c.Clients, tail(c.Error, 200))
			}
		}
		fmt.Fprintln(w)
	}
	if len(res.Checks) > 0 {
		fmt.Fprintln(w, "Same question? chipgraph's answer against the Cypher's, first parameter set:")
		for _, c := range res.Checks {
			verdict := "differs"
			if c.Agree {
				verdict = "agrees"
			}
			fmt.Fprintf(w, "  %s %s: chipgraph %s; cypher %s\n", c.Query, verdict, c.Chipgraph, c.Cypher)
		}
		fmt.Fprintln(w)
	}
	if len(res.Targets) > 0 {
		fmt.Fprintln(w, "Targets (issues 7 and 16):")
		for _, t := range res.Targets {
			mark := "met"
			if !t.Met {
				mark = "MISSED"
			}
			tier := ""
			if t.Tier != "" && t.Tier != strings.ToUpper(res.Tier) {
				tier = fmt.Sprintf(" [a tier %s target]", t.Tier)
			}
			detail := ""
			if t.Detail != "" {
				detail = " (" + t.Detail + ")"
			}
			fmt.Fprintf(w, "  %-6s %s: %s, got %s%s%s\n", mark, t.Name, t.Want, fmtFig(t.Value), detail, tier)
		}
		fmt.Fprintln(w)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
	return nil
}

// fmtFig prints a latency, rate or ratio to about three significant
// figures (0.18, 4.83, 21.6, 452), so that small throughputs do not print
// as 0.
func fmtFig(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
