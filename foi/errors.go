package foi

import (
	"errors"
	"strings"
)

// Sentinel errors. Stores and the Service wrap them with %w so that callers
// (the portal, the chatbot) classify a failure once, at the edge.
var (
	// ErrNotFound reports a request or disclosure that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict reports a change that clashes with the current state: an
	// illegal status transition, a stale update, a duplicate reference.
	ErrConflict = errors.New("conflict")
	// ErrInvalid reports input that breaks a rule of the model or the law:
	// a request without a name, an unknown law, a bad censor rule.
	ErrInvalid = errors.New("invalid")
)

// ValidationError is one problem with one field of an intake form. Field
// is the Go field name of Request ("Name", "Email", ...) so that a form can
// show the message next to the right input; Message is safe to show to
// the person who filled the form in.
type ValidationError struct {
	Field   string
	Message string
}

func (e ValidationError) Error() string { return e.Field + ": " + e.Message }

// Unwrap makes errors.Is(err, ErrInvalid) true for a ValidationError.
func (e ValidationError) Unwrap() error { return ErrInvalid }

// ValidationErrors is every problem found with a form, in field order.
// errors.Is(err, ErrInvalid) is true for it, and errors.As finds it.
type ValidationErrors []ValidationError

func (es ValidationErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return "invalid: " + strings.Join(msgs, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalid) true for ValidationErrors.
func (es ValidationErrors) Unwrap() error { return ErrInvalid }

// Field returns the message for field, or "" when the field is fine.
func (es ValidationErrors) Field(field string) string {
	for _, e := range es {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}
