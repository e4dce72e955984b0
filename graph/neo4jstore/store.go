package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// DefaultBatchSize is the number of rows per write transaction when neither
// Config.BatchSize nor WriteOptions.BatchSize says otherwise. It was chosen
// by measuring loads of a 10^5-node synthetic graph (see doc.go).
const DefaultBatchSize = 1000

// Config says how to reach Neo4j. The zero value of every field but URI has
// a default.
type Config struct {
	URI      string // bolt://127.0.0.1:7687 for a single server, neo4j://... for a cluster
	User     string // empty: no authentication
	Password string
	Database string // default "neo4j"
	// BatchSize is the default number of rows per write transaction;
	// WriteOptions.BatchSize overrides it for one Write.
	BatchSize int
	// MaxRetryTime bounds how long the driver retries a transaction that
	// failed transiently (a lost connection, a deadlock) before giving up;
	// default 30s.
	MaxRetryTime time.Duration
}

// ConfigFromEnv returns a Config from NEO4J_URI, NEO4J_USER,
// NEO4J_PASSWORD, NEO4J_DATABASE and NEO4J_BATCH_SIZE, read with getenv
// (os.Getenv in programs).
func ConfigFromEnv(getenv func(string) string) Config {
	c := Config{
		URI:      getenv("NEO4J_URI"),
		User:     getenv("NEO4J_USER"),
		Password: getenv("NEO4J_PASSWORD"),
		Database: getenv("NEO4J_DATABASE"),
	}
	if n, err := strconv.Atoi(getenv("NEO4J_BATCH_SIZE")); err == nil {
		c.BatchSize = n
	}
	return c
}

// Store is a graph.Store kept in Neo4j. It is safe for concurrent use; any
// number of processes may read while one of them writes (see doc.go).
type Store struct {
	driver    neo4j.DriverWithContext
	db        string
	batchSize int
}

var _ graph.Store = (*Store)(nil)

// Open connects to Neo4j and checks that the server answers. A server that
// cannot be reached gives an error of kind graph.Unavailable.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	const op = "neo4jstore.Open"
	if cfg.URI == "" {
		return nil, graph.Errorf(graph.Invalid, op, "no Neo4j URI configured (set NEO4J_URI or --neo4j-uri)")
	}
	if cfg.Database == "" {
		cfg.Database = "neo4j"
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.MaxRetryTime <= 0 {
		cfg.MaxRetryTime = 30 * time.Second
	}
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.MaxTransactionRetryTime = cfg.MaxRetryTime
		c.SocketConnectTimeout = 5 * time.Second
		c.ConnectionAcquisitionTimeout = cfg.MaxRetryTime
		c.UserAgent = "chipgraph"
	})
	if err != nil {
		return nil, graph.Errorf(graph.Invalid, op, "bad Neo4j URI %q: %v", cfg.URI, err)
	}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		driver.Close(context.WithoutCancel(ctx))
		return nil, wrap(ctx, op, fmt.Errorf("cannot reach Neo4j at %s: %w", cfg.URI, err))
	}
	return &Store{driver: driver, db: cfg.Database, batchSize: cfg.BatchSize}, nil
}

// Close releases the driver's connections.
func (s *Store) Close(ctx context.Context) error {
	if err := s.driver.Close(ctx); err != nil {
		return wrap(ctx, "neo4jstore.Close", err)
	}
	return nil
}

// session opens a session on the store's database; fetch is the number of
// records asked for at a time (neo4j.FetchAll: all at once).
func (s *Store) session(ctx context.Context, mode neo4j.AccessMode, fetch int) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode, FetchSize: fetch})
}

// Version returns the number of completed loads (0 for a database that was
// never loaded).
func (s *Store) Version(ctx context.Context) (int64, error) {
	m, err := s.readMeta(ctx)
	if err != nil {
		return 0, wrap(ctx, "neo4jstore.Version", err)
	}
	return m.version, nil
}

// meta is the content of the meta node.
type meta struct {
	version     int64  // completed loads
	committed   int64  // the load ID readers read
	nextLoad    int64  // the last load ID handed out
	fingerprint string // graph.Dataset.Fingerprint of the committed content
}

const metaQuery = `OPTIONAL MATCH (m:ChipgraphMeta {id: 'meta'})
RETURN m.version AS version, m.committed AS committed, m.nextLoad AS nextLoad, m.fingerprint AS fingerprint`

func (s *Store) readMeta(ctx context.Context) (meta, error) {
	res, err := neo4j.ExecuteQuery(ctx, s.driver, metaQuery, nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return meta{}, err
	}
	if len(res.Records) != 1 {
		return meta{}, fmt.Errorf("meta query returned %d rows", len(res.Records))
	}
	return metaOf(res.Records[0])
}

func metaOf(rec *neo4j.Record) (meta, error) {
	var m meta
	var err error
	get := func(key string) int64 {
		v, _ := rec.Get(key)
		if v == nil {
			return 0
		}
		i, ok := v.(int64)
		if !ok && err == nil {
			err = fmt.Errorf("meta node: %s is %T, want INTEGER", key, v)
		}
		return i
	}
	m.version, m.committed, m.nextLoad = get("version"), get("committed"), get("nextLoad")
	if v, _ := rec.Get("fingerprint"); v != nil {
		m.fingerprint, _ = v.(string)
	}
	return m, err
}

// wrap turns a driver error into a *graph.Error of the right kind:
//   - the context ended, or the server cannot be reached (connectivity
//     errors, transient errors the driver gave up retrying, a stopped
//     server): Unavailable;
//   - a uniqueness constraint was violated: Conflict;
//   - the database does not exist: NotFound;
//   - anything else: Internal.
//
// A *graph.Error passes through unchanged; an error wrapping one keeps its
// kind.
func wrap(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if ge, ok := err.(*graph.Error); ok {
		return ge
	}
	kind := graph.KindOf(err)
	if kind == graph.Other {
		kind = kindOf(ctx, err)
	}
	return &graph.Error{Kind: kind, Op: op, Err: err}
}

func kindOf(ctx context.Context, err error) graph.ErrorKind {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return graph.Unavailable
	}
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) {
		// Retries ran out: classify by the last attempt's error, but a
		// transaction that kept failing transiently is Unavailable.
		if n := len(limit.Errors); n > 0 {
			if k := kindOf(ctx, limit.Errors[n-1]); k != graph.Internal {
				return k
			}
		}
		return graph.Unavailable
	}
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) {
		switch {
		case ne.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			return graph.Conflict
		case ne.Code == "Neo.ClientError.Database.DatabaseNotFound":
			return graph.NotFound
		case ne.HasSecurityCode():
			return graph.Unavailable // wrong credentials: the server cannot be used as configured
		case ne.IsRetriable(), ne.Code == "Neo.ClientError.Transaction.Terminated",
			ne.Code == "Neo.ClientError.Transaction.LockClientStopped",
			ne.Code == "Neo.TransientError.General.DatabaseUnavailable":
			return graph.Unavailable
		}
		return graph.Internal
	}
	var ce *neo4j.ConnectivityError
	if errors.As(err, &ce) {
		return graph.Unavailable
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return graph.Unavailable
	}
	return graph.Internal
}
