package jsondoc

import (
	"fmt"
	"sort"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
)

// govukBase is where GOV.UK base paths live.
const govukBase = "https://www.gov.uk"

// isGOVUK reports a GOV.UK content item: it has a schema name, or a base
// path with details.
func isGOVUK(o *object) bool {
	return o != nil && (o.has("schema_name") || o.has("base_path") && (o.has("details") || o.has("document_type")))
}

// govukIntro lists the details fields that hold prose, in reading order,
// with the heading each gets. The body comes first after the
// introduction; parts and steps are handled on their own.
var govukIntro = []struct{ key, heading string }{
	{"introduction", ""},
	{"introductory_paragraph", ""},
	{"lead_paragraph", ""},
	{"body", ""},
	{"need_to_know", "What you need to know"},
	{"what_you_need_to_know", "What you need to know"},
	{"more_information", "More information"},
	{"other_ways_to_apply", "Other ways to apply"},
	{"other_ways_to_pay", "Other ways to pay"},
	{"before_you_start", "Before you start"},
	{"start_button_text", ""},
}

// govukDocs turns a content item into one page. Its URL is
// https://www.gov.uk followed by the base path.
func govukDocs(f corpus.File, o *object) ([]corpus.Document, error) {
	title := oneLine(o.str("title"))
	basePath := o.str("base_path")
	if title == "" {
		title = basePath
	}
	if title == "" {
		return nil, fmt.Errorf("GOV.UK item has no title or base path: %w", corpus.ErrEmpty)
	}
	d := corpus.Document{ID: f.ID, Kind: f.Source.Kind, Title: title, Council: f.Council}
	if strings.HasPrefix(basePath, "/") {
		base := f.BaseURL
		if base == "" {
			base = govukBase
		}
		d.URL = strings.TrimRight(base, "/") + basePath
	}
	for _, k := range []string{"public_updated_at", "first_published_at", "updated_at"} {
		if t, ok := parseTime(o.str(k)); ok {
			d.Date = t
			break
		}
	}
	meta := map[string]string{}
	for _, k := range []string{"schema_name", "document_type", "content_id", "locale"} {
		if s := o.str(k); s != "" {
			meta[k] = s
		}
	}
	d.Meta = meta

	if desc := o.str("description"); desc != "" {
		d.Sections = append(d.Sections, bodySections(desc, nil)...)
	}
	details := o.obj("details")
	used := map[string]bool{}
	for _, p := range govukIntro {
		used[p.key] = true
		var base []string
		if p.heading != "" {
			base = []string{p.heading}
		}
		d.Sections = append(d.Sections, govukBody(details.get(p.key), base)...)
	}
	for _, part := range details.arr("parts") {
		po, _ := part.(*object)
		if po == nil {
			continue
		}
		pt := oneLine(po.str("title"))
		var base []string
		if pt != "" {
			base = []string{pt}
		}
		secs := govukBody(po.get("body"), base)
		if len(secs) == 0 && pt != "" {
			continue
		}
		d.Sections = append(d.Sections, secs...)
	}
	used["parts"] = true
	if nav := details.obj("step_by_step_nav"); nav != nil {
		d.Sections = append(d.Sections, stepSections(nav)...)
	}
	used["step_by_step_nav"] = true
	// Other prose in details, in key order for a stable result.
	var rest []string
	for _, k := range details.fields() {
		if !used[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		s, ok := details.get(k).(string)
		if !ok || !isProse(s) {
			continue
		}
		d.Sections = append(d.Sections, bodySections(s, []string{humanize(k)})...)
	}
	if link := details.str("transaction_start_link"); link != "" {
		d.Sections = append(d.Sections, corpus.Section{Headings: []string{"Start now"}, Text: "Start now: " + link})
	}
	if len(d.Sections) == 0 {
		for _, r := range o.arr("redirects") {
			if ro, ok := r.(*object); ok && ro.str("destination") != "" {
				d.Sections = append(d.Sections, corpus.Section{Text: fmt.Sprintf("%s redirects to %s.", ro.str("path"), ro.str("destination"))})
			}
		}
	}
	return []corpus.Document{d}, nil
}

// govukBody renders a body field: an HTML string, or a list of
// {content_type, content} alternatives of which HTML is preferred, then
// govspeak (GOV.UK's Markdown).
func govukBody(v any, base []string) []corpus.Section {
	switch b := v.(type) {
	case string:
		if strings.TrimSpace(b) == "" {
			return nil
		}
		return bodySections(b, base)
	case []any:
		var html, other string
		for _, alt := range b {
			ao, _ := alt.(*object)
			switch ao.str("content_type") {
			case "text/html":
				html = ao.str("content")
			default:
				if other == "" {
					other = ao.str("content")
				}
			}
		}
		if html != "" {
			return htmlSections(html, base)
		}
		if other != "" {
			return textSections(other, base)
		}
	}
	return nil
}

// isProse reports whether a details string is text to index rather than a
// code, date, path or flag.
func isProse(s string) bool {
	if looksLikeHTML(s) {
		return true
	}
	return len(s) >= 60 && strings.Count(s, " ") >= 8 && !strings.HasPrefix(s, "http")
}

// stepSections renders a step-by-step navigation: its introduction, then
// one section per step, headed "Step N: title", listing the step's
// paragraphs and links.
func stepSections(nav *object) []corpus.Section {
	title := oneLine(nav.str("title"))
	var base []string
	if title != "" {
		base = []string{title}
	}
	secs := govukBody(nav.get("introduction"), base)
	for i, s := range nav.arr("steps") {
		so, _ := s.(*object)
		if so == nil {
			continue
		}
		var lines []string
		var walk func(items []any)
		walk = func(items []any) {
			for _, c := range items {
				co, _ := c.(*object)
				if co == nil {
					continue
				}
				switch {
				case co.str("text") != "":
					line := oneLine(co.str("text"))
					if ctx := co.str("context"); ctx != "" {
						line += " (" + oneLine(ctx) + ")"
					}
					if co.str("href") != "" || co.str("type") == "" {
						line = "- " + line
					}
					lines = append(lines, line)
				case co.arr("contents") != nil:
					walk(co.arr("contents"))
				}
			}
		}
		walk(so.arr("contents"))
		heading := fmt.Sprintf("Step %d: %s", i+1, oneLine(so.str("title")))
		if so.str("logic") == "or" {
			heading = "Or: " + oneLine(so.str("title"))
		}
		if len(lines) == 0 {
			lines = []string{oneLine(so.str("title"))}
		}
		secs = append(secs, corpus.Section{Headings: append(append([]string(nil), base...), heading), Text: strings.Join(lines, "\n")})
	}
	return secs
}
