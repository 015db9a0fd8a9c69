package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/townhall-civic/townhall/assistant/sqlite"
	"github.com/townhall-civic/townhall/evals"
	"github.com/townhall-civic/townhall/foi"
)

// runEvalExport writes a draft suite from the assistant database:
// conversations residents marked unhelpful and conversations handed off.
func runEvalExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "the assistant's SQLite database")
	out := fs.String("out", "", "write the draft suite (JSON Lines) here")
	since := fs.String("since", "", "only conversations rated or handed off on or after this date (YYYY-MM-DD)")
	keep := fs.Bool("keep-personal-data", false, "do not redact names, emails, phone numbers and postcodes from the turns")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbPath == "" || *out == "" || fs.NArg() > 0 {
		return usageError("eval export: -db and -out are required")
	}
	opt := evals.ExportOptions{}
	if *since != "" {
		t, err := time.Parse("2006-01-02", *since)
		if err != nil {
			return usageError("eval export: -since %q: want YYYY-MM-DD", *since)
		}
		opt.Since = t
	}
	if !*keep {
		opt.Redact = redactTurn
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	opt.Conversations, opt.Handoffs = db, db
	// The web chat's feedback store lives in the same database once it
	// exists; until the store implements evals.FeedbackSource only
	// hand-offs are exported.
	var store any = db
	if fb, ok := store.(evals.FeedbackSource); ok {
		opt.Feedback = fb
	}
	drafts, err := evals.ExportDrafts(ctx, opt)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := evals.WriteDrafts(&buf, drafts); err != nil {
		return err
	}
	if err := writeFile(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %d draft case(s) to %s; fill in their expected sources and facts.\n", len(drafts), *out)
	return nil
}

// redactTurn removes personal data from a resident's words with the FOI
// redactor; text it cannot process is withheld whole.
func redactTurn(s string) string {
	out, _, err := foi.RedactText(s, foi.DetectOptions{}, nil)
	if err != nil {
		return "[withheld: could not be redacted]"
	}
	return out
}
