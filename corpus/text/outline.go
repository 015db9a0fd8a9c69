package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/corpus"
)

// MaxHeadingLevel is the deepest heading that starts a section. Deeper
// headings (h5, h6) are kept as lines of body text.
const MaxHeadingLevel = 4

// Outline builds a document's sections from headings and body blocks met
// in reading order. Each heading of level 1 to MaxHeadingLevel closes the
// current section and sets the heading path for the next. A heading equal
// to the document title is left out of the path, since every chunk already
// carries the title. The zero value is not usable; use NewOutline.
type Outline struct {
	title    string
	path     [MaxHeadingLevel]string
	body     strings.Builder
	lastLine bool // the last thing written was a line, not a paragraph
	sections []corpus.Section
}

// NewOutline returns an Outline for a document with the given title.
func NewOutline(title string) *Outline { return &Outline{title: Clean(title)} }

// Heading starts a new section under a heading of the given level (1 for
// h1). Text is cleaned; an empty heading only closes the current section.
func (o *Outline) Heading(level int, text string) {
	text = TrimSymbols(Clean(text))
	if level > MaxHeadingLevel {
		o.Line(text)
		return
	}
	if level < 1 {
		level = 1
	}
	if strings.EqualFold(text, o.title) {
		text = ""
	}
	next := o.path
	next[level-1] = text
	for i := level; i < MaxHeadingLevel; i++ {
		next[i] = ""
	}
	if next == o.path {
		return // same path (say, an h1 repeating the title): keep going
	}
	o.flush()
	o.path = next
}

// Paragraph adds a block of text, separated from what came before by a
// blank line. Internal line breaks are kept; other white space is
// collapsed.
func (o *Outline) Paragraph(text string) {
	o.write(false, "", CleanLines(text))
}

// Line adds one line, such as a table row. Consecutive lines are
// separated by a single line break.
func (o *Outline) Line(text string) {
	o.write(true, "", CleanLines(text))
}

// ListItem adds a list item line: marker ("- " or "3. ") and text,
// indented two spaces per level of depth (0 for a top-level list).
func (o *Outline) ListItem(depth int, marker, text string) {
	o.write(true, strings.Repeat("  ", depth)+marker, TrimSymbols(Clean(text)))
}

func (o *Outline) write(line bool, prefix, text string) {
	if !hasWord(text) {
		return // empty, or only icons and punctuation
	}
	if o.body.Len() > 0 {
		if line && o.lastLine {
			o.body.WriteString("\n")
		} else {
			o.body.WriteString("\n\n")
		}
	}
	o.body.WriteString(prefix)
	o.body.WriteString(text)
	o.lastLine = line
}

// Break ends a run of lines, so the next line starts a new paragraph.
func (o *Outline) Break() { o.lastLine = false }

// Table adds a table as one line per row. With a header row each cell is
// written "Header: value", cells joined by "; "; without one the cells are
// just joined by "; ". Empty cells are left out.
func (o *Outline) Table(header []string, rows [][]string) {
	o.Break()
	for _, row := range rows {
		o.Line(TableRow(header, row))
	}
	o.Break()
}

// TableRow formats one table row as Table does.
func TableRow(header, row []string) string {
	var b strings.Builder
	for i, cell := range row {
		cell = Clean(cell)
		if cell == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		if i < len(header) {
			h := Clean(header[i])
			l := len(h)
			repeats := l <= len(cell) && strings.EqualFold(cell[:l], h) && (l == len(cell) || cell[l] == ' ')
			if h != "" && !repeats { // not "Band: Band A"
				b.WriteString(h)
				b.WriteString(": ")
			}
		}
		b.WriteString(cell)
	}
	return b.String()
}

// Sections closes the current section and returns all sections so far.
func (o *Outline) Sections() []corpus.Section {
	o.flush()
	return o.sections
}

func (o *Outline) flush() {
	text := strings.TrimSpace(o.body.String())
	o.body.Reset()
	o.lastLine = false
	if text == "" {
		return
	}
	var path []string
	for _, h := range o.path {
		if h != "" {
			path = append(path, h)
		}
	}
	o.sections = append(o.sections, corpus.Section{Headings: path, Text: text})
}

// Clean collapses every run of white space (including line breaks) to one
// space, drops invisible format characters (zero-width spaces, direction
// marks, soft hyphens) and trims the ends.
func Clean(s string) string {
	if !needsClean(s) {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if r != '\u200d' && unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

func needsClean(s string) bool {
	prevSpace := true
	for _, r := range s {
		sp := unicode.IsSpace(r)
		if sp && (prevSpace || r != ' ') || r >= 0xAD && r != '\u200d' && unicode.Is(unicode.Cf, r) {
			return true
		}
		prevSpace = sp
	}
	return prevSpace && s != ""
}

// CleanLines cleans each line of s as Clean does, drops empty lines at the
// ends and squeezes runs of empty lines to one.
func CleanLines(s string) string {
	if !strings.ContainsAny(s, "\n\f") {
		return Clean(s)
	}
	var b strings.Builder
	blank := false
	for _, line := range strings.Split(strings.ReplaceAll(s, "\f", "\n"), "\n") {
		line = Clean(line)
		if line == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			if blank {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(line)
	}
	return b.String()
}

// TrimSymbols removes icons (emoji, arrows, ticks and crosses) and the
// spaces around them from both ends of s: "✓ You may be eligible" gives
// "You may be eligible". Currency signs and punctuation stay.
func TrimSymbols(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.In(r, unicode.So, unicode.Sm, unicode.Sk) ||
			r == '\u200d' || r == '\ufe0f' || r == '\ufe0e' || unicode.Is(unicode.Mn, r) && r >= 0x20d0 && r <= 0x20ff
	})
}

func hasWord(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// Truncate shortens s to at most max runes, cutting at a word boundary in
// its second half when there is one, trimming trailing punctuation and
// adding an ellipsis.
func Truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)[:max]
	cut := len(rs)
	for i := len(rs) - 1; i > max/2; i-- {
		if rs[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(rs[:cut]), " ,;:-") + "…"
}
