package assistant

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FormatOptions tunes Format.
type FormatOptions struct {
	// Council supplies the accessibility signposts: the BSL video relay
	// and the interpreter line. They come from configuration, never from
	// retrieved text.
	Council Council
	// MaxSentences caps the sentences shown; 0 means 5, and 3 when the
	// resident asked for plain English or has low literacy.
	MaxSentences int
}

// Limits of the formats.
const (
	// SMSMaxSegments is how many SMS segments an answer may use.
	SMSMaxSegments = 2
	// plainMaxSentences caps answers for plain English and low literacy.
	plainMaxSentences   = 3
	defaultMaxSentences = 5
)

// Format lays out a draft for a channel and for what the resident has told
// us about themselves, and returns the text with the citations it
// numbers (renumbered 1, 2, ... in order of first use; consecutive
// sentences citing the same sources share a paragraph and its markers).
// A sentence shows up to three of its sources ("[1][2]" for a sentence
// two pages state).
//
//   - web: plain text, one paragraph per source ending in its "[n]"
//     marker, then a "Sources:" list of "[n] Title: URL" lines; the web
//     channel renders sanitised HTML from it.
//   - WhatsApp: the top source's title in *bold*, short paragraphs with
//     "[n]" markers, then "1. Title: URL" source lines.
//   - SMS: plain text with no markup or markers and exactly one link (the
//     top source), cut to fit SMSMaxSegments segments and kept in the
//     GSM-7 alphabet where possible.
//
// On the web and WhatsApp a table row quoted as a sentence ("Band: D;
// Annual charge: £2,173.24") is shown one field a line (rowLines).
//
// Needs change it further: a screen reader gets no tables, emoji, box
// drawing or bare "[n]" markers, and links named by their destination
// ("Visitors Permits (sheffield.gov.uk): https://..."); plain English and
// low literacy get the PlainEnglish pass and at most three sentences; BSL
// adds the video relay signpost and another language the interpreter
// line. Numbers, prices, times and phone numbers are never altered.
//
// Format is pure: the same input always gives the same output.
func Format(d *Draft, ch Channel, needs Needs, opt FormatOptions) (string, []Citation) {
	if d == nil || len(d.Sentences) == 0 {
		return "", nil
	}
	plain := needs.PlainEnglish || needs.LowLiteracy
	limit := opt.MaxSentences
	if limit <= 0 {
		limit = defaultMaxSentences
		if plain {
			limit = plainMaxSentences
		}
	}
	runs, cites := layout(d, limit)
	var whole strings.Builder // the answer's text, to see which acronyms it uses again
	for _, r := range runs {
		for _, s := range r.sentences {
			whole.WriteString(s + "\n")
		}
	}
	seen := map[string]bool{}
	for i := range runs {
		for j, s := range runs[i].sentences {
			if ch != ChannelSMS {
				s = rowLines(s)
			}
			s = cleanSentence(s, ch, needs)
			s = dropAsides(s, whole.String())
			if plain {
				s = plainText(s, seen)
			} else {
				// Everyone gets jargon swapped and long sentences split
				// (Everyday); the swaps kept for plain English and
				// acronym expansion are for those who asked for them.
				s = splitLong(swapWords(s, false))
			}
			runs[i].sentences[j] = s
		}
		runs[i].sentences = nonEmpty(runs[i].sentences)
	}
	signs := signposts(opt.Council, ch, needs)
	switch ch {
	case ChannelSMS:
		return formatSMS(runs, cites, signs), cites
	case ChannelWhatsApp:
		return formatWhatsApp(runs, cites, signs, needs), cites
	default:
		return formatWeb(runs, cites, signs, needs), cites
	}
}

// run is consecutive sentences citing the same sources.
type run struct {
	sentences []string
	cites     []int // indices into the citations slice; none for no source
}

// layout keeps the first limit sentences, groups consecutive sentences
// with the same citations into runs and renumbers the citations in
// order of first use.
func layout(d *Draft, limit int) ([]run, []Citation) {
	byN := make(map[int]Citation, len(d.Citations))
	for _, c := range d.Citations {
		byN[c.N] = c
	}
	renum := map[int]int{}
	var cites []Citation
	var runs []run
	for i, s := range d.Sentences {
		if i >= limit {
			break
		}
		var cs []int
		for _, n := range s.Cites {
			c, ok := byN[n]
			if !ok || len(cs) == maxSentenceCites {
				continue
			}
			k, seen := renum[c.N]
			if !seen {
				k = len(cites)
				renum[c.N] = k
				c.N = k + 1
				cites = append(cites, c)
			}
			if !slices.Contains(cs, k) && len(cs) < maxSentenceCites {
				cs = append(cs, k)
			}
		}
		if len(runs) > 0 && slices.Equal(runs[len(runs)-1].cites, cs) {
			runs[len(runs)-1].sentences = append(runs[len(runs)-1].sentences, s.Text)
			continue
		}
		runs = append(runs, run{sentences: []string{s.Text}, cites: cs})
	}
	return runs, cites
}

// maxSentenceCites is how many of a sentence's sources are shown: a total
// over many records cites every one of them in the draft, but a row of
// twenty markers helps no reader.
const maxSentenceCites = 3

// markers writes a run's citation markers: " [1]", or " [1][2]" for a
// sentence two sources state.
func markers(b *strings.Builder, r run) {
	for i, k := range r.cites {
		if i == 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(b, "[%d]", k+1)
	}
}

func nonEmpty(ss []string) []string {
	out := ss[:0]
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// cleanSentence makes one sentence fit the channel and needs: one line,
// and for screen readers and SMS no emoji, arrows, box drawing or table
// rules. It only removes symbols and spaces, never letters or digits.
func cleanSentence(s string, ch Channel, needs Needs) string {
	if strings.Contains(s, "\n") {
		// A list: a lead-in and "- item" lines. SMS runs it together.
		lines := strings.Split(s, "\n")
		var out []string
		for _, l := range lines {
			if l = cleanLine(l, ch, needs); l != "" && l != "-" {
				out = append(out, l)
			}
		}
		if ch == ChannelSMS {
			items := make([]string, 0, len(out))
			for _, l := range out[1:] {
				items = append(items, strings.TrimPrefix(l, "- "))
			}
			if len(items) == 0 {
				return fullStop(out[0])
			}
			return fullStop(out[0] + " " + strings.Join(items, "; "))
		}
		return fullStop(strings.Join(out, "\n"))
	}
	return fullStop(cleanLine(s, ch, needs))
}

// rowLines sets out a table row quoted as a sentence, as the loaders
// write rows ("Service: Barking and Dagenham; Requested: 31/08/2017;
// Status: Refused"), one field a line, as the table shows it: a record
// is read field by field, not as one 20-word sentence. Only text made
// wholly of two or more "Label: value" fields (a label of at most four
// words, capitalised, with no sentence punctuation) is a row; a sentence
// with a list after a colon ("agents: Marstons; Equita") is not, and
// SMS keeps rows on one line.
func rowLines(s string) string {
	if strings.Contains(s, "\n") || !strings.Contains(s, "; ") {
		return s
	}
	fields := strings.Split(s, "; ")
	for i, f := range fields {
		f = strings.TrimSpace(f)
		k := strings.Index(f, ": ")
		if k <= 0 || strings.TrimSpace(strings.TrimRight(f[k+2:], ".;")) == "" {
			return s
		}
		label := f[:k]
		if r, _ := utf8.DecodeRuneInString(label); !unicode.IsUpper(r) || len(strings.Fields(label)) > 4 ||
			strings.ContainsAny(label, ".,;:!?") {
			return s
		}
		fields[i] = f
	}
	return strings.Join(fields, "\n")
}

// fullStop ends a table row or list item quoted as a sentence with a full
// stop, so that sentences run together read as sentences. Nothing else of
// the source's text changes.
func fullStop(s string) string {
	if last, _ := utf8.DecodeLastRuneInString(s); s != "" && (unicode.IsLetter(last) || unicode.IsDigit(last) || strings.ContainsRune(")%’”'\"", last)) {
		return s + "."
	}
	return s
}

func cleanLine(s string, ch Channel, needs Needs) string {
	s = strings.Join(strings.Fields(s), " ")
	if needs.ScreenReader || ch == ChannelSMS {
		s = stripSymbols(s)
	}
	if ch == ChannelSMS {
		s = gsmFold(s)
		s = stripLinks(s)
	}
	if ch == ChannelWhatsApp {
		// A stray pair of asterisks or underscores would turn into
		// emphasis the source never meant.
		s = outsideLinks(s, strings.NewReplacer("*", "∗", "_", " ", "~", "-").Replace)
	}
	return strings.TrimSpace(s)
}

// outsideLinks applies f to the words of s that are not links.
func outsideLinks(s string, f func(string) string) string {
	words := strings.Fields(s)
	for i, w := range words {
		t := strings.Trim(w, "()<>,.;:")
		if strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "www.") || strings.Contains(t, "@") {
			continue
		}
		words[i] = f(w)
	}
	return strings.Join(words, " ")
}

// stripSymbols removes emoji, pictographs, arrows, box drawing and block
// elements, turns bullets and table pipes into commas, and drops rules made
// of repeated punctuation ("-----", "+---+").
func stripSymbols(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '•' || r == '▪' || r == '·' || r == '|' || r == '¦':
			b.WriteString(", ")
		case r >= 0x2190 && r <= 0x21FF, // arrows
			r >= 0x2500 && r <= 0x25FF, // box drawing, blocks, geometric shapes
			r >= 0x2600 && r <= 0x27BF, // symbols, dingbats
			r >= 0x2B00 && r <= 0x2BFF, // more arrows and shapes
			r >= 0x1F000,               // emoji and pictographs
			r == 0xFE0F || r == 0x200D: // emoji presentation, joiner
			b.WriteByte(' ')
		case unicode.Is(unicode.So, r) && r != '©' && r != '®':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	var words []string
	for _, w := range strings.Fields(b.String()) {
		if isRule(w) {
			continue
		}
		words = append(words, w)
	}
	out := strings.Join(words, " ")
	out = strings.ReplaceAll(out, " ,", ",")
	for strings.Contains(out, ",,") {
		out = strings.ReplaceAll(out, ",,", ",")
	}
	return strings.Trim(out, ", ")
}

// isRule reports a token of three or more layout characters.
func isRule(w string) bool {
	if utf8.RuneCountInString(w) < 3 {
		return false
	}
	for _, r := range w {
		if !strings.ContainsRune("-=_+*#~:.", r) {
			return false
		}
	}
	return true
}

// stripLinks removes URLs from a sentence (SMS carries one link only).
func stripLinks(s string) string {
	var words []string
	removed := false
	for _, w := range strings.Fields(s) {
		t := strings.Trim(w, "()<>,.;:")
		if strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "www.") {
			removed = true
			continue
		}
		words = append(words, w)
	}
	out := strings.Join(words, " ")
	if removed && strings.HasSuffix(out, ":") {
		out = strings.TrimSuffix(out, ":") + "."
	}
	return out
}

// gsmFold replaces typographic characters outside the GSM-7 alphabet with
// their plain equivalents, so that an SMS is not sent as UCS-2 (which
// halves its length) for the sake of a curly quote.
func gsmFold(s string) string {
	return strings.NewReplacer(
		"‘", "'", "’", "'", "“", "\"", "”", "\"", "–", "-", "—", "-", "…", "...",
		"\u00a0", " ", "\u2009", " ", "\u202f", " ", "•", "-", "×", "x",
	).Replace(s)
}

// signposts are the accessibility lines a resident's needs call for.
func signposts(c Council, ch Channel, needs Needs) []string {
	var out []string
	if needs.BSL {
		name, link := "a BSL video relay service", c.BSLURL
		if strings.EqualFold(c.Nation, "scotland") {
			name = "contactSCOTLAND-BSL"
			if link == "" {
				link = "https://contactscotland-bsl.org"
			}
		}
		switch {
		case ch == ChannelSMS || link == "":
			// SMS carries one link, the answer's source.
			out = append(out, fmt.Sprintf("If you use BSL, you can contact us through %s.", name))
		default:
			out = append(out, fmt.Sprintf("If you use BSL, you can contact us through %s: %s", name, link))
		}
	}
	if needs.Language != "" && needs.Language != "en" {
		phone := c.InterpreterPhone
		if phone == "" {
			phone = c.Phone
		}
		lang := languageName(needs.Language)
		switch {
		case phone != "" && lang != "":
			out = append(out, fmt.Sprintf("If you would like an interpreter for %s, call %s.", lang, phone))
		case phone != "":
			out = append(out, fmt.Sprintf("If you would like an interpreter, call %s.", phone))
		default:
			out = append(out, "If you would like an interpreter, ask us and we will arrange one.")
		}
	}
	return out
}

// languageName names common community languages in UK councils by their
// ISO 639-1 code; "" for others.
func languageName(code string) string {
	switch strings.ToLower(code) {
	case "pl":
		return "Polish"
	case "ur":
		return "Urdu"
	case "pa":
		return "Punjabi"
	case "bn":
		return "Bengali"
	case "gu":
		return "Gujarati"
	case "ar":
		return "Arabic"
	case "ro":
		return "Romanian"
	case "so":
		return "Somali"
	case "zh":
		return "Chinese"
	case "pt":
		return "Portuguese"
	case "es":
		return "Spanish"
	case "lt":
		return "Lithuanian"
	case "uk":
		return "Ukrainian"
	case "ru":
		return "Russian"
	case "fa":
		return "Persian"
	case "ku":
		return "Kurdish"
	case "ta":
		return "Tamil"
	case "tr":
		return "Turkish"
	case "fr":
		return "French"
	case "cy":
		return "Welsh"
	case "gd":
		return "Gaelic"
	}
	return ""
}

// destination names a link by where it goes: "Visitors Permits
// (sheffield.gov.uk)".
func destination(c Citation) string {
	name := c.Title
	if name == "" {
		name = "Source"
	}
	if c.Page > 0 {
		name = fmt.Sprintf("%s, page %d", name, c.Page)
	}
	if h := host(c.URL); h != "" {
		name += " (" + h + ")"
	}
	return name
}

func host(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Host), "www.")
}

func titleWithPage(c Citation) string {
	if c.Page > 0 {
		return fmt.Sprintf("%s (page %d)", c.Title, c.Page)
	}
	return c.Title
}

// joinRun joins a run's sentences into a paragraph; a list keeps its
// lines, and the sentence after it starts a line of its own.
func joinRun(sents []string) string {
	var b strings.Builder
	for i, s := range sents {
		if i > 0 {
			if strings.Contains(sents[i-1], "\n") || strings.Contains(s, "\n") {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(s)
	}
	return b.String()
}

// writeBody writes the answer's runs (with their citation markers unless
// the resident uses a screen reader) and then the signposts, each
// followed by a blank line: the body the web and WhatsApp formats share.
func writeBody(b *strings.Builder, runs []run, signs []string, needs Needs) {
	for _, r := range runs {
		if len(r.sentences) == 0 {
			continue
		}
		b.WriteString(joinRun(r.sentences))
		if !needs.ScreenReader {
			markers(b, r)
		}
		b.WriteString("\n\n")
	}
	for _, s := range signs {
		b.WriteString(s)
		b.WriteString("\n\n")
	}
}

func formatWeb(runs []run, cites []Citation, signs []string, needs Needs) string {
	var b strings.Builder
	writeBody(&b, runs, signs, needs)
	if len(cites) > 0 {
		if needs.ScreenReader {
			b.WriteString("More information:\n")
			for _, c := range cites {
				fmt.Fprintf(&b, "%s: %s\n", destination(c), c.URL)
			}
		} else {
			b.WriteString("Sources:\n")
			for _, c := range cites {
				fmt.Fprintf(&b, "[%d] %s: %s\n", c.N, titleWithPage(c), c.URL)
			}
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func formatWhatsApp(runs []run, cites []Citation, signs []string, needs Needs) string {
	var b strings.Builder
	if len(cites) > 0 && cites[0].Title != "" {
		fmt.Fprintf(&b, "*%s*\n", strings.NewReplacer("*", "", "_", " ", "~", "-").Replace(cites[0].Title))
	}
	writeBody(&b, runs, signs, needs)
	if len(cites) > 0 {
		b.WriteString("*Sources*\n")
		for _, c := range cites {
			name := titleWithPage(c)
			if needs.ScreenReader {
				name = destination(c)
			}
			fmt.Fprintf(&b, "%d. %s: %s\n", c.N, name, c.URL)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// formatSMS joins the sentences, adds the signposts and the top source's
// link, and drops trailing sentences (then shortens the first at a word
// boundary) until the message fits SMSMaxSegments segments.
func formatSMS(runs []run, cites []Citation, signs []string) string {
	var sents []string
	for _, r := range runs {
		sents = append(sents, r.sentences...)
	}
	tail := strings.Join(signs, " ")
	if len(cites) > 0 && cites[0].URL != "" {
		if tail != "" {
			tail += " "
		}
		tail += "More: " + cites[0].URL
	}
	tail = gsmFold(tail)
	build := func(body []string) string {
		t := strings.Join(body, " ")
		if tail != "" {
			if t != "" {
				t += "\n"
			}
			t += tail
		}
		return t
	}
	for len(sents) > 1 {
		if n, _ := SMSSegments(build(sents)); n <= SMSMaxSegments {
			return build(sents)
		}
		sents = sents[:len(sents)-1]
	}
	if len(sents) == 0 {
		return build(nil)
	}
	if n, _ := SMSSegments(build(sents)); n <= SMSMaxSegments {
		return build(sents)
	}
	// One sentence too long on its own: cut it at a word boundary, never
	// inside a word, so no number is split.
	words := strings.Fields(sents[0])
	for len(words) > 1 {
		words = words[:len(words)-1]
		cut := strings.TrimRight(strings.Join(words, " "), ",;:-") + "..."
		if n, _ := SMSSegments(build([]string{cut})); n <= SMSMaxSegments {
			return build([]string{cut})
		}
	}
	return build(nil)
}

// gsmBasic is the GSM 03.38 default alphabet; gsmExtended holds the
// characters sent with an escape, which take two septets.
const (
	gsmBasic    = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtended = "^{}\\[~]|€\f"
)

// SMSSegments returns how many SMS segments text takes and whether it
// fits the GSM-7 alphabet. GSM-7 messages carry 160 septets in one
// segment or 153 per segment when concatenated (extension characters
// count two); anything else is sent as UCS-2, 70 UTF-16 units in one
// segment or 67 per segment. Empty text takes no segments.
func SMSSegments(text string) (segments int, gsm bool) {
	if text == "" {
		return 0, true
	}
	septets := 0
	gsm = true
	for _, r := range text {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			septets++
		case strings.ContainsRune(gsmExtended, r):
			septets += 2
		default:
			gsm = false
		}
		if !gsm {
			break
		}
	}
	if gsm {
		if septets <= 160 {
			return 1, true
		}
		return (septets + 152) / 153, true
	}
	units := 0
	for _, r := range text {
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
	}
	if units <= 70 {
		return 1, false
	}
	return (units + 66) / 67, false
}
