package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // Europe/London for the day of receipt, whatever the host has installed

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/manifest"
	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/importer"
	"github.com/townhall-civic/townhall/foi/portal"
	fpostgres "github.com/townhall-civic/townhall/foi/postgres"
	"github.com/townhall-civic/townhall/foi/search"
	"github.com/townhall-civic/townhall/foi/sqlite"
	"github.com/townhall-civic/townhall/retrieval"
)

// foiEnv is the FOI portal's part of the environment.
type foiEnv struct {
	DB       string // TOWNHALL_FOI_DB: the FOI database (default <index dir>/foi.db)
	Assets   string // TOWNHALL_FOI_ASSETS: govuk-frontend's dist/govuk folder
	Nation   string // TOWNHALL_FOI_NATION: england-and-wales, scotland or northern-ireland
	Officers bool   // TOWNHALL_FOI_OFFICERS=1 turns on the loopback-only case list
	// PublicURL is TOWNHALL_PUBLIC_URL, the portal's public origin for
	// feed and sitemap links.
	PublicURL string
	// KeepEmailDomains is TOWNHALL_FOI_KEEP_EMAIL_DOMAINS, comma-separated:
	// the council's own domains, whose addresses are not redacted.
	KeepEmailDomains []string
	// Keep is TOWNHALL_FOI_KEEP, entries separated by ';': organisational
	// text (switchboard number, postal address lines) that redaction keeps.
	Keep []string
	// Follow is TOWNHALL_FOI_FOLLOW: with the FOI database in PostgreSQL,
	// how often serve brings its local search index up to the changes
	// made from other machines (default 30s; 0 or off turns it off).
	Follow time.Duration
	// FollowErr is TOWNHALL_FOI_FOLLOW's parse error, reported by serve.
	FollowErr error
}

func foiEnvConfig(getenv func(string) string) foiEnv {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	e := foiEnv{
		DB:        get("TOWNHALL_FOI_DB"),
		Assets:    get("TOWNHALL_FOI_ASSETS"),
		Nation:    get("TOWNHALL_FOI_NATION"),
		PublicURL: get("TOWNHALL_PUBLIC_URL"),
	}
	if e.Assets == "" {
		e.Assets = filepath.Join(".cache", "npm", "node_modules", "govuk-frontend", "dist", "govuk")
	}
	if e.Nation == "" {
		e.Nation = string(foi.NationEnglandWales)
	}
	switch strings.ToLower(get("TOWNHALL_FOI_OFFICERS")) {
	case "1", "true", "yes", "on":
		e.Officers = true
	}
	e.KeepEmailDomains = splitList(get("TOWNHALL_FOI_KEEP_EMAIL_DOMAINS"), ",")
	e.Keep = splitList(get("TOWNHALL_FOI_KEEP"), ";")
	e.Follow = 30 * time.Second
	switch v := strings.ToLower(get("TOWNHALL_FOI_FOLLOW")); v {
	case "":
	case "0", "off", "no", "false":
		e.Follow = 0
	default:
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			e.FollowErr = usageError("TOWNHALL_FOI_FOLLOW=%q: want a duration of at least 1s (e.g. 30s, 5m) or off", v)
		} else {
			e.Follow = d
		}
	}
	return e
}

// detect is what redaction keeps, the same at import and on republishing
// from the officers' preview: the environment's entries plus, when a
// manifest is known, the council's own published contact details (its
// contact block and the gov.uk domains it publishes on). A council's
// switchboard, postal address and foi@ mailbox are not personal data, and
// removing them from its replies tells residents nothing.
func (e foiEnv) detect(m *corpus.Manifest) foi.DetectOptions {
	o := foi.DetectOptions{
		KeepEmailDomains: append([]string(nil), e.KeepEmailDomains...),
		Keep:             append([]string(nil), e.Keep...),
	}
	if m == nil {
		return o
	}
	c := m.Contact
	for _, p := range []string{c.Phone, c.OutOfHoursPhone, c.InterpreterPhone} {
		if p != "" {
			o.Keep = append(o.Keep, p)
		}
	}
	if c.Address != "" {
		o.Keep = append(o.Keep, c.Address)
		o.Keep = append(o.Keep, splitList(c.Address, ",")...)
	}
	if at := strings.LastIndexByte(c.Email, '@'); at >= 0 {
		o.KeepEmailDomains = append(o.KeepEmailDomains, c.Email[at+1:])
	}
	urls := []string{m.BaseURL, c.URL, c.FOIURL}
	for _, src := range m.Sources {
		urls = append(urls, src.BaseURL)
	}
	for _, u := range urls {
		if d := councilDomain(u); d != "" && !slices.Contains(o.KeepEmailDomains, d) {
			o.KeepEmailDomains = append(o.KeepEmailDomains, d)
		}
	}
	return o
}

// councilDomain is the registrable gov.uk (or gov.scot, gov.wales) domain
// of a council URL, without "www.", or "" for any other host: a source
// published on WhatDoTheyKnow must not keep whatdotheyknow.com addresses,
// which are the requesters' own.
func councilDomain(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Hostname() == "" {
		return ""
	}
	h := strings.ToLower(strings.TrimPrefix(u.Hostname(), "www."))
	for _, suffix := range []string{".gov.uk", ".gov.scot", ".gov.wales", ".llyw.cymru"} {
		if strings.HasSuffix(h, suffix) && len(h) > len(suffix) {
			return h
		}
	}
	return ""
}

func splitList(s, sep string) []string {
	var out []string
	for _, x := range strings.Split(s, sep) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// foiPaths resolves the FOI database and search index for a manifest:
// by default both live in the manifest's index folder.
func foiPaths(env config, manifestPath, dataDir, db string) (dbPath, indexPath string) {
	if dataDir == "" {
		dataDir = env.indexDir(manifestPath)
	}
	if db == "" {
		db = env.FOI.DB
	}
	if db == "" {
		db = filepath.Join(dataDir, "foi.db")
	}
	return db, strings.TrimSuffix(db, filepath.Ext(db)) + ".bleve"
}

// foiLocation is where a manifest's FOI database and search index live.
type foiLocation struct {
	// DB is the SQLite database file; "" when PostgreSQL holds the
	// database.
	DB string
	// Index is the search index folder (foi.bleve), on local disk with
	// either store.
	Index string
	// URL, Schema and MaxConns locate the database in PostgreSQL
	// (TOWNHALL_STORE=postgres); URL is "" for SQLite.
	URL      string
	Schema   string
	MaxConns int32
}

// String names the database for messages, never showing the URL (which
// may hold a password).
func (l foiLocation) String() string {
	if l.URL != "" {
		return "PostgreSQL schema " + l.Schema
	}
	return l.DB
}

// foiLocate resolves where a manifest's FOI data lives for the store
// backend: foi.db and foi.bleve in the index folder by default (db, or
// TOWNHALL_FOI_DB, names another SQLite file), or with TOWNHALL_STORE=
// postgres the manifest's schema (the one retrieval and the assistant
// use) and foi.bleve in the index folder. A SQLite file named together
// with postgres is refused rather than silently ignored.
func foiLocate(env config, manifestPath, dataDir, db string) (foiLocation, error) {
	if err := env.Store.validate(); err != nil {
		return foiLocation{}, err
	}
	if env.Store.backend() != storePostgres {
		dbPath, indexPath := foiPaths(env, manifestPath, dataDir, db)
		return foiLocation{DB: dbPath, Index: indexPath}, nil
	}
	if db != "" || env.FOI.DB != "" {
		return foiLocation{}, usageError("the FOI database is in PostgreSQL with TOWNHALL_STORE=postgres: unset TOWNHALL_FOI_DB and drop -db, or use -store local for a SQLite file")
	}
	if manifestPath == "" {
		return foiLocation{}, usageError("the FOI database in PostgreSQL is the manifest's schema: give -manifest")
	}
	if dataDir == "" {
		dataDir = env.indexDir(manifestPath)
	}
	return foiLocation{
		Index: filepath.Join(dataDir, "foi.bleve"),
		URL:   env.Store.DatabaseURL, Schema: env.Store.schemaFor(manifestPath), MaxConns: env.Store.MaxConns,
	}, nil
}

// openFOIWithRules opens the FOI stores for a command, logging to stderr,
// with the officers' censor rules: they apply to every import and
// republication as to every publication from the redaction preview.
func openFOIWithRules(ctx context.Context, loc foiLocation, stderr io.Writer) (*foiStores, []foi.Rule, error) {
	s, err := openFOI(ctx, loc, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return nil, nil, err
	}
	rules, err := s.store.FindRules(ctx, foi.RuleFilter{})
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, rules, nil
}

// foiDB is the FOI database: requests, the disclosure log and officers'
// redaction (drafts, audit trail, censor rules). foi/sqlite and
// foi/postgres are ones.
type foiDB interface {
	foi.Store
	foi.Publisher
	foi.DraftStore
	foi.AuditLog
	foi.RuleStore
	CountDisclosures(ctx context.Context) (int, error)
	Close() error
}

var (
	_ foiDB = (*sqlite.Store)(nil)
	_ foiDB = (*fpostgres.Store)(nil)
)

// foiStores is the open FOI database and its search index.
type foiStores struct {
	store     foiDB
	index     *search.Index
	indexPath string
	// syncMu serialises followLog; stop and followers end followFOILog.
	syncMu    sync.Mutex
	stop      context.CancelFunc
	followers sync.WaitGroup
}

func (s *foiStores) Close() error {
	if s.stop != nil {
		s.stop()
	}
	s.followers.Wait()
	var errs []error
	if s.index != nil {
		errs = append(errs, s.index.Close())
	}
	if s.store != nil {
		errs = append(errs, s.store.Close())
	}
	return errors.Join(errs...)
}

// openFOI opens the FOI database (SQLite or PostgreSQL, as loc says) and
// its search index, rebuilding the index from the database when it is
// missing, from another version, or out of step (an import that stopped
// between the two, or one made from another machine).
func openFOI(ctx context.Context, loc foiLocation, log *slog.Logger) (*foiStores, error) {
	indexPath := loc.Index
	if err := os.MkdirAll(filepath.Dir(indexPath), 0o755); err != nil {
		return nil, err
	}
	var st foiDB
	var err error
	if loc.URL != "" {
		st, err = fpostgres.Open(ctx, loc.URL, fpostgres.Options{Schema: loc.Schema, MaxConns: loc.MaxConns})
	} else {
		if err := os.MkdirAll(filepath.Dir(loc.DB), 0o755); err != nil {
			return nil, err
		}
		st, err = sqlite.Open(ctx, loc.DB)
	}
	if err != nil {
		return nil, fmt.Errorf("open FOI database (%s): %w", loc, err)
	}
	s := &foiStores{store: st, indexPath: indexPath}
	s.index, err = search.Open(indexPath, search.Options{})
	if errors.Is(err, search.ErrIncompatible) {
		log.Info("FOI search index is from another version; rebuilding", "path", indexPath)
		if err = os.RemoveAll(indexPath); err == nil {
			s.index, err = search.Open(indexPath, search.Options{})
		}
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open FOI search index: %w", err)
	}
	want, err := st.CountDisclosures(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	if cl, ok := st.(foiChangeLog); ok {
		if err := s.followLog(ctx, cl, log, true); err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	if have, err := s.index.Count(); err != nil || have != want {
		log.Info("rebuilding FOI search index from the database", "disclosures", want, "indexed", have)
		if err := rebuildFOIIndex(ctx, s, indexPath); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// foiChangeLog is a FOI database shared between machines that says what
// changed in the disclosure log since a version (foi/postgres).
type foiChangeLog interface {
	CountDisclosures(ctx context.Context) (int, error)
	DisclosureChanges(ctx context.Context, since int64) (version int64, changed []*foi.Disclosure, removed []string, err error)
}

// versionFile is where the log version the search index has caught up
// with is recorded, beside the index.
func (s *foiStores) versionFile() string { return s.indexPath + ".version" }

// followLog brings the search index up to the shared database's
// disclosure log: the changes since the version recorded beside the index
// (an import, a republication or a redaction preview publication made on
// any machine), or, with no version recorded or when the counts still
// differ afterwards, a rebuild. The version is recorded last, so an
// update that stops half-way is redone. reset allows replacing the index
// and comparing the counts (before it is served); without it a rebuild
// puts every disclosure into the index in place.
func (s *foiStores) followLog(ctx context.Context, cl foiChangeLog, log *slog.Logger, reset bool) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	marker := s.versionFile()
	since, err := readVersion(marker)
	if err != nil {
		return err
	}
	version, changed, removed, err := cl.DisclosureChanges(ctx, since)
	if err != nil {
		return err
	}
	rebuilt := since < 0 || version < since
	if rebuilt {
		// No version recorded, or a database recreated since: rebuild
		// from everything in the snapshot just read.
		if version, changed, removed, err = cl.DisclosureChanges(ctx, 0); err != nil {
			return err
		}
		log.Info("rebuilding FOI search index from the database", "disclosures", len(changed), "version", version)
		if err := os.Remove(marker); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if reset {
			if err := s.resetIndex(); err != nil {
				return err
			}
		}
	}
	if len(changed) > 0 || len(removed) > 0 {
		if !rebuilt {
			log.Info("updating FOI search index from the database", "changed", len(changed), "removed", len(removed), "from", since, "to", version)
		}
		if err := s.index.Delete(ctx, removed); err != nil {
			return err
		}
		if err := s.index.PutDisclosures(ctx, changed); err != nil {
			return err
		}
	}
	if !reset {
		// Serving: the counts are not compared, since another machine may
		// have written between the snapshot and a count.
		return writeFileAtomic(marker, []byte(strconv.FormatInt(version, 10)+"\n"))
	}
	want, err := cl.CountDisclosures(ctx)
	if err != nil {
		return err
	}
	if have, err := s.index.Count(); err != nil || have != want {
		// Out of step some other way (an index deleted by hand, written
		// by an older build): rebuild, at a version no later than what it
		// reads.
		log.Info("rebuilding FOI search index from the database", "disclosures", want, "indexed", have)
		if err := os.Remove(marker); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if version, changed, _, err = cl.DisclosureChanges(ctx, 0); err != nil {
			return err
		}
		if err := s.resetIndex(); err != nil {
			return err
		}
		if err := s.index.PutDisclosures(ctx, changed); err != nil {
			return err
		}
	}
	return writeFileAtomic(marker, []byte(strconv.FormatInt(version, 10)+"\n"))
}

// readVersion reads a recorded log version; -1 when there is none.
func readVersion(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return -1, nil
	}
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return -1, nil // unreadable: rebuild
	}
	return v, nil
}

// followFOILog keeps the search index following the shared database
// every interval until s is closed, so a running serve sees imports and
// republications made from other machines.
func (s *foiStores) followFOILog(cl foiChangeLog, interval time.Duration, log *slog.Logger) {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	s.followers.Add(1)
	go func() {
		defer s.followers.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := s.followLog(ctx, cl, log, false); err != nil && ctx.Err() == nil {
					log.Warn("FOI search index could not follow the database; retrying", "err", err)
				}
			}
		}
	}()
}

// writeFileAtomic writes data to path through a temporary file renamed
// over it, so a reader never sees half of it.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// rebuildFOIIndex replaces the search index with one built from every
// stored disclosure.
func rebuildFOIIndex(ctx context.Context, s *foiStores, indexPath string) error {
	if err := s.resetIndex(); err != nil {
		return err
	}
	ix := s.index
	const page = 2000
	for off := 0; ; off += page {
		ds, _, err := s.store.FindDisclosures(ctx, foi.DisclosureFilter{Offset: off, Limit: page})
		if err != nil {
			return err
		}
		if err := ix.PutDisclosures(ctx, ds); err != nil {
			return err
		}
		if len(ds) < page {
			return nil
		}
	}
}

// resetIndex replaces the search index with an empty one. Only before
// the index is handed to the portal: it closes the old one.
func (s *foiStores) resetIndex() error {
	if s.index != nil {
		s.index.Close()
		s.index = nil
	}
	if err := os.RemoveAll(s.indexPath); err != nil {
		return err
	}
	ix, err := search.Open(s.indexPath, search.Options{})
	if err != nil {
		return fmt.Errorf("open FOI search index: %w", err)
	}
	s.index = ix
	return nil
}

// newFOIPortal builds the portal over the FOI stores, with the main index
// for related datasets.
func newFOIPortal(s *foiStores, related retrieval.Searcher, m *corpus.Manifest, env config, log *slog.Logger) (*portal.Portal, error) {
	nation, err := foi.ParseNation(env.FOI.Nation)
	if err != nil {
		return nil, usageError("TOWNHALL_FOI_NATION=%q: want england-and-wales, scotland or northern-ireland", env.FOI.Nation)
	}
	svc := foi.NewService(s.store, nation, time.Now)
	if loc, err := time.LoadLocation("Europe/London"); err == nil {
		svc.Location = loc
	}
	return portal.New(portal.Config{
		Service: svc, Search: s.index, Related: related, Assets: env.FOI.Assets,
		Council: m.Council, BaseURL: env.FOI.PublicURL, Officers: env.FOI.Officers, Logger: log,
		Redaction: s.store, Detect: env.FOI.detect(m),
	})
}

// mountFOI opens the FOI database and mounts the portal at /foi/,
// /api/foi/ and /assets/.
func (s *Server) mountFOI(ctx context.Context, mux *http.ServeMux, env config) error {
	if env.FOI.FollowErr != nil {
		return env.FOI.FollowErr
	}
	loc, err := foiLocate(env, s.cfg.Manifest, s.cfg.DataDir, s.cfg.FOIDB)
	if err != nil {
		return err
	}
	st, err := openFOI(ctx, loc, s.cfg.Logger)
	if err != nil {
		return err
	}
	related, err := s.store.searcher("hybrid")
	if err != nil {
		related = nil // related datasets are optional
	}
	p, err := newFOIPortal(st, related, s.store.manifest, env, s.cfg.Logger)
	if err != nil {
		st.Close()
		return err
	}
	if !p.AssetsAvailable() {
		s.cfg.Logger.Warn("govuk-frontend not installed; the FOI portal uses its fallback stylesheet (make test-deps)", "dir", env.FOI.Assets)
	}
	p.Register(mux)
	if cl, ok := st.store.(foiChangeLog); ok && env.FOI.Follow > 0 {
		st.followFOILog(cl, env.FOI.Follow, s.cfg.Logger)
	}
	s.foi = st
	return nil
}

func runFOI(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "import":
		return runFOIImport(ctx, args[1:], env, stdout, stderr)
	case "republish":
		return runFOIRepublish(ctx, args[1:], env, stdout, stderr)
	}
	fmt.Fprint(stderr, "usage: townhall foi import -manifest FILE [-data DIR] [-db FILE | -store postgres] [-skip-bad-files] [-source PATH]...\n"+
		"       townhall foi republish (-manifest FILE [-data DIR] [-store postgres] | -db FILE) [-dry-run]\n")
	return usageError("foi: want the import or republish command")
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// runFOIImport loads a manifest's FOI sources into the disclosure log.
func runFOIImport(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("foi import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	manifestPath := fs.String("manifest", "", "sources manifest (YAML)")
	data := fs.String("data", "", "index folder (default $TOWNHALL_DATA/<manifest name>)")
	db := fs.String("db", "", "FOI database (default $TOWNHALL_FOI_DB, else <index folder>/foi.db; not with -store postgres)")
	storeFlag(fs, &env)
	skipBad := fs.Bool("skip-bad-files", false, "import the files that load and report the rest, instead of changing nothing")
	var sources listFlag
	fs.Var(&sources, "source", "import only this manifest source path (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *manifestPath == "" {
		return usageError("foi import: -manifest is required")
	}
	m, err := manifest.Load(*manifestPath)
	if err != nil {
		return err
	}
	loc, err := foiLocate(env, *manifestPath, *data, *db)
	if err != nil {
		return err
	}
	s, rules, err := openFOIWithRules(ctx, loc, stderr)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	rep, err := importer.Import(ctx, m, importer.Options{
		Loaders: loaders(), MaxFileBytes: env.MaxFileBytes, SkipBadFiles: *skipBad, Sources: sources,
		Detect: env.FOI.detect(m), Rules: rules,
	}, s.store, s.index)
	if rep != nil {
		printFOIReport(stdout, rep)
	}
	if err != nil {
		var bad *importer.BadFilesError
		if errors.As(err, &bad) {
			return &exitError{code: 3, err: err}
		}
		return err
	}
	fmt.Fprintf(stdout, "Imported %d disclosures (%d documents merged by reference, %d censor rules, %d redactions audited) into %s in %s.\n",
		rep.Disclosures, rep.Merged, len(rules), rep.Redactions, loc, time.Since(start).Round(time.Millisecond))
	if len(rep.Failures) > 0 {
		fmt.Fprintf(stdout, "%d file(s) skipped:\n", len(rep.Failures))
		for _, f := range rep.Failures {
			fmt.Fprintf(stdout, "  %s\n", f)
		}
	}
	return nil
}

func printFOIReport(w io.Writer, rep *importer.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tFILES\tFAILED\tDISCLOSURES\tWITH EXEMPTIONS\tREDACTIONS\tSTATUSES")
	for _, s := range rep.Sources {
		var st []string
		for k, n := range s.ByStatus {
			st = append(st, fmt.Sprintf("%s %d", k, n))
		}
		sort.Strings(st)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\n", s.Path, s.Files, s.Failed, s.Disclosures, s.WithExemptions, s.Redactions, strings.Join(st, ", "))
	}
	tw.Flush()
}
