package retrieval

import "errors"

// Sentinel errors for retrieval implementations.
var (
	ErrNotFound  = errors.New("not found")
	ErrInvalid   = errors.New("invalid query")
	ErrDimension = errors.New("vector dimension mismatch")
	ErrClosed    = errors.New("index closed")
)
