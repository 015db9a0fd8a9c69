package corpus

import (
	"errors"
	"fmt"
)

// Sentinel errors. Loaders wrap them with %w so callers can classify a
// failure without matching strings.
var (
	// ErrInvalid reports input that cannot be parsed: a corrupt PDF, a CSV
	// with no recognisable header, invalid JSON.
	ErrInvalid = errors.New("invalid input")
	// ErrEmpty reports a file with no content worth indexing.
	ErrEmpty = errors.New("empty document")
	// ErrTooLarge reports a file over the configured size limit.
	ErrTooLarge = errors.New("file too large")
	// ErrOutsideRoot reports a source path that escapes the manifest root.
	ErrOutsideRoot = errors.New("path outside corpus root")
	// ErrUnsupported reports a file whose format no loader handles.
	ErrUnsupported = errors.New("unsupported format")
)

// FileError is a failure to load one file. Ingestion records it and carries
// on with the remaining files.
type FileError struct {
	Path string // document ID (path relative to the root)
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }

func (e *FileError) Unwrap() error { return e.Err }
