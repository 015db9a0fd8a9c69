package assistant

import "errors"

// Sentinel errors.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrInvalid  = errors.New("invalid input")
	// ErrTooLarge reports a message over MaxMessageBytes.
	ErrTooLarge = errors.New("message too large")
	// ErrUngrounded reports a composed answer that failed the grounding
	// check: a citation to nothing retrieved, or a sentence its citation
	// does not support.
	ErrUngrounded = errors.New("answer not grounded in its sources")
)
