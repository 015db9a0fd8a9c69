package assistant

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// This file finds where a resident means in what they typed: a postcode,
// coordinates, a street address ("outside 14 Elm Road") or a landmark on a
// street ("near the Co-op on High Street"). It is deliberately
// conservative: anything it misses is asked for, and everything it finds
// is shown back to the resident before a request is sent.

// foundLocation is a location found in free text.
type foundLocation struct {
	Location
	spans     [][2]int // byte ranges of text the location was read from
	hasStreet bool     // Address names a street (not just a landmark)
	hasNumber bool     // Address starts with or contains a house number
}

func (f foundLocation) empty() bool {
	return f.Address == "" && f.Postcode == "" && f.Lat == 0 && f.Lon == 0
}

// streetSuffixes end a street name whatever the case of the text.
var streetSuffixes = map[string]string{
	"road": "Road", "rd": "Road", "street": "Street", "avenue": "Avenue", "ave": "Avenue",
	"lane": "Lane", "ln": "Lane", "drive": "Drive", "crescent": "Crescent", "cres": "Crescent",
	"terrace": "Terrace", "gardens": "Gardens", "gdns": "Gardens", "mews": "Mews",
	"parade": "Parade", "grove": "Grove", "square": "Square", "sq": "Square",
	"boulevard": "Boulevard", "place": "Place", "row": "Row", "esplanade": "Esplanade",
	"promenade": "Promenade", "embankment": "Embankment", "wharf": "Wharf",
	"crossroads": "Crossroads", "hill": "Hill",
}

// capitalSuffixes end a street name only when written with a capital,
// because in lower case they are ordinary words ("close to", "car park",
// "green bin", "on my way", "Dr Patel").
var capitalSuffixes = map[string]bool{
	"St": true, "Dr": true, "Close": true, "Way": true, "Park": true, "Green": true,
	"Walk": true, "Rise": true, "View": true, "Court": true, "Ct": true, "Gate": true,
	"Chase": true, "Croft": true, "Vale": true, "Fields": true, "Meadows": true,
	"Yard": true, "Bank": true, "Hollow": true, "Circus": true, "Approach": true,
	"Broadway": true, "End": true, "Side": true, "Mount": true, "Brow": true,
}

// streetStop are words that cannot be part of a street's name, so walking
// left from "Road" stops at them: "pothole on elm road" gives "elm road".
var streetStop = setOfWords(`a an the on in at by near outside opposite of to from and or but
		is it it's its there there's theres i i'm im my our your their his her this that these those
		with for off up down along behind beside next junction corner end top bottom side
		just past across between round around we you they he she live lives living address
		pothole potholes hole holes bin bins light lights lamp graffiti noise rubbish fly tipping
		tipped dumped report reporting want like please hi hello house flat number no yes also
		again same busy quiet big small dark long country private residential whole very really
		massive huge deep was were be been has have had out not broken middle edge part bit
		dangerous cars car bus`)

// setOfWords makes a set from space-separated words.
func setOfWords(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// landmarkPrepositions introduce a landmark or a position on a street.
var landmarkPrepositions = []string{
	"at the corner of", "on the corner of", "at the junction of", "at the end of",
	"in front of", "across from", "next to", "near to", "outside of", "corner of",
	"junction of", "outside", "opposite", "near", "behind", "beside", "by",
}

// wordPattern finds words, keeping internal apostrophes and hyphens
// ("Co-op", "St Mary's").
var wordPattern = regexp.MustCompile(`[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*`)

// roadNumber matches a numbered road: A, B or M and one to four digits,
// with an optional (M) for motorway sections.
var roadNumber = regexp.MustCompile(`^[ABM][1-9]\d{0,3}(?:\(M\))?$`)

// houseNumberPattern matches "14", "14a" and "14-16".
var houseNumberPattern = regexp.MustCompile(`^\d{1,4}[a-zA-Z]?(?:-\d{1,4}[a-zA-Z]?)?$`)

// coordPattern finds a decimal "lat, lon" pair.
var coordPattern = regexp.MustCompile(`(-?\d{1,2}\.\d{3,})\s*,\s*(-?\d{1,3}\.\d{3,})`)

type addrToken struct {
	text, lower string
	start, end  int
}

func addrTokens(text string) []addrToken {
	var out []addrToken
	for _, m := range wordPattern.FindAllStringIndex(text, -1) {
		w := text[m[0]:m[1]]
		out = append(out, addrToken{text: w, lower: strings.ToLower(strings.ReplaceAll(w, "’", "'")), start: m[0], end: m[1]})
	}
	return out
}

func startsCapital(w string) bool {
	for _, r := range w {
		return unicode.IsUpper(r) || unicode.IsDigit(r)
	}
	return false
}

// findLocation reads a location from free text.
func findLocation(text string) foundLocation {
	var f foundLocation
	for _, m := range postcodeShape.FindAllStringIndex(text, -1) {
		if pc, ok := NormalisePostcode(text[m[0]:m[1]]); ok {
			f.Postcode = pc
			f.spans = append(f.spans, [2]int{m[0], m[1]})
			break
		}
	}
	if m := coordPattern.FindStringSubmatchIndex(text); m != nil {
		lat, _ := strconv.ParseFloat(text[m[2]:m[3]], 64)
		lon, _ := strconv.ParseFloat(text[m[4]:m[5]], 64)
		// The UK and its waters, roughly: anything else is not a location
		// we serve, or not a location at all.
		if lat >= 49 && lat <= 61 && lon >= -9 && lon <= 2.5 {
			f.Lat, f.Lon = lat, lon
			f.spans = append(f.spans, [2]int{m[0], m[1]})
		}
	}
	// Tokens from the text without the postcode and coordinates, so "M1"
	// of "M1 1AE" is not read as the M1 motorway.
	toks := addrTokens(withoutSpans(text, f.spans))
	street, sfrom, sto := findStreet(text, toks)
	lfrom, lto := findLandmark(text, toks, sfrom)
	switch {
	case street != "" && lfrom >= 0:
		// "near the Co-op on High Street": keep the resident's words, with
		// the street's name tidied.
		f.Address = strings.TrimSpace(text[toks[lfrom].start:toks[sfrom].start]) + " " + street
		f.spans = append(f.spans, [2]int{toks[lfrom].start, toks[sto].end})
		f.hasStreet = true
	case street != "":
		f.Address = street
		f.spans = append(f.spans, [2]int{toks[sfrom].start, toks[sto].end})
		f.hasStreet = true
		// "Church Street by the post office", "the A38 near Tesco".
		if end := landmarkFrom(text, toks, sto+1, -1); end > 0 {
			f.Address += " " + text[toks[sto+1].start:toks[end].end]
			f.spans = append(f.spans, [2]int{toks[sto+1].start, toks[end].end})
		}
	case lfrom >= 0:
		f.Address = text[toks[lfrom].start:toks[lto].end]
		f.spans = append(f.spans, [2]int{toks[lfrom].start, toks[lto].end})
	}
	if f.Address != "" {
		f.hasNumber = strings.IndexFunc(f.Address, unicode.IsDigit) >= 0
	}
	return f
}

// findStreet returns the first street address in toks, tidied ("14 elm rd"
// gives "14 Elm Road"), with the indexes of its first and last tokens
// (including a preposition right before it: "outside 14 Elm Road").
func findStreet(text string, toks []addrToken) (string, int, int) {
	for i, t := range toks {
		// A numbered road: "the A38", "M5", "B1234".
		if roadNumber.MatchString(t.text) || (i > 0 && toks[i-1].lower == "the" && roadNumber.MatchString(strings.ToUpper(t.text))) {
			return strings.ToUpper(t.text), i, i
		}
		suffix, ok := streetSuffixes[t.lower]
		if !ok && capitalSuffixes[t.text] {
			suffix, ok = t.text, true
			if t.text == "St" {
				suffix = "Street"
			} else if t.text == "Dr" {
				suffix = "Drive"
			} else if t.text == "Ct" {
				suffix = "Court"
			}
		}
		if !ok || i == 0 {
			continue
		}
		// Walk left over the name: up to three words, no stop words, and
		// for a capital-only suffix, capitalised words.
		first := i
		for j := i - 1; j >= 0 && i-j <= 3; j-- {
			w := toks[j]
			if streetStop[w.lower] || houseNumberPattern.MatchString(w.text) || !addrAdjacent(text, w, toks[j+1]) {
				break
			}
			if !nameFits(w, t) {
				break
			}
			first = j
		}
		if first == i {
			continue // "the road", "my street": no name
		}
		var b strings.Builder
		start := first
		if first > 0 && houseNumberPattern.MatchString(toks[first-1].text) && addrAdjacent(text, toks[first-1], toks[first]) {
			start = first - 1
			b.WriteString(strings.ToUpper(toks[start].text) + " ")
		}
		for j := first; j < i; j++ {
			b.WriteString(titleCaseWord(toks[j].text) + " ")
		}
		b.WriteString(suffix)
		addr := b.String()
		// "flat 3, 22 King Street".
		if start != first && start >= 2 && houseNumberPattern.MatchString(toks[start-1].text) &&
			(toks[start-2].lower == "flat" || toks[start-2].lower == "apartment" || toks[start-2].lower == "unit") {
			addr = titleCaseWord(toks[start-2].text) + " " + strings.ToUpper(toks[start-1].text) + ", " + addr
			start -= 2
		}
		// A preposition right before it says where on the street.
		for _, p := range []string{"outside", "opposite", "near", "behind", "beside"} {
			if start > 0 && toks[start-1].lower == p {
				addr = p + " " + addr
				start--
				break
			}
		}
		return addr, start, i
	}
	return "", -1, -1
}

// nameFits applies the capital rule: a suffix that is only a
// street when capitalised needs a capitalised name too.
func nameFits(name, suffix addrToken) bool {
	if _, ok := streetSuffixes[suffix.lower]; ok {
		return true
	}
	return startsCapital(name.text)
}

// addrAdjacent reports whether only spaces separate a and b, so a street name
// does not run across a comma or a full stop.
func addrAdjacent(text string, a, b addrToken) bool {
	return strings.TrimSpace(text[a.end:b.start]) == ""
}

// titleCaseWord capitalises a lower-case word and leaves others alone ("elm"
// gives "Elm", "McDonald" stays).
func titleCaseWord(w string) string {
	if w != strings.ToLower(w) {
		return w
	}
	r := []rune(w)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// findLandmark returns the token range of a landmark ("near the Co-op")
// that ends right before the street at sfrom (joined by "on", "in", "at",
// "off" or "along"), or anywhere when there is no street. It returns
// -1, -1 when there is none.
func findLandmark(text string, toks []addrToken, sfrom int) (int, int) {
	for i := range toks {
		if sfrom >= 0 && i >= sfrom {
			break
		}
		end := landmarkFrom(text, toks, i, sfrom)
		if end < 0 {
			continue
		}
		if sfrom < 0 {
			return i, end
		}
		// It must lead straight into the street: "near the Co-op on High Street".
		gap := end + 1
		if gap == sfrom {
			return i, end
		}
		if gap+1 == sfrom && streetJoins[toks[gap].lower] {
			return i, end
		}
	}
	return -1, -1
}

// streetJoins join a landmark to the street it is on.
var streetJoins = setOfWords(`on in at off along`)

// landmarkEnds stop a landmark's words: joining words, verbs and
// pronouns, so "outside my house isn't working" gives "outside my house".
var landmarkEnds = setOfWords(`on in at off along and but or is isn't isnt was wasn't wasnt are aren't
	has hasn't hasnt have haven't had been keeps kept it it's its that which who where when because so
	for with since from to there there's theres this these those i i'm we they he she you`)

// landmarkDeterminers may start a landmark after its preposition.
var landmarkDeterminers = setOfWords(`the a an my our your their his her number no`)

// landmarkFrom returns the index of the last token of a landmark starting
// with a preposition at toks[i] ("near the Co-op", "outside number 12"),
// or -1. stop, if not -1, is a token index the landmark may not reach.
func landmarkFrom(text string, toks []addrToken, i, stop int) int {
	if i >= len(toks) {
		return -1
	}
	n := prepositionAt(toks, i)
	if n == 0 {
		return -1
	}
	// "by the library", but not "hit by a car".
	if toks[i].lower == "by" && (i+1 >= len(toks) || toks[i+1].lower != "the") {
		return -1
	}
	end, words := -1, 0
	for j := i + n; j < len(toks) && words < 3; j++ {
		if (stop >= 0 && j >= stop) || !addrAdjacent(text, toks[j-1], toks[j]) || landmarkEnds[toks[j].lower] {
			break
		}
		if !(j == i+n && landmarkDeterminers[toks[j].lower]) {
			words++
		}
		end = j
	}
	if end < 0 || landmarkDeterminers[toks[end].lower] {
		return -1
	}
	return end
}

// prepositionAt returns how many tokens a landmark preposition at toks[i]
// spans, or 0.
func prepositionAt(toks []addrToken, i int) int {
	for _, p := range landmarkPrepositions {
		words := strings.Fields(p)
		if i+len(words) > len(toks) {
			continue
		}
		ok := true
		for k, w := range words {
			if toks[i+k].lower != w {
				ok = false
				break
			}
		}
		if ok {
			return len(words)
		}
	}
	return 0
}

// withoutSpans returns text with the given byte ranges blanked out, so
// words read as a location are not read again as an answer ("Elm Road" is
// not "in the road").
func withoutSpans(text string, spans [][2]int) string {
	if len(spans) == 0 {
		return text
	}
	b := []byte(text)
	for _, s := range spans {
		for i := s[0]; i < s[1] && i < len(b); i++ {
			b[i] = ' '
		}
	}
	return string(b)
}

// describeLocation writes a location for a summary.
func describeLocation(l Location) string {
	var parts []string
	if l.Address != "" {
		parts = append(parts, l.Address)
	}
	if l.Postcode != "" && !strings.Contains(strings.ToUpper(l.Address), l.Postcode) {
		parts = append(parts, l.Postcode)
	}
	if l.Lat != 0 || l.Lon != 0 {
		coords := strconv.FormatFloat(l.Lat, 'f', 5, 64) + ", " + strconv.FormatFloat(l.Lon, 'f', 5, 64)
		if len(parts) == 0 {
			return "the location you shared (" + coords + ")"
		}
		parts = append(parts, "("+coords+")")
	}
	return strings.Join(parts, ", ")
}

// foldedText is text folded for phrase matching: lower case, curly
// apostrophes straightened, other punctuation turned into spaces, words
// separated by single spaces, with a space at each end so a phrase is
// matched as whole words by looking for " phrase ".
type foldedText string

func foldText(s string) foldedText {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(s) {
		if r == '’' || r == '‘' {
			r = '\''
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return foldedText(b.String())
}

// has reports whether any phrase (already folded: lower case, words
// separated by single spaces) occurs as whole words.
func (f foldedText) has(phrases ...string) bool {
	for _, p := range phrases {
		if f.index(p, 0) >= 0 {
			return true
		}
	}
	return false
}

// index returns the byte offset of the phrase's first whole-word
// occurrence at or after from, or -1.
func (f foldedText) index(phrase string, from int) int {
	s := string(f)
	for from < len(s) {
		i := strings.Index(s[from:], phrase)
		if i < 0 {
			return -1
		}
		at := from + i
		if at > 0 && s[at-1] == ' ' && at+len(phrase) < len(s) && s[at+len(phrase)] == ' ' {
			return at
		}
		from = at + 1
	}
	return -1
}

// words returns the folded words.
func (f foldedText) words() []string { return strings.Fields(string(f)) }

// is reports whether the whole text is one of the phrases.
func (f foldedText) is(phrases ...string) bool {
	t := strings.TrimSpace(string(f))
	for _, p := range phrases {
		if t == p {
			return true
		}
	}
	return false
}
