package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/townhall-civic/townhall/assistant/sqlite"
	"github.com/townhall-civic/townhall/channels/webchat"
	wsqlite "github.com/townhall-civic/townhall/channels/webchat/sqlite"
	"github.com/townhall-civic/townhall/evals"
	"github.com/townhall-civic/townhall/foi"
)

// runEvalExport writes a draft suite from the assistant database:
// conversations residents marked unhelpful and conversations handed off.
// With the postgres store both the conversations and the feedback are
// read from the manifest's schema, every machine's alike.
func runEvalExport(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "the assistant's SQLite database (assistant.db in the index folder)")
	feedbackPath := fs.String("feedback-db", "", "the web chat's database, with residents' feedback (default webchat.db beside -db, when present)")
	manifestPath := fs.String("manifest", "", "with -store postgres: the sources manifest whose schema holds the conversations and feedback")
	storeFlag(fs, &env)
	out := fs.String("out", "", "write the draft suite (JSON Lines) here")
	since := fs.String("since", "", "only conversations rated or handed off on or after this date (YYYY-MM-DD)")
	keep := fs.Bool("keep-personal-data", false, "do not redact names, emails, phone numbers and postcodes from the turns")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := env.Store.validate(); err != nil {
		return err
	}
	pg := env.Store.backend() == storePostgres
	switch {
	case pg && (*dbPath != "" || *feedbackPath != ""):
		return usageError("eval export: the conversations and feedback are in PostgreSQL with TOWNHALL_STORE=postgres: drop -db and -feedback-db and give -manifest, or use -store local for SQLite files")
	case pg && (*manifestPath == "" || *out == "" || fs.NArg() > 0):
		return usageError("eval export: -manifest (its schema holds the conversations) and -out are required with the postgres store")
	case !pg && (*dbPath == "" || *out == "" || fs.NArg() > 0):
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
	if pg {
		db, err := openAssistantDB(ctx, env, *manifestPath, "")
		if err != nil {
			return err
		}
		defer db.Close()
		wdb, err := openWebchatDB(ctx, env, *manifestPath, "")
		if err != nil {
			return err
		}
		defer wdb.Close()
		opt.Conversations, opt.Handoffs, opt.Feedback = db, db, webchatFeedback{wdb}
		*feedbackPath = "PostgreSQL schema " + env.Store.schemaFor(*manifestPath)
		return exportDrafts(ctx, opt, *out, *feedbackPath, stdout)
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	opt.Conversations, opt.Handoffs = db, db
	if *feedbackPath == "" {
		if p := filepath.Join(filepath.Dir(*dbPath), "webchat.db"); fileExists(p) {
			*feedbackPath = p
		}
	}
	if *feedbackPath != "" {
		wdb, err := wsqlite.Open(ctx, *feedbackPath)
		if err != nil {
			return err
		}
		defer wdb.Close()
		opt.Feedback = webchatFeedback{wdb}
	}
	return exportDrafts(ctx, opt, *out, *feedbackPath, stdout)
}

// exportDrafts writes the drafts opt finds to out; feedbackFrom names
// where the feedback was read, for the summary.
func exportDrafts(ctx context.Context, opt evals.ExportOptions, out, feedbackFrom string, stdout io.Writer) error {
	drafts, err := evals.ExportDrafts(ctx, opt)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := evals.WriteDrafts(&buf, drafts); err != nil {
		return err
	}
	if err := writeFile(out, buf.Bytes()); err != nil {
		return err
	}
	from := "hand-offs"
	if opt.Feedback != nil {
		from += " and unhelpful answers in " + feedbackFrom
	}
	fmt.Fprintf(stdout, "Wrote %d draft case(s) from %s to %s; fill in their expected sources and facts.\n", len(drafts), from, out)
	return nil
}

// webchatFeedback reads the web chat's feedback store as the evals'
// FeedbackSource: the answers residents marked unhelpful.
type webchatFeedback struct{ store webchat.FeedbackStore }

func (f webchatFeedback) UnhelpfulFeedback(ctx context.Context, since time.Time) ([]evals.Feedback, error) {
	all, err := f.store.FindFeedback(ctx, webchat.FeedbackFilter{Since: since})
	if err != nil {
		return nil, err
	}
	var out []evals.Feedback
	for _, fb := range all {
		if !fb.Helpful {
			out = append(out, evals.Feedback{ConversationID: fb.ConversationID, Seq: fb.Seq, At: fb.At, Question: fb.Question, Answer: fb.Answer})
		}
	}
	return out, nil
}

func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
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
