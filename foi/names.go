package foi

import (
	"regexp"
	"strings"
)

// How names are recognised. A name is an optional honorific and one to
// five words, each a capitalised word ("Kelly", "McAuley", "O'Brien",
// "Smith-Jones"), an initial ("J", "J.") or a particle between them ("de",
// "van"), with at least one word that is not an initial. Where it sits
// decides whether it is taken: after "Dear", "Hi" or "Hello"; on the line
// after a closing ("Yours faithfully,", "Kind regards", "Many thanks");
// in a "From:"/"To:" header; after "my name is".
//
// Any word that marks an organisation, a team or a role ("Council",
// "Team", "Officer", "Sir", "Madam", "All") rejects the whole candidate,
// so "Dear Sheffield City Council," and "Information Management Officer"
// are not names.

var honorifics = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true,
	"prof": true, "professor": true, "rev": true, "revd": true, "sir": true,
	"dame": true, "lady": true, "lord": true, "cllr": true, "councillor": true,
}

// rejectWords make a candidate an organisation, team, role or greeting.
var rejectWords = setOf(`
all colleague colleagues everyone everybody friend friends team teams whom concern madam sirs madams
council councils borough city county district parish town authority authorities government ministry
department dept directorate division service services unit office officer officers manager managers
management assistant director head lead advisor adviser coordinator co-ordinator administrator
administration analyst clerk executive solicitor solicitors engineer inspector surveyor specialist
consultant supervisor technician practitioner governance compliance support records data business
customer customers corporate legal panel board group centre center trust nhs ltd limited plc llp
inc society association federation foundation charity campaign network alliance partnership project
institute university college school academy police fire company media news press research action
information freedom request requests requester requestor applicant resident residents editor reader
reporter mayor committee member members chair chairman chairperson secretary commissioner cabinet
planning highways highway housing environmental environment health care children adult adults social
education finance revenues benefits enquiries enquiry helpdesk desk admin club forum union party
the whatdotheyknow foi eir ico officer's council's colleague's regards thanks yours sincerely
faithfully uk email e-mail mail digital rights tracker watch emergency climate disability tenders
tender insight insights campaigners alliance coalition trustees governors
`)

// breakWords start a sentence; a name on a salutation line ends before
// them ("Dear David Kelly Thank you for ...").
var breakWords = setOf(`
thank thanks please i i'm we we're further following re regarding many hope sorry apologies your our
this that these as in on with can could would just attached good hello hi dear yes no kind best yours
sent from to subject date cc ref reference apologies sincerely faithfully regards there here
`)

// particles may join name words: "Jo de Souza", "Anna van der Berg".
var particles = setOf(`de da di du del della der den van von la le bin binti al el ter ten st`)

// postnominals may follow a name in a sign-off: "Tay Jiva MBE".
var postnominalRE = regexp.MustCompile(`^(?:[A-Z]{2,6}|PhD|MSc|BSc|MPhil|DPhil|LLB|LLM|FRCS|MRCVS|BEM|OBE|MBE|CBE|QC|KC|MP|MSP|MS|AM|MLA|JP)$`)

// namePart is one part of a capitalised name word, in any alphabet with
// case: "Kelly", "McAuley", "O'Brien", "Siobhán", "Łukasz", "Zoë".
const namePart = `(?:\p{Lu}['’]\p{L}|\p{Lu})\p{Ll}+(?:\p{Lu}\p{Ll}+)?(?:['’]\p{Ll}+)?`

var (
	// nameWordRE is one capitalised word of a name: "Kelly", "McAuley",
	// "O'Brien", "D'Souza", "Smith-Jones", "McAuley-O'Brien".
	nameWordRE = regexp.MustCompile(`^` + namePart + `(?:-` + namePart + `)*$`)
	initialRE  = regexp.MustCompile(`^(?:\p{Lu}\.?|(?:\p{Lu}\.){2,3}|\p{Lu}{2,3})$`)
	// gluedNameRE is a name typed without spaces: "MR.B.CLARK".
	gluedNameRE = regexp.MustCompile(`^(?i:mr|mrs|ms|miss|dr)\.(?:[A-Z]\.)*[A-Z][A-Za-z'-]+$`)
	nicknameRE  = regexp.MustCompile(`^\(\p{Lu}\p{Ll}+\)$`)
	capsWordRE  = regexp.MustCompile(`^\p{Lu}[\p{Lu}'’-]+$`)
	lowerNameRE = regexp.MustCompile(`^[a-z][a-z0-9_'’.-]{0,24}$`)

	salutationRE = regexp.MustCompile(`(?mi)^[ \t>]*(?:dear|hi|hello|hiya|good (?:morning|afternoon|evening))\b[ \t]*`)
	headerRE     = regexp.MustCompile(`(?m)^[ \t>]*(?:From|To|Cc|CC|Sent by|On behalf of|Reply-To)[ \t]*:[ \t]*`)
	myNameRE     = regexp.MustCompile(`(?i)\bmy (?:full )?name is[ \t]+`)
	// titledRE is a private person's honorific anywhere in running text:
	// "Mr Henderson", "Mrs J. Parkin". Councillors, peers and knights are
	// public figures and are not matched here.
	titledRE = regexp.MustCompile(`\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ \t]+(?:\p{Lu}\.?[ \t]+){0,2}\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}\p{Ll}+)*`)
	// handleRE is a user name typed as a sign-off: "Lottie40".
	handleRE = regexp.MustCompile(`^[A-Za-z][A-Za-z_.-]{1,20}[0-9]{1,6}$`)
)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// nameEnd says what may follow a name.
type nameEnd int

const (
	endAny    nameEnd = iota // salutations, "my name is": anything
	endLine                  // sign-offs: end of line, a comma, "(", "on behalf", postnominals
	endHeader                // headers: "<", "[", quote, comma, end of line
)

// parseName reads a name starting at pos, after any spaces and opening
// quotes. It returns the span of the name (honorific included, trailing
// punctuation and postnominals not) and whether one was found.
func parseName(text string, pos int, end nameEnd) (int, int, bool) {
	i := pos
	for i < len(text) {
		if text[i] == ' ' || text[i] == '\t' || text[i] == '"' || text[i] == '\'' {
			i++
		} else if strings.HasPrefix(text[i:], "‘") || strings.HasPrefix(text[i:], "“") {
			i += len("‘") // both are three bytes
		} else {
			break
		}
	}
	start, stop := i, -1
	words, caps, hon := 0, 0, false
	pendingParticle := false
	for words < 6 && i < len(text) {
		j := i
		for j < len(text) && !strings.ContainsRune(" \t\r\n,;:<>[]\"!?/", rune(text[j])) {
			j++
		}
		w := text[i:j]
		if w == "" {
			break
		}
		core := strings.TrimRight(w, ".'’")
		lower := strings.ToLower(strings.Trim(core, "()"))
		if rejectWords[lower] {
			return 0, 0, false
		}
		switch {
		case words == 0 && !hon && honorifics[lower]:
			hon = true
		case breakWords[lower]:
			if words == 0 {
				return 0, 0, false // "Best,", "Thanks": not a name
			}
			j = -1
		case words == 0 && !hon && gluedNameRE.MatchString(core):
			words, stop = 1, i+len(core)
			j = -1 // a glued name is whole
		case nameWordRE.MatchString(core) || nicknameRE.MatchString(core):
			if !strings.HasPrefix(core, "(") {
				words++
			}
			stop, pendingParticle = i+len(core), false
		case capsWordRE.MatchString(core) && len(core) > 3 && (hon || end == endLine) && !(words > 0 && postnominalRE.MatchString(core)):
			// "Mr SMITH"; "JOHN SMITH" under a closing.
			words++
			caps++
			stop, pendingParticle = i+len(core), false
		case words > 0 && capsWordRE.MatchString(core) && len(core) <= 3:
			j = -1 // "MBE", "CEX" after a name: postnominals, not initials
		case initialRE.MatchString(w):
			stop, pendingParticle = i+len(w), false
		case words > 0 && particles[lower] && !pendingParticle:
			pendingParticle = true
		default:
			j = -1
		}
		if j < 0 {
			break
		}
		i = j
		// Only spaces or tabs may separate the words of a name.
		k := i
		for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
			k++
		}
		if k == i || k-i > 3 {
			break
		}
		i = k
	}
	if words == 0 || stop < 0 {
		return 0, 0, false
	}
	if caps == words && words < 2 && !hon {
		return 0, 0, false // one word in capitals is an acronym, not a name
	}
	if !nameEndOK(text[stop:], end) {
		return 0, 0, false
	}
	return start, stop, true
}

// nameEndOK reports whether rest, the text after a name, may follow it.
func nameEndOK(rest string, end nameEnd) bool {
	if end == endAny {
		return true
	}
	line := rest
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(strings.TrimRight(line, "\r"))
	if line == "" {
		return true
	}
	switch end {
	case endHeader:
		return strings.ContainsRune("<[\"',('’", rune(line[0]))
	case endLine:
		if strings.ContainsRune(",(-|–/", rune(line[0])) || strings.HasPrefix(strings.ToLower(line), "on behalf") {
			return true
		}
		for _, w := range strings.Fields(strings.Trim(line, ".")) {
			if !postnominalRE.MatchString(strings.Trim(w, ",.()")) {
				return false
			}
		}
		return true
	}
	return false
}

// nameSpans finds names by their place in a letter.
func nameSpans(text string) [][2]int {
	var spans [][2]int
	take := func(pos int, end nameEnd) (int, bool) {
		s, e, ok := parseName(text, pos, end)
		if ok {
			spans = append(spans, [2]int{s, e})
		}
		return e, ok
	}
	for _, m := range salutationRE.FindAllStringIndex(text, -1) {
		pos := m[1]
		for n := 0; n < 4; n++ {
			e, ok := take(pos, endAny)
			if !ok {
				break
			}
			// "Dear Mr Smith and Mrs Jones," / "Dear Ann & Bob,"
			rest := text[e:]
			joined := false
			for _, sep := range []string{" and ", " & ", ", "} {
				if strings.HasPrefix(rest, sep) {
					pos, joined = e+len(sep), true
					break
				}
			}
			if !joined {
				break
			}
		}
	}
	for _, m := range headerRE.FindAllStringIndex(text, -1) {
		if e, ok := take(m[1], endHeader); ok {
			// "Kelly, David <...>"
			if strings.HasPrefix(text[e:], ", ") {
				take(e+2, endHeader)
			}
		}
	}
	for _, m := range myNameRE.FindAllStringIndex(text, -1) {
		take(m[1], endAny)
	}
	for _, m := range titledRE.FindAllStringIndex(text, -1) {
		if s, e, ok := parseName(text, m[0], endAny); ok && s == m[0] {
			spans = append(spans, [2]int{s, e})
		}
	}
	spans = append(spans, signOffSpans(text)...)
	return spans
}

// signOffSpans finds names on the line after a closing, or after the
// comma of a closing on the same line ("Yours faithfully, Jane Doe").
func signOffSpans(text string) [][2]int {
	var spans [][2]int
	lineStart := 0
	for lineStart < len(text) {
		lineEnd := strings.IndexByte(text[lineStart:], '\n')
		if lineEnd < 0 {
			lineEnd = len(text)
		} else {
			lineEnd += lineStart
		}
		line := text[lineStart:lineEnd]
		if ok, formal, inline := closing(line); ok {
			if inline >= 0 {
				if s, e, ok := parseName(text, lineStart+inline, endLine); ok && e <= lineEnd {
					spans = append(spans, [2]int{s, e})
				}
			} else if ns, ne, ok := nextLine(text, lineEnd); ok {
				if s, e, ok := parseName(text, ns, endLine); ok && e <= ne {
					spans = append(spans, [2]int{s, e})
				} else if w := strings.TrimSpace(text[ns:ne]); formal && (lowerName(w) || handleRE.MatchString(w)) {
					// A name or pseudonym in lower case after "Yours
					// faithfully,": "stygian", "m lebrocq".
					s := ns + strings.Index(text[ns:ne], w)
					spans = append(spans, [2]int{s, s + len(w)})
				}
			}
		}
		lineStart = lineEnd + 1
	}
	return spans
}

// nextLine returns the span of the next non-blank line after the newline
// at nl, looking past at most two blank lines.
func nextLine(text string, nl int) (int, int, bool) {
	pos := nl + 1
	for blanks := 0; pos < len(text) && blanks <= 2; blanks++ {
		end := strings.IndexByte(text[pos:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += pos
		}
		if strings.TrimSpace(text[pos:end]) != "" {
			return pos, end, true
		}
		pos = end + 1
	}
	return 0, 0, false
}

// closingWords may make up a closing line; at least one closingAnchors
// word must be present.
var closingWords = setOf(`
yours faithfully sincerely truly kind kindest best warm warmest regards regard many thanks thank you
with and wishes all the cheers in advance anticipation again for your help very much respectfully
sincere time assistance patience attention consideration cooperation co-operation understanding
support message email to this matter advice effort i look forward hearing from once greatly
appreciated ever
`)

var closingAnchors = setOf(`faithfully sincerely truly regards regard thanks thank wishes cheers best yours`)

// closing reports whether line is a letter's closing. formal is true for
// "Yours faithfully/sincerely". inline is the offset in line of a name
// after the closing's comma, or -1.
func closing(line string) (ok, formal bool, inline int) {
	t := strings.TrimSpace(line)
	if t == "" || len(t) > 60 {
		return false, false, -1
	}
	head, inline := t, -1
	if i := strings.IndexByte(t, ','); i >= 0 && strings.TrimSpace(t[i+1:]) != "" {
		head = t[:i]
		inline = strings.Index(line, t) + i + 1
	}
	words := strings.Fields(strings.ToLower(strings.TrimRight(head, ",.!:;- ")))
	anchor := false
	for _, w := range words {
		w = strings.Trim(w, ",.!")
		if !closingWords[w] {
			return false, false, -1
		}
		if closingAnchors[w] {
			anchor = true
		}
		if w == "faithfully" || w == "sincerely" {
			formal = true
		}
	}
	return anchor && len(words) > 0, formal, inline
}

// stripHonorific drops a leading honorific: "Mr David Long" -> "David
// Long".
func stripHonorific(s string) string {
	f := strings.Fields(s)
	if len(f) > 1 && honorifics[strings.ToLower(strings.TrimRight(f[0], "."))] {
		return strings.Join(f[1:], " ")
	}
	return strings.Join(f, " ")
}

// lowerName reports whether line is one to three lower-case words that
// could be a name: no organisation or sentence words, at least one word
// of three letters or more.
func lowerName(line string) bool {
	f := strings.Fields(line)
	if len(f) == 0 || len(f) > 3 {
		return false
	}
	long := false
	for _, w := range f {
		if !lowerNameRE.MatchString(w) || rejectWords[w] || breakWords[w] || closingWords[w] {
			return false
		}
		if len(w) >= 3 {
			long = true
		}
	}
	return long
}
