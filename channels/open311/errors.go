package open311

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound reports an unknown service code, request id or token.
// Registry and Requests implementations return it (wrapped or not); the
// client returns it for a 404.
var ErrNotFound = errors.New("not found")

// ErrForbidden reports a missing or invalid API key.
var ErrForbidden = errors.New("invalid api_key")

// APIError is one Open311 error: {"code": 400, "description": "..."}. The
// code need not equal the HTTP status.
type APIError struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// Error is an error response from an Open311 server.
type Error struct {
	Status int // HTTP status
	Errors []APIError
}

func (e *Error) Error() string {
	var parts []string
	for _, x := range e.Errors {
		parts = append(parts, fmt.Sprintf("%d %s", x.Code, x.Description))
	}
	return fmt.Sprintf("open311: HTTP %d: %s", e.Status, strings.Join(parts, "; "))
}

// Unwrap classifies the error by HTTP status: 404 is ErrNotFound, 403 is
// ErrForbidden.
func (e *Error) Unwrap() error {
	switch e.Status {
	case 404:
		return ErrNotFound
	case 403:
		return ErrForbidden
	}
	return nil
}
