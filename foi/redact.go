package foi

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Rule is an officer's own censor rule, as in Alaveteli: literal text
// (case-sensitive) or a Go regular expression, replaced wherever it
// occurs. Use rules for what Detect cannot know: a case number, a
// nickname, a private address written without a house number.
type Rule struct {
	Pattern     string
	Regexp      bool
	Replacement string // "" means "[removed]"
	// Comment records why the rule exists (Alaveteli requires one);
	// it goes into the audit trail.
	Comment string
}

// AuditEntry records one replacement, with offsets into the original
// text. The audit trail holds the removed text, so it is as confidential
// as the original and must never be published.
type AuditEntry struct {
	Field       string // set by RedactDisclosure: "Title", "RequestText", "Attachments[0].Text", ...
	Kind        Kind
	Start, End  int
	Original    string
	Replacement string
	Rule        string // the rule's Pattern for KindCustom
}

// Redact replaces every finding and every match of rules with a visible
// marker ("[name removed]", "[email removed]", the rule's Replacement),
// merging overlaps, and returns the published text and what was removed.
// It returns ErrInvalid for a rule whose pattern is empty or does not
// compile, or a finding whose offsets do not fit text; nothing is
// redacted then, so a broken rule can never let text through unnoticed.
func Redact(text string, findings []Finding, rules []Rule) (string, []AuditEntry, error) {
	type span struct {
		Finding
		repl, rule string
	}
	var spans []span
	for _, f := range findings {
		if f.Start < 0 || f.End > len(text) || f.Start >= f.End ||
			!utf8.RuneStart(text[f.Start]) || (f.End < len(text) && !utf8.RuneStart(text[f.End])) {
			return "", nil, fmt.Errorf("redact: finding %d:%d outside text of %d bytes: %w", f.Start, f.End, len(text), ErrInvalid)
		}
		spans = append(spans, span{Finding: f, repl: f.Kind.Marker()})
	}
	for _, r := range rules {
		locs, err := r.find(text)
		if err != nil {
			return "", nil, err
		}
		repl := r.Replacement
		if repl == "" {
			repl = KindCustom.Marker()
		}
		for _, m := range locs {
			spans = append(spans, span{Finding{KindCustom, m[0], m[1], text[m[0]:m[1]]}, repl, r.Pattern})
		}
	}
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].Start != spans[j].Start {
			return spans[i].Start < spans[j].Start
		}
		return spans[i].End > spans[j].End
	})
	var b strings.Builder
	var audit []AuditEntry
	pos := 0
	for i := 0; i < len(spans); {
		cur := spans[i]
		end := cur.End
		for i++; i < len(spans) && spans[i].Start < end; i++ {
			end = max(end, spans[i].End)
		}
		b.WriteString(text[pos:cur.Start])
		b.WriteString(cur.repl)
		audit = append(audit, AuditEntry{Kind: cur.Kind, Start: cur.Start, End: end,
			Original: text[cur.Start:end], Replacement: cur.repl, Rule: cur.rule})
		pos = end
	}
	b.WriteString(text[pos:])
	return b.String(), audit, nil
}

// Validate reports ErrInvalid for an empty pattern or a regular
// expression that does not compile.
func (r Rule) Validate() error {
	_, err := r.find("")
	return err
}

func (r Rule) find(text string) ([][]int, error) {
	if r.Pattern == "" {
		return nil, fmt.Errorf("censor rule: empty pattern: %w", ErrInvalid)
	}
	if !r.Regexp {
		var locs [][]int
		for i := 0; ; {
			j := strings.Index(text[i:], r.Pattern)
			if j < 0 {
				return locs, nil
			}
			locs = append(locs, []int{i + j, i + j + len(r.Pattern)})
			i += j + len(r.Pattern)
		}
	}
	re, err := regexp.Compile(r.Pattern)
	if err != nil {
		return nil, fmt.Errorf("censor rule %q: %v: %w", r.Pattern, err, ErrInvalid)
	}
	var locs [][]int
	for _, m := range re.FindAllStringIndex(text, -1) {
		if m[1] > m[0] {
			locs = append(locs, m)
		}
	}
	return locs, nil
}

// RedactText detects personal data in text and redacts it with rules.
func RedactText(text string, opts DetectOptions, rules []Rule) (string, []AuditEntry, error) {
	return Redact(text, Detect(text, opts), rules)
}

// RedactDisclosure returns a copy of d ready to publish: the names found
// anywhere in it (FindNames over every text field) are added to
// opts.Names, so a requester who signs the request is also removed from
// the council's reply that quotes it, and then every text field is
// redacted. The audit entries name the field they came from.
func RedactDisclosure(d *Disclosure, opts DetectOptions, rules []Rule) (*Disclosure, []AuditEntry, error) {
	out := d.Clone()
	type field struct {
		name string
		ptr  *string
	}
	fields := []field{{"Title", &out.Title}, {"RequestText", &out.RequestText}, {"ResponseText", &out.ResponseText}}
	for i := range out.Attachments {
		fields = append(fields, field{fmt.Sprintf("Attachments[%d].Text", i), &out.Attachments[i].Text})
	}
	opts.Names = append([]string(nil), opts.Names...)
	for _, f := range fields {
		opts.Names = append(opts.Names, FindNames(*f.ptr)...)
	}
	var audit []AuditEntry
	for _, f := range fields {
		red, a, err := RedactText(*f.ptr, opts, rules)
		if err != nil {
			return nil, nil, err
		}
		*f.ptr = red
		for i := range a {
			a[i].Field = f.name
		}
		audit = append(audit, a...)
	}
	return out, audit, nil
}
