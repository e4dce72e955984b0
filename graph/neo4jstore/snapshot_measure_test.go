package neo4jstore_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph/neo4jstore"
)

// BenchmarkSnapshotBuild measures building a snapshot from whatever load
// the Neo4j at NEO4J_URI holds (it does not write or wipe anything), so
// load a graph first, e.g.
//
//	go run ./cmd/chipgraph gen --tier M --seed 1 --out /tmp/genM
//	go run ./cmd/chipgraph load --neo4j-uri bolt://127.0.0.1:7687 curated:/tmp/genM
//	NEO4J_URI=bolt://127.0.0.1:7687 go test -run '^$' -bench SnapshotBuild \
//	  -benchtime 1x -v -timeout 30m ./graph/neo4jstore
//
// It reports the build time (s/build) and the live Go heap after a GC
// (heap-MiB), and logs the process's resident memory (VmRSS) and its peak
// (VmHWM) before and after.
func BenchmarkSnapshotBuild(b *testing.B) {
	ctx := context.Background()
	cfg := neo4jstore.ConfigFromEnv(os.Getenv)
	if cfg.URI == "" {
		b.Skip("NEO4J_URI not set")
	}
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(ctx)
	b.Logf("before: %s", memLine())
	var took time.Duration
	for b.Loop() {
		start := time.Now()
		snap, err := s.Snapshot(ctx)
		if err != nil {
			b.Fatal(err)
		}
		took = time.Since(start)
		b.Logf("snapshot: %d nodes, %d edges in %.2fs", snap.NumNodes(), snap.NumEdges(), took.Seconds())
		b.Logf("after build: %s", memLine())
		runtime.GC()
		b.Logf("after GC: %s", memLine())
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
		runtime.KeepAlive(snap)
	}
	b.ReportMetric(took.Seconds(), "s/build")
}

func memLine() string {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var b strings.Builder
	b.WriteString("heap live " + mib(ms.HeapAlloc) + ", heap sys " + mib(ms.HeapSys) +
		", heap released " + mib(ms.HeapReleased) + ", total alloc " + mib(ms.TotalAlloc) +
		", GCs " + itoa(uint64(ms.NumGC)))
	status, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmRSS:") || strings.HasPrefix(l, "VmHWM:") {
			b.WriteString(", " + strings.Join(strings.Fields(l), " "))
		}
	}
	return b.String()
}

func mib(n uint64) string { return itoa(n>>20) + " MiB" }

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
