package llm

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
)

// chatMessage is one message of a chat request, with the text of its
// content whether the client sent a string or a list of parts.
type chatMessage struct {
	Role    string
	Content string
}

func (m *chatMessage) UnmarshalJSON(b []byte) error {
	var raw struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	m.Role = raw.Role
	if len(raw.Content) > 0 && raw.Content[0] == '"' {
		return json.Unmarshal(raw.Content, &m.Content)
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw.Content, &parts); err != nil {
		return err
	}
	for _, p := range parts {
		m.Content += p.Text
	}
	return nil
}

// modelFunc is a fake model's behaviour: the reply to a system and a user
// message.
type modelFunc func(system, user string) string

func replyWith(text string) modelFunc { return func(string, string) string { return text } }

// splitWords cuts a reply into stream chunks of one word each, with the
// space after it, as a tokeniser roughly would.
func splitWords(s string) []string {
	var out []string
	for _, w := range strings.SplitAfter(s, " ") {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// openAIRequest is what the fake OpenAI server records of a request.
type openAIRequest struct {
	Path                string        `json:"-"`
	Auth                string        `json:"-"`
	APIKey              string        `json:"-"` // Azure's header
	Model               string        `json:"model"`
	Messages            []chatMessage `json:"messages"`
	Temperature         *float64      `json:"temperature"`
	MaxTokens           *int          `json:"max_tokens"`
	MaxCompletionTokens *int          `json:"max_completion_tokens"`
	Stream              bool          `json:"stream"`
	StreamOptions       *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	ResponseFormat *struct {
		Type string `json:"type"`
	} `json:"response_format"`
}

// fakeOpenAI speaks the OpenAI chat completions API: POST
// /v1/chat/completions answered with a chat.completion object, or with
// server-sent events (data: {chat.completion.chunk} lines, a usage chunk
// when asked for, then data: [DONE]) when the request says "stream": true.
type fakeOpenAI struct {
	model   modelFunc
	path    string // default /v1/chat/completions
	status  int    // if non-zero, every request fails with this status
	errBody string
	hang    bool // wait for the client to give up

	mu   sync.Mutex
	reqs []openAIRequest
	sent [][]string // content chunks of each streamed reply
}

func (f *fakeOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := f.path
	if path == "" {
		path = "/v1/chat/completions"
	}
	if r.Method != http.MethodPost || r.URL.Path != path {
		http.Error(w, `{"error":{"message":"not found"}}`, http.StatusNotFound)
		return
	}
	var req openAIRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req.Path = r.URL.RequestURI()
	req.Auth = r.Header.Get("Authorization")
	req.APIKey = r.Header.Get("api-key")
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	if f.hang {
		<-r.Context().Done()
		return
	}
	if f.status != 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		fmt.Fprint(w, f.errBody)
		return
	}
	var system, user string
	for _, m := range req.Messages {
		switch m.Role {
		case "system":
			system += m.Content
		case "user":
			user += m.Content
		}
	}
	reply := f.model(system, user)
	const id, created = "chatcmpl-test", 1735689600
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": id, "object": "chat.completion", "created": created, "model": req.Model,
			"choices": []any{map[string]any{
				"index":         0,
				"message":       map[string]any{"role": "assistant", "content": reply},
				"finish_reason": "stop",
			}},
			"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher := w.(http.Flusher)
	event := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		flusher.Flush()
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": created, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		}
	}
	chunks := splitWords(reply)
	f.mu.Lock() // recorded before sending: the client may return before the handler does
	f.sent = append(f.sent, chunks)
	f.mu.Unlock()
	event(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for _, c := range chunks {
		event(chunk(map[string]any{"content": c}, nil))
	}
	event(chunk(map[string]any{}, "stop"))
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		event(map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": created, "model": req.Model,
			"choices": []any{}, "usage": map[string]any{"prompt_tokens": 100, "completion_tokens": len(chunks), "total_tokens": 100 + len(chunks)},
		})
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	flusher.Flush()
}

func (f *fakeOpenAI) streamed() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]string(nil), f.sent...)
}

func (f *fakeOpenAI) requests() []openAIRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]openAIRequest(nil), f.reqs...)
}

// ollamaRequest is what the fake Ollama server records of a request.
type ollamaRequest struct {
	Path     string         `json:"-"`
	Auth     string         `json:"-"`
	Model    string         `json:"model"`
	Messages []chatMessage  `json:"messages"`
	Stream   *bool          `json:"stream"`
	Format   string         `json:"format"`
	Options  map[string]any `json:"options"`
}

// fakeOllama speaks Ollama's chat API: POST /api/chat. Like Ollama, it
// streams unless the request says "stream": false: newline-delimited JSON
// objects {"message": {"role", "content"}, "done": false}, then one with
// "done": true and the counts. Errors are {"error": "..."} with a status.
type fakeOllama struct {
	model   modelFunc
	status  int
	errBody string

	mu   sync.Mutex
	reqs []ollamaRequest
	sent [][]string
}

func (f *fakeOllama) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/chat" {
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	var req ollamaRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req.Path = r.URL.Path
	req.Auth = r.Header.Get("Authorization")
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	if f.status != 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		fmt.Fprint(w, f.errBody)
		return
	}
	var system, user string
	for _, m := range req.Messages {
		switch m.Role {
		case "system":
			system += m.Content
		case "user":
			user += m.Content
		}
	}
	reply := f.model(system, user)
	created := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	final := map[string]any{
		"model": req.Model, "created_at": created, "done": true, "done_reason": "stop",
		"total_duration": 1000000, "prompt_eval_count": 100, "eval_count": 20,
	}
	if req.Stream != nil && !*req.Stream {
		final["message"] = map[string]any{"role": "assistant", "content": reply}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(final)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	flusher := w.(http.Flusher)
	enc := json.NewEncoder(w) // one object per line
	chunks := splitWords(reply)
	f.mu.Lock()
	f.sent = append(f.sent, chunks)
	f.mu.Unlock()
	for _, c := range chunks {
		enc.Encode(map[string]any{
			"model": req.Model, "created_at": created,
			"message": map[string]any{"role": "assistant", "content": c}, "done": false,
		})
		flusher.Flush()
	}
	final["message"] = map[string]any{"role": "assistant", "content": ""}
	enc.Encode(final)
	flusher.Flush()
}

func (f *fakeOllama) streamed() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]string(nil), f.sent...)
}

func (f *fakeOllama) requests() []ollamaRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ollamaRequest(nil), f.reqs...)
}

func TestNewConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"none", Config{Provider: ProviderNone}},
		{"empty", Config{}},
		{"unknown provider", Config{Provider: "anthropic"}},
		{"openai without model", Config{Provider: ProviderOpenAI, OpenAI: OpenAIConfig{BaseURL: "http://127.0.0.1:1/v1"}}},
		{"openai bad URL", Config{Provider: ProviderOpenAI, OpenAI: OpenAIConfig{BaseURL: "127.0.0.1:1/v1", Model: "m"}}},
		{"azure without URL", Config{Provider: ProviderOpenAI, OpenAI: OpenAIConfig{Azure: true, Model: "m"}}},
		{"ollama without model", Config{Provider: ProviderOllama}},
		// langchaingo's WithServerURL would log.Fatal on this one.
		{"ollama bad URL", Config{Provider: ProviderOllama, Ollama: OllamaConfig{ServerURL: "http://[::1", Model: "m"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(tt.cfg)
			if !errors.Is(err, assistant.ErrInvalid) {
				t.Fatalf("got model %v, error %v; want an error wrapping ErrInvalid", m, err)
			}
		})
	}
}

// TestEnvironmentIgnored sets every variable langchaingo would read and
// checks that requests still go where the config says, with its key.
func TestEnvironmentIgnored(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-from-env")
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
	t.Setenv("OPENAI_API_BASE", "http://127.0.0.1:9/v1")
	t.Setenv("OPENAI_MODEL", "env-model")
	t.Setenv("OPENAI_ORGANIZATION", "env-org")
	t.Setenv("OLLAMA_HOST", "127.0.0.1:9")

	oa := &fakeOpenAI{model: replyWith(groundedReply)}
	srv := httptest.NewServer(oa)
	defer srv.Close()
	m, err := NewOpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-config", Model: "gpt-test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewComposer(m, ComposerOptions{}).Compose(t.Context(), binsInput()); err != nil {
		t.Fatalf("Compose: %v", err)
	}
	reqs := oa.requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests to the configured server, want 1", len(reqs))
	}
	if got, want := reqs[0].Auth, "Bearer sk-config"; got != want {
		t.Errorf("got Authorization %q, want %q", got, want)
	}
	if got, want := reqs[0].Model, "gpt-test"; got != want {
		t.Errorf("got model %q, want %q", got, want)
	}

	ol := &fakeOllama{model: replyWith(groundedReply)}
	osrv := httptest.NewServer(ol)
	defer osrv.Close()
	om, err := NewOllama(OllamaConfig{ServerURL: osrv.URL, Model: "llama-test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewComposer(om, ComposerOptions{}).Compose(t.Context(), binsInput()); err != nil {
		t.Fatalf("Compose (ollama): %v", err)
	}
	if got := len(ol.requests()); got != 1 {
		t.Fatalf("got %d requests to the configured Ollama server, want 1", got)
	}
}

func TestOpenAIAzure(t *testing.T) {
	oa := &fakeOpenAI{model: replyWith(groundedReply), path: "/openai/deployments/answers/chat/completions"}
	srv := httptest.NewServer(oa)
	defer srv.Close()
	m, err := NewOpenAI(OpenAIConfig{BaseURL: srv.URL, APIKey: "azure-key", Model: "answers", Azure: true, APIVersion: "2024-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewComposer(m, ComposerOptions{}).Compose(t.Context(), binsInput()); err != nil {
		t.Fatalf("Compose: %v", err)
	}
	req := oa.requests()[0]
	if got, want := req.Path, "/openai/deployments/answers/chat/completions?api-version=2024-06-01"; got != want {
		t.Errorf("got request URI %q, want %q", got, want)
	}
	if got, want := req.APIKey, "azure-key"; got != want {
		t.Errorf("got api-key header %q, want %q", got, want)
	}
}

func TestOpenAIConfigOptions(t *testing.T) {
	oa := &fakeOpenAI{model: replyWith(groundedReply)}
	srv := httptest.NewServer(oa)
	defer srv.Close()
	m, err := NewOpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", Model: "local", Temperature: 0.2, LegacyMaxTokens: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewComposer(m, ComposerOptions{MaxTokens: 123}).Compose(t.Context(), binsInput()); err != nil {
		t.Fatalf("Compose: %v", err)
	}
	req := oa.requests()[0]
	if req.Temperature == nil || *req.Temperature != 0.2 {
		t.Errorf("got temperature %v, want 0.2", req.Temperature)
	}
	if req.MaxTokens == nil || *req.MaxTokens != 123 || req.MaxCompletionTokens != nil {
		t.Errorf("got max_tokens %v, max_completion_tokens %v; want 123 and absent", req.MaxTokens, req.MaxCompletionTokens)
	}
	if got, want := req.Auth, "Bearer unused"; got != want {
		t.Errorf("got Authorization %q, want the placeholder %q", got, want)
	}
}

func TestOllamaAPIKey(t *testing.T) {
	ol := &fakeOllama{model: replyWith(groundedReply)}
	srv := httptest.NewServer(ol)
	defer srv.Close()
	m, err := NewOllama(OllamaConfig{ServerURL: srv.URL, Model: "llama-test", APIKey: "proxy-key", Temperature: 0.1, MaxTokens: 50})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewComposer(m, ComposerOptions{}).Compose(t.Context(), binsInput()); err != nil {
		t.Fatalf("Compose: %v", err)
	}
	req := ol.requests()[0]
	if got, want := req.Auth, "Bearer proxy-key"; got != want {
		t.Errorf("got Authorization %q, want %q", got, want)
	}
	if got, want := req.Options["temperature"], 0.1; !closeTo(got, want) {
		t.Errorf("got options.temperature %v, want %v", got, want)
	}
	// The composer's own cap wins over the config's.
	if got, want := req.Options["num_predict"], 400.0; got != want {
		t.Errorf("got options.num_predict %v, want %v", got, want)
	}
}

func closeTo(got any, want float64) bool {
	f, ok := got.(float64)
	return ok && f > want-1e-6 && f < want+1e-6
}
