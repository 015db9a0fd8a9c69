package importer

import (
	"strings"
	"unicode"
)

// topics are the portal's subject headings with the words that suggest
// them. Imported threads carry no department, so the topic is what lets
// a resident narrow the log by subject. The list is ours, not a standard
// taxonomy; matching is on whole words (prefixes for entries ending '*').
var topics = []struct {
	name  string
	words []string
}{
	{"Roads, parking and transport", []string{"pothole*", "road*", "highway*", "traffic", "parking", "park and ride",
		"bus", "buses", "cycle*", "cycling", "speed*", "20mph", "gritting", "grit", "pcn*", "penalty charge*", "street light*",
		"pavement*", "footpath*", "junction*", "lane", "transport", "vehicle*", "car park*", "clean air zone"}},
	{"Housing and homelessness", []string{"housing", "homeless*", "tenant*", "tenanc*", "hmo", "hmos", "landlord*",
		"council house*", "council home*", "temporary accommodation", "rent", "rents", "void*", "cladding"}},
	{"Adult social care and health", []string{"social care", "care home*", "adult social", "carer*", "safeguarding",
		"public health", "dementia", "disabilit*", "home care", "mental health"}},
	{"Children, schools and education", []string{"school*", "child*", "pupil*", "education*", "ehcp*",
		"foster*", "looked after", "youth", "nurser*", "academ*"}},
	{"Council tax, benefits and business rates", []string{"council tax", "business rate*", "benefit*", "discretionary",
		"liability order*", "bailiff*", "enforcement agent*", "arrears"}},
	{"Finance, contracts and spending", []string{"budget*", "spend*", "spent", "expenditure", "invoice*", "payment*",
		"procurement", "contract*", "tender*", "supplier*", "consultant*", "grant*", "cost*", "funding", "finance*",
		"pension*", "salar*", "pay", "agency staff", "advertising"}},
	{"Waste, environment and pollution", []string{"waste", "bin", "bins", "recycling", "fly-tipping", "fly tipping", "flytipping",
		"pollution", "air quality", "tree*", "noise", "pest*", "rat", "rats", "dog fouling", "litter", "green space*",
		"allotment*", "climate", "flood*", "environment*"}},
	{"Planning and building", []string{"planning", "building control", "development*", "listed building*",
		"conservation area*", "planning enforcement", "s106", "section 106"}},
	{"Licensing", []string{"licen*", "taxi*", "private hire", "alcohol", "gambling"}},
	{"Crime, safety and CCTV", []string{"cctv", "camera*", "antisocial", "anti-social", "crime*", "police",
		"community safety", "knife", "fire safety"}},
	{"Libraries, leisure and culture", []string{"librar*", "leisure", "museum*", "sport*", "swimming", "park", "parks",
		"events", "culture", "book*"}},
	{"IT, data and cyber security", []string{"cyber*", "software", "it system*", "data breach*", "ransomware",
		"email*", "microsoft", "artificial intelligence", "ai", "computer*", "data protection"}},
	{"Councillors, staff and governance", []string{"councillor*", "election*", "committee*", "staff", "employee*",
		"recruitment", "complaint*", "mayor*", "chief executive", "meeting*", "minutes", "audit*", "policy", "policies",
		"investigation*", "whistleblow*", "gender pay"}},
}

// Topic returns the topic whose words occur most often in text (title
// words count three times, being the first line), or "" when none does.
func Topic(text string) string {
	title, rest, _ := strings.Cut(text, "\n")
	tw := wordList(title)
	rw := wordList(rest)
	best, bestScore := "", 0
	for _, t := range topics {
		score := 0
		for _, w := range t.words {
			score += 3*count(tw, w) + count(rw, w)
		}
		if score > bestScore {
			best, bestScore = t.name, score
		}
	}
	return best
}

func wordList(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
}

// count counts occurrences of a one- or multi-word entry in words; an
// entry ending '*' matches any word starting with it.
func count(words []string, entry string) int {
	parts := strings.Fields(entry)
	n := 0
	for i := 0; i+len(parts) <= len(words); i++ {
		ok := true
		for j, p := range parts {
			w := words[i+j]
			if strings.HasSuffix(p, "*") {
				if !strings.HasPrefix(w, strings.TrimSuffix(p, "*")) {
					ok = false
					break
				}
			} else if w != p {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	return n
}
