package twilio_test

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/channels/twilio"
)

// units measures s as a carrier would: septets for GSM-7, UTF-16 code
// units for UCS-2. It is written independently of the package's tables.
func units(s, enc string) int {
	if enc == twilio.UCS2 {
		return len(utf16.Encode([]rune(s)))
	}
	return utf8.RuneCountInString(s) + strings.Count(s, "€") + strings.Count(s, "^") +
		strings.Count(s, "{") + strings.Count(s, "}") + strings.Count(s, "\\") + strings.Count(s, "[") +
		strings.Count(s, "~") + strings.Count(s, "]") + strings.Count(s, "|")
}

func TestSegments(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name  string
		text  string
		enc   string
		parts []string
	}{
		{"empty", "", twilio.GSM7, nil},
		{"short", "Your bin is collected on Tuesday.", twilio.GSM7, []string{"Your bin is collected on Tuesday."}},
		{"160 septets is one segment", a(160), twilio.GSM7, []string{a(160)}},
		{"161 septets is two", a(161), twilio.GSM7, []string{a(153), a(8)}},
		{"306 septets is two", a(306), twilio.GSM7, []string{a(153), a(153)}},
		{"307 septets is three", a(307), twilio.GSM7, []string{a(153), a(153), a(1)}},
		{"euro counts two septets", a(158) + "€", twilio.GSM7, []string{a(158) + "€"}},
		{"euro pushes over 160", a(159) + "€", twilio.GSM7, []string{a(153), a(6) + "€"}},
		{"80 extension chars fit one", strings.Repeat("€", 80), twilio.GSM7, []string{strings.Repeat("€", 80)}},
		{"escape never split", a(152) + "€" + a(10), twilio.GSM7, []string{a(152), "€" + a(10)}},
		{"gsm accents and greek", "Café Δ £5 @home ¿ü", twilio.GSM7, []string{"Café Δ £5 @home ¿ü"}},
		{"newline is gsm", "a\nb", twilio.GSM7, []string{"a\nb"}},
		{"curly quote forces ucs2", "it’s", twilio.UCS2, []string{"it’s"}},
		{"tab is not gsm", "a\tb", twilio.UCS2, []string{"a\tb"}},
		{"70 ucs2 is one", strings.Repeat("ł", 70), twilio.UCS2, []string{strings.Repeat("ł", 70)}},
		{"71 ucs2 is two", strings.Repeat("ł", 71), twilio.UCS2, []string{strings.Repeat("ł", 67), strings.Repeat("ł", 4)}},
		{"35 emoji is one", strings.Repeat("😀", 35), twilio.UCS2, []string{strings.Repeat("😀", 35)}},
		{"36 emoji never split", strings.Repeat("😀", 36), twilio.UCS2, []string{strings.Repeat("😀", 33), strings.Repeat("😀", 3)}},
		{"surrogate pair at boundary", a(66) + "😀" + a(10), twilio.UCS2, []string{a(66), "😀" + a(10)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, parts := twilio.Segments(tt.text)
			if enc != tt.enc {
				t.Errorf("encoding: got %s, want %s", enc, tt.enc)
			}
			if diff := cmp.Diff(tt.parts, parts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
			if got := strings.Join(parts, ""); got != tt.text {
				t.Errorf("parts rejoin to %q, want the input", got)
			}
		})
	}
}

func TestSegmentsPartSizes(t *testing.T) {
	texts := []string{
		strings.Repeat("{x} ", 200),
		strings.Repeat("Bin day 😀 ", 60),
		strings.Repeat("£€", 300),
	}
	for _, text := range texts {
		enc, parts := twilio.Segments(text)
		limit := 153
		if enc == twilio.UCS2 {
			limit = 67
		}
		for i, p := range parts {
			if n := units(p, enc); n > limit {
				t.Errorf("%s part %d has %d units, want <= %d", enc, i, n, limit)
			}
			if !utf8.ValidString(p) {
				t.Errorf("part %d is not valid UTF-8", i)
			}
		}
	}
}

func TestFitSegments(t *testing.T) {
	words := strings.Repeat("Missed bins are collected within two working days of your report. ", 10)
	tests := []struct {
		name     string
		text     string
		max      int
		ellipsis string // "" if the text should come back unchanged
	}{
		{"fits", "Short answer.", 2, ""},
		{"exactly two segments", strings.Repeat("a", 306), 2, ""},
		{"gsm long", words, 2, "..."},
		{"gsm one segment", words, 1, "..."},
		{"ucs2 long", strings.ReplaceAll(words, "your", "your’s"), 2, "…"},
		{"emoji long", strings.Repeat("Bins 🗑️ collected. ", 40), 2, "…"},
		{"one huge word", strings.Repeat("x", 1000), 2, "..."},
		{"extension chars", strings.Repeat("{a} ", 200), 2, "..."},
		{"zero means one", words, 0, "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := twilio.FitSegments(tt.text, tt.max)
			maxSeg := max(tt.max, 1)
			if tt.ellipsis == "" {
				if got != tt.text {
					t.Fatalf("got %q, want the text unchanged", got)
				}
				return
			}
			enc, parts := twilio.Segments(got)
			if len(parts) > maxSeg {
				t.Errorf("got %d segments, want <= %d: %q", len(parts), maxSeg, got)
			}
			if !strings.HasSuffix(got, tt.ellipsis) {
				t.Errorf("got %q, want suffix %q", got, tt.ellipsis)
			}
			prefix := strings.TrimSuffix(got, tt.ellipsis)
			if !strings.HasPrefix(tt.text, prefix) {
				t.Errorf("got %q, not a prefix of the input", prefix)
			}
			// Not wastefully short: within one word of the capacity.
			capacity := map[string][2]int{twilio.GSM7: {160, 153}, twilio.UCS2: {70, 67}}[enc]
			full := capacity[1] * maxSeg
			if maxSeg == 1 {
				full = capacity[0]
			}
			if n := units(got, enc); n < full-20 {
				t.Errorf("got %d units, want close to %d", n, full)
			}
			if !strings.Contains(tt.name, "huge") {
				rest := tt.text[len(prefix):]
				if r, _ := utf8.DecodeRuneInString(rest); !strings.ContainsRune(" .", r) {
					t.Errorf("cut mid-word: %q | %q", prefix[max(0, len(prefix)-10):], rest[:10])
				}
			}
		})
	}
}

func TestSimplify(t *testing.T) {
	in := "It’s “free” – really… • yes\tno\u00a0ok\u200b 👩‍👧"
	want := "It's \"free\" - really... - yes no ok 👩‍👧"
	if got := twilio.Simplify(in); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := twilio.Encoding(twilio.Simplify("It’s “free” – really…")); got != twilio.GSM7 {
		t.Errorf("simplified encoding %s, want GSM-7", got)
	}
}

func BenchmarkSegments(b *testing.B) {
	text := strings.Repeat("Missed bins are collected within two days. ", 20)
	for b.Loop() {
		twilio.Segments(text)
	}
}
