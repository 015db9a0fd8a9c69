package embed

import "errors"

// Sentinel errors of the embed package.
var (
	// ErrFormat reports a word-vector file that is not in the format
	// WriteTo produces: wrong magic or version, truncated, or corrupt.
	ErrFormat = errors.New("embed: bad word-vector file")
	// ErrProvider reports an embedding service that failed or answered
	// with something unusable (an HTTP error, the wrong number of vectors,
	// vectors of differing dimensions).
	ErrProvider = errors.New("embed: provider failed")
)
