package notify

import (
	"fmt"
	"strings"

	"github.com/townhall-civic/townhall/channels"
)

// Error is an error response from Notify:
// {"status_code": 400, "errors": [{"error": "BadRequestError", "message": "..."}]}.
type Error struct {
	StatusCode int        `json:"status_code"`
	Errors     []APIError `json:"errors"`
}

// APIError is one entry of Error.Errors.
type APIError struct {
	Error   string `json:"error"` // e.g. "BadRequestError", "AuthError", "RateLimitError"
	Message string `json:"message"`
}

func (e *Error) Error() string {
	var msgs []string
	for _, x := range e.Errors {
		msgs = append(msgs, x.Error+": "+x.Message)
	}
	return fmt.Sprintf("notify: %d %s", e.StatusCode, strings.Join(msgs, "; "))
}

// Unwrap classifies a 400 as channels.ErrInvalid.
func (e *Error) Unwrap() error {
	if e.StatusCode == 400 {
		return channels.ErrInvalid
	}
	return nil
}

// Temporary reports whether retrying later may succeed (rate or daily
// limits, server errors).
func (e *Error) Temporary() bool { return e.StatusCode == 429 || e.StatusCode >= 500 }
