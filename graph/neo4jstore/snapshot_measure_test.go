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

// TestMeasureSnapshot measures building a snapshot from whatever load the
// configured Neo4j holds (it does not write or wipe anything), so load a
// graph first, e.g.
//
//	go run ./cmd/chipgraph gen --tier M --seed 1 --out /tmp/genM
//	go run ./cmd/chipgraph load --neo4j-uri bolt://127.0.0.1:7687 curated:/tmp/genM
//	CHIPGRAPH_MEASURE_SNAPSHOT=1 NEO4J_URI=bolt://127.0.0.1:7687 \
//	  go test -run TestMeasureSnapshot -v -timeout 30m ./graph/neo4jstore
//
// It logs the build time, the Go heap after the build and a GC, and the
// process's resident memory (VmRSS) and its peak (VmHWM).
func TestMeasureSnapshot(t *testing.T) {
	if os.Getenv("CHIPGRAPH_MEASURE_SNAPSHOT") != "1" {
		t.Skip("set CHIPGRAPH_MEASURE_SNAPSHOT=1 to measure a snapshot build")
	}
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, neo4jstore.ConfigFromEnv(os.Getenv))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	t.Logf("before: %s", memLine())
	start := time.Now()
	snap, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("snapshot: %d nodes, %d edges in %.2fs", snap.NumNodes(), snap.NumEdges(), took.Seconds())
	t.Logf("after build: %s", memLine())
	runtime.GC()
	t.Logf("after GC: %s", memLine())
	runtime.KeepAlive(snap)
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
