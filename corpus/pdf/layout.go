package pdf

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// Layout tuning, as fractions of the font size.
const (
	// sameLine is how far apart two baselines may be and still be one
	// line (superscripts, slightly uneven table cells).
	sameLine = 0.5
	// wordGap is the horizontal gap that counts as a space. Letters are
	// set closer than a tenth of the font size; a space is a quarter or
	// more.
	wordGap = 0.16
	// columnGap is the gap that separates table cells or columns; it is
	// written as two spaces so that cells stay apart.
	columnGap = 1.0
	// paraGap is the vertical distance past which a new paragraph starts.
	paraGap = 1.7
	// defaultSize stands in for a missing or nonsensical font size.
	defaultSize = 10
)

// line is one line of text rebuilt from glyphs.
type line struct {
	y, size float64 // baseline and largest font size
	text    string
}

// glyph is a pdf.Text with a usable size and its drawing order.
type glyph struct {
	x, y, w, size float64
	s             string
	idx           int
}

// runJump is the horizontal jump, as a fraction of the font size, that
// ends a run of glyphs drawn one after another.
const runJump = 1.0

// layoutLines groups a page's glyphs (in drawing order) into lines, top to
// bottom. Within a line, glyphs drawn one after another stay in drawing
// order as a run, and runs are placed left to right. Keeping drawing order
// within a run copes with fonts whose glyph widths the library cannot
// read, where every glyph of a string reports nearly the same x.
func layoutLines(ts []pdf.Text) []line {
	gs := make([]glyph, 0, len(ts))
	for i, t := range ts {
		if t.S == "" || t.S == "\n" || t.S == "\r" || t.S == "\ufffd" || !finite(t.X) || !finite(t.Y) {
			continue
		}
		size := math.Abs(t.FontSize)
		if size < 1 || size > 500 || !finite(size) {
			size = defaultSize
		}
		w := t.W
		if w < 0 || !finite(w) || w > 10*size {
			w = 0
		}
		gs = append(gs, glyph{x: t.X, y: t.Y, w: w, size: size, s: t.S, idx: i})
	}
	slices.SortStableFunc(gs, func(a, b glyph) int { return cmp.Compare(b.y, a.y) })

	var lines []line
	for i := 0; i < len(gs); {
		j := i + 1
		top := gs[i].y
		size := gs[i].size
		for j < len(gs) && top-gs[j].y <= sameLine*math.Max(size, gs[j].size) {
			size = math.Max(size, gs[j].size)
			j++
		}
		row := gs[i:j]
		slices.SortFunc(row, func(a, b glyph) int { return cmp.Compare(a.idx, b.idx) })
		if t := strings.TrimSpace(buildLine(runs(dedupe(row)))); t != "" {
			lines = append(lines, line{y: top, size: size, text: t})
		}
		i = j
	}
	return lines
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// runs splits a line's glyphs, in drawing order, where the pen jumps, and
// orders the runs left to right.
func runs(row []glyph) [][]glyph {
	var out [][]glyph
	start := 0
	for k := 1; k <= len(row); k++ {
		if k == len(row) || math.Abs(row[k].x-row[k-1].x) > runJump*math.Max(row[k].size, row[k-1].size)+row[k-1].w {
			run := row[start:k]
			if advances(run) {
				// Positions are trustworthy: read them, not the drawing
				// order (which may go right to left).
				slices.SortStableFunc(run, func(a, b glyph) int { return cmp.Compare(a.x, b.x) })
			}
			out = append(out, run)
			start = k
		}
	}
	slices.SortStableFunc(out, func(a, b []glyph) int { return cmp.Compare(a[0].x, b[0].x) })
	return out
}

// advances reports whether a run's glyphs spread out as real text does,
// rather than all reporting about the same x.
func advances(run []glyph) bool {
	if len(run) < 2 {
		return true
	}
	lo, hi := run[0].x, run[0].x
	for _, g := range run {
		lo, hi = math.Min(lo, g.x), math.Max(hi, g.x)
	}
	return hi-lo >= 0.2*run[0].size*float64(len(run)-1)
}

// dedupe drops glyphs drawn again at (nearly) the same place, as some
// producers do to fake bold type: the same text less than a quarter of
// its width away. The row keeps its order.
func dedupe(row []glyph) []glyph {
	type key struct {
		s string
		q int32 // x to the nearest point
	}
	seen := make(map[key]int32, len(row)) // the last glyph kept at each key
	out := row[:0]
	for _, g := range row {
		if strings.TrimSpace(g.s) == "" {
			out = append(out, g)
			continue
		}
		q := int32(math.Round(g.x))
		tol := 0.25 * g.w
		if g.w == 0 {
			tol = 0.05 * g.size
		}
		dup := false
		for dq := int32(-1); dq <= 1 && !dup; dq++ {
			if i, ok := seen[key{g.s, q + dq}]; ok {
				o := out[i]
				dup = math.Abs(o.x-g.x) < tol && math.Abs(o.y-g.y) < 0.1*g.size
			}
		}
		if dup {
			continue
		}
		seen[key{g.s, q}] = int32(len(out))
		out = append(out, g)
	}
	return out
}

// buildLine joins the runs of one line. A gap wider than wordGap, or a
// space glyph, becomes a space; a gap wider than columnGap (however it
// was drawn) becomes two spaces, keeping table cells apart.
func buildLine(rs [][]glyph) string {
	var b strings.Builder
	var last glyph // the last glyph written
	space := false
	for _, run := range rs {
		for _, g := range run {
			if strings.TrimSpace(g.s) == "" {
				space = true
				continue
			}
			if b.Len() > 0 {
				gap := g.x - (last.x + last.w)
				switch {
				case gap > columnGap*g.size:
					b.WriteString("  ")
				case space || gap > wordGap*g.size:
					b.WriteByte(' ')
				}
			}
			b.WriteString(g.s)
			space = false
			last = g
		}
	}
	return b.String()
}

// joinLines joins a page's lines, with a blank line where the vertical gap
// says a new paragraph starts.
func joinLines(lines []line) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			if prev.y-l.y > paraGap*math.Max(prev.size, l.size) {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		b.WriteString(l.text)
	}
	return strings.TrimSpace(b.String())
}

// titleLabels start a line that names a report's subject.
var titleLabels = []string{"subject:", "title:", "report title:", "re:"}

// titleFromLines picks a title from the first page's lines: a labelled
// subject line ("Subject: Local Council Tax Support Scheme"), else the
// first line set clearly larger than the page's usual size (with the next
// line when the title runs over two), else a short line near the top that
// starts a paragraph and does not end like a sentence. Lines naming the council itself are passed over
// while anything better is left.
func titleFromLines(lines []line) string {
	if len(lines) == 0 {
		return ""
	}
	for _, l := range lines[:min(25, len(lines))] {
		low := strings.ToLower(l.text)
		for _, label := range titleLabels {
			if strings.HasPrefix(low, label) {
				if t := strings.TrimSpace(l.text[len(label):]); usableTitle(t) {
					return t
				}
			}
		}
	}
	sizes := make([]float64, len(lines))
	for i, l := range lines {
		sizes[i] = l.size
	}
	slices.Sort(sizes)
	median := sizes[len(sizes)/2]
	standalone := func(i int) bool {
		return i+1 == len(lines) || lines[i].y-lines[i+1].y > paraGap*lines[i].size
	}
	orgName := ""
	for i, l := range lines {
		if l.size < 1.2*median || !usableTitle(l.text) {
			continue
		}
		if isOrgName(l.text) {
			if orgName == "" {
				orgName = l.text
			}
			continue
		}
		t := l.text
		if i+1 < len(lines) && lines[i+1].size == l.size && len(t)+len(lines[i+1].text) < 150 &&
			!standalone(i) && !isOrgName(lines[i+1].text) {
			t += " " + lines[i+1].text
		}
		return t
	}
	startsPara := func(i int) bool {
		return i == 0 || lines[i-1].y-lines[i].y > paraGap*lines[i].size || isOrgName(lines[i-1].text)
	}
	// continues reports a line whose sentence runs on to the next line.
	continues := func(i int) bool {
		if standalone(i) {
			return false
		}
		for _, r := range lines[i+1].text {
			return unicode.IsLower(r)
		}
		return false
	}
	for i, l := range lines[:min(4, len(lines))] {
		if isOrgName(l.text) {
			if orgName == "" {
				orgName = l.text
			}
			continue
		}
		if startsPara(i) && !continues(i) && usableTitle(l.text) && len([]rune(l.text)) <= 90 &&
			!strings.Contains(l.text, "  ") && !strings.HasSuffix(l.text, ".") && !strings.HasSuffix(l.text, ",") {
			return l.text
		}
	}
	return orgName
}

// isOrgName reports a line that names an organisation, such as "Royal
// Sutton Coldfield Town Council", rather than a document.
func isOrgName(s string) bool {
	f := strings.Fields(strings.ToLower(s))
	if len(f) < 2 {
		return false
	}
	switch f[len(f)-1] {
	case "council", "authority", "borough":
		return true
	}
	return false
}

// usableTitle reports a line that can serve as a title: not too long and
// mostly letters, not a page number or a date stamp.
func usableTitle(s string) bool {
	n := len([]rune(s))
	if n < 4 || n > 150 {
		return false
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters*2 >= n && len(strings.Fields(s)) >= 2
}
