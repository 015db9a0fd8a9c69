package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// snippet cuts about Options.SnippetChars of text around the densest run
// of query terms, or returns nil when no term occurs in text.
//
// Term positions come from analysing the text's words with the index's
// own analyzer, so "repairs" marks a search for "repair". Analysing a
// long thread word by word costs more than the search, so only words that
// share their first two letters with a query term are analysed (the
// English analyzer lower-cases and strips suffixes, so no other word can
// stem to a term), and memo caches each word's terms across the hits of
// one search.
func (ix *Index) snippet(text string, terms map[string]bool, memo map[string][]string) Snippet {
	if len(terms) == 0 || text == "" {
		return nil
	}
	prefixes := map[string]bool{}
	for t := range terms {
		prefixes[prefix2(t)] = true
	}
	type span struct{ start, end int }
	var matches []span
	for _, w := range words(text) {
		word := strings.ToLower(text[w[0]:w[1]])
		if !prefixes[prefix2(word)] {
			continue
		}
		got, ok := memo[word]
		if !ok {
			for _, tok := range ix.analyzer.Analyze([]byte(word)) {
				got = append(got, string(tok.Term))
			}
			memo[word] = got
		}
		for _, t := range got {
			if terms[t] {
				matches = append(matches, span{w[0], w[1]})
				break
			}
		}
	}
	if len(matches) == 0 {
		return nil
	}
	// The window of SnippetChars bytes holding the most distinct words,
	// then the most matches.
	width := ix.opts.SnippetChars
	best, bestDistinct, bestCount := 0, -1, -1
	for i := range matches {
		distinct := map[string]bool{}
		count := 0
		for j := i; j < len(matches) && matches[j].end-matches[i].start <= width; j++ {
			distinct[strings.ToLower(text[matches[j].start:matches[j].end])] = true
			count++
		}
		if len(distinct) > bestDistinct || len(distinct) == bestDistinct && count > bestCount {
			best, bestDistinct, bestCount = i, len(distinct), count
		}
	}
	// Centre the window on its matches, on word boundaries.
	first := matches[best]
	last := first
	for j := best; j < len(matches) && matches[j].end-first.start <= width; j++ {
		last = matches[j]
	}
	pad := max(width-(last.end-first.start), 0) / 2
	from := backToSpace(text, max(first.start-pad, 0))
	to := forwardToSpace(text, min(last.end+pad, len(text)))

	var s Snippet
	if from > 0 {
		s = append(s, Fragment{Text: "… "})
	}
	pos := from
	for _, m := range matches {
		if m.start < from || m.end > to {
			continue
		}
		if m.start > pos {
			s = appendText(s, flatten(text[pos:m.start]))
		}
		s = append(s, Fragment{Text: text[m.start:m.end], Mark: true})
		pos = m.end
	}
	if pos < to {
		s = appendText(s, flatten(text[pos:to]))
	}
	if to < len(text) {
		s = appendText(s, " …")
	}
	return s
}

func appendText(s Snippet, t string) Snippet {
	if n := len(s); n > 0 && !s[n-1].Mark {
		s[n-1].Text += t
		return s
	}
	return append(s, Fragment{Text: t})
}

// flatten turns line breaks and runs of space into single spaces: a
// snippet is one line.
func flatten(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// words returns the byte spans of the letter-and-digit runs of text.
func words(text string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range text {
		in := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(text)})
	}
	return out
}

func prefix2(s string) string {
	n := 0
	for i := range s {
		if n == 2 {
			return s[:i]
		}
		n++
	}
	return s
}

func backToSpace(text string, i int) int {
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	for j := i; j > 0 && i-j < 30; {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsSpace(r) {
			return j
		}
		j -= size
	}
	return i
}

func forwardToSpace(text string, i int) int {
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	for j := i; j < len(text) && j-i < 30; {
		r, size := utf8.DecodeRuneInString(text[j:])
		if unicode.IsSpace(r) {
			return j
		}
		j += size
	}
	return i
}

// lead returns about n bytes of the start of s, cut at a space, on one
// line.
func lead(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return flatten(s)
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := strings.LastIndexAny(s[:cut], " \n\t"); i > n/2 {
		cut = i
	}
	return flatten(strings.TrimSpace(s[:cut])) + " …"
}
