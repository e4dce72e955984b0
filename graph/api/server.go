package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/chipgraph/chipgraph/schema"
)

// Options bound what one request may cost. The zero value of a field means
// its default.
type Options struct {
	MaxComplexity int           // complexity limit per operation (see complexity); default 50,000
	MaxDepth      int           // deepest field nesting, introspection excluded; default 12
	Timeout       time.Duration // per request; default 10s
	MaxBodyBytes  int64         // request body limit; default 256 KiB (real queries are a few KiB)
	// MaxFields bounds the fields of one operation with its fragments
	// expanded and aliases counted, checked before anything walks the
	// document; default 5,000.
	MaxFields int
	// QueryCacheBytes bounds the query texts whose parsed documents are
	// cached (documents take some ten times their text); default 4 MiB.
	QueryCacheBytes int
	// MaxInFlight bounds the GraphQL requests being answered at once;
	// more wait up to a second, then get 503 with Retry-After. Default 4
	// per CPU.
	MaxInFlight  int
	BuildVersion string // reported by /metrics (chipgraph_build_info); default from the binary's build info
	// AllowOrigins are the web origins (scheme://host[:port]) whose pages
	// may call the API from a browser (CORS), "*" for any; none by default.
	AllowOrigins []string
}

func (c Options) withDefaults() Options {
	if c.MaxComplexity == 0 {
		c.MaxComplexity = 50_000
	}
	if c.MaxDepth == 0 {
		c.MaxDepth = 12
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 256 << 10
	}
	if c.MaxFields == 0 {
		c.MaxFields = 5_000
	}
	if c.QueryCacheBytes == 0 {
		c.QueryCacheBytes = 4 << 20
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = 4 * runtime.GOMAXPROCS(0)
	}
	if c.BuildVersion == "" {
		c.BuildVersion = "(devel)"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
			c.BuildVersion = bi.Main.Version
		}
	}
	return c
}

// Server is chipgraph's HTTP API: the GraphQL endpoint and playground, the
// SDL, health, readiness and metrics. It answers from the snapshot its
// Holder has in service and keeps no other state between requests, so
// replicas can run side by side behind a load balancer.
//
// Routes:
//
//	GET  /                 GraphiQL playground with an example query
//	GET  /dashboard        the dashboard (web/dashboard), on the public API only
//	GET  /assets/...       the pages' scripts, styles and vendored libraries (embedded)
//	POST /graphql          GraphQL over HTTP (JSON body)
//	GET  /graphql          GraphQL over HTTP (query, variables, operationName in the URL)
//	GET  /schema.graphql   the schema as SDL (the files of package schema)
//	GET  /healthz          200 while the process is alive
//	GET  /readyz           200 with the snapshot's status once one is in service, else 503
//	GET  /metrics          Prometheus text format
//	GET  /reports/chokepoints.json, .csv
//	                       the chokepoint report (see reports.go)
type Server struct {
	holder   *Holder
	inflight chan struct{} // one token per GraphQL request being answered (Options.MaxInFlight)
	cfg      Options
	log      *slog.Logger
	gql      *handler.Server
	sdl      []byte
	metrics  *metrics
	mux      *http.ServeMux
}

// NewServer returns a server answering from h's snapshots and logging to
// log (one line per request; errors with their request ID; nil discards).
func NewServer(h *Holder, opt Options, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{holder: h, cfg: opt.withDefaults(), log: log, metrics: newMetrics(), mux: http.NewServeMux()}
	s.inflight = make(chan struct{}, s.cfg.MaxInFlight)

	es := NewExecutableSchema(Config{Resolvers: &Resolver{}, Complexity: complexity(func() int {
		if v := h.View(); v != nil {
			return graphScale(v.Snap.NumNodes())
		}
		return 1
	})})
	s.sdl = []byte(schema.SDL())

	gql := handler.New(es)
	gql.AddTransport(specTransport{transport.GET{}})
	gql.AddTransport(specTransport{transport.POST{}})
	gql.SetQueryCache(newQueryCache(s.cfg.QueryCacheBytes))
	gql.SetErrorPresenter(s.presentError)
	gql.SetRecoverFunc(s.recoverFunc)
	gql.Use(extension.Introspection{})
	gql.Use(shapeLimit{maxFields: s.cfg.MaxFields, maxSchema: 1})
	gql.Use(depthLimit{max: s.cfg.MaxDepth})
	gql.Use(extension.FixedComplexityLimit(s.cfg.MaxComplexity))
	gql.AroundRootFields(withDeadline)
	gql.AroundResponses(s.recordResponse)
	s.gql = gql

	s.Handle("GET /{$}", "playground", http.HandlerFunc(s.servePlayground))
	s.handleWeb() // web.go: /dashboard and /assets/
	s.Handle("/graphql", "graphql", http.HandlerFunc(s.serveGraphQL))
	s.Handle("GET /schema.graphql", "schema", http.HandlerFunc(s.serveSDL))
	s.Handle("GET /healthz", "healthz", http.HandlerFunc(s.serveHealth))
	s.Handle("GET /readyz", "readyz", http.HandlerFunc(s.serveReady))
	s.Handle("GET /metrics", "metrics", http.HandlerFunc(s.serveMetrics))
	s.handleReports() // reports.go
	s.mux.Handle("/", s.wrap("other", http.NotFoundHandler()))
	return s
}

// Handle adds a route (a net/http ServeMux pattern) under the server's
// request logging, metrics (labelled name) and panic recovery, for example
// the chokepoint reports. Handlers read the snapshot with
// s.Holder().View().
func (s *Server) Handle(pattern, name string, h http.Handler) {
	s.mux.Handle(pattern, s.wrap(name, h))
}

// Holder returns the holder the server answers from.
func (s *Server) Holder() *Holder { return s.holder }

// ServeHTTP routes a request. A request from a browser page of an allowed
// origin gets the CORS headers that let the page read the answer; its
// preflight (OPTIONS with Access-Control-Request-Method) is answered here.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if origin := r.Header.Get("Origin"); origin != "" && s.allowOrigin(origin) {
		h := w.Header()
		h.Add("Vary", "Origin")
		if slices.Contains(s.cfg.AllowOrigins, "*") {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		h.Set("Access-Control-Expose-Headers", "X-Request-ID")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Content-Type, X-Request-ID")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) allowOrigin(origin string) bool {
	return slices.ContainsFunc(s.cfg.AllowOrigins, func(o string) bool { return o == "*" || strings.EqualFold(o, origin) })
}

// requestInfo travels in a request's context: its ID, and what the
// GraphQL layer learnt for the log line and metrics.
type requestInfo struct {
	id string

	mu        sync.Mutex
	operation string   // metrics label: the root field, "multiple", "introspection" or ""
	opName    string   // the client's operationName
	codes     []string // extensions.code of each error returned
}

type requestInfoKey struct{}

func requestIDOf(ctx context.Context) string {
	if ri, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return ri.id
	}
	return ""
}

// requestID returns the request's X-Request-ID if a proxy set a sane one,
// so that log lines can be matched across hops, or else a new random ID.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-ID"); id != "" && len(id) <= 64 && strings.Trim(id,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == "" {
		return id
	}
	return newRequestID()
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter records the status code and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap gives a handler a request ID (echoed in X-Request-ID), panic
// recovery, one log line and the request metrics.
func (s *Server) wrap(name string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &requestInfo{id: requestID(r)}
		ctx := context.WithValue(r.Context(), requestInfoKey{}, ri)
		sw := &statusWriter{ResponseWriter: w}
		sw.Header().Set("X-Request-ID", ri.id)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.LogAttrs(ctx, slog.LevelError, "panic in handler", slog.String("request_id", ri.id),
					slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
				if sw.status == 0 {
					writeGraphQLError(sw, http.StatusInternalServerError, CodeInternal, "%s", internalMessage(ctx))
				}
				ri.codes = append(ri.codes, CodeInternal)
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			d := time.Since(start)
			ri.mu.Lock()
			op, opName, codes := ri.operation, ri.opName, ri.codes
			ri.mu.Unlock()
			s.metrics.observe(name, op, sw.status, d, codes)
			level := slog.LevelInfo
			switch name {
			case "healthz", "readyz", "metrics":
				level = slog.LevelDebug // probes and scrapes would drown the log
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status),
				slog.Float64("duration_ms", float64(d.Microseconds())/1000), slog.Int64("bytes", sw.bytes),
				slog.String("request_id", ri.id),
			}
			if name == "graphql" {
				code := ""
				if len(codes) > 0 {
					code = codes[0]
				}
				attrs = append(attrs, slog.String("op", op), slog.String("operation_name", opName), slog.String("error_code", code))
			}
			s.log.LogAttrs(ctx, level, "request", attrs...)
		}()
		h.ServeHTTP(sw, r.WithContext(ctx))
	})
}

// viewKey carries the View a GraphQL request reads.
type viewKey struct{}

// serveGraphQL pins the snapshot in service for the request, bounds its
// body and time, and hands it to gqlgen.
func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeGraphQLError(w, http.StatusMethodNotAllowed, CodeBadUserInput, "use GET or POST")
		s.noteCode(r.Context(), CodeBadUserInput)
		return
	}
	if r.Method == http.MethodPost {
		if r.ContentLength > s.cfg.MaxBodyBytes {
			s.tooLarge(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				s.tooLarge(w, r)
				return
			}
			writeGraphQLError(w, http.StatusBadRequest, CodeBadUserInput, "could not read the request body")
			s.noteCode(r.Context(), CodeBadUserInput)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/json") {
			writeGraphQLError(w, http.StatusUnsupportedMediaType, CodeBadUserInput, "POST a JSON body with Content-Type: application/json")
			s.noteCode(r.Context(), CodeBadUserInput)
			return
		}
	}
	if !hasQuery(r) {
		// Not a GraphQL-over-HTTP request; gqlgen would answer it like a
		// document that fails validation.
		writeGraphQLError(w, http.StatusBadRequest, CodeBadUserInput, "the request has no query; send {\"query\": \"...\"} (POST) or ?query=... (GET)")
		s.noteCode(r.Context(), CodeBadUserInput)
		return
	}
	if !s.acquire(r.Context()) {
		w.Header().Set("Retry-After", "1")
		writeGraphQLError(w, http.StatusServiceUnavailable, CodeUnavailable, "too many requests in progress; retry shortly")
		s.noteCode(r.Context(), CodeUnavailable)
		return
	}
	defer func() { <-s.inflight }()
	v := s.holder.View()
	if v == nil {
		writeGraphQLError(w, http.StatusServiceUnavailable, CodeUnavailable, "no data loaded yet; retry shortly")
		s.noteCode(r.Context(), CodeUnavailable)
		return
	}
	ctx := context.WithValue(r.Context(), viewKey{}, v)
	ctx = context.WithValue(ctx, deadlineKey{}, time.Now().Add(s.cfg.Timeout))
	s.gql.ServeHTTP(w, r.WithContext(ctx))
}

// hasQuery reports whether a request carries a query, or is one gqlgen
// will reject for its shape (a body that is not JSON, a query that is not a
// string), which it answers with 400 itself. The body was read into memory
// by serveGraphQL.
func hasQuery(r *http.Request) bool {
	if r.Method == http.MethodGet {
		return r.URL.Query().Get("query") != ""
	}
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return true
	}
	var params struct {
		Query json.RawMessage `json:"query"`
	}
	if json.Unmarshal(body, &params) != nil {
		return true
	}
	q := bytes.TrimSpace(params.Query)
	return len(q) > 0 && !bytes.Equal(q, []byte("null")) && !bytes.Equal(q, []byte(`""`))
}

// acquire takes an in-flight token, waiting up to maxQueueWait for one.
func (s *Server) acquire(ctx context.Context) bool {
	select {
	case s.inflight <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(maxQueueWait)
	defer t.Stop()
	select {
	case s.inflight <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// maxQueueWait is how long a request waits for an in-flight slot.
const maxQueueWait = time.Second

// deadlineKey carries the time a GraphQL request must be answered by.
type deadlineKey struct{}

// withDeadline bounds each root field by the request's deadline. The
// deadline is applied here rather than to the whole request because gqlgen
// answers a request whose context has ended with an empty body; this way
// resolvers (and graph/analysis, through their ctx) see the deadline, fail
// with context.DeadlineExceeded, and the client gets an UNAVAILABLE error.
func withDeadline(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	if d, ok := ctx.Value(deadlineKey{}).(time.Time); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d)
		defer cancel()
	}
	return next(ctx)
}

func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request) {
	writeGraphQLError(w, http.StatusRequestEntityTooLarge, CodeBadUserInput,
		"request body larger than the limit of %d bytes", s.cfg.MaxBodyBytes)
	s.noteCode(r.Context(), CodeBadUserInput)
}

func (s *Server) noteCode(ctx context.Context, code string) {
	if ri, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		ri.mu.Lock()
		ri.codes = append(ri.codes, code)
		ri.mu.Unlock()
	}
}

// writeGraphQLError answers with a GraphQL-shaped error outside gqlgen.
func writeGraphQLError(w http.ResponseWriter, status int, code, format string, args ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	err := codedError(code, format, args...)
	_ = json.NewEncoder(w).Encode(requestErrorBody{Errors: gqlerror.List{err.(*gqlerror.Error)}})
}

// recordResponse notes the operation and the error codes of a GraphQL
// response for the request's log line and metrics.
func (s *Server) recordResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	ri, ok := ctx.Value(requestInfoKey{}).(*requestInfo)
	if !ok || resp == nil {
		return resp
	}
	ri.mu.Lock()
	defer ri.mu.Unlock()
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		ri.opName = oc.OperationName
		if oc.Operation != nil {
			ri.operation = operationLabel(oc.Operation.SelectionSet)
		}
	}
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		ri.codes = append(ri.codes, code)
	}
	return resp
}

// operationLabel names an operation by its root field: a bounded set of
// values, unlike client-chosen operation names, so it can label metrics.
func operationLabel(set ast.SelectionSet) string {
	var names []string
	seen := map[*ast.FragmentDefinition]bool{} // each fragment once: spreads may share them exponentially
	var collect func(ast.SelectionSet)
	collect = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if !strings.HasPrefix(s.Name, "__") && !slices.Contains(names, s.Name) {
					names = append(names, s.Name)
				}
			case *ast.InlineFragment:
				collect(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil && !seen[s.Definition] {
					seen[s.Definition] = true
					collect(s.Definition.SelectionSet)
				}
			}
		}
	}
	collect(set)
	switch len(names) {
	case 0:
		return "introspection"
	case 1:
		return names[0]
	}
	return "multiple"
}

func (s *Server) serveSDL(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(s.sdl)
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

// readiness is the JSON body of /readyz.
type readiness struct {
	Ready        bool           `json:"ready"`
	Version      string         `json:"version,omitempty"`
	StoreVersion int64          `json:"storeVersion,omitempty"`
	Nodes        int            `json:"nodes"`
	Edges        int            `json:"edges"`
	NodesByLabel map[string]int `json:"nodesByLabel,omitempty"`
	CurrentTo    string         `json:"dataCurrentTo,omitempty"` // the latest event date up to today
	BuiltAt      *time.Time     `json:"builtAt,omitempty"`
	LoadedAt     *time.Time     `json:"loadedAt,omitempty"`
	LastError    string         `json:"lastReloadError,omitempty"`
	Refused      string         `json:"refusedReload,omitempty"`
	LastErrorAt  *time.Time     `json:"lastReloadErrorAt,omitempty"`
}

func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	st := s.holder.Status()
	body := readiness{Ready: st.Ready, Version: st.Version, StoreVersion: st.StoreVersion, Nodes: st.Nodes,
		Edges: st.Edges, NodesByLabel: st.NodesByLabel, LastError: st.LastError, CurrentTo: st.CurrentTo.String(),
		Refused: st.Refused,
		BuiltAt: timePtr(st.BuiltAt), LoadedAt: timePtr(st.LoadedAt), LastErrorAt: timePtr(st.LastErrorAt)}
	w.Header().Set("Content-Type", "application/json")
	if st.Refused != "" {
		// Still answering from the previous snapshot, but the store and the
		// server disagree: take this replica out of rotation until an
		// operator decides.
		body.Ready = false
	}
	if !body.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(body)
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	if err := s.metrics.write(w, s.holder.Status(), s.cfg.BuildVersion); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "writing metrics", slog.String("err", err.Error()))
	}
}
