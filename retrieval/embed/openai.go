package embed

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tmc/langchaingo/llms/openai"

	"github.com/townhall-civic/townhall/internal/lcopenai"
	"github.com/townhall-civic/townhall/retrieval"
)

// DefaultOpenAIModel is the embedding model OpenAI is asked for when
// OpenAIConfig.Model is empty.
const DefaultOpenAIModel = "text-embedding-3-small"

// OpenAIConfig configures an OpenAI-compatible embeddings endpoint
// (POST {BaseURL}/embeddings): OpenAI itself, Azure OpenAI, or a local
// server such as vLLM, llama.cpp's llama-server or LocalAI. Fields are
// plain values; nothing here reads the environment.
type OpenAIConfig struct {
	// BaseURL is the API root including the version path, e.g.
	// "http://localhost:8080/v1". Empty means https://api.openai.com/v1.
	// For Azure it is the resource endpoint,
	// e.g. "https://NAME.openai.azure.com".
	BaseURL string
	// APIKey is sent as a bearer token (as the api-key header for Azure).
	// Local servers that need none may leave it empty; a placeholder is
	// sent because the client library insists on one.
	APIKey string
	// Model is the embedding model, or for Azure the deployment name.
	// Empty means DefaultOpenAIModel.
	Model string
	// Dimensions asks models that support it (text-embedding-3-*) for
	// shortened vectors; 0 means the model's native size.
	Dimensions int
	// Azure selects Azure OpenAI's URL layout and api-key header.
	Azure bool
	// APIVersion is Azure's api-version; empty means the library default.
	APIVersion string
	// BatchSize is the number of texts per request; 0 means 256.
	BatchSize int
	// Concurrency is the number of requests in flight; 0 means 1.
	Concurrency int
	// HTTPClient, if set, sends the requests (timeouts, proxies, tests).
	HTTPClient *http.Client
}

// OpenAI returns an Embedder that calls an OpenAI-compatible embeddings
// API through langchaingo. Large inputs are split into batches; errors
// wrap ErrProvider and carry the server's message.
func OpenAI(cfg OpenAIConfig) (retrieval.Embedder, error) {
	model := cfg.Model
	if model == "" {
		model = DefaultOpenAIModel
	}
	baseURL := lcopenai.BaseURL(cfg.BaseURL, cfg.Azure)
	if baseURL == "" {
		return nil, errors.New("embed: openai: Azure needs BaseURL")
	}
	opts := lcopenai.Options(lcopenai.Config{
		APIKey: cfg.APIKey, BaseURL: baseURL, Model: model,
		Azure: cfg.Azure, APIVersion: cfg.APIVersion, HTTPClient: cfg.HTTPClient,
	})
	if cfg.Dimensions > 0 {
		opts = append(opts, openai.WithEmbeddingDimensions(cfg.Dimensions))
	}
	llm, err := openai.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("embed: openai: %w", err)
	}
	size := cfg.BatchSize
	if size <= 0 {
		size = 256
	}
	return batched("openai "+model, size, cfg.Concurrency, llm.CreateEmbedding), nil
}
