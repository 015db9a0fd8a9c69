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
	records   *wsqlite.DB
	messaging *messaging
}

// mountWeb opens the assistant's database (assistant.db in the index
// folder, or PostgreSQL; see openAssistantDB) and the web chat's
// (webchat.db), builds the assistant and
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
	wdb, err := wsqlite.Open(ctx, filepath.Join(dir, "webchat.db"))
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
	if err := s.store.records.Warm(ctx); err != nil {
		return fail(err)
	}
	secret, err := webSecret(filepath.Join(dir, "webchat.key"))
	if err != nil {
		return fail(err)
	}
	e := env.Web
	if w.messaging, err = openMessaging(ctx, dir, e.Messaging, s.store.manifest.Council, s.cfg.Logger); err != nil {
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
