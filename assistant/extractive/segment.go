package extractive

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// unitKind says what sort of text a unit is.
type unitKind int

const (
	kindSentence unitKind = iota
	kindItem              // a list item or step
	kindList              // a lead-in sentence with its short list, one "- item" a line
	kindRow               // a table row, "Band D: £2,100"
	kindLabel             // a heading-like line; context only, never quoted
)

// piece is one quotable unit of a chunk in reading order.
type piece struct {
	text    string
	kind    unitKind
	context string // lead-in or label the unit sits under, for scoring
	// pair marks a question joined to its answer ("How many fines were
	// issued: 1,204"): the question in it is context, not a request.
	pair bool
	// answer is a pair's answer part: the facts it holds are its facts
	// (the question's own figures, "in 2022", answer nothing).
	answer string
}

var (
	itemMarker = regexp.MustCompile(`^\s*(?:[-•*▪–]|\d{1,2}[.)])\s+`)
	blankLines = regexp.MustCompile(`\n[ \t]*\n`)
	// footnote matches link references in text exported from web pages
	// and WhatDoTheyKnow: "[1]", "[Sheffield City Council request email]".
	footnote = regexp.MustCompile(`\[(\d{1,3}|[^\]\n]{0,60}\bemail( address)?)\]`)
)

// segment splits a chunk's text into units. Paragraphs holding injected
// instructions are dropped whole, as are letter salutations and sign-offs
// (which carry requesters' names in FOI threads).
func segment(text string) []piece {
	text = strings.NewReplacer("\r", "", "\u00a0", " ", "\u200b", "").Replace(text)
	text = footnote.ReplaceAllString(text, "")
	var out []piece
	blocks := blankLines.Split(text, -1)
	for i := 0; i < len(blocks); i++ {
		block := blocks[i]
		// A lead-in ending in ":" and the list after a blank line belong
		// together.
		for i+1 < len(blocks) && strings.HasSuffix(strings.TrimSpace(block), ":") && itemMarker.MatchString(blocks[i+1]) {
			block += "\n" + blocks[i+1]
			i++
		}
		if strings.TrimSpace(block) == "" || Injected(block) {
			continue
		}
		out = append(out, segmentBlock(block)...)
	}
	return out
}

type line struct {
	text string
	kind unitKind
	// pair marks a question line joined to the lines answering it;
	// answer is what answers it.
	pair   bool
	answer string
	// numbered marks an item with a number ("2.") rather than a bullet.
	numbered bool
}

func segmentBlock(block string) []piece {
	// Classify lines and join soft-wrapped ones.
	var lines []line
	raws := strings.Split(block, "\n")
	width := wrapWidth(raws)
	prevRaw := "" // the last line as written, for hard wraps
	for _, raw := range raws {
		t := strings.Join(strings.Fields(raw), " ")
		if t == "" {
			continue
		}
		wrapped := len(lines) > 0 && lines[len(lines)-1].kind != kindRow && hardWrapped(prevRaw, t, width)
		prevRaw = t
		k := kindSentence
		numbered := false
		switch {
		case wrapped && dashContinues(t):
			// "... abandoned cars 2022" then "– 2023 which we received":
			// a dash carried over by the wrap, not a list item.
		case itemMarker.MatchString(t):
			k = kindItem
			numbered = t[0] >= '0' && t[0] <= '9'
			t = strings.TrimSpace(itemMarker.ReplaceAllString(t, ""))
		case isRow(t):
			k = kindRow
		}
		if n := len(lines); n > 0 && k != kindItem && lines[n-1].kind != kindRow &&
			(softWrapped(lines[n-1].text, t) || wrapped) {
			lines[n-1].text += " " + t
			continue
		}
		lines = append(lines, line{text: t, kind: k, numbered: numbered})
	}
	lines = pairAnswers(lines)
	var out []piece
	label := ""
	if len(lines) > 0 && lines[0].kind == kindSentence {
		// "Heading: text", as a whole-document chunk writes each section.
		if h, rest, ok := headingPrefix(lines[0].text); ok {
			label = h
			lines[0].text = rest
		}
	}
	header := "" // a table's column headings, for the figure rows under it
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l.kind != kindRow {
			header = ""
		}
		switch l.kind {
		case kindRow:
			if addressLine(l.text) {
				continue
			}
			cx := label
			if header != "" && !l.pair {
				cx = strings.TrimSpace(label + " " + header)
			}
			out = append(out, piece{text: l.text, kind: kindRow, context: cx, pair: l.pair, answer: l.answer})
			continue
		case kindItem:
			if strings.HasSuffix(l.text, ":") && i+1 < len(lines) && lines[i+1].kind == kindItem && lines[i+1].numbered != l.numbered {
				// "1. Available for at least 140 days: ... in:" over a
				// bulleted list of its own: the items are read under it.
				sub := lines[:i+1+countItems(lines, i+1, !l.numbered)]
				out = append(out, leadList(capitalise(l.text), sub, i, label)...)
				i = len(sub) - 1
				continue
			}
			for _, it := range inlineItems(l.text) {
				if sents := splitSentences(it); len(sents) > 1 && len(strings.Fields(it)) > 30 {
					// A long item is a paragraph: quote it by the sentence.
					for _, s := range sents {
						if !skipSentence(s) {
							out = append(out, piece{text: capitalise(s), kind: kindSentence, context: label})
						}
					}
					continue
				}
				out = append(out, piece{text: capitalise(it), kind: kindItem, context: label})
			}
			continue
		}
		if k := strings.Index(l.text, ": - "); k >= 0 {
			// A list flattened into one line ("... if: - it's causing an
			// obstruction - it's suspicious"): the lead-in, then its items.
			lead := l.text[:k+1]
			items := inlineItems(l.text[k+4:])
			for _, s := range splitSentences(lead) {
				if !skipSentence(s) {
					out = append(out, piece{text: s, kind: kindSentence, context: label})
				}
			}
			whole := lead + "\n- " + strings.Join(items, "\n- ")
			if len(items) <= 8 && len(strings.Fields(whole)) <= 55+len(items) {
				out = append(out, piece{text: whole, kind: kindList, context: label})
			}
			for _, it := range items {
				out = append(out, piece{text: capitalise(it), kind: kindItem, context: strings.TrimSuffix(lead, ":")})
			}
			continue
		}
		if isLabel(l.text, lines, i) {
			label = strings.TrimSuffix(l.text, ":")
			out = append(out, piece{text: l.text, kind: kindLabel})
			continue
		}
		var sents []string
		for _, s := range splitSentences(l.text) {
			sents = append(sents, splitRunOn(s)...)
		}
		if last := sents[len(sents)-1]; i+1 < len(lines) && lines[i+1].kind == kindRow && !lines[i+1].pair &&
			len(strings.Fields(last)) <= 14 && !endsClause(last) {
			// "Year Reports Fines" over rows of figures: the rows are
			// read under it, and it is not quoted on its own.
			header = last
			sents = sents[:len(sents)-1]
		}
		for j, s := range sents {
			if j+1 < len(sents) && questioning(s) && shortAnswer(sents[j+1]) {
				// "... passed to enforcement agents. 29,288": a restated
				// question with its answer run on after it.
				out = append(out, piece{text: pairText(s, sents[j+1]), kind: kindRow, context: label, pair: true, answer: sents[j+1]})
				sents[j+1] = ""
				continue
			}
			if j+1 < len(sents) && leadsToFigure(s, sents[j+1]) {
				// "... contact them directly on:. 07786126904": the
				// figure a lead-in gives, split off after the colon.
				s = strings.TrimSuffix(s, ".") + " " + sents[j+1]
				sents[j+1] = ""
			}
			if s == "" || skipSentence(s) {
				continue
			}
			out = append(out, piece{text: s, kind: kindSentence, context: label})
		}
		// A lead-in ending in ":" followed by list items: the items are
		// read under it, and a short list is also offered whole.
		if len(sents) == 0 || sents[len(sents)-1] == "" || !strings.HasSuffix(sents[len(sents)-1], ":") {
			continue
		}
		lead := sents[len(sents)-1]
		// The lead-in is already out, as a sentence.
		out = append(out, leadList(lead, lines, i, label)[1:]...)
		for i+1 < len(lines) && lines[i+1].kind == kindItem {
			i++
		}
	}
	return out
}

// countItems counts the list items from lines[from] that are numbered or
// not, as asked.
func countItems(lines []line, from int, numbered bool) int {
	n := 0
	for j := from; j < len(lines) && lines[j].kind == kindItem && lines[j].numbered == numbered; j++ {
		n++
	}
	return n
}

// leadList returns the pieces of a lead-in ending in ":" and the list
// items after lines[i]: the lead-in, the short list whole, then each item
// read under the lead-in.
func leadList(lead string, lines []line, i int, label string) []piece {
	var items []string
	for j := i + 1; j < len(lines) && lines[j].kind == kindItem; j++ {
		items = append(items, strings.TrimRight(lines[j].text, ";,."))
	}
	out := []piece{{text: lead, kind: kindSentence, context: label}}
	if len(items) == 0 {
		return out
	}
	whole := lead + "\n- " + strings.Join(items, "\n- ")
	if len(items) <= 8 && len(strings.Fields(whole)) <= 55+len(items) {
		out = append(out, piece{text: whole, kind: kindList, context: label})
	}
	for j := i + 1; j <= i+len(items); j++ {
		out = append(out, piece{text: capitalise(lines[j].text), kind: kindItem, context: strings.TrimSuffix(lead, ":")})
	}
	return out
}

// headingPrefix splits "Heading: A sentence of its own." into the heading
// and the sentence. A label with a short value ("Phone: 01452 396396") is
// not split, since the value means nothing without it.
func headingPrefix(t string) (heading, rest string, ok bool) {
	k := strings.Index(t, ": ")
	if k <= 0 || k > 80 {
		return "", "", false
	}
	heading, rest = t[:k], strings.TrimSpace(t[k+2:])
	first, _ := utf8.DecodeRuneInString(heading)
	rf, _ := utf8.DecodeRuneInString(rest)
	if !unicode.IsUpper(first) || len(strings.Fields(heading)) > 8 || strings.ContainsAny(heading, ".!?;") ||
		len(strings.Fields(rest)) < 5 || !unicode.IsUpper(rf) || strings.HasPrefix(rest, "- ") {
		return "", "", false
	}
	return heading, rest, true
}

// inlineItems splits list items that a loader joined with " - " into one
// line. A dash before a figure ("9am - 5pm") or after a single word is
// punctuation, not a new item.
func inlineItems(t string) []string {
	var out []string
	start := 0
	for from := 0; ; {
		k := strings.Index(t[from:], " - ")
		if k < 0 {
			break
		}
		k += from
		from = k + 3
		next, _ := utf8.DecodeRuneInString(t[from:])
		if unicode.IsLetter(next) && len(strings.Fields(t[start:k])) >= 2 {
			out = append(out, strings.TrimSpace(t[start:k]))
			start = from
		}
	}
	if s := strings.TrimSpace(t[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// leadsToFigure reports a sentence ending in a colon (with a stray full
// stop after it, as some pages have) followed by a figure on its own: a
// phone number, a price or a reference the sentence leads to. Apart, the
// sentence says nothing and the figure is dropped.
func leadsToFigure(s, next string) bool {
	s = strings.TrimSuffix(s, ".")
	if !strings.HasSuffix(s, ":") {
		return false
	}
	f := strings.Fields(next)
	return len(f) >= 1 && len(f) <= 3 && strings.IndexFunc(next, unicode.IsLetter) < 0 && strings.IndexFunc(next, unicode.IsDigit) >= 0
}

// pairAnswers joins a question line to the short answer lines under it,
// as FOI responses set them out ("2. How many summonses were sent out in
// 2022" then "35247"), into one row: "How many summonses were sent out in
// 2022: 35247". Read apart, neither line answers anything.
func pairAnswers(lines []line) []line {
	out := lines[:0:0]
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !isQuestionLine(l) {
			out = append(out, l)
			continue
		}
		q := l.text
		var answers []string
		// "... for the recovery of council tax debt. Marstons": the first
		// answer run on after the question.
		if sents := splitSentences(q); len(sents) > 1 && shortAnswer(sents[len(sents)-1]) && questioning(sents[len(sents)-2]) {
			answers = append(answers, sents[len(sents)-1])
			q = strings.Join(sents[:len(sents)-1], " ")
		}
		j := i + 1
		for ; j < len(lines) && isAnswerLine(lines[j]); j++ {
			answers = append(answers, strings.TrimRight(lines[j].text, ";,"))
		}
		if len(answers) == 0 {
			out = append(out, l)
			continue
		}
		text := answers[0]
		if len(answers) > 1 {
			text = strings.Join(answers, "; ")
		}
		out = append(out, line{text: pairText(q, text), kind: kindRow, pair: true, answer: text})
		i = j - 1
	}
	return out
}

// pairText joins a question and its answer as the response sets them
// out, the question first: "How many were cancelled? 87" for a question,
// "The number issued: 1685" for a statement of what was asked. In the
// response they are two lines, read as two sentences; a colon would run
// them into one long one.
func pairText(q, a string) string {
	q = strings.TrimRight(trimRequest(q), "?:.;, ")
	sep := ": "
	if interrogative.MatchString(q) {
		sep = "? "
	}
	return q + sep + strings.TrimRight(a, ";,")
}

// interrogative matches a restated question worded as a question: "How
// many summonses were sent out in 2022", "Of these, how many were
// issued to addresses outside", "Does the council use bailiffs".
var interrogative = regexp.MustCompile(`(?i)^((of|for|in) [^,]{1,40}, )?(how|what|which|when|who|whom|whose|where|why|is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b`)

var questionStart = regexp.MustCompile(`(?i)^(how|what|which|when|who|where|whether|is|are|do|does|did|has|have|can|could|please (provide|confirm|state|supply|tell|list|give|advise|send|detail)|the (number|total|amount|cost|value|name|names)|number of|total)\b`)

// questionWords find a question or request for information anywhere in a
// numbered line: "Of these, how many were issued to ...".
var questionWords = regexp.MustCompile(`(?i)\b(how (many|much|often|long)|number of|the total|what (is|was|were|are)|which|whether|please (provide|confirm|state|supply|tell|list|give|advise|send|detail))\b`)

func isQuestionLine(l line) bool {
	if l.kind == kindRow {
		return false
	}
	return strings.HasSuffix(l.text, "?") || l.kind == kindItem && (questionStart.MatchString(l.text) || questionWords.MatchString(l.text))
}

// questioning reports a sentence that asks for information.
func questioning(s string) bool {
	return strings.HasSuffix(s, "?") || questionStart.MatchString(s) || questionWords.MatchString(s) || asks(s)
}

// shortAnswer reports a sentence short enough to be the answer to a
// question before it: "29,288", "No", "Marstons".
func shortAnswer(s string) bool {
	f := strings.Fields(s)
	return len(f) >= 1 && len(f) <= 4 && !strings.HasSuffix(s, "?") && !salutation.MatchString(s) && !questionStart.MatchString(s)
}

func isAnswerLine(l line) bool {
	return l.kind != kindItem && len(strings.Fields(l.text)) <= 10 && !strings.HasSuffix(l.text, "?") &&
		!questionStart.MatchString(l.text) && !salutation.MatchString(l.text) && !foiProcedure(l.text)
}

// wrapWidth returns the column at which a block's lines were hard-wrapped
// (plain-text e-mail, at about 72 characters), or 0 if they were not:
// several lines end within a few columns of the longest line of at most
// 80 characters.
func wrapWidth(raws []string) int {
	width, near := 0, 0
	for _, r := range raws {
		if n := utf8.RuneCountInString(strings.TrimSpace(r)); n <= 80 {
			width = max(width, n)
		}
	}
	if width < 60 {
		return 0
	}
	for _, r := range raws {
		if n := utf8.RuneCountInString(strings.TrimSpace(r)); n <= width && n >= width-12 {
			near++
		}
	}
	if near < 3 {
		return 0
	}
	return width
}

// hardWrapped reports whether next continues prev across a line broken at
// width: the next line's first word would not have fitted, and prev does
// not end a sentence or a list.
func hardWrapped(prev, next string, width int) bool {
	if width == 0 || itemMarker.MatchString(next) && !dashContinues(next) {
		return false
	}
	if utf8.RuneCountInString(prev) > width {
		return false // a line longer than the wrap was not wrapped at it
	}
	first, rest, _ := strings.Cut(next, " ")
	if dashContinues(next) {
		first += " " + strings.Fields(rest)[0] // the wrap kept the dash with what follows
	}
	// A few columns of slack: the longest line sets the width, and
	// lines end short of it by the length of the word carried over.
	if utf8.RuneCountInString(prev)+1+utf8.RuneCountInString(first) <= width-wrapSlack {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(prev)
	return !strings.ContainsRune(":!?", last)
}

// dashContinues reports a line that starts with a dash followed by a
// figure or a lower-case word: the rest of a wrapped range ("2022 – 2023")
// rather than a list item.
func dashContinues(t string) bool {
	rest, ok := strings.CutPrefix(t, "- ")
	if !ok {
		rest, ok = strings.CutPrefix(t, "– ")
	}
	if !ok {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return unicode.IsDigit(r) || unicode.IsLower(r)
}

// wrapSlack is how far short of the wrap width a line may end and still
// count as wrapped.
const wrapSlack = 3

// endsClause reports text ending in closing punctuation.
func endsClause(s string) bool {
	last, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?:;,)", last)
}

// softWrapped reports whether next continues prev's sentence across a
// hard line break, as in plain-text letters wrapped at 72 columns.
func softWrapped(prev, next string) bool {
	if strings.HasPrefix(strings.ToLower(prev), "dear ") {
		return false // a salutation ends its line
	}
	if strings.HasSuffix(prev, ",") {
		return true
	}
	if k := strings.LastIndexByte(prev, ' '); k >= 0 {
		switch prev[k+1:] {
		case "a", "an", "the", "of", "in", "to", "for", "on", "at", "by", "with", "and", "or", "from", "that":
			return true // a sentence does not end on a function word
		}
	}
	last, _ := utf8.DecodeLastRuneInString(prev)
	if strings.ContainsRune(".!?:;", last) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLower(first)
}

// isRow reports a table row: "Header: value; Header: value" as the HTML
// loader writes rows, or a line of mostly figures ("2016 74 132 £38,223.23").
func isRow(t string) bool {
	if strings.Count(t, ": ") >= 2 && strings.Count(t, "; ") >= 1 && len(strings.Fields(t)) <= 40 {
		return true
	}
	f := strings.Fields(t)
	if len(f) < 2 || len(f) > 16 {
		return false
	}
	nums := 0
	for _, w := range f {
		if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			nums++
		}
	}
	return nums*2 >= len(f)+1
}

// isLabel reports a heading-like line: short, without closing punctuation,
// followed by more text.
func isLabel(t string, lines []line, i int) bool {
	if i+1 >= len(lines) || len(strings.Fields(t)) > 8 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune(".!?;,)", last) || strings.IndexFunc(t, unicode.IsDigit) >= 0 && last != ':' {
		return false
	}
	first, _ := utf8.DecodeRuneInString(t)
	return unicode.IsUpper(first)
}

// postcodeLine matches a short line ending in a UK postcode: "Sheffield,
// S1 1UJ".
var postcodeLine = regexp.MustCompile(`\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\.?$`)

// addressLine reports a line of a postal address, as letters are signed.
func addressLine(s string) bool {
	return len(strings.Fields(s)) <= 6 && (postcodeLine.MatchString(s) || poBox.MatchString(s))
}

// poBox matches a PO box line.
var poBox = regexp.MustCompile(`(?i)^p\.?o\.? box \d+`)

var salutation = regexp.MustCompile(`(?i)^(dear\b|yours (sincerely|faithfully|truly)|kind regards|best regards|regards\b|many thanks\b|thanks\b|click here\b)`)

// attachment matches the name of an attached file on a line of its own
// ("1775932 Response.csv", "EIR 1801719 breakdown of fly tipping.xls"):
// what the answer is in, not the answer.
var attachment = regexp.MustCompile(`(?i)^[^.!?:;]{0,100}\.(csv|xlsx?|ods|pdf|docx?|odt|zip|txt|rtf|pptx?)\.?$`)

// skipSentence reports units not worth quoting: salutations and
// sign-offs, bare links, attachment names and fragments of one or two
// words.
func skipSentence(s string) bool {
	if salutation.MatchString(s) || attachment.MatchString(strings.TrimSpace(s)) {
		return true
	}
	f := strings.Fields(s)
	if len(f) == 1 && (strings.HasPrefix(f[0], "http") || strings.HasPrefix(f[0], "www.")) {
		return true
	}
	if len(f) == 1 && strings.IndexFunc(s, unicode.IsLetter) < 0 {
		return true // a figure or list number on its own says nothing
	}
	if addressLine(s) {
		return true
	}
	if len(f) == 2 && strings.HasSuffix(f[0], ":") {
		return false // "Closed: Thursdays", "Cost: free": a label and its value
	}
	return len(f) < 3 && strings.IndexFunc(s, unicode.IsDigit) < 0
}

// splitSentences splits a paragraph into sentences after ".", "!" or "?"
// followed by a space and a capital, digit, quote or "£", or followed
// directly by a capitalised word ("...Housing Benefit.If you..."). Decimal
// points, times ("10.30am"), web addresses and common abbreviations do not
// split.
func splitSentences(p string) []string {
	var out []string
	start := 0
	n := len(p)
	for i := 0; i < n; i++ {
		c := p[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < n && strings.IndexByte(`"')]’”`, p[j]) >= 0 {
			j++
		}
		if j >= n {
			break
		}
		boundary := false
		switch {
		case p[j] == ' ':
			k := j
			for k < n && p[k] == ' ' {
				k++
			}
			if k < n {
				r, _ := utf8.DecodeRuneInString(p[k:])
				boundary = unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune(`"'‘“£(`, r)
			}
		case c == '.' && j == i+1:
			// ".If": a lower-case word, a full stop and a capitalised word.
			boundary = j+1 < n && i >= 2 && p[j] >= 'A' && p[j] <= 'Z' && isLowerASCII(p[j+1]) &&
				isLowerASCII(p[i-1]) && isLowerASCII(p[i-2]) && !strings.Contains(p[max(0, i-40):i], "://")
		}
		if !boundary {
			continue
		}
		if c == '.' && abbreviation(p[:i]) {
			continue
		}
		if s := strings.TrimSpace(p[start:j]); s != "" {
			out = append(out, s)
		}
		start = j
		i = j - 1
	}
	if s := strings.TrimSpace(p[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// sentenceStarters are words that open most sentences of council text.
var sentenceStarters = map[string]bool{
	"The": true, "We": true, "You": true, "Your": true, "If": true, "This": true, "There": true,
	"It": true, "Our": true, "They": true, "Please": true, "Each": true, "When": true, "All": true,
	"Most": true, "Some": true, "These": true, "Those": true, "A": true, "An": true, "In": true,
	"For": true, "To": true, "From": true, "After": true, "Before": true, "Once": true, "Any": true,
}

// runOn is the length in words past which an unpunctuated run of text
// (lines a loader joined without full stops) is split at sentence
// starters.
const runOn = 20

// splitRunOn splits a long run-on "sentence" before a capitalised
// sentence starter that follows a word with no closing punctuation:
// "... TV1 2AA The gritters went out ..." becomes two units.
func splitRunOn(s string) []string {
	f := strings.Fields(s)
	if len(f) <= runOn {
		return []string{s}
	}
	var out []string
	start := 0
	for i := 1; i < len(f); i++ {
		prev, _ := utf8.DecodeLastRuneInString(f[i-1])
		if !sentenceStarters[f[i]] || !(unicode.IsLetter(prev) || unicode.IsDigit(prev)) || i-start < 4 {
			continue
		}
		if first, _ := utf8.DecodeRuneInString(f[i-1]); unicode.IsUpper(first) && f[i] != "The" && f[i] != "We" && f[i] != "You" {
			continue // likely inside a name: "Civic Centre For Business"
		}
		out = append(out, strings.Join(f[start:i], " "))
		start = i
	}
	return append(out, strings.Join(f[start:], " "))
}

func isLowerASCII(c byte) bool { return c >= 'a' && c <= 'z' }

// abbreviation reports whether the text before a full stop ends in a
// common abbreviation.
func abbreviation(before string) bool {
	k := strings.LastIndexAny(before, " (\n")
	w := strings.ToLower(before[k+1:])
	switch w {
	case "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "st", "no", "tel", "approx", "ref", "vs",
		"inc", "dept", "cllr", "rd", "ave", "jan", "feb", "apr", "jun", "jul", "aug", "sept",
		"oct", "nov", "dec", "nr", "cf", "fig", "pp", "para", "a.m", "p.m", "op", "incl":
		return true
	}
	return false
}

// capitalise upper-cases the first letter of s.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
