package importer

import (
	"regexp"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi"
)

// FromDocument builds a disclosure from an FOI corpus document:
// foi.DisclosureFromDocument, plus what disclosure logs and the loaders'
// section headings say beyond it:
//
//   - a log's free-text outcome ("Partially provided - s.40 personal
//     information") gives the status and the exemptions it names;
//   - a reference starting "EIR" means the EIR;
//   - a "Department: X." line (corpus/tabular writes one for logs with a
//     department column) gives the department;
//   - the first dated "Response" heading gives the response date;
//   - the topic is inferred from the title and request (see Topic).
//
// The result is not redacted.
func FromDocument(doc *corpus.Document) *foi.Disclosure {
	d := foi.DisclosureFromDocument(doc)
	status := strings.TrimSpace(doc.Meta["status"])
	if _, err := foi.ParseStatus(status); err != nil && status != "" {
		if st, ok := statusFromOutcome(status); ok {
			d.Status = st
		}
	}
	if doc.Meta["law"] == "" && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(d.Reference)), "EIR") {
		d.Law = foi.LawEIR
		d.Exemptions = foi.DetectExemptions(d.ResponseText, d.Law)
	}
	if status != "" {
		d.Exemptions = mergeExemptions(d.Exemptions, foi.DetectExemptions(status, d.Law))
	}
	for _, s := range doc.Sections {
		if d.Department == "" {
			if m := departmentLine.FindStringSubmatch(s.Text); m != nil {
				d.Department = strings.TrimSpace(m[1])
			}
		}
		if d.Responded.IsZero() && len(s.Headings) > 0 {
			if t, ok := responseDate(s.Headings[len(s.Headings)-1]); ok && !t.Before(civil(d.Received)) {
				d.Responded = t
			}
		}
	}
	d.Topic = Topic(d.Title + "\n" + d.RequestText)
	return d
}

var departmentLine = regexp.MustCompile(`(?m)^Department: (.{2,120}?)\.?$`)

var responseHeading = regexp.MustCompile(`^Response \d+ \((\d{1,2} [A-Z][a-z]+ \d{4})\)$`)

func responseDate(h string) (time.Time, bool) {
	m := responseHeading.FindStringSubmatch(h)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse("2 January 2006", m[1])
	return t, err == nil
}

func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// outcomeWords maps words found in disclosure logs' outcome columns to a
// status, most specific first.
var outcomeWords = []struct {
	words  []string
	status foi.Status
}{
	{[]string{"partial", "part released", "part provided", "in part"}, foi.StatusPartiallySuccessful},
	{[]string{"not held", "no information held", "no data held"}, foi.StatusNotHeld},
	{[]string{"withdrawn", "cancelled"}, foi.StatusUserWithdrawn},
	{[]string{"vexatious"}, foi.StatusVexatious},
	{[]string{"clarification"}, foi.StatusWaitingClarification},
	{[]string{"internal review", "review"}, foi.StatusInternalReview},
	{[]string{"refused", "withheld", "exempt", "declined", "rejected"}, foi.StatusRejected},
	{[]string{"provided", "released", "disclosed", "granted", "answered", "supplied", "complete", "closed"}, foi.StatusSuccessful},
}

// statusFromOutcome reads a status from a log's free-text outcome.
func statusFromOutcome(s string) (foi.Status, bool) {
	k := strings.ToLower(s)
	for _, o := range outcomeWords {
		for _, w := range o.words {
			if strings.Contains(k, w) {
				return o.status, true
			}
		}
	}
	return "", false
}

func mergeExemptions(a, b []foi.Exemption) []foi.Exemption {
	seen := map[string]bool{}
	var out []foi.Exemption
	for _, e := range append(append([]foi.Exemption(nil), a...), b...) {
		if !seen[e.Key()] {
			seen[e.Key()] = true
			out = append(out, e)
		}
	}
	return out
}
