package jsondoc

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
)

// ocdsReleases returns the releases of an Open Contracting Data Standard
// file: a release package's "releases", a record package's compiled
// releases, or a lone release. It returns nil for anything else.
func ocdsReleases(v any) []*object {
	switch t := v.(type) {
	case []any:
		return nil
	case *object:
		var out []*object
		if rels := t.arr("releases"); rels != nil {
			for _, r := range rels {
				if ro, ok := r.(*object); ok && (ro.has("ocid") || ro.has("tender") || ro.has("awards")) {
					out = append(out, ro)
				}
			}
			return out
		}
		if recs := t.arr("records"); recs != nil {
			for _, r := range recs {
				ro, _ := r.(*object)
				if cr := ro.obj("compiledRelease"); cr != nil {
					out = append(out, cr)
				}
			}
			if len(out) > 0 {
				return out
			}
			return nil
		}
		if t.has("ocid") && (t.has("tender") || t.has("awards") || t.has("contracts")) {
			return []*object{t}
		}
	}
	return nil
}

// ocdsDocs gives one contracts document per release, "path#<release id>".
func ocdsDocs(f corpus.File, v any) ([]corpus.Document, error) {
	rels := ocdsReleases(v)
	if len(rels) == 0 {
		return nil, fmt.Errorf("no releases: %w", corpus.ErrEmpty)
	}
	publisher := ""
	if o, ok := v.(*object); ok {
		publisher = o.obj("publisher").str("name")
	}
	var docs []corpus.Document
	seen := map[string]bool{}
	for i, r := range rels {
		d := releaseDoc(f, r, publisher)
		key := r.str("id")
		if key == "" {
			key = r.str("ocid")
		}
		if !safeKey(key) || seen[key] {
			key = "release-" + strconv.Itoa(i+1)
		}
		seen[key] = true
		d.ID = f.ID + "#" + key
		docs = append(docs, d)
	}
	return docs, nil
}

func releaseDoc(f corpus.File, r *object, publisher string) corpus.Document {
	tender := r.obj("tender")
	award := firstObject(r.arr("awards"))
	contract := firstObject(r.arr("contracts"))

	buyer := oneLine(r.obj("buyer").str("name"))
	if buyer == "" {
		for _, p := range r.arr("parties") {
			po, _ := p.(*object)
			for _, role := range po.arr("roles") {
				if role == "buyer" || role == "procuringEntity" {
					buyer = oneLine(po.str("name"))
				}
			}
		}
	}
	if buyer == "" {
		buyer = firstNonEmpty(oneLine(tender.obj("procuringEntity").str("name")), f.Council, publisher)
	}
	var suppliers []string
	for _, s := range award.arr("suppliers") {
		if so, ok := s.(*object); ok && so.str("name") != "" {
			suppliers = append(suppliers, oneLine(so.str("name")))
		}
	}
	title := firstNonEmpty(oneLine(tender.str("title")), oneLine(contract.str("title")), oneLine(award.str("title")), r.str("ocid"))

	rec := &corpus.Record{
		Supplier:    strings.Join(suppliers, ", "),
		Reference:   r.str("ocid"),
		Description: clean(firstNonEmpty(tender.str("description"), contract.str("description"), award.str("description"))),
	}
	value, currency := ocdsValue(contract.obj("value"))
	if value == 0 {
		value, currency = ocdsValue(award.obj("value"))
	}
	if value == 0 {
		value, currency = ocdsValue(tender.obj("value"))
	}
	rec.AmountPence = value
	rec.Status = firstNonEmpty(contract.str("status"), award.str("status"), tender.str("status"))
	for _, s := range []string{award.str("date"), contract.str("dateSigned"), contract.obj("period").str("startDate"), r.str("date")} {
		if t, ok := parseTime(s); ok {
			rec.Date = t
			break
		}
	}
	for _, s := range []string{contract.obj("period").str("endDate"), award.obj("contractPeriod").str("endDate"), tender.obj("contractPeriod").str("endDate")} {
		if t, ok := parseTime(s); ok {
			rec.EndDate = t
			break
		}
	}
	for _, it := range append(tender.arr("items"), award.arr("items")...) {
		io, _ := it.(*object)
		if c := io.obj("classification"); c != nil {
			rec.Category = firstNonEmpty(oneLine(c.str("description")), c.str("id"))
			break
		}
	}
	if rec.Category == "" {
		rec.Category = tender.str("mainProcurementCategory")
	}

	d := corpus.Document{
		Kind:    kindOr(f, corpus.KindContracts),
		Title:   title,
		Council: buyer,
		Date:    rec.Date,
		Record:  rec,
	}
	meta := map[string]string{"ocid": r.str("ocid")}
	if rec.Status != "" {
		meta["status"] = rec.Status
	}
	if currency != "" {
		meta["currency"] = currency
	}
	if buyer != "" {
		meta["buyer"] = buyer
	}
	d.Meta = meta

	money := func(p int64) string {
		if currency == "" || currency == "GBP" {
			return formatPence(p)
		}
		return strconv.FormatFloat(float64(p)/100, 'f', 2, 64) + " " + currency
	}
	who := firstNonEmpty(buyer, "The buyer")
	var b strings.Builder
	if rec.Supplier != "" {
		fmt.Fprintf(&b, "%s awarded the contract %q to %s", who, title, rec.Supplier)
	} else {
		fmt.Fprintf(&b, "%s published the tender %q", who, title)
	}
	if value != 0 {
		b.WriteString(", worth " + money(value))
	}
	if !rec.Date.IsZero() {
		b.WriteString(", on " + rec.Date.Format("2 January 2006"))
	}
	b.WriteString(".")
	if !rec.EndDate.IsZero() {
		b.WriteString("\nThe contract ends on " + rec.EndDate.Format("2 January 2006") + ".")
	}
	if rec.Status != "" {
		b.WriteString("\nStatus: " + rec.Status + ".")
	}
	if rec.Category != "" {
		b.WriteString("\nCategory: " + rec.Category + ".")
	}
	if m := tender.str("procurementMethod"); m != "" {
		b.WriteString("\nProcurement method: " + m + ".")
	}
	if rec.Description != "" {
		b.WriteString("\nDescription: " + sentence(rec.Description))
	}
	b.WriteString("\nOpen contracting ID: " + r.str("ocid") + ".")
	d.Sections = []corpus.Section{{Text: b.String()}}
	if d.Date.IsZero() {
		if t, ok := parseTime(r.str("date")); ok {
			d.Date = t.Truncate(24 * time.Hour)
		}
	}
	return d
}

// ocdsValue reads an OCDS value object {amount, currency}.
func ocdsValue(v *object) (int64, string) {
	n, ok := v.num("amount")
	if !ok {
		return 0, ""
	}
	p, _ := pence(n)
	return p, v.str("currency")
}

func firstObject(a []any) *object {
	for _, v := range a {
		if o, ok := v.(*object); ok {
			return o
		}
	}
	return nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
