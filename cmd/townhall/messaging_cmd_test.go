package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
	isqlite "github.com/townhall-civic/townhall/channels/inbound/sqlite"
)

// queueWithDeadLetter makes a queue in dir/messaging.db with one SMS
// answer delivered and one reported undelivered to a number that does
// not exist (dead).
func queueWithDeadLetter(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	db, err := isqlite.Open(ctx, filepath.Join(dir, "messaging.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, to := range []string{"+447700900001", "+447700900002"} {
		id := channels.Identity{Channel: channels.SMS, Address: to}
		if err := db.EnqueueOutbound(ctx, inbound.Reply{Message: channels.Outbound{To: id, Text: "Your bin is collected on Tuesday."}}); err != nil {
			t.Fatal(err)
		}
		j, err := db.Claim(ctx, inbound.KindOutbound, time.Now(), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		sid := []string{"SMgood", "SMbad"}[i]
		if err := db.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDone, ProviderID: sid}); err != nil {
			t.Fatal(err)
		}
		d := channels.Delivery{ProviderID: sid, To: id, State: channels.DeliveryDelivered}
		if i == 1 {
			d.State, d.ErrorCode = channels.DeliveryUndelivered, "30005"
		}
		if _, err := db.RecordDelivery(ctx, d, func(int) (inbound.Result, bool) {
			return inbound.Result{State: inbound.StateDead, Error: "delivery failed: twilio: message undelivered (error 30005)"}, true
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMessagingCommand(t *testing.T) {
	dir := t.TempDir()
	queueWithDeadLetter(t, dir)
	getenv := func(string) string { return "" }
	run := func(args ...string) (string, error) {
		t.Helper()
		var out, errb bytes.Buffer
		err := run(context.Background(), append([]string{"messaging"}, args...), getenv, &out, &errb)
		return out.String() + errb.String(), err
	}

	out, err := run("status", "-data", dir)
	if err != nil {
		t.Fatalf("status: %v\n%s", err, out)
	}
	t.Logf("townhall messaging status:\n%s", out)
	if got, want := row(out, "outbound"), "outbound 0 0 0 1 0 1"; got != want {
		t.Errorf("status row: got %q, want %q (queued leased held done dropped dead)\n%s", got, want, out)
	}
	for _, want := range []string{"delivered 1, undelivered 1", "1 dead letter(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("status output lacks %q:\n%s", want, out)
		}
	}

	out, err = run("dead", "-db", filepath.Join(dir, "messaging.db"))
	if err != nil {
		t.Fatalf("dead: %v\n%s", err, out)
	}
	t.Logf("townhall messaging dead:\n%s", out)
	if !strings.Contains(out, "outbound 2") || !strings.Contains(out, "sms:+447700900002") || !strings.Contains(out, "undelivered 30005") {
		t.Errorf("dead letters:\n%s", out)
	}

	out, err = run("show", "-data", dir, "2")
	if err != nil {
		t.Fatalf("show: %v\n%s", err, out)
	}
	t.Logf("townhall messaging show 2:\n%s", out)
	if !strings.Contains(out, "SMbad  undelivered (error 30005)") || !strings.Contains(out, "Your bin is collected") {
		t.Errorf("show:\n%s", out)
	}

	if out, err = run("requeue", "-data", dir, "outbound", "1"); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("requeue of a delivered job: got %v, want ErrInvalid\n%s", err, out)
	}
	if out, err = run("requeue", "-data", dir, "2"); err != nil || !strings.Contains(out, "Queued outbound 2") {
		t.Fatalf("requeue: %v\n%s", err, out)
	}
	db, err := isqlite.Open(context.Background(), filepath.Join(dir, "messaging.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if jobs, _ := db.FindJobs(context.Background(), inbound.KindOutbound, inbound.StateQueued); len(jobs) != 1 || jobs[0].ID != 2 {
		t.Errorf("queued after requeue: %+v", jobs)
	}

	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no command", nil, 2},
		{"unknown command", []string{"purge"}, 2},
		{"no database named", []string{"status"}, 2},
		{"bad kind", []string{"requeue", "-data", dir, "sideways", "2"}, 2},
		{"bad id", []string{"show", "-data", dir, "two"}, 2},
		{"missing database", []string{"status", "-data", filepath.Join(dir, "nothing-here")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := run(tt.args...)
			if got := exitCode(err); err == nil || got != tt.code {
				t.Errorf("got %v (exit %d), want exit %d\n%s", err, got, tt.code, out)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "nothing-here", "messaging.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a status of a missing queue created one: %v", err)
	}
}

// row returns the line of out that starts with first, its fields joined
// by single spaces.
func row(out, first string) string {
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == first {
			return strings.Join(f, " ")
		}
	}
	return ""
}
