package whatsapp

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Format converts Markdown-ish text (as a language model writes it) into
// WhatsApp's formatting syntax:
//
//	**bold**, __bold__     -> *bold*
//	*italic*, _italic_     -> _italic_
//	~~strike~~             -> ~strike~
//	`code`                 -> ```code```
//	```block```            -> kept
//	# Heading              -> *Heading*
//	* item, + item         -> - item
//	[text](https://…)      -> text (https://…)
//
// URLs are kept byte for byte. A formatting character left over as
// literal text ("*" in "press *1", "_" at the edge of "_id") could pair
// with another and turn part of the message bold or italic, and WhatsApp
// has no escape character; so a literal *, _, ~ or ` that sits where
// WhatsApp could read it as a delimiter (a word boundary on one side, a
// non-space on the other) is replaced by a look-alike (∗ ＿ ∼ ˋ). Literals
// inside words (snake_case) or between spaces ("5 * 3") are left alone.
func Format(text string) string {
	var b strings.Builder
	for i, block := range strings.Split(text, "```") {
		if i%2 == 1 {
			// Inside a fenced block: keep as is, dropping a language tag.
			if nl := strings.IndexByte(block, '\n'); nl >= 0 && !strings.ContainsAny(block[:nl], " \t") {
				block = block[nl+1:]
			}
			b.WriteString("```" + block + "```")
			continue
		}
		lines := strings.Split(block, "\n")
		for j, line := range lines {
			if j > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(formatLine(line))
		}
	}
	return b.String()
}

var (
	headingRE = regexp.MustCompile(`^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$`)
	bulletRE  = regexp.MustCompile(`^(\s*)[*+]\s+`)
	linkRE    = regexp.MustCompile(`^\[([^\]\n]+)\]\((https?://[^\s)]+)\)`)
	urlRE     = regexp.MustCompile(`^https?://[^\s<>]*[^\s<>.,;:!?)'"]`)
	codeRE    = regexp.MustCompile("^`([^`\n]+)`")
	strongRE  = regexp.MustCompile(`^(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	strikeRE  = regexp.MustCompile(`^~~(\S(?:.*?\S)?)~~`)
	emRE      = regexp.MustCompile(`^([*_])(\S(?:[^*_]*?\S)?)([*_])`)
)

func formatLine(line string) string {
	if m := headingRE.FindStringSubmatch(line); m != nil && m[1] != "" {
		return "*" + inline(stripMarkers(m[1])) + "*"
	}
	prefix := ""
	if loc := bulletRE.FindStringSubmatchIndex(line); loc != nil {
		prefix = line[loc[2]:loc[3]] + "- "
		line = line[loc[1]:]
	}
	return prefix + inline(line)
}

// stripMarkers removes emphasis markers from text that will be made bold
// as a whole, so "# **Bins**" does not become "**Bins**".
func stripMarkers(s string) string {
	return strings.NewReplacer("**", "", "__", "").Replace(s)
}

// inline converts one line's inline markup.
func inline(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		rest := s[i:]
		prevBoundary := i == 0 || boundary(lastRune(s[:i]))
		if m := codeRE.FindStringSubmatch(rest); m != nil {
			b.WriteString("```" + m[1] + "```")
			i += len(m[0])
			continue
		}
		if m := linkRE.FindStringSubmatch(rest); m != nil {
			if m[1] == m[2] {
				b.WriteString(m[2])
			} else {
				b.WriteString(inline(m[1]) + " (" + m[2] + ")")
			}
			i += len(m[0])
			continue
		}
		if m := urlRE.FindString(rest); m != "" && prevBoundary {
			b.WriteString(m)
			i += len(m)
			continue
		}
		if prevBoundary {
			if m := strongRE.FindStringSubmatch(rest); m != nil && m[1] == m[3] && endsAtBoundary(s, i+len(m[0])) {
				b.WriteString("*" + inline(m[2]) + "*")
				i += len(m[0])
				continue
			}
			if m := strikeRE.FindStringSubmatch(rest); m != nil && endsAtBoundary(s, i+len(m[0])) {
				b.WriteString("~" + inline(m[1]) + "~")
				i += len(m[0])
				continue
			}
			if m := emRE.FindStringSubmatch(rest); m != nil && m[1] == m[3] && endsAtBoundary(s, i+len(m[0])) {
				b.WriteString("_" + inline(m[2]) + "_")
				i += len(m[0])
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(rest)
		if lookalike, ok := literalMarkers[r]; ok && delimiterPosition(s, i, size) {
			b.WriteRune(lookalike)
		} else {
			b.WriteString(rest[:size])
		}
		i += size
	}
	return b.String()
}

// literalMarkers maps WhatsApp's formatting characters to look-alikes that
// WhatsApp does not interpret.
var literalMarkers = map[rune]rune{'*': '∗', '_': '＿', '~': '∼', '`': 'ˋ'}

// delimiterPosition reports whether the marker at s[i:i+size] could open
// (boundary before, non-space after) or close (non-space before, boundary
// after) WhatsApp formatting.
func delimiterPosition(s string, i, size int) bool {
	var before, after rune = ' ', ' '
	if i > 0 {
		before = lastRune(s[:i])
	}
	if i+size < len(s) {
		after, _ = utf8.DecodeRuneInString(s[i+size:])
	}
	canOpen := boundary(before) && !unicode.IsSpace(after)
	canClose := !unicode.IsSpace(before) && boundary(after)
	return canOpen || canClose
}

// boundary reports whether r may stand next to a WhatsApp delimiter:
// white space or punctuation.
func boundary(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

func endsAtBoundary(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return boundary(r)
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}
