package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// Holder holds the snapshot the server answers from, and the state of the
// reloads that replace it. It is the one piece of mutable state in the API:
// a request takes the current View once, at its start, and reads only that
// (one request sees one data version); a reload builds the next snapshot
// aside and publishes it with Swap, atomically, so readers never wait and
// never see a partial graph. /readyz and /metrics read Status.
//
// Any source of snapshots can drive a Holder:
//
//	h := api.NewHolder()
//	if err := h.Refresh(ctx, store); err != nil { ... } // first load; store is any graph.Reader
//	go h.Poll(ctx, store, 30*time.Second, log)           // follow the store's data version
//
// or, with snapshots built some other way, call Swap(snap) on success and
// ReportError(err) on failure. A failed reload keeps the previous snapshot
// in service: the server stays ready if it has ever loaded one.
//
// All methods are safe for concurrent use.
type Holder struct {
	view atomic.Pointer[View]

	// AcceptRegression lets Refresh put into service a snapshot that is
	// empty while a non-empty one is served, or whose store version is
	// lower than the one served (an operator restoring an older backup).
	// Off by default: a wiped or recreated store is refused and reported.
	// Set it before the first Refresh.
	AcceptRegression bool

	mu       sync.Mutex // guards the fields below
	version  int64      // store data version of the current view (Refresh), 0 if unknown
	swaps    int64
	failures int64
	lastErr  error
	errAt    time.Time
	refused  string // why the last reload was refused ("" if none since the last swap)
	refusals int64
}

// View is one snapshot and what the server derives from it once rather than
// per request: the search index and the analysis engine (which caches
// chokepoint tables per as-of date). Its fields do not change.
type View struct {
	Snap     *graph.Snapshot
	Engine   *analysis.Engine // analysis over Snap; safe for concurrent use
	LoadedAt time.Time        // when the holder started serving it
	search   *searchIndex
}

// Status describes the holder for health checks and metrics.
type Status struct {
	Ready        bool       // a snapshot has been loaded
	Version      string     // the snapshot's content fingerprint (graph.Snapshot.Version)
	StoreVersion int64      // the store's data version of that snapshot, if known (Refresh/SwapVersion)
	Nodes        int        // nodes in the snapshot
	Edges        int        // edges in the snapshot
	CurrentTo    graph.Date // the latest event date up to today (analysis.Engine.CurrentTo), zero if none
	NodesByLabel map[string]int
	BuiltAt      time.Time // when the snapshot was built
	LoadedAt     time.Time // when it went into service
	Swaps        int64     // snapshots put into service since start
	Failures     int64     // failed reloads since start
	LastError    string    // the last reload error, "" if none since the last success (no internal addresses)
	Refused      string    // why the store's newest data was refused (empty or older), "" if not
	Refusals     int64     // reloads refused since start
	LastErrorAt  time.Time // when that error was reported (kept after a later success)
}

// NewHolder returns a holder with no snapshot: not ready until the first
// Swap.
func NewHolder() *Holder { return &Holder{} }

// View returns the view in service, or nil before the first Swap.
func (h *Holder) View() *View { return h.view.Load() }

// Snapshot returns the snapshot in service, or nil before the first Swap.
func (h *Holder) Snapshot() *graph.Snapshot {
	if v := h.view.Load(); v != nil {
		return v.Snap
	}
	return nil
}

// Swap puts snap into service. It builds the per-snapshot indexes (search,
// analysis engine) first, so it takes a moment on a large graph, but
// requests keep being answered from the previous snapshot until it returns. A successful Swap clears the
// last reload error. Swap(nil) is ignored.
func (h *Holder) Swap(snap *graph.Snapshot) { h.SwapVersion(snap, 0) }

// SwapVersion is Swap recording the store's data version of snap (see
// graph.Reader.Version), which Refresh compares to decide whether to reload.
func (h *Holder) SwapVersion(snap *graph.Snapshot, storeVersion int64) {
	if snap == nil {
		return
	}
	// The two indexes only read the snapshot: build them side by side.
	search := make(chan *searchIndex, 1)
	go func() { search <- newSearchIndex(snap) }()
	v := &View{Snap: snap, Engine: analysis.NewEngine(snap)}
	v.search = <-search
	v.LoadedAt = time.Now()
	h.mu.Lock()
	h.view.Store(v)
	h.version = storeVersion
	h.swaps++
	h.lastErr = nil
	h.refused = ""
	h.mu.Unlock()
	if snap.NumNodes()+snap.NumEdges() >= freeAfterRows {
		// Building the engine and the search index of a large snapshot
		// leaves garbage the runtime would keep resident; return it now
		// (10^6 nodes: 2.16 -> 1.70 GiB resident, 0.2 s).
		debug.FreeOSMemory()
	}
}

// freeAfterRows is the snapshot size (nodes and edges) from which a swap
// returns freed memory to the OS.
const freeAfterRows = 100_000

// ReportError records a failed reload. The snapshot in service, if any,
// stays in service.
func (h *Holder) ReportError(err error) {
	if err == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures++
	h.lastErr = err
	h.errAt = time.Now()
}

// Status returns the current state.
func (h *Holder) Status() Status {
	v := h.view.Load()
	h.mu.Lock()
	st := Status{StoreVersion: h.version, Swaps: h.swaps, Failures: h.failures, LastErrorAt: h.errAt,
		Refused: h.refused, Refusals: h.refusals}
	if h.lastErr != nil {
		st.LastError = publicError(h.lastErr)
	}
	h.mu.Unlock()
	if v != nil {
		st.Ready = true
		st.Version = v.Snap.Version()
		st.Nodes = v.Snap.NumNodes()
		st.Edges = v.Snap.NumEdges()
		st.NodesByLabel = map[string]int{}
		for _, k := range graph.NodeKinds {
			st.NodesByLabel[k.Label()] = len(v.Snap.OfKind(k))
		}
		st.BuiltAt = v.Snap.Built()
		st.LoadedAt = v.LoadedAt
		st.CurrentTo, _ = v.Engine.CurrentTo(graph.Today())
	}
	return st
}

// Refresh loads r's snapshot if r's data version differs from the one in
// service (or nothing is in service yet). A failure is recorded with
// ReportError and returned; the previous snapshot stays in service.
func (h *Holder) Refresh(ctx context.Context, r graph.Reader) error {
	v, err := r.Version(ctx)
	if err != nil {
		h.ReportError(err)
		return err
	}
	cur := h.view.Load()
	h.mu.Lock()
	// While a reload is refused the store's version alone cannot be trusted
	// (a wiped database reloaded once is at version 1 again): read it.
	same := cur != nil && v == h.version && h.refused == ""
	served := h.version
	if same && h.refused == "" {
		h.lastErr = nil // the store answers again: an outage is over
	}
	h.mu.Unlock()
	if same {
		return nil
	}
	if cur != nil && v < served && !h.AcceptRegression {
		return h.refuse(fmt.Sprintf("the store's data version went back from %d to %d (wiped, recreated or restored?)", served, v))
	}
	return h.reload(ctx, r, v, cur, served)
}

// Reload builds r's snapshot and puts it in service whatever its data
// version, as Refresh does when the version changed (an empty store is
// still refused while a snapshot with nodes is served, unless
// AcceptRegression). The benchmark measures a refresh with it.
func (h *Holder) Reload(ctx context.Context, r graph.Reader) error {
	v, err := r.Version(ctx)
	if err != nil {
		h.ReportError(err)
		return err
	}
	h.mu.Lock()
	served := h.version
	h.mu.Unlock()
	return h.reload(ctx, r, v, h.view.Load(), served)
}

func (h *Holder) reload(ctx context.Context, r graph.Reader, v int64, cur *View, served int64) error {
	defer boundHeap()()
	snap, err := r.Snapshot(ctx)
	if err != nil {
		h.ReportError(err)
		return err
	}
	if cur != nil && snap.NumNodes() == 0 && cur.Snap.NumNodes() > 0 && !h.AcceptRegression {
		return h.refuse(fmt.Sprintf("the store holds no nodes (version %d) while %d nodes of version %d are served", v,
			cur.Snap.NumNodes(), served))
	}
	h.SwapVersion(snap, v)
	return nil
}

// boundHeap caps the Go heap while a new snapshot is built beside the one
// in service, and returns what lifts the cap. With the default GOGC=100
// the runtime lets the heap grow to twice what is live before it collects,
// and during a rebuild the live heap holds both snapshots: at 10^6 nodes
// the process reached 7.6 GiB resident for 3.4 GiB live. The cap is two and
// a half times the heap live before the rebuild (the snapshot in service,
// about as large as the next) plus 256 MiB, so the runtime collects more
// often instead; it is a soft limit, which the heap may pass if the new
// snapshot is much larger. A GOMEMLIMIT the user set is left alone, and so
// is a live heap under 256 MiB.
func boundHeap() (restore func()) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return func() {}
	}
	s := []rtmetrics.Sample{{Name: "/gc/heap/live:bytes"}}
	rtmetrics.Read(s)
	if s[0].Value.Kind() != rtmetrics.KindUint64 {
		return func() {}
	}
	live := int64(s[0].Value.Uint64())
	if live < 256<<20 {
		return func() {}
	}
	debug.SetMemoryLimit(live*5/2 + 256<<20)
	return func() { debug.SetMemoryLimit(math.MaxInt64) }
}

// ErrRegression is the error of a refused reload (see Holder.AcceptRegression).
var ErrRegression = errors.New("refused to serve a store that went empty or back in version")

// refuse records a refused reload and returns it as an error.
func (h *Holder) refuse(why string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refused = why + "; still serving the previous snapshot (restart with --accept-regression to accept it)"
	h.refusals++
	return fmt.Errorf("%w: %s", ErrRegression, why)
}

// publicError is what /readyz and /metrics may show of a reload error: its
// kind, not the driver's message (which names internal hosts and ports).
func publicError(err error) string {
	switch graph.KindOf(err) {
	case graph.Unavailable:
		return "the store is unavailable"
	case graph.Invalid:
		return "the store holds data that does not validate"
	case graph.Conflict:
		return "the store holds conflicting data"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "the store did not answer in time"
	}
	return "reload failed (see the server log)"
}

// Poll calls Refresh every interval until ctx is done, and returns ctx's
// error. Failures are recorded (see Status), logged to log if it is not nil,
// and retried at the next tick; so is each new snapshot put into service.
func (h *Holder) Poll(ctx context.Context, r graph.Reader, interval time.Duration, log *slog.Logger) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			before := h.Snapshot()
			err := h.refreshBounded(ctx, r, interval)
			switch {
			case log == nil:
			case err != nil && ctx.Err() == nil:
				log.Error("snapshot reload failed; serving the previous one", "err", err)
			case err == nil && h.Snapshot() != before:
				st := h.Status()
				log.Info("snapshot reloaded", "version", st.Version, "storeVersion", st.StoreVersion,
					"nodes", st.Nodes, "edges", st.Edges)
			}
		}
	}
}

// refreshBounded is Refresh for Poll: the store's version must answer
// within pollTimeout (so that an outage shows within seconds, not after the
// driver's own retries), and a panic is recorded as a failed reload instead
// of ending the poll.
func (h *Holder) refreshBounded(ctx context.Context, r graph.Reader, interval time.Duration) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("reload panicked: %v", p)
			h.ReportError(err)
		}
	}()
	vctx, cancel := context.WithTimeout(ctx, min(interval, pollTimeout))
	v, err := r.Version(vctx)
	cancel()
	if err != nil {
		h.ReportError(err)
		return err
	}
	return h.Refresh(ctx, fixedVersion{r, v})
}

// pollTimeout bounds how long a poll waits for the store's version.
const pollTimeout = 5 * time.Second

// fixedVersion is a Reader whose Version is already known.
type fixedVersion struct {
	graph.Reader
	v int64
}

func (f fixedVersion) Version(context.Context) (int64, error) { return f.v, nil }
