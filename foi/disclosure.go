package foi

import (
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
)

// Disclosure is a published FOI or EIR response in the disclosure log: the
// request, the answer and what was withheld under which exemption. Text
// fields hold published (redacted) text; renderers must escape it.
type Disclosure struct {
	ID           string // stable key; the portal's URL slug
	Reference    string // the council's reference, e.g. "FOI-2024-0153"
	Title        string
	RequestText  string
	ResponseText string
	Received     time.Time
	Responded    time.Time // zero if unknown or not yet answered
	Status       Status
	Law          Law
	Exemptions   []Exemption
	Department   string
	Topic        string
	Attachments  []Attachment
	SourceID     string // corpus.Document ID it was built from, if any
	// Sources lists every corpus.Document ID merged into this disclosure
	// (a WhatDoTheyKnow thread and the disclosure-log row with the same
	// reference, say), SourceID first; empty when there is only SourceID.
	Sources []string
	// Authority is the public body that answered, e.g. "Sheffield City
	// Council".
	Authority string
	URL       string // canonical link, e.g. the WhatDoTheyKnow thread
}

// Attachment is a file released with a response, with its extracted
// text for search.
type Attachment struct {
	Name string
	URL  string
	Text string
}

// DisclosureFilter selects disclosures. Zero fields do not filter.
// Results are ordered by Received, newest first, then by ID.
type DisclosureFilter struct {
	ID         string
	Reference  string
	Query      string   // case-insensitive substring of title, request or response text
	Status     []Status // any of
	Law        Law
	Exemption  string // an exemption Key, e.g. "foia:40"
	Department string // exact, case-insensitive
	Topic      string // exact, case-insensitive
	From, To   time.Time
	Offset     int
	Limit      int // 0 means no limit
}

// Match reports whether d passes every field of f except paging. Stores
// without a query language can use it; SQL stores must agree with it.
func (f DisclosureFilter) Match(d *Disclosure) bool {
	if f.ID != "" && d.ID != f.ID {
		return false
	}
	if f.Reference != "" && !strings.EqualFold(d.Reference, f.Reference) {
		return false
	}
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" &&
		!strings.Contains(strings.ToLower(d.Title), q) &&
		!strings.Contains(strings.ToLower(d.RequestText), q) &&
		!strings.Contains(strings.ToLower(d.ResponseText), q) {
		return false
	}
	if len(f.Status) > 0 && !containsStatus(f.Status, d.Status) {
		return false
	}
	if f.Law != "" && d.Law != f.Law {
		return false
	}
	if f.Exemption != "" {
		found := false
		for _, e := range d.Exemptions {
			if e.Key() == f.Exemption {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if f.Department != "" && !strings.EqualFold(d.Department, f.Department) {
		return false
	}
	if f.Topic != "" && !strings.EqualFold(d.Topic, f.Topic) {
		return false
	}
	if !f.From.IsZero() && d.Received.Before(f.From) {
		return false
	}
	if !f.To.IsZero() && !d.Received.Before(f.To) {
		return false
	}
	return true
}

func containsStatus(ss []Status, s Status) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// DisclosureFromDocument builds a disclosure from an FOI corpus document
// (a WhatDoTheyKnow thread or a disclosure-log row as corpus/jsondoc and
// corpus/tabular load them). Sections headed "Request" or "Follow-up"
// become RequestText and the rest ResponseText; Meta "status", "law" and
// "reference" are parsed when present, and exemptions are detected in the
// response. The text is not redacted: run RedactDisclosure before
// publishing.
func DisclosureFromDocument(doc *corpus.Document) *Disclosure {
	d := &Disclosure{
		ID:        doc.ID,
		Reference: doc.Meta["reference"],
		Title:     doc.Title,
		Received:  doc.Date,
		SourceID:  doc.ID,
		URL:       doc.URL,
		Status:    StatusWaitingClassification,
		Law:       LawFOIA,
	}
	if s, err := ParseStatus(doc.Meta["status"]); err == nil {
		d.Status = s
	}
	if l, err := ParseLaw(doc.Meta["law"]); err == nil {
		d.Law = l
	}
	var req, resp []string
	for _, s := range doc.Sections {
		h := ""
		if len(s.Headings) > 0 {
			h = s.Headings[len(s.Headings)-1]
		}
		if strings.HasPrefix(h, "Request") || strings.HasPrefix(h, "Follow-up") {
			req = append(req, s.Text)
		} else {
			resp = append(resp, s.Text)
		}
	}
	d.RequestText = strings.Join(req, "\n\n")
	d.ResponseText = strings.Join(resp, "\n\n")
	d.Exemptions = DetectExemptions(d.ResponseText, d.Law)
	return d
}
