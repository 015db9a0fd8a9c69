package llm

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/assistant"
)

// stubComposer stands in for the extractive composer.
type stubComposer struct {
	draft *assistant.Draft
	err   error

	mu    sync.Mutex
	calls int
}

func (s *stubComposer) Compose(context.Context, assistant.ComposeInput) (*assistant.Draft, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	return s.draft, s.err
}

func (s *stubComposer) called() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func extractiveDraft() *assistant.Draft {
	return &assistant.Draft{
		Sentences: []assistant.Sentence{{Text: "If we missed your bin, report it by 4pm the next working day.", Cites: []int{1}}},
		Citations: []assistant.Citation{{N: 1, DocID: "bins/missed.html", Title: "Missed bin collections", URL: "https://www.thornbury.example/bins/missed"}},
	}
}

func openAIComposer(t *testing.T, h http.Handler, opt ComposerOptions) *Composer {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	m, err := NewOpenAI(OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sk-test", Model: "gpt-4o-mini"})
	if err != nil {
		t.Fatal(err)
	}
	return NewComposer(m, opt)
}

func ollamaComposer(t *testing.T, h http.Handler) *Composer {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	m, err := NewOllama(OllamaConfig{ServerURL: srv.URL, Model: "llama3.2"})
	if err != nil {
		t.Fatal(err)
	}
	return NewComposer(m, ComposerOptions{})
}

func TestFallback(t *testing.T) {
	tests := []struct {
		name    string
		primary func(t *testing.T) *Composer
		wantErr error // why the primary failed
		reason  string
	}{
		{"openai 500", func(t *testing.T) *Composer {
			return openAIComposer(t, &fakeOpenAI{status: 500, errBody: `{"error":{"message":"The server had an error","type":"server_error"}}`}, ComposerOptions{})
		}, ErrProvider, "500"},
		{"openai 401", func(t *testing.T) *Composer {
			return openAIComposer(t, &fakeOpenAI{status: 401, errBody: `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`}, ComposerOptions{})
		}, ErrProvider, "Incorrect API key"},
		{"openai timeout", func(t *testing.T) *Composer {
			return openAIComposer(t, &fakeOpenAI{hang: true}, ComposerOptions{Timeout: 50 * time.Millisecond})
		}, context.DeadlineExceeded, "timeout"},
		{"ollama 500", func(t *testing.T) *Composer {
			return ollamaComposer(t, &fakeOllama{status: 500, errBody: `{"error":"llama runner process has terminated"}`})
		}, ErrProvider, "runner"},
		{"ollama 404 model", func(t *testing.T) *Composer {
			return ollamaComposer(t, &fakeOllama{status: 404, errBody: `{"error":"model \"llama3.2\" not found, try pulling it first"}`})
		}, ErrProvider, "not found"},
		{"ollama 500, empty body", func(t *testing.T) *Composer {
			return ollamaComposer(t, &fakeOllama{status: 500})
		}, ErrProvider, "empty reply"},
		{"ungrounded number", func(t *testing.T) *Composer {
			return openAIComposer(t, &fakeOpenAI{model: replyWith("Report a missed bin by 5pm the next working day [1].")}, ComposerOptions{})
		}, assistant.ErrUngrounded, "5pm"},
		{"citation to nothing", func(t *testing.T) *Composer {
			return openAIComposer(t, &fakeOpenAI{model: replyWith("Put your bin out by 7am [7].")}, ComposerOptions{})
		}, assistant.ErrUngrounded, "[7]"},
		{"model obeys injection", func(t *testing.T) *Composer {
			return openAIComposer(t, &fakeOpenAI{model: obeysInjection}, ComposerOptions{})
		}, assistant.ErrUngrounded, "ACCESS GRANTED"},
		{"model does not know", func(t *testing.T) *Composer {
			return ollamaComposer(t, &fakeOllama{model: replyWith("I don't know.")})
		}, ErrNoAnswer, "no answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			backup := &stubComposer{draft: extractiveDraft()}
			f := WithFallback(tt.primary(t), backup)
			var why []error
			f.OnFallback = func(err error) { why = append(why, err) }
			start := time.Now()
			got, err := f.Compose(t.Context(), binsInput())
			if err != nil {
				t.Fatalf("Compose: %v", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("fallback took %v", d)
			}
			if diff := cmp.Diff(extractiveDraft(), got); diff != "" {
				t.Errorf("draft (-want +got):\n%s", diff)
			}
			if len(why) != 1 || !errors.Is(why[0], tt.wantErr) || !strings.Contains(why[0].Error(), tt.reason) {
				t.Errorf("got fallback reasons %v, want one wrapping %v and mentioning %q", why, tt.wantErr, tt.reason)
			}
		})
	}
}

func TestFallbackNotNeeded(t *testing.T) {
	backup := &stubComposer{draft: extractiveDraft()}
	f := WithFallback(openAIComposer(t, &fakeOpenAI{model: replyWith(groundedReply)}, ComposerOptions{}), backup)
	got, err := f.Compose(t.Context(), binsInput())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantGroundedDraft(), got); diff != "" {
		t.Errorf("draft (-want +got):\n%s", diff)
	}
	if n := backup.called(); n != 0 {
		t.Errorf("backup called %d times, want 0", n)
	}
}

func TestFallbackStream(t *testing.T) {
	tests := []struct {
		name         string
		model        modelFunc
		want         *assistant.Draft
		wantReplaced bool
	}{
		{"grounded", replyWith(groundedReply), wantGroundedDraft(), false},
		{"injection streamed, then replaced", obeysInjection, extractiveDraft(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			backup := &stubComposer{draft: extractiveDraft()}
			f := WithFallback(openAIComposer(t, &fakeOpenAI{model: tt.model}, ComposerOptions{}), backup)
			var streamed strings.Builder
			got, err := f.ComposeStream(t.Context(), binsInput(), func(p string) { streamed.WriteString(p) })
			if err != nil {
				t.Fatal(err)
			}
			if streamed.Len() == 0 {
				t.Error("nothing streamed")
			}
			if got.Replaced != tt.wantReplaced {
				t.Errorf("got Replaced %v, want %v (streamed %q)", got.Replaced, tt.wantReplaced, streamed.String())
			}
			want := *tt.want
			want.Replaced = tt.wantReplaced
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("draft (-want +got):\n%s", diff)
			}
			for _, s := range got.Sentences {
				if strings.Contains(s.Text, "ACCESS GRANTED") {
					t.Errorf("final draft obeys the injection: %q", s.Text)
				}
			}
		})
	}
	// The backup's own draft is not marked.
	backup := &stubComposer{draft: extractiveDraft()}
	f := WithFallback(openAIComposer(t, &fakeOpenAI{model: obeysInjection}, ComposerOptions{}), backup)
	if _, err := f.ComposeStream(t.Context(), binsInput(), func(string) {}); err != nil {
		t.Fatal(err)
	}
	if backup.draft.Replaced {
		t.Error("the backup's shared draft was marked Replaced")
	}
}

func TestFallbackStreamProviderError(t *testing.T) {
	backup := &stubComposer{draft: extractiveDraft()}
	f := WithFallback(openAIComposer(t, &fakeOpenAI{status: 503, errBody: `{"error":{"message":"overloaded"}}`}, ComposerOptions{}), backup)
	got, err := f.ComposeStream(t.Context(), binsInput(), func(string) { t.Error("emit called for a failed request") })
	if err != nil {
		t.Fatal(err)
	}
	if got.Replaced {
		t.Error("got Replaced with nothing streamed, want false")
	}
	if diff := cmp.Diff(extractiveDraft(), got); diff != "" {
		t.Errorf("draft (-want +got):\n%s", diff)
	}
}

func TestFallbackCallerCancelled(t *testing.T) {
	backup := &stubComposer{draft: extractiveDraft()}
	f := WithFallback(openAIComposer(t, &fakeOpenAI{hang: true}, ComposerOptions{}), backup)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := f.Compose(ctx, binsInput())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got error %v, want one wrapping context.DeadlineExceeded", err)
	}
	if n := backup.called(); n != 0 {
		t.Errorf("backup called %d times after the caller gave up, want 0", n)
	}
}

func TestFallbackBothFail(t *testing.T) {
	backup := &stubComposer{err: assistant.ErrUngrounded}
	f := WithFallback(openAIComposer(t, &fakeOpenAI{status: 500}, ComposerOptions{}), backup)
	if _, err := f.Compose(t.Context(), binsInput()); !errors.Is(err, assistant.ErrUngrounded) {
		t.Errorf("got error %v, want the backup's ErrUngrounded", err)
	}
	if _, err := f.ComposeStream(t.Context(), binsInput(), func(string) {}); !errors.Is(err, assistant.ErrUngrounded) {
		t.Errorf("stream: got error %v, want the backup's ErrUngrounded", err)
	}
}

func TestFallbackPrimaryCannotStream(t *testing.T) {
	primary := &stubComposer{draft: wantGroundedDraft()}
	backup := &stubComposer{draft: extractiveDraft()}
	got, err := WithFallback(primary, backup).ComposeStream(t.Context(), binsInput(), func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantGroundedDraft(), got); diff != "" {
		t.Errorf("draft (-want +got):\n%s", diff)
	}
}
