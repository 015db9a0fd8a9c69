package foi

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// AuditEntry records one replacement, with byte offsets into the
// unredacted text. Original holds the removed text, for the officers'
// preview only: stores keep Digest instead (see AuditDigest), so that the
// audit trail never holds personal data in clear.
type AuditEntry struct {
	Field       string // set by RedactDisclosure: "Title", "RequestText", "Attachments[0].Text", ...
	Kind        Kind
	Start, End  int
	Original    string // the removed text; empty when read back from a store
	Digest      string // keyed digest of Original, set by stores (hex)
	Replacement string
	Rule        string // the rule's Pattern for KindCustom (in memory only: a literal pattern may be a name)
	RuleID      int64  // the stored rule for KindCustom; 0 for a detector or an unsaved rule
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
		ruleID     int64
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
			spans = append(spans, span{Finding{KindCustom, m[0], m[1], text[m[0]:m[1]]}, repl, r.Pattern, r.ID})
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
			Original: text[cur.Start:end], Replacement: cur.repl, Rule: cur.rule, RuleID: cur.ruleID})
		pos = end
	}
	b.WriteString(text[pos:])
	return b.String(), audit, nil
}

// RedactText detects personal data in text and redacts it with rules.
func RedactText(text string, opts DetectOptions, rules []Rule) (string, []AuditEntry, error) {
	return Redact(text, Detect(text, opts), rules)
}

// RedactDisclosure returns a copy of d ready to publish: the names found
// anywhere in it (FindNames over every text field) are added to
// opts.Names, so a requester who signs the request is also removed from
// the council's reply that quotes it, and then every text field is
// redacted with the detectors and those of rules that apply to d (see
// RulesFor). The audit entries name the field they came from.
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
	rules = RulesFor(rules, d.ID)
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
