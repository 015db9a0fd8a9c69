package assistant

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalisePostcode(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		// Every outward shape.
		{"M1 1AE", "M1 1AE", true},         // A9
		{"B33 8TH", "B33 8TH", true},       // A99
		{"CR2 6XH", "CR2 6XH", true},       // AA9
		{"DN55 1PT", "DN55 1PT", true},     // AA99
		{"W1A 0AX", "W1A 0AX", true},       // A9A
		{"EC1A 1BB", "EC1A 1BB", true},     // AA9A
		{"GIR 0AA", "GIR 0AA", true},       // the exception
		{"gir0aa", "GIR 0AA", true},        // exception, compact
		{"sw1a2aa", "SW1A 2AA", true},      // lower case, no space
		{" sw1a   2aa ", "SW1A 2AA", true}, // stray spaces
		{"ze1 0aa", "ZE1 0AA", true},       // Z is fine first
		// Position rules.
		{"QA1 1AA", "", false},   // Q never first
		{"VA1 1AA", "", false},   // V never first
		{"XA1 1AA", "", false},   // X never first
		{"AI1 1AA", "", false},   // I never second
		{"AZ1 1AA", "", false},   // Z never second
		{"W1I 1AA", "", false},   // I not allowed third in A9A
		{"EC1Z 1BB", "", false},  // Z not allowed fourth in AA9A
		{"SW1A 1AC", "", false},  // C not allowed in the inward code
		{"SW1A 1IA", "", false},  // I not allowed in the inward code
		{"SW1A 1AAA", "", false}, // too long
		{"SW1A", "", false},      // outward only
		{"12345", "", false},
		{"BFPO 105", "", false}, // BFPO is not a postcode
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := NormalisePostcode(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("NormalisePostcode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
			if ValidPostcode(tt.in) != tt.wantOK {
				t.Errorf("ValidPostcode(%q) = %v, want %v", tt.in, !tt.wantOK, tt.wantOK)
			}
		})
	}
}

func TestFindPostcodes(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"none", "there is a pothole on Elm Road", nil},
		{"one", "It's outside 14 Elm Road, tv1 2ab, by the school", []string{"TV1 2AB"}},
		{"compact", "postcode is EC1A1BB thanks", []string{"EC1A 1BB"}},
		{"two deduplicated", "from SW1A 2AA to M1 1AE and back to sw1a 2aa", []string{"SW1A 2AA", "M1 1AE"}},
		{"invalid skipped", "is it QQ1 1AA or B33 8TH", []string{"B33 8TH"}},
		{"road numbers are not postcodes", "the A1 and M25 were closed at 5pm", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, FindPostcodes(tt.text)); diff != "" {
				t.Errorf("FindPostcodes(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
			first, ok := FindPostcode(tt.text)
			if len(tt.want) == 0 {
				if ok {
					t.Errorf("FindPostcode(%q) = %q, want none", tt.text, first)
				}
			} else if first != tt.want[0] {
				t.Errorf("FindPostcode(%q) = %q, want %q", tt.text, first, tt.want[0])
			}
		})
	}
}

func TestFindBadPostcode(t *testing.T) {
	tests := []struct {
		text   string
		want   string
		wantOK bool
	}{
		{"it's TV1 2CC", "TV1 2CC", true},
		{"SW1A 1AAA please", "SW1A 1AAA", true},
		{"TV1 2AB", "", false},
		{"outside 14 Elm Road", "", false},
	}
	for _, tt := range tests {
		got, ok := findBadPostcode(tt.text)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("findBadPostcode(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.wantOK)
		}
	}
}
