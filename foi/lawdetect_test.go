package foi_test

import (
	"testing"

	"github.com/townhall-civic/townhall/foi"
)

func TestDetectLaw(t *testing.T) {
	tests := []struct {
		name, description string
		nation            foi.Nation
		wantLaw           foi.Law
		wantTerm          string
	}{
		{"air quality", "Please send the nitrogen dioxide readings for Mill Lane.", foi.NationEnglandWales, foi.LawEIR, "nitrogen dioxide"},
		{"plural ending", "How many trees were felled in 2024?", foi.NationEnglandWales, foi.LawEIR, "trees"},
		{"stem", "Reports of contamination at the old gasworks", foi.NationEnglandWales, foi.LawEIR, "contamination"},
		{"capitals", "FLY-TIPPING fines issued last year", foi.NationEnglandWales, foi.LawEIR, "fly-tipping"},
		{"Scotland", "Noise complaints about the quarry", foi.NationScotland, foi.LawEISR, "noise"},
		{"Northern Ireland", "Recycling rates by ward", foi.NationNorthernIreland, foi.LawEIR, "recycling"},
		{"information", "How many agency social workers do you employ?", foi.NationEnglandWales, foi.LawFOIA, ""},
		{"information in Scotland", "Spending on consultants in 2023", foi.NationScotland, foi.LawFOISA, ""},
		// Environmental words inside other words are not environmental.
		{"street is not tree", "Street lighting repairs on the High Street", foi.NationEnglandWales, foi.LawFOIA, ""},
		{"driver is not river", "Taxi driver licences issued", foi.NationEnglandWales, foi.LawFOIA, ""},
		{"treasury is not tree", "Treasury management strategy and treatment of debts", foi.NationEnglandWales, foi.LawFOIA, ""},
		{"empty", "", foi.NationEnglandWales, foi.LawFOIA, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			law, term := foi.DetectLaw(tt.description, tt.nation)
			if law != tt.wantLaw || term != tt.wantTerm {
				t.Errorf("DetectLaw(%q, %s) = %s, %q; want %s, %q", tt.description, tt.nation, law, term, tt.wantLaw, tt.wantTerm)
			}
		})
	}
}
