package webchat_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/webchat"
)

func webchatFilter() webchat.FeedbackFilter { return webchat.FeedbackFilter{} }

func TestConsoleOffByDefault(t *testing.T) {
	h := newSQLiteHarness(t)
	p := newPageClient(t, h)
	for _, path := range []string{"/staff/", "/staff/handoffs/1", "/staff/ws"} {
		if status, _ := p.get(path); status != http.StatusNotFound {
			t.Errorf("GET %s with the console off = %d, want 404", path, status)
		}
	}
}

func TestConsoleLoopbackOnly(t *testing.T) {
	h := newSQLiteHarness(t, func(c *webchat.Config) { c.StaffConsole = true })
	mux := http.NewServeMux()
	h.srv.Register(mux)
	tests := []struct {
		name   string
		remote string
		host   string
		header http.Header
		want   int
	}{
		{"loopback v4", "127.0.0.1:5000", "127.0.0.1:8080", nil, http.StatusOK},
		{"loopback v6", "[::1]:5000", "localhost:8080", nil, http.StatusOK},
		{"remote", "203.0.113.5:5000", "127.0.0.1:8080", nil, http.StatusForbidden},
		{"private network", "10.0.0.5:5000", "127.0.0.1:8080", nil, http.StatusForbidden},
		{"spoofed forwarded-for from remote", "203.0.113.5:5000", "127.0.0.1:8080", http.Header{"X-Forwarded-For": {"127.0.0.1"}}, http.StatusForbidden},
		{"proxied through loopback", "127.0.0.1:5000", "127.0.0.1:8080", http.Header{"X-Forwarded-For": {"203.0.113.5"}}, http.StatusForbidden},
		{"forwarded header", "127.0.0.1:5000", "127.0.0.1:8080", http.Header{"Forwarded": {"for=203.0.113.5"}}, http.StatusForbidden},
		{"DNS rebinding host", "127.0.0.1:5000", "evil.example:8080", nil, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/staff/", "/staff/console.js", "/staff/nothing-here"} {
				r := httptest.NewRequest("GET", path, nil)
				r.RemoteAddr, r.Host = tt.remote, tt.host
				for k, v := range tt.header {
					r.Header[k] = v
				}
				w := httptest.NewRecorder()
				mux.ServeHTTP(w, r)
				want := tt.want
				if want == http.StatusOK && path == "/staff/nothing-here" {
					want = http.StatusNotFound
				}
				if w.Code != want {
					t.Errorf("GET %s from %s = %d, want %d", path, tt.remote, w.Code, want)
				}
			}
		})
	}
}

// fakeSender records what it sends, as an SMS provider would.
type fakeSender struct {
	mu   sync.Mutex
	sent []channels.Outbound
}

func (f *fakeSender) Send(_ context.Context, m channels.Outbound) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, m)
	return "SM" + itoa(len(f.sent)), nil
}

// TestHandoffConsole takes a web conversation through the console: the
// assistant hands off, staff claim it, the resident's next message goes
// to staff and not the assistant, staff reply live, then hand back.
func TestHandoffConsole(t *testing.T) {
	h := newSQLiteHarness(t, func(c *webchat.Config) { c.StaffConsole = true })
	h.echo.handoff = h.db
	ctx := context.Background()

	resident := h.dial(nil)
	id := resident.hello("", 0).ConversationID
	resident.sendJSON(map[string]any{"type": "message", "client_id": "r1", "text": "I want to speak to a person <b>now</b>"})
	resident.until(isAnswer)
	h.echo.handoff = nil

	// An earlier conversation of the same resident (same session cookie
	// would be the web case; here the same resident key).
	conv, _ := h.convs.FindConversationByID(ctx, id)

	staff := newPageClient(t, h)
	if status, page := staff.get("/staff/"); status != http.StatusOK || !strings.Contains(page, "I want to speak to a person &lt;b&gt;now&lt;/b&gt;") {
		t.Fatalf("queue = %d, want the waiting conversation with its text escaped:\n%s", status, page)
	}
	hs, err := h.db.ListHandoffs(ctx, assistant.HandoffFilter{})
	if err != nil || len(hs) != 1 {
		t.Fatalf("hand-offs = %v, %v", hs, err)
	}
	hid := itoa(int(hs[0].ID))

	// Taking a conversation needs a name.
	if resp, _ := staff.post("/staff/handoffs/"+hid+"/claim", nil, nil); resp.Header.Get("Location") != "/staff/?error=name" {
		t.Errorf("claim without a name redirected to %q", resp.Header.Get("Location"))
	}
	staff.post("/staff/name", url.Values{"name": {"Sam"}}, nil)
	if resp, _ := staff.post("/staff/handoffs/"+hid+"/claim", nil, nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/handoffs/"+hid {
		t.Fatalf("claim = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if f := resident.until(isType("message")); f[len(f)-1].Role != "staff" || !strings.Contains(f[len(f)-1].Text, "Sam") {
		t.Errorf("resident got %+v, want the staff joining notice", f)
	}
	status, page := staff.get("/staff/handoffs/" + hid)
	if status != http.StatusOK || !strings.Contains(page, "Reply to the resident") || strings.Contains(page, "<b>now</b>") {
		t.Errorf("hand-off page = %d, want a reply form and escaped text:\n%s", status, page)
	}

	// The console's websocket: same origin only, with the name cookie.
	u, _ := url.Parse(h.http.URL)
	cookies := staff.http.Jar.Cookies(&url.URL{Scheme: "http", Host: u.Host, Path: "/staff/"})
	hdr := http.Header{"Origin": {h.http.URL}}
	for _, c := range cookies {
		hdr.Add("Cookie", c.String())
	}
	wsStaff := "ws" + strings.TrimPrefix(h.http.URL, "http") + "/staff/ws"
	if _, err := dialURL(t, wsStaff, http.Header{"Origin": {"https://evil.example"}, "Cookie": hdr["Cookie"]}); err == nil {
		t.Error("console websocket accepted a cross-origin page")
	}
	console, err := dialURL(t, wsStaff, hdr)
	if err != nil {
		t.Fatal(err)
	}
	console.hello(id, len(conv.Turns)+1)

	calls := h.echo.calls.Load()
	resident.sendJSON(map[string]any{"type": "message", "client_id": "r2", "text": "Hello? <script>x()</script>"})
	got := console.until(isType("message"))
	if m := got[len(got)-1]; m.Role != "resident" || strings.Contains(m.HTML, "<script") {
		t.Errorf("console got %+v, want the resident's message, inert", m)
	}
	if h.echo.calls.Load() != calls {
		t.Error("the assistant answered a message meant for staff")
	}
	resident.until(isType("message")) // the resident's own message echoed

	console.sendJSON(map[string]any{"type": "message", "text": "Hi, I'm Sam. How can I help?"})
	if f := resident.until(isType("message")); f[len(f)-1].Role != "staff" || f[len(f)-1].Text != "Hi, I'm Sam. How can I help?" {
		t.Errorf("resident got %+v, want Sam's reply", f[len(f)-1])
	}

	// Someone else cannot reply or close.
	if err := h.srv.StaffReply(ctx, id, "Alex", "hi"); err == nil {
		t.Error("a reply from staff who had not claimed it was accepted")
	}

	if resp, _ := staff.post("/staff/handoffs/"+hid+"/return", nil, nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("hand back = %d", resp.StatusCode)
	}
	if f := resident.until(isType("message")); f[len(f)-1].Role != "assistant" || !strings.Contains(f[len(f)-1].Text, "back with") {
		t.Errorf("resident got %+v, want the hand-back notice", f[len(f)-1])
	}
	resident.sendJSON(map[string]any{"type": "message", "client_id": "r3", "text": "When is bin day?"})
	resident.until(isAnswer)
	if h.echo.calls.Load() != calls+1 {
		t.Error("after hand-back the assistant did not answer")
	}
	closed, _ := h.db.ListHandoffs(ctx, assistant.HandoffFilter{Status: []assistant.HandoffStatus{assistant.HandoffClosed}})
	if len(closed) != 1 || closed[0].Outcome != webchat.OutcomeReturned || closed[0].ClaimedBy != "Sam" {
		t.Errorf("closed hand-offs = %+v", closed)
	}
}

// handedOffSMS stores conversation "sms1", an SMS resident's request for
// a person, and queues its hand-off.
func handedOffSMS(t *testing.T, h *harness) []*assistant.QueuedHandoff {
	t.Helper()
	ctx := context.Background()
	conv := &assistant.Conversation{ID: "sms1", Channel: assistant.ChannelSMS, Resident: "sms:+447700900123", HandedOff: true,
		Turns: []assistant.Turn{{Seq: 1, Role: assistant.RoleResident, Text: "agent please", At: time.Now()}}, Created: time.Now(), Updated: time.Now()}
	if err := h.db.SaveConversation(ctx, conv); err != nil {
		t.Fatal(err)
	}
	if err := h.db.EnqueueHandoff(ctx, assistant.NewHandoff(conv, assistant.ReasonExplicit, false, time.Now())); err != nil {
		t.Fatal(err)
	}
	hs, err := h.db.ListHandoffs(ctx, assistant.HandoffFilter{})
	if err != nil || len(hs) != 1 {
		t.Fatalf("hand-offs: got %v, %v", hs, err)
	}
	return hs
}

// TestStaffReplyOverSMS checks a staff reply to an SMS resident goes
// through the channel's Sender and into the transcript.
func TestStaffReplyOverSMS(t *testing.T) {
	sms := &fakeSender{}
	h := newSQLiteHarness(t, func(c *webchat.Config) {
		c.Senders = map[assistant.Channel]channels.Sender{assistant.ChannelSMS: sms}
	})
	ctx := context.Background()
	hs := handedOffSMS(t, h)
	if _, err := h.srv.Claim(ctx, hs[0].ID, "Sam"); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.StaffReply(ctx, "sms1", "Sam", "I've booked your collection."); err != nil {
		t.Fatal(err)
	}
	sms.mu.Lock()
	sent := append([]channels.Outbound(nil), sms.sent...)
	sms.mu.Unlock()
	if len(sent) != 2 || sent[1].Text != "I've booked your collection." || sent[1].To != (channels.Identity{Channel: channels.SMS, Address: "+447700900123"}) {
		t.Errorf("sent = %+v, want the notice then the reply to +447700900123", sent)
	}
	got, _ := h.db.FindConversationByID(ctx, "sms1")
	if n := len(got.Turns); n != 3 || got.Turns[2].Role != assistant.RoleStaff {
		t.Errorf("transcript = %+v, want the staff reply stored", got.Turns)
	}

	// The resident's next SMS goes to staff, not the assistant.
	rc, err := h.srv.Receive(ctx, webchat.Incoming{ConversationID: "sms1", Channel: assistant.ChannelSMS, Resident: "sms:+447700900123", Text: "thanks"})
	if err != nil || !rc.Staffed || rc.Seq != 4 {
		t.Errorf("Receive = %+v, %v; want staffed seq 4", rc, err)
	}
	if h.echo.calls.Load() != 0 {
		t.Error("assistant answered a staffed SMS conversation")
	}
}

// TestConsoleEarlierOnOtherPhoneChannel checks a hand-off page shows the
// resident's earlier conversation on WhatsApp when they now text by SMS
// from the same number, and that a location shared while staff hold the
// conversation reaches the transcript.
func TestConsoleEarlierOnOtherPhoneChannel(t *testing.T) {
	h := newSQLiteHarness(t, func(c *webchat.Config) {
		c.StaffConsole = true
		c.Senders = map[assistant.Channel]channels.Sender{assistant.ChannelSMS: &fakeSender{}}
	})
	ctx := context.Background()
	if _, err := h.srv.Receive(ctx, webchat.Incoming{ConversationID: "wa1", Channel: assistant.ChannelWhatsApp,
		Resident: "whatsapp:+447700900123", Text: "my earlier question on whatsapp"}); err != nil {
		t.Fatal(err)
	}
	hs := handedOffSMS(t, h)
	staff := newPageClient(t, h)
	status, page := staff.get("/staff/handoffs/" + itoa(int(hs[0].ID)))
	if status != http.StatusOK || !strings.Contains(page, "my earlier question on whatsapp") {
		t.Errorf("hand-off page = %d, want the WhatsApp conversation among the earlier ones:\n%s", status, page)
	}

	if _, err := h.srv.Claim(ctx, hs[0].ID, "Sam"); err != nil {
		t.Fatal(err)
	}
	rc, err := h.srv.Receive(ctx, webchat.Incoming{ConversationID: "sms1", Channel: assistant.ChannelSMS, Resident: "sms:+447700900123",
		Location: &assistant.Location{Lat: 51.4816, Lon: -2.5236, Address: "Victoria Road"}})
	if err != nil || !rc.Staffed {
		t.Fatalf("Receive(location) = %+v, %v; want staffed", rc, err)
	}
	got, _ := h.db.FindConversationByID(ctx, "sms1")
	last := got.Turns[len(got.Turns)-1].Text
	if !strings.Contains(last, "Victoria Road") || !strings.Contains(last, "mlat=51.481600") {
		t.Errorf("staffed location turn = %q, want the address and a map link", last)
	}
	if _, err := h.srv.Receive(ctx, webchat.Incoming{ConversationID: "sms1", Channel: assistant.ChannelSMS, Resident: "sms:+447700900123"}); !errors.Is(err, webchat.ErrInvalid) {
		t.Errorf("Receive with neither text nor location: got %v, want ErrInvalid", err)
	}
}

// checkingSender is a Sender that looks at the transcript as each
// message leaves, refuses recipients in refuse (as a queue refuses an
// opted-out resident, channels.Checker), and fails sends of fail.
type checkingSender struct {
	convs   assistant.ConversationStore
	refuse  map[string]bool
	fail    string
	sent    []string
	inSaved []bool // whether the transcript already held each message as it was sent
}

func (c *checkingSender) CheckSend(_ context.Context, m channels.Outbound) error {
	if c.refuse[m.To.Key()] {
		return fmt.Errorf("queue: %s: %w", m.To.Key(), channels.ErrOptedOut)
	}
	return nil
}

func (c *checkingSender) Send(ctx context.Context, m channels.Outbound) (string, error) {
	conv, err := c.convs.FindConversationByID(ctx, "sms1")
	if err != nil {
		return "", err
	}
	c.inSaved = append(c.inSaved, conv.Turns[len(conv.Turns)-1].Text == m.Text)
	if m.Text == c.fail {
		return "", errors.New("queue: disk full")
	}
	c.sent = append(c.sent, m.Text)
	return "", nil
}

// TestStaffReplySavedBeforeSent checks a staff reply is in the transcript
// before it is handed to the channel (a crash between the two cannot send
// what the transcript lacks), is taken out again if the send fails, and
// is not saved at all when the sender refuses it up front.
func TestStaffReplySavedBeforeSent(t *testing.T) {
	sender := &checkingSender{refuse: map[string]bool{}}
	h := newSQLiteHarness(t, func(c *webchat.Config) {
		c.Senders = map[assistant.Channel]channels.Sender{assistant.ChannelSMS: sender}
	})
	sender.convs = h.db
	ctx := context.Background()
	hs := handedOffSMS(t, h)
	if _, err := h.srv.Claim(ctx, hs[0].ID, "Sam"); err != nil {
		t.Fatal(err)
	}
	turns := func() []string {
		conv, err := h.db.FindConversationByID(ctx, "sms1")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tn := range conv.Turns {
			out = append(out, tn.Text)
		}
		return out
	}

	if err := h.srv.StaffReply(ctx, "sms1", "Sam", "Your collection is booked."); err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, true}; !slices.Equal(sender.inSaved, want) {
		t.Errorf("transcript held each message as it was sent: got %v, want %v (the join notice, the reply)", sender.inSaved, want)
	}

	sender.fail = "This one will not go."
	before := turns()
	if err := h.srv.StaffReply(ctx, "sms1", "Sam", sender.fail); err == nil {
		t.Error("failed send: got no error")
	}
	if got := turns(); !slices.Equal(got, before) {
		t.Errorf("after a failed send the transcript is %q, want it as before %q", got, before)
	}

	sender.refuse["sms:+447700900123"] = true
	calls := len(sender.inSaved)
	if err := h.srv.StaffReply(ctx, "sms1", "Sam", "Are you still there?"); !errors.Is(err, channels.ErrOptedOut) {
		t.Errorf("refused reply: got %v, want ErrOptedOut", err)
	}
	if len(sender.inSaved) != calls {
		t.Error("a refused reply was handed to Send")
	}
	if got := turns(); !slices.Equal(got, before) {
		t.Errorf("after a refused reply the transcript is %q, want %q", got, before)
	}
	if !slices.Equal(sender.sent, []string{before[1], before[2]}) {
		t.Errorf("sent %q", sender.sent)
	}
}
