// Package lcopenai builds langchaingo's OpenAI client options the same way
// for the chat models (assistant/llm) and the embedders (retrieval/embed).
package lcopenai

import (
	"net/http"

	"github.com/tmc/langchaingo/llms/openai"
)

// DefaultBaseURL is OpenAI's own API, used when no base URL is given for a
// non-Azure endpoint.
const DefaultBaseURL = "https://api.openai.com/v1"

// Config is what both callers configure.
type Config struct {
	APIKey, BaseURL, Model string
	Azure                  bool
	APIVersion             string // Azure only
	HTTPClient             *http.Client
}

// Options returns the client options for c. Every option is set
// explicitly: langchaingo reads OPENAI_API_KEY, OPENAI_MODEL,
// OPENAI_BASE_URL, OPENAI_API_BASE and OPENAI_ORGANIZATION for any that are
// missing, and configuration is cmd/'s business. An empty key becomes
// "unused": the library insists on a token and local servers ignore it.
// The model is also the embedding model, which Azure insists on.
func Options(c Config) []openai.Option {
	key := c.APIKey
	if key == "" {
		key = "unused"
	}
	opts := []openai.Option{
		openai.WithToken(key),
		openai.WithBaseURL(c.BaseURL),
		openai.WithModel(c.Model),
		openai.WithEmbeddingModel(c.Model),
		openai.WithOrganization(""),
	}
	if c.Azure {
		opts = append(opts, openai.WithAPIType(openai.APITypeAzure))
		if c.APIVersion != "" {
			opts = append(opts, openai.WithAPIVersion(c.APIVersion))
		}
	}
	if c.HTTPClient != nil {
		opts = append(opts, openai.WithHTTPClient(c.HTTPClient))
	}
	return opts
}

// BaseURL is base, or DefaultBaseURL when it is empty and the endpoint is
// not Azure (which has no default).
func BaseURL(base string, azure bool) string {
	if base == "" && !azure {
		return DefaultBaseURL
	}
	return base
}
