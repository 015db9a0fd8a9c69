package jsondoc

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
)

// isContractsFinder reports an export of Contracts Finder notices: an
// object whose "contracts" array holds notices (with a notice type,
// awarded supplier or CPV codes), or whose meta names Contracts Finder.
func isContractsFinder(o *object) bool {
	cs := o.arr("contracts")
	if len(cs) == 0 {
		return false
	}
	if strings.Contains(strings.ToLower(o.obj("meta").str("source")), "contracts finder") {
		return true
	}
	first, _ := cs[0].(*object)
	return first.has("notice_type") || first.has("awarded_supplier") || first.has("cpv_codes")
}

// contractsFinderDocs gives one document per notice, "path#<notice id>",
// and one for the export's stats block, "path#stats".
func contractsFinderDocs(f corpus.File, o *object) ([]corpus.Document, error) {
	var docs []corpus.Document
	seen := map[string]bool{}
	buyers := map[string]int{}
	for i, c := range o.arr("contracts") {
		co, _ := c.(*object)
		if co == nil {
			continue
		}
		d := noticeDoc(f, co)
		key := co.str("id")
		if !safeKey(key) || seen[key] {
			key = "notice-" + strconv.Itoa(i+1)
		}
		seen[key] = true
		d.ID = f.ID + "#" + key
		if d.Record.Reference == "" {
			d.Record.Reference = key
		}
		buyers[d.Council]++
		docs = append(docs, d)
	}
	if st := o.obj("stats"); st != nil {
		docs = append(docs, statsDoc(f, o, st, mostCommon(buyers)))
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("no notices: %w", corpus.ErrEmpty)
	}
	return docs, nil
}

func noticeDoc(f corpus.File, c *object) corpus.Document {
	u := func(k string) string { return oneLine(html.UnescapeString(c.str(k))) }
	title, buyer, supplier, status := u("title"), u("organisation"), u("awarded_supplier"), c.str("status")
	rec := &corpus.Record{
		Supplier:    supplier,
		Status:      status,
		Reference:   c.str("id"),
		Category:    u("cpv_description"),
		Description: clean(html.UnescapeString(c.str("description"))),
	}
	if rec.Category == "" {
		rec.Category = c.str("cpv_codes")
	}
	awarded := amountAt(c, "awarded_value")
	low, high := amountAt(c, "value_low"), amountAt(c, "value_high")
	switch {
	case awarded > 0:
		rec.AmountPence = awarded
	case high > low:
		rec.AmountPence = high
	default:
		rec.AmountPence = low
	}
	published, _ := parseTime(c.str("published_date"))
	awardDate, _ := parseTime(c.str("awarded_date"))
	deadline, _ := parseTime(c.str("deadline_date"))
	rec.Date = awardDate
	if rec.Date.IsZero() {
		rec.Date = published
	}
	for _, k := range []string{"end_date", "contract_end_date", "contract_end"} {
		if t, ok := parseTime(c.str(k)); ok {
			rec.EndDate = t
			break
		}
	}
	if title == "" {
		title = "Contract notice " + c.str("id")
	}
	council := buyer
	if council == "" {
		council = f.Council
	}
	d := corpus.Document{
		Kind:    kindOr(f, corpus.KindContracts),
		Title:   title,
		URL:     c.str("url"),
		Council: council,
		Date:    rec.Date,
		Record:  rec,
	}
	meta := map[string]string{}
	for k, v := range map[string]string{"status": status, "notice_type": c.str("notice_type"), "buyer": buyer, "cpv": c.str("cpv_codes")} {
		if v != "" {
			meta[k] = v
		}
	}
	d.Meta = meta

	who := council
	if who == "" {
		who = "The buyer"
	}
	var b strings.Builder
	if supplier != "" && (status == "awarded" || awarded > 0) {
		fmt.Fprintf(&b, "%s awarded the contract %q to %s", who, title, supplier)
		if awarded > 0 {
			b.WriteString(" for " + formatPence(awarded))
		}
		if !awardDate.IsZero() {
			b.WriteString(" on " + awardDate.Format("2 January 2006"))
		}
		b.WriteString(".")
	} else {
		fmt.Fprintf(&b, "%s published the contract notice %q", who, title)
		if !published.IsZero() {
			b.WriteString(" on " + published.Format("2 January 2006"))
		}
		b.WriteString(".")
		if status != "" {
			b.WriteString(" Status: " + status + ".")
		}
	}
	switch {
	case low > 0 && high > low:
		b.WriteString("\nEstimated value: " + formatPence(low) + " to " + formatPence(high) + ".")
	case low > 0 && awarded <= 0:
		b.WriteString("\nEstimated value: " + formatPence(low) + ".")
	}
	if rec.Description != "" && rec.Description != title {
		b.WriteString("\nDescription: " + sentence(rec.Description))
	}
	dates := []string{}
	if !published.IsZero() {
		dates = append(dates, "published "+published.Format("2 January 2006"))
	}
	if !deadline.IsZero() {
		dates = append(dates, "tender deadline "+deadline.Format("2 January 2006"))
	}
	if !rec.EndDate.IsZero() {
		dates = append(dates, "ends "+rec.EndDate.Format("2 January 2006"))
	}
	if len(dates) > 0 {
		b.WriteString("\nDates: " + strings.Join(dates, "; ") + ".")
	}
	if cat := u("cpv_description"); cat != "" || c.str("cpv_codes") != "" {
		b.WriteString("\nCategory: " + cat)
		if codes := c.str("cpv_codes"); codes != "" {
			b.WriteString(" (CPV " + codes + ")")
		}
		b.WriteString(".")
	}
	if r := u("region"); r != "" {
		b.WriteString("\nRegion: " + r + ".")
	}
	if v, ok := c.get("suitable_for_sme").(bool); ok {
		b.WriteString("\nSuitable for small and medium-sized enterprises (SMEs): " + yesNo(v) + ".")
	}
	if v, ok := c.get("awarded_to_sme").(bool); ok {
		b.WriteString("\nAwarded to an SME: " + yesNo(v) + ".")
	}
	if nt := c.str("notice_type"); nt != "" {
		b.WriteString("\nNotice type: " + nt + ". Published on Contracts Finder.")
	}
	d.Sections = []corpus.Section{{Text: b.String()}}
	return d
}

// statsDoc writes the export's totals in words, so that "how much did
// Hyndburn award in total" finds a document that says so.
func statsDoc(f corpus.File, o, st *object, buyer string) corpus.Document {
	if buyer == "" {
		buyer = humanize(o.obj("meta").str("council_id"))
	}
	if buyer == "" {
		buyer = f.Council
	}
	num := func(k string) string { return st.str(k) }
	var b strings.Builder
	fmt.Fprintf(&b, "Contracts Finder lists %s notices published by %s", num("total_notices"), buyer)
	if s := num("awarded_count"); s == "1" {
		b.WriteString(", of which 1 was awarded")
	} else if s != "" {
		b.WriteString(", of which " + s + " were awarded")
	}
	b.WriteString(".")
	if n, ok := st.num("total_awarded_value"); ok {
		b.WriteString(" In total " + buyer + " awarded contracts worth " + formatMoney(n))
		if a, ok := st.num("average_awarded_value"); ok {
			b.WriteString(", an average of " + formatMoney(a) + " per contract")
		}
		b.WriteString(".")
	}
	if s := num("sme_awarded_count"); s != "" {
		b.WriteString(" " + plural(s, "contract"))
		if p := num("sme_awarded_pct"); p != "" {
			b.WriteString(" (" + p + "%)")
		}
		b.WriteString(" went to small and medium-sized enterprises (SMEs).")
	}
	switch s := num("open_count"); s {
	case "", "0":
	case "1":
		b.WriteString(" 1 notice is open.")
	default:
		b.WriteString(" " + s + " notices are open.")
	}
	secs := []corpus.Section{{Text: b.String()}}
	if tops := st.arr("top_suppliers"); len(tops) > 0 {
		var lines []string
		for _, t := range tops {
			to, _ := t.(*object)
			if to == nil {
				continue
			}
			line := "- " + oneLine(html.UnescapeString(to.str("name")))
			var bits []string
			if n := to.str("contracts"); n != "" {
				bits = append(bits, plural(n, "contract"))
			}
			if v, ok := to.num("total_value"); ok {
				bits = append(bits, formatMoney(v))
			}
			if len(bits) > 0 {
				line += ": " + strings.Join(bits, ", ")
			}
			lines = append(lines, line)
		}
		secs = append(secs, corpus.Section{Headings: []string{"Top suppliers"},
			Text: "The suppliers awarded the most by " + buyer + ":\n" + strings.Join(lines, "\n")})
	}
	for _, k := range []string{"by_year", "by_type", "by_procedure_type", "competition"} {
		bo := st.obj(k)
		if bo == nil || len(bo.keys) == 0 {
			continue
		}
		var parts []string
		for _, kk := range bo.keys {
			if s := bo.str(kk); s != "" {
				parts = append(parts, kk+": "+s)
			}
		}
		if len(parts) > 0 {
			secs = append(secs, corpus.Section{Headings: []string{"Notices " + strings.ToLower(humanize(k))},
				Text: "Notices " + strings.ToLower(humanize(k)) + " for " + buyer + ": " + strings.Join(parts, ", ") + "."})
		}
	}
	d := corpus.Document{
		ID:       f.ID + "#stats",
		Kind:     kindOr(f, corpus.KindContracts),
		Title:    "Contracts Finder totals for " + buyer,
		Council:  buyer,
		Sections: secs,
		Meta:     map[string]string{"summary": "stats"},
	}
	if t, ok := parseTime(o.obj("meta").str("generated")); ok {
		d.Date = t.Truncate(24 * time.Hour)
	}
	return d
}

// amountAt returns the amount in pounds at k as pence, 0 when absent.
func amountAt(o *object, k string) int64 {
	n, ok := o.num(k)
	if !ok {
		return 0
	}
	p, _ := pence(n)
	return p
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func mostCommon(counts map[string]int) string {
	best, n := "", 0
	for k, c := range counts {
		if k != "" && (c > n || c == n && k < best) {
			best, n = k, c
		}
	}
	return best
}

// kindOr returns the kind the manifest gave f, or def.
func kindOr(f corpus.File, def corpus.Kind) corpus.Kind {
	if f.Source.Kind != "" {
		return f.Source.Kind
	}
	return def
}

// plural writes "1 contract" or "2 contracts" for a count given as text.
func plural(n, noun string) string {
	if n == "1" {
		return n + " " + noun
	}
	return n + " " + noun + "s"
}
