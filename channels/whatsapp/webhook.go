package whatsapp

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// DefaultMaxBodyBytes caps a webhook body. Meta batches notifications, but
// a batch of text messages is far smaller than this.
const DefaultMaxBodyBytes = 1 << 20

// Webhook is the WhatsApp Cloud API webhook, an http.Handler for
// "/channels/whatsapp" (GET and POST).
//
// GET answers Meta's verification handshake: if hub.mode is "subscribe"
// and hub.verify_token equals VerifyToken it echoes hub.challenge as plain
// text, else 403.
//
// POST caps the body (413), verifies X-Hub-Signature-256 over the raw
// bytes (403; nothing is parsed, stored or handed on), parses it (400 if
// it is not JSON), and for each message: skips a wamid already seen,
// records the time in Window, and hands it to Handler; then hands each
// delivery report (statuses) to Deliveries. It replies 200 with no body. A Handler failure is a 500, after the wamid is forgotten (if
// Dedup is a channels.Forgetter), so Meta's retry is handled; messages of
// the batch already handed on are skipped on retry.
type Webhook struct {
	// VerifyToken is the token set in the Meta app's webhook settings.
	VerifyToken string
	// AppSecret is the Meta app secret that signs bodies.
	AppSecret string
	// Handler receives messages; it should enqueue them durably.
	Handler channels.Handler
	// Dedup remembers wamids. If nil, nothing is de-duplicated.
	Dedup channels.Deduper
	// Window, if set, records each user's last message time for Client.
	Window Window
	// Deliveries, if set, receives the notifications' delivery reports
	// (statuses) on messages Townhall sent. If nil they are ignored.
	Deliveries channels.DeliveryHandler
	// MaxBodyBytes caps the request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives errors that become 500s; nil means slog.Default().
	Logger *slog.Logger
}

var _ http.Handler = (*Webhook)(nil)

// ServeHTTP implements http.Handler.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		h.verify(w, r)
	case http.MethodPost:
		h.receive(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (h *Webhook) verify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tok := q.Get("hub.verify_token")
	if h.VerifyToken == "" || q.Get("hub.mode") != "subscribe" ||
		subtle.ConstantTimeCompare([]byte(tok), []byte(h.VerifyToken)) != 1 {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	io.WriteString(w, q.Get("hub.challenge"))
}

func (h *Webhook) receive(w http.ResponseWriter, r *http.Request) {
	limit := h.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	body, ok := channels.ReadBody(w, r, limit)
	if !ok {
		return
	}
	if !ValidSignature(h.AppSecret, body, r.Header.Get(SignatureHeader)) {
		http.Error(w, "invalid signature", http.StatusForbidden)
		return
	}
	msgs, err := Parse(body)
	if err != nil {
		http.Error(w, "malformed notification", http.StatusBadRequest)
		return
	}
	for _, m := range msgs {
		if err := h.handle(r.Context(), m); err != nil {
			h.logger().ErrorContext(r.Context(), "whatsapp webhook", "wamid", m.ProviderID, "err", err)
			http.Error(w, "temporary failure", http.StatusInternalServerError)
			return
		}
	}
	if h.Deliveries != nil {
		// Parse succeeded, so the body is a notification.
		reports, _ := ParseStatuses(body)
		for _, d := range reports {
			// Reports never move a message back, so a redelivered
			// notification needs no de-duplication.
			if err := h.Deliveries.HandleDelivery(r.Context(), d); err != nil {
				h.logger().ErrorContext(r.Context(), "whatsapp webhook status", "wamid", d.ProviderID, "err", err)
				http.Error(w, "temporary failure", http.StatusInternalServerError)
				return
			}
		}
	}
	w.WriteHeader(http.StatusOK)
}

func (h *Webhook) handle(ctx context.Context, m channels.Inbound) error {
	now := h.now()
	if m.Received.IsZero() || m.Received.After(now) {
		m.Received = now
	}
	_, err := channels.Once(ctx, h.Dedup, "whatsapp:"+m.ProviderID, func() error { return h.dispatch(ctx, m) })
	return err
}

func (h *Webhook) dispatch(ctx context.Context, m channels.Inbound) error {
	if h.Window != nil {
		if err := h.Window.Touch(ctx, m.From, m.Received); err != nil {
			return fmt.Errorf("window: %w", err)
		}
	}
	if err := h.Handler.HandleInbound(ctx, m); err != nil {
		return fmt.Errorf("handler: %w", err)
	}
	return nil
}

func (h *Webhook) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Webhook) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}
