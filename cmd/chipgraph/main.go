// Command chipgraph is the one binary of chipgraph, a knowledge graph of the
// semiconductor supply chain: it serves the GraphQL API, loads and validates
// data, and prints reports. It only wires packages together; each
// subcommand lives in its own file and is listed once in commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/chipgraph/chipgraph/loaders"
	"github.com/chipgraph/chipgraph/loaders/csl"
	"github.com/chipgraph/chipgraph/loaders/eto"
)

// Env is what a command may touch of the outside world, so that tests can
// run commands in-process with buffers and a fake environment.
type Env struct {
	Stdout, Stderr io.Writer
	Logger         *slog.Logger
	Getenv         func(key string) string
}

// command is one subcommand: its function and a one-line summary for
// "chipgraph --help".
type command struct {
	run     func(ctx context.Context, env *Env, args []string) error
	summary string
}

// commands maps each subcommand name to its implementation.
//
// To add a command, write `func runNAME(ctx context.Context, env *Env,
// args []string) error` in its own file (NAME.go, using newFlags and
// parseFlags for a --help that works) and add ONE line here.
var commands = map[string]command{
	"validate": {runValidate, "parse and check data sources, print every problem, write nothing"},
	"serve":    {runServe, "serve the GraphQL API, playground, health and metrics over HTTP"},
	"load":     {runLoad, "check data sources, then write them to Neo4j (replacing its content)"},
	"report":   {runReport, "print the chokepoint report as JSON or CSV, stamped with the dataset version and as-of date"},
	"gen":      {runGen, "write a deterministic synthetic supply chain as curated CSV files"},
	"bench":    {runBench, "measure ingest, snapshot and queries against Neo4j, LOAD CSV and @neo4j/graphql"},
}

// loadOptions returns the loaders.Options that every command loading data
// uses: the source formats this binary reads besides the built-in curated
// one. To add a format, add ONE line here, e.g. "eto": eto.Load.
func loadOptions() loaders.Options {
	return loaders.Options{Loaders: map[string]loaders.SourceLoader{
		"eto": eto.Load,
		"csl": csl.Load,
	}}
}

// parseSpecs reads the KIND:PATH arguments of validate and load; a
// malformed one is a usage error.
func parseSpecs(args []string) ([]loaders.Spec, error) {
	var specs []loaders.Spec
	for _, a := range args {
		s, err := loaders.ParseSpec(a)
		if err != nil {
			return nil, usageError{err}
		}
		specs = append(specs, s)
	}
	return specs, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &Env{
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)),
		Getenv: os.Getenv,
	}
	code := run(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0 // done, nothing wrong
	exitFailure = 1 // problems found, or the command failed
	exitUsage   = 2 // the command line was wrong
)

// run dispatches args to a command and turns its error into an exit code,
// printing what the user needs to see on env.Stderr.
func run(ctx context.Context, env *Env, args []string) int {
	top := flag.NewFlagSet("chipgraph", flag.ContinueOnError) // global flags: only --help so far
	top.SetOutput(io.Discard)
	err := top.Parse(args)
	rest := top.Args()
	switch {
	case errors.Is(err, flag.ErrHelp):
		printUsage(env.Stdout)
		return exitOK
	case err != nil:
		fmt.Fprintf(env.Stderr, "chipgraph: %v\n\n", err)
		printUsage(env.Stderr)
		return exitUsage
	case len(rest) == 0:
		printUsage(env.Stderr)
		return exitUsage
	}

	name, args := rest[0], rest[1:]
	if name == "help" {
		if len(args) == 0 {
			printUsage(env.Stdout)
			return exitOK
		}
		name, args = args[0], []string{"--help"}
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "chipgraph: unknown command %q\n\n", name)
		printUsage(env.Stderr)
		return exitUsage
	}

	err = cmd.run(ctx, env, args)
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "chipgraph %s: %v\nRun \"chipgraph %s --help\" for usage.\n", name, ue.err, name)
		return exitUsage
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		fmt.Fprintf(env.Stderr, "chipgraph %s: interrupted\n", name)
		return exitFailure
	default:
		fmt.Fprintf(env.Stderr, "chipgraph %s: %v\n", name, err)
		return exitFailure
	}
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `chipgraph: a knowledge graph of the semiconductor supply chain.

Usage:
  chipgraph COMMAND [flags] [arguments]

Commands:
`)
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range commands {
			if !yield(name) {
				return
			}
		}
	})
	width := 0
	for _, name := range names {
		width = max(width, len(name))
	}
	for _, name := range names {
		fmt.Fprintf(w, "  %-*s  %s\n", width, name, commands[name].summary)
	}
	fmt.Fprint(w, `
Run "chipgraph COMMAND --help" for the flags and arguments of a command.

Data sources are written KIND:PATH: curated:DIR (CSV files in the format of
data/README.md), eto:DIR (an ETO supply-chain dataset release), csl:FILE (the
Consolidated Screening List). With none, the curated dataset built into the
binary is used.

Environment (a flag given on the command line wins):
  NEO4J_URI               the Neo4j to use (serve, load, report, bench), e.g. bolt://127.0.0.1:7687
  NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE
                          its credentials and database (default: no authentication, database neo4j)
  NEO4J_BATCH_SIZE        rows per write transaction (load, bench)
  CHIPGRAPH_ADDR          serve's listen address HOST:PORT (default `+defaultAddr+`)
  CHIPGRAPH_CORS_ORIGINS  web origins whose pages may call serve's API, comma-separated, or *
  GOMEMLIMIT              read by the Go runtime: a soft memory limit such as 2GiB for a large server
`)
}

// usageError is a mistake on the command line: run prints it with a hint
// at --help and exits with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usageErrorf returns a usageError with a formatted message.
func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// newFlags returns the FlagSet of a command. synopsis is its usage line
// ("chipgraph validate [--json] [KIND:PATH ...]"); description says what it
// does and what its arguments mean. --help prints both and the flags.
func newFlags(synopsis, description string) *flag.FlagSet {
	name, _, _ := strings.Cut(strings.TrimPrefix(synopsis, "chipgraph "), " ")
	fs := flag.NewFlagSet("chipgraph "+name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s\n\n%s\n", synopsis, strings.TrimSpace(description))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses a command's args and returns its positional arguments.
// Flags may come before or after them; "--" ends the flags. --help prints
// the usage on env.Stdout and returns flag.ErrHelp (run exits 0); a bad
// flag gives a usageError (run exits 2).
func parseFlags(env *Env, fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard) // errors are printed by run, help below
	var positional []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return nil, flag.ErrHelp
		}
		if err != nil {
			return nil, usageError{err}
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if len(rest) == 0 || consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
