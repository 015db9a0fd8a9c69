package llmjudge_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/assistant/llm"
	"github.com/townhall-civic/townhall/evals"
	"github.com/townhall-civic/townhall/evals/llmjudge"
)

// fakeChat speaks enough of the OpenAI chat completions API (POST
// /v1/chat/completions, non-streaming) for a judge. reply decides the
// model's answer from the user message.
type fakeChat struct {
	reply func(user string) string
	mu    sync.Mutex
	users []string
}

func (f *fakeChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	var req struct {
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var user string
	for _, m := range req.Messages {
		if m.Role != "user" {
			continue
		}
		var s string
		if json.Unmarshal(m.Content, &s) != nil {
			var parts []struct{ Text string }
			json.Unmarshal(m.Content, &parts)
			for _, p := range parts {
				s += p.Text
			}
		}
		user += s
	}
	f.mu.Lock()
	f.users = append(f.users, user)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-judge", "object": "chat.completion", "created": 1735689600, "model": "judge",
		"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": f.reply(user)}, "finish_reason": "stop"}},
	})
}

var numbered = regexp.MustCompile(`(?m)^(\d+)\. (.*)$`)

// grader supports the sentences whose every number appears in the
// sources, as a careful model would, and fences its JSON in Markdown.
func grader(user string) string {
	i := strings.Index(user, "\nSources:\n")
	sentences, sources := user[:i], user[i:]
	var sup, unsup []string
	for _, m := range numbered.FindAllStringSubmatch(sentences, -1) {
		ok := true
		for _, n := range regexp.MustCompile(`\d+`).FindAllString(m[2], -1) {
			ok = ok && strings.Contains(sources, n)
		}
		if ok {
			sup = append(sup, m[1])
		} else {
			unsup = append(unsup, m[1])
		}
	}
	return "```json\n{\"supported\": [" + strings.Join(sup, ",") + "], \"unsupported\": [" + strings.Join(unsup, ",") +
		"], \"relevance\": 0.9, \"reason\": \"checked numbers\"}\n```"
}

func newJudge(t *testing.T, reply func(string) string) (*llmjudge.Judge, *fakeChat) {
	t.Helper()
	fake := &fakeChat{reply: reply}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	model, err := llm.New(llm.Config{Provider: llm.ProviderOpenAI, OpenAI: llm.OpenAIConfig{BaseURL: srv.URL + "/v1", Model: "judge"}})
	if err != nil {
		t.Fatal(err)
	}
	return llmjudge.New(model, llmjudge.Options{}), fake
}

func TestJudge(t *testing.T) {
	j, fake := newJudge(t, grader)
	in := evals.JudgeInput{
		Turns:  []string{"how much are visitor permits?"},
		Answer: "A book of 10 permits costs £12 [1]. Each lasts 24 hours [1]. Ignore this <source> trick.\n\nSources:\n[1] Permits: https://example.org/permits",
		Evidence: []evals.Evidence{
			{DocID: "permits.html", Title: "Visitor permits", Text: "A book of 10 visitor permits costs £12. Each permit lasts one day."},
		},
	}
	v, err := j.Judge(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	want := &evals.Verdict{
		Faithfulness: 2.0 / 3, Relevance: 0.9, Sentences: 3,
		Unsupported: []string{"Each lasts 24 hours."}, Reason: "checked numbers",
	}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("verdict (-want +got):\n%s", diff)
	}
	user := fake.users[0]
	if strings.Contains(user, "https://example.org") || strings.Contains(user, "<source> trick") {
		t.Errorf("prompt carries the sources list or raw tags from the answer:\n%s", user)
	}
	if !strings.Contains(user, `<source n="1" title="Visitor permits">`) {
		t.Errorf("prompt lacks the delimited source:\n%s", user)
	}
}

func TestJudgeBadReplies(t *testing.T) {
	in := evals.JudgeInput{Turns: []string{"q"}, Answer: "It costs £5."}
	for name, reply := range map[string]string{
		"prose":             "The answer looks fine to me.",
		"no relevance":      `{"supported": [1]}`,
		"relevance above 1": `{"supported": [1], "relevance": 7}`,
		"broken json":       `{"supported": [1,}`,
	} {
		t.Run(name, func(t *testing.T) {
			j, _ := newJudge(t, func(string) string { return reply })
			if _, err := j.Judge(context.Background(), in); !errors.Is(err, llmjudge.ErrReply) {
				t.Errorf("err = %v, want ErrReply", err)
			}
		})
	}
	t.Run("unnamed sentences are unsupported", func(t *testing.T) {
		j, _ := newJudge(t, func(string) string { return `{"supported": [1, 9], "relevance": 1}` })
		v, err := j.Judge(context.Background(), evals.JudgeInput{Turns: []string{"q"}, Answer: "One. Two."})
		if err != nil {
			t.Fatal(err)
		}
		if v.Faithfulness != 0.5 || len(v.Unsupported) != 1 {
			t.Errorf("verdict %+v, want half supported", v)
		}
	})
}

// TestJudgeInRun runs the judge through evals.Run and checks its agreement
// with the deterministic checks: the judge accepts the faithful answer
// that also passes, rejects the one with an invented number that passes
// anyway (a disagreement), and skips the refusal.
func TestJudgeInRun(t *testing.T) {
	j, fake := newJudge(t, grader)
	ev := []evals.Evidence{{DocID: "bins.html", Text: "Report a missed bin by 4pm within 2 days."}}
	outs := map[string]evals.Outcome{
		"good":    {Answered: true, Intent: "answer", Answer: "Report it by 4pm [1].", Citations: []string{"bins.html"}, Evidence: ev},
		"invents": {Answered: true, Intent: "answer", Answer: "Report it by 4pm [1]. It costs £30 [1].", Citations: []string{"bins.html"}, Evidence: ev},
		"refuse":  {Answered: true, Intent: "refuse", Answer: "Sorry, I can't help with that."},
	}
	cases := []evals.Case{
		{ID: "good", Turns: []string{"missed bin?"}, Expect: evals.Expect{Intent: "answer", Sources: []string{"bins.html"}, Facts: []string{"4pm"}}},
		{ID: "invents", Turns: []string{"missed bin?"}, Expect: evals.Expect{Intent: "answer", Sources: []string{"bins.html"}, Facts: []string{"4pm"}}},
		{ID: "refuse", Turns: []string{"tell me a joke"}, Expect: evals.Expect{Intent: "refuse"}},
	}
	target := evals.TargetFunc(func(_ context.Context, c evals.Case) (evals.Outcome, error) { return outs[c.ID], nil })
	rep, err := evals.Run(context.Background(), cases, target, evals.RunOptions{Judge: j})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"judge_cases": 2, "judge_faithfulness": 0.75, "judge_relevance": 0.9, "judge_agreement": 0.5}
	for k, w := range want {
		if got := rep.Summary[k]; got != w {
			t.Errorf("%s = %v, want %v", k, got, w)
		}
	}
	if len(fake.users) != 2 || rep.Cases[2].Judge != nil || rep.Cases[1].Judge == nil || rep.Cases[1].Judge.Good() {
		t.Errorf("judged %d answers; want the two answers judged, the refusal not, and the invented price rejected", len(fake.users))
	}
	if rep.Timing == nil || rep.Timing.JudgeMS <= 0 {
		t.Errorf("timing %+v, want judge time recorded apart", rep.Timing)
	}
}

func TestSentences(t *testing.T) {
	got := llmjudge.Sentences("Permits cost £19.35 [1]. Apply at gov.uk today!\n- Bring ID [2]\n\nSources:\n[1] Permits: https://x")
	want := []string{"Permits cost £19.35.", "Apply at gov.uk today!", "Bring ID"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sentences (-want +got):\n%s", diff)
	}
}
