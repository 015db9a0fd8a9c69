package assistant

import (
	"strings"
	"unicode"
)

// Grade returns the Flesch-Kincaid grade level of text:
//
//	0.39 × words/sentences + 11.8 × syllables/words − 15.59
//
// It reads text as an answer is shown: URLs, email addresses, source
// markers such as "[1]", source lines ending in their link and short
// headings such as "Sources:" are left out (nobody reads a link aloud), every
// line break ends a sentence (list items and source lines are read as
// separate units), and a numeral counts as one word of one syllable,
// because figures are read at a glance rather than spelled out.
// Text with no words has grade 0.
func Grade(text string) float64 {
	words, syll, sents := readingCounts(text)
	if words == 0 {
		return 0
	}
	if sents == 0 {
		sents = 1
	}
	return 0.39*float64(words)/float64(sents) + 11.8*float64(syll)/float64(words) - 15.59
}

// readingCounts counts words, syllables and sentences in text.
func readingCounts(text string) (words, syllables, sentences int) {
	for _, line := range strings.Split(text, "\n") {
		if navigation(line) {
			continue
		}
		inSentence := false
		for _, tok := range strings.Fields(line) {
			if skipToken(tok) {
				continue
			}
			core := strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if core != "" {
				words++
				syllables += tokenSyllables(core)
				inSentence = true
			}
			if inSentence && endsSentence(tok) {
				sentences++
				inSentence = false
			}
		}
		if inSentence {
			sentences++
		}
	}
	return words, syllables, sentences
}

// navigation reports lines that are not read as prose: a source line
// ending in its link ("[1] Visitor permits: https://...") and a short
// heading over such lines ("Sources:", "*Sources*").
func navigation(line string) bool {
	f := strings.Fields(line)
	if len(f) == 0 {
		return false
	}
	last := strings.Trim(f[len(f)-1], "()<>.,;")
	if strings.HasPrefix(last, "http://") || strings.HasPrefix(last, "https://") || strings.HasPrefix(last, "www.") {
		return true
	}
	t := strings.TrimSpace(line)
	return len(f) <= 3 && (strings.HasSuffix(t, ":") || len(t) > 2 && t[0] == '*' && t[len(t)-1] == '*')
}

// skipToken reports tokens that are not read as words: links, email
// addresses and source markers.
func skipToken(tok string) bool {
	t := strings.Trim(tok, "()<>,.;:!?\"'")
	switch {
	case strings.HasPrefix(t, "http://"), strings.HasPrefix(t, "https://"), strings.HasPrefix(t, "www."):
		return true
	case strings.Contains(t, "@") && strings.Contains(t, "."):
		return true
	case len(t) >= 3 && t[0] == '[' && t[len(t)-1] == ']' && allDigits(t[1:len(t)-1]):
		return true
	}
	return false
}

func endsSentence(tok string) bool {
	t := strings.TrimRight(tok, "\"')]*_")
	if t == "" {
		return false
	}
	switch t[len(t)-1] {
	case '.', '!', '?':
		return !isAbbreviation(strings.ToLower(strings.TrimRight(t, ".")))
	}
	return false
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// tokenSyllables counts the syllables of one token: a numeral, an
// acronym or a word (hyphenated and slashed compounds count part by part).
func tokenSyllables(tok string) int {
	if strings.IndexFunc(tok, unicode.IsLetter) < 0 {
		// A figure with separators ("2021/22", "13/04/24", "9-5") is one
		// numeral, read at a glance like any other.
		return partSyllables(tok)
	}
	n := 0
	for _, part := range strings.FieldsFunc(tok, func(r rune) bool { return r == '-' || r == '/' || r == '–' }) {
		n += partSyllables(part)
	}
	return max(n, 1)
}

func partSyllables(part string) int {
	digits, letters, upper := 0, 0, 0
	for _, r := range part {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsLetter(r):
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	switch {
	case digits > 0:
		// "10am", "£19.35", "2021/22": a figure is read at a glance,
		// not spelled out, and counts as one syllable, as tools that
		// count syllables by hyphenation (textstat with Pyphen) count
		// it. Counted by its digits (up to three, as until 2026-11-23),
		// a short line of figures graded as hard prose: "2026 season
		// starts: 1 February 2026." was grade 19, "2022/23: £31,877.10."
		// grade 20.
		return 1
	case letters == 0:
		return 0
	case letters >= 2 && upper == letters && spelledOut(part):
		// An acronym read letter by letter: "HMO", "EHCP". W is three.
		n := 0
		for _, r := range part {
			if r == 'W' {
				n += 3
			} else if unicode.IsLetter(r) {
				n++
			}
		}
		return n
	}
	return Syllables(part)
}

// spelledOut reports whether an all-capitals token is read letter by
// letter (NHS, EHCP) rather than as a word (SEND, NATO).
func spelledOut(s string) bool {
	if len(s) <= 3 {
		return true
	}
	if len(s) > 5 && strings.ContainsAny(strings.ToLower(s), "aeiouy") {
		// A longer word in capitals with vowels is a word shouted, not
		// spelled: "CHRISTMAS LIGHTING" has three consonants in a row
		// but is read as two words.
		return false
	}
	vowels, run, maxRun := 0, 0, 0
	for _, r := range strings.ToLower(s) {
		if strings.ContainsRune("aeiouy", r) {
			vowels++
			run = 0
		} else {
			run++
			maxRun = max(maxRun, run)
		}
	}
	return vowels == 0 || maxRun >= 3
}

// syllableExceptions holds common words the rules below miscount.
var syllableExceptions = map[string]int{
	"area": 3, "areas": 3, "idea": 3, "ideas": 3, "business": 2, "businesses": 3,
	"every": 2, "everyone": 3, "everything": 3, "everybody": 4, "different": 3, "family": 3,
	"families": 3, "evening": 2, "interest": 3, "several": 3, "general": 3, "generally": 4,
	"create": 2, "created": 3, "creates": 2, "creating": 3, "creation": 3, "react": 2,
	"real": 1, "really": 2, "reuse": 2, "reopen": 3, "reapply": 3, "science": 2,
	"client": 2, "clients": 2, "quiet": 2, "diet": 2, "society": 4, "variety": 4,
	"anxiety": 4, "period": 3, "periods": 3, "radio": 3, "video": 3, "videos": 3,
	"studio": 3, "audio": 3, "scenario": 4, "theory": 3, "poem": 2, "poet": 2,
	"being": 2, "lion": 2, "violence": 3, "violent": 3, "science's": 2, "naive": 2,
	"fire": 1, "hour": 1, "hours": 1, "our": 1, "ours": 1, "flour": 1, "your": 1, "yours": 1,
	"people": 2, "whole": 1, "sometimes": 2, "something": 2, "someone": 2, "somewhere": 2,
	"anyone": 3, "maybe": 2, "whereas": 2, "likely": 2, "lives": 1, "gives": 1,
	"has": 1, "was": 1, "does": 1, "goes": 1, "done": 1, "gone": 1, "one": 1, "once": 1,
	"move": 1, "moved": 1, "moves": 1, "came": 1, "come": 1, "comes": 1, "before": 2,
	"therefore": 2, "wednesday": 2, "february": 4, "january": 4, "actually": 4,
	"usually": 4, "eventually": 5, "council": 2, "councils": 2, "councillor": 3,
	"councillors": 3, "recycling": 3, "recycled": 3, "recycle": 3, "vehicle": 3,
	"vehicles": 3, "tuesday": 2, "unique": 2, "police": 2, "machine": 2,
	"parking": 2, "naturally": 4, "average": 3, "temperature": 4, "beautiful": 3,
	"toward": 2, "towards": 2, "cooperate": 4, "coordinate": 4, "eligible": 4,
	"able": 2, "available": 4, "responsible": 4, "possible": 3, "sensible": 3,
	"simple": 2, "single": 2, "apply": 2, "applies": 2, "applied": 2,
}

// Syllables estimates the number of syllables in an English word: it
// counts vowel groups, drops a silent final e (but not the "-le" of
// "table"), a silent "-es" or "-ed", adds hiatus pairs such as the "ia" of
// "media" and the "ing" of "going", and consults a short list of common
// exceptions. The result is at least 1 for a word with a letter.
func Syllables(word string) int {
	w := strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, word))
	if w == "" {
		return 0
	}
	if n, ok := syllableExceptions[w]; ok {
		return n
	}
	if len(w) <= 3 {
		return 1
	}
	isVowel := func(i int) bool {
		switch w[i] {
		case 'a', 'e', 'i', 'o', 'u':
			return true
		case 'y':
			return i > 0 && !strings.ContainsRune("aeiou", rune(w[i-1]))
		}
		return false
	}
	// Vowel groups, remembering where each starts and ends.
	type group struct{ start, end int }
	var groups []group
	for i := 0; i < len(w); i++ {
		if !isVowel(i) {
			continue
		}
		j := i
		for j+1 < len(w) && isVowel(j+1) && !(w[j+1] == 'y' && j+2 < len(w) && isVowel(j+2)) {
			j++
		}
		groups = append(groups, group{i, j})
		i = j
	}
	n := len(groups)
	if n == 0 {
		return 1
	}
	last := groups[n-1]
	end := len(w) - 1
	consonant := func(i int) bool { return i >= 0 && i < len(w) && !isVowel(i) }
	if n > 1 && last.start == last.end && w[last.start] == 'e' {
		switch {
		case last.start == end:
			// Silent final e, except consonant + "le" ("table", "little").
			if !(end >= 2 && w[end-1] == 'l' && consonant(end-2)) {
				n--
			}
		case last.start == end-1 && w[end] == 's':
			// "-es" is silent after most consonants ("makes") but not
			// after a sibilant ("boxes", "places", "wishes").
			p := w[:end-1]
			if !(strings.HasSuffix(p, "s") || strings.HasSuffix(p, "x") || strings.HasSuffix(p, "z") ||
				strings.HasSuffix(p, "ch") || strings.HasSuffix(p, "sh") || strings.HasSuffix(p, "c") ||
				strings.HasSuffix(p, "g")) {
				if !(len(p) >= 2 && p[len(p)-1] == 'l' && consonant(len(p)-2)) { // "tables"
					n--
				}
			}
		case last.start == end-1 && w[end] == 'd':
			// "-ed" is silent except after t or d ("wanted", "needed").
			if c := w[end-2]; c != 't' && c != 'd' {
				n--
			}
		}
	}
	// Hiatus: vowel pairs inside one group that are two syllables.
	for _, g := range groups {
		for i := g.start; i < g.end; i++ {
			pair := w[i : i+2]
			prev := byte(0)
			if i > 0 {
				prev = w[i-1]
			}
			switch pair {
			case "ia":
				if prev != 'c' && prev != 't' && prev != 'g' && !(prev == 's' && i+2 < len(w) && w[i+2] == 'n') {
					n++
				}
			case "ua":
				if prev != 'q' && prev != 'g' {
					n++
				}
			case "io":
				if strings.HasPrefix(w[i:], "ious") && prev != 'c' && prev != 't' && prev != 'x' && prev != 'g' {
					n++
				}
			case "ie":
				if strings.HasSuffix(w, "ier") && i == len(w)-3 && consonant(i-1) ||
					strings.HasSuffix(w, "iest") && i == len(w)-4 && consonant(i-1) {
					n++
				}
			}
		}
	}
	if strings.HasSuffix(w, "ing") && len(w) > 4 && strings.ContainsRune("aeiouy", rune(w[len(w)-4])) {
		n++ // "going", "seeing", "saying"
	}
	if strings.HasSuffix(w, "ism") {
		n++
	}
	return max(n, 1)
}

// isAbbreviation reports words whose trailing full stop does not end a
// sentence (lower case, without the stop).
func isAbbreviation(w string) bool {
	switch w {
	case "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "st", "tel", "approx", "ref",
		"vs", "inc", "dept", "cllr", "rd", "ave", "jan", "feb", "apr", "jun", "jul",
		"aug", "sept", "oct", "nov", "dec", "nr", "cf", "fig", "pp", "para", "govt", "a.m", "p.m":
		return true
	}
	return false
}

// TargetGrade is the reading grade an answer for this resident should
// not read above (Flesch-Kincaid, as Grade counts it), known from what
// they have told us, never from the question: grade 6 for low literacy
// (a reading age of about 11, the Plain English Campaign's aim for the
// public), 8 for plain English and for BSL users, for whom English is
// often a second language, and 10 for everyone else (a reading age of
// about 15, the broadsheet level above which council text loses many
// residents). The extractive composer leaves padding out of an answer
// that reads above it (package extractive, fit.go).
func TargetGrade(ch Channel, needs Needs) float64 {
	switch {
	case needs.LowLiteracy:
		return 6
	case needs.PlainEnglish, needs.BSL:
		return 8
	}
	return 10
}
