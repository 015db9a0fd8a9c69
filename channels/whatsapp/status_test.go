package whatsapp_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/whatsapp"
)

type reports struct{ got []channels.Delivery }

func (r *reports) HandleDelivery(_ context.Context, d channels.Delivery) error {
	r.got = append(r.got, d)
	return nil
}

// TestWebhookStatuses hands Meta's delivery reports (the statuses of a
// notification, in the Cloud API's wire shape) to Deliveries.
func TestWebhookStatuses(t *testing.T) {
	h, rec, _ := newHook()
	dr := &reports{}
	h.Deliveries = dr
	delivered, failed := readFile(t, "statuses.json"), readFile(t, "status_failed.json")
	if w := post(h, failed, whatsapp.Sign("not-the-secret", failed)); w.Code != http.StatusForbidden || len(dr.got) != 0 {
		t.Fatalf("forged: got %d and %d reports, want 403 and none", w.Code, len(dr.got))
	}
	for _, body := range [][]byte{delivered, failed} {
		if w := post(h, body, whatsapp.Sign(secret, body)); w.Code != http.StatusOK {
			t.Fatalf("status: got %d, want 200", w.Code)
		}
	}
	resident := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900123"}
	want := []channels.Delivery{
		{ProviderID: "wamid.OUT1", To: resident, State: channels.DeliveryDelivered, At: time.Unix(1772443900, 0).UTC()},
		{ProviderID: "wamid.OUT2", To: resident, State: channels.DeliveryFailed, ErrorCode: "131047", At: time.Unix(1772443960, 0).UTC(),
			Err: &whatsapp.DeliveryError{Code: whatsapp.CodeReengagement, Title: "Re-engagement message"}},
	}
	if diff := cmp.Diff(want, dr.got); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
	if !errors.Is(dr.got[1].Err, channels.ErrOutsideWindow) {
		t.Errorf("131047: got %v, want ErrOutsideWindow", dr.got[1].Err)
	}
	if n := len(rec.ids()); n != 0 {
		t.Errorf("statuses handed on %d messages, want 0", n)
	}
}

func TestDeliveryErrorTemporary(t *testing.T) {
	for code, want := range map[int]bool{whatsapp.CodeRateLimit: true, whatsapp.CodePairRateLimit: true, whatsapp.CodeServiceUnavailable: true,
		whatsapp.CodeReengagement: false, whatsapp.CodeUndeliverable: false, 131000: false} {
		if got := (&whatsapp.DeliveryError{Code: code}).Temporary(); got != want {
			t.Errorf("%d: Temporary got %v, want %v", code, got, want)
		}
	}
}
