package inbound_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
	"github.com/townhall-civic/townhall/channels/inbound/sqlite"
	"github.com/townhall-civic/townhall/channels/twilio"
	"github.com/townhall-civic/townhall/channels/whatsapp"
)

// echo answers every message with "re: <text>".
type echo struct {
	mu   sync.Mutex
	seen []string
}

func (e *echo) Answer(_ context.Context, j *inbound.Job) ([]channels.Outbound, error) {
	e.mu.Lock()
	e.seen = append(e.seen, j.Inbound.Text)
	e.mu.Unlock()
	return []channels.Outbound{{To: j.Inbound.From, Text: "re: " + j.Inbound.Text}}, nil
}

// fakeSender records what it sends and fails as told.
type fakeSender struct {
	mu   sync.Mutex
	sent []channels.Outbound
	// fail returns the error for attempt n (1-based) of text, or nil.
	fail  func(text string, n int) error
	tries map[string]int
}

func (f *fakeSender) Send(_ context.Context, m channels.Outbound) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tries == nil {
		f.tries = map[string]int{}
	}
	f.tries[m.Text]++
	if f.fail != nil {
		if err := f.fail(m.Text, f.tries[m.Text]); err != nil {
			return "", err
		}
	}
	f.sent = append(f.sent, m)
	return fmt.Sprintf("SM%d", len(f.sent)), nil
}

func (f *fakeSender) texts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.sent {
		out = append(out, m.Text)
	}
	return out
}

type fixture struct {
	db   *sqlite.DB
	pool *inbound.Pool
	sms  *fakeSender
	ans  *echo
}

func newFixture(t *testing.T, mod func(*inbound.Config)) *fixture {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "inbound.db"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, sms: &fakeSender{}, ans: &echo{}}
	cfg := inbound.Config{
		Store: db, Answerer: f.ans, OptOuts: db,
		Senders: map[channels.Channel]channels.Sender{channels.SMS: f.sms, channels.WhatsApp: f.sms},
		Backoff: func(int) time.Duration { return 5 * time.Millisecond },
		Poll:    5 * time.Millisecond, MaxAttempts: 3,
	}
	if mod != nil {
		mod(&cfg)
	}
	if f.pool, err = inbound.New(cfg); err != nil {
		t.Fatal(err)
	}
	f.pool.Start()
	t.Cleanup(func() {
		f.pool.Shutdown(context.Background())
		db.Close()
	})
	return f
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func msg(id, from, text string) channels.Inbound {
	return channels.Inbound{ProviderID: id, From: channels.Identity{Channel: channels.SMS, Address: from}, Kind: channels.KindText, Text: text, Received: time.Now()}
}

func states(t *testing.T, db *sqlite.DB, kind inbound.Kind) map[inbound.State]int {
	t.Helper()
	c, err := db.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c[kind]
}

func TestPoolAnswersInOrderOnce(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	for i := range 5 {
		if err := f.pool.HandleInbound(ctx, msg(fmt.Sprintf("SM%d", i), "+447700900001", fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	// A replayed webhook is accepted and changes nothing.
	if err := f.pool.HandleInbound(ctx, msg("SM0", "+447700900001", "0")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "five replies", func() bool { return len(f.sms.texts()) == 5 })
	time.Sleep(50 * time.Millisecond)
	got := f.sms.texts()
	want := []string{"re: 0", "re: 1", "re: 2", "re: 3", "re: 4"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("replies: got %q, want %q", got, want)
	}
}

func TestPoolRetriesThenDeadLetters(t *testing.T) {
	f := newFixture(t, nil)
	temp := &twilio.Error{Status: 503, Message: "Service Unavailable"}
	f.sms.fail = func(text string, n int) error {
		switch text {
		case "re: flaky":
			if n < 3 {
				return temp
			}
		case "re: down":
			return temp
		case "re: bad":
			return &twilio.Error{Status: 400, Code: twilio.CodeInvalidTo, Message: "invalid To"}
		}
		return nil
	}
	ctx := context.Background()
	for i, text := range []string{"flaky", "down", "bad"} {
		if err := f.pool.HandleInbound(ctx, msg(fmt.Sprint("SM", i), fmt.Sprint("+44770090000", i), text)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "all jobs finished", func() bool {
		s := states(t, f.db, inbound.KindOutbound)
		return s[inbound.StateDone]+s[inbound.StateDead] == 3
	})
	if got := f.sms.texts(); len(got) != 1 || got[0] != "re: flaky" {
		t.Errorf("sent: got %q, want only the flaky one, on its third try", got)
	}
	dead, err := f.db.FindJobs(ctx, inbound.KindOutbound, inbound.StateDead)
	if err != nil {
		t.Fatal(err)
	}
	byText := map[string]inbound.JobInfo{}
	for _, j := range dead {
		byText[j.Resident] = j
	}
	if j := byText["sms:+447700900001"]; j.Attempts != 3 {
		t.Errorf("provider down: %d attempts (%q), want 3 (MaxAttempts)", j.Attempts, j.LastError)
	}
	if j := byText["sms:+447700900002"]; j.Attempts != 1 {
		t.Errorf("permanent error: %d attempts (%q), want 1", j.Attempts, j.LastError)
	}
	if f.sms.tries["re: flaky"] != 3 {
		t.Errorf("flaky tries: got %d, want 3", f.sms.tries["re: flaky"])
	}
}

func TestPoolRecoversCrashedLease(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "inbound.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A worker of a process that then died took the job first.
	if _, err := db.EnqueueInbound(ctx, msg("SM1", "+447700900001", "lost?")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Claim(ctx, inbound.KindInbound, time.Now(), 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	sender := &fakeSender{}
	p, err := inbound.New(inbound.Config{Store: db, Answerer: &echo{}, Senders: map[channels.Channel]channels.Sender{channels.SMS: sender}, Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	p.Start()
	defer p.Shutdown(ctx)
	waitFor(t, "the recovered answer", func() bool { return len(sender.texts()) == 1 })
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("answered after %v, before the dead worker's lease expired", d)
	}
	if got := sender.texts(); got[0] != "re: lost?" {
		t.Errorf("sent %q", got)
	}
}

func TestPoolKeywordsOnWhatsApp(t *testing.T) {
	f := newFixture(t, func(c *inbound.Config) { c.Replies = twilio.DefaultReplies("Thornbury Vale Council") })
	ctx := context.Background()
	from := "+447700900001"
	wa := func(id, text string) channels.Inbound {
		m := msg(id, from, text)
		m.From.Channel = channels.WhatsApp
		return m
	}
	if err := f.pool.HandleInbound(ctx, wa("w1", "STOP")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the STOP confirmation", func() bool { return len(f.sms.texts()) == 1 })
	if out, _ := f.db.OptedOut(ctx, channels.Identity{Channel: channels.WhatsApp, Address: from}); !out {
		t.Error("STOP did not opt the resident out")
	}
	// Neither answers nor staff replies reach an opted-out resident.
	if err := f.pool.HandleInbound(ctx, wa("w2", "when is my bin day?")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pool.Sender().Send(ctx, channels.Outbound{To: channels.Identity{Channel: channels.WhatsApp, Address: from}, Text: "hello"}); !errors.Is(err, channels.ErrOptedOut) {
		t.Errorf("staff reply to an opted-out resident: got %v, want ErrOptedOut", err)
	}
	waitFor(t, "the message dropped", func() bool { return states(t, f.db, inbound.KindInbound)[inbound.StateDropped] == 1 })
	if err := f.pool.HandleInbound(ctx, wa("w3", "start")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the START confirmation", func() bool { return len(f.sms.texts()) == 2 })
	got := f.sms.texts()
	want := twilio.DefaultReplies("Thornbury Vale Council")
	if got[0] != want.Stop || got[1] != want.Start {
		t.Errorf("confirmations: got %q, want STOP then START replies", got)
	}
	if len(f.ans.seen) != 0 {
		t.Errorf("the assistant saw %q; keywords and opted-out messages should not reach it", f.ans.seen)
	}
}

// windowClient is the WhatsApp client's SendMessage over a fake window.
type windowClient struct {
	fakeSender
	open func() bool
}

func (w *windowClient) SendMessage(ctx context.Context, m channels.Outbound) (whatsapp.Result, error) {
	if !w.open() {
		id, err := w.Send(ctx, channels.Outbound{To: m.To, Template: &channels.Template{Name: "reply_waiting"}, Text: "[template]"})
		return whatsapp.Result{ID: id, Fallback: true}, err
	}
	id, err := w.Send(ctx, m)
	return whatsapp.Result{ID: id}, err
}

func TestTemporary(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"twilio 503", &twilio.Error{Status: 503}, true},
		{"twilio 429", fmt.Errorf("send: %w", &twilio.Error{Status: 429}), true},
		{"twilio 400", &twilio.Error{Status: 400}, false},
		{"twilio 401", &twilio.Error{Status: 401}, false},
		{"whatsapp window", &whatsapp.Error{Status: 400, Code: whatsapp.CodeReengagement}, false},
		{"whatsapp 500", &whatsapp.Error{Status: 500}, true},
		{"too large", fmt.Errorf("x: %w", channels.ErrTooLarge), false},
		{"network", errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), true},
		{"timeout", context.DeadlineExceeded, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inbound.Temporary(tt.err); got != tt.want {
				t.Errorf("Temporary(%v): got %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// blockingAnswerer answers once release is closed.
type blockingAnswerer struct {
	started chan struct{}
	release chan struct{}
}

func (b *blockingAnswerer) Answer(_ context.Context, j *inbound.Job) ([]channels.Outbound, error) {
	close(b.started)
	<-b.release
	return []channels.Outbound{{To: j.Inbound.From, Text: "done"}}, nil
}

func TestPoolShutdownDrains(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "inbound.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := &blockingAnswerer{started: make(chan struct{}), release: make(chan struct{})}
	p, err := inbound.New(inbound.Config{Store: db, Answerer: b, Senders: map[channels.Channel]channels.Sender{channels.SMS: &fakeSender{}}, Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	p.Start()
	if err := p.HandleInbound(ctx, msg("SM1", "+447700900001", "hi")); err != nil {
		t.Fatal(err)
	}
	<-b.started
	done := make(chan error, 1)
	go func() { done <- p.Shutdown(ctx) }()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) while a job was running", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(b.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c, err := db.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The job in hand finished and its answer is queued for the next start.
	if c[inbound.KindInbound][inbound.StateDone] != 1 || c[inbound.KindOutbound][inbound.StateQueued] != 1 {
		t.Errorf("after drain: %v", c)
	}
}

// TestPoolWhatsAppWindowWithClient runs the real WhatsApp client against
// a fake Graph API, with the queue's database as its window.
func TestPoolWhatsAppWindowWithClient(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var bodies []string
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		n := len(bodies)
		mu.Unlock()
		fmt.Fprintf(w, `{"messages":[{"id":"wamid.out%d"}]}`, n)
	}))
	defer graph.Close()
	sent := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), bodies...) }

	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "inbound.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	client := &whatsapp.Client{Token: "t", PhoneNumberID: "123", BaseURL: graph.URL, HTTPClient: graph.Client(), Window: db,
		Fallback: &channels.Template{Name: "reply_waiting", Language: "en_GB"}}
	p, err := inbound.New(inbound.Config{Store: db, Answerer: &echo{}, OptOuts: db,
		Senders: map[channels.Channel]channels.Sender{channels.WhatsApp: client}, Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	p.Start()
	defer p.Shutdown(ctx)

	// The resident last wrote two days ago; staff reply now.
	to := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900001"}
	if err := db.Touch(ctx, to, time.Now().Add(-48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Sender().Send(ctx, channels.Outbound{To: to, Text: "The pothole on Mill Lane is fixed."}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the template", func() bool { return len(sent()) == 1 })
	if got := sent()[0]; !strings.Contains(got, `"type":"template"`) || !strings.Contains(got, `"name":"reply_waiting"`) || strings.Contains(got, "Mill Lane") {
		t.Errorf("outside the window: sent %s, want the template alone", got)
	}
	m := msg("wamid.in1", to.Address, "what was that?")
	m.From = to
	if err := p.HandleInbound(ctx, m); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the held reply and the answer", func() bool { return len(sent()) == 3 })
	got := sent()
	if !strings.Contains(got[1], `"body":"The pothole on Mill Lane is fixed."`) || !strings.Contains(got[2], `"body":"re: what was that?"`) {
		t.Errorf("after the resident wrote: sent %s then %s", got[1], got[2])
	}
}

// hangingSender never answers its first call.
type hangingSender struct {
	fakeSender
	calls int
	mu    sync.Mutex
}

func (h *hangingSender) Send(ctx context.Context, m channels.Outbound) (string, error) {
	h.mu.Lock()
	h.calls++
	first := h.calls == 1
	h.mu.Unlock()
	if first {
		<-ctx.Done()
		return "", ctx.Err()
	}
	return h.fakeSender.Send(ctx, m)
}

func TestPoolCutsOffHungSend(t *testing.T) {
	ctx := context.Background()
	hs := &hangingSender{}
	f := newFixture(t, func(c *inbound.Config) {
		c.Lease = 200 * time.Millisecond
		c.Senders[channels.SMS] = hs
	})
	if err := f.pool.HandleInbound(ctx, msg("SM1", "+447700900001", "hello")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the retried send", func() bool { return states(t, f.db, inbound.KindOutbound)[inbound.StateDone] == 1 })
	jobs, err := f.db.FindJobs(ctx, inbound.KindOutbound)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Attempts != 2 || len(hs.texts()) != 1 {
		t.Errorf("outbound jobs: %+v; want one done on its second attempt", jobs)
	}
}
