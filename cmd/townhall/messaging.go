package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
	ipostgres "github.com/townhall-civic/townhall/channels/inbound/postgres"
	isqlite "github.com/townhall-civic/townhall/channels/inbound/sqlite"
	"github.com/townhall-civic/townhall/channels/twilio"
	"github.com/townhall-civic/townhall/channels/webchat"
	"github.com/townhall-civic/townhall/channels/whatsapp"
)

// messagingEnv is the SMS and WhatsApp part of the environment. A
// channel is mounted only when its signing secret is set: webhooks are
// never accepted unsigned.
type messagingEnv struct {
	// Twilio SMS (and WhatsApp through Twilio when Meta's API is not
	// configured): TOWNHALL_TWILIO_AUTH_TOKEN switches it on and signs
	// webhooks; TOWNHALL_TWILIO_ACCOUNT_SID and TOWNHALL_TWILIO_FROM (or
	// TOWNHALL_TWILIO_MESSAGING_SERVICE_SID) send replies;
	// TOWNHALL_TWILIO_API_URL overrides https://api.twilio.com;
	// TOWNHALL_TWILIO_MANAGED_OPT_OUT=1 when Twilio's Advanced Opt-Out
	// answers STOP itself; TOWNHALL_TWILIO_WHATSAPP_CONTENT_SID is the
	// Content template (HX…) sent outside the 24-hour window on WhatsApp
	// through Twilio.
	TwilioAuthToken, TwilioAccountSID, TwilioFrom, TwilioMessagingService, TwilioAPIURL string
	TwilioWhatsAppContentSID                                                            string
	TwilioManagedOptOut                                                                 bool
	// WhatsApp Cloud API: TOWNHALL_WHATSAPP_APP_SECRET switches it on and
	// verifies webhooks; TOWNHALL_WHATSAPP_VERIFY_TOKEN answers Meta's
	// handshake; TOWNHALL_WHATSAPP_TOKEN and TOWNHALL_WHATSAPP_PHONE_ID
	// send; TOWNHALL_WHATSAPP_API_URL overrides https://graph.facebook.com;
	// TOWNHALL_WHATSAPP_TEMPLATE (and _TEMPLATE_LANGUAGE, default en_GB)
	// is the approved template sent outside the 24-hour window.
	WhatsAppAppSecret, WhatsAppVerifyToken, WhatsAppToken, WhatsAppPhoneID, WhatsAppAPIURL string
	WhatsAppTemplate, WhatsAppTemplateLanguage                                             string
	// PublicURL is TOWNHALL_PUBLIC_URL, the scheme and host Twilio calls,
	// used to rebuild the signed URL behind a proxy and to give Twilio the
	// StatusCallback URL for delivery reports (none without it).
	PublicURL string
	// Workers is TOWNHALL_MESSAGING_WORKERS, how many messages are
	// answered or sent at once (default 2).
	Workers int
}

func messagingEnvConfig(getenv func(string) string) messagingEnv {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	e := messagingEnv{
		TwilioAuthToken:          get("TOWNHALL_TWILIO_AUTH_TOKEN"),
		TwilioAccountSID:         get("TOWNHALL_TWILIO_ACCOUNT_SID"),
		TwilioFrom:               get("TOWNHALL_TWILIO_FROM"),
		TwilioMessagingService:   get("TOWNHALL_TWILIO_MESSAGING_SERVICE_SID"),
		TwilioAPIURL:             get("TOWNHALL_TWILIO_API_URL"),
		TwilioWhatsAppContentSID: get("TOWNHALL_TWILIO_WHATSAPP_CONTENT_SID"),
		WhatsAppAppSecret:        get("TOWNHALL_WHATSAPP_APP_SECRET"),
		WhatsAppVerifyToken:      get("TOWNHALL_WHATSAPP_VERIFY_TOKEN"),
		WhatsAppToken:            get("TOWNHALL_WHATSAPP_TOKEN"),
		WhatsAppPhoneID:          get("TOWNHALL_WHATSAPP_PHONE_ID"),
		WhatsAppAPIURL:           get("TOWNHALL_WHATSAPP_API_URL"),
		WhatsAppTemplate:         get("TOWNHALL_WHATSAPP_TEMPLATE"),
		WhatsAppTemplateLanguage: get("TOWNHALL_WHATSAPP_TEMPLATE_LANGUAGE"),
		PublicURL:                get("TOWNHALL_PUBLIC_URL"),
	}
	switch strings.ToLower(get("TOWNHALL_TWILIO_MANAGED_OPT_OUT")) {
	case "1", "true", "yes", "on":
		e.TwilioManagedOptOut = true
	}
	if n, err := strconv.Atoi(get("TOWNHALL_MESSAGING_WORKERS")); err == nil && n > 0 {
		e.Workers = n
	}
	return e
}

func (e messagingEnv) twilioOn() bool   { return e.TwilioAuthToken != "" }
func (e messagingEnv) whatsappOn() bool { return e.WhatsAppAppSecret != "" }

// check reports settings that make a switched-on channel unusable, so
// serve fails at start rather than dropping the first message.
func (e messagingEnv) check() error {
	var missing []string
	if e.twilioOn() {
		if e.TwilioAccountSID == "" {
			missing = append(missing, "TOWNHALL_TWILIO_ACCOUNT_SID")
		}
		if e.TwilioFrom == "" && e.TwilioMessagingService == "" {
			missing = append(missing, "TOWNHALL_TWILIO_FROM (or TOWNHALL_TWILIO_MESSAGING_SERVICE_SID)")
		}
	}
	if e.whatsappOn() {
		for k, v := range map[string]string{"TOWNHALL_WHATSAPP_VERIFY_TOKEN": e.WhatsAppVerifyToken,
			"TOWNHALL_WHATSAPP_TOKEN": e.WhatsAppToken, "TOWNHALL_WHATSAPP_PHONE_ID": e.WhatsAppPhoneID} {
			if v == "" {
				missing = append(missing, k)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return usageError("serve: messaging is switched on but these are unset: %s", strings.Join(missing, ", "))
	}
	return nil
}

// twilioStatusPath is where Twilio posts delivery reports
// (StatusCallback).
const twilioStatusPath = "/channels/twilio/status"

// queueDB is the SMS and WhatsApp queue: channels/inbound/sqlite
// (messaging.db in the index folder) or, with TOWNHALL_STORE=postgres,
// channels/inbound/postgres in the manifest's schema, shared by every
// machine serving it. It is what the pool, the webhooks and `townhall
// messaging` use; the stores' optional abilities (delivery reports, held
// replies, pruning, Commit and Forget) are found by the pool and the
// webhooks through type assertions. The PostgreSQL store is one as it
// is; the SQLite one is wrapped only to add Where, and embedding keeps
// its abilities.
type queueDB interface {
	inbound.Store
	channels.Deduper
	channels.OptOuts
	whatsapp.Window
	Counts(ctx context.Context) (map[inbound.Kind]map[inbound.State]int, error)
	DeliveryCounts(ctx context.Context) (map[channels.DeliveryState]int, error)
	FindJobs(ctx context.Context, kind inbound.Kind, states ...inbound.State) ([]inbound.JobInfo, error)
	FindJobsBy(ctx context.Context, kind inbound.Kind, f inbound.JobFilter) ([]inbound.JobInfo, error)
	FindDeliveries(ctx context.Context, id int64) ([]inbound.DeliveryRecord, error)
	Requeue(ctx context.Context, kind inbound.Kind, id int64) error
	// Where names the queue for operators (a file, or a schema; never a
	// database URL).
	Where() string
	Close() error
}

// sqliteQueue is messaging.db.
type sqliteQueue struct{ *isqlite.DB }

func (q sqliteQueue) Where() string { return q.Path() }

var (
	_ queueDB               = sqliteQueue{}
	_ queueDB               = (*ipostgres.DB)(nil)
	_ inbound.DeliveryStore = (*ipostgres.DB)(nil)
	_ inbound.Holder        = (*ipostgres.DB)(nil)
	_ inbound.Pruner        = (*ipostgres.DB)(nil)
	_ channels.Committer    = (*ipostgres.DB)(nil)
	_ channels.Forgetter    = (*ipostgres.DB)(nil)
)

// queueLocation is where a manifest's queue lives: a SQLite file, or a
// PostgreSQL schema (URL set).
type queueLocation struct {
	Path     string
	URL      string
	Schema   string
	MaxConns int32
}

// messagingLocate resolves the queue for the store backend: path (the
// SQLite file; "" means messaging.db in dir) by default, or with
// TOWNHALL_STORE=postgres the manifest's schema, where a SQLite file
// named too is refused rather than silently ignored.
func messagingLocate(env config, manifestPath, dir, path string) (queueLocation, error) {
	if err := env.Store.validate(); err != nil {
		return queueLocation{}, err
	}
	if env.Store.backend() != storePostgres {
		if path == "" {
			path = filepath.Join(dir, "messaging.db")
		}
		return queueLocation{Path: path}, nil
	}
	if path != "" {
		return queueLocation{}, usageError("the messaging queue is in PostgreSQL with TOWNHALL_STORE=postgres: drop -db, or use -store local for a SQLite file")
	}
	if manifestPath == "" && env.Store.Schema == "" {
		return queueLocation{}, usageError("the messaging queue in PostgreSQL is in the manifest's schema: give -manifest (or set TOWNHALL_DATABASE_SCHEMA)")
	}
	return queueLocation{URL: env.Store.DatabaseURL, Schema: env.Store.schemaFor(manifestPath), MaxConns: env.Store.MaxConns}, nil
}

// openQueue opens the queue at loc. mustExist refuses to create one (an
// operator's typo should not make a new queue).
func openQueue(ctx context.Context, loc queueLocation, mustExist bool) (queueDB, error) {
	if loc.URL != "" {
		db, err := ipostgres.Open(ctx, loc.URL, ipostgres.Options{Schema: loc.Schema, MaxConns: loc.MaxConns, MustExist: mustExist})
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL messaging queue (schema %s): %w", loc.Schema, err)
		}
		return db, nil
	}
	if mustExist {
		if _, err := os.Stat(loc.Path); err != nil {
			return nil, fmt.Errorf("messaging: no queue at %s (serve creates it when SMS or WhatsApp is switched on): %w", loc.Path, err)
		}
	}
	db, err := isqlite.Open(ctx, loc.Path)
	if err != nil {
		return nil, err
	}
	return sqliteQueue{db}, nil
}

// messaging is SMS and WhatsApp: the queue database, the worker pool and
// the webhooks. A nil *messaging (no channel switched on) does nothing.
type messaging struct {
	env      messagingEnv
	db       queueDB
	pool     *inbound.Pool
	answerer *inbound.ChatAnswerer
	senders  map[channels.Channel]channels.Sender
	council  string
	logger   *slog.Logger
}

// openMessaging opens the queue (messaging.db in the index folder dir,
// or with TOWNHALL_STORE=postgres the manifest's schema; see
// messagingLocate) and builds the senders and the pool, when a channel
// is switched on. The pool starts in mount, once the web chat it answers
// through exists.
func openMessaging(ctx context.Context, cfg config, manifestPath, dir, council string, logger *slog.Logger) (*messaging, error) {
	env := cfg.Web.Messaging
	if !env.twilioOn() && !env.whatsappOn() {
		return nil, nil
	}
	if err := env.check(); err != nil {
		return nil, err
	}
	loc, err := messagingLocate(cfg, manifestPath, dir, "")
	if err != nil {
		return nil, err
	}
	db, err := openQueue(ctx, loc, false)
	if err != nil {
		return nil, err
	}
	if council == "" {
		council = "the council"
	}
	m := &messaging{env: env, db: db, senders: map[channels.Channel]channels.Sender{}, council: council, logger: logger}
	if env.twilioOn() {
		tc := &twilio.Client{AccountSID: env.TwilioAccountSID, AuthToken: env.TwilioAuthToken, BaseURL: env.TwilioAPIURL,
			From: env.TwilioFrom, MessagingServiceSID: env.TwilioMessagingService}
		if env.PublicURL != "" {
			tc.StatusCallback = strings.TrimRight(env.PublicURL, "/") + twilioStatusPath
		}
		m.senders[channels.SMS] = tc
		// Twilio also carries WhatsApp when Meta's API is not configured,
		// under the same 24-hour window rule.
		wa := &whatsapp.Windowed{Sender: tc, Window: db}
		if env.TwilioWhatsAppContentSID != "" {
			wa.Fallback = &channels.Template{Name: env.TwilioWhatsAppContentSID}
		}
		m.senders[channels.WhatsApp] = wa
	}
	if env.whatsappOn() {
		wc := &whatsapp.Client{Token: env.WhatsAppToken, PhoneNumberID: env.WhatsAppPhoneID, BaseURL: env.WhatsAppAPIURL, Window: db}
		if env.WhatsAppTemplate != "" {
			wc.Fallback = &channels.Template{Name: env.WhatsAppTemplate, Language: env.WhatsAppTemplateLanguage}
		}
		m.senders[channels.WhatsApp] = wc
	}
	m.answerer = &inbound.ChatAnswerer{}
	m.pool, err = inbound.New(inbound.Config{
		Store: db, Answerer: m.answerer, Senders: m.senders, OptOuts: db,
		Replies: twilio.DefaultReplies(council), Workers: env.Workers, Logger: logger,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return m, nil
}

// staffSenders returns the senders the staff console replies through:
// the queue, so a reply is committed at once and delivered with retries.
func (m *messaging) staffSenders() map[assistant.Channel]channels.Sender {
	if m == nil {
		return nil
	}
	out := map[assistant.Channel]channels.Sender{}
	for ch := range m.senders {
		out[assistant.Channel(ch)] = m.pool.Sender()
	}
	return out
}

// mount starts the workers, answering through chat, and mounts the
// webhooks of the switched-on channels on mux.
func (m *messaging) mount(mux *http.ServeMux, chat *webchat.Server, conversations assistant.ConversationStore) {
	if m == nil {
		return
	}
	m.answerer.Chat, m.answerer.Conversations = chat, conversations
	m.pool.Start()
	if m.env.twilioOn() {
		mux.Handle("/channels/twilio/sms", &twilio.Webhook{
			AuthToken: m.env.TwilioAuthToken, PublicBaseURL: m.env.PublicURL,
			Handler: m.pool, Dedup: m.db, OptOuts: m.db,
			Replies: twilio.DefaultReplies(m.council), ManagedOptOut: m.env.TwilioManagedOptOut, Logger: m.logger,
		})
		m.logger.Info("SMS webhook at /channels/twilio/sms")
		mux.Handle(twilioStatusPath, &twilio.StatusWebhook{
			AuthToken: m.env.TwilioAuthToken, PublicBaseURL: m.env.PublicURL, Handler: m.pool, Logger: m.logger,
		})
		if m.env.PublicURL == "" {
			m.logger.Warn("TOWNHALL_PUBLIC_URL is unset: Twilio is not asked for delivery reports")
		}
	}
	if m.env.whatsappOn() {
		// The queue records each sender's window as it stores the
		// message, so the webhook needs no Window of its own.
		mux.Handle("/channels/whatsapp", &whatsapp.Webhook{
			VerifyToken: m.env.WhatsAppVerifyToken, AppSecret: m.env.WhatsAppAppSecret,
			Handler: m.pool, Dedup: m.db, Deliveries: m.pool, Logger: m.logger,
		})
		m.logger.Info("WhatsApp webhook at /channels/whatsapp")
	}
}

// shutdown drains the workers: jobs in hand finish (or, if ctx ends
// first, are taken again after a restart).
func (m *messaging) shutdown(ctx context.Context) error {
	if m == nil {
		return nil
	}
	return m.pool.Shutdown(ctx)
}

// Close closes the queue database.
func (m *messaging) Close() error {
	if m == nil {
		return nil
	}
	return errors.Join(m.pool.Shutdown(context.Background()), m.db.Close())
}
