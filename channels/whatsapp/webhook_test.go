package whatsapp_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/whatsapp"
)

const secret = "app-secret-123"

var now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

type recorder struct {
	mu   sync.Mutex
	got  []channels.Inbound
	fail error
}

func (r *recorder) HandleInbound(_ context.Context, m channels.Inbound) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, m)
	return nil
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for _, m := range r.got {
		ids = append(ids, m.ProviderID)
	}
	return ids
}

func newHook() (*whatsapp.Webhook, *recorder, *whatsapp.MemWindow) {
	rec := &recorder{}
	win := &whatsapp.MemWindow{Now: func() time.Time { return now }}
	return &whatsapp.Webhook{
		VerifyToken: "verify-me",
		AppSecret:   secret,
		Handler:     rec,
		Dedup:       channels.NewMemDeduper(0),
		Window:      win,
		Now:         func() time.Time { return now },
	}, rec, win
}

func post(h http.Handler, body []byte, sig string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/channels/whatsapp", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if sig != "" {
		r.Header.Set(whatsapp.SignatureHeader, sig)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestWebhookVerify(t *testing.T) {
	h, _, _ := newHook()
	tests := []struct {
		name, query string
		status      int
		body        string
	}{
		{"ok", "hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444", 200, "1158201444"},
		{"wrong token", "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1", 403, ""},
		{"wrong mode", "hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1", 403, ""},
		{"no token", "hub.mode=subscribe&hub.challenge=1", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/channels/whatsapp?"+tt.query, nil))
			if w.Code != tt.status {
				t.Fatalf("status: got %d, want %d", w.Code, tt.status)
			}
			if tt.status == 200 {
				if got := w.Body.String(); got != tt.body {
					t.Errorf("body: got %q, want %q", got, tt.body)
				}
				if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
					t.Errorf("content type: got %q, want text/plain", ct)
				}
			}
		})
	}
	unset := &whatsapp.Webhook{}
	w := httptest.NewRecorder()
	unset.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/?hub.mode=subscribe&hub.verify_token=&hub.challenge=1", nil))
	if w.Code != 403 {
		t.Errorf("empty configured token: got %d, want 403", w.Code)
	}
}

func TestWebhookReceive(t *testing.T) {
	h, rec, win := newHook()
	body := readFile(t, "messages.json")
	w := post(h, body, whatsapp.Sign(secret, body))
	if w.Code != http.StatusOK {
		t.Fatalf("status: got %d, want 200 (%s)", w.Code, w.Body)
	}
	if got := rec.ids(); len(got) != 7 {
		t.Errorf("handed on %v, want 7 messages", got)
	}
	last, _ := win.LastInbound(context.Background(), resident)
	if want := at(1772443806); !last.Equal(want) {
		t.Errorf("window: last inbound %v, want %v", last, want)
	}
	// Meta redelivers the same batch: nothing new is handed on.
	if w := post(h, body, whatsapp.Sign(secret, body)); w.Code != http.StatusOK {
		t.Fatalf("replay status: got %d, want 200", w.Code)
	}
	if got := rec.ids(); len(got) != 7 {
		t.Errorf("after replay handed on %d, want 7", len(got))
	}
}

func TestWebhookStatusesOnly(t *testing.T) {
	h, rec, _ := newHook()
	body := readFile(t, "statuses.json")
	if w := post(h, body, whatsapp.Sign(secret, body)); w.Code != http.StatusOK {
		t.Fatalf("status: got %d, want 200", w.Code)
	}
	if n := len(rec.ids()); n != 0 {
		t.Errorf("handed on %d, want 0", n)
	}
}

func TestWebhookRejects(t *testing.T) {
	good := readFile(t, "messages.json")
	huge := append([]byte(`{"object":"whatsapp_business_account","pad":"`), bytes.Repeat([]byte("x"), whatsapp.DefaultMaxBodyBytes)...)
	huge = append(huge, `"}`...)
	tests := []struct {
		name   string
		body   []byte
		sig    string
		status int
	}{
		{"bad signature", good, whatsapp.Sign("wrong-secret", good), http.StatusForbidden},
		{"no signature", good, "", http.StatusForbidden},
		{"signature of other body", good, whatsapp.Sign(secret, []byte("{}")), http.StatusForbidden},
		{"huge body", huge, whatsapp.Sign(secret, huge), http.StatusRequestEntityTooLarge},
		{"malformed json", []byte(`{"object":`), whatsapp.Sign(secret, []byte(`{"object":`)), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, rec, _ := newHook()
			if w := post(h, tt.body, tt.sig); w.Code != tt.status {
				t.Errorf("status: got %d, want %d", w.Code, tt.status)
			}
			if n := len(rec.ids()); n != 0 {
				t.Errorf("handed on %d, want 0", n)
			}
			if tt.status == http.StatusForbidden {
				// Nothing was recorded: a correctly signed delivery is
				// handled in full.
				post(h, good, whatsapp.Sign(secret, good))
				if n := len(rec.ids()); n != 7 {
					t.Errorf("after valid delivery handed on %d, want 7", n)
				}
			}
		})
	}
	h, _, _ := newHook()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPut, "/", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("PUT: got %d, want 405", w.Code)
	}
}

func TestWebhookHandlerFailureAllowsRetry(t *testing.T) {
	h, rec, _ := newHook()
	body := readFile(t, "messages.json")
	rec.fail = errors.New("queue down")
	if w := post(h, body, whatsapp.Sign(secret, body)); w.Code != http.StatusInternalServerError {
		t.Fatalf("status: got %d, want 500", w.Code)
	}
	rec.fail = nil
	if w := post(h, body, whatsapp.Sign(secret, body)); w.Code != http.StatusOK {
		t.Fatalf("retry status: got %d, want 200", w.Code)
	}
	if n := len(rec.ids()); n != 7 {
		t.Errorf("handed on %d after retry, want 7", n)
	}
}

func TestWebhookFutureTimestampClamped(t *testing.T) {
	h, rec, _ := newHook()
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"1"},` +
		`"messages":[{"from":"447700900123","id":"wamid.F","timestamp":"9999999999","type":"text","text":{"body":"hi"}}]}}]}]}`)
	post(h, body, whatsapp.Sign(secret, body))
	if len(rec.got) != 1 || !rec.got[0].Received.Equal(now) {
		t.Errorf("got %+v, want Received clamped to now", rec.got)
	}
}
