package twilio

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// DefaultMaxBodyBytes caps a webhook body. An SMS is at most 1,600
// characters; the rest of Twilio's form is a few hundred bytes plus media
// URLs.
const DefaultMaxBodyBytes = 64 << 10

// Webhook is Twilio's incoming-message webhook, an http.Handler for
// "POST /channels/twilio/sms". For each request it:
//
//  1. caps the body (413) and parses the form (400, or 415 if it is not
//     form-encoded);
//  2. verifies X-Twilio-Signature against the public URL (403 on failure;
//     nothing is stored or handed on);
//  3. drops a MessageSid it has seen before (200, empty TwiML);
//  4. answers STOP/START/HELP itself, recording opt-outs in OptOuts;
//  5. drops messages from opted-out senders;
//  6. hands everything else to Handler and replies with empty TwiML: the
//     answer goes out later through Client.
//
// A Handler failure is a 500, after the MessageSid is forgotten (if Dedup
// is a channels.Forgetter) so a redelivery is handled.
type Webhook struct {
	// AuthToken is the Twilio auth token that signs requests.
	AuthToken string
	// PublicBaseURL is the scheme and host Twilio calls, plus any path
	// prefix a reverse proxy strips, e.g. "https://townhall.example.gov.uk".
	// The request's own path and query are appended to rebuild the URL
	// Twilio signed. If empty, the URL is rebuilt from the request itself,
	// which is wrong behind a TLS-terminating proxy.
	PublicBaseURL string
	// Handler receives messages; it should enqueue them durably.
	Handler channels.Handler
	// Dedup remembers MessageSids. If nil, nothing is de-duplicated.
	Dedup channels.Deduper
	// OptOuts records STOP and START. If nil, keywords are answered but
	// not recorded, and no sender counts as opted out.
	OptOuts channels.OptOuts
	// Replies are the keyword answers; empty fields fall back to
	// DefaultReplies("this service").
	Replies Replies
	// ManagedOptOut says Twilio's Advanced Opt-Out is on for the number:
	// Twilio then sends its own STOP/START/HELP replies (and blocks ours),
	// so the webhook records the keyword but answers with empty TwiML.
	ManagedOptOut bool
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
	params, ok := signedForm(w, r, h.AuthToken, h.PublicBaseURL, h.MaxBodyBytes)
	if !ok {
		return
	}
	in, err := h.inbound(params)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	reply, err := h.handle(r.Context(), in, params.Get("Body"))
	if err != nil {
		loggerOr(h.Logger).ErrorContext(r.Context(), "twilio webhook", "message_sid", in.ProviderID, "err", err)
		http.Error(w, "temporary failure", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", TwiMLContentType)
	if reply == "" {
		w.Write(MessagingResponse())
		return
	}
	w.Write(MessagingResponse(reply))
}

// handle de-duplicates, applies keywords and hands in on. It returns the
// TwiML reply text, "" for none.
func (h *Webhook) handle(ctx context.Context, in channels.Inbound, rawBody string) (string, error) {
	var reply string
	_, err := channels.Once(ctx, h.Dedup, "twilio:"+in.ProviderID, func() error {
		var err error
		reply, err = h.dispatch(ctx, in, rawBody)
		return err
	})
	if err != nil {
		return "", err
	}
	return reply, nil
}

func (h *Webhook) dispatch(ctx context.Context, in channels.Inbound, rawBody string) (string, error) {
	optedOut := false
	if h.OptOuts != nil {
		var err error
		if optedOut, err = h.OptOuts.OptedOut(ctx, in.From); err != nil {
			return "", fmt.Errorf("opt-outs: %w", err)
		}
	}
	kw := ParseKeyword(rawBody)
	if kw == Start && !optedOut && keywordWord(rawBody) == "YES" {
		kw = NoKeyword // an ordinary "yes" in a conversation
	}
	replies := h.replies()
	switch kw {
	case Stop, Start:
		if h.OptOuts != nil {
			if err := h.OptOuts.SetOptedOut(ctx, in.From, kw == Stop); err != nil {
				return "", fmt.Errorf("opt-outs: %w", err)
			}
		}
		if h.ManagedOptOut {
			return "", nil
		}
		if kw == Stop {
			return replies.Stop, nil
		}
		return replies.Start, nil
	case Help:
		if h.ManagedOptOut {
			return "", nil
		}
		return replies.Help, nil
	}
	if optedOut {
		// Nothing could be sent back; the resident must text START first.
		return "", nil
	}
	if err := h.Handler.HandleInbound(ctx, in); err != nil {
		return "", fmt.Errorf("handler: %w", err)
	}
	return "", nil
}

// inbound builds the channel-neutral message from Twilio's form fields.
func (h *Webhook) inbound(p url.Values) (channels.Inbound, error) {
	sid := channels.CleanField(p.Get("MessageSid"), 64)
	if sid == "" {
		sid = channels.CleanField(p.Get("SmsSid"), 64)
	}
	from := channels.CleanField(p.Get("From"), 64)
	if sid == "" || from == "" {
		return channels.Inbound{}, fmt.Errorf("%w: MessageSid and From are required", channels.ErrInvalid)
	}
	id := identity(from)
	to := identity(channels.CleanField(p.Get("To"), 64)).Address
	text, truncated := channels.CleanText(p.Get("Body"), channels.MaxTextRunes)
	in := channels.Inbound{
		ProviderID: sid,
		From:       id,
		To:         to,
		Kind:       channels.KindText,
		Text:       text,
		Truncated:  truncated,
		Received:   clock(h.Now),
	}
	// Twilio forwards a WhatsApp location as Latitude/Longitude fields.
	if lat, lon, ok := parseLatLon(p.Get("Latitude"), p.Get("Longitude")); ok {
		in.Kind = channels.KindLocation
		in.Location = &channels.Location{
			Lat: lat, Lon: lon,
			Name:    channels.CleanField(p.Get("Label"), 200),
			Address: channels.CleanField(p.Get("Address"), 500),
		}
		return in, nil
	}
	if n, _ := strconv.Atoi(p.Get("NumMedia")); n > 0 && text == "" {
		in.Kind = channels.KindUnsupported
		in.Unsupported = "media"
	}
	return in, nil
}

func parseLatLon(a, b string) (lat, lon float64, ok bool) {
	if a == "" || b == "" {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(a, 64)
	lon, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return 0, 0, false
	}
	return lat, lon, true
}

func (h *Webhook) replies() Replies {
	d := DefaultReplies("this service")
	r := h.Replies
	if r.Stop == "" {
		r.Stop = d.Stop
	}
	if r.Start == "" {
		r.Start = d.Start
	}
	if r.Help == "" {
		r.Help = d.Help
	}
	return r
}

// clock returns now(), or time.Now() when now is nil: the webhooks' Now
// field.
func clock(now func() time.Time) time.Time {
	if now != nil {
		return now()
	}
	return time.Now()
}

// loggerOr returns l, or slog.Default() when l is nil: the webhooks'
// Logger field.
func loggerOr(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return slog.Default()
}
