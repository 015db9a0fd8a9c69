package twilio

import (
	"fmt"

	"github.com/townhall-civic/townhall/channels"
)

// Twilio error codes that Townhall classifies.
const (
	// CodeUnsubscribed is "Attempt to send to unsubscribed recipient".
	CodeUnsubscribed = 21610
	// CodeInvalidTo is "Invalid 'To' Phone Number".
	CodeInvalidTo = 21211
)

// Error is an error response from Twilio's REST API:
// {"code": 21211, "message": "...", "more_info": "...", "status": 400}.
type Error struct {
	Status   int    `json:"status"` // HTTP status
	Code     int    `json:"code"`   // Twilio error code
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("twilio: %d %s (code %d, %s)", e.Status, e.Message, e.Code, e.MoreInfo)
}

// Unwrap classifies the error: an unsubscribed recipient is
// channels.ErrOptedOut, any other 400 channels.ErrInvalid.
func (e *Error) Unwrap() error {
	switch {
	case e.Code == CodeUnsubscribed:
		return channels.ErrOptedOut
	case e.Status == 400:
		return channels.ErrInvalid
	}
	return nil
}

// Temporary reports whether retrying later may succeed (rate limiting or a
// server error).
func (e *Error) Temporary() bool { return e.Status == 429 || e.Status >= 500 }
