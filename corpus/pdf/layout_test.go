package pdf

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ledongthuc/pdf"
)

// word lays out s from x on baseline y in a 10-point font whose glyphs
// are all 5 points wide, with gap points between glyphs.
func word(s string, x, y, gap float64) []pdf.Text {
	var out []pdf.Text
	for _, r := range s {
		out = append(out, pdf.Text{FontSize: 10, X: x, Y: y, W: 5, S: string(r)})
		x += 5 + gap
	}
	return out
}

func concat(parts ...[]pdf.Text) []pdf.Text {
	var out []pdf.Text
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func reversed(ts []pdf.Text) []pdf.Text {
	out := make([]pdf.Text, len(ts))
	for i, t := range ts {
		out[len(ts)-1-i] = t
	}
	return out
}

func TestLayoutLines(t *testing.T) {
	tests := []struct {
		name   string
		glyphs []pdf.Text
		want   string
	}{
		{
			name:   "gap makes a space, kerning does not",
			glyphs: concat(word("over", 0, 700, 0.3), word("the", 23, 700, 0.2)),
			want:   "over the",
		},
		{
			name:   "no gap, no space: one word",
			glyphs: concat(word("over", 0, 700, 0), word("the", 20, 700, 0)),
			want:   "overthe",
		},
		{
			name:   "explicit space glyph",
			glyphs: concat(word("a b", 0, 700, 0)),
			want:   "a b",
		},
		{
			name:   "wide gap separates cells",
			glyphs: concat(word("Band", 0, 700, 0), word("A", 60, 700, 0)),
			want:   "Band  A",
		},
		{
			name:   "lines top to bottom, whatever the drawing order",
			glyphs: concat(word("second", 0, 688, 0), word("first", 0, 700, 0)),
			want:   "first\nsecond",
		},
		{
			name:   "paragraph gap",
			glyphs: concat(word("one", 0, 700, 0), word("two", 0, 660, 0)),
			want:   "one\n\ntwo",
		},
		{
			name:   "runs placed left to right",
			glyphs: concat(word("right", 100, 700, 0), word("left", 0, 700, 0)),
			want:   "left  right",
		},
		{
			name:   "run kept in drawing order when x does not advance",
			glyphs: []pdf.Text{{FontSize: 10, X: 50.2, Y: 700, S: "a"}, {FontSize: 10, X: 50.1, Y: 700, S: "b"}, {FontSize: 10, X: 50.3, Y: 700, S: "c"}},
			want:   "abc",
		},
		{
			name:   "superscript on the same line",
			glyphs: concat(word("m", 0, 700, 0), []pdf.Text{{FontSize: 6, X: 5, Y: 703, W: 3, S: "2"}}),
			want:   "m2",
		},
		{
			name:   "fake bold drawn twice",
			glyphs: concat(word("Bold", 0, 700, 0), word("Bold", 0.2, 700, 0)),
			want:   "Bold",
		},
		{
			name:   "right-to-left drawing of one word",
			glyphs: reversed(word("word", 0, 700, 0)),
			want:   "word",
		},
		{
			name:   "junk values ignored",
			glyphs: []pdf.Text{{FontSize: 0, X: 0, Y: 700, W: -1, S: "x"}, {S: "\n"}, {S: "\ufffd", Y: 700, X: 9}},
			want:   "x",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := joinLines(layoutLines(tc.glyphs)); got != tc.want {
				t.Errorf("text = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTitleFromLines(t *testing.T) {
	l := func(y, size float64, s string) line { return line{y: y, size: size, text: s} }
	tests := []struct {
		name  string
		lines []line
		want  string
	}{
		{"large line", []line{l(800, 10, "Draft"), l(780, 16, "Budget Book 2025"), l(760, 10, "Body text here.")}, "Budget Book 2025"},
		{"large title over two lines", []line{l(800, 16, "Annual Governance"), l(784, 16, "Statement 2024"), l(740, 10, "Body."), l(728, 10, "More body."), l(716, 10, "End.")}, "Annual Governance Statement 2024"},
		{"council name passed over", []line{l(800, 14, "Testshire Borough Council"), l(780, 10, "Payments over £500"), l(740, 10, "Date  Payee  Amount")}, "Payments over £500"},
		{"subject label", []line{l(800, 10, "Meeting: Cabinet"), l(788, 10, "Subject: Car Park Charges")}, "Car Park Charges"},
		{"sentence is no title", []line{l(800, 10, "This report sets out the charges for the coming year and"), l(788, 10, "the reasons for them.")}, ""},
		{"only the council name", []line{l(800, 14, "Testshire Borough Council")}, "Testshire Borough Council"},
		{"none", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := titleFromLines(tc.lines); got != tc.want {
				t.Errorf("titleFromLines = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLayoutKeepsDrawingOrderData(t *testing.T) {
	// The glyph slice is sorted in place by layoutLines; the caller's
	// pdf.Text values must be untouched.
	in := concat(word("b", 0, 600, 0), word("a", 0, 700, 0))
	orig := append([]pdf.Text(nil), in...)
	layoutLines(in)
	if diff := cmp.Diff(orig, in); diff != "" {
		t.Errorf("layoutLines changed its input (-want +got):\n%s", diff)
	}
}
