package llm

import (
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/assistant"
)

func TestFromConfigNone(t *testing.T) {
	backup := &stubComposer{draft: extractiveDraft()}
	offline := &offlineRouter{route: offlineAnswer}
	for _, provider := range []string{"", ProviderNone} {
		c, wrap, err := FromConfig(Config{Provider: provider}, backup)
		if err != nil {
			t.Fatal(err)
		}
		if c != assistant.Composer(backup) {
			t.Errorf("provider %q: got composer %T, want the fallback itself", provider, c)
		}
		if r := wrap(offline); r != assistant.Router(offline) {
			t.Errorf("provider %q: got router %T, want the offline router itself", provider, r)
		}
	}
}

func TestFromConfigOpenAI(t *testing.T) {
	fake := &fakeOpenAI{model: func(system, _ string) string {
		if system == routeSystem {
			return `{"intent":"service_request","service":"graffiti","confidence":0.9}`
		}
		return "Report a missed bin by 9pm [1]." // ungrounded: falls back
	}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	backup := &stubComposer{draft: extractiveDraft()}
	c, wrap, err := FromConfig(Config{Provider: ProviderOpenAI, OpenAI: OpenAIConfig{BaseURL: srv.URL + "/v1", Model: "local"}}, backup)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Compose(t.Context(), binsInput())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(extractiveDraft(), d); diff != "" {
		t.Errorf("draft (-want +got):\n%s", diff)
	}
	if _, ok := c.(assistant.StreamingComposer); !ok {
		t.Errorf("composer %T cannot stream", c)
	}
	route, err := wrap(&offlineRouter{route: offlineAnswer}).Route(t.Context(), assistant.RouteInput{Text: "someone sprayed paint on the bus shelter"})
	if err != nil {
		t.Fatal(err)
	}
	if route.Service != "graffiti" {
		t.Errorf("got route %+v, want graffiti from the model", route)
	}
	if n := len(fake.requests()); n != 2 {
		t.Errorf("got %d requests, want 2 (compose, route)", n)
	}
}

func TestFromConfigErrors(t *testing.T) {
	backup := &stubComposer{}
	if _, _, err := FromConfig(Config{Provider: ProviderOllama, Ollama: OllamaConfig{Model: "m"}}, nil); !errors.Is(err, assistant.ErrInvalid) {
		t.Errorf("no fallback: got %v, want ErrInvalid", err)
	}
	if _, _, err := FromConfig(Config{Provider: "gemini"}, backup); !errors.Is(err, assistant.ErrInvalid) {
		t.Errorf("unknown provider: got %v, want ErrInvalid", err)
	}
}
