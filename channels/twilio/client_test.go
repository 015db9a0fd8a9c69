package twilio_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/twilio"
)

// fakeTwilio plays Twilio's Messages API, recording each request's form.
type fakeTwilio struct {
	t      *testing.T
	forms  []url.Values
	status int
	reply  string
}

func (f *fakeTwilio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if got, want := r.Method+" "+r.URL.Path, "POST /2010-04-01/Accounts/AC123/Messages.json"; got != want {
		f.t.Errorf("request: got %s, want %s", got, want)
	}
	if u, p, ok := r.BasicAuth(); !ok || u != "AC123" || p != "secret" {
		f.t.Errorf("basic auth: got %q/%q (%v), want AC123/secret", u, p, ok)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		f.t.Errorf("content type: got %q", ct)
	}
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil {
		f.t.Errorf("form: %v", err)
	}
	f.forms = append(f.forms, form)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.status)
	io.WriteString(w, f.reply)
}

func newClient(t *testing.T, status int, reply string) (*twilio.Client, *fakeTwilio) {
	fake := &fakeTwilio{t: t, status: status, reply: reply}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return &twilio.Client{AccountSID: "AC123", AuthToken: "secret", BaseURL: srv.URL, From: "+447700900999", HTTPClient: srv.Client()}, fake
}

var to = channels.Identity{Channel: channels.SMS, Address: "+447700900123"}

func TestClientSend(t *testing.T) {
	c, fake := newClient(t, http.StatusCreated, `{"sid":"SM9f3","status":"queued","to":"+447700900123","num_segments":"1"}`)
	sid, err := c.Send(context.Background(), channels.Outbound{
		To:    to,
		Text:  "Your report is logged.",
		Links: []channels.Link{{Title: "Track it", URL: "https://example.gov.uk/r/1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sid != "SM9f3" {
		t.Errorf("sid: got %q, want SM9f3", sid)
	}
	want := url.Values{
		"To":   {"+447700900123"},
		"From": {"+447700900999"},
		"Body": {"Your report is logged.\n\nTrack it: https://example.gov.uk/r/1"},
	}
	if diff := cmp.Diff(want, fake.forms[0]); diff != "" {
		t.Errorf("form (-want +got):\n%s", diff)
	}
}

func TestClientSendVariants(t *testing.T) {
	c, fake := newClient(t, http.StatusCreated, `{"sid":"SM1","status":"queued"}`)
	c.MessagingServiceSID = "MG555"
	c.StatusCallback = "https://townhall.example.gov.uk/channels/twilio/status"
	ctx := context.Background()
	if _, err := c.Send(ctx, channels.Outbound{To: channels.Identity{Channel: channels.WhatsApp, Address: "+447700900123"},
		Template: &channels.Template{Name: "HX123", Params: []string{"Mill Lane", "fixed"}}}); err != nil {
		t.Fatal(err)
	}
	want := url.Values{
		"To":                  {"whatsapp:+447700900123"},
		"MessagingServiceSid": {"MG555"},
		"StatusCallback":      {"https://townhall.example.gov.uk/channels/twilio/status"},
		"ContentSid":          {"HX123"},
		"ContentVariables":    {`{"1":"Mill Lane","2":"fixed"}`},
	}
	if diff := cmp.Diff(want, fake.forms[0]); diff != "" {
		t.Errorf("form (-want +got):\n%s", diff)
	}
}

func TestClientSendLocalErrors(t *testing.T) {
	c, fake := newClient(t, http.StatusCreated, `{"sid":"SM1"}`)
	opt := channels.NewMemOptOuts()
	opt.SetOptedOut(context.Background(), to, true)
	c.OptOuts = opt
	tests := []struct {
		name string
		m    channels.Outbound
		want error
	}{
		{"opted out", channels.Outbound{To: to, Text: "hi"}, channels.ErrOptedOut},
		{"not e164", channels.Outbound{To: channels.Identity{Channel: channels.SMS, Address: "07700900123"}, Text: "hi"}, channels.ErrInvalid},
		{"web channel", channels.Outbound{To: channels.Identity{Channel: channels.Web, Address: "s1"}, Text: "hi"}, channels.ErrInvalid},
		{"empty", channels.Outbound{To: channels.Identity{Channel: channels.SMS, Address: "+447700900124"}}, channels.ErrInvalid},
		{"too long", channels.Outbound{To: channels.Identity{Channel: channels.SMS, Address: "+447700900124"}, Text: strings.Repeat("a", 1601)}, channels.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Send(context.Background(), tt.m); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	if len(fake.forms) != 0 {
		t.Errorf("made %d requests, want 0", len(fake.forms))
	}
}

func TestClientSendTwilioErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		reply     string
		want      twilio.Error
		is        error
		temporary bool
	}{
		{"invalid to", 400, `{"code":21211,"message":"The 'To' number +4400 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}`,
			twilio.Error{Status: 400, Code: 21211, Message: "The 'To' number +4400 is not a valid phone number.", MoreInfo: "https://www.twilio.com/docs/errors/21211"}, channels.ErrInvalid, false},
		{"unsubscribed", 400, `{"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400}`,
			twilio.Error{Status: 400, Code: 21610, Message: "Attempt to send to unsubscribed recipient", MoreInfo: "https://www.twilio.com/docs/errors/21610"}, channels.ErrOptedOut, false},
		{"server error, not json", 503, `<html>down</html>`, twilio.Error{Status: 503, Message: "Service Unavailable"}, nil, true},
		{"rate limited", 429, `{"code":20429,"message":"Too Many Requests","status":429}`, twilio.Error{Status: 429, Code: 20429, Message: "Too Many Requests"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newClient(t, tt.status, tt.reply)
			_, err := c.Send(context.Background(), channels.Outbound{To: to, Text: "hi"})
			e, ok := errors.AsType[*twilio.Error](err)
			if !ok {
				t.Fatalf("got %v, want *twilio.Error", err)
			}
			if diff := cmp.Diff(tt.want, *e); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			if e.Temporary() != tt.temporary {
				t.Errorf("Temporary: got %v, want %v", e.Temporary(), tt.temporary)
			}
		})
	}
}
