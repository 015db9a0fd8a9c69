package llm

import (
	"errors"
	"fmt"

	"github.com/townhall-civic/townhall/assistant"
)

// Sentinel errors of the llm package.
var (
	// ErrProvider reports a model server that failed or answered with
	// something unusable: an HTTP error (401, 429, 500, ...), a broken
	// stream, an empty reply or a timeout.
	ErrProvider = errors.New("llm: provider failed")
	// ErrInvalidRoute reports a router reply that is not the JSON object
	// asked for, or names an unknown intent or service.
	ErrInvalidRoute = errors.New("llm: invalid route")
	// ErrNoAnswer reports a model that said the sources do not answer the
	// question. It wraps assistant.ErrUngrounded, so a fallback composer
	// gets its chance to answer or decline.
	ErrNoAnswer = fmt.Errorf("%w: the model found no answer in the sources", assistant.ErrUngrounded)
)
