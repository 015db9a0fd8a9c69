package foi

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Rule is an officer's own censor rule, as in Alaveteli: literal text
// (case-sensitive) or a Go regular expression, replaced wherever it
// occurs in the disclosures it applies to. Use rules for what Detect
// cannot know: a case number, a nickname, a private address written
// without a house number.
//
// Go's regexp package runs in time linear in the text, so a rule cannot
// hang publication; MaxRulePatternLen and MaxRules bound the work per
// disclosure.
type Rule struct {
	ID          int64 // assigned by the RuleStore; 0 for a rule not yet saved
	Pattern     string
	Regexp      bool
	Replacement string // "" means "[removed]"
	// DisclosureID scopes the rule to one disclosure; "" applies it to
	// every disclosure.
	DisclosureID string
	// Comment records why the rule exists (Alaveteli requires one).
	Comment string
	Author  string // the officer who added it
	Created time.Time
}

// Limits on censor rules.
const (
	// MaxRulePatternLen bounds a pattern in bytes: a regular expression
	// compiles to a program proportional to its length, and a literal
	// longer than this is a paragraph, which an officer should edit
	// instead.
	MaxRulePatternLen = 500
	// MaxRuleReplacementLen bounds a replacement in bytes.
	MaxRuleReplacementLen = 100
	// MaxRuleCommentLen bounds a rule's reason in bytes.
	MaxRuleCommentLen = 1000
	// MaxRules bounds how many rules a RuleStore keeps, so that
	// publishing one disclosure runs at most this many patterns over it.
	MaxRules = 500
)

// Validate reports problems with a rule's pattern and replacement as
// ValidationErrors (errors.Is ErrInvalid): an empty or overlong pattern,
// a regular expression that does not compile (empty matches are
// skipped when redacting), a replacement that is too long or spans lines.
func (r Rule) Validate() error {
	var es ValidationErrors
	add := func(f, m string) { es = append(es, ValidationError{Field: f, Message: m}) }
	switch {
	case strings.TrimSpace(r.Pattern) == "":
		add("Pattern", "enter the text or pattern to remove")
	case len(r.Pattern) > MaxRulePatternLen:
		add("Pattern", fmt.Sprintf("must be %d characters or fewer", MaxRulePatternLen))
	case !utf8.ValidString(r.Pattern):
		add("Pattern", "must be plain text")
	case r.Regexp:
		if _, err := regexp.Compile(r.Pattern); err != nil {
			add("Pattern", "is not a valid regular expression: "+regexpProblem(err))
		}
	}
	if len(r.Replacement) > MaxRuleReplacementLen {
		add("Replacement", fmt.Sprintf("must be %d characters or fewer", MaxRuleReplacementLen))
	} else if strings.ContainsAny(r.Replacement, "\r\n") {
		add("Replacement", "must be on one line")
	}
	if len(r.Comment) > MaxRuleCommentLen {
		add("Comment", fmt.Sprintf("must be %d characters or fewer", MaxRuleCommentLen))
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

// ValidateNew is Validate plus what a stored rule needs: the reason for
// it and who added it.
func (r Rule) ValidateNew() error {
	var es ValidationErrors
	if err := r.Validate(); err != nil {
		es = append(es, err.(ValidationErrors)...)
	}
	if strings.TrimSpace(r.Comment) == "" {
		es = append(es, ValidationError{Field: "Comment", Message: "say why the text must be removed"})
	}
	if strings.TrimSpace(r.Author) == "" {
		es = append(es, ValidationError{Field: "Author", Message: "enter your name"})
	} else if len(r.Author) > MaxAssigneeLen {
		es = append(es, ValidationError{Field: "Author", Message: fmt.Sprintf("must be %d characters or fewer", MaxAssigneeLen)})
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

// regexpProblem is the useful part of a regexp compile error: "missing
// closing ): `(abc`".
func regexpProblem(err error) string {
	msg := err.Error()
	return strings.TrimPrefix(msg, "error parsing regexp: ")
}

// find returns the byte spans rule r matches in text, skipping empty
// matches.
func (r Rule) find(text string) ([][]int, error) {
	if r.Pattern == "" {
		return nil, fmt.Errorf("censor rule: empty pattern: %w", ErrInvalid)
	}
	if len(r.Pattern) > MaxRulePatternLen {
		return nil, fmt.Errorf("censor rule %d: pattern longer than %d bytes: %w", r.ID, MaxRulePatternLen, ErrInvalid)
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
	re, err := compileRule(r.Pattern)
	if err != nil {
		return nil, fmt.Errorf("censor rule %d: %v: %w", r.ID, err, ErrInvalid)
	}
	var locs [][]int
	for _, m := range re.FindAllStringIndex(text, -1) {
		if m[1] > m[0] {
			locs = append(locs, m)
		}
	}
	return locs, nil
}

// Applies reports whether r applies to the disclosure with id.
func (r Rule) Applies(disclosureID string) bool {
	return r.DisclosureID == "" || r.DisclosureID == disclosureID
}

// RulesFor returns the rules that apply to the disclosure with id: those
// for every disclosure and those scoped to it.
func RulesFor(rules []Rule, disclosureID string) []Rule {
	var out []Rule
	for _, r := range rules {
		if r.Applies(disclosureID) {
			out = append(out, r)
		}
	}
	return out
}

// RuleFilter selects censor rules. The zero value selects them all.
type RuleFilter struct {
	// DisclosureID, when set, selects the rules that apply to that
	// disclosure: the global ones and its own.
	DisclosureID string
}

// RuleStore keeps the officers' censor rules. Each method is one
// transaction.
type RuleStore interface {
	// FindRules returns the rules matching f, oldest first.
	FindRules(ctx context.Context, f RuleFilter) ([]Rule, error)
	// CreateRule validates r (Rule.ValidateNew), stores it and sets r.ID
	// and, when zero, r.Created. It returns ErrInvalid for a bad rule and
	// ErrConflict when the store already holds MaxRules rules.
	CreateRule(ctx context.Context, r *Rule) error
	// DeleteRule removes a rule; ErrNotFound if there is none. Text it
	// removed stays removed until the disclosures are published again.
	DeleteRule(ctx context.Context, id int64) error
}

// ruleRegexps caches compiled rule patterns: an import or republication
// applies every rule to every field of thousands of disclosures, and
// compiled the same pattern again for each field. *regexp.Regexp is safe
// for concurrent use. Officers
// can hold at most MaxRules rules, so the cache is cleared when it grows
// well past that (patterns of deleted rules).
var ruleRegexps struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

func compileRule(pattern string) (*regexp.Regexp, error) {
	ruleRegexps.Lock()
	defer ruleRegexps.Unlock()
	if re, ok := ruleRegexps.m[pattern]; ok {
		return re, nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	if ruleRegexps.m == nil || len(ruleRegexps.m) >= 2*MaxRules {
		ruleRegexps.m = map[string]*regexp.Regexp{}
	}
	ruleRegexps.m[pattern] = re
	return re, nil
}
