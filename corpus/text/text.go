// Package text loads plain-text and Markdown files into corpus documents,
// and holds the text handling the other loaders share: decoding bytes to
// valid UTF-8 (Decode), white space clean-up (Clean, CleanLines), building
// sections from headings (Outline), dates (ParseDate) and titles made from
// file names (TitleFromName).
package text

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/corpus"
)

// Load loads f as Markdown when its format is "markdown" and as plain text
// otherwise.
func Load(ctx context.Context, f corpus.File) ([]corpus.Document, error) {
	if f.Format() == "markdown" {
		return LoadMarkdown(ctx, f)
	}
	return LoadPlain(ctx, f)
}

// maxTitleRunes bounds a first line that may serve as a plain-text title.
const maxTitleRunes = 120

// LoadPlain loads a plain-text file as one document with one section.
// Paragraphs (runs of lines between blank lines) are kept. The title is
// the first non-empty line when it is short and reads like a title (it is
// then not repeated in the body), else the humanised file name. A file
// with no text gives an error wrapping corpus.ErrEmpty.
func LoadPlain(ctx context.Context, f corpus.File) ([]corpus.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	body := CleanLines(Decode(f.Data))
	if body == "" {
		return nil, fmt.Errorf("text %s: no text: %w", f.ID, corpus.ErrEmpty)
	}
	title := ""
	first, rest, _ := strings.Cut(body, "\n")
	if looksLikeTitle(first) && strings.TrimSpace(rest) != "" {
		title = first
		body = strings.TrimSpace(rest)
	} else {
		title = TitleFromName(f.ID)
	}
	return []corpus.Document{{
		ID:       f.ID,
		Kind:     kindOf(f, corpus.KindPage),
		Title:    title,
		URL:      corpus.URLFor(f.BaseURL, f.ID),
		Council:  f.Council,
		Sections: []corpus.Section{{Text: body}},
	}}, nil
}

// looksLikeTitle reports whether a first line can serve as a title: short,
// at least two words, mostly letters, and not ending like a sentence.
func looksLikeTitle(line string) bool {
	n := utf8.RuneCountInString(line)
	if n == 0 || n > maxTitleRunes || len(strings.Fields(line)) < 2 {
		return false
	}
	letters := 0
	for _, r := range line {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	last, _ := utf8.DecodeLastRuneInString(line)
	return letters*2 >= n && !strings.ContainsRune(".,;:", last)
}

func kindOf(f corpus.File, def corpus.Kind) corpus.Kind {
	if f.Source.Kind != "" {
		return f.Source.Kind
	}
	return def
}

// TitleFromName makes a readable title from a document ID's file name:
// "council-tax/second_homes.md" gives "Second homes" and
// "BarkingAndDagenhamResponse.txt" gives "Barking and dagenham response".
func TitleFromName(id string) string {
	base := path.Base(corpus.FileID(id))
	if ext := path.Ext(base); ext != "" && len(ext) < len(base) {
		base = strings.TrimSuffix(base, ext)
	}
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(base)
	for i, r := range rs {
		switch {
		case r == '-' || r == '_' || r == '.' || r == '+' || unicode.IsSpace(r):
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) ||
			(unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1]))):
			flush() // camelCase and "HTMLPage" boundaries
		}
		cur = append(cur, r)
	}
	flush()
	if len(words) == 0 {
		return base
	}
	for i, w := range words {
		if i > 0 && !isAcronym(w) {
			words[i] = strings.ToLower(w)
		}
	}
	t := []rune(strings.Join(words, " "))
	t[0] = unicode.ToUpper(t[0])
	return string(t)
}

func isAcronym(w string) bool {
	if utf8.RuneCountInString(w) < 2 {
		return false
	}
	for _, r := range w {
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// dateLayouts are tried in order by ParseDate. Numeric day/month dates
// are read the UK way round.
var dateLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02",
	"2006/01/02",
	"02/01/2006",
	"2/1/2006",
	"02-01-2006",
	"02.01.2006",
	"2 January 2006",
	"2 Jan 2006",
	"January 2, 2006",
	"Jan 2, 2006",
	"Monday, 2 January 2006",
	"Mon, 2 Jan 2006",
	time.RFC1123,
	time.RFC1123Z,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"January 2006",
	"2006-01",
	"2006",
}

// ParseDate reads a date in one of the common forms found in page
// metadata and front matter, such as "2024-03-01", "2024-03-01T10:00:00Z",
// "01/03/2024" (day first) or "1 March 2024". It reports false for
// anything else.
func ParseDate(s string) (time.Time, bool) {
	s = Clean(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
