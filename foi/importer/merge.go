package importer

import (
	"strings"
	"time"
	"unicode"

	"github.com/townhall-civic/townhall/foi"
)

// Merge folds together disclosures that are one request reaching the log
// by two routes, and returns the result in input order with the IDs that
// were folded into another.
//
// The matching rule: two disclosures are the same request when they have
// the same Authority (ignoring case) and the same non-empty Reference,
// compared on letters and digits only and ignoring case, so "FOI
// 2024/0153", "foi-2024-0153" and "FOI-2024-0153" agree. Disclosures
// without a reference are never merged.
//
// The disclosure with the most request and response text (a
// correspondence thread, usually, rather than a one-line log row) keeps
// its ID, title, text, link and attachments; ties go to the smaller ID.
// From the others it takes what it lacks: a status when its own is
// unclassified, the department, topic, response date and URL when empty,
// and the earliest date received. Exemptions are the union. Sources lists
// every document, the kept one first.
func Merge(ds []*foi.Disclosure) (merged []*foi.Disclosure, retired []string) {
	groups := map[string][]int{}
	var order []string
	for i, d := range ds {
		k := mergeKey(d)
		if k == "" {
			k = "\x00" + d.ID // unique: never merged
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	for _, k := range order {
		idx := groups[k]
		if len(idx) == 1 {
			merged = append(merged, ds[idx[0]])
			continue
		}
		best := idx[0]
		for _, i := range idx[1:] {
			if richer(ds[i], ds[best]) {
				best = i
			}
		}
		out := ds[best].Clone()
		out.Sources = []string{sourceID(out)}
		for _, i := range idx {
			if i == best {
				continue
			}
			fold(out, ds[i])
			retired = append(retired, ds[i].ID)
		}
		merged = append(merged, out)
	}
	return merged, retired
}

// mergeKey is the authority and normalised reference, or "" when the
// disclosure has no reference.
func mergeKey(d *foi.Disclosure) string {
	ref := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, d.Reference)
	if ref == "" {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(d.Authority)) + "\x00" + ref
}

// richer reports whether a should be kept over b.
func richer(a, b *foi.Disclosure) bool {
	la, lb := len(a.RequestText)+len(a.ResponseText), len(b.RequestText)+len(b.ResponseText)
	if la != lb {
		return la > lb
	}
	return a.ID < b.ID
}

func sourceID(d *foi.Disclosure) string {
	if d.SourceID != "" {
		return d.SourceID
	}
	return d.ID
}

// fold adds what o knows and out lacks to out.
func fold(out, o *foi.Disclosure) {
	if len(o.Sources) > 0 {
		out.Sources = append(out.Sources, o.Sources...)
	} else {
		out.Sources = append(out.Sources, sourceID(o))
	}
	if out.Status == "" || out.Status == foi.StatusWaitingClassification {
		out.Status = o.Status
	}
	out.Exemptions = mergeExemptions(out.Exemptions, o.Exemptions)
	if out.Department == "" {
		out.Department = o.Department
	}
	if out.Topic == "" {
		out.Topic = o.Topic
	}
	if out.URL == "" {
		out.URL = o.URL
	}
	if out.Responded.IsZero() {
		out.Responded = o.Responded
	}
	out.Received = earliest(out.Received, o.Received)
	names := map[string]bool{}
	for _, a := range out.Attachments {
		names[a.Name] = true
	}
	for _, a := range o.Attachments {
		if !names[a.Name] {
			out.Attachments = append(out.Attachments, a)
		}
	}
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}
