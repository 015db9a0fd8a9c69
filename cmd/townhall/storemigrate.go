package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/townhall-civic/townhall/assistant"
	apostgres "github.com/townhall-civic/townhall/assistant/postgres"
	asqlite "github.com/townhall-civic/townhall/assistant/sqlite"
	"github.com/townhall-civic/townhall/channels/inbound"
	ipostgres "github.com/townhall-civic/townhall/channels/inbound/postgres"
	isqlite "github.com/townhall-civic/townhall/channels/inbound/sqlite"
	"github.com/townhall-civic/townhall/channels/webchat"
	wpostgres "github.com/townhall-civic/townhall/channels/webchat/postgres"
	wsqlite "github.com/townhall-civic/townhall/channels/webchat/sqlite"
	"github.com/townhall-civic/townhall/foi"
	fpostgres "github.com/townhall-civic/townhall/foi/postgres"
	fsqlite "github.com/townhall-civic/townhall/foi/sqlite"
	"github.com/townhall-civic/townhall/internal/storemigrate"
)

const storeUsage = `usage: townhall store migrate [-manifest FILE] [-data DIR] [-dry-run]
       [-assistant-db FILE] [-foi-db FILE] [-webchat-db FILE] [-messaging-db FILE]

Copies a council's data from the embedded SQLite stores of an index
folder into the manifest's PostgreSQL schema ($TOWNHALL_DATABASE_URL,
schema $TOWNHALL_DATABASE_SCHEMA or townhall_<manifest name>), before or
after setting TOWNHALL_STORE=postgres:

  assistant.db   conversations and their turns, service requests (same
                 references) and their sequences, the hand-off queue
  foi.db         requests (references, deadlines, events), the disclosure
                 log, redaction drafts, censor rules, audit trail and key
  webchat.db     client message ids, residents' conversations, feedback
  messaging.db   opt-outs, WhatsApp windows, residents' conversations

The SQLite files are opened read-only and never changed; a file missing
from the index folder is skipped. Each store is copied in one
transaction: on an error nothing of that store is copied (stores copied
before it stay copied; run again once fixed). Rows already in PostgreSQL
(by reference, id or key) are left as they are, never overwritten nor
deleted, so running it again copies nothing twice. Id sequences are
advanced past copied ids. Stop serve on the local store first, so
nothing is written to the files while they are read.

messaging.db is moved only once its queue is drained: a queued, leased
or held job refuses the whole run before anything is copied (see
"townhall messaging status -db messaging.db").
`

// runStore is "townhall store": for now one subcommand, migrate.
func runStore(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, storeUsage)
		return usageError("store: no command given (want migrate)")
	}
	switch args[0] {
	case "migrate":
		return runStoreMigrate(ctx, args[1:], env, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, storeUsage)
		return nil
	}
	fmt.Fprint(stderr, storeUsage)
	return usageError("store: unknown command %q (want migrate)", args[0])
}

// migrateSources names the SQLite files to copy; "" skips a store.
type migrateSources struct {
	Assistant, FOI, Webchat, Messaging string
}

func runStoreMigrate(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("store migrate", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprint(stderr, storeUsage+"\nFlags:\n")
		fset.PrintDefaults()
	}
	manifestPath := fset.String("manifest", "", "sources manifest: names the index folder and the schema")
	data := fset.String("data", "", "index folder holding the SQLite files (default $TOWNHALL_DATA/<manifest name>)")
	aPath := fset.String("assistant-db", "", "the assistant database (default <index folder>/assistant.db)")
	fPath := fset.String("foi-db", "", "the FOI database (default $TOWNHALL_FOI_DB or <index folder>/foi.db)")
	wPath := fset.String("webchat-db", "", "the web chat database (default <index folder>/webchat.db)")
	mPath := fset.String("messaging-db", "", "the SMS/WhatsApp queue database (default <index folder>/messaging.db)")
	dryRun := fset.Bool("dry-run", false, "report what would be copied, copy nothing")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return usageError("store migrate: unexpected argument %q", fset.Arg(0))
	}
	if env.Store.DatabaseURL == "" {
		return usageError("store migrate: set TOWNHALL_DATABASE_URL to the PostgreSQL database to copy into")
	}
	if *manifestPath == "" && env.Store.Schema == "" {
		return usageError("store migrate: give -manifest (it names the schema) or set TOWNHALL_DATABASE_SCHEMA")
	}
	dir := *data
	if dir == "" && *manifestPath != "" {
		dir = env.indexDir(*manifestPath)
	}
	// An explicit file must exist; a default one may be missing (that
	// store was never used) and is skipped.
	pick := func(flagged, envDefault, name string) (string, error) {
		if flagged != "" {
			if _, err := os.Stat(flagged); err != nil {
				return "", usageError("store migrate: %v", err)
			}
			return flagged, nil
		}
		p := envDefault
		if p == "" && dir != "" {
			p = filepath.Join(dir, name)
		}
		if p == "" {
			return "", nil
		}
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		return p, nil
	}
	var src migrateSources
	var err error
	if src.Assistant, err = pick(*aPath, "", "assistant.db"); err != nil {
		return err
	}
	if src.FOI, err = pick(*fPath, env.FOI.DB, "foi.db"); err != nil {
		return err
	}
	if src.Webchat, err = pick(*wPath, "", "webchat.db"); err != nil {
		return err
	}
	if src.Messaging, err = pick(*mPath, "", "messaging.db"); err != nil {
		return err
	}
	if src == (migrateSources{}) {
		return fmt.Errorf("store migrate: no SQLite file found (looked in %q); give -data or the -...-db flags", dir)
	}
	target := storeTarget{URL: env.Store.DatabaseURL, Schema: env.Store.schemaFor(*manifestPath), MaxConns: env.Store.MaxConns}
	return migrateStores(ctx, src, target, *dryRun, stdout)
}

// storeTarget is the PostgreSQL schema stores are copied into.
type storeTarget struct {
	URL      string
	Schema   string
	MaxConns int32
}

// migrateStores copies each named SQLite file into target, one store
// (one transaction) after the other, and prints what it did per table.
// The queue is checked first, so a queue still holding work stops the
// run before anything is copied.
func migrateStores(ctx context.Context, src migrateSources, target storeTarget, dryRun bool, w io.Writer) error {
	if src.Messaging != "" {
		if err := checkDrained(ctx, src.Messaging); err != nil {
			return err
		}
	}
	verb := "copied"
	if dryRun {
		verb = "would copy"
		fmt.Fprintf(w, "dry run: nothing is written to schema %s\n", target.Schema)
	}
	steps := []struct {
		path string
		run  func(context.Context, string, storeTarget, bool) ([]storemigrate.Count, error)
	}{
		{src.Assistant, migrateAssistant},
		{src.FOI, migrateFOI},
		{src.Webchat, migrateWebchat},
		{src.Messaging, migrateMessaging},
	}
	for _, s := range steps {
		if s.path == "" {
			continue
		}
		counts, err := s.run(ctx, s.path, target, dryRun)
		if err != nil {
			return fmt.Errorf("store migrate: %s: %w (nothing of it was copied)", s.path, err)
		}
		fmt.Fprintf(w, "%s -> schema %s\n", s.path, target.Schema)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  table\tread\t%s\talready present\n", verb)
		for _, c := range counts {
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\n", c.Table, c.Read, c.Copied, c.Present)
		}
		tw.Flush()
		for _, c := range counts {
			if c.Note != "" {
				fmt.Fprintf(w, "  note: %s: %s\n", c.Table, c.Note)
			}
		}
	}
	return nil
}

// checkDrained refuses a queue that still holds work: jobs are not
// moved, so a queued, leased or held one would be lost.
func checkDrained(ctx context.Context, path string) error {
	db, err := isqlite.OpenReadOnly(ctx, path)
	if err != nil {
		return fmt.Errorf("store migrate: %w", err)
	}
	defer db.Close()
	counts, err := db.Counts(ctx)
	if err != nil {
		return fmt.Errorf("store migrate: %s: jobs: %w", path, err)
	}
	pending := 0
	for _, byState := range counts {
		pending += byState[inbound.StateQueued] + byState[inbound.StateLeased] + byState[inbound.StateHeld]
	}
	if pending > 0 {
		return fmt.Errorf("store migrate: %s still holds %d queued, leased or held SMS/WhatsApp jobs, which are not moved: "+
			"drain the queue first (keep serve running on the local store until \"townhall messaging status -db %s\" shows none queued, leased or held, "+
			"then stop it and run this again); nothing was copied", path, pending, path)
	}
	return nil
}

func migrateAssistant(ctx context.Context, path string, t storeTarget, dryRun bool) ([]storemigrate.Count, error) {
	src, err := asqlite.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var in apostgres.Import
	ids, err := src.ConversationIDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		c, err := src.FindConversationByID(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("conversations: %w", err)
		}
		in.Conversations = append(in.Conversations, c)
	}
	if in.ServiceRequests, err = src.AllServiceRequests(ctx); err != nil {
		return nil, err
	}
	if in.Sequences, err = src.ServiceRequestSequences(ctx); err != nil {
		return nil, err
	}
	if in.Handoffs, err = src.ListHandoffs(ctx, assistant.HandoffFilter{}); err != nil {
		return nil, fmt.Errorf("handoffs: %w", err)
	}
	dst, err := apostgres.Open(ctx, t.URL, apostgres.Options{Schema: t.Schema, MaxConns: t.MaxConns})
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL assistant store (schema %s): %w", t.Schema, err)
	}
	defer dst.Close()
	return dst.Import(ctx, in, apostgres.ImportOptions{DryRun: dryRun})
}

func migrateFOI(ctx context.Context, path string, t storeTarget, dryRun bool) ([]storemigrate.Count, error) {
	src, err := fsqlite.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var in fpostgres.Import
	if in.Requests, err = src.AllRequests(ctx); err != nil {
		return nil, err
	}
	if in.ReferenceSequences, err = src.ReferenceSequences(ctx); err != nil {
		return nil, err
	}
	if in.Disclosures, _, err = src.FindDisclosures(ctx, foi.DisclosureFilter{}); err != nil {
		return nil, fmt.Errorf("disclosures: %w", err)
	}
	if in.Drafts, err = src.AllDrafts(ctx); err != nil {
		return nil, err
	}
	if in.Rules, err = src.FindRules(ctx, foi.RuleFilter{}); err != nil {
		return nil, fmt.Errorf("censor_rules: %w", err)
	}
	if in.AuditKey, err = src.AuditKey(ctx); err != nil {
		return nil, err
	}
	if in.Audit, err = src.AllRedactions(ctx); err != nil {
		return nil, err
	}
	dst, err := fpostgres.Open(ctx, t.URL, fpostgres.Options{Schema: t.Schema, MaxConns: t.MaxConns})
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL FOI store (schema %s): %w", t.Schema, err)
	}
	defer dst.Close()
	return dst.Import(ctx, in, fpostgres.ImportOptions{DryRun: dryRun})
}

func migrateWebchat(ctx context.Context, path string, t storeTarget, dryRun bool) ([]storemigrate.Count, error) {
	src, err := wsqlite.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var in wpostgres.Import
	if in.ClientMessages, err = src.AllClientMessages(ctx); err != nil {
		return nil, err
	}
	if in.ResidentConversations, err = src.AllResidentConversations(ctx); err != nil {
		return nil, err
	}
	if in.Feedback, err = src.FindFeedback(ctx, webchat.FeedbackFilter{}); err != nil {
		return nil, fmt.Errorf("feedback: %w", err)
	}
	dst, err := wpostgres.Open(ctx, t.URL, wpostgres.Options{Schema: t.Schema, MaxConns: t.MaxConns})
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL web chat store (schema %s): %w", t.Schema, err)
	}
	defer dst.Close()
	return dst.Import(ctx, in, wpostgres.ImportOptions{DryRun: dryRun})
}

func migrateMessaging(ctx context.Context, path string, t storeTarget, dryRun bool) ([]storemigrate.Count, error) {
	src, err := isqlite.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	st, err := src.AllResidentState(ctx)
	if err != nil {
		return nil, err
	}
	in := ipostgres.Import{OptOuts: st.OptOuts, Windows: st.Windows, Conversations: map[string]ipostgres.ResidentConversation{}}
	for k, c := range st.Conversations {
		in.Conversations[k] = ipostgres.ResidentConversation{ConversationID: c.ConversationID, LastMessage: c.LastMessage}
	}
	dst, err := ipostgres.Open(ctx, t.URL, ipostgres.Options{Schema: t.Schema, MaxConns: t.MaxConns})
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL messaging queue (schema %s): %w", t.Schema, err)
	}
	defer dst.Close()
	return dst.Import(ctx, in, ipostgres.ImportOptions{DryRun: dryRun})
}
