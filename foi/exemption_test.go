package foi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDetectExemptions(t *testing.T) {
	tests := []struct {
		name string
		text string
		law  Law
		want []string // Citation()
	}{
		{"section with subsection", "The names of staff are withheld under section 40(2) of the Freedom of Information Act 2000.", LawFOIA,
			[]string{"s.40(2) FOIA"}},
		{"cost limit in full", "We estimate that complying would exceed the appropriate limit. Section 12 of the Freedom of Information Act allows us to refuse.", LawFOIA,
			[]string{"s.12 FOIA"}},
		{"abbreviated", "Contract prices are exempt (s.43) and we have applied s.40 to personal data.", LawFOIA,
			[]string{"s.43 FOIA", "s.40 FOIA"}},
		{"list of sections", "We are withholding some information under Sections 31(1)(a) and 40(2) of the Act.", LawFOIA,
			[]string{"s.31(1)(a) FOIA", "s.40(2) FOIA"}},
		{"s. with space and list", "exempt under s. 21, 22 and 43(2)", LawFOIA,
			[]string{"s.21 FOIA", "s.22 FOIA", "s.43(2) FOIA"}},
		{"repeated citation once", "section 40(2) ... section 40(2) ... section 40(5)", LawFOIA,
			[]string{"s.40(2) FOIA"}},
		{"EIR manifestly unreasonable", "We consider the request manifestly unreasonable under Regulation 12(4)(b) of the EIR.", LawEIR,
			[]string{"reg.12(4)(b) EIR"}},
		{"EIR personal data", "Names of residents are withheld under regulation 13 of the Environmental Information Regulations 2004.", LawEIR,
			[]string{"reg.13 EIR"}},
		{"EIR list", "The council relies on regulations 12(5)(e) and 13(1).", LawEIR,
			[]string{"reg.12(5)(e) EIR", "reg.13(1) EIR"}},
		{"old EIR 12(3) is personal data", "withheld under regulation 12(3)", LawEIR, []string{"reg.12(3) EIR"}},
		{"mixed FOI and EIR", "Some of this is environmental: reg. 12(4)(a) applies; the rest is refused under section 43(2).", LawFOIA,
			[]string{"reg.12(4)(a) EIR", "s.43(2) FOIA"}},
		{"FOISA personal information", "This information is exempt under section 38(1)(b) of FOISA.", LawFOISA,
			[]string{"s.38(1)(b) FOISA"}},
		{"EISR", "regulation 10(4)(a) of the EISRs applies", LawEISR, []string{"reg.10(4)(a) EISR"}},
		{"spaced subsection", "Section 40 (2) applies", LawFOIA, []string{"s.40(2) FOIA"}},
		{"bare s40", "applied s40 and s43", LawFOIA, []string{"s.40 FOIA", "s.43 FOIA"}},

		{"not exemptions: s.1, s.10, s.17", "Section 1(1) gives you the right... section 10 sets the time... this is a section 17 notice", LawFOIA, nil},
		{"other Act", "The road was adopted under a Section 38 agreement, see section 38 of the Highways Act 1980.", LawFOIA, nil},
		{"Housing Act notice", "the number of section 21 notices served and Section 21 evictions", LawFOIA, nil},
		{"planning obligations", "contributions under section 106 agreements", LawFOIA, nil},
		{"postcode is not a section", "Howden House, 1 Union Street, Sheffield S1 2SH. Chesterfield S40 1LP, S43 2PB", LawFOIA, nil},
		{"year is not a regulation", "the Environmental Information Regulations 2004 apply", LawEIR, nil},
		{"Data Protection Act section", "see section 40 of the Data Protection Act 2018", LawFOIA, nil},
		{"Town and Country Planning Act", "section 106 and section 38 of the Town and Country Planning Act 1990", LawFOIA, nil},
		{"the Act is the FOI Act", "Sections 40 and 43 of the Act apply; see also section 36 of this Act.", LawFOIA,
			[]string{"s.40 FOIA", "s.43 FOIA", "s.36 FOIA"}},
		{"lower-case words after of", "We applied section 40(2) in respect of the names of junior staff.", LawFOIA, []string{"s.40(2) FOIA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range DetectExemptions(tt.text, tt.law) {
				got = append(got, e.Citation())
				if e.Title == "" {
					t.Errorf("%s has no title", e.Citation())
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DetectExemptions mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEquivalent(t *testing.T) {
	tests := []struct {
		from    Law
		section string
		to      Law
		want    string
	}{
		{LawFOIA, "40", LawFOISA, "38"},
		{LawFOIA, "43", LawFOISA, "33"},
		{LawFOIA, "21", LawFOISA, "25"},
		{LawFOIA, "22", LawFOISA, "27"},
		{LawFOIA, "31", LawFOISA, "35"},
		{LawFOIA, "41", LawFOISA, "36"},
		{LawFOIA, "42", LawFOISA, "36"},
		{LawFOIA, "12", LawFOISA, "12"},
		{LawFOISA, "38", LawFOIA, "40"},
		{LawEIR, "12(5)(e)", LawEISR, "10(5)(e)"},
		{LawEIR, "13", LawEISR, "11"},
	}
	for _, tt := range tests {
		e, ok := LookupExemption(tt.from, tt.section)
		if !ok {
			t.Fatalf("LookupExemption(%s, %s) not found", tt.from, tt.section)
		}
		got, ok := Equivalent(e, tt.to)
		if !ok || got.Section != tt.want {
			t.Errorf("Equivalent(%s %s, %s) = %q, %v; want %q", tt.from, tt.section, tt.to, got.Section, ok, tt.want)
		}
	}
	if _, ok := Equivalent(Exemption{Law: LawFOIA, Section: "23"}, LawFOISA); ok {
		t.Error("FOIA s.23 (security bodies) has no FOISA counterpart, got one")
	}
}

func TestExemptionTable(t *testing.T) {
	for _, l := range Laws {
		es := Exemptions(l)
		if len(es) < 12 {
			t.Errorf("%s: %d exemptions, want at least 12", l, len(es))
		}
		for _, e := range es {
			if e.Title == "" || e.Type == "" {
				t.Errorf("%s: incomplete entry", e.Key())
			}
			if got, ok := LookupExemption(l, e.Section); !ok || got.Key() != e.Key() {
				t.Errorf("LookupExemption(%s, %s) = %v, %v", l, e.Section, got, ok)
			}
		}
	}
	if e, ok := LookupExemption(LawEIR, "12(3)"); !ok || e.Section != "13" {
		t.Errorf("LookupExemption(EIR 12(3)) = %+v, %v; want reg 13", e, ok)
	}
	if e, ok := LookupExemption(LawFOIA, "s.40(2)(a)"); !ok || e.Section != "40" || e.Title != "Personal information" {
		t.Errorf("LookupExemption(s.40(2)(a)) = %+v, %v", e, ok)
	}
}
