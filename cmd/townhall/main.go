// Command townhall runs Townhall: it ingests a council's content, answers
// searches and evaluation suites, and serves the resident assistant, the
// FOI portal and the staff pages.
//
// Usage:
//
//	townhall ingest -manifest FILE [-data DIR] [-force] [-store local|postgres]
//	townhall search -manifest FILE [-data DIR] [-n 10] [-kind KIND] [-retriever hybrid|bm25|vector] [-store ...] QUERY
//	townhall eval   -suite FILE -manifest FILE -json OUT [-retriever hybrid|bm25|vector] [-store ...]
//	townhall serve  -addr HOST:PORT -manifest FILE [-data DIR] [-foi-db FILE] [-store ...]
//	townhall foi import -manifest FILE [-data DIR] [-db FILE] [-skip-bad-files] [-store ...]
//	townhall foi republish [-manifest FILE | -db FILE] [-dry-run] [-store ...]
//	townhall messaging status|dead|show|requeue [-manifest FILE] [-data DIR] [-db FILE] [-store local|postgres] [[inbound|outbound] ID]
//	townhall store migrate -manifest FILE [-data DIR] [-dry-run]
//
// Only this package reads flags and the environment; everything else is
// configured through structs (see config.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "townhall:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitError carries a specific exit status, e.g. 2 for usage errors.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

const usage = `townhall: a council's resident assistant, FOI portal and evaluation harness

Commands:
  ingest   load a manifest's sources into the local index (incremental)
  search   search the index and print the top documents
  eval     run an evaluation suite and write a JSON report
  serve    run the web service (assistant, FOI portal at /foi/)
  foi      import a manifest's FOI sources into the disclosure log
  messaging  look after the SMS and WhatsApp queue (status, dead, show, requeue)
  store    store migrate: copy the embedded SQLite stores into PostgreSQL

Run "townhall COMMAND -h" for a command's flags.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError("no command given")
	}
	env := envConfig(getenv)
	switch args[0] {
	case "ingest":
		return runIngest(ctx, args[1:], env, stdout, stderr)
	case "search":
		return runSearch(ctx, args[1:], env, stdout, stderr)
	case "eval":
		return runEval(ctx, args[1:], env, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], env, stdout, stderr)
	case "foi":
		return runFOI(ctx, args[1:], env, stdout, stderr)
	case "messaging":
		return runMessaging(ctx, args[1:], env, stdout, stderr)
	case "store":
		return runStore(ctx, args[1:], env, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError("unknown command %q", args[0])
}
