package foi

import (
	"regexp"
	"sort"
	"strings"
)

// Kind is a kind of personal data that Detect finds.
type Kind string

// Kinds of personal data.
const (
	KindName     Kind = "name"
	KindEmail    Kind = "email"
	KindPhone    Kind = "phone"
	KindAddress  Kind = "address"
	KindPostcode Kind = "postcode"
	KindNINumber Kind = "ni_number"
	// KindCustom marks text removed by an officer's Rule.
	KindCustom Kind = "custom"
)

// Marker returns the visible text that replaces a finding of kind k.
func (k Kind) Marker() string {
	switch k {
	case KindName:
		return "[name removed]"
	case KindEmail:
		return "[email removed]"
	case KindPhone:
		return "[phone number removed]"
	case KindAddress:
		return "[address removed]"
	case KindPostcode:
		return "[postcode removed]"
	case KindNINumber:
		return "[NI number removed]"
	}
	return "[removed]"
}

// Finding is one piece of personal data in a text: Text is
// text[Start:End] (byte offsets).
type Finding struct {
	Kind       Kind
	Start, End int
	Text       string
}

// DetectOptions adjusts Detect.
type DetectOptions struct {
	// Kinds limits detection to these kinds; nil means all.
	Kinds []Kind
	// Names are personal names known to be in the text, such as the
	// requester's name from the intake form or names found elsewhere in
	// the same thread (FindNames). Each is found wherever it appears, with
	// its common variants: "David Kelly" also finds "DAVID KELLY", "Mr
	// Kelly", "D. Kelly" and "Kelly, David".
	Names []string
	// Keep lists organisational text that is not personal data and must
	// stay: the council's switchboard number, its postal address lines,
	// the names of senior officers who speak for it in public. A finding
	// equal to an entry (ignoring case and spacing; phones by digits) is
	// dropped.
	Keep []string
	// KeepEmailDomains keeps addresses on these domains or their
	// subdomains, e.g. "council.gov.uk" keeps foi@council.gov.uk.
	KeepEmailDomains []string
}

func (o DetectOptions) wants(k Kind) bool {
	if o.Kinds == nil {
		return true
	}
	for _, x := range o.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

var (
	// emailDomainRE is the part of an address after the @; findEmails
	// works outwards from each @, which is much faster than a regexp
	// tried at every position.
	emailDomainRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}`)
	// phoneRE finds candidates; phoneDigits decides.
	phoneRE = regexp.MustCompile(`(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)\d[\d \t\-()]{7,16}\d`)
	// postcodeRE is the full UK postcode pattern (letters allowed in each
	// position per Royal Mail), upper case.
	postcodeRE = regexp.MustCompile(`\b(?:GIR ?0AA|(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})\b`)
	// ninoRE is a National Insurance number; invalid prefixes are
	// filtered after matching.
	ninoRE = regexp.MustCompile(`\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b`)
	// addressRE is a house number and a street: "12 Mill Lane",
	// "Flat 3, 27a Bramall Road".
	addressRE = regexp.MustCompile(`\b(?:(?:Flat|Apartment|Apt|Unit)\.? ?\d{1,4}[A-Za-z]?,? )?[1-9]\d{0,2}[A-Za-z]?(?:-\d{1,3})?,? (?:[A-Z][a-z']+ ){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Close|Court|Crescent|Cres|Place|Terrace|Way|Grove|Gardens|Gdns|Square|Sq|Hill|Row|Walk|Mews|View|Park|Rise|Green|Parade|Boulevard|Croft|Fold|Gate|Wharf|Yard|Chase|Approach|Meadows?|Vale|Hollow|Crest|Brow|Dale|Wynd|Loan)\b`)
)

// badNINOPrefixes are never issued.
var badNINOPrefixes = map[string]bool{"BG": true, "GB": true, "KN": true, "NK": true, "NT": true, "TN": true, "ZZ": true}

// Detect finds personal data in text: names in salutations ("Dear Mr
// Smith,"), sign-offs ("Yours faithfully,\nDavid Kelly", "Kind
// regards,\nJane"), e-mail headers ("From: David Kelly <...>") and "my name
// is ..."; every other occurrence of those names and of opts.Names; email
// addresses; UK phone numbers (landline, mobile, +44); street addresses
// with a house number; full UK postcodes; National Insurance numbers.
//
// Names are recognised by their place in a letter, not from a list, so
// role titles ("Information Management Officer"), the council's name and
// generic greetings ("Dear Sir/Madam", "Dear FOI Team") are left alone.
// Findings are sorted by Start and do not overlap.
func Detect(text string, opts DetectOptions) []Finding {
	var fs []Finding
	add := func(k Kind, s, e int) { fs = append(fs, Finding{Kind: k, Start: s, End: e, Text: text[s:e]}) }
	keep := newKeeper(opts)

	if opts.wants(KindName) {
		spans := nameSpans(text)
		names := append([]string(nil), opts.Names...)
		for _, sp := range spans {
			names = append(names, text[sp[0]:sp[1]])
		}
		for _, sp := range spans {
			add(KindName, sp[0], sp[1])
		}
		var known []knownName
		for _, n := range dedupeNames(names) {
			if k, ok := newKnownName(n); ok && !keep.name(n) {
				known = append(known, k)
			}
		}
		for _, sp := range findKnownNames(text, known) {
			add(KindName, sp[0], sp[1])
		}
	}
	if opts.wants(KindEmail) && strings.IndexByte(text, '@') >= 0 {
		for _, m := range findEmails(text) {
			add(KindEmail, m[0], m[1])
		}
	}
	if opts.wants(KindPhone) {
		for _, m := range phoneRE.FindAllStringIndex(text, -1) {
			if m[0] > 0 && isWordByte(text[m[0]-1]) {
				continue
			}
			if end, ok := trimPhone(text, m[0], m[1]); ok {
				start := m[0]
				if text[start] == '(' && !strings.Contains(text[start:end], ")") {
					start++ // "(07480 ..." with no closing bracket
				}
				add(KindPhone, start, end)
			}
		}
	}
	if opts.wants(KindAddress) {
		for _, m := range addressRE.FindAllStringIndex(text, -1) {
			add(KindAddress, m[0], m[1])
		}
	}
	if opts.wants(KindPostcode) {
		for _, m := range postcodeRE.FindAllStringIndex(text, -1) {
			add(KindPostcode, m[0], m[1])
		}
	}
	if opts.wants(KindNINumber) {
		for _, m := range ninoRE.FindAllStringIndex(text, -1) {
			if !badNINOPrefixes[text[m[0]:m[0]+2]] {
				add(KindNINumber, m[0], m[1])
			}
		}
	}

	kept := fs[:0]
	for _, f := range fs {
		if !keep.finding(f) {
			kept = append(kept, f)
		}
	}
	return mergeFindings(kept)
}

// FindNames returns the personal names that text introduces by their
// place in a letter: salutations, sign-offs, e-mail headers and "my name
// is". Pass the names found in every message of a thread to Detect as
// DetectOptions.Names so that each message is cleaned of all of them.
func FindNames(text string) []string {
	var names []string
	for _, sp := range nameSpans(text) {
		names = append(names, text[sp[0]:sp[1]])
	}
	return dedupeNames(names)
}

// mergeFindings sorts findings and merges overlapping ones into the
// widest span, keeping the kind of the one that starts first (the longer
// on a tie).
func mergeFindings(fs []Finding) []Finding {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Start != fs[j].Start {
			return fs[i].Start < fs[j].Start
		}
		return fs[i].End > fs[j].End
	})
	var out []Finding
	for _, f := range fs {
		if n := len(out); n > 0 && f.Start < out[n-1].End {
			if f.End > out[n-1].End {
				last := &out[n-1]
				last.Text += f.Text[last.End-f.Start:]
				last.End = f.End
			}
			continue
		}
		out = append(out, f)
	}
	return out
}

// trimPhone drops trailing groups of digits from a phone candidate until
// what is left is a UK number; it returns the new end.
func trimPhone(text string, start, end int) (int, bool) {
	for end > start {
		if phoneValid(text[start:end]) {
			return end, true
		}
		i := strings.LastIndexAny(text[start:end], " \t-")
		if i <= 0 {
			return 0, false
		}
		end = start + i
		for end > start && strings.ContainsRune(" \t-(", rune(text[end-1])) {
			end--
		}
	}
	return 0, false
}

// phoneValid reports whether s has the digits of a UK number: after the
// trunk 0 or country code 44, 9 or 10 digits starting 1, 2, 3, 5, 7, 8
// or 9.
func phoneValid(s string) bool {
	var d []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	ds := string(d)
	switch {
	case strings.HasPrefix(strings.TrimSpace(s), "+") || strings.HasPrefix(ds, "0044"):
		ds = strings.TrimPrefix(strings.TrimPrefix(ds, "00"), "44")
		ds = strings.TrimPrefix(ds, "0")
	case strings.HasPrefix(ds, "0"):
		ds = ds[1:]
	default:
		return false
	}
	// Ofcom's numbering: 01 has 9 or 10 digits after the 0; 080 (free
	// phone) 9 or 10; 02, 03, 05, 07, 084, 087 and 09 have 10.
	switch {
	case ds == "" || len(ds) > 10:
		return false
	case ds[0] == '1' || strings.HasPrefix(ds, "80"):
		return len(ds) >= 9
	case strings.HasPrefix(ds, "84"), strings.HasPrefix(ds, "87"):
		return len(ds) == 10
	case strings.ContainsRune("23579", rune(ds[0])):
		return len(ds) == 10
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c == '/' || c == '.' || isAlnum(c)
}

// keeper decides which findings are organisational.
type keeper struct {
	text    map[string]bool
	digits  map[string]bool
	domains []string
}

func newKeeper(o DetectOptions) keeper {
	k := keeper{text: map[string]bool{}, digits: map[string]bool{}}
	for _, s := range o.Keep {
		k.text[lowerWords(s)] = true
		k.text[lowerWords(stripHonorific(s))] = true
		if d := digitsOf(s); len(d) >= 9 {
			k.digits[d] = true
		}
	}
	for _, d := range o.KeepEmailDomains {
		k.domains = append(k.domains, strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@")))
	}
	return k
}

func (k keeper) name(n string) bool {
	return k.text[lowerWords(n)] || k.text[lowerWords(stripHonorific(n))]
}

func (k keeper) finding(f Finding) bool {
	switch f.Kind {
	case KindEmail:
		at := strings.LastIndexByte(f.Text, '@')
		dom := strings.ToLower(f.Text[at+1:])
		for _, d := range k.domains {
			if dom == d || strings.HasSuffix(dom, "."+d) {
				return true
			}
		}
	case KindPhone:
		if k.digits[digitsOf(f.Text)] {
			return true
		}
		if d := digitsOf(f.Text); strings.HasPrefix(d, "44") && k.digits["0"+strings.TrimPrefix(d[2:], "0")] {
			return true
		}
	case KindName:
		return k.name(f.Text)
	}
	return k.text[lowerWords(f.Text)]
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// dedupeNames drops repeats (ignoring case and spacing) and blanks.
func dedupeNames(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		k := lowerWords(n)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, strings.Join(strings.Fields(n), " "))
	}
	return out
}

// findEmails returns the spans of email addresses: a local part of up to
// 64 letters, digits and ._%+'- starting with a letter or digit, an @, and
// a dotted domain.
func findEmails(text string) [][2]int {
	var out [][2]int
	for i := 0; i < len(text); {
		at := strings.IndexByte(text[i:], '@')
		if at < 0 {
			break
		}
		at += i
		s := at
		for s > 0 && at-s < 64 && (isAlnum(text[s-1]) || strings.IndexByte("._%+'-", text[s-1]) >= 0) {
			s--
		}
		for s < at && !isAlnum(text[s]) {
			s++
		}
		m := emailDomainRE.FindStringIndex(text[at+1:])
		if s == at || m == nil {
			i = at + 1
			continue
		}
		end := at + 1 + m[1]
		out = append(out, [2]int{s, end})
		i = end
	}
	return out
}
