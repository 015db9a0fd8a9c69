package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/townhall-civic/townhall/corpus"
)

func runIngest(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	manifestPath := fs.String("manifest", "", "sources manifest (YAML)")
	data := fs.String("data", "", "index folder (default $TOWNHALL_DATA/<manifest name>)")
	force := fs.Bool("force", false, "re-ingest every file even if unchanged")
	storeFlag(fs, &env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *manifestPath == "" {
		return usageError("ingest: -manifest is required")
	}
	is, err := openIndex(ctx, *manifestPath, *data, env)
	if err != nil {
		return err
	}
	defer is.Close()
	if is.store.Rebuilt {
		fmt.Fprintf(stderr, "index was built with another embedder or version; rebuilding from scratch\n")
	}
	sum, err := ingestWithProgress(ctx, is, env, *force, stderr)
	if err != nil {
		return err
	}
	printSummary(stdout, sum, is.embedder)
	if len(sum.Failures) > 0 {
		return &exitError{code: 3, err: fmt.Errorf("%d of %d files failed", len(sum.Failures), sum.Files)}
	}
	return nil
}

func ingestWithProgress(ctx context.Context, is *indexStore, env config, force bool, stderr io.Writer) (*corpus.Summary, error) {
	bar := newProgress(stderr, "ingest")
	return is.ingest(ctx, env, force, func(p corpus.Progress) { bar.update(p.Done, p.Total, p.Path) })
}

func printSummary(w io.Writer, sum *corpus.Summary, embedder string) {
	secs := sum.Duration.Seconds()
	if secs == 0 {
		secs = time.Nanosecond.Seconds()
	}
	fmt.Fprintf(w, "Ingested %d of %d files (%d unchanged, %d removed): %d documents, %.1f MB in %s (%.0f documents/s, %.1f MB/s); embedder %s\n",
		sum.Ingested, sum.Files, sum.Unchanged, sum.Deleted, sum.Documents, float64(sum.Bytes)/1e6,
		sum.Duration.Round(time.Millisecond), float64(sum.Documents)/secs, float64(sum.Bytes)/1e6/secs, embedder)
	kinds := make([]string, 0, len(sum.ByKind))
	for k := range sum.ByKind {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		c := sum.ByKind[corpus.Kind(k)]
		fmt.Fprintf(w, "  %-10s %6d files %8d documents\n", k, c.Files, c.Documents)
	}
	if len(sum.Failures) > 0 {
		fmt.Fprintf(w, "Failures (%d):\n", len(sum.Failures))
		for _, f := range sum.Failures {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
}
