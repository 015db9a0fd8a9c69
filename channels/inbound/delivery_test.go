package inbound_test

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
	"github.com/townhall-civic/townhall/channels/twilio"
)

// status is a Twilio status callback for message sid, read by the Twilio
// adapter as the webhook would.
func status(t *testing.T, sid, to, st, code string) channels.Delivery {
	t.Helper()
	form := url.Values{"AccountSid": {"AC0000"}, "ApiVersion": {"2010-04-01"}, "From": {"+447700900999"}, "To": {to},
		"MessageSid": {sid}, "SmsSid": {sid}, "MessageStatus": {st}, "SmsStatus": {st}}
	if code != "" {
		form.Set("ErrorCode", code)
	}
	d, err := twilio.ParseStatus(form)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func outbound(t *testing.T, f *fixture) []inbound.State {
	t.Helper()
	jobs, err := f.db.FindJobs(context.Background(), inbound.KindOutbound)
	if err != nil {
		t.Fatal(err)
	}
	var out []inbound.State
	for _, j := range jobs {
		out = append(out, j.State)
	}
	return out
}

func TestPoolDeliveryReports(t *testing.T) {
	ctx := context.Background()
	const resident = "+447700900001"
	tests := []struct {
		name     string
		status   string
		code     string
		resent   bool
		want     inbound.State
		wantText string // in the job's last error
	}{
		{"delivered", "delivered", "", false, inbound.StateDone, ""},
		{"handset off: sent again", "undelivered", "30003", true, inbound.StateDone, ""},
		{"carrier congestion: sent again", "undelivered", "30017", true, inbound.StateDone, ""},
		{"unknown error: may have arrived, not sent again", "undelivered", "30008", false, inbound.StateDead, "30008"},
		{"no such number", "failed", "30005", false, inbound.StateDead, "30005"},
		{"opted out with the carrier", "failed", "21610", false, inbound.StateDropped, "21610"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			if err := f.pool.HandleInbound(ctx, msg("SMin", resident, "hello")); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the answer", func() bool { return len(f.sms.texts()) == 1 })
			waitFor(t, "the send recorded", func() bool { return states(t, f.db, inbound.KindOutbound)[inbound.StateDone] == 1 })
			if err := f.pool.HandleDelivery(ctx, status(t, "SM1", resident, tt.status, tt.code)); err != nil {
				t.Fatal(err)
			}
			if tt.resent {
				waitFor(t, "the answer sent again", func() bool { return len(f.sms.texts()) == 2 })
			}
			waitFor(t, "the job settled", func() bool { s := outbound(t, f); return len(s) == 1 && s[0] == tt.want })
			jobs, _ := f.db.FindJobs(ctx, inbound.KindOutbound)
			if tt.wantText != "" && !strings.Contains(jobs[0].LastError, tt.wantText) {
				t.Errorf("last error %q does not name %s", jobs[0].LastError, tt.wantText)
			}
			if !tt.resent && len(f.sms.texts()) != 1 {
				t.Errorf("sent %d times, want once", len(f.sms.texts()))
			}
			if tt.resent {
				if jobs[0].ProviderID != "SM2" || jobs[0].Attempts != 2 {
					t.Errorf("after the retry: provider id %s, attempts %d; want SM2, 2", jobs[0].ProviderID, jobs[0].Attempts)
				}
				// Twilio repeats the old report: nothing more is sent.
				if err := f.pool.HandleDelivery(ctx, status(t, "SM1", resident, tt.status, tt.code)); err != nil {
					t.Fatal(err)
				}
				if err := f.pool.HandleDelivery(ctx, status(t, "SM2", resident, "delivered", "")); err != nil {
					t.Fatal(err)
				}
				jobs, _ = f.db.FindJobs(ctx, inbound.KindOutbound)
				if len(f.sms.texts()) != 2 || jobs[0].Delivery != channels.DeliveryDelivered {
					t.Errorf("after the old report again: sent %d, delivery %q; want 2, delivered", len(f.sms.texts()), jobs[0].Delivery)
				}
			}
		})
	}
}

func TestPoolDeliveryRetriesRunOut(t *testing.T) {
	ctx := context.Background()
	const resident = "+447700900001"
	f := newFixture(t, nil) // MaxAttempts 3
	if err := f.pool.HandleInbound(ctx, msg("SMin", resident, "hello")); err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 3; n++ {
		waitFor(t, "a send", func() bool {
			return len(f.sms.texts()) == n && states(t, f.db, inbound.KindOutbound)[inbound.StateDone] == 1
		})
		if err := f.pool.HandleDelivery(ctx, status(t, "SM"+strconv.Itoa(n), resident, "undelivered", "30003")); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the dead letter", func() bool { return states(t, f.db, inbound.KindOutbound)[inbound.StateDead] == 1 })
	if n := len(f.sms.texts()); n != 3 {
		t.Errorf("sent %d times, want 3 (MaxAttempts)", n)
	}
}

// TestPoolOneTemplateForHeldReplies holds three staff replies outside the
// WhatsApp window: one template goes, and all three follow in order when
// the resident writes, before the answer to what they wrote.
func TestPoolOneTemplateForHeldReplies(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	open := false
	wc := &windowClient{open: func() bool { mu.Lock(); defer mu.Unlock(); return open }}
	f := newFixture(t, func(c *inbound.Config) { c.Senders[channels.WhatsApp] = wc })
	to := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900001"}
	replies := []string{"We have your report.", "A crew is booked for Tuesday.", "It is fixed."}
	for _, r := range replies {
		if _, err := f.pool.Sender().Send(ctx, channels.Outbound{To: to, Text: r}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "all three held", func() bool { return states(t, f.db, inbound.KindOutbound)[inbound.StateHeld] == 3 })
	if got := wc.texts(); len(got) != 1 || got[0] != "[template]" {
		t.Fatalf("sent while held: %q; want one template", got)
	}
	mu.Lock()
	open = true
	mu.Unlock()
	m := msg("w1", to.Address, "what is the news?")
	m.From = to
	if err := f.pool.HandleInbound(ctx, m); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the held replies and the answer", func() bool { return len(wc.texts()) == 5 })
	want := append(append([]string{"[template]"}, replies...), "re: what is the news?")
	if got := wc.texts(); !slices.Equal(got, want) {
		t.Errorf("sent: got %q, want %q", got, want)
	}
}

// earlyReporter is a sender whose provider reports the first message
// undelivered before the send has even returned.
type earlyReporter struct {
	fakeSender
	pool *inbound.Pool
	once sync.Once
	done chan error
}

func (e *earlyReporter) Send(ctx context.Context, m channels.Outbound) (string, error) {
	id, err := e.fakeSender.Send(ctx, m)
	e.once.Do(func() {
		d, perr := twilio.ParseStatus(url.Values{"MessageSid": {id}, "MessageStatus": {"undelivered"}, "ErrorCode": {"30003"}, "To": {m.To.Address}})
		if perr != nil {
			e.done <- perr
			return
		}
		go func() { e.done <- e.pool.HandleDelivery(context.Background(), d) }()
		time.Sleep(50 * time.Millisecond) // the report is in before the send is recorded
	})
	return id, err
}

func TestPoolDeliveryReportBeforeSendRecorded(t *testing.T) {
	ctx := context.Background()
	er := &earlyReporter{done: make(chan error, 1)}
	f := newFixture(t, func(c *inbound.Config) { c.Senders[channels.SMS] = er })
	er.pool = f.pool
	if err := f.pool.HandleInbound(ctx, msg("SMin", "+447700900001", "hello")); err != nil {
		t.Fatal(err)
	}
	if err := <-er.done; err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the answer sent again", func() bool { return len(er.texts()) == 2 })
	jobs, err := f.db.FindJobs(ctx, inbound.KindOutbound)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Attempts != 2 {
		t.Errorf("jobs: %+v; want one sent twice", jobs)
	}
}
