package bleve

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search"
	htmlformat "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	"github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simplehighlighter "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
)

// snippet returns about Options.SnippetChars of text around the densest run
// of query terms, with each term in <mark>…</mark> and everything else
// HTML-escaped, or the escaped start of text if no term occurs in it.
//
// Term positions come from analysing the stored text with the same English
// analyzer, not from the search: that way the plain arm, which matches the
// composite _all field, highlights the text too, and searches skip the cost
// of returning term vectors for every candidate. Fragment choice and
// formatting are bleve's own HTML highlighter.
func (i *Index) snippet(text string, terms map[string]bool, memo map[string][]wordTerm) string {
	tlm := i.locate(text, terms, memo)
	if len(tlm) > 0 {
		h := simplehighlighter.NewHighlighter(
			simple.NewFragmenter(i.opts.SnippetChars),
			htmlformat.NewFragmentFormatter("<mark>", "</mark>"),
			simplehighlighter.DefaultSeparator)
		dm := &search.DocumentMatch{Locations: search.FieldTermLocationMap{fieldText: tlm}}
		doc := document.NewDocument("")
		doc.AddField(document.NewTextField(fieldText, nil, []byte(text)))
		if frags := h.BestFragmentsInField(dm, doc, fieldText, 1); len(frags) > 0 {
			return frags[0]
		}
	}
	return lead(text, i.opts.SnippetChars)
}

// wordTerm is a query term found in a word, with its offsets in the word.
type wordTerm struct {
	term       string
	start, end int
}

// locate finds the words of text that analyse to one of terms.
//
// Analysing a whole chunk (Unicode word segmentation and Porter stemming of
// every word) costs more than the search itself, so words are found with a
// plain scan and only those starting like a query term are analysed: the
// English analyzer lower-cases and strips suffixes, so a word can only stem
// to a term that shares its first two letters. memo caches the analysis of
// each word across the snippets of one search.
func (i *Index) locate(text string, terms map[string]bool, memo map[string][]wordTerm) search.TermLocationMap {
	starts := make(map[string]bool, len(terms))
	for t := range terms {
		starts[prefix2(t)] = true
	}
	tlm := search.TermLocationMap{}
	pos := 0
	for start := 0; start < len(text); {
		r, size := utf8.DecodeRuneInString(text[start:])
		if !isWordRune(r) {
			start += size
			continue
		}
		end, joined := start+size, false
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			if isWordRune(r) {
				end += size
				continue
			}
			// Punctuation between word characters may be inside one token
			// ("council's", "3.5", "gov.uk") or not ("bins,bags"): take it
			// in and let the analyzer decide.
			if strings.ContainsRune(joiners, r) && end+size < len(text) {
				if next, _ := utf8.DecodeRuneInString(text[end+size:]); isWordRune(next) {
					end += size
					joined = true
					continue
				}
			}
			break
		}
		word := text[start:end]
		pos++
		if joined || starts[prefix2(strings.ToLower(word))] {
			found, ok := memo[word]
			if !ok {
				for _, tok := range i.analyzer.Analyze([]byte(word)) {
					if t := string(tok.Term); terms[t] {
						found = append(found, wordTerm{t, tok.Start, tok.End})
					}
				}
				memo[word] = found
			}
			for _, f := range found {
				tlm[f.term] = append(tlm[f.term], &search.Location{
					Pos:   uint64(pos),
					Start: uint64(start + f.start),
					End:   uint64(start + f.end),
				})
			}
		}
		start = end
	}
	return tlm
}

// joiners are the characters Unicode word segmentation may keep inside a
// word when letters or digits follow.
const joiners = "'’.,:;_·"

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

// prefix2 is the first two runes of s.
func prefix2(s string) string {
	n := 0
	for off := range s {
		if n == 2 {
			return s[:off]
		}
		n++
	}
	return s
}

// lead returns the HTML-escaped start of text, cut at a word boundary after
// at most n characters, with an ellipsis if anything was cut.
func lead(text string, n int) string {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) <= n {
		return html.EscapeString(text)
	}
	cut, end, runes := 0, len(text), 0
	for off, r := range text {
		if runes == n {
			end = off
			break
		}
		if unicode.IsSpace(r) {
			cut = off
		}
		runes++
	}
	if cut == 0 { // one long word
		cut = end
	}
	return html.EscapeString(strings.TrimRightFunc(text[:cut], unicode.IsSpace)) + simplehighlighter.DefaultSeparator
}
