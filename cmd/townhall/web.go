package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/townhall-civic/townhall/channels/webchat"
	wpostgres "github.com/townhall-civic/townhall/channels/webchat/postgres"
	wsqlite "github.com/townhall-civic/townhall/channels/webchat/sqlite"
)

// webEnv is the web chat's part of the environment.
type webEnv struct {
	// StaffConsole is TOWNHALL_STAFF_CONSOLE=1: mount the hand-off console
	// at /staff/, for loopback clients only.
	StaffConsole bool
	// Origins is TOWNHALL_WEBCHAT_ORIGINS, comma-separated: council sites
	// ("https://www.example.gov.uk") whose pages may open the chat
	// websocket besides Townhall's own.
	Origins []string
	// SecureCookies is TOWNHALL_WEBCHAT_SECURE_COOKIES=1, for TLS.
	SecureCookies bool
	// Key is TOWNHALL_WEBCHAT_KEY: the key that signs the chat page's
	// form tokens, at least 32 characters. Unset, it is webchat.key in
	// the index folder, or with the postgres store a key kept in the
	// database; every machine behind one load balancer needs the same.
	Key string
	// Limits overrides: TOWNHALL_WEBCHAT_CONNS_PER_IP,
	// TOWNHALL_WEBCHAT_IP_RATE (messages a second per address) and
	// TOWNHALL_WEBCHAT_CONN_RATE (per connection); -1 switches a limit
	// off, as the load benchmark does from one loopback address.
	Limits webchat.Limits
	// Messaging is SMS and WhatsApp; see messaging.go.
	Messaging messagingEnv
}

func webEnvConfig(getenv func(string) string) webEnv {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	on := func(k string) bool {
		switch strings.ToLower(get(k)) {
		case "1", "true", "yes", "on":
			return true
		}
		return false
	}
	e := webEnv{
		StaffConsole:  on("TOWNHALL_STAFF_CONSOLE"),
		Origins:       splitList(get("TOWNHALL_WEBCHAT_ORIGINS"), ","),
		SecureCookies: on("TOWNHALL_WEBCHAT_SECURE_COOKIES"),
		Key:           get("TOWNHALL_WEBCHAT_KEY"),
		Messaging:     messagingEnvConfig(getenv),
	}
	if n, err := strconv.Atoi(get("TOWNHALL_WEBCHAT_CONNS_PER_IP")); err == nil {
		e.Limits.MaxConnsPerIP = n
	}
	if f, err := strconv.ParseFloat(get("TOWNHALL_WEBCHAT_IP_RATE"), 64); err == nil {
		e.Limits.IPMessageRate = f
		e.Limits.IPMessageBurst = max(int(f), 1) * 5
	}
	if f, err := strconv.ParseFloat(get("TOWNHALL_WEBCHAT_CONN_RATE"), 64); err == nil {
		e.Limits.MessageRate = f
		e.Limits.MessageBurst = max(int(f), 1) * 5
	}
	return e
}

// webChat is the web chat with the stores it owns.
type webChat struct {
	chat      *webchat.Server
	assistant assistantDB
	records   webchatDB
	messaging *messaging
}

// mountWeb opens the assistant's database (assistant.db in the index
// folder, or PostgreSQL; see openAssistantDB) and the web chat's
// (webchat.db, or PostgreSQL; see openWebchatDB), builds the assistant and
// mounts the widget, the chat page, the chat websocket and, when
// TOWNHALL_STAFF_CONSOLE is set, the staff console.
func (s *Server) mountWeb(ctx context.Context, mux *http.ServeMux, env config) error {
	dir := s.cfg.DataDir
	if dir == "" {
		dir = env.indexDir(s.cfg.Manifest)
	}
	adb, err := openAssistantDB(ctx, env, s.cfg.Manifest, dir)
	if err != nil {
		return err
	}
	wdb, err := openWebchatDB(ctx, env, s.cfg.Manifest, dir)
	if err != nil {
		adb.Close()
		return err
	}
	w := &webChat{assistant: adb, records: wdb}
	fail := func(err error) error { w.Close(); return err }
	searcher, err := s.store.searcher("hybrid")
	if err != nil {
		return fail(err)
	}
	a, err := newAssistant(s.store, searcher, assistantStores{Conversations: adb, Requests: adb, Handoffs: adb, FOI: s.foiIntake(env, searcher)}, env.llmConfig())
	if err != nil {
		return fail(err)
	}
	if s.cfg.Now != nil {
		a.Now = s.cfg.Now
	}
	if err := s.store.records.Warm(ctx); err != nil {
		return fail(err)
	}
	secret, err := webFormKey(ctx, env.Web.Key, wdb, filepath.Join(dir, "webchat.key"))
	if err != nil {
		return fail(err)
	}
	e := env.Web
	if w.messaging, err = openMessaging(ctx, env, s.cfg.Manifest, dir, s.store.manifest.Council, s.cfg.Logger); err != nil {
		return fail(err)
	}
	w.chat, err = webchat.New(webchat.Config{
		Assistant:      a,
		Conversations:  adb,
		Messages:       wdb,
		Feedback:       wdb,
		Handoffs:       adb,
		Senders:        w.messaging.staffSenders(),
		AllowedOrigins: e.Origins,
		StaffConsole:   e.StaffConsole,
		Council:        s.store.manifest.Council,
		Limits:         e.Limits,
		Secret:         secret,
		SecureCookies:  e.SecureCookies,
		Logger:         s.cfg.Logger,
	})
	if err != nil {
		return fail(err)
	}
	w.chat.Register(mux)
	w.messaging.mount(mux, w.chat, adb)
	s.web = w
	if e.StaffConsole {
		s.cfg.Logger.Info("staff hand-off console at /staff/ (loopback only)")
	}
	return nil
}

// webchatDB is the web chat's own store: client message ids, residents'
// conversations and feedback.
type webchatDB interface {
	webchat.MessageLog
	webchat.FeedbackStore
	Close() error
}

// openWebchatDB opens the web chat's store for the configured backend:
// webchat.db in the index folder dir, or the manifest's schema in
// PostgreSQL, which every machine serving the manifest shares.
func openWebchatDB(ctx context.Context, env config, manifestPath, dir string) (webchatDB, error) {
	if err := env.Store.validate(); err != nil {
		return nil, err
	}
	if env.Store.backend() == storePostgres {
		schema := env.Store.schemaFor(manifestPath)
		db, err := wpostgres.Open(ctx, env.Store.DatabaseURL, wpostgres.Options{Schema: schema, MaxConns: env.Store.MaxConns})
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL web chat store (schema %s): %w", schema, err)
		}
		return db, nil
	}
	db, err := wsqlite.Open(ctx, filepath.Join(dir, "webchat.db"))
	if err != nil {
		return nil, err
	}
	return db, nil
}

// webFormKey returns the key that signs the chat page's form tokens:
// TOWNHALL_WEBCHAT_KEY when set (at least 32 characters), else the key
// kept in the web chat's PostgreSQL store (made by the first machine),
// else webchat.key at path (see webSecret). Machines behind one load
// balancer must share it, or a form served by one is refused by another.
func webFormKey(ctx context.Context, fromEnv string, db webchatDB, path string) ([]byte, error) {
	if fromEnv != "" {
		if len(fromEnv) < 32 {
			return nil, usageError("TOWNHALL_WEBCHAT_KEY has %d characters, want at least 32 (e.g. from `openssl rand -hex 32`)", len(fromEnv))
		}
		return []byte(fromEnv), nil
	}
	if pg, ok := db.(*wpostgres.DB); ok {
		return pg.FormKey(ctx)
	}
	return webSecret(path)
}

// webSecret reads the key that signs the chat page's form tokens, making
// it (32 random bytes, mode 0600) on first use, so forms stay valid
// across restarts.
func webSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("web chat key: %w", err)
	}
	return b, nil
}

// shutdown drains the web chat: answers in flight are finished and
// delivered, then connections are closed.
func (w *webChat) shutdown(ctx context.Context) error {
	if w == nil || w.chat == nil {
		return nil
	}
	// SMS and WhatsApp workers answer through the chat: drain them first.
	return errors.Join(w.messaging.shutdown(ctx), w.chat.Shutdown(ctx))
}

// Close closes the web chat's databases.
func (w *webChat) Close() error {
	if w == nil {
		return nil
	}
	return errors.Join(w.messaging.Close(), w.records.Close(), w.assistant.Close())
}
