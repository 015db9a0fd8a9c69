package assistant

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// prefiltered is an alternation of regular expressions with a cheap test
// in front of each. Every match of a branch contains, from each of a few
// sets of literal strings, one member: `\byou (must|should|will) now\b`
// needs "you " and one of "must", "should", "will" and " now". The sets
// are read from the branch's syntax tree. A text is scanned once for all
// the literals of all the branches, and only a branch whose every set is
// met runs its regexp. Almost all retrieved text meets none: the
// injection patterns run over every chunk of every answer, and as one
// large alternation with no literal prefix they were a quarter of the
// server's CPU under chat load.
type prefiltered struct {
	branches []branch
	// lits are the distinct literals of three bytes or more, grouped by
	// their first three bytes, with their index into found.
	lits map[string][]literal
	// first holds the literals' first three bytes, hashed into a bitset
	// for the scan.
	first []uint64
	// short are the literals under three bytes, found with Contains.
	short []literal
	n     int // number of distinct literals
}

type branch struct {
	re *regexp.Regexp
	// rule is the index of the pattern, among those given to
	// newPrefiltered, that the branch is a top-level alternative of.
	rule int
	// need lists sets of literal indexes: a match holds a member of
	// each. Empty means the branch always runs.
	need [][]int
}

type literal struct {
	s  string
	id int
}

// newPrefiltered compiles the alternation of patterns (which must be
// valid: every pattern in this package is a constant). Each pattern's own
// top-level alternatives become separate branches, so each has its own,
// narrower, literal test: "a|b" matches where "a" or "b" does.
func newPrefiltered(patterns ...string) *prefiltered {
	p := &prefiltered{lits: map[string][]literal{}, first: make([]uint64, triBits/64)}
	ids := map[string]int{}
	idOf := func(s string) int {
		if id, ok := ids[s]; ok {
			return id
		}
		id := len(ids)
		ids[s] = id
		if len(s) < 3 {
			p.short = append(p.short, literal{s, id})
		} else {
			k := s[:3]
			p.lits[k] = append(p.lits[k], literal{s, id})
			h := triHash(k[0], k[1], k[2])
			p.first[h/64] |= 1 << (h % 64)
		}
		return id
	}
	for rule, whole := range patterns {
		regexp.MustCompile(whole) // a bad pattern fails here, whole
		for _, pat := range topAlternatives(whole) {
			b := branch{re: regexp.MustCompile(pat), rule: rule}
			tree, err := syntax.Parse(pat, syntax.Perl)
			if err != nil {
				panic(err) // unreachable: MustCompile accepted it
			}
			for _, set := range requiredSets(tree.Simplify()) {
				var need []int
				for _, s := range set {
					need = append(need, idOf(s))
				}
				b.need = append(b.need, need)
			}
			p.branches = append(p.branches, b)
		}
	}
	p.n = len(ids)
	return p
}

// MatchString reports whether s holds a match of any branch.
func (p *prefiltered) MatchString(s string) bool {
	return p.First(s, nil) >= 0
}

// First returns the index of the first pattern, in the order given to
// newPrefiltered, that matches s and that accept (nil: any) accepts, or
// -1. accept is asked only about a pattern that matches, possibly more
// than once. s is scanned for the literals once, however many patterns
// are tried.
func (p *prefiltered) First(s string, accept func(rule int) bool) int {
	found := p.scan(s)
	for _, b := range p.branches {
		if met(b.need, found) && b.re.MatchString(s) && (accept == nil || accept(b.rule)) {
			return b.rule
		}
	}
	return -1
}

// mayMatch reports whether s holds the literals some branch needs, without
// running any regexp: false means no branch matches s. Nor does any
// branch match a text made from s by blanking bytes to spaces, when no
// literal holds a space (a blank cannot make a letter).
func (p *prefiltered) mayMatch(s string) bool {
	found := p.scan(s)
	for _, b := range p.branches {
		if met(b.need, found) {
			return true
		}
	}
	return false
}

// topAlternatives splits a pattern at each "|" outside parentheses and
// character classes. A pattern with none comes back whole.
func topAlternatives(pat string) []string {
	var out []string
	depth, start, class := 0, 0, false
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; {
		case c == '\\':
			i++ // the escaped byte is a literal (escapes are ASCII here)
		case class:
			class = c != ']'
		case c == '[':
			class = true
			// A ']' first in a class (or after '^') is a member.
			if i+1 < len(pat) && pat[i+1] == '^' {
				i++
			}
			if i+1 < len(pat) && pat[i+1] == ']' {
				i++
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			out = append(out, pat[start:i])
			start = i + 1
		}
	}
	return append(out, pat[start:])
}

// met reports whether found holds a member of every set in need.
func met(need [][]int, found []bool) bool {
	for _, set := range need {
		ok := false
		for _, id := range set {
			if found[id] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// scan marks which literals s holds.
func (p *prefiltered) scan(s string) []bool {
	found := make([]bool, p.n)
	for _, l := range p.short {
		found[l.id] = strings.Contains(s, l.s)
	}
	for i := 0; i+3 <= len(s); i++ {
		h := triHash(s[i], s[i+1], s[i+2])
		if p.first[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, l := range p.lits[s[i:i+3]] {
			if !found[l.id] && strings.HasPrefix(s[i:], l.s) {
				found[l.id] = true
			}
		}
	}
	return found
}

// triBits is the size of the bitset of three-byte prefixes.
const triBits = 1 << 16

func triHash(a, b, c byte) uint32 {
	return (uint32(a)*961 + uint32(b)*31 + uint32(c)) % triBits
}

// requiredSets returns sets of strings such that every match of re holds
// a member of each set; none when re can match without any literal.
// A concatenation needs what each of its parts needs; an alternation
// needs, from the best set of each branch, one of them; repeats need
// what one repetition needs when there is at least one. Case-folded
// literals, classes, anchors, stars and quests need nothing.
func requiredSets(re *syntax.Regexp) [][]string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 {
			return nil
		}
		return [][]string{{string(re.Rune)}}
	case syntax.OpCapture, syntax.OpPlus:
		return requiredSets(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredSets(re.Sub[0])
		}
		return nil
	case syntax.OpConcat:
		var all [][]string
		for _, sub := range re.Sub {
			all = append(all, requiredSets(sub)...)
		}
		return all
	case syntax.OpAlternate:
		var union []string
		for _, sub := range re.Sub {
			sets := requiredSets(sub)
			if len(sets) == 0 {
				return nil // this branch needs nothing
			}
			union = append(union, bestSet(sets)...)
		}
		return [][]string{union}
	}
	return nil
}

// bestSet is the most selective of sets: the one whose shortest member
// is longest, then the one with fewest members.
func bestSet(sets [][]string) []string {
	var best []string
	bestLen := -1
	for _, s := range sets {
		shortest := len(s[0])
		for _, l := range s {
			shortest = min(shortest, len(l))
		}
		if shortest > bestLen || shortest == bestLen && len(s) < len(best) {
			best, bestLen = s, shortest
		}
	}
	return best
}
