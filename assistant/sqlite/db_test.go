package sqlite_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/assistanttest"
	"github.com/townhall-civic/townhall/assistant/sqlite"
)

// MustOpenDB opens a database in a temporary directory, closed when the
// test ends.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "assistant.db"))
}

func mustOpenPath(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Run("conversations", func(t *testing.T) {
			testConversationStore(t, func(t *testing.T) assistant.ConversationStore { return MustOpenDB(t) })
		})
		t.Run("service requests", func(t *testing.T) {
			testServiceRequests(t, func(t *testing.T) assistant.ServiceRequests { return MustOpenDB(t) })
		})
		t.Run("hand-offs", func(t *testing.T) {
			testHandoffQueue(t, func(t *testing.T) handoffStore { return MustOpenDB(t) })
		})
	})
	// The suites are generic: the in-memory fakes pass them too.
	t.Run("memory", func(t *testing.T) {
		t.Run("conversations", func(t *testing.T) {
			testConversationStore(t, func(t *testing.T) assistant.ConversationStore { return assistanttest.NewConversations() })
		})
		t.Run("service requests", func(t *testing.T) {
			testServiceRequests(t, func(t *testing.T) assistant.ServiceRequests { return assistanttest.NewServiceRequests() })
		})
	})
}

// TestServiceRequestClock checks a request created without a time takes
// the injected clock's, and its reference that clock's year. The rest of
// the reference rules (the per-year sequence, case, defaults, invalid
// requests, failed writes) are the durable conformance suite's, run by
// TestDurableServiceRequests.
func TestServiceRequestClock(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	db.Now = func() time.Time { return at }
	r := &assistant.ServiceRequest{Service: assistant.ServiceNoise}
	if err := db.CreateServiceRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	if !r.Created.Equal(at) || r.Status != "open" || !referenceFormat.MatchString(r.Reference) {
		t.Errorf("defaults: got created %v, status %q, reference %q; want %v, open, SR-2026-NNNNNN", r.Created, r.Status, r.Reference, at)
	}
}

// referenceFormat is a reference from 2026, the year of at.
var referenceFormat = regexp.MustCompile(`^SR-2026-\d{6}$`)

// TestDurableAcrossReopen creates requests and a conversation, closes the
// handle without any explicit flush or checkpoint, reopens and finds them.
func TestDurableAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "assistant.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	r := &assistant.ServiceRequest{Service: assistant.ServiceGraffiti, Description: "tags on the wall", Created: at}
	if err := db.CreateServiceRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	conv := &assistant.Conversation{ID: "c1", Channel: assistant.ChannelWeb, Turns: []assistant.Turn{{Seq: 1, Role: assistant.RoleResident, Text: "hi"}}}
	if err := db.SaveConversation(ctx, conv); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = mustOpenPath(t, path)
	got, err := db.FindServiceRequestByReference(ctx, r.Reference)
	if err != nil {
		t.Fatalf("after reopening: %v", err)
	}
	if got.Description != r.Description {
		t.Errorf("description: got %q, want %q", got.Description, r.Description)
	}
	if c, err := db.FindConversationByID(ctx, "c1"); err != nil || len(c.Turns) != 1 {
		t.Errorf("conversation after reopening: %v, %v", c, err)
	}
	// The sequence carries on.
	next := &assistant.ServiceRequest{Service: assistant.ServiceGraffiti, Created: at}
	if err := db.CreateServiceRequest(ctx, next); err != nil {
		t.Fatal(err)
	}
	if next.Reference != "SR-2026-000002" {
		t.Errorf("reference after reopening: got %q, want SR-2026-000002", next.Reference)
	}
}

// TestSecondHandle checks a second handle on the same file (another
// process, or this one after a crash and restart while the first is
// wedged) sees each request as soon as CreateServiceRequest returns, and
// that two handles writing at once never share a reference.
func TestSecondHandle(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "assistant.db")
	a := mustOpenPath(t, path)
	b := mustOpenPath(t, path)
	r := &assistant.ServiceRequest{Service: assistant.ServiceMissedBin, Created: at}
	if err := a.CreateServiceRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := b.FindServiceRequestByReference(ctx, r.Reference); err != nil {
		t.Fatalf("second handle: %v", err)
	}

	const each = 10
	var mu sync.Mutex
	refs := map[string]bool{r.Reference: true}
	var wg sync.WaitGroup
	for _, db := range []*sqlite.DB{a, b} {
		for range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := &assistant.ServiceRequest{Service: assistant.ServiceNoise, Created: at}
				if err := db.CreateServiceRequest(ctx, r); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if refs[r.Reference] {
					t.Errorf("reference %q given twice", r.Reference)
				}
				refs[r.Reference] = true
			}()
		}
	}
	wg.Wait()
	if len(refs) != 2*each+1 {
		t.Errorf("got %d distinct references, want %d", len(refs), 2*each+1)
	}
}

// TestCrash kills a process that has just been told its requests were
// saved (SIGKILL: no Close, no checkpoint, no deferred code) and checks
// every acknowledged request is in the database when it is reopened.
func TestCrash(t *testing.T) {
	if os.Getenv("TOWNHALL_CRASH_DB") != "" {
		t.Skip("running as the crash helper")
	}
	path := filepath.Join(t.TempDir(), "assistant.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "TOWNHALL_CRASH_DB="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(acked) < 5 {
		if ref, ok := strings.CutPrefix(sc.Text(), "ACK "); ok {
			acked = append(acked, ref)
		}
	}
	// Kill it while it is still writing.
	cmd.Process.Kill()
	cmd.Wait()
	if len(acked) < 5 {
		t.Fatalf("helper acknowledged %d requests before dying, want 5", len(acked))
	}
	db := mustOpenPath(t, path)
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity check after the crash: %q, %v", check, err)
	}
	for _, ref := range acked {
		if _, err := db.FindServiceRequestByReference(context.Background(), ref); err != nil {
			t.Errorf("acknowledged %s lost in the crash: %v", ref, err)
		}
	}
}

// TestCrashHelper is the process TestCrash kills. It writes requests in a
// loop, printing each reference only once CreateServiceRequest returns.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv("TOWNHALL_CRASH_DB")
	if path == "" {
		t.Skip("only run by TestCrash")
	}
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		r := &assistant.ServiceRequest{Service: assistant.ServicePothole, Description: fmt.Sprint("crash ", i), Created: at}
		if err := db.CreateServiceRequest(context.Background(), r); err != nil {
			fmt.Println("ERR", err)
			os.Exit(1)
		}
		fmt.Println("ACK", r.Reference)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := sqlite.Open(ctx, ""); !errors.Is(err, assistant.ErrInvalid) {
		t.Errorf("empty path: got %v, want ErrInvalid", err)
	}
	if _, err := sqlite.Open(ctx, "x.db?mode=ro"); !errors.Is(err, assistant.ErrInvalid) {
		t.Errorf("path with a query: got %v, want ErrInvalid", err)
	}
	// A database from a newer program is not touched.
	path := filepath.Join(t.TempDir(), "newer.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := sqlite.Open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("newer schema: got %v, want an error", err)
	}
}

func TestReopenKeepsSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "assistant.db")
	for range 3 {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
}

func TestSaveLongConversation(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := &assistant.Conversation{ID: "long", Channel: assistant.ChannelSMS}
	for i := range 60 {
		c.Turns = append(c.Turns, assistant.Turn{Seq: i + 1, Role: assistant.RoleResident, Text: fmt.Sprint("turn ", i), At: at})
		if err := db.SaveConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.FindConversationByID(ctx, "long")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Turns) != 60 || got.Turns[59].Text != "turn 59" {
		t.Errorf("got %d turns, last %q", len(got.Turns), got.Turns[len(got.Turns)-1].Text)
	}
}

func BenchmarkCreateServiceRequest(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	for b.Loop() {
		r := &assistant.ServiceRequest{Service: assistant.ServicePothole, Description: "bench", Answers: map[string]string{"size": "Large"}, Created: at}
		if err := db.CreateServiceRequest(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSaveConversation(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	c := &assistant.Conversation{ID: "bench", Channel: assistant.ChannelWeb}
	for i := range 20 {
		c.Turns = append(c.Turns, assistant.Turn{Seq: i + 1, Role: assistant.RoleResident, Text: strings.Repeat("word ", 30), At: at})
	}
	for b.Loop() {
		c.Turns = append(c.Turns[:20:20], assistant.Turn{Seq: 21, Role: assistant.RoleAssistant, Text: "reply", At: at})
		if err := db.SaveConversation(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFindConversation(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	c := &assistant.Conversation{ID: "bench", Channel: assistant.ChannelWeb}
	for i := range 20 {
		c.Turns = append(c.Turns, assistant.Turn{Seq: i + 1, Role: assistant.RoleResident, Text: strings.Repeat("word ", 30), At: at})
	}
	if err := db.SaveConversation(ctx, c); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := db.FindConversationByID(ctx, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
