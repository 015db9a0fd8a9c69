package whatsapp_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/whatsapp"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var resident = channels.Identity{Channel: channels.WhatsApp, Address: "+447700900123"}

func at(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

func TestParse(t *testing.T) {
	got, err := whatsapp.Parse(readFile(t, "messages.json"))
	if err != nil {
		t.Fatal(err)
	}
	const to = "106540352242922"
	want := []channels.Inbound{
		{ProviderID: "wamid.TEXT1", From: resident, To: to, Kind: channels.KindText,
			Text: "There is a pothole on <b>Mill Lane</b>", Received: at(1772443800)},
		{ProviderID: "wamid.BTN1", From: resident, To: to, Kind: channels.KindReply, Text: "Report it",
			Reply: &channels.Reply{ID: "report_pothole", Title: "Report it"}, Received: at(1772443801)},
		{ProviderID: "wamid.LIST1", From: resident, To: to, Kind: channels.KindReply, Text: "Missed bin",
			Reply: &channels.Reply{ID: "missed_bin", Title: "Missed bin"}, Received: at(1772443802)},
		{ProviderID: "wamid.TPL1", From: resident, To: to, Kind: channels.KindReply, Text: "See reply",
			Reply: &channels.Reply{ID: "see_reply", Title: "See reply"}, Received: at(1772443803)},
		{ProviderID: "wamid.LOC1", From: resident, To: to, Kind: channels.KindLocation,
			Location: &channels.Location{Lat: 51.5072, Lon: -0.1276, Name: "Mill Lane", Address: "1 Mill Lane, Thornbury"}, Received: at(1772443804)},
		{ProviderID: "wamid.IMG1", From: resident, To: to, Kind: channels.KindText, Text: "This one",
			Unsupported: "image", Received: at(1772443805)},
		{ProviderID: "wamid.AUD1", From: resident, To: to, Kind: channels.KindUnsupported,
			Unsupported: "audio", Received: at(1772443806)},
		// The reaction and the message from "not-a-number" are skipped.
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseNothingToHandOn(t *testing.T) {
	for name, body := range map[string][]byte{
		"statuses":     readFile(t, "statuses.json"),
		"other object": []byte(`{"object":"page","entry":[{"id":"1","messaging":[]}]}`),
		"no entries":   []byte(`{"object":"whatsapp_business_account","entry":[]}`),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := whatsapp.Parse(body)
			if err != nil || len(got) != 0 {
				t.Errorf("got %v, %v; want no messages, no error", got, err)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	for name, body := range map[string]string{
		"truncated":   `{"object":"whatsapp_business_account","entry":[`,
		"not json":    `object=whatsapp`,
		"wrong shape": `{"object":"whatsapp_business_account","entry":{"id":1}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := whatsapp.Parse([]byte(body)); !errors.Is(err, channels.ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		})
	}
}

func TestParseCleansText(t *testing.T) {
	body := []byte("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{\"metadata\":{\"phone_number_id\":\"1\"}," +
		"\"messages\":[{\"from\":\"447700900123\",\"id\":\"wamid.U\",\"timestamp\":\"x\",\"type\":\"text\",\"text\":{\"body\":\"bin\xff\\u0000day\\u202e\"}}]}}]}]}")
	got, err := whatsapp.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Text != "bin\uFFFDday" || !got[0].Received.IsZero() {
		t.Errorf("got %+v, want text %q and zero time", got, "bin\uFFFDday")
	}
}
