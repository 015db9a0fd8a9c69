package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels/webchat"
	"github.com/townhall-civic/townhall/channels/webchat/postgres"
	"github.com/townhall-civic/townhall/channels/webchat/webchattest"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

// MustOpenDB opens a store in schema on url, closed when the test ends.
func MustOpenDB(tb testing.TB, url, schema string) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), url, postgres.Options{Schema: schema, MaxConns: 4})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// mustOpenPair opens two stores over one new schema: two machines' worth.
func mustOpenPair(tb testing.TB) (a, b *postgres.DB) {
	tb.Helper()
	url := pgtest.URL(tb)
	schema := pgtest.Schema(tb, url, "test_webchat_")
	return MustOpenDB(tb, url, schema), MustOpenDB(tb, url, schema)
}

func TestStores(t *testing.T) {
	url := pgtest.URL(t)
	webchattest.TestStores(t, func(t *testing.T) webchattest.Stores {
		return MustOpenDB(t, url, pgtest.Schema(t, url, "test_webchat_"))
	})
}

// TestTwoMachines checks two pools (two machines) over one schema: a
// client id recorded on one is found on the other, each sees the other's
// residents' conversations and feedback, and racing writers of one client
// id agree on the first.
func TestTwoMachines(t *testing.T) {
	ctx := context.Background()
	a, b := mustOpenPair(t)
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	if err := a.RecordMessage(ctx, webchat.MessageRecord{ConversationID: "c1", ClientID: "m1", Seq: 1, Resident: "web:s1", Channel: assistant.ChannelWeb, At: t0}); err != nil {
		t.Fatal(err)
	}
	if seq, err := b.FindMessageSeq(ctx, "c1", "m1"); err != nil || seq != 1 {
		t.Errorf("machine b: FindMessageSeq(c1, m1) = %d, %v; want 1 from machine a", seq, err)
	}
	if err := b.RecordMessage(ctx, webchat.MessageRecord{ConversationID: "c2", ClientID: "m1", Seq: 1, Resident: "web:s1", Channel: assistant.ChannelWeb, At: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for name, db := range map[string]*postgres.DB{"a": a, "b": b} {
		if got, err := db.ResidentConversations(ctx, "web:s1", 0); err != nil || !slices.Equal(got, []string{"c2", "c1"}) {
			t.Errorf("machine %s: ResidentConversations = %v, %v; want [c2 c1]", name, got, err)
		}
	}
	if err := a.SaveFeedback(ctx, webchat.Feedback{ConversationID: "c2", Seq: 2, Helpful: false, Channel: assistant.ChannelWeb, Question: "q", Answer: "a", At: t0}); err != nil {
		t.Fatal(err)
	}
	if got, err := b.FindFeedback(ctx, webchat.FeedbackFilter{}); err != nil || len(got) != 1 || got[0].ConversationID != "c2" {
		t.Errorf("machine b: FindFeedback = %+v, %v; want machine a's verdict", got, err)
	}

	// Many writers, half on each machine, record one client id with
	// different seqs: one wins, and both machines say which.
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := a
			if i%2 == 1 {
				db = b
			}
			errs[i] = db.RecordMessage(ctx, webchat.MessageRecord{ConversationID: "race", ClientID: "m", Seq: 100 + i, Resident: "web:race", Channel: assistant.ChannelWeb})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("racing writers: %v", err)
	}
	sa, errA := a.FindMessageSeq(ctx, "race", "m")
	sb, errB := b.FindMessageSeq(ctx, "race", "m")
	if errA != nil || errB != nil || sa != sb || sa < 100 || sa >= 100+n {
		t.Errorf("after racing writers: a says %d (%v), b says %d (%v); want one of the writers' seqs on both", sa, errA, sb, errB)
	}
	if got, _ := a.ClientIDs(ctx, "race"); len(got) != 1 {
		t.Errorf("ClientIDs(race) = %v, want one", got)
	}
	if got, _ := a.ResidentConversations(ctx, "web:race", 0); !slices.Equal(got, []string{"race"}) {
		t.Errorf("ResidentConversations(web:race) = %v, want [race] once", got)
	}
}

// TestFormKey checks that the form key is made once and shared: the
// first machine to ask makes it, every other gets the same, and a
// reopened store keeps it.
func TestFormKey(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "test_webchat_")
	a, b := MustOpenDB(t, url, schema), MustOpenDB(t, url, schema)
	keys := make([][]byte, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := a
			if i%2 == 1 {
				db = b
			}
			keys[i], errs[i] = db.FormKey(ctx)
		}()
	}
	wg.Wait()
	for i, k := range keys {
		if errs[i] != nil {
			t.Fatalf("FormKey %d: %v", i, errs[i])
		}
		if len(k) != postgres.FormKeySize || !bytes.Equal(k, keys[0]) {
			t.Errorf("FormKey %d = %x, want the %d bytes of %x", i, k, postgres.FormKeySize, keys[0])
		}
	}
	if bytes.Equal(keys[0], make([]byte, postgres.FormKeySize)) {
		t.Error("FormKey is all zero bytes")
	}
	c := MustOpenDB(t, url, schema)
	if k, err := c.FormKey(ctx); err != nil || !bytes.Equal(k, keys[0]) {
		t.Errorf("reopened: FormKey = %x, %v; want %x", k, err, keys[0])
	}
	other := MustOpenDB(t, url, pgtest.Schema(t, url, "test_webchat_"))
	if k, err := other.FormKey(ctx); err != nil || bytes.Equal(k, keys[0]) {
		t.Errorf("another schema: FormKey = %x, %v; want a key of its own", k, err)
	}
}

// TestBadText checks text PostgreSQL cannot hold: an answer quoting a
// document with a NUL byte or invalid UTF-8 is stored cleaned, and an id
// that is not UTF-8 is refused as invalid, not stored.
func TestBadText(t *testing.T) {
	ctx := context.Background()
	a, _ := mustOpenPair(t)
	f := webchat.Feedback{ConversationID: "c1", Seq: 2, Channel: assistant.ChannelWeb, Question: "bins\x00?", Answer: "Tuesday \xff[1]"}
	if err := a.SaveFeedback(ctx, f); err != nil {
		t.Fatalf("SaveFeedback with a NUL byte and invalid UTF-8: %v", err)
	}
	got, err := a.FindFeedback(ctx, webchat.FeedbackFilter{ConversationID: "c1"})
	if err != nil || len(got) != 1 {
		t.Fatalf("FindFeedback = %+v, %v", got, err)
	}
	if got[0].Question != "bins?" || got[0].Answer != "Tuesday \uFFFD[1]" {
		t.Errorf("stored question %q, answer %q; want %q, %q", got[0].Question, got[0].Answer, "bins?", "Tuesday \uFFFD[1]")
	}
	if got[0].At.IsZero() || got[0].At.Location() != time.UTC {
		t.Errorf("stamped time %v, want now in UTC", got[0].At)
	}
	err = a.RecordMessage(ctx, webchat.MessageRecord{ConversationID: "c\xff", ClientID: "m1", Seq: 1})
	if !errors.Is(err, webchat.ErrInvalid) {
		t.Errorf("RecordMessage with a non-UTF-8 id: got %v, want ErrInvalid", err)
	}
	if ids, err := a.ClientIDs(ctx, "c\uFFFD"); err != nil || len(ids) != 0 {
		t.Errorf("after the refused record: ClientIDs = %v, %v; want none", ids, err)
	}
}

// TestOpenBadURL checks a clear error for a database that is not there.
func TestOpenBadURL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := postgres.Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", postgres.Options{}); err == nil {
		t.Fatal("Open on a closed port succeeded")
	}
	if _, err := postgres.Open(ctx, "::not a url::", postgres.Options{}); err == nil {
		t.Fatal("Open with a malformed URL succeeded")
	}
}

func BenchmarkStores(b *testing.B) {
	url := pgtest.URL(b)
	webchattest.BenchmarkStores(b, func(b *testing.B) webchattest.Stores {
		return MustOpenDB(b, url, pgtest.Schema(b, url, "bench_webchat_"))
	})
}
