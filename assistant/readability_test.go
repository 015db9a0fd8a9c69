package assistant

import (
	"math"
	"testing"
)

func TestSyllables(t *testing.T) {
	// Counts from a pronouncing dictionary.
	tests := map[string]int{
		"cat": 1, "the": 1, "table": 2, "tables": 2, "little": 2, "people": 2, "council": 2,
		"online": 2, "minutes": 2, "makes": 1, "boxes": 2, "places": 2, "wanted": 2,
		"jumped": 1, "based": 1, "needed": 2, "going": 2, "being": 2, "media": 3, "social": 2,
		"usual": 3, "actual": 3, "various": 3, "previous": 3, "easier": 3, "recycling": 3,
		"applications": 4, "electricity": 5, "electronically": 6, "every": 2, "area": 3,
		"business": 2, "whole": 1, "payment": 2, "collection": 3, "permit": 2, "library": 3,
		"emergency": 4, "eligible": 4, "discount": 2, "pension": 2, "housing": 2,
		"benefit": 3, "schedule": 2, "residents": 3, "submitted": 3, "council's": 2,
	}
	for w, want := range tests {
		if got := Syllables(w); got != want {
			t.Errorf("Syllables(%q) = %d, want %d", w, got, want)
		}
	}
}

func TestGrade(t *testing.T) {
	tests := []struct {
		name, text string
		want       float64
	}{
		// 6 words, 6 syllables, 1 sentence.
		{"short", "The cat sat on the mat.", 0.39*6 + 11.8*6.0/6 - 15.59},
		// 12 words, 16 syllables, 2 sentences.
		{"two sentences", "You can pay your council tax online. It takes about five minutes.", 0.39*6 + 11.8*16.0/12 - 15.59},
		// 9 words, 23 syllables, 1 sentence.
		{"jargon", "Applications for residents' parking permits must be submitted electronically.", 0.39*9 + 11.8*23.0/9 - 15.59},
		// Links, email addresses and [n] markers are not read: 9 words
		// (See, or, email), 10 syllables, 2 sentences.
		{"links left out", "The cat sat on the mat. [1]\nSee https://www.example.gov.uk/a-very-long-address or email info@example.gov.uk.",
			0.39*9/2 + 11.8*10.0/9 - 15.59},
		{"empty", "", 0},
		// Source lines ending in their link and the "Sources:" heading
		// are navigation, not prose.
		{"sources list left out", "The cat sat on the mat.\n\nSources:\n[1] Environmental health enforcement: https://example.gov.uk/eh\n*Sources*",
			0.39*6 + 11.8*6.0/6 - 15.59},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Grade(tt.text)
			if math.Abs(got-tt.want) > 0.01 {
				t.Errorf("Grade = %.3f, want %.3f", got, tt.want)
			}
		})
	}
}

func TestGradeNumbersAndAcronyms(t *testing.T) {
	tests := []struct {
		tok  string
		want int
	}{
		{"£19.35", 1}, {"10am", 1}, {"2,173.24", 1}, {"0114", 1}, {"HMO", 3}, {"EHCP", 4}, {"SEND", 1}, {"NHS", 3},
		{"ANPR", 4}, {"HMRC", 4}, {"Covid-19", 3},
		// A figure with separators is one numeral.
		{"2021/22", 1}, {"13/04/24", 1}, {"well-known", 2},
		// Longer words in capitals are shouted words, not acronyms.
		{"CHRISTMAS", 2}, {"LIGHTING", 2},
	}
	for _, tt := range tests {
		if got := tokenSyllables(tt.tok); got != tt.want {
			t.Errorf("tokenSyllables(%q) = %d, want %d", tt.tok, got, tt.want)
		}
	}
}

// TestGradeShortFigureLines checks that short lines of figures read as
// the easy text they are, not as hard prose.
func TestGradeShortFigureLines(t *testing.T) {
	for _, text := range []string{
		"2026 season starts: 1 February 2026.",
		"Claims received and paid.\n2022/23: £31,877.10.\n2023/24: £44,219.85.",
		"Open 9am to 5pm, Monday to Friday. Call 01452 396396.",
	} {
		if g := Grade(text); g > 8 {
			t.Errorf("Grade(%q) = %.1f, want ≤ 8", text, g)
		}
	}
	// Figures do not hide hard words around them.
	if g := Grade("Notwithstanding the aforementioned considerations, 2,388 investigations were undertaken in 2022/23."); g < 12 {
		t.Errorf("hard words around figures graded %.1f, want ≥ 12", g)
	}
}

func TestGradeOrdersTexts(t *testing.T) {
	easy := "Put your bin out by 7am. We empty it every week."
	hard := "Residents are required to ensure that receptacles are presented at the curtilage of the property by 7am on the scheduled collection day, notwithstanding inclement weather."
	if ge, gh := Grade(easy), Grade(hard); ge >= gh || ge > 6 || gh < 12 {
		t.Errorf("Grade(easy) = %.1f, Grade(hard) = %.1f; want easy ≤ 6 < 12 ≤ hard", ge, gh)
	}
}

// TestTargetGrade checks the target grades by what the resident told us:
// low literacy below plain English below everyone else, whatever the
// channel.
func TestTargetGrade(t *testing.T) {
	for _, ch := range []Channel{ChannelWeb, ChannelSMS, ChannelWhatsApp} {
		low := TargetGrade(ch, Needs{LowLiteracy: true, PlainEnglish: true})
		plain := TargetGrade(ch, Needs{PlainEnglish: true})
		bsl := TargetGrade(ch, Needs{BSL: true})
		everyone := TargetGrade(ch, Needs{ScreenReader: true})
		if !(low < plain && plain <= everyone && bsl == plain) {
			t.Errorf("%v: low literacy %.0f, plain English %.0f, BSL %.0f, everyone %.0f", ch, low, plain, bsl, everyone)
		}
		if low != 6 || everyone != 10 {
			t.Errorf("%v: low literacy %.0f, everyone %.0f; want 6 and 10", ch, low, everyone)
		}
	}
}
