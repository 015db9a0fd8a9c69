package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

func runSearch(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	manifestPath := fs.String("manifest", "", "sources manifest (YAML)")
	data := fs.String("data", "", "index folder (default $TOWNHALL_DATA/<manifest name>)")
	n := fs.Int("n", 10, "number of documents")
	kind := fs.String("kind", "", "only this kind: page, foi, spending, contracts or budget")
	retriever := fs.String("retriever", "hybrid", "hybrid, bm25, keyword or vector")
	storeFlag(fs, &env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	query := strings.Join(fs.Args(), " ")
	if *manifestPath == "" || strings.TrimSpace(query) == "" {
		return usageError("search: usage: townhall search -manifest FILE [flags] QUERY")
	}
	q := retrieval.Query{Text: query, Limit: *n}
	if *kind != "" {
		k := corpus.Kind(*kind)
		if !k.Valid() {
			return usageError("search: unknown kind %q", *kind)
		}
		q.Kinds = []corpus.Kind{k}
	}
	is, err := openIndex(ctx, *manifestPath, *data, env)
	if err != nil {
		return err
	}
	defer is.Close()
	s, err := is.searcher(*retriever)
	if err != nil {
		return usageError("search: %v", err)
	}
	start := time.Now()
	hits, err := s.Search(ctx, q)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	for i, h := range hits {
		fmt.Fprintf(stdout, "%2d. %s  [%s]  score %.4f\n    %s\n", i+1, h.Chunk.DocID, h.Chunk.Kind, h.Score, h.Chunk.Title)
		if h.Chunk.URL != "" {
			fmt.Fprintf(stdout, "    %s\n", h.Chunk.URL)
		}
		fmt.Fprintf(stdout, "    %s\n", terminalSnippet(h.Snippet))
	}
	fmt.Fprintf(stdout, "%d documents in %s (%s)\n", len(hits), elapsed.Round(time.Microsecond), *retriever)
	return nil
}

var markTag = regexp.MustCompile(`</?mark>`)

// terminalSnippet shows highlighted terms in bold on a terminal-friendly
// plain line.
func terminalSnippet(s string) string {
	s = markTag.ReplaceAllString(s, "**")
	r := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`)
	return r.Replace(s)
}
