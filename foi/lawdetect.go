package foi

import (
	"regexp"
	"strings"
)

// environmentTerms are words that mark a request for environmental
// information (EIR reg 2(1), EISR reg 2(1): the state of the air, water,
// soil and land, noise, waste, emissions, energy, and the plans and
// measures that affect them). They match whole words, with the endings
// written in the pattern, so "tree" does not match "street" nor "river"
// "driver".
var environmentTerms = regexp.MustCompile(`(?i)\b(?:air quality|pollut\w*|emissions?|nitrogen dioxide|particulates?|noise|waste|recycl\w*|landfills?|fly[- ]?tipp\w*|contaminat\w*|flood\w*|drainage|sewage|rivers?|water quality|soil|pesticides?|herbicides?|glyphosate|trees?|hedges?|hedgerows?|biodiversity|wildlife|habitats?|green spaces?|climate|carbon|energy|planning applications?|land use|radiation|asbestos|environmental)\b`)

// DetectLaw chooses the regime a request described in its own words is
// handled under: the environmental one (EIR, or the EISR in Scotland)
// when the description names environmental information, else the
// information one (FOIA, or FOISA in Scotland). term is the word that
// decided for the environmental regime, as written, or "".
//
// It is a first reading for the requester's acknowledgement; an officer
// can move the request to the other regime (RequestUpdate.Law).
func DetectLaw(description string, nation Nation) (law Law, term string) {
	info, env := LawFOIA, LawEIR
	if nation == NationScotland {
		info, env = LawFOISA, LawEISR
	}
	if m := environmentTerms.FindString(description); m != "" {
		return env, strings.ToLower(m)
	}
	return info, ""
}
