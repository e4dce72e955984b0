package api

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// metrics counts requests and errors and writes them, with the holder's
// status, in the Prometheus text exposition format (version 0.0.4). The
// format is simple enough that the Prometheus client library, with its
// global registry and dependencies, would add more than it saves.
type metrics struct {
	start time.Time

	mu        sync.Mutex
	requests  map[requestKey]uint64
	durations map[durationKey]*histogram
	errors    map[string]uint64
}

type requestKey struct{ handler, operation, status string }

type durationKey struct{ handler, operation string }

// latencyBuckets are the upper bounds, in seconds, of the latency histogram.
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{
		start:     time.Now(),
		requests:  map[requestKey]uint64{},
		durations: map[durationKey]*histogram{},
		errors:    map[string]uint64{},
	}
}

// observe records one finished request.
func (m *metrics) observe(handler, operation string, status int, d time.Duration, codes []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{handler, operation, strconv.Itoa(status)}]++
	k := durationKey{handler, operation}
	h := m.durations[k]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		m.durations[k] = h
	}
	s := d.Seconds()
	i, _ := slices.BinarySearch(latencyBuckets, s)
	h.counts[i]++
	h.sum += s
	h.count++
	for _, c := range codes {
		m.errors[c]++
	}
}

// write writes every metric family.
func (m *metrics) write(w io.Writer, st Status, buildVersion string) error {
	b := bufio.NewWriter(w)
	family := func(name, typ, help string) {
		fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	sample := func(name string, value float64, labels ...string) {
		b.WriteString(name)
		if len(labels) > 0 {
			b.WriteByte('{')
			for i := 0; i < len(labels); i += 2 {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(b, "%s=\"%s\"", labels[i], escapeLabel(labels[i+1]))
			}
			b.WriteByte('}')
		}
		b.WriteByte(' ')
		b.WriteString(strconv.FormatFloat(value, 'g', -1, 64))
		b.WriteByte('\n')
	}
	seconds := func(t time.Time) float64 {
		if t.IsZero() {
			return 0
		}
		return float64(t.UnixNano()) / 1e9
	}

	m.mu.Lock()
	family("chipgraph_http_requests_total", "counter", "HTTP requests served, by handler, GraphQL operation (the root field, \"multiple\" or \"introspection\") and status code.")
	for _, k := range sortedKeys(m.requests, func(a, b requestKey) int {
		return cmp.Or(cmp.Compare(a.handler, b.handler), cmp.Compare(a.operation, b.operation), cmp.Compare(a.status, b.status))
	}) {
		sample("chipgraph_http_requests_total", float64(m.requests[k]), "handler", k.handler, "operation", k.operation, "status", k.status)
	}
	family("chipgraph_http_request_duration_seconds", "histogram", "Time from receiving a request to writing its response, in seconds.")
	for _, k := range sortedKeys(m.durations, func(a, b durationKey) int {
		return cmp.Or(cmp.Compare(a.handler, b.handler), cmp.Compare(a.operation, b.operation))
	}) {
		h := m.durations[k]
		var cum uint64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			sample("chipgraph_http_request_duration_seconds_bucket", float64(cum), "handler", k.handler, "operation", k.operation, "le", strconv.FormatFloat(le, 'g', -1, 64))
		}
		sample("chipgraph_http_request_duration_seconds_bucket", float64(h.count), "handler", k.handler, "operation", k.operation, "le", "+Inf")
		sample("chipgraph_http_request_duration_seconds_sum", h.sum, "handler", k.handler, "operation", k.operation)
		sample("chipgraph_http_request_duration_seconds_count", float64(h.count), "handler", k.handler, "operation", k.operation)
	}
	family("chipgraph_graphql_errors_total", "counter", "GraphQL errors returned, by extensions.code.")
	for _, c := range sortedKeys(m.errors, strings.Compare) {
		sample("chipgraph_graphql_errors_total", float64(m.errors[c]), "code", c)
	}
	m.mu.Unlock()

	ready := 0.0
	if st.Ready {
		ready = 1
	}
	family("chipgraph_ready", "gauge", "1 if a snapshot is in service (see /readyz), else 0.")
	sample("chipgraph_ready", ready)
	family("chipgraph_snapshot_info", "gauge", "The snapshot in service: its content fingerprint (the dataset version stamped on reports) and the store's data version.")
	if st.Ready {
		sample("chipgraph_snapshot_info", 1, "version", st.Version, "store_version", strconv.FormatInt(st.StoreVersion, 10))
	}
	family("chipgraph_snapshot_nodes", "gauge", "Nodes in the snapshot in service, by label.")
	for _, l := range sortedKeys(st.NodesByLabel, strings.Compare) {
		sample("chipgraph_snapshot_nodes", float64(st.NodesByLabel[l]), "label", l)
	}
	family("chipgraph_snapshot_edges", "gauge", "Edges in the snapshot in service.")
	sample("chipgraph_snapshot_edges", float64(st.Edges))
	family("chipgraph_reload_refusals_total", "counter", "Reloads refused because the store went empty or back in data version (see /readyz refusedReload).")
	sample("chipgraph_reload_refusals_total", float64(st.Refusals))
	family("chipgraph_data_current_to_timestamp_seconds", "gauge", "The latest day on or before today on which a recorded control event was announced or took effect (Unix time of its midnight UTC), 0 if none: how current the data is.")
	var cur time.Time
	if st.CurrentTo != 0 {
		cur = st.CurrentTo.Time()
	}
	sample("chipgraph_data_current_to_timestamp_seconds", seconds(cur))
	family("chipgraph_snapshot_built_timestamp_seconds", "gauge", "When the snapshot in service was built (Unix time), 0 if none.")
	sample("chipgraph_snapshot_built_timestamp_seconds", seconds(st.BuiltAt))
	family("chipgraph_snapshot_loaded_timestamp_seconds", "gauge", "When the snapshot in service was put into service, i.e. the last successful reload (Unix time), 0 if none.")
	sample("chipgraph_snapshot_loaded_timestamp_seconds", seconds(st.LoadedAt))
	family("chipgraph_snapshot_swaps_total", "counter", "Snapshots put into service since the process started.")
	sample("chipgraph_snapshot_swaps_total", float64(st.Swaps))
	family("chipgraph_snapshot_reload_failures_total", "counter", "Failed snapshot reloads since the process started; the previous snapshot stays in service.")
	sample("chipgraph_snapshot_reload_failures_total", float64(st.Failures))
	family("chipgraph_snapshot_last_reload_error_timestamp_seconds", "gauge", "When the last reload failed (Unix time), 0 if none has.")
	sample("chipgraph_snapshot_last_reload_error_timestamp_seconds", seconds(st.LastErrorAt))
	family("chipgraph_build_info", "gauge", "The chipgraph build: module version and Go version.")
	sample("chipgraph_build_info", 1, "version", buildVersion, "goversion", runtime.Version())
	family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.")
	sample("process_start_time_seconds", seconds(m.start))
	return b.Flush()
}

func sortedKeys[K comparable, V any](m map[K]V, compare func(a, b K) int) []K {
	return slices.SortedFunc(maps.Keys(m), compare)
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
