package whatsapp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/twilio"
	"github.com/townhall-civic/townhall/channels/whatsapp"
)

// twilioMessages plays Twilio's Messages API and records the forms.
type twilioMessages struct {
	t     *testing.T
	forms []url.Values
}

func (f *twilioMessages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if got, want := r.Method+" "+r.URL.Path, "POST /2010-04-01/Accounts/AC123/Messages.json"; got != want {
		f.t.Errorf("request: got %s, want %s", got, want)
	}
	b, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(b))
	if err != nil {
		f.t.Errorf("form: %v", err)
	}
	f.forms = append(f.forms, form)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"sid":"SM%d","status":"queued","to":%q}`, len(f.forms), form.Get("To"))
}

// TestWindowedThroughTwilio sends WhatsApp through Twilio's Messages API
// with the window rule: free text inside it, the Content template
// (ContentSid, ContentVariables) outside it.
func TestWindowedThroughTwilio(t *testing.T) {
	ctx := context.Background()
	fake := &twilioMessages{t: t}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	win := &whatsapp.MemWindow{}
	w := &whatsapp.Windowed{
		Sender:   &twilio.Client{AccountSID: "AC123", AuthToken: "secret", BaseURL: srv.URL, From: "+447700900999", HTTPClient: srv.Client()},
		Window:   win,
		Fallback: &channels.Template{Name: "HXb5b62575e6e4ff6129ad7c8efe1f983e", Params: []string{"Thornbury Vale Council"}},
		Now:      func() time.Time { return now },
	}
	m := channels.Outbound{To: resident, Text: "Your pothole has been fixed."}

	// Never wrote: the template.
	r, err := w.SendMessage(ctx, m)
	if err != nil || !r.Fallback || r.ID != "SM1" {
		t.Fatalf("outside the window: got %+v, %v; want the template sent", r, err)
	}
	want := url.Values{
		"To": {"whatsapp:+447700900123"}, "From": {"whatsapp:+447700900999"},
		"ContentSid": {"HXb5b62575e6e4ff6129ad7c8efe1f983e"}, "ContentVariables": {`{"1":"Thornbury Vale Council"}`},
	}
	if diff := cmp.Diff(want, fake.forms[0]); diff != "" {
		t.Errorf("template form (-want +got):\n%s", diff)
	}

	// Wrote an hour ago: the text itself.
	win.Touch(ctx, resident, now.Add(-time.Hour))
	r, err = w.SendMessage(ctx, m)
	if err != nil || r.Fallback {
		t.Fatalf("inside the window: got %+v, %v; want the message sent", r, err)
	}
	if got := fake.forms[1].Get("Body"); got != m.Text {
		t.Errorf("body: got %q, want %q", got, m.Text)
	}
	if fake.forms[1].Has("ContentSid") {
		t.Errorf("free text sent with a ContentSid: %v", fake.forms[1])
	}

	// No template configured: refused without a request.
	w.Fallback = nil
	win2 := &whatsapp.MemWindow{}
	w.Window = win2
	if _, err := w.Send(ctx, m); !errors.Is(err, channels.ErrOutsideWindow) {
		t.Errorf("no fallback: got %v, want ErrOutsideWindow", err)
	}
	if _, err := w.Send(ctx, channels.Outbound{To: channels.Identity{Channel: channels.SMS, Address: "+447700900123"}, Text: "x"}); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("SMS recipient: got %v, want ErrInvalid", err)
	}
	if len(fake.forms) != 2 {
		t.Errorf("made %d requests, want 2", len(fake.forms))
	}
}
