// Command loadgen drives a running chipgraph server with a mixed load of
// researcher queries from several clients at once, and prints throughput,
// latency percentiles and errors. It is how the 60 s, 32-client mixed load
// of issue 14 is rerun:
//
//	go run ./cmd/chipgraph serve --addr 127.0.0.1:18080 &
//	go run ./tools/loadgen -url http://127.0.0.1:18080 -clients 32 -duration 60s
//
// The mix (over the bundled data's IDs) is lookups, search, a connection
// page, dependency paths, upstream, chokepoints, feasibility and the
// chokepoint report, in turn per client, each with a few as-of dates so the
// caches see more than one question.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

// request is one request of the mix.
type request struct {
	name  string
	query string // GraphQL; empty for path
	path  string // a GET path, for the reports
}

func mix() []request {
	var out []request
	for _, day := range []string{"2023-06-01", "2024-06-01", "2025-06-01"} {
		out = append(out,
			request{name: "node", query: `{ node(id: "firm:huawei") { id name ... on Firm { country { id } products { id } } } }`},
			request{name: "search", query: `{ search(text: "lithography", first: 10) { id name } }`},
			request{name: "firms", query: `{ firms(first: 50) { totalCount nodes { id name roles } } }`},
			request{name: "paths", query: fmt.Sprintf(`{ dependencyPaths(from: "product:ascend-910c", to: "input:euv-lithography-tools", asOf: "%s") { length nodes { id } } }`, day)},
			request{name: "upstream", query: fmt.Sprintf(`{ upstream(of: "product:h100", asOf: "%s") { node { id } tier } }`, day)},
			request{name: "chokepoints", query: fmt.Sprintf(`{ chokepoints(of: "product:ascend-910c", asOf: "%s", first: 10) { input { id } score } }`, day)},
			request{name: "feasibility", query: fmt.Sprintf(`{ feasibility(item: "product:h100", for: "firm:huawei", asOf: "%s") { feasible status } }`, day)},
			request{name: "report", path: "/reports/chokepoints.json?asOf=" + day + "&first=20"},
		)
	}
	return out
}

type sample struct {
	name string
	took time.Duration
	err  string // "" if the request succeeded
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "the server's base URL")
	clients := flag.Int("clients", 32, "concurrent clients")
	duration := flag.Duration("duration", 60*time.Second, "how long to run")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: loadgen [-url URL] [-clients N] [-duration D]\n\n"+
			"Drives a running chipgraph server with a mixed researcher load and prints\n"+
			"requests per second, p50/p99 latency per request kind and every error kind.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *clients < 1 || *duration <= 0 {
		fmt.Fprintln(os.Stderr, "loadgen: -clients must be at least 1 and -duration positive")
		os.Exit(2)
	}
	res := run(*url, *clients, *duration)
	report(os.Stdout, res, *clients, *duration)
	for _, s := range res {
		if s.err != "" {
			os.Exit(1)
		}
	}
}

// run sends the mix from each client in turn until the duration is up.
func run(base string, clients int, duration time.Duration) []sample {
	reqs := mix()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	deadline := time.Now().Add(duration)
	var mu sync.Mutex
	var all []sample
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []sample
			for i := c; time.Now().Before(deadline); i++ {
				mine = append(mine, do(client, base, reqs[i%len(reqs)]))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all
}

func do(client *http.Client, base string, r request) sample {
	start := time.Now()
	var resp *http.Response
	var err error
	if r.path != "" {
		resp, err = client.Get(base + r.path)
	} else {
		body, _ := json.Marshal(map[string]string{"query": r.query})
		resp, err = client.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	}
	s := sample{name: r.name}
	if err != nil {
		s.took, s.err = time.Since(start), "transport: "+err.Error()
		return s
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	s.took = time.Since(start)
	switch {
	case err != nil:
		s.err = "reading: " + err.Error()
	case resp.StatusCode != http.StatusOK:
		s.err = fmt.Sprintf("HTTP %d", resp.StatusCode)
	case r.path == "":
		var out struct {
			Errors []struct {
				Extensions struct{ Code string } `json:"extensions"`
			} `json:"errors"`
		}
		if json.Unmarshal(raw, &out) != nil {
			s.err = "malformed JSON"
		} else if len(out.Errors) > 0 {
			s.err = "GraphQL " + out.Errors[0].Extensions.Code
		}
	}
	return s
}

func report(w io.Writer, res []sample, clients int, duration time.Duration) {
	fmt.Fprintf(w, "%d clients, %s: %d requests, %.0f req/s\n", clients, duration, len(res), float64(len(res))/duration.Seconds())
	byName := map[string][]time.Duration{"all": nil}
	errs := map[string]int{}
	for _, s := range res {
		byName[s.name] = append(byName[s.name], s.took)
		byName["all"] = append(byName["all"], s.took)
		if s.err != "" {
			errs[s.name+": "+s.err]++
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	slices.Sort(names)
	fmt.Fprintf(w, "%-12s %8s %10s %10s %10s\n", "request", "count", "p50", "p99", "max")
	for _, n := range names {
		ds := byName[n]
		slices.Sort(ds)
		if len(ds) == 0 {
			continue
		}
		fmt.Fprintf(w, "%-12s %8d %10s %10s %10s\n", n, len(ds), pct(ds, 50), pct(ds, 99), ds[len(ds)-1].Round(time.Microsecond))
	}
	if len(errs) == 0 {
		fmt.Fprintln(w, "errors: none")
	}
	for e, n := range errs {
		fmt.Fprintf(w, "error %s: %d\n", e, n)
	}
}

func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))].Round(time.Microsecond)
}
