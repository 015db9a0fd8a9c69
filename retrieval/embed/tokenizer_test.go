package embed

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"lower-cases and splits on punctuation", "Missed BIN collection, please!", []string{"missed", "bin", "collection", "please"}},
		{"possessive s is dropped", "my mum's coming to stay", []string{"my", "mum", "coming", "to", "stay"}},
		{"curly apostrophe", "the council’s bins", []string{"the", "council", "bins"}},
		{"clitics", "we'll they're I've he'd I'm", []string{"we", "they", "i", "he", "i"}},
		{"negations keep the verb", "don't can't won't isn't", []string{"do", "can", "will", "is"}},
		{"other apostrophes join", "five o'clock, O'Neill", []string{"five", "oclock", "oneill"}},
		{"trailing apostrophe", "residents' parking", []string{"residents", "parking"}},
		{"numbers are skipped, mixed tokens kept", "Band D 2024 £1,234.56 covid19 A4", []string{"band", "d", "covid19", "a4"}},
		{"hyphens split", "fly-tipping e-mail", []string{"fly", "tipping", "e", "mail"}},
		{"accents kept and lower-cased", "Café ÉCOLE naïve", []string{"café", "école", "naïve"}},
		{"overlong tokens dropped", "see aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa now", []string{"see", "now"}},
		{"empty", "  ... ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Words(tt.text)); diff != "" {
				t.Errorf("Words(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestScanWordsReusesBuffer(t *testing.T) {
	buf := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(100, func() {
		buf = scanWords("My mum's coming to stay: visitor parking permits, please.", buf, func([]byte) {})
	})
	if allocs != 0 {
		t.Errorf("got %v allocations per scan, want 0", allocs)
	}
}
