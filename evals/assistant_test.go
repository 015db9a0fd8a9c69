package evals_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/assistanttest"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/evals"
	"github.com/townhall-civic/townhall/retrieval/retrievaltest"
)

func TestAssistantTarget(t *testing.T) {
	idx := retrievaltest.NewKeyword()
	err := idx.Put(context.Background(), []corpus.Chunk{
		{ID: "permits.html~0", DocID: "permits.html", Kind: corpus.KindPage, Title: "Visitor parking permits", URL: "https://example.org/permits",
			Text: "A book of 10 visitor permits costs £12. Each permit lasts one day."},
		{ID: "bins.html~0", DocID: "bins.html", Kind: corpus.KindPage, Title: "Bin collections", URL: "https://example.org/bins",
			Text: "Recycling is collected every week."},
	})
	if err != nil {
		t.Fatal(err)
	}
	router, err := assistant.NewOfflineRouter()
	if err != nil {
		t.Fatal(err)
	}
	a := &assistant.Assistant{
		Retriever: idx, Composer: &assistanttest.Composer{}, Router: router,
		Conversations: assistanttest.NewConversations(), Requests: assistanttest.NewServiceRequests(),
		Handoffs: &assistanttest.Handoffs{}, Council: assistant.Council{Name: "Example Council", Phone: "01632 960000"},
	}
	cases := []evals.Case{
		{ID: "follow-up", Turns: []string{"tell me about visitor parking permits", "and how much is it?"}, Channel: "web",
			Expect: evals.Expect{Intent: "answer", Sources: []string{"permits.html"}, Facts: []string{"£12"}}},
		{ID: "pothole", Turns: []string{"there's a massive pothole on Elm Road"}, Channel: "sms",
			Expect: evals.Expect{Intent: "service_request", Service: "pothole"}},
		{ID: "gp", Turns: []string{"how do I book a GP appointment?"}, Channel: "whatsapp", Needs: []string{"plain_english"},
			Expect: evals.Expect{Intent: "refuse"}},
	}
	target := &evals.Assistant{Assistant: a}
	var got []evals.Outcome
	for _, c := range cases {
		o, err := target.Run(context.Background(), c)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		if !o.Answered || o.Latency <= 0 || o.Answer == "" {
			t.Errorf("%s: outcome %+v, want an answered outcome with latency and text", c.ID, o)
		}
		got = append(got, o)
	}
	if got[0].Intent != "answer" || len(got[0].Citations) == 0 || got[0].Citations[0] != "permits.html" || got[0].Retrieved[0] != "permits.html" {
		t.Errorf("follow-up outcome %+v, want an answer citing permits.html", got[0])
	}
	if got[1].Intent != "service_request" || got[1].Service != "pothole" {
		t.Errorf("pothole outcome %s %q, want service_request pothole", got[1].Intent, got[1].Service)
	}
	rep := evals.Score(cases, got, nil)
	want := map[string]float64{"intent_accuracy": 1, "refusal_precision": 1, "refusal_recall": 1, "fact_recall": 1, "citation_hit": 1, "service_accuracy": 1}
	for k, v := range want {
		if rep.Summary[k] != v {
			t.Errorf("%s = %v, want %v", k, rep.Summary[k], v)
		}
	}
	if diff := cmp.Diff([]string{"permits.html"}, rep.Cases[0].Citations); diff != "" {
		t.Errorf("citations (-want +got):\n%s", diff)
	}
}
