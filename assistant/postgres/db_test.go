package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/assistanttest"
	"github.com/townhall-civic/townhall/assistant/postgres"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

// MustOpenDB opens a database in a schema of its own, closed and dropped
// when the test ends.
func MustOpenDB(tb testing.TB) *postgres.DB {
	tb.Helper()
	url := pgtest.URL(tb)
	db, err := postgres.Open(context.Background(), url, postgres.Options{Schema: pgtest.Schema(tb, url, "test_assistant_"), MaxConns: 4})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	t.Run("conversations", func(t *testing.T) {
		assistanttest.TestConversationStore(t, func(t *testing.T) assistant.ConversationStore { return MustOpenDB(t) })
	})
	t.Run("service requests", func(t *testing.T) {
		assistanttest.TestServiceRequests(t, func(t *testing.T) assistant.ServiceRequests { return MustOpenDB(t) })
		assistanttest.TestDurableServiceRequests(t, func(t *testing.T) assistant.ServiceRequests { return MustOpenDB(t) })
	})
	t.Run("hand-offs", func(t *testing.T) {
		assistanttest.TestHandoffQueue(t, func(t *testing.T) assistanttest.HandoffStore { return MustOpenDB(t) })
	})
}

// TestSecondHandle checks two pools (two processes' worth) over one
// schema: each sees the other's commits, their references never collide,
// and a conversation queued by both waits once.
func TestSecondHandle(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "test_assistant_")
	var dbs [2]*postgres.DB
	for i := range dbs {
		db, err := postgres.Open(ctx, url, postgres.Options{Schema: schema, MaxConns: 4})
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer db.Close()
		dbs[i] = db
	}
	const n = 20
	refs := make([]string, 2*n)
	errs := make([]error, 2*n)
	var wg sync.WaitGroup
	for i := range 2 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &assistant.ServiceRequest{Service: assistant.ServiceNoise, Description: fmt.Sprint("report ", i)}
			errs[i] = dbs[i%2].CreateServiceRequest(ctx, r)
			refs[i] = r.Reference
			if errs[i] == nil {
				errs[i] = dbs[i%2].EnqueueHandoff(ctx, assistant.Handoff{ConversationID: "shared", Reason: assistant.ReasonExplicit})
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, ref := range refs {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v", i, errs[i])
		}
		if seen[ref] {
			t.Errorf("reference %q given twice", ref)
		}
		seen[ref] = true
		got, err := dbs[(i+1)%2].FindServiceRequestByReference(ctx, ref)
		if err != nil {
			t.Fatalf("the other handle cannot find %s: %v", ref, err)
		}
		if want := fmt.Sprint("report ", i); got.Description != want {
			t.Errorf("%s: description %q, want %q", ref, got.Description, want)
		}
	}
	open, err := dbs[0].ListHandoffs(ctx, assistant.HandoffFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 {
		t.Errorf("conversation queued %d times by concurrent writers, want once", len(open))
	}
}

// TestDurableAcrossReopen closes the pool after writing and finds
// everything through a new one.
func TestDurableAcrossReopen(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "test_assistant_")
	db, err := postgres.Open(ctx, url, postgres.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	r := &assistant.ServiceRequest{Service: assistant.ServiceGraffiti, Description: "tags on the wall"}
	if err := db.CreateServiceRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	conv := &assistant.Conversation{ID: "c1", Channel: assistant.ChannelSMS, Turns: []assistant.Turn{{Seq: 1, Role: assistant.RoleResident, Text: "graffiti"}}}
	if err := db.SaveConversation(ctx, conv); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = postgres.Open(ctx, url, postgres.Options{Schema: schema})
	if err != nil {
		t.Fatalf("reopen (migrations must not run twice): %v", err)
	}
	defer db.Close()
	got, err := db.FindServiceRequestByReference(ctx, r.Reference)
	if err != nil || got.Description != r.Description || !got.Created.Equal(r.Created) {
		t.Errorf("after reopen: got %+v, %v; want %+v", got, err, r)
	}
	if c, err := db.FindConversationByID(ctx, "c1"); err != nil || len(c.Turns) != 1 {
		t.Errorf("conversation after reopen: got %+v, %v", c, err)
	}
	next := &assistant.ServiceRequest{Service: assistant.ServiceGraffiti, Created: r.Created}
	if err := db.CreateServiceRequest(ctx, next); err != nil {
		t.Fatal(err)
	}
	if next.Reference == r.Reference {
		t.Errorf("reference %q reused after reopen", next.Reference)
	}
}

// TestTextPostgreSQLCannotHold checks a NUL byte or invalid UTF-8 (which
// PostgreSQL text refuses) is stored cleaned rather than losing the turn.
func TestTextPostgreSQLCannotHold(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	conv := &assistant.Conversation{ID: "c1", Turns: []assistant.Turn{
		{Seq: 1, Role: assistant.RoleAssistant, Text: "quoted\x00 from a \xffPDF",
			Citations: []assistant.Citation{{N: 1, Title: "nul \x00 in a title"}}},
	}}
	if err := db.SaveConversation(ctx, conv); err != nil {
		t.Fatalf("save: %v", err)
	}
	got, err := db.FindConversationByID(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if want := "quoted from a \uFFFDPDF"; got.Turns[0].Text != want {
		t.Errorf("text: got %q, want %q", got.Turns[0].Text, want)
	}
	if want := "nul \x00 in a title"; got.Turns[0].Citations[0].Title != want {
		t.Errorf("citation title: got %q, want %q (json keeps \\u0000)", got.Turns[0].Citations[0].Title, want)
	}
}

func TestOpenBadURL(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=1", postgres.Options{})
	if err == nil {
		t.Fatal("Open of an unreachable server succeeded")
	}
	if _, err := postgres.Open(context.Background(), "::not a url::", postgres.Options{}); err == nil {
		t.Error("Open of a malformed URL succeeded")
	}
}

func BenchmarkCreateServiceRequest(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	for b.Loop() {
		if err := db.CreateServiceRequest(ctx, &assistant.ServiceRequest{Service: assistant.ServicePothole}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSaveConversation(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	conv := &assistant.Conversation{ID: "bench", Channel: assistant.ChannelWeb}
	for i := range 20 {
		conv.Turns = append(conv.Turns, assistant.Turn{Seq: i + 1, Role: assistant.RoleResident, Text: fmt.Sprint("turn ", i), At: time.Now()})
	}
	// Each save changes the last turn, as a new answer does.
	n := 0
	for b.Loop() {
		n++
		conv.Turns[len(conv.Turns)-1].Text = fmt.Sprint("answer ", n)
		if err := db.SaveConversation(ctx, conv); err != nil {
			b.Fatal(err)
		}
	}
}
