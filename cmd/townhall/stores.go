package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/townhall-civic/townhall/assistant"
	apostgres "github.com/townhall-civic/townhall/assistant/postgres"
	asqlite "github.com/townhall-civic/townhall/assistant/sqlite"
)

// Store backends townhall can keep its index and databases in.
const (
	// storeLocal is the embedded default: bleve, a vector file and SQLite
	// databases in the manifest's index folder. No server is needed.
	storeLocal = "local"
	// storePostgres keeps retrieval (chunks, full text, pgvector
	// embeddings and the file catalog), the assistant's conversations,
	// service requests and hand-offs, and the FOI database (requests,
	// disclosure log, redaction audit and censor rules; see foiLocate) and
	// the web chat's message log, feedback and form key (openWebchatDB) in
	// PostgreSQL, one schema per manifest. The record store and the FOI
	// search index (foi.bleve) stay in the index folder.
	storePostgres = "postgres"
)

// storeEnv is the storage part of the environment.
type storeEnv struct {
	// Backend is TOWNHALL_STORE (or -store): local (the default) or
	// postgres.
	Backend string
	// DatabaseURL is TOWNHALL_DATABASE_URL: a postgres:// URL or key=value
	// DSN, needed with the postgres backend.
	DatabaseURL string
	// Schema is TOWNHALL_DATABASE_SCHEMA: the schema a manifest's tables
	// live in; empty means townhall_<manifest name>, so two manifests
	// never share tables, as they never share an index folder.
	Schema string
	// MaxConns is TOWNHALL_DATABASE_MAX_CONNS, the connection pool size
	// of each store; 0 means pgx's default (the larger of 4 and the
	// number of CPUs).
	MaxConns int32
}

func storeEnvConfig(getenv func(string) string) storeEnv {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	e := storeEnv{
		Backend:     strings.ToLower(get("TOWNHALL_STORE")),
		DatabaseURL: get("TOWNHALL_DATABASE_URL"),
		Schema:      get("TOWNHALL_DATABASE_SCHEMA"),
	}
	if n, err := strconv.ParseInt(get("TOWNHALL_DATABASE_MAX_CONNS"), 10, 32); err == nil && n > 0 {
		e.MaxConns = int32(n)
	}
	return e
}

// storeFlag adds -store to a command's flags, defaulting to
// TOWNHALL_STORE; the database itself is named by the environment only,
// so its password never shows in a process list.
func storeFlag(fs *flag.FlagSet, env *config) {
	fs.StringVar(&env.Store.Backend, "store", env.Store.Backend,
		"where the index and assistant data live: local (default; the index folder) or postgres ($TOWNHALL_DATABASE_URL)")
}

// backend returns the normalised backend name.
func (e storeEnv) backend() string {
	switch strings.ToLower(strings.TrimSpace(e.Backend)) {
	case "", storeLocal, "embedded":
		return storeLocal
	case storePostgres, "postgresql", "pg":
		return storePostgres
	}
	return e.Backend
}

// validate reports a usage error for an unknown backend, or postgres
// without a database URL.
func (e storeEnv) validate() error {
	switch e.backend() {
	case storeLocal:
		return nil
	case storePostgres:
		if e.DatabaseURL == "" {
			return usageError("the postgres store needs TOWNHALL_DATABASE_URL (e.g. postgres://townhall@db.internal/townhall)")
		}
		return nil
	}
	return usageError("store %q: want local or postgres (TOWNHALL_STORE or -store)", e.Backend)
}

// schemaFor is the PostgreSQL schema for a manifest: TOWNHALL_DATABASE_SCHEMA
// when set, else townhall_ and the manifest's name in lower case with
// anything but letters and digits turned into underscores (demo.yaml
// gives townhall_demo), cut to PostgreSQL's 63-byte identifier limit.
func (e storeEnv) schemaFor(manifestPath string) string {
	if e.Schema != "" {
		return e.Schema
	}
	base := strings.TrimSuffix(filepath.Base(manifestPath), filepath.Ext(manifestPath))
	var b strings.Builder
	b.WriteString("townhall_")
	for _, r := range strings.ToLower(base) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if len(s) > 63 {
		s = s[:63]
	}
	return s
}

// assistantDB is the assistant's durable store: conversations, service
// requests, the hand-off queue and its staff console.
type assistantDB interface {
	assistant.ConversationStore
	assistant.ServiceRequests
	assistant.HandoffQueue
	assistant.HandoffConsole
	Close() error
}

// openAssistantDB opens the assistant's store for the configured backend:
// assistant.db in the index folder dir, or the manifest's schema in
// PostgreSQL.
func openAssistantDB(ctx context.Context, env config, manifestPath, dir string) (assistantDB, error) {
	if err := env.Store.validate(); err != nil {
		return nil, err
	}
	if env.Store.backend() == storePostgres {
		schema := env.Store.schemaFor(manifestPath)
		db, err := apostgres.Open(ctx, env.Store.DatabaseURL, apostgres.Options{Schema: schema, MaxConns: env.Store.MaxConns})
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL assistant store (schema %s): %w", schema, err)
		}
		return db, nil
	}
	return asqlite.Open(ctx, filepath.Join(dir, "assistant.db"))
}
