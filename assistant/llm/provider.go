package llm

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/ollama"
	"github.com/tmc/langchaingo/llms/openai"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/internal/lcopenai"
)

// The providers Config.Provider names.
const (
	ProviderNone   = "none"
	ProviderOpenAI = "openai"
	ProviderOllama = "ollama"
)

// DefaultOllamaURL is the Ollama server asked when OllamaConfig.ServerURL
// is empty.
const DefaultOllamaURL = "http://127.0.0.1:11434"

// OpenAIConfig configures an OpenAI-compatible chat completions endpoint
// (POST {BaseURL}/chat/completions): OpenAI itself, Azure OpenAI, or a
// local server such as vLLM or llama.cpp's llama-server. Fields are plain
// values; nothing here reads the environment.
type OpenAIConfig struct {
	// BaseURL is the API root including the version path, e.g.
	// "http://localhost:8080/v1". Empty means https://api.openai.com/v1.
	// For Azure it is the resource endpoint, e.g.
	// "https://NAME.openai.azure.com".
	BaseURL string
	// APIKey is sent as a bearer token (as the api-key header for Azure).
	// Local servers that need none may leave it empty.
	APIKey string
	// Model is the chat model, or for Azure the deployment name. Required.
	Model string
	// Azure selects Azure OpenAI's URL layout and api-key header.
	Azure bool
	// APIVersion is Azure's api-version; empty means the library default.
	APIVersion string
	// Temperature is sent with every request. Zero (the default) keeps
	// grounded answers and routing as repeatable as the server allows.
	Temperature float64
	// MaxTokens caps each reply; 0 leaves it to the server. Composer and
	// Router set their own smaller caps per call.
	MaxTokens int
	// LegacyMaxTokens sends the cap as max_tokens rather than
	// max_completion_tokens, for servers that only know the older field.
	LegacyMaxTokens bool
	// HTTPClient, if set, sends the requests (proxies, TLS, tests).
	// Deadlines come from the context.
	HTTPClient *http.Client
}

// OllamaConfig configures an Ollama server's chat API (POST /api/chat).
// Fields are plain values; nothing here reads the environment.
type OllamaConfig struct {
	// ServerURL is the server root; empty means DefaultOllamaURL.
	ServerURL string
	// Model is the chat model, e.g. "llama3.2"; required.
	Model string
	// APIKey, if set, is sent as a bearer token, for a server behind an
	// authenticating proxy.
	APIKey string
	// Temperature is sent with every request; see OpenAIConfig.Temperature.
	Temperature float64
	// MaxTokens caps each reply (num_predict); 0 leaves it to the server.
	MaxTokens int
	// KeepAlive is how long the server keeps the model loaded after a
	// request, e.g. "10m"; empty means the server default.
	KeepAlive string
	// HTTPClient, if set, sends the requests.
	HTTPClient *http.Client
}

// Config chooses a provider and configures what FromConfig builds.
type Config struct {
	// Provider is ProviderOpenAI, ProviderOllama, or ProviderNone ("" too).
	Provider string
	OpenAI   OpenAIConfig
	Ollama   OllamaConfig
	Composer ComposerOptions
	Router   RouterOptions
}

// New returns the model cfg.Provider names. ProviderNone is an error: there
// is no model to return.
func New(cfg Config) (llms.Model, error) {
	switch cfg.Provider {
	case ProviderOpenAI:
		return NewOpenAI(cfg.OpenAI)
	case ProviderOllama:
		return NewOllama(cfg.Ollama)
	case ProviderNone, "":
		return nil, fmt.Errorf("llm: no provider configured: %w", assistant.ErrInvalid)
	default:
		return nil, fmt.Errorf("llm: unknown provider %q (want %s, %s or %s): %w",
			cfg.Provider, ProviderOpenAI, ProviderOllama, ProviderNone, assistant.ErrInvalid)
	}
}

// NewOpenAI returns a langchaingo model for an OpenAI-compatible endpoint.
func NewOpenAI(cfg OpenAIConfig) (llms.Model, error) {
	if cfg.Model == "" {
		return nil, fmt.Errorf("llm: openai: Model is required: %w", assistant.ErrInvalid)
	}
	baseURL := lcopenai.BaseURL(cfg.BaseURL, cfg.Azure)
	if err := checkURL(baseURL); err != nil {
		return nil, fmt.Errorf("llm: openai: BaseURL: %w", err)
	}
	m, err := openai.New(lcopenai.Options(lcopenai.Config{
		APIKey: cfg.APIKey, BaseURL: baseURL, Model: cfg.Model,
		Azure: cfg.Azure, APIVersion: cfg.APIVersion, HTTPClient: cfg.HTTPClient,
	})...)
	if err != nil {
		return nil, fmt.Errorf("llm: openai: %w", err)
	}
	defaults := []llms.CallOption{llms.WithTemperature(cfg.Temperature)}
	if cfg.MaxTokens > 0 {
		defaults = append(defaults, llms.WithMaxTokens(cfg.MaxTokens))
	}
	if cfg.LegacyMaxTokens {
		defaults = append(defaults, openai.WithLegacyMaxTokensField())
	}
	return &configured{Model: m, defaults: defaults}, nil
}

// NewOllama returns a langchaingo model for an Ollama server.
func NewOllama(cfg OllamaConfig) (llms.Model, error) {
	if cfg.Model == "" {
		return nil, fmt.Errorf("llm: ollama: Model is required: %w", assistant.ErrInvalid)
	}
	serverURL := cfg.ServerURL
	if serverURL == "" {
		serverURL = DefaultOllamaURL // set explicitly: langchaingo would read OLLAMA_HOST
	}
	// Checked here because langchaingo's WithServerURL calls log.Fatal on a
	// URL it cannot parse.
	if err := checkURL(serverURL); err != nil {
		return nil, fmt.Errorf("llm: ollama: ServerURL: %w", err)
	}
	opts := []ollama.Option{ollama.WithServerURL(serverURL), ollama.WithModel(cfg.Model)}
	if cfg.KeepAlive != "" {
		opts = append(opts, ollama.WithKeepAlive(cfg.KeepAlive))
	}
	client := cfg.HTTPClient
	if cfg.APIKey != "" {
		client = withBearer(client, cfg.APIKey)
	}
	if client != nil {
		opts = append(opts, ollama.WithHTTPClient(client))
	}
	m, err := ollama.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("llm: ollama: %w", err)
	}
	defaults := []llms.CallOption{llms.WithTemperature(cfg.Temperature)}
	if cfg.MaxTokens > 0 {
		defaults = append(defaults, llms.WithMaxTokens(cfg.MaxTokens))
	}
	return &configured{Model: m, defaults: defaults}, nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: %w", assistant.ErrInvalid, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL: %w", raw, assistant.ErrInvalid)
	}
	return nil
}

// configured is a model with default call options from its config; the
// caller's options come after them and so win.
type configured struct {
	llms.Model
	defaults []llms.CallOption
}

// GenerateContent calls the model with the defaults, then opts.
func (m *configured) GenerateContent(ctx context.Context, msgs []llms.MessageContent, opts ...llms.CallOption) (*llms.ContentResponse, error) {
	all := make([]llms.CallOption, 0, len(m.defaults)+len(opts))
	all = append(append(all, m.defaults...), opts...)
	return m.Model.GenerateContent(ctx, msgs, all...)
}

// Call answers a single prompt with the defaults, then opts.
func (m *configured) Call(ctx context.Context, prompt string, opts ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, prompt, opts...)
}

// withBearer returns a copy of c (http.DefaultClient's settings if nil)
// whose requests carry an Authorization bearer token.
func withBearer(c *http.Client, token string) *http.Client {
	var out http.Client
	if c != nil {
		out = *c
	}
	base := out.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	out.Transport = bearer{base: base, token: token}
	return &out
}

type bearer struct {
	base  http.RoundTripper
	token string
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}
