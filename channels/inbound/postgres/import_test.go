package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound/postgres"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

func TestImportResidentState(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "test_messaging_")
	db, err := postgres.Open(ctx, url, postgres.Options{Schema: schema, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	early := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	late := early.Add(20 * time.Hour)
	wa1 := channels.Identity{Channel: channels.WhatsApp, Address: "447700900001"}
	wa2 := channels.Identity{Channel: channels.WhatsApp, Address: "447700900002"}
	sms := channels.Identity{Channel: channels.SMS, Address: "+447700900003"}
	// Since the switch: wa1 wrote later than the file knows, wa2 earlier.
	if err := db.Touch(ctx, wa1, late); err != nil {
		t.Fatal(err)
	}
	if err := db.Touch(ctx, wa2, early); err != nil {
		t.Fatal(err)
	}
	in := postgres.Import{
		OptOuts: map[string]time.Time{sms.Key(): early},
		Windows: map[string]time.Time{wa1.Key(): early, wa2.Key(): late},
	}
	counts, err := db.Import(ctx, in, postgres.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if counts[0].Copied != 1 || counts[1].Copied != 1 || counts[1].Present != 1 {
		t.Errorf("counts = %+v; want one opt-out copied, one window moved and one kept", counts)
	}
	for id, want := range map[channels.Identity]time.Time{wa1: late, wa2: late} {
		if got, err := db.LastInbound(ctx, id); err != nil || !got.Equal(want) {
			t.Errorf("LastInbound(%s) = %s, %v; want %s (the later)", id.Key(), got, err, want)
		}
	}
	if out, err := db.OptedOut(ctx, sms); err != nil || !out {
		t.Errorf("OptedOut(%s) = %v, %v; want true", sms.Key(), out, err)
	}
	counts, err = db.Import(ctx, in, postgres.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.Copied != 0 {
			t.Errorf("second import copied %d rows of %s, want 0", c.Copied, c.Table)
		}
	}
}
