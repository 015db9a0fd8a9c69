package llm

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVerbatimTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Bins out by 7 am, or 7.30am; call 0800 111 999 or 01234 567890.", []string{"7am", "7.30am", "0800111999", "01234567890"}},
		{"£1,200.50 on 1st April 2025 (25%)", []string{"£1200.50", "1", "2025", "25%"}},
		{"Email bins@thornbury.example by 4 p.m.", []string{"bins@thornbury.example", "4pm"}},
		{"Postcode TV1 2AB, 10 000 people", []string{"tv1", "2ab", "10", "000"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, verbatimTokens(tt.in)); diff != "" {
			t.Errorf("verbatimTokens(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"It costs £1.50. Call us.", []string{"It costs £1.50.", "Call us."}},
		{"Open 9 a.m. to 5 p.m. on weekdays. Closed Sundays.", []string{"Open 9 a.m. to 5 p.m. on weekdays.", "Closed Sundays."}},
		{"Ask Mr. Jones. He knows!", []string{"Ask Mr. Jones.", "He knows!"}},
		{`He said "go." Then left?`, []string{`He said "go."`, "Then left?"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, splitSentences(tt.in)); diff != "" {
			t.Errorf("splitSentences(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}
