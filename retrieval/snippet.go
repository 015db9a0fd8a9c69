package retrieval

import (
	"html"
	"strings"
	"unicode"
)

// HighlightSnippet returns an extract of about n bytes of text around the
// densest run of query words, HTML-escaped, with matched words wrapped in
// <mark>…</mark>. Words match when they share a prefix of at least five
// letters (or are equal), a cheap stand-in for stemming that needs no
// index. It is used for hits whose arm returned no highlight.
func HighlightSnippet(text, query string, n int) string {
	terms := map[string]bool{}
	for _, w := range words(query) {
		if len(w) > 2 && !snippetStop[w] {
			terms[stemKey(w)] = true
		}
	}
	toks := tokenSpans(text)
	if len(toks) == 0 {
		return ""
	}
	match := make([]bool, len(toks))
	for i, t := range toks {
		match[i] = terms[stemKey(strings.ToLower(text[t[0]:t[1]]))]
	}
	// Slide a window of tokens spanning at most n bytes; keep the one with
	// the most matches.
	best, bestStart, bestEnd := -1, 0, 0
	j, count := 0, 0
	for i := range toks {
		for j < len(toks) && toks[j][1]-toks[i][0] <= n {
			if match[j] {
				count++
			}
			j++
		}
		if count > best {
			best, bestStart, bestEnd = count, i, j
		}
		if match[i] {
			count--
		}
	}
	// Start a few words before the first match in the window, then fill
	// the window forwards.
	for k := bestStart; k < bestEnd; k++ {
		if match[k] {
			bestStart = max(0, k-3)
			break
		}
	}
	bestEnd = bestStart + 1
	for bestEnd < len(toks) && toks[bestEnd][1]-toks[bestStart][0] <= n {
		bestEnd++
	}
	var b strings.Builder
	if bestStart > 0 {
		b.WriteString("…")
	}
	pos := toks[bestStart][0]
	for k := bestStart; k < bestEnd; k++ {
		b.WriteString(html.EscapeString(collapse(text[pos:toks[k][0]])))
		w := text[toks[k][0]:toks[k][1]]
		if match[k] {
			b.WriteString("<mark>" + html.EscapeString(w) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(w))
		}
		pos = toks[k][1]
	}
	if bestEnd < len(toks) {
		b.WriteString("…")
	}
	return b.String()
}

var snippetStop = map[string]bool{"the": true, "and": true, "for": true, "you": true, "your": true, "how": true, "what": true, "can": true, "are": true, "does": true, "with": true}

func stemKey(w string) string {
	r := []rune(w)
	if len(r) > 5 {
		return string(r[:5])
	}
	return strings.TrimSuffix(w, "s")
}

// tokenSpans returns the byte spans of the words in s.
func tokenSpans(s string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

func collapse(s string) string {
	if strings.ContainsAny(s, "\n\t\r") || strings.Contains(s, "  ") {
		if strings.TrimSpace(s) == "" {
			return " "
		}
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}
