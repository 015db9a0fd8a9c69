package whatsapp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/whatsapp"
)

// fakeGraph plays the Cloud API's messages endpoint.
type fakeGraph struct {
	t      *testing.T
	bodies []map[string]any
	status int
	reply  string
}

func (f *fakeGraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if got, want := r.Method+" "+r.URL.Path, "POST /v23.0/106540352242922/messages"; got != want {
		f.t.Errorf("request: got %s, want %s", got, want)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer tok-1" {
		f.t.Errorf("authorization: got %q", got)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.t.Errorf("content type: got %q", ct)
	}
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		f.t.Errorf("body: %v", err)
	}
	f.bodies = append(f.bodies, m)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.status)
	io.WriteString(w, f.reply)
}

const okReply = `{"messaging_product":"whatsapp","contacts":[{"input":"447700900123","wa_id":"447700900123"}],"messages":[{"id":"wamid.OUT1"}]}`

func newClient(t *testing.T, status int, reply string) (*whatsapp.Client, *fakeGraph, *whatsapp.MemWindow) {
	fake := &fakeGraph{t: t, status: status, reply: reply}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	win := &whatsapp.MemWindow{}
	return &whatsapp.Client{
		Token: "tok-1", PhoneNumberID: "106540352242922", BaseURL: srv.URL,
		Window: win, HTTPClient: srv.Client(), Now: func() time.Time { return now },
	}, fake, win
}

// decode turns a JSON literal into the generic shape the fake records.
func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestClientSend(t *testing.T) {
	tests := []struct {
		name string
		m    channels.Outbound
		want string
	}{
		{"text", channels.Outbound{To: resident, Text: "Your bin day is **Tuesday**.",
			Links: []channels.Link{{Title: "Bin days", URL: "https://example.gov.uk/bins"}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123","type":"text",
			  "text":{"body":"Your bin day is *Tuesday*.\n\nBin days: https://example.gov.uk/bins","preview_url":false}}`},
		{"buttons", channels.Outbound{To: resident, Text: "Shall I log it?", QuickReplies: []string{"Yes", "No", "Report a different problem"}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123","type":"interactive",
			  "interactive":{"type":"button","body":{"text":"Shall I log it?"},"action":{"buttons":[
			    {"type":"reply","reply":{"id":"Yes","title":"Yes"}},
			    {"type":"reply","reply":{"id":"No","title":"No"}},
			    {"type":"reply","reply":{"id":"Report a different problem","title":"Report a different…"}}]}}}`},
		{"too many buttons", channels.Outbound{To: resident, Text: "Which?", QuickReplies: []string{"A", "B", "C", "D"}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123","type":"text",
			  "text":{"body":"Which?\n\nReply with: A, B, C or D","preview_url":false}}`},
		{"template", channels.Outbound{To: resident, Template: &channels.Template{Name: "request_update", Language: "en_GB", Params: []string{"PH-123", "fixed"}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123","type":"template",
			  "template":{"name":"request_update","language":{"code":"en_GB"},"components":[{"type":"body","parameters":[
			    {"type":"text","text":"PH-123"},{"type":"text","text":"fixed"}]}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake, win := newClient(t, 200, okReply)
			win.Touch(context.Background(), resident, now.Add(-time.Hour))
			id, err := c.Send(context.Background(), tt.m)
			if err != nil {
				t.Fatal(err)
			}
			if id != "wamid.OUT1" {
				t.Errorf("id: got %q, want wamid.OUT1", id)
			}
			if diff := cmp.Diff(decode(t, tt.want), fake.bodies[0]); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClientWindow(t *testing.T) {
	ctx := context.Background()
	m := channels.Outbound{To: resident, Text: "Your pothole has been fixed."}

	t.Run("never wrote: no fallback", func(t *testing.T) {
		c, fake, _ := newClient(t, 200, okReply)
		if _, err := c.Send(ctx, m); !errors.Is(err, channels.ErrOutsideWindow) {
			t.Errorf("got %v, want ErrOutsideWindow", err)
		}
		if len(fake.bodies) != 0 {
			t.Errorf("made %d requests, want 0", len(fake.bodies))
		}
	})
	t.Run("25 hours ago: fallback template", func(t *testing.T) {
		c, fake, win := newClient(t, 200, okReply)
		c.Fallback = &channels.Template{Name: "reply_waiting", Language: "en_GB"}
		win.Touch(ctx, resident, now.Add(-25*time.Hour))
		r, err := c.SendMessage(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Fallback || r.ID != "wamid.OUT1" {
			t.Errorf("got %+v, want fallback sent", r)
		}
		want := decode(t, `{"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123","type":"template",
			"template":{"name":"reply_waiting","language":{"code":"en_GB"}}}`)
		if diff := cmp.Diff(want, fake.bodies[0]); diff != "" {
			t.Errorf("request body (-want +got):\n%s", diff)
		}
	})
	t.Run("23 hours ago: free form", func(t *testing.T) {
		c, fake, win := newClient(t, 200, okReply)
		c.Fallback = &channels.Template{Name: "reply_waiting"}
		win.Touch(ctx, resident, now.Add(-23*time.Hour))
		r, err := c.SendMessage(ctx, m)
		if err != nil || r.Fallback {
			t.Fatalf("got %+v, %v; want free-form send", r, err)
		}
		if got := fake.bodies[0]["type"]; got != "text" {
			t.Errorf("type: got %v, want text", got)
		}
	})
	t.Run("explicit template ignores window", func(t *testing.T) {
		c, fake, _ := newClient(t, 200, okReply)
		if _, err := c.Send(ctx, channels.Outbound{To: resident, Template: &channels.Template{Name: "x"}}); err != nil {
			t.Fatal(err)
		}
		if got := fake.bodies[0]["type"]; got != "template" {
			t.Errorf("type: got %v, want template", got)
		}
	})
}

func TestOpen(t *testing.T) {
	tests := []struct {
		last time.Time
		want bool
	}{
		{time.Time{}, false},
		{now.Add(-time.Minute), true},
		{now.Add(-24*time.Hour + time.Second), true},
		{now.Add(-24 * time.Hour), false},
		{now.Add(30 * time.Second), true}, // small clock skew
		{now.Add(time.Hour), false},
	}
	for _, tt := range tests {
		if got := whatsapp.Open(tt.last, now); got != tt.want {
			t.Errorf("Open(%v) = %v, want %v", tt.last, got, tt.want)
		}
	}
}

func TestMemWindowKeepsLatest(t *testing.T) {
	ctx := context.Background()
	w := &whatsapp.MemWindow{}
	w.Touch(ctx, resident, now)
	w.Touch(ctx, resident, now.Add(-time.Hour)) // a late redelivery
	if got, _ := w.LastInbound(ctx, resident); !got.Equal(now) {
		t.Errorf("got %v, want %v", got, now)
	}
	other := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900456"}
	if got, _ := w.LastInbound(ctx, other); !got.IsZero() {
		t.Errorf("unknown user: got %v, want zero", got)
	}
}

func TestClientErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("re-engagement", func(t *testing.T) {
		c, _, _ := newClient(t, 400, `{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,
			"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
			"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}`)
		c.Window = nil
		_, err := c.Send(ctx, channels.Outbound{To: resident, Text: "hi"})
		if !errors.Is(err, channels.ErrOutsideWindow) {
			t.Errorf("got %v, want ErrOutsideWindow", err)
		}
		e, ok := errors.AsType[*whatsapp.Error](err)
		if !ok || e.Code != 131047 || e.TraceID != "Az8or2yhqkZfEZ-_4Qn_Bam" || !strings.Contains(e.Details, "24 hours") {
			t.Errorf("got %#v", e)
		}
	})
	t.Run("bad token", func(t *testing.T) {
		c, _, _ := newClient(t, 401, `{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190,"fbtrace_id":"x"}}`)
		c.Window = nil
		_, err := c.Send(ctx, channels.Outbound{To: resident, Text: "hi"})
		e, ok := errors.AsType[*whatsapp.Error](err)
		if !ok || e.Status != 401 || e.Code != 190 || e.Temporary() {
			t.Errorf("got %#v", err)
		}
	})
	t.Run("server error", func(t *testing.T) {
		c, _, _ := newClient(t, 502, `bad gateway`)
		c.Window = nil
		_, err := c.Send(ctx, channels.Outbound{To: resident, Text: "hi"})
		if e, ok := errors.AsType[*whatsapp.Error](err); !ok || !e.Temporary() {
			t.Errorf("got %v, want temporary *Error", err)
		}
	})
	t.Run("local", func(t *testing.T) {
		c, fake, win := newClient(t, 200, okReply)
		win.Touch(ctx, resident, now)
		for _, tt := range []struct {
			m    channels.Outbound
			want error
		}{
			{channels.Outbound{To: channels.Identity{Channel: channels.SMS, Address: "+447700900123"}, Text: "hi"}, channels.ErrInvalid},
			{channels.Outbound{To: channels.Identity{Channel: channels.WhatsApp, Address: "447700900123"}, Text: "hi"}, channels.ErrInvalid},
			{channels.Outbound{To: resident}, channels.ErrInvalid},
			{channels.Outbound{To: resident, Text: strings.Repeat("a", 4097)}, channels.ErrTooLarge},
		} {
			if _, err := c.Send(ctx, tt.m); !errors.Is(err, tt.want) {
				t.Errorf("Send(%+v): got %v, want %v", tt.m.To, err, tt.want)
			}
		}
		if len(fake.bodies) != 0 {
			t.Errorf("made %d requests, want 0", len(fake.bodies))
		}
	})
}
