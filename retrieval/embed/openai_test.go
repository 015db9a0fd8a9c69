package embed

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeOpenAI speaks the OpenAI embeddings API: POST /v1/embeddings with
// {"model", "input": [...]} answered by {"object":"list","data":[...]}.
// Each text becomes [len(text), 0, 0] (before normalisation: [1, 0, 0]
// would hide mistakes, so the second component carries the batch number).
type fakeOpenAI struct {
	mu       sync.Mutex
	requests []openAIRequest
	auth     []string
	status   int    // if non-zero, every request fails with this status
	errBody  string // body of failures
}

type openAIRequest struct {
	Model      string   `json:"model"`
	Input      []string `json:"input"`
	Dimensions int      `json:"dimensions,omitempty"`
}

func (f *fakeOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	var req openAIRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	batch := len(f.requests)
	f.mu.Unlock()
	if f.status != 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		w.Write([]byte(f.errBody))
		return
	}
	type datum struct {
		Object    string    `json:"object"`
		Embedding []float32 `json:"embedding"`
		Index     int       `json:"index"`
	}
	resp := struct {
		Object string  `json:"object"`
		Data   []datum `json:"data"`
		Model  string  `json:"model"`
		Usage  struct {
			PromptTokens int `json:"prompt_tokens"`
			TotalTokens  int `json:"total_tokens"`
		} `json:"usage"`
	}{Object: "list", Model: req.Model}
	for i, t := range req.Input {
		resp.Data = append(resp.Data, datum{Object: "embedding", Embedding: []float32{float32(len(t)), float32(batch), 0}, Index: i})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

func TestOpenAI(t *testing.T) {
	fake := &fakeOpenAI{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	e, err := OpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-test", Model: "text-embedding-3-small", Dimensions: 3, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"abc", "de", "f", "ghij", "k"}
	got, err := e(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	wantReqs := []openAIRequest{
		{Model: "text-embedding-3-small", Input: []string{"abc", "de"}, Dimensions: 3},
		{Model: "text-embedding-3-small", Input: []string{"f", "ghij"}, Dimensions: 3},
		{Model: "text-embedding-3-small", Input: []string{"k"}, Dimensions: 3},
	}
	if diff := cmp.Diff(wantReqs, fake.requests); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	for i, a := range fake.auth {
		if a != "Bearer sk-test" {
			t.Errorf("request %d Authorization: got %q, want %q", i, a, "Bearer sk-test")
		}
	}
	// [len, batch, 0], normalised.
	want := [][]float32{{3, 1, 0}, {2, 1, 0}, {1, 2, 0}, {4, 2, 0}, {1, 3, 0}}
	for i := range want {
		want[i] = normalized(want[i])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("vectors (-want +got):\n%s", diff)
	}
}

func normalized(v []float32) []float32 {
	n := float32(norm(v))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x / n
	}
	return out
}

func TestOpenAIErrors(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantText string
	}{
		{"unauthorised", http.StatusUnauthorized, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}`, "Incorrect API key provided"},
		{"server error", http.StatusInternalServerError, `{"error":{"message":"The server had an error","type":"server_error"}}`, "500"},
		{"not JSON", http.StatusBadGateway, `<html>bad gateway</html>`, "502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(&fakeOpenAI{status: tt.status, errBody: tt.body})
			defer srv.Close()
			e, err := OpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-bad"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = e(context.Background(), []string{"hello"})
			if !errors.Is(err, ErrProvider) {
				t.Fatalf("got %v, want ErrProvider", err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not mention %q", err, tt.wantText)
			}
		})
	}
}

func TestOpenAIWrongVectorCount(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[{"object":"embedding","embedding":[1,0],"index":0}],"model":"m"}`))
	}))
	defer srv.Close()
	e, err := OpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e(context.Background(), []string{"one", "two"}); !errors.Is(err, ErrProvider) {
		t.Errorf("got %v, want ErrProvider", err)
	}
}

func TestOpenAIHonoursContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	e, err := OpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go cancel()
	_, err = e(ctx, []string{"slow"})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrProvider) {
		t.Errorf("got %v, want ErrProvider and context.Canceled", err)
	}
}

func TestOpenAIAzure(t *testing.T) {
	var gotPath, gotQuery, gotKey string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotQuery, gotKey = r.URL.Path, r.URL.RawQuery, r.Header.Get("api-key")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[{"object":"embedding","embedding":[0,2],"index":0}],"model":"m"}`))
	}))
	defer srv.Close()
	e, err := OpenAI(OpenAIConfig{BaseURL: srv.URL, APIKey: "azure-key", Model: "my-deployment", Azure: true, APIVersion: "2024-02-01"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e(context.Background(), []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]float32{{0, 1}}, got); diff != "" {
		t.Errorf("vectors (-want +got):\n%s", diff)
	}
	if want := "/openai/deployments/my-deployment/embeddings"; gotPath != want {
		t.Errorf("path: got %q, want %q", gotPath, want)
	}
	if want := "api-version=2024-02-01"; gotQuery != want {
		t.Errorf("query: got %q, want %q", gotQuery, want)
	}
	if gotKey != "azure-key" {
		t.Errorf("api-key header: got %q, want %q", gotKey, "azure-key")
	}
}

func TestOpenAIIgnoresEnvironment(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "from-env")
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	fake := &fakeOpenAI{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	e, err := OpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e(context.Background(), []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if got := fake.auth[0]; got == "Bearer from-env" {
		t.Errorf("Authorization came from OPENAI_API_KEY: %q", got)
	}
	if got, want := fake.requests[0].Model, DefaultOpenAIModel; got != want {
		t.Errorf("model: got %q, want %q", got, want)
	}
}
