package foi

import (
	"regexp"
	"sort"
	"strings"
)

// ExemptionType is how an exemption works.
type ExemptionType string

// Exemption types.
const (
	// Absolute exemptions need no public-interest test.
	Absolute ExemptionType = "absolute"
	// Qualified exemptions apply only if the public interest in
	// withholding outweighs the interest in disclosure.
	Qualified ExemptionType = "qualified"
	// Procedural grounds refuse the whole request (cost, vexatious) rather
	// than withhold some information.
	Procedural ExemptionType = "procedural"
	// Exception is an EIR/EISR exception: all are subject to the public
	// interest test and a presumption in favour of disclosure, save
	// personal data.
	Exception ExemptionType = "exception"
)

// Exemption is a ground for withholding information: a section of FOIA or
// FOISA, or a regulation of the EIR or EISR.
type Exemption struct {
	Law Law
	// Section is the table key: the FOIA/FOISA section number ("40") or
	// the EIR/EISR regulation paragraph ("12(4)(b)", "13").
	Section string
	Title   string // plain English, e.g. "Personal information"
	Type    ExemptionType
	// Cited is the provision exactly as a response cited it, normalised
	// ("40(2)", "12(5)(e)"); empty for table entries.
	Cited string
}

// Citation returns the exemption as a response would cite it: "s.40(2)
// FOIA", "reg.12(4)(b) EIR".
func (e Exemption) Citation() string {
	p := e.Cited
	if p == "" {
		p = e.Section
	}
	if e.Law.Environmental() {
		return "reg." + p + " " + e.Law.Abbrev()
	}
	return "s." + p + " " + e.Law.Abbrev()
}

// Key identifies the exemption independent of how it was cited: "foia:40".
func (e Exemption) Key() string { return string(e.Law) + ":" + e.Section }

// The exemption tables. FOIA and FOISA titles follow WhatDoTheyKnow's
// refusal advice and glossary; EIR exceptions follow reg 12 of SI
// 2004/3391. EISR reg 10 and 11 mirror EIR reg 12 and 13 (from memory of
// SSI 2004/520; check before relying on the numbering).
var exemptionTable = []Exemption{
	{LawFOIA, "11", "Means by which communication to be made", Procedural, ""},
	{LawFOIA, "12", "Cost of compliance exceeds the appropriate limit", Procedural, ""},
	{LawFOIA, "14", "Vexatious or repeated request", Procedural, ""},
	{LawFOIA, "21", "Information reasonably accessible by other means", Absolute, ""},
	{LawFOIA, "22", "Information intended for future publication", Qualified, ""},
	{LawFOIA, "22A", "Research intended for future publication", Qualified, ""},
	{LawFOIA, "23", "Information supplied by or relating to security bodies", Absolute, ""},
	{LawFOIA, "24", "National security", Qualified, ""},
	{LawFOIA, "26", "Defence", Qualified, ""},
	{LawFOIA, "27", "International relations", Qualified, ""},
	{LawFOIA, "28", "Relations within the United Kingdom", Qualified, ""},
	{LawFOIA, "29", "The economy", Qualified, ""},
	{LawFOIA, "30", "Investigations and proceedings by public authorities", Qualified, ""},
	{LawFOIA, "31", "Law enforcement", Qualified, ""},
	{LawFOIA, "32", "Court records", Absolute, ""},
	{LawFOIA, "33", "Audit functions", Qualified, ""},
	{LawFOIA, "34", "Parliamentary privilege", Absolute, ""},
	{LawFOIA, "35", "Formulation of government policy", Qualified, ""},
	{LawFOIA, "36", "Prejudice to effective conduct of public affairs", Qualified, ""},
	{LawFOIA, "37", "Communications with the Royal Family and honours", Qualified, ""},
	{LawFOIA, "38", "Health and safety", Qualified, ""},
	{LawFOIA, "39", "Environmental information (handled under the EIR)", Qualified, ""},
	{LawFOIA, "40", "Personal information", Absolute, ""},
	{LawFOIA, "41", "Information provided in confidence", Absolute, ""},
	{LawFOIA, "42", "Legal professional privilege", Qualified, ""},
	{LawFOIA, "43", "Commercial interests", Qualified, ""},
	{LawFOIA, "44", "Prohibitions on disclosure", Absolute, ""},

	{LawFOISA, "12", "Excessive cost of compliance", Procedural, ""},
	{LawFOISA, "14", "Vexatious or repeated request", Procedural, ""},
	{LawFOISA, "25", "Information otherwise accessible", Absolute, ""},
	{LawFOISA, "26", "Prohibitions on disclosure", Absolute, ""},
	{LawFOISA, "27", "Information intended for future publication", Qualified, ""},
	{LawFOISA, "28", "Relations within the United Kingdom", Qualified, ""},
	{LawFOISA, "29", "Formulation of Scottish Administration policy", Qualified, ""},
	{LawFOISA, "30", "Prejudice to effective conduct of public affairs", Qualified, ""},
	{LawFOISA, "31", "National security and defence", Qualified, ""},
	{LawFOISA, "32", "International relations", Qualified, ""},
	{LawFOISA, "33", "Commercial interests and the economy", Qualified, ""},
	{LawFOISA, "34", "Investigations by Scottish public authorities", Qualified, ""},
	{LawFOISA, "35", "Law enforcement", Qualified, ""},
	{LawFOISA, "36", "Confidentiality (including legal privilege)", Absolute, ""},
	{LawFOISA, "37", "Court records", Absolute, ""},
	{LawFOISA, "38", "Personal information", Absolute, ""},
	{LawFOISA, "39", "Health, safety and the environment", Qualified, ""},
	{LawFOISA, "40", "Audit functions", Qualified, ""},
	{LawFOISA, "41", "Communications with the Royal Family and honours", Qualified, ""},

	{LawEIR, "12(4)(a)", "Information not held", Exception, ""},
	{LawEIR, "12(4)(b)", "Manifestly unreasonable request", Exception, ""},
	{LawEIR, "12(4)(c)", "Request too general", Exception, ""},
	{LawEIR, "12(4)(d)", "Material still being completed or unfinished", Exception, ""},
	{LawEIR, "12(4)(e)", "Internal communications", Exception, ""},
	{LawEIR, "12(5)(a)", "International relations, defence, national security or public safety", Exception, ""},
	{LawEIR, "12(5)(b)", "Course of justice and inquiries", Exception, ""},
	{LawEIR, "12(5)(c)", "Intellectual property rights", Exception, ""},
	{LawEIR, "12(5)(d)", "Confidentiality of proceedings", Exception, ""},
	{LawEIR, "12(5)(e)", "Commercial confidentiality", Exception, ""},
	{LawEIR, "12(5)(f)", "Interests of the person who provided the information", Exception, ""},
	{LawEIR, "12(5)(g)", "Protection of the environment", Exception, ""},
	{LawEIR, "13", "Personal data", Absolute, ""},

	{LawEISR, "10(4)(a)", "Information not held", Exception, ""},
	{LawEISR, "10(4)(b)", "Manifestly unreasonable request", Exception, ""},
	{LawEISR, "10(4)(c)", "Request too general", Exception, ""},
	{LawEISR, "10(4)(d)", "Material still being completed or unfinished", Exception, ""},
	{LawEISR, "10(4)(e)", "Internal communications", Exception, ""},
	{LawEISR, "10(5)(a)", "International relations, defence, national security or public safety", Exception, ""},
	{LawEISR, "10(5)(b)", "Course of justice and inquiries", Exception, ""},
	{LawEISR, "10(5)(c)", "Intellectual property rights", Exception, ""},
	{LawEISR, "10(5)(d)", "Confidentiality of proceedings", Exception, ""},
	{LawEISR, "10(5)(e)", "Commercial confidentiality", Exception, ""},
	{LawEISR, "10(5)(f)", "Interests of the person who provided the information", Exception, ""},
	{LawEISR, "10(5)(g)", "Protection of the environment", Exception, ""},
	{LawEISR, "11", "Personal data", Absolute, ""},
}

// equivalents pairs FOIA sections with their FOISA counterparts, and EIR
// regulations with EISR ones.
var equivalents = [][2]string{
	{"foia:12", "foisa:12"}, {"foia:14", "foisa:14"}, {"foia:21", "foisa:25"},
	{"foia:22", "foisa:27"}, {"foia:24", "foisa:31"}, {"foia:26", "foisa:31"},
	{"foia:27", "foisa:32"}, {"foia:28", "foisa:28"}, {"foia:30", "foisa:34"},
	{"foia:31", "foisa:35"}, {"foia:32", "foisa:37"}, {"foia:33", "foisa:40"},
	{"foia:35", "foisa:29"}, {"foia:36", "foisa:30"}, {"foia:37", "foisa:41"},
	{"foia:38", "foisa:39"}, {"foia:40", "foisa:38"}, {"foia:41", "foisa:36"},
	{"foia:42", "foisa:36"}, {"foia:43", "foisa:33"}, {"foia:44", "foisa:26"},
	{"eir:13", "eisr:11"},
}

func init() {
	for _, suffix := range []string{"(4)(a)", "(4)(b)", "(4)(c)", "(4)(d)", "(4)(e)",
		"(5)(a)", "(5)(b)", "(5)(c)", "(5)(d)", "(5)(e)", "(5)(f)", "(5)(g)"} {
		equivalents = append(equivalents, [2]string{"eir:12" + suffix, "eisr:10" + suffix})
	}
}

// Exemptions returns the table for law, in section order.
func Exemptions(law Law) []Exemption {
	var out []Exemption
	for _, e := range exemptionTable {
		if e.Law == law {
			out = append(out, e)
		}
	}
	return out
}

// LookupExemption returns the table entry for law and section ("40",
// "40(2)" and "s.40" all find section 40; "12(4)(b)" an EIR exception).
func LookupExemption(law Law, section string) (Exemption, bool) {
	p := normProvision(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(section), "s."), "reg."))
	for _, key := range provisionKeys(law, p) {
		for _, e := range exemptionTable {
			if e.Law == law && strings.EqualFold(e.Section, key) {
				return e, true
			}
		}
	}
	return Exemption{}, false
}

// Equivalent returns the counterpart of e under law to: FOIA s.40 is
// FOISA s.38, EIR reg 12(5)(e) is EISR reg 10(5)(e). Some FOISA sections
// have two FOIA counterparts (s.36 covers FOIA s.41 and s.42); going the
// other way the first is returned.
func Equivalent(e Exemption, to Law) (Exemption, bool) {
	if e.Law == to {
		return e, true
	}
	k := e.Key()
	for _, p := range equivalents {
		var other string
		switch k {
		case p[0]:
			other = p[1]
		case p[1]:
			other = p[0]
		default:
			continue
		}
		law, sec, _ := strings.Cut(other, ":")
		if Law(law) == to {
			return LookupExemption(to, sec)
		}
	}
	return Exemption{}, false
}

// Patterns for citations. A section list ("sections 40(2) and 43(2)") is
// matched whole and split afterwards.
var (
	provisionRE = `\d{1,3}[A-Za-z]?(?:\s?\(\s?[0-9a-z]{1,4}\s?\))*`
	// A bare "s40" must be lower case: "S40 1LP" is a postcode.
	sectionRE = regexp.MustCompile(`\b(?:(?i:sections?|ss?\.)\s*|s)(` + provisionRE +
		`(?:\s*(?i:,|and|&|or)\s*(?i:s\.\s?)?` + provisionRE + `)*)`)
	regulationRE = regexp.MustCompile(`(?i)\b(?:regulations?|regs?\.?|EIRs?|EISR)\s*(` + provisionRE +
		`(?:\s*(?:,|and|&|or)\s*(?:reg\.?\s?)?` + provisionRE + `)*)`)
	oneProvisionRE = regexp.MustCompile(provisionRE)
	// otherActRE spots a citation of some other Act right after a section
	// number: "section 38 of the Highways Act 1980".
	otherActRE = regexp.MustCompile(`^[^.;\n]{0,40}?\b(?i:of\s+)((?:(?:[A-Z][A-Za-z()'’]*|and|of|for|the|on)\s+){1,8}Act\b|[A-Z]{2,6}A\b)`)
	// notExemptionRE spots council business that shares a number with an
	// exemption: section 21 notices, section 38 agreements, section 106.
	notExemptionRE = regexp.MustCompile(`(?i)^[\s)]*(?:notices?|evictions?|agreements?|orders?|licen[cs]es?|applications?|roads?|works|payments?|funding|monies|money|contributions?|cases?|certificates?|appeals?|claims?|offences?)\b`)
)

// DetectExemptions finds the exemptions a response cites: "section 40(2)",
// "s.43", "Sections 31(1)(a) and 40(2)", "Section 12 of the Freedom of
// Information Act", "Regulation 12(4)(b)", "regulation 13", "reg. 12(5)(e)
// of the EIR". Section numbers are read under FOIA, or FOISA when law is
// Scottish; regulation numbers under the EIR, or the EISR when law is
// Scottish (EIR reg 12(3), the pre-2018 route to personal data, counts as
// reg 13). Sections that belong to another Act ("section 38 of the
// Highways Act", "section 21 notices", "section 106 agreement") and
// sections that are not exemptions (s.1, s.10, s.17) are ignored. Each
// exemption is returned once, in order of first citation, with Cited set.
func DetectExemptions(text string, law Law) []Exemption {
	actLaw, regLaw := LawFOIA, LawEIR
	if law.Scottish() {
		actLaw, regLaw = LawFOISA, LawEISR
	}
	type hit struct {
		pos int
		e   Exemption
	}
	var hits []hit
	scan := func(re *regexp.Regexp, l Law) {
		for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
			rest := text[m[1]:]
			if rest != "" && isAlnum(rest[0]) {
				continue // "Regulations 2004", "section 1000": not a provision
			}
			if act := otherActRE.FindStringSubmatch(rest); act != nil && !isFOIAct(act[1], l) {
				continue
			}
			if l == actLaw && notExemptionRE.MatchString(rest) {
				continue
			}
			list := text[m[2]:m[3]]
			for _, pm := range oneProvisionRE.FindAllStringIndex(list, -1) {
				p := normProvision(list[pm[0]:pm[1]])
				if e, ok := LookupExemption(l, p); ok {
					e.Cited = p
					hits = append(hits, hit{m[2] + pm[0], e})
				}
			}
		}
	}
	scan(sectionRE, actLaw)
	scan(regulationRE, regLaw)
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].pos < hits[j].pos })
	seen := map[string]bool{}
	var out []Exemption
	for _, h := range hits {
		if seen[h.e.Key()] {
			continue
		}
		seen[h.e.Key()] = true
		out = append(out, h.e)
	}
	return out
}

// isFOIAct reports whether an Act named after a citation is the access
// law itself, so the citation still counts.
func isFOIAct(name string, l Law) bool {
	n := strings.ToLower(strings.Join(strings.Fields(name), " "))
	switch strings.TrimPrefix(n, "the ") {
	case "act", "this act", "said act":
		return true // the Act the response is made under
	}
	if l.Environmental() {
		return strings.Contains(n, "environmental information")
	}
	return strings.Contains(n, "freedom of information") || n == "foia" || n == "foisa" || n == "foi act"
}

// normProvision lower-cases the sub-paragraph letters and removes spaces:
// "40 (2)" -> "40(2)", "12(4)(B)" -> "12(4)(b)", "22a" -> "22A".
func normProvision(p string) string {
	p = strings.Join(strings.Fields(p), "")
	i := 0
	for i < len(p) && p[i] >= '0' && p[i] <= '9' {
		i++
	}
	num, rest := p[:i], p[i:]
	if rest != "" && rest[0] != '(' {
		num += strings.ToUpper(rest[:1])
		rest = rest[1:]
	}
	return num + strings.ToLower(rest)
}

// provisionKeys lists the table keys to try for a cited provision, most
// specific first: for EIR "12(4)(b)(i)" -> "12(4)(b)"; for FOIA
// "40(2)(a)" -> "40".
func provisionKeys(law Law, p string) []string {
	var keys []string
	for cur := p; cur != ""; {
		keys = append(keys, cur)
		i := strings.LastIndexByte(cur, '(')
		if i < 0 {
			break
		}
		cur = cur[:i]
	}
	if law == LawEIR && p == "12(3)" {
		keys = append([]string{"13"}, keys...)
	}
	return keys
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
