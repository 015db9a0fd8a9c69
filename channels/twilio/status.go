package twilio

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// Twilio error codes reported in status callbacks (ErrorCode) that
// Townhall classifies. Twilio's error dictionary describes each one.
const (
	CodeQueueOverflow    = 30001 // Twilio's queue for the sender was full
	CodeUnreachable      = 30003 // the handset is off or out of coverage
	CodeUnknownHandset   = 30005 // the number does not exist
	CodeLandline         = 30006 // a landline, or a carrier that cannot take SMS
	CodeUnknownError     = 30008
	CodeMissingSegment   = 30009 // part of a multi-part message was lost
	CodeCongestion       = 30017 // the carrier's network was congested
	CodeRateLimited      = 30022 // US A2P 10DLC rate limit
	CodeChannelNoTo      = 63003 // the channel could not find the To address
	CodeOutsideWindow    = 63016 // free-form WhatsApp message outside the 24-hour window
	CodeChannelRateLimit = 63018 // WhatsApp rate limit
	CodeInvalidRecipient = 63024 // not a WhatsApp user
)

// DeliveryError is a failed or undelivered message as a status callback
// reports it: MessageStatus and ErrorCode.
type DeliveryError struct {
	Status channels.DeliveryState
	Code   int // 0 when Twilio sent no ErrorCode
}

func (e *DeliveryError) Error() string {
	if e.Code == 0 {
		return fmt.Sprintf("twilio: message %s", e.Status)
	}
	return fmt.Sprintf("twilio: message %s (error %d)", e.Status, e.Code)
}

// Unwrap classifies the error: the WhatsApp window is
// channels.ErrOutsideWindow, an unsubscribed recipient
// channels.ErrOptedOut, a number that cannot receive the message
// channels.ErrInvalid.
func (e *DeliveryError) Unwrap() error {
	switch e.Code {
	case CodeOutsideWindow:
		return channels.ErrOutsideWindow
	case CodeUnsubscribed:
		return channels.ErrOptedOut
	case CodeInvalidTo, CodeUnknownHandset, CodeLandline, CodeChannelNoTo, CodeInvalidRecipient:
		return channels.ErrInvalid
	}
	return nil
}

// Temporary reports whether sending the message again later is safe and
// may succeed: Twilio's code says the message certainly did not reach
// the handset and the cause passes (a full queue, a handset switched off,
// congestion, a rate limit). An unknown error (30008) or a missing
// segment (30009) is not retried: part or all of the message may have
// arrived, and the resident would read it twice.
func (e *DeliveryError) Temporary() bool {
	switch e.Code {
	case CodeQueueOverflow, CodeUnreachable, CodeCongestion, CodeRateLimited, CodeChannelRateLimit:
		return true
	}
	return false
}

// StatusWebhook is the endpoint Twilio posts delivery status to (the
// StatusCallback URL given with each message, Client.StatusCallback),
// an http.Handler for "POST /channels/twilio/status". It checks the
// request as Webhook does (405, 415, 413, 400, and 403 with nothing
// handed on for a bad X-Twilio-Signature), reads MessageSid,
// MessageStatus, ErrorCode and To, and hands a channels.Delivery to
// Handler. It answers 204; a Handler failure is a 500.
type StatusWebhook struct {
	// AuthToken is the Twilio auth token that signs requests.
	AuthToken string
	// PublicBaseURL is as for Webhook: the scheme and host Twilio calls.
	PublicBaseURL string
	// Handler records the reports.
	Handler channels.DeliveryHandler
	// MaxBodyBytes caps the request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives errors that become 500s; nil means slog.Default().
	Logger *slog.Logger
}

var _ http.Handler = (*StatusWebhook)(nil)

// ServeHTTP implements http.Handler.
func (h *StatusWebhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	params, ok := signedForm(w, r, h.AuthToken, h.PublicBaseURL, h.MaxBodyBytes)
	if !ok {
		return
	}
	d, err := ParseStatus(params)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	d.At = clock(h.Now)
	if err := h.Handler.HandleDelivery(r.Context(), d); err != nil {
		loggerOr(h.Logger).ErrorContext(r.Context(), "twilio status callback", "message_sid", d.ProviderID, "status", d.State, "err", err)
		http.Error(w, "temporary failure", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ParseStatus reads a status callback's form: MessageSid (or SmsSid),
// MessageStatus (or SmsStatus), ErrorCode and To. A failed or
// undelivered message gets Err, a *DeliveryError. It returns an error
// wrapping channels.ErrInvalid when the id or the status is missing.
func ParseStatus(p url.Values) (channels.Delivery, error) {
	sid := channels.CleanField(first(p, "MessageSid", "SmsSid"), 64)
	status := channels.CleanField(first(p, "MessageStatus", "SmsStatus"), 32)
	if sid == "" || status == "" {
		return channels.Delivery{}, fmt.Errorf("%w: MessageSid and MessageStatus are required", channels.ErrInvalid)
	}
	d := channels.Delivery{
		ProviderID: sid,
		To:         identity(channels.CleanField(p.Get("To"), 64)),
		State:      channels.DeliveryState(status),
		ErrorCode:  channels.CleanField(p.Get("ErrorCode"), 16),
	}
	if d.State.Failed() {
		code, _ := strconv.Atoi(d.ErrorCode)
		d.Err = &DeliveryError{Status: d.State, Code: code}
	}
	return d, nil
}

// first returns the first of keys that p has a non-empty value for.
func first(p url.Values, keys ...string) string {
	for _, k := range keys {
		if v := p.Get(k); v != "" {
			return v
		}
	}
	return ""
}
