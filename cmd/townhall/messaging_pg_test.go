package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	ipostgres "github.com/townhall-civic/townhall/channels/inbound/postgres"
)

// TestMessagingPostgres serves the demo council with TOWNHALL_STORE=
// postgres and SMS switched on: a resident's text is queued in the
// manifest's schema (no messaging.db in the index folder) and answered,
// a replay stores nothing, and `townhall messaging` reads the same
// queue, refusing -db and a manifest whose schema has no queue.
func TestMessagingPostgres(t *testing.T) {
	vars := pgTestVars(t)
	dir := t.TempDir()
	vars["TOWNHALL_DATA"] = dir
	s, fake := startMessagingServerEnv(t, vars)
	if _, ok := s.web.messaging.db.(*ipostgres.DB); !ok {
		t.Fatalf("queue is %T, want the PostgreSQL queue", s.web.messaging.db)
	}

	sid := "SMpg0000000000000000000000000000001"
	for range 2 { // Twilio retries: accepted, stored once
		if status, body := postSMS(t, s, sid, "how long do you take to fill in potholes?", goodTwilioSig); status != 200 {
			t.Fatalf("webhook: got %d %s, want 200", status, body)
		}
	}
	waitUntil(t, "the SMS answer", func() bool { return len(fake.smsSent()) == 1 })
	waitUntil(t, "the answer's job done", func() bool {
		jobs, err := s.web.messaging.db.FindJobs(t.Context(), "outbound", "done")
		return err == nil && len(jobs) == 1
	})
	time.Sleep(100 * time.Millisecond)
	if n := len(fake.smsSent()); n != 1 {
		t.Errorf("%d messages sent, want 1", n)
	}
	if n := inboundJobs(t, s); n != 1 {
		t.Errorf("%d inbound jobs stored, want 1", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "demo", "messaging.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("messaging.db in the index folder: %v; want none with the postgres store", err)
	}

	getenv := func(k string) string { return vars[k] }
	out, errOut, err := runCmd(t, getenv, "messaging", "status", "-manifest", demoManifest)
	if err != nil {
		t.Fatalf("messaging status: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(out, "PostgreSQL schema "+vars["TOWNHALL_DATABASE_SCHEMA"]) {
		t.Errorf("status does not name the schema:\n%s", out)
	}
	if got, want := row(out, "inbound"), "inbound 0 0 0 1 0 0"; got != want {
		t.Errorf("status row: got %q, want %q\n%s", got, want, out)
	}
	if got, want := row(out, "outbound"), "outbound 0 0 0 1 0 0"; got != want {
		t.Errorf("status row: got %q, want %q\n%s", got, want, out)
	}
	jobs, err := s.web.messaging.db.FindJobs(t.Context(), "inbound")
	if err != nil || len(jobs) != 1 {
		t.Fatalf("inbound jobs: %v, %v", jobs, err)
	}
	out, _, err = runCmd(t, getenv, "messaging", "show", "-manifest", demoManifest, "inbound", strconv.FormatInt(jobs[0].ID, 10))
	if err != nil || !strings.Contains(out, "potholes") || !strings.Contains(out, "done") {
		t.Errorf("show: %v\n%s", err, out)
	}

	// A SQLite file named with the postgres store is refused.
	_, _, err = runCmd(t, getenv, "messaging", "status", "-manifest", demoManifest, "-db", filepath.Join(dir, "messaging.db"))
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Errorf("-db with postgres: got %v, want a usage error naming PostgreSQL", err)
	}
	// A manifest whose schema holds no queue: refused, nothing created.
	noSchema := func(k string) string {
		if k == "TOWNHALL_DATABASE_SCHEMA" {
			return ""
		}
		return vars[k]
	}
	_, _, err = runCmd(t, noSchema, "messaging", "status", "-manifest", "testdata/no-such-council.yaml")
	if !errors.Is(err, ipostgres.ErrNoQueue) {
		t.Errorf("a manifest without a queue: got %v, want ErrNoQueue", err)
	}
}
