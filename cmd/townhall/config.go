package main

import (
	"path/filepath"
	"strconv"
	"strings"
)

// config is everything townhall reads from the environment. Flags override
// it per command. Only this package reads the environment.
type config struct {
	DataDir        string // TOWNHALL_DATA: parent of per-manifest index folders
	Embedder       string // TOWNHALL_EMBEDDER: auto, glove, hashing, openai, ollama
	EmbeddingsFile string // TOWNHALL_EMBEDDINGS_FILE: GloVe binary for the glove embedder
	MaxFileBytes   int64  // TOWNHALL_MAX_FILE_MB: files larger than this are refused

	OpenAIBaseURL    string // TOWNHALL_OPENAI_BASE_URL (OpenAI-compatible servers)
	OpenAIAPIKey     string // TOWNHALL_OPENAI_API_KEY or OPENAI_API_KEY
	OpenAIEmbedModel string // TOWNHALL_OPENAI_EMBED_MODEL
	OllamaURL        string // TOWNHALL_OLLAMA_URL
	OllamaEmbedModel string // TOWNHALL_OLLAMA_EMBED_MODEL

	// The chat model `serve` answers with; none means the offline
	// extractive composer alone. The extractive composer stays as the
	// fallback whenever the model's answer fails the grounding check.
	LLM        string // TOWNHALL_LLM: none, openai or ollama
	LLMBaseURL string // TOWNHALL_LLM_BASE_URL: OpenAI-compatible base URL or Ollama server
	LLMAPIKey  string // TOWNHALL_LLM_API_KEY (falls back to the OpenAI key)
	LLMModel   string // TOWNHALL_LLM_MODEL: model, or Azure deployment

	FOI   foiEnv     // TOWNHALL_FOI_* and TOWNHALL_PUBLIC_URL; see foi.go
	Evals evalWebEnv // TOWNHALL_STAFF_EVALS and TOWNHALL_EVAL_*; see evalweb.go
	Web   webEnv     // TOWNHALL_STAFF_CONSOLE and TOWNHALL_WEBCHAT_*; see web.go
	Store storeEnv   // TOWNHALL_STORE and TOWNHALL_DATABASE_*; see stores.go
}

func envConfig(getenv func(string) string) config {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := config{
		DataDir:          get("TOWNHALL_DATA", "data"),
		Embedder:         get("TOWNHALL_EMBEDDER", "auto"),
		EmbeddingsFile:   get("TOWNHALL_EMBEDDINGS_FILE", filepath.Join(".cache", "embeddings", "glove-100k.bin")),
		MaxFileBytes:     32 << 20,
		OpenAIBaseURL:    get("TOWNHALL_OPENAI_BASE_URL", ""),
		OpenAIAPIKey:     get("TOWNHALL_OPENAI_API_KEY", getenv("OPENAI_API_KEY")),
		OpenAIEmbedModel: get("TOWNHALL_OPENAI_EMBED_MODEL", "text-embedding-3-small"),
		OllamaURL:        get("TOWNHALL_OLLAMA_URL", "http://127.0.0.1:11434"),
		OllamaEmbedModel: get("TOWNHALL_OLLAMA_EMBED_MODEL", "nomic-embed-text"),
		LLM:              get("TOWNHALL_LLM", "none"),
		LLMBaseURL:       get("TOWNHALL_LLM_BASE_URL", ""),
		LLMModel:         get("TOWNHALL_LLM_MODEL", ""),
	}
	c.FOI = foiEnvConfig(getenv)
	c.Evals = evalWebEnvConfig(getenv)
	c.Web = webEnvConfig(getenv)
	c.Store = storeEnvConfig(getenv)
	c.LLMAPIKey = get("TOWNHALL_LLM_API_KEY", c.OpenAIAPIKey)
	if mb, err := strconv.Atoi(get("TOWNHALL_MAX_FILE_MB", "")); err == nil && mb > 0 {
		c.MaxFileBytes = int64(mb) << 20
	}
	return c
}

// indexDir is the index folder for a manifest: one per manifest name, so
// the demo and a real corpus never share an index.
func (c config) indexDir(manifestPath string) string {
	base := strings.TrimSuffix(filepath.Base(manifestPath), filepath.Ext(manifestPath))
	return filepath.Join(c.DataDir, base)
}
