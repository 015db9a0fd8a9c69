package whatsapp

import (
	"fmt"

	"github.com/townhall-civic/townhall/channels"
)

// Graph API error codes that Townhall classifies.
const (
	// CodeReengagement is "Re-engagement message": more than 24 hours
	// have passed since the user last replied.
	CodeReengagement = 131047
	// CodeRateLimit is "Rate limit hit": too many messages from the
	// business number.
	CodeRateLimit = 130429
	// CodePairRateLimit is "Spam rate limit hit": too many messages to
	// the same user in a short time.
	CodePairRateLimit = 131056
	// CodeServiceUnavailable is "Service unavailable".
	CodeServiceUnavailable = 131016
	// CodeUndeliverable is "Message undeliverable": not a WhatsApp user,
	// or one who cannot receive it.
	CodeUndeliverable = 131026
)

// DeliveryError is a failed message as a webhook status reports it
// (status "failed", errors[0].code and title).
type DeliveryError struct {
	Code  int // 0 when Meta sent no error
	Title string
}

func (e *DeliveryError) Error() string {
	return fmt.Sprintf("whatsapp: message failed (code %d %s)", e.Code, e.Title)
}

// Unwrap classifies the error: re-engagement is
// channels.ErrOutsideWindow, an undeliverable message channels.ErrInvalid.
func (e *DeliveryError) Unwrap() error {
	switch e.Code {
	case CodeReengagement:
		return channels.ErrOutsideWindow
	case CodeUndeliverable:
		return channels.ErrInvalid
	}
	return nil
}

// Temporary reports whether sending the message again later is safe and
// may succeed: Meta failed it for a rate limit or an outage, so it did
// not arrive, and the cause passes.
func (e *DeliveryError) Temporary() bool {
	switch e.Code {
	case CodeRateLimit, CodePairRateLimit, CodeServiceUnavailable:
		return true
	}
	return false
}

// Error is an error response from the Graph API:
// {"error": {"message", "type", "code", "error_subcode", "error_data":
// {"details"}, "fbtrace_id"}}.
type Error struct {
	Status  int    // HTTP status
	Code    int    // Graph API error code
	Subcode int    // error_subcode, if any
	Type    string // e.g. "OAuthException"
	Message string
	Details string // error_data.details
	TraceID string // fbtrace_id, for Meta support
}

func (e *Error) Error() string {
	s := fmt.Sprintf("whatsapp: %d %s (code %d", e.Status, e.Message, e.Code)
	if e.Details != "" {
		s += ": " + e.Details
	}
	return s + ")"
}

// Unwrap classifies the error: a re-engagement failure is
// channels.ErrOutsideWindow, any other 400 channels.ErrInvalid.
func (e *Error) Unwrap() error {
	switch {
	case e.Code == CodeReengagement:
		return channels.ErrOutsideWindow
	case e.Status == 400:
		return channels.ErrInvalid
	}
	return nil
}

// Temporary reports whether retrying later may succeed.
func (e *Error) Temporary() bool { return e.Status == 429 || e.Status >= 500 }

// errorBody is the wire shape of Error.
type errorBody struct {
	Error struct {
		Message   string `json:"message"`
		Type      string `json:"type"`
		Code      int    `json:"code"`
		Subcode   int    `json:"error_subcode"`
		FBTraceID string `json:"fbtrace_id"`
		ErrorData struct {
			Details string `json:"details"`
		} `json:"error_data"`
	} `json:"error"`
}
