package embed

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/tmc/langchaingo/llms/ollama"

	"github.com/townhall-civic/townhall/retrieval"
)

// OllamaConfig configures an Ollama server's embeddings (POST /api/embed).
// Fields are plain values; nothing here reads the environment.
type OllamaConfig struct {
	// ServerURL is the server root; empty means http://127.0.0.1:11434.
	ServerURL string
	// Model is the embedding model, e.g. "nomic-embed-text"; required.
	Model string
	// KeepAlive is how long the server keeps the model loaded after a
	// request, e.g. "10m"; empty means the server default.
	KeepAlive string
	// Concurrency is the number of requests in flight; 0 means 2.
	// langchaingo sends one request per text.
	Concurrency int
	// HTTPClient, if set, sends the requests.
	HTTPClient *http.Client
}

// Ollama returns an Embedder that calls an Ollama server through
// langchaingo. Errors wrap ErrProvider and carry the server's message.
func Ollama(cfg OllamaConfig) (retrieval.Embedder, error) {
	if cfg.Model == "" {
		return nil, errors.New("embed: ollama: Model is required")
	}
	url := cfg.ServerURL
	if url == "" {
		url = "http://127.0.0.1:11434" // set explicitly: langchaingo would read OLLAMA_HOST
	}
	opts := []ollama.Option{ollama.WithServerURL(url), ollama.WithModel(cfg.Model)}
	if cfg.KeepAlive != "" {
		opts = append(opts, ollama.WithKeepAlive(cfg.KeepAlive))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, ollama.WithHTTPClient(cfg.HTTPClient))
	}
	llm, err := ollama.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("embed: ollama: %w", err)
	}
	conc := cfg.Concurrency
	if conc <= 0 {
		conc = 2
	}
	// Batches of 16 keep cancellation prompt: langchaingo embeds a batch
	// text by text and checks the context only per request.
	return batched("ollama "+cfg.Model, 16, conc, func(ctx context.Context, texts []string) ([][]float32, error) {
		return llm.CreateEmbedding(ctx, texts)
	}), nil
}
