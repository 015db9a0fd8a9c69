package bleve

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLocateMatchesAnalyzer checks the fast word scan of locate against
// analysing the whole text: every analysed term must be found at the same
// offsets.
func TestLocateMatchesAnalyzer(t *testing.T) {
	idx, err := OpenMem(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	texts := []string{
		"The council's Collections: bins, BINNING and binned recycling; Ümlaut café résumé.",
		"Residents don't pay £55 for 2 garden-waste bins – see https://example.gov.uk/bins?x=1.",
		"Happily, the cities' flies were flying; generalisations generalised.",
	}
	type span struct {
		Term       string
		Start, End uint64
	}
	for _, text := range texts {
		var want []span
		terms := map[string]bool{}
		for _, tok := range idx.analyzer.Analyze([]byte(text)) {
			terms[string(tok.Term)] = true
			want = append(want, span{string(tok.Term), uint64(tok.Start), uint64(tok.End)})
		}
		var got []span
		for term, locs := range idx.locate(text, terms, map[string][]wordTerm{}) {
			for _, l := range locs {
				got = append(got, span{term, l.Start, l.End})
			}
		}
		sortSpans := func(s []span) {
			for i := range s {
				for j := i + 1; j < len(s); j++ {
					if s[j].Start < s[i].Start {
						s[i], s[j] = s[j], s[i]
					}
				}
			}
		}
		sortSpans(want)
		sortSpans(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("locate(%q) mismatch (-want +got):\n%s", text, diff)
		}
	}
}
