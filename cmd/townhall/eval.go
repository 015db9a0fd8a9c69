package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/assistanttest"
	"github.com/townhall-civic/townhall/assistant/extractive"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/evals"
	"github.com/townhall-civic/townhall/retrieval"
)

func runEval(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	suitePath := fs.String("suite", "", "eval suite (JSON Lines, shared/evals/FORMAT.md)")
	manifestPath := fs.String("manifest", "", "sources manifest (YAML)")
	jsonOut := fs.String("json", "", "write the JSON report here")
	data := fs.String("data", "", "index folder (default $TOWNHALL_DATA/<manifest name>)")
	retriever := fs.String("retriever", "hybrid", "hybrid, bm25, keyword or vector")
	composer := fs.String("composer", "extractive", "extractive (the assistant in process, offline) or none (retrieval only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *suitePath == "" || *manifestPath == "" || *jsonOut == "" {
		return usageError("eval: -suite, -manifest and -json are required")
	}
	cases, err := evals.ReadSuiteFile(*suitePath)
	if err != nil {
		return err
	}
	is, err := openIndex(ctx, *manifestPath, *data, env)
	if err != nil {
		return err
	}
	defer is.Close()
	sum, err := ingestWithProgress(ctx, is, env, false, stderr)
	if err != nil {
		return err
	}
	// Load the supplier list now, so the first records question is not
	// timed with it.
	if err := is.records.Warm(ctx); err != nil {
		return err
	}
	if sum.Ingested > 0 || sum.Deleted > 0 || len(sum.Failures) > 0 {
		printSummary(stderr, sum, is.embedder)
	}
	s, err := is.searcher(*retriever)
	if err != nil {
		return usageError("eval: %v", err)
	}
	var target evals.Target
	switch *composer {
	case "none":
		target = &evals.Retriever{Searcher: s}
	case "extractive":
		a, err := evalAssistant(is, s)
		if err != nil {
			return err
		}
		target = &evals.Assistant{Assistant: a}
	default:
		return usageError("eval: -composer %q: want extractive or none", *composer)
	}
	bar := newProgress(stderr, "eval")
	rep, err := evals.Run(ctx, cases, target, evals.RunOptions{
		Progress: func(done, total int, c evals.Case) { bar.update(done, total, c.ID) },
	})
	if err != nil {
		return err
	}
	rep.Config = map[string]string{"retriever": *retriever, "composer": *composer, "embedder": is.embedder, "suite": *suitePath, "manifest": *manifestPath}
	printReport(stdout, rep)
	if err := os.MkdirAll(filepath.Dir(*jsonOut), 0o755); err != nil {
		return err
	}
	out, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(*jsonOut, append(out, '\n'), 0o644)
}

// evalAssistant builds the assistant an eval runs in process: the offline
// router, the extractive composer and in-memory stores, so runs leave
// nothing behind. The council's contact details are not in the manifest;
// declines then point to the council by name.
func evalAssistant(is *indexStore, s retrieval.Searcher) (*assistant.Assistant, error) {
	router, err := assistant.NewOfflineRouter()
	if err != nil {
		return nil, err
	}
	return &assistant.Assistant{
		Retriever:     s,
		Composer:      extractive.New(extractive.Options{Chunks: is.store.Chunks()}),
		Router:        router,
		Conversations: assistanttest.NewConversations(),
		Requests:      assistanttest.NewServiceRequests(),
		Handoffs:      &assistanttest.Handoffs{},
		Records:       &assistant.Records{Store: is.records},
		Council:       councilOf(is.manifest),
	}, nil
}

// councilOf turns the manifest's contact block into the assistant's
// signposting details.
func councilOf(m *corpus.Manifest) assistant.Council {
	c := m.Contact
	return assistant.Council{
		Name:             m.Council,
		Nation:           c.Nation,
		Phone:            c.Phone,
		OutOfHoursPhone:  c.OutOfHoursPhone,
		Email:            c.Email,
		ContactURL:       c.URL,
		BSLURL:           c.BSLURL,
		InterpreterPhone: c.InterpreterPhone,
		FOIURL:           c.FOIURL,
	}
}

func printReport(w io.Writer, rep *evals.Report) {
	fmt.Fprintf(w, "retriever %s, composer %s, %v cases\n", rep.Config["retriever"], rep.Config["composer"], rep.Summary["cases"])
	keys := make([]string, 0, len(rep.Summary))
	for k := range rep.Summary {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-22s %v\n", k, rep.Summary[k])
	}
}
