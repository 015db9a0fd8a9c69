package llm

import (
	"fmt"

	"github.com/townhall-civic/townhall/assistant"
)

// FromConfig builds what cmd/ wires in for cfg.Provider: a composer (the
// LLM Composer behind WithFallback(…, fallback)) and a function that wraps
// the offline router in an LLM Router. For ProviderNone or "" it returns
// fallback itself and a wrapper that returns the offline router unchanged.
func FromConfig(cfg Config, fallback assistant.Composer) (assistant.Composer, func(offline assistant.Router) assistant.Router, error) {
	if cfg.Provider == ProviderNone || cfg.Provider == "" {
		return fallback, func(offline assistant.Router) assistant.Router { return offline }, nil
	}
	if fallback == nil {
		return nil, nil, fmt.Errorf("llm: a fallback composer is required: %w", assistant.ErrInvalid)
	}
	model, err := New(cfg)
	if err != nil {
		return nil, nil, err
	}
	composer := WithFallback(NewComposer(model, cfg.Composer), fallback)
	wrap := func(offline assistant.Router) assistant.Router {
		return NewRouter(model, offline, cfg.Router)
	}
	return composer, wrap, nil
}
