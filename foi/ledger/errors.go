package ledger

import (
	"errors"
	"strings"
)

// ErrInvalid reports a filter that cannot be run: an end date before the
// start date, a page beyond MaxOffset, an unknown sort or group.
var ErrInvalid = errors.New("ledger: invalid")

// FieldError is one problem with one filter field. Field is the URL
// parameter's name ("from", "page", ...), so a form can show Message, which
// is safe to show, next to the right input.
type FieldError struct {
	Field   string
	Message string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// Unwrap makes errors.Is(err, ErrInvalid) true for a FieldError.
func (e FieldError) Unwrap() error { return ErrInvalid }

// FieldErrors is every problem found with a filter, in field order.
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return "ledger: " + strings.Join(msgs, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalid) true for FieldErrors.
func (es FieldErrors) Unwrap() error { return ErrInvalid }
