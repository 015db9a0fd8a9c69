package channels_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/channels"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in  string
		max       int
		want      string
		truncated bool
	}{
		{"plain", "Where is my bin?", 0, "Where is my bin?", false},
		{"invalid utf8 replaced", "bin\xff\xfeday", 0, "bin\uFFFDday", false},
		{"crlf and cr", "a\r\nb\rc", 0, "a\nb\nc", false},
		{"controls stripped, newline and tab kept", "a\x00b\x07c\td\ne\x7f\u0085", 0, "abc\td\ne", false},
		{"bidi override stripped", "pay \u202Eexe.txt", 0, "pay exe.txt", false},
		{"bom stripped", "\uFEFFhello", 0, "hello", false},
		{"trimmed", "  \n hi \t ", 0, "hi", false},
		{"html kept as text", "<script>alert(1)</script>", 0, "<script>alert(1)</script>", false},
		{"emoji and zwj kept", "👩‍👧 bins", 0, "👩‍👧 bins", false},
		{"truncated at rune boundary", "ééééé", 3, "ééé", true},
		{"exactly max", "abc", 3, "abc", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, tr := channels.CleanText(tt.in, tt.max)
			if got != tt.want || tr != tt.truncated {
				t.Errorf("CleanText(%q, %d) = %q, %v; want %q, %v", tt.in, tt.max, got, tr, tt.want, tt.truncated)
			}
			if !utf8.ValidString(got) {
				t.Errorf("got invalid UTF-8 %q", got)
			}
		})
	}
}

func TestCleanTextMaxTextRunes(t *testing.T) {
	got, tr := channels.CleanText(strings.Repeat("€", channels.MaxTextRunes+10), channels.MaxTextRunes)
	if n := utf8.RuneCountInString(got); n != channels.MaxTextRunes || !tr {
		t.Errorf("got %d runes, truncated %v; want %d, true", n, tr, channels.MaxTextRunes)
	}
}

func TestCleanField(t *testing.T) {
	if got, want := channels.CleanField(" Ann\n  \x00Smith\t", 0), "Ann Smith"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := channels.CleanField("abcdef", 3), "abc"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestValidE164(t *testing.T) {
	for s, want := range map[string]bool{
		"+447700900123":     true,
		"+12349013030":      true,
		"447700900123":      false,
		"+0447700900123":    false,
		"+44 7700 900123":   false,
		"+4477009001234567": false,
		"+1234567":          false,
		"":                  false,
	} {
		if got := channels.ValidE164(s); got != want {
			t.Errorf("ValidE164(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestIdentityKey(t *testing.T) {
	id := channels.Identity{Channel: channels.SMS, Address: "+447700900123"}
	if got, want := id.Key(), "sms:+447700900123"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPlainText(t *testing.T) {
	m := channels.Outbound{
		Text:         "Bins are collected on Tuesdays. ",
		Links:        []channels.Link{{Title: "Bin days", URL: "https://example.gov.uk/bins"}, {URL: "https://example.gov.uk/x"}},
		QuickReplies: []string{"Report missed bin", "Order a bin", "Something else"},
	}
	want := "Bins are collected on Tuesdays.\n\nBin days: https://example.gov.uk/bins\nhttps://example.gov.uk/x\n\nReply with: Report missed bin, Order a bin or Something else"
	if got := channels.PlainText(m); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := channels.PlainText(channels.Outbound{QuickReplies: []string{"Yes", "No"}}), "Reply with: Yes or No"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMemDeduper(t *testing.T) {
	ctx := context.Background()
	d := channels.NewMemDeduper(3)
	seen := func(k string) bool {
		t.Helper()
		ok, err := d.Seen(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if seen("a") {
		t.Error("first Seen(a) = true, want false")
	}
	if !seen("a") {
		t.Error("second Seen(a) = false, want true")
	}
	if err := d.Forget(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if seen("a") {
		t.Error("Seen(a) after Forget = true, want false")
	}
	for i := range 5 {
		seen(fmt.Sprint(i))
	}
	if seen("4") != true {
		t.Error("recent key forgotten")
	}
	if seen("0") {
		t.Error("oldest key still remembered past capacity")
	}
}

func TestMemOptOuts(t *testing.T) {
	ctx := context.Background()
	o := channels.NewMemOptOuts()
	id := channels.Identity{Channel: channels.SMS, Address: "+447700900123"}
	check := func(want bool) {
		t.Helper()
		got, err := o.OptedOut(ctx, id)
		if err != nil || got != want {
			t.Errorf("OptedOut = %v, %v; want %v", got, err, want)
		}
	}
	check(false)
	o.SetOptedOut(ctx, id, true)
	check(true)
	o.SetOptedOut(ctx, id, false)
	check(false)
}
