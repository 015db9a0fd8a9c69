package assistant

import (
	"regexp"
	"strings"
)

// The official UK postcode format (BS 7666, as published by Royal Mail and
// GOV.UK's data standards): an outward code of the shape A9, A99, AA9,
// AA99, A9A or AA9A, a space, and an inward code 9AA. Letters are limited
// by position:
//   - first: not Q, V or X;
//   - second (AA9…): not I, J or Z;
//   - third (A9A): only A B C D E F G H J K P S T U W;
//   - fourth (AA9A): only A B E H M N P R V W X Y;
//   - inward letters: not C I K M O or V.
//
// GIR 0AA (the old Girobank postcode) is the one exception. BFPO numbers
// are not postcodes and are not accepted.
var postcodeFormat = regexp.MustCompile(`^(?:GIR 0AA|(?:` +
	`[A-PR-UWYZ][0-9][0-9]?|` +
	`[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|` +
	`[A-PR-UWYZ][0-9][A-HJKPSTUW]|` +
	`[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]` +
	`) [0-9][ABD-HJLNP-UW-Z]{2})$`)

// postcodeShape finds anything in free text shaped roughly like a
// postcode, valid or not: an outward code, optional space, and something
// starting with a digit. Validity is checked separately, so a mistyped
// postcode can be told apart from no postcode at all.
var postcodeShape = regexp.MustCompile(`(?i)\b(?:GIR\s*0AA|[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z0-9]{1,3})\b`)

// NormalisePostcode returns s in the official format (upper case, one
// space before the three-character inward code) and whether it is a
// validly formed UK postcode. Whether the postcode is in use is not
// checked: that needs the address gazetteer.
func NormalisePostcode(s string) (string, bool) {
	compact := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(compact) < 5 || len(compact) > 7 {
		return "", false
	}
	pc := compact[:len(compact)-3] + " " + compact[len(compact)-3:]
	if !postcodeFormat.MatchString(pc) {
		return "", false
	}
	return pc, true
}

// ValidPostcode reports whether s is a validly formed UK postcode, in any
// case and with or without the space.
func ValidPostcode(s string) bool {
	_, ok := NormalisePostcode(s)
	return ok
}

// FindPostcodes returns the valid postcodes in free text, normalised, in
// the order they appear, without duplicates.
func FindPostcodes(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range postcodeShape.FindAllString(text, -1) {
		pc, ok := NormalisePostcode(m)
		if ok && !seen[pc] {
			seen[pc] = true
			out = append(out, pc)
		}
	}
	return out
}

// FindPostcode returns the first valid postcode in free text, normalised.
func FindPostcode(text string) (string, bool) {
	for _, m := range postcodeShape.FindAllString(text, -1) {
		if pc, ok := NormalisePostcode(m); ok {
			return pc, true
		}
	}
	return "", false
}

// findBadPostcode returns the first thing in text that is shaped like a
// postcode but is not a valid one ("TV1 2CC", "SW1A 1AAA"), so the
// resident can be asked to check it rather than being asked the same
// question again as though they had said nothing.
func findBadPostcode(text string) (string, bool) {
	for _, m := range postcodeShape.FindAllString(text, -1) {
		if _, ok := NormalisePostcode(m); !ok {
			return strings.ToUpper(m), true
		}
	}
	return "", false
}
