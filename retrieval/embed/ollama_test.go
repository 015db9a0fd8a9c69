package embed

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeOllama speaks Ollama's POST /api/embed as langchaingo v0.1.14 calls
// it: one request per text, {"model", "input": "text"}, answered by
// {"model", "embeddings": [[...]]}.
type fakeOllama struct {
	mu     sync.Mutex
	inputs []string
	models []string
}

func (f *fakeOllama) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/embed" {
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	var req struct {
		Model string `json:"model"`
		Input string `json:"input"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.inputs = append(f.inputs, req.Input)
	f.models = append(f.models, req.Model)
	f.mu.Unlock()
	if req.Model != "nomic-embed-text" {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":"model \"` + req.Model + `\" not found, try pulling it first"}`))
		return
	}
	if req.Input == "crash" {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"error":"llama runner process has terminated"}`))
		return
	}
	json.NewEncoder(w).Encode(map[string]any{
		"model":      req.Model,
		"embeddings": [][]float32{{0, float32(len(req.Input))}},
	})
}

func TestOllama(t *testing.T) {
	fake := &fakeOllama{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	e, err := Ollama(OllamaConfig{ServerURL: srv.URL, Model: "nomic-embed-text"})
	if err != nil {
		t.Fatal(err)
	}
	texts := make([]string, 40) // more than one batch
	for i := range texts {
		texts[i] = strings.Repeat("x", i+1)
	}
	got, err := e(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(texts) {
		t.Fatalf("got %d vectors, want %d", len(got), len(texts))
	}
	for i, v := range got {
		if diff := cmp.Diff([]float32{0, 1}, v); diff != "" {
			t.Errorf("vector %d (-want +got):\n%s", i, diff)
		}
	}
	// Batches run concurrently, so compare as sets.
	sorted := append([]string(nil), fake.inputs...)
	sort.Slice(sorted, func(i, j int) bool { return len(sorted[i]) < len(sorted[j]) })
	if diff := cmp.Diff(texts, sorted); diff != "" {
		t.Errorf("inputs sent (-want +got):\n%s", diff)
	}
	for _, m := range fake.models {
		if m != "nomic-embed-text" {
			t.Errorf("model sent: got %q, want nomic-embed-text", m)
		}
	}
}

func TestOllamaErrors(t *testing.T) {
	srv := httptest.NewServer(&fakeOllama{})
	defer srv.Close()
	tests := []struct {
		name, model, text, wantText string
	}{
		{"unknown model", "no-such-model", "hi", "not found"},
		{"server error", "nomic-embed-text", "crash", "llama runner process has terminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Ollama(OllamaConfig{ServerURL: srv.URL, Model: tt.model})
			if err != nil {
				t.Fatal(err)
			}
			_, err = e(context.Background(), []string{tt.text})
			if !errors.Is(err, ErrProvider) {
				t.Fatalf("got %v, want ErrProvider", err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not mention %q", err, tt.wantText)
			}
		})
	}
	if _, err := Ollama(OllamaConfig{ServerURL: srv.URL}); err == nil {
		t.Error("no model: got no error")
	}
}
