package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/assistant"
	apostgres "github.com/townhall-civic/townhall/assistant/postgres"
	asqlite "github.com/townhall-civic/townhall/assistant/sqlite"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
	ipostgres "github.com/townhall-civic/townhall/channels/inbound/postgres"
	isqlite "github.com/townhall-civic/townhall/channels/inbound/sqlite"
	"github.com/townhall-civic/townhall/channels/webchat"
	wpostgres "github.com/townhall-civic/townhall/channels/webchat/postgres"
	wsqlite "github.com/townhall-civic/townhall/channels/webchat/sqlite"
	"github.com/townhall-civic/townhall/foi"
	fpostgres "github.com/townhall-civic/townhall/foi/postgres"
	fsqlite "github.com/townhall-civic/townhall/foi/sqlite"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

// migrateFixture is what TestStoreMigrate puts in the SQLite stores, as
// those stores give it back: the values PostgreSQL must give back too.
type migrateFixture struct {
	conv       *assistant.Conversation
	srs        []*assistant.ServiceRequest
	handoffs   []*assistant.QueuedHandoff
	request    *foi.Request
	disclosure *foi.Disclosure
	draft      *foi.Disclosure
	rules      []foi.Rule
	audit      []foi.Redaction
	digest     string // the audit digest of the removed name
	feedback   []webchat.Feedback
	sms, wa    channels.Identity
	window     time.Time
}

// us is a time at microsecond precision, what both stores keep.
func us(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// populateSQLite fills the four SQLite stores of dir through their
// normal APIs: a conversation in which a pothole was logged, a second
// request, hand-offs (one closed, one waiting), an FOI request received
// during BST with events, a censor rule and a redacted publication,
// web chat feedback and message ids, an SMS opt-out and a WhatsApp
// window.
func populateSQLite(t *testing.T, dir string) migrateFixture {
	t.Helper()
	ctx := context.Background()
	var fx migrateFixture

	adb, err := asqlite.Open(ctx, filepath.Join(dir, "assistant.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer adb.Close()
	// Times the stores stamp themselves, at microseconds as both keep
	// them (SQLite would keep nanoseconds, PostgreSQL cannot).
	adb.Now = func() time.Time { return us("2026-06-14T09:40:00.000007Z") }
	sr := &assistant.ServiceRequest{
		Service:        "pothole",
		Location:       assistant.Location{Address: "Mill Lane, outside no. 14", Postcode: "TV1 4QP", Lat: 51.501234, Lon: -0.123456},
		Description:    "Deep pothole — about 30cm, cyclists swerving.\x7f",
		Answers:        map[string]string{"depth": "deep", "hazard": "yes"},
		Contact:        "07700 900123",
		Channel:        assistant.ChannelWeb,
		ConversationID: "web-5f2a",
		Confirmed:      true,
		Created:        us("2026-06-14T09:31:07.123456Z"),
	}
	if err := adb.CreateServiceRequest(ctx, sr); err != nil {
		t.Fatal(err)
	}
	sr2 := &assistant.ServiceRequest{Service: "missed_bin", Location: assistant.Location{Address: "3 Elm Road"},
		Answers: map[string]string{}, Channel: assistant.ChannelSMS, ConversationID: "sms-77", Created: us("2026-06-15T18:00:00.000001Z")}
	if err := adb.CreateServiceRequest(ctx, sr2); err != nil {
		t.Fatal(err)
	}
	fx.conv = &assistant.Conversation{
		ID: "web-5f2a", Channel: assistant.ChannelWeb, Resident: "web:8c1d", Needs: assistant.Needs{PlainEnglish: true},
		Turns: []assistant.Turn{
			{Seq: 1, Role: assistant.RoleResident, Text: "There's a pothole on Mill Lane", At: us("2026-06-14T09:30:01.000001Z")},
			{Seq: 2, Role: assistant.RoleAssistant, Text: "I can report that [1]. Where exactly?", Intent: assistant.IntentServiceRequest,
				Citations: []assistant.Citation{{N: 1, DocID: "roads/potholes", Title: "Potholes", URL: "https://thornburyvale.example/potholes"}},
				At:        us("2026-06-14T09:30:02.5Z")},
			{Seq: 3, Role: assistant.RoleResident, Text: "outside no. 14  \n(the deep one)", At: us("2026-06-14T09:31:00Z")},
			{Seq: 4, Role: assistant.RoleAssistant, Text: "Logged: your reference is " + sr.Reference + ".", Intent: assistant.IntentServiceRequest,
				At: us("2026-06-14T09:31:07.123456Z")},
		},
		Created: us("2026-06-14T09:30:01.000001Z"), Updated: us("2026-06-14T09:31:07.123456Z"),
	}
	if err := adb.SaveConversation(ctx, fx.conv); err != nil {
		t.Fatal(err)
	}
	for _, h := range []assistant.Handoff{
		{ConversationID: "web-5f2a", Channel: assistant.ChannelWeb, Resident: "web:8c1d", Reason: "asked for a person",
			Transcript: fx.conv.Turns[:2], At: us("2026-06-14T09:32:00.000002Z")},
		{ConversationID: "sms-77", Channel: assistant.ChannelSMS, Resident: "sms:+447700900123", Reason: "two failures",
			OutOfHours: true, At: us("2026-06-15T22:10:00Z")},
	} {
		if err := adb.EnqueueHandoff(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := adb.ClaimHandoff(ctx, 1, "officer.jones"); err != nil {
		t.Fatal(err)
	}
	if _, err := adb.CloseHandoff(ctx, 1, "officer.jones", "rang the resident back"); err != nil {
		t.Fatal(err)
	}
	if fx.handoffs, err = adb.ListHandoffs(ctx, assistant.HandoffFilter{}); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{sr.Reference, sr2.Reference} {
		got, err := adb.FindServiceRequestByReference(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		fx.srs = append(fx.srs, got)
	}

	fdb, err := fsqlite.Open(ctx, filepath.Join(dir, "foi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fdb.Close()
	fdb.Now = func() time.Time { return us("2026-06-20T14:05:00.000011Z") }
	bst := time.FixedZone("BST", 3600)
	req := &foi.Request{
		Name: "Marta Nowak", Email: "marta@example.org", Description: "All pothole repairs on Mill Lane since 2024.",
		Law: foi.LawFOIA, Nation: foi.NationEnglandWales,
		Received: time.Date(2026, 6, 1, 0, 30, 0, 123456000, bst), Due: time.Date(2026, 6, 29, 0, 0, 0, 0, time.UTC),
		Status: foi.StatusWaitingResponse,
		Events: []foi.Event{{At: time.Date(2026, 6, 1, 0, 30, 0, 123456000, bst), Actor: "requester", To: foi.StatusWaitingResponse, Note: "received by form"}},
	}
	if err := fdb.CreateRequest(ctx, req); err != nil {
		t.Fatal(err)
	}
	assignee, st := "officer.patel", foi.StatusSuccessful
	if _, err := fdb.UpdateRequest(ctx, req.ID, foi.RequestUpdate{Assignee: &assignee, Status: &st,
		AppendEvents: []foi.Event{{At: us("2026-06-20T14:00:00.000009Z"), Actor: "officer.patel", From: foi.StatusWaitingResponse, To: st, Note: "answered"}}}); err != nil {
		t.Fatal(err)
	}
	if fx.request, err = fdb.FindRequestByID(ctx, req.ID); err != nil {
		t.Fatal(err)
	}
	rule := &foi.Rule{Pattern: `TV/\d{4}/\d+`, Regexp: true, Replacement: "[case reference removed]", Comment: "internal case numbers",
		Author: "officer.patel", Created: us("2026-06-02T10:00:00.000003Z")}
	if err := fdb.CreateRule(ctx, rule); err != nil {
		t.Fatal(err)
	}
	if fx.rules, err = fdb.FindRules(ctx, foi.RuleFilter{}); err != nil {
		t.Fatal(err)
	}
	draft := &foi.Disclosure{ID: "mill-lane-potholes", Reference: fx.request.Reference, Title: "Pothole repairs, Mill Lane",
		RequestText:  "Dear Council,\nAll pothole repairs on Mill Lane since 2024.\nYours faithfully,\nMarta Nowak",
		ResponseText: "Dear Ms Nowak,\nThere were 41 (case TV/2025/77).\nFOI Team",
		Received:     fx.request.Received, Responded: time.Date(2026, 6, 20, 15, 0, 0, 0, bst),
		Status: foi.StatusSuccessful, Law: foi.LawFOIA, Department: "Highways", Topic: "Roads"}
	pub, err := foi.Prepare(draft, foi.DetectOptions{}, fx.rules)
	if err != nil {
		t.Fatal(err)
	}
	if err := fdb.PublishDisclosures(ctx, []foi.Publication{pub}); err != nil {
		t.Fatal(err)
	}
	if fx.disclosure, err = fdb.FindDisclosureByID(ctx, draft.ID); err != nil {
		t.Fatal(err)
	}
	if fx.draft, err = fdb.FindDraft(ctx, draft.ID); err != nil {
		t.Fatal(err)
	}
	if fx.audit, err = fdb.FindRedactions(ctx, draft.ID); err != nil || len(fx.audit) == 0 {
		t.Fatalf("FindRedactions = %d entries, %v; want some", len(fx.audit), err)
	}
	if fx.digest, err = fdb.AuditDigest(ctx, "Nowak"); err != nil {
		t.Fatal(err)
	}

	wdb, err := wsqlite.Open(ctx, filepath.Join(dir, "webchat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer wdb.Close()
	for _, r := range []webchat.MessageRecord{
		{ConversationID: "web-5f2a", ClientID: "c-1", Seq: 1, Resident: "web:8c1d", Channel: assistant.ChannelWeb, At: us("2026-06-14T09:30:01.000001Z")},
		{ConversationID: "web-5f2a", ClientID: "c-2", Seq: 3, Resident: "web:8c1d", Channel: assistant.ChannelWeb, At: us("2026-06-14T09:31:00Z")},
	} {
		if err := wdb.RecordMessage(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	fx.feedback = []webchat.Feedback{{ConversationID: "web-5f2a", Seq: 4, Helpful: true, Channel: assistant.ChannelWeb,
		Question: "outside no. 14  \n(the deep one)", Answer: fx.conv.Turns[3].Text, At: us("2026-06-14T09:33:00.654321Z")}}
	if err := wdb.SaveFeedback(ctx, fx.feedback[0]); err != nil {
		t.Fatal(err)
	}

	idb, err := isqlite.Open(ctx, filepath.Join(dir, "messaging.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer idb.Close()
	fx.sms = channels.Identity{Channel: channels.SMS, Address: "+447700900123"}
	fx.wa = channels.Identity{Channel: channels.WhatsApp, Address: "447700900456"}
	fx.window = us("2026-06-15T08:00:00.123Z")
	if err := idb.SetOptedOut(ctx, fx.sms, true); err != nil {
		t.Fatal(err)
	}
	if err := idb.Touch(ctx, fx.wa, fx.window); err != nil {
		t.Fatal(err)
	}
	return fx
}

func fileSums(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	for _, name := range []string{"assistant.db", "foi.db", "webchat.db", "messaging.db"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		out[name] = sha256.Sum256(b)
	}
	return out
}

// copiedColumn returns, per table, the "copied" (or "would copy") figure
// of a migrate report.
func copiedColumn(t *testing.T, out string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s+([a-z_]+)\s+(\d+)\s+(\d+)\s+(\d+)$`).FindAllStringSubmatch(out, -1) {
		got[m[1]] = m[3]
	}
	return got
}

func TestStoreMigrate(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "th_migrate_")
	ctx := context.Background()
	dir := t.TempDir()
	fx := populateSQLite(t, dir)
	before := fileSums(t, dir)
	getenv := func(k string) string {
		return map[string]string{"TOWNHALL_DATABASE_URL": url, "TOWNHALL_DATABASE_SCHEMA": schema}[k]
	}

	// A dry run reports what it would copy and writes nothing.
	out, errOut, err := runCmd(t, getenv, "store", "migrate", "-data", dir, "-dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s%s", err, out, errOut)
	}
	if got := copiedColumn(t, out); got["conversations"] != "1" || got["service_requests"] != "2" || got["foi_requests"] != "1" ||
		got["webchat_feedback"] != "1" || got["messaging_opt_outs"] != "1" {
		t.Errorf("dry run report:\n%s", out)
	}
	adb, err := apostgres.Open(ctx, url, apostgres.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer adb.Close()
	if _, err := adb.FindServiceRequestByReference(ctx, fx.srs[0].Reference); !errors.Is(err, assistant.ErrNotFound) {
		t.Fatalf("after a dry run, FindServiceRequestByReference error = %v, want ErrNotFound", err)
	}

	out, errOut, err = runCmd(t, getenv, "store", "migrate", "-data", dir)
	if err != nil {
		t.Fatalf("migrate: %v\n%s%s", err, out, errOut)
	}
	t.Logf("first run:\n%s", out)
	if diff := cmp.Diff(before, fileSums(t, dir)); diff != "" {
		t.Errorf("the SQLite files changed (-before +after):\n%s", diff)
	}

	// Everything reads back through the PostgreSQL stores' own APIs.
	gotConv, err := adb.FindConversationByID(ctx, fx.conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fx.conv, gotConv); diff != "" {
		t.Errorf("conversation (-sqlite +postgres):\n%s", diff)
	}
	for _, want := range fx.srs {
		got, err := adb.FindServiceRequestByReference(ctx, want.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("service request %s (-sqlite +postgres):\n%s", want.Reference, diff)
		}
	}
	gotHandoffs, err := adb.ListHandoffs(ctx, assistant.HandoffFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fx.handoffs, gotHandoffs); diff != "" {
		t.Errorf("hand-offs (-sqlite +postgres):\n%s", diff)
	}

	fdb, err := fpostgres.Open(ctx, url, fpostgres.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer fdb.Close()
	gotReq, err := fdb.FindRequestByID(ctx, fx.request.ID)
	if err != nil {
		t.Fatal(err)
	}
	// foi/sqlite gives no clarifications as an empty list, foi/postgres
	// as nil.
	if diff := cmp.Diff(fx.request, gotReq, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("FOI request (-sqlite +postgres):\n%s", diff)
	}
	if gotReq.Received.Format(time.RFC3339Nano) != fx.request.Received.Format(time.RFC3339Nano) {
		t.Errorf("received = %s, want %s (offset kept)", gotReq.Received.Format(time.RFC3339Nano), fx.request.Received.Format(time.RFC3339Nano))
	}
	gotDisc, err := fdb.FindDisclosureByID(ctx, fx.disclosure.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fx.disclosure, gotDisc); diff != "" {
		t.Errorf("disclosure (-sqlite +postgres):\n%s", diff)
	}
	gotDraft, err := fdb.FindDraft(ctx, fx.draft.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fx.draft, gotDraft); diff != "" {
		t.Errorf("draft (-sqlite +postgres):\n%s", diff)
	}
	gotRules, err := fdb.FindRules(ctx, foi.RuleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fx.rules, gotRules); diff != "" {
		t.Errorf("censor rules (-sqlite +postgres):\n%s", diff)
	}
	gotAudit, err := fdb.FindRedactions(ctx, fx.disclosure.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fx.audit, gotAudit); diff != "" {
		t.Errorf("audit trail (-sqlite +postgres):\n%s", diff)
	}
	if d, err := fdb.AuditDigest(ctx, "Nowak"); err != nil || d != fx.digest {
		t.Errorf("AuditDigest(Nowak) = %q, %v; want foi.db's %q (the key is copied)", d, err, fx.digest)
	}
	if v, err := fdb.LogVersion(ctx); err != nil || v == 0 {
		t.Errorf("LogVersion = %d, %v; want the copy to advance it", v, err)
	}

	wdb, err := wpostgres.Open(ctx, url, wpostgres.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer wdb.Close()
	gotFB, err := wdb.FindFeedback(ctx, webchat.FeedbackFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fx.feedback, gotFB); diff != "" {
		t.Errorf("feedback (-sqlite +postgres):\n%s", diff)
	}
	if seq, err := wdb.FindMessageSeq(ctx, "web-5f2a", "c-2"); err != nil || seq != 3 {
		t.Errorf("FindMessageSeq(c-2) = %d, %v; want 3", seq, err)
	}
	if convs, err := wdb.ResidentConversations(ctx, "web:8c1d", 0); err != nil || !cmp.Equal(convs, []string{"web-5f2a"}) {
		t.Errorf("ResidentConversations = %q, %v; want [web-5f2a]", convs, err)
	}

	idb, err := ipostgres.Open(ctx, url, ipostgres.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer idb.Close()
	if out, err := idb.OptedOut(ctx, fx.sms); err != nil || !out {
		t.Errorf("OptedOut(%s) = %v, %v; want true", fx.sms.Key(), out, err)
	}
	if last, err := idb.LastInbound(ctx, fx.wa); err != nil || !last.Equal(fx.window) {
		t.Errorf("LastInbound(%s) = %s, %v; want %s", fx.wa.Key(), last, err, fx.window)
	}

	// New rows after the switch: references and ids carry on past the
	// copied ones. Then a later change in PostgreSQL must survive a
	// second run.
	next := &assistant.ServiceRequest{Service: "pothole", Answers: map[string]string{}, Created: us("2026-07-01T10:00:00Z")}
	if err := adb.CreateServiceRequest(ctx, next); err != nil {
		t.Fatal(err)
	}
	if next.Reference != "SR-2026-000003" {
		t.Errorf("the next reference after the copy = %s, want SR-2026-000003", next.Reference)
	}
	if err := adb.EnqueueHandoff(ctx, assistant.Handoff{ConversationID: "web-new", Channel: assistant.ChannelWeb, Reason: "new"}); err != nil {
		t.Fatal(err)
	}
	if hs, err := adb.ListHandoffs(ctx, assistant.HandoffFilter{}); err != nil || len(hs) != 3 || hs[2].ID <= fx.handoffs[1].ID {
		t.Errorf("after a new hand-off: %d hand-offs, %v; want 3, the new one's id past %d", len(hs), err, fx.handoffs[1].ID)
	}
	newReq := &foi.Request{Name: "A", Email: "a@example.org", Description: "x", Law: foi.LawFOIA, Received: us("2026-07-01T10:00:00Z"), Status: foi.StatusWaitingResponse}
	if err := fdb.CreateRequest(ctx, newReq); err != nil {
		t.Fatal(err)
	}
	if newReq.ID <= fx.request.ID || newReq.Reference == fx.request.Reference {
		t.Errorf("new FOI request %d %s, want an id past %d and a reference other than %s", newReq.ID, newReq.Reference, fx.request.ID, fx.request.Reference)
	}
	claimed, err := adb.ClaimHandoff(ctx, fx.handoffs[1].ID, "officer.lee")
	if err != nil {
		t.Fatal(err)
	}
	changed := fx.feedback[0]
	changed.Helpful, changed.At = false, us("2026-07-02T09:00:00Z")
	if err := wdb.SaveFeedback(ctx, changed); err != nil {
		t.Fatal(err)
	}

	out, errOut, err = runCmd(t, getenv, "store", "migrate", "-data", dir)
	if err != nil {
		t.Fatalf("second run: %v\n%s%s", err, out, errOut)
	}
	copied := copiedColumn(t, out)
	if len(copied) < 15 {
		t.Errorf("second run reported %d tables, want every table:\n%s", len(copied), out)
	}
	for table, n := range copied {
		if n != "0" {
			t.Errorf("second run copied %s rows of %s, want 0:\n%s", n, table, out)
		}
	}
	hs, err := adb.ListHandoffs(ctx, assistant.HandoffFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 3 || !cmp.Equal(hs[1], claimed) {
		t.Errorf("after a second run: %d hand-offs, the claimed one %+v; want 3 and the claim kept", len(hs), hs[1])
	}
	if gotFB, err := wdb.FindFeedback(ctx, webchat.FeedbackFilter{}); err != nil || !cmp.Equal(gotFB, []webchat.Feedback{changed}) {
		t.Errorf("feedback after a second run = %+v, %v; want the newer verdict kept", gotFB, err)
	}
	if rs, total, err := fdb.FindRequests(ctx, foi.RequestFilter{}); err != nil || total != 2 || len(rs) != 2 {
		t.Errorf("FOI requests after a second run = %d, %v; want 2", total, err)
	}
}

func TestStoreMigrateRefusesBusyQueue(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "th_migrate_")
	ctx := context.Background()
	dir := t.TempDir()
	fx := populateSQLite(t, dir)
	idb, err := isqlite.Open(ctx, filepath.Join(dir, "messaging.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idb.EnqueueInbound(ctx, channels.Inbound{ProviderID: "SM1", From: fx.sms, Kind: channels.KindText, Text: "bins?"}); err != nil {
		t.Fatal(err)
	}
	idb.Close()
	getenv := func(k string) string {
		return map[string]string{"TOWNHALL_DATABASE_URL": url, "TOWNHALL_DATABASE_SCHEMA": schema}[k]
	}
	_, _, err = runCmd(t, getenv, "store", "migrate", "-data", dir)
	if err == nil || !strings.Contains(err.Error(), "drain the queue") || !strings.Contains(err.Error(), "townhall messaging status") {
		t.Fatalf("migrate with a queued job: error = %v, want a refusal saying to drain the queue", err)
	}
	adb, err := apostgres.Open(ctx, url, apostgres.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer adb.Close()
	if _, err := adb.FindConversationByID(ctx, fx.conv.ID); !errors.Is(err, assistant.ErrNotFound) {
		t.Errorf("after the refusal FindConversationByID error = %v, want ErrNotFound (nothing copied)", err)
	}
}

func TestStoreMigrateBrokenTarget(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "th_migrate_")
	ctx := context.Background()
	dir := t.TempDir()
	fx := populateSQLite(t, dir)
	// The FOI tables exist, but the audit trail, copied last, refuses
	// every row: the requests, disclosures and rules copied before it in
	// the same transaction must not stay.
	fdb, err := fpostgres.Open(ctx, url, fpostgres.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer fdb.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	s := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, `CREATE FUNCTION `+s+`.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END $$;
		CREATE TRIGGER refuse BEFORE INSERT ON `+s+`.foi_redactions FOR EACH ROW EXECUTE FUNCTION `+s+`.refuse()`); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		return map[string]string{"TOWNHALL_DATABASE_URL": url, "TOWNHALL_DATABASE_SCHEMA": schema}[k]
	}
	_, _, err = runCmd(t, getenv, "store", "migrate", "-data", dir)
	if err == nil || !strings.Contains(err.Error(), "foi.db") || !strings.Contains(err.Error(), "foi_redactions") {
		t.Fatalf("migrate into a broken audit table: error = %v, want one naming foi.db and foi_redactions", err)
	}
	if rs, total, err := fdb.FindRequests(ctx, foi.RequestFilter{}); err != nil || total != 0 {
		t.Errorf("FOI requests after the failure = %d (%d), %v; want none", total, len(rs), err)
	}
	if n, err := fdb.CountDisclosures(ctx); err != nil || n != 0 {
		t.Errorf("disclosures after the failure = %d, %v; want none", n, err)
	}
	if rules, err := fdb.FindRules(ctx, foi.RuleFilter{}); err != nil || len(rules) != 0 {
		t.Errorf("censor rules after the failure = %d, %v; want none", len(rules), err)
	}
	if v, err := fdb.LogVersion(ctx); err != nil || v != 0 {
		t.Errorf("log version after the failure = %d, %v; want 0", v, err)
	}
	// The assistant store, copied before, is complete.
	adb, err := apostgres.Open(ctx, url, apostgres.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer adb.Close()
	if _, err := adb.FindServiceRequestByReference(ctx, fx.srs[0].Reference); err != nil {
		t.Errorf("the assistant store copied before the failure: %v", err)
	}
}

// toMicrosecond compares times to the microsecond, what PostgreSQL keeps
// of the nanoseconds the assistant stamps.
var toMicrosecond = cmp.Comparer(func(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
})

// TestStoreMigrateDemoConversation moves what the demo council's
// assistant itself wrote: a resident reports a pothole on WhatsApp and
// shares its location (a conversation, its turns and the report being
// collected, the queue's window and resident), and the report is logged
// from the conversation as the assistant does on confirmation. serve
// keeps running on the local store while the files are read (read-only,
// so it is not disturbed), once its queue has drained.
func TestStoreMigrateDemoConversation(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "th_migrate_")
	ctx := context.Background()
	s, fake := startMessagingServer(t)
	now := time.Now().Unix()
	for i, m := range []string{
		fmt.Sprintf(`{"from":%q,"id":"wamid.migrate1","timestamp":"%d","type":"text","text":{"body":"I want to report a pothole"}}`, testResidentWA, now),
		fmt.Sprintf(`{"from":%q,"id":"wamid.migrate2","timestamp":"%d","type":"location",
			"location":{"latitude":51.4816,"longitude":-2.5236,"name":"Victoria Road","address":"Victoria Road, Aldermoor"}}`, testResidentWA, now+5),
	} {
		if got := postWhatsApp(t, s, m, testWASecret); got != http.StatusOK {
			t.Fatalf("webhook %d: got %d, want 200", i, got)
		}
		waitUntil(t, "an answer", func() bool { return len(fake.waSent()) == i+1 })
	}
	qdb := s.web.messaging.db
	waitUntil(t, "the queue to drain", func() bool {
		counts, err := qdb.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, byState := range counts {
			if byState[inbound.StateQueued]+byState[inbound.StateLeased]+byState[inbound.StateHeld] > 0 {
				return false
			}
		}
		return true
	})
	adb := s.web.assistant.(*asqlite.DB)
	jobs, err := qdb.FindJobs(ctx, inbound.KindInbound)
	if err != nil || len(jobs) == 0 {
		t.Fatalf("jobs: %d, %v", len(jobs), err)
	}
	conv, err := adb.FindConversationByID(ctx, jobs[0].ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if conv.Pending == nil || conv.Pending.Service != "pothole" || len(conv.Turns) < 4 {
		t.Fatalf("conversation %+v: want a pothole report being collected over 4 turns or more", conv)
	}
	sr := *conv.Pending
	sr.Description, sr.Confirmed, sr.ConversationID, sr.Channel = "Deep, by the bus stop", true, conv.ID, conv.Channel
	if err := adb.CreateServiceRequest(ctx, &sr); err != nil {
		t.Fatal(err)
	}
	wantSR, err := adb.FindServiceRequestByReference(ctx, sr.Reference)
	if err != nil {
		t.Fatal(err)
	}
	wa := channels.Identity{Channel: channels.WhatsApp, Address: testWAResidentID}
	ro, err := isqlite.OpenReadOnly(ctx, qdb.Where())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	window, err := ro.LastInbound(ctx, wa)
	if err != nil || window.IsZero() {
		t.Fatalf("LastInbound(%s) = %s, %v; want the resident's message", wa.Key(), window, err)
	}

	getenv := func(k string) string {
		return map[string]string{"TOWNHALL_DATABASE_URL": url, "TOWNHALL_DATABASE_SCHEMA": schema}[k]
	}
	dir := filepath.Dir(adb.Path())
	out, errOut, err := runCmd(t, getenv, "store", "migrate", "-data", dir)
	if err != nil {
		t.Fatalf("migrate: %v\n%s%s", err, out, errOut)
	}
	t.Logf("migrate:\n%s", out)

	pa, err := apostgres.Open(ctx, url, apostgres.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer pa.Close()
	gotConv, err := pa.FindConversationByID(ctx, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Turn times are kept to the microsecond (PostgreSQL's precision);
	// the conversation's own state, a json document, keeps them whole.
	if diff := cmp.Diff(conv, gotConv, toMicrosecond); diff != "" {
		t.Errorf("the demo conversation (-sqlite +postgres):\n%s", diff)
	}
	gotSR, err := pa.FindServiceRequestByReference(ctx, sr.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantSR, gotSR, toMicrosecond); diff != "" {
		t.Errorf("service request %s (-sqlite +postgres):\n%s", sr.Reference, diff)
	}
	pq, err := ipostgres.Open(ctx, url, ipostgres.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer pq.Close()
	if got, err := pq.LastInbound(ctx, wa); err != nil || !got.Equal(window) {
		t.Errorf("LastInbound(%s) in PostgreSQL = %s, %v; want %s", wa.Key(), got, err, window)
	}
}
