package assistant

import "strings"

// functionWords carry no topic: articles, pronouns, question words, and the
// verbs and nouns any question about any service uses ("how much does it
// cost", "when is it open", "can I do it online"). A message made only of
// these has no topic of its own, so it must take one from earlier turns.
var functionWords = wordSet(`a an the and or but so if then than too also as at by for from in into of off on onto out over to up with about
i me my mine we us our you your yours he him his she her hers they them their theirs it its this that these those there here one ones
is are was were be been being am do does did done doing have has had having can could would should will shall may might must not no yes
what whats which who whom whose when where why how whether
please thanks thank ok okay right cool great hi hello hey hiya just still again more less much many lot lots some any all every each other else
cost costs costing price prices priced fee fees charge charges charged pay paid paying cheap expensive free money pound pounds
long time times take takes taking quick quickly soon late early open opening opens close closed closing shut hours hour day days week weeks month months year years
today tomorrow yesterday tonight weekend weekends weekday weekdays monday tuesday wednesday thursday friday saturday sunday morning afternoon evening night
get got getting give need needs needed want wants wanted know tell find see say said go going make made put use used book booking apply applying application
online phone call email website web form letter post person same different instead either both only first next last another
thing things stuff way ways much mean means happen happens happened work works working
like kind sort whole part cover covers covered include includes included available allowed possible
anything something nothing everything anyone someone anybody somebody since own now really actually currently already yet ever never
thing lose keep still think thought guess reckon suppose wonder wondering come came coming bring hes shes theyre youre ive im id thats whats theres wheres hows lets`)

// needsReferent are service nouns that, after "the", "that" or "this",
// point back to something said before: "do I lose the discount?" is about
// the discount of the previous question.
var needsReferent = rx(`\b(the|that|this|these|those) (discount|discounts|permit|permits|form|forms|fee|fees|charge|charges|application|deadline|licence|license|payment|bill|badge|pass|certificate|appointment|scheme|service|collection|grant|allowance|exemption|reduction|refund|claim|account|reference|letter|fine|penalty|assessment|plot|waiting list|list|tariff|rate|rates|price|cost)\b( (for|of|to|on|at|in|with|from) \w+)?`)

// anaphors point back at something said before.
var anaphors = wordSet(`it its that this these those they them one ones same such`)

// connectives open a message that continues the last one.
var connectives = []string{"and ", "what about ", "how about ", "also ", "and what about ", "but ", "so ", "then ", "ok and ", "okay and ", "what if ", "and if ", "and for ", "and how ", "and what ", "and when ", "and where ", "and can "}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// topicWords returns the words of text that say what it is about, in
// order, without repeats.
func topicWords(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.Fields(normText(text)) {
		if functionWords[w] || seen[w] || len(w) < 2 && !isNumberWord(w) {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

func isNumberWord(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// IsFollowUp reports whether text continues an earlier question rather than
// asking a new one: it has no topic words of its own ("how much is it?"),
// or it points back or carries on ("and at weekends?", "what about
// Kestlebury?") with at most one topic word.
func IsFollowUp(text string) bool {
	n := normText(text)
	if n == "" {
		return false
	}
	topics := topicWords(n)
	if len(topics) == 0 {
		return true
	}
	fields := strings.Fields(n)
	if m := needsReferent.FindStringSubmatch(n); m != nil && m[3] == "" && len(topics) <= 8 && len(fields) <= 25 {
		// "the discount" with nothing saying which discount.
		return true
	}
	if len(fields) > 25 {
		return false
	}
	if strings.HasPrefix(n+" ", "what about ") || strings.HasPrefix(n+" ", "how about ") {
		return len(topics) <= 3
	}
	// A pronoun that stands for something ("how long it can go on", "I
	// left it on the tram") makes a question about that thing, whatever
	// else it says; the "it" of "is it too late" stands for nothing.
	for i, w := range fields {
		if !anaphors[w] || w == "it" && (i > 0 && fields[i-1] == "is" || i+1 < len(fields) && (fields[i+1] == "is" || fields[i+1] == "was")) {
			continue
		}
		if len(topics) <= 3 {
			return true
		}
		break
	}
	for _, c := range connectives {
		if strings.HasPrefix(n+" ", c) {
			return len(topics) <= 1 && len(fields) <= 10
		}
	}
	return false
}

// Rewrite turns a follow-up into a standalone query by putting the topic
// words of the latest earlier resident turn that had any in front of it:
// after "visitor parking permits", "and how much is it?" becomes "visitor
// parking permits and how much is it?". A message that is not a follow-up,
// or has no earlier topic to take, is returned unchanged, so a new
// question is never polluted by an old one. earlier holds the resident's
// previous turns, oldest first, without text.
func Rewrite(earlier []string, text string) string {
	if len(earlier) == 0 || !IsFollowUp(text) {
		return text
	}
	own := map[string]bool{}
	for _, w := range topicWords(text) {
		own[w] = true
	}
	// Look back a few turns for the topic; a chain of follow-ups ("how
	// much?", "and at weekends?") keeps the topic of the turn that set it.
	for i, looked := len(earlier)-1, 0; i >= 0 && looked < 3; i, looked = i-1, looked+1 {
		topic := topicWords(earlier[i])
		if len(topic) == 0 {
			continue
		}
		keep := topic[:0:0]
		for _, w := range topic {
			if !own[w] {
				keep = append(keep, w)
			}
		}
		if len(keep) == 0 {
			return text
		}
		return strings.Join(keep, " ") + " " + strings.TrimSpace(text)
	}
	return text
}
