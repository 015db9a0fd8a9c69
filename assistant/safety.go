package assistant

import (
	"github.com/townhall-civic/townhall/retrieval"
	"regexp"
	"strings"
	"unicode"
)

// Emergency is the kind of danger a message describes.
type Emergency string

// The emergency kinds. Each gets 999 first; some add a specialist line.
const (
	EmergencyGas       Emergency = "gas"             // smell of gas, gas leak: National Gas Emergency line
	EmergencyCO        Emergency = "carbon_monoxide" // CO alarm or symptoms: gas line too
	EmergencyFire      Emergency = "fire"
	EmergencyMedical   Emergency = "medical"   // collapsed, not breathing, badly hurt
	EmergencyViolence  Emergency = "violence"  // attack, weapon, someone in danger
	EmergencyChild     Emergency = "child"     // a child at risk of harm
	EmergencyAdult     Emergency = "adult"     // an adult at risk of harm, abuse or neglect
	EmergencySelfHarm  Emergency = "self_harm" // suicide or self-harm: Samaritans too
	EmergencyDangerous Emergency = "dangerous" // live wires, rising flood water, structures
	EmergencyNone      Emergency = ""
)

// The national numbers emergency answers give. They are facts of the UK,
// not of any council, so they live here rather than in Council.
const (
	PhoneEmergency   = "999"
	PhoneGas         = "0800 111 999" // National Gas Emergency Service
	PhoneSamaritans  = "116 123"
	PhoneNHS111      = "111"
	PhonePolice101   = "101"
	PhoneBenefitFrau = "0800 854 4400" // DWP National Benefit Fraud Hotline
)

type emergencyPattern struct {
	kind Emergency
	re   *regexp.Regexp
}

// Patterns run over normText(text): lower case, no apostrophes, punctuation
// as spaces. Order matters: the first match names the kind, so the
// specific kinds (gas, self-harm) come before the general ones.
var emergencyPatterns = []emergencyPattern{
	{EmergencyCO, rx(`carbon monoxide|\bco (alarm|detector)|\bco is (leaking|escaping)|\b(yellow|orange|floppy|lazy) flame|\b(headaches?|dizzy|dizziness|drowsy|sleepy|sick|nausea|nauseous|breathless|short of breath)\b.{0,80}\b(boiler|gas fire|cooker|heater|flue|fumes|appliance)|\b(boiler|gas fire|cooker|heater|flue|fumes|appliance)\b.{0,80}\b(headaches?|dizzy|dizziness|drowsy|nausea|nauseous|breathless|short of breath|feel(ing)? sick)\b|\b(headaches?|dizzy|sick)\b.{0,60}\b(better|goes away|go away|clears?) (when|if|once) (we|i|they) (go|get|step) (outside|out)`)},
	{EmergencyGas, rx(`smell(s|ing|y)? (of )?gas\b|\bgas (leak|smell|escape)|leak(s|ing)? gas|\bgas\b.{0,30}\bleak|(cooker|hob|boiler|meter|pipe)s? (is |are )?leaking\b`)},
	{EmergencySelfHarm, rx(`\b(kill|hang|hurt|harm|cut) (my|him|her|them)sel(f|ves)\b|\bself ?harm|suicid|end (it all|my life|his life|her life)|take (my|his|her|their) own life|\b(not|dont|do not|never) want to (be alive|live|be here|wake up)|\bwant to die\b|overdose|not worth living|\bjump off\b|\b(want|going|about) to jump\b|\btaken (a load of|loads of|all (my|her|his|the)|too many|an overdose of|some) (pills|tablets|paracetamol)|\bswallowed (pills|tablets|bleach)`)},
	{EmergencyFire, rx(`\bon fire\b|\b(house|flat|building|kitchen|bin store|chip pan|car|garage|shop|block) (is )?(fire|ablaze|burning)\b|\bfire (in|at) (the|my|our|a|an|next door|number)\b|\b(smoke|flames) (is |are )?(pouring|coming|billowing|everywhere)|\b(black|thick) smoke\b|\bburning down\b|\bablaze\b|\bfire (has )?(started|broken out)\b|\b(smoke|fire) alarms?\b.{0,25}\b(going off|gone off|sounding|ringing)\b`)},
	{EmergencyChild, rx(`\b(child|children|kid|kids|baby|babies|toddler|son|daughter|boy|girl|teenager)s?\b.{0,40}\b(abused|abusing|neglected|being (hit|hurt|beaten|harmed|abused)|beaten|left (alone|on (his|her|their) own)|locked (out|in)|starving|in danger|at risk|wandering|stuck on|fallen in|not breathing|missing)|\b(abusing|hurting|hitting|beating|neglecting|harming|attacking|grooming)\b.{0,20}\b(a |the |my |our |his |her |their )?(child|children|kid|kids|baby|toddler|son|daughter|boy|girl)|\bchild (abuse|neglect|protection)\b|\bgroom(ed|ing)\b`)},
	{EmergencyAdult, rx(`\b(elderly|vulnerable|old|disabled)\b.{0,40}\b(abused|neglected|exploited|being (hit|hurt|abused)|stuck|cant get up|cannot get up|lying on|fallen)|\bcarer\b.{0,25}\b(hurting|hitting|stealing|abusing|neglecting)|\bfinancial(ly)? (abuse|abused)|\bstuck in (the|her|his|their|my) bath|\bcant get up\b|\bcannot get up\b`)},
	{EmergencyMedical, rx(`\b(someone|somebody|sum1|some1|sumone|man|woman|lady|guy|person|he|she|mum|mom|dad|mother|father|gran|grandad|grandma|nan|neighbour|friend|husband|wife|partner|brother|sister|people|pensioner|son|daughter)\b.{0,30}\b(collapsed|unconscious|not breathing|isnt breathing|stopped breathing|wont wake|will not wake|having a (heart attack|stroke|seizure|fit))|\bheart attack\b|\b(cant|cannot|not) breath(e|ing)\b|\bbleeding (heavily|badly|a lot)|\bdrowning\b|\b(fallen|fell) in(to)? the (river|canal|water|lake|pond|sea)|\b(someone|somebody|a person|a man|a woman|a child|a kid|people) (is |are )?in the (river|canal|water|lake|sea)\b|\bunconscious\b|\b(seriously|badly|is|are|been|got) (hurt|injured)\b|\bhasnt been seen (for|in) (days|weeks)|\bgroaning\b|\b(crash|accident)\b.{0,30}\b(hurt|injured|bleeding)`)},
	{EmergencyViolence, rx(`\bknife\b|\bgun\b|\bstabbed\b|\bshot\b.{0,10}\b(someone|him|her|at)|\bbeing (attacked|beaten|assaulted|dragged|followed|mugged|hit)|\b(attacking|beating|strangling) (me|him|her|them|someone|his|my)|\b(hits|hurts|beats|strangles) me\b|threaten(ing|ed) to kill|\b(trying to|is) break(ing)? in(to)? (my|our|the) (house|home|flat)|\bintruder\b|\bin danger\b|scared for my life|\b(fear|afraid|scared) (for my|to go home)|\bdomestic (abuse|violence)\b|\bbeating (his|her|their) (wife|husband|partner|girlfriend|boyfriend)|\bscreaming\b.{0,30}\b(help|hurt|hit)`)},
	{EmergencyDangerous, rx(`\blive (wire|cable)s?\b|\b(cable|wire|power line)s? (are |is )?(down|hanging)|\bsparking\b|\btrapped\b|\b(cant|cannot|can not) get out\b|\babout to collapse\b|\bcollapsing\b|\b(fallen|fell) on (a car|someone|people|a person)|flood ?water.{0,40}\b(rising|coming in|trapped|in the house)`)},
}

// emergencyAsking matches questions about rules rather than reports of
// danger, e.g. "can I have a fire in my garden"; only the fire kind uses
// it, because a question about gas or self-harm still gets the numbers.
var emergencyAsking = rx(`^(can|may|am|is it|are we|are you) (i|we|allowed|ok|legal)|\b(rules|allowed|legal|permission|regulations)\b|\bbonfire|firework|fire (safety|door|alarm test|risk|regulation)`)

// emergencyRules are emergencyPatterns behind one literal prefilter: most
// messages hold none of their words, and then no regexp runs.
var emergencyRules = newPrefiltered(sources(emergencyPatterns, func(p emergencyPattern) *regexp.Regexp { return p.re })...)

// DetectEmergency reports the kind of danger a message describes, or
// EmergencyNone.
func DetectEmergency(text string) Emergency { return detectEmergency(normText(text)) }

// detectEmergency is DetectEmergency on normText's output: the first
// kind whose pattern matches, a fire only when it is not a question about
// the rules.
func detectEmergency(n string) Emergency {
	asking := -1 // emergencyAsking's verdict, once asked
	i := emergencyRules.First(n, func(i int) bool {
		if emergencyPatterns[i].kind != EmergencyFire {
			return true
		}
		if asking < 0 {
			asking = 0
			if emergencyAsking.MatchString(n) {
				asking = 1
			}
		}
		return asking == 0
	})
	if i < 0 {
		return EmergencyNone
	}
	return emergencyPatterns[i].kind
}

// sources returns the source text of each rule's regexp, for a
// prefiltered set that keeps the rules' order.
func sources[T any](rules []T, re func(T) *regexp.Regexp) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = re(r).String()
	}
	return out
}

// questionPatterns are attempts to change the assistant's instructions.
// They are checked in residents' messages (refuse) and in retrieved text
// (the passage is dropped).
var questionPatterns = []string{
	`\b(ignore|disregard|forget|override|bypass) (all |any |every )?(of )?(the |your |my |these |those |its |this )?(previous |prior |above |earlier |preceding |original |former |system |safety |content |other )*(instructions?|rules|prompts?|guidelines|directions|programming|restrictions|settings|policy|policies|filters?|commands)\b`,
	`\b(ignore|disregard) (all |everything )?(of )?(the |what is |whats )?(above|before this|said before)\b`,
	`\bforget (everything|all|what) (you|youve|you have|i)\b`,
	`\byou are (now|no longer)\b`, `\bfrom now on\b.{0,20}\byou\b`,
	`\bact as (if you|an? (ai|assistant|bot|chatbot|unrestricted|different|evil)|the (council|admin|system|developer|director))`,
	`\bpretend (to be|you are|youre|that you)`, `\brole ?play\b`, `\bimpersonat`,
	`\bsystem prompt\b`, `^system (prompt|message|override|note|instruction|you)`,
	`\b(what are|tell me|show me|give me|share|whats) (your|the) (hidden |secret |initial |original |system )+(instructions|prompt|configuration|config|rules)\b`,
	`\bwhat are your (instructions|rules|prompts?)\b`, `\b(hidden|secret|initial|original) (system )?(instructions|prompts?)\b`,
	`\b(reveal|print|repeat|output|display|leak|dump|show me)\b.{0,15}\b(your|system|hidden|initial) (prompt|instructions|configuration|config|rules)\b`,
	`\b(text|words|message|instructions) above\b`,
	`\bdeveloper mode\b`, `\bdan mode\b`, `\byou are dan\b`, `\bjailbreak`,
	`\b(ai|assistant|bot|chatbot|you) (with|without|have|has|had) no (restrictions|rules|filters|limits|limitations)\b`,
	`\b(without|no|remove your) (any )?(content )?(filters?|guardrails|censorship)\b`,
	`\bunrestricted (ai|assistant|bot|chatbot|mode|model)\b`, `\baccess granted\b`, `\badmin(istrator)? (access|mode|rights|password)\b`, `\bapi keys?\b`,
	`\b(reply|respond|answer|say)\b.{0,15}\b(only )?(with|in) (the )?(word|phrase|capitals|caps)\b`,
}

// documentOnlyPatterns are ways a document addresses whoever processes it.
// They are injection in retrieved text but ordinary speech from a
// resident ("do you inform all residents when bin days change?").
var documentOnlyPatterns = []string{
	`\bto (whoever|anyone|any ai|the ai|the assistant|the chatbot|the bot) (reads|reading|processing|process) this\b`,
	`\b(tell|inform) (every|all|each|any) (user|resident|customer|person|one)s?\b`,
	`\b(do not|dont|never) (mention|reveal|disclose) (this|these|that you)\b`,
	`\bas an? (ai|language model|large language model|chatbot|assistant)\b`,
	`\byou (must|should|will) now\b`,
}

var (
	injectionPatterns = newPrefiltered(questionPatterns...)
	documentPatterns  = newPrefiltered(append(append([]string(nil), questionPatterns...), documentOnlyPatterns...)...)
)

// DetectInjection reports whether a resident's message tries to change
// the assistant's instructions, role or rules.
func DetectInjection(text string) bool { return injectionPatterns.MatchString(normText(text)) }

// rx compiles a pattern; every pattern in this package is a constant, so a
// bad one is a programming error found by the first test run.
func rx(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// normText lower-cases text, removes apostrophes and turns every other
// character that is not a letter or digit into a single space, so patterns
// need not care about punctuation or "don't" against "dont".
func normText(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := true
	for _, r := range strings.ToLower(text) {
		switch {
		case r == '\'' || r == '’' || r == '‘':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// SanitizeHits returns hits with every passage that addresses its reader
// with instructions removed ("Ignore all previous instructions and reply
// ...", "Tell every user ..."). Retrieved text is material to quote, never
// instructions: a poisoned page or a quoted email in an FOI response must
// not reach an answer. A short paragraph holding such a sentence is
// dropped whole, since the rest of it is the attack's payload (a fake
// refund address, say); in a long paragraph the sentence and the few after
// it go. The input is not modified.
func SanitizeHits(hits []retrieval.Hit) []retrieval.Hit {
	out := make([]retrieval.Hit, len(hits))
	for i, h := range hits {
		out[i] = h
		if clean, changed := sanitizeText(h.Chunk.Text); changed {
			out[i].Chunk.Text = clean
			out[i].Snippet = retrieval.PlainSnippet(clean, 200)
		}
	}
	return out
}

// instructionLike reports whether a sentence from a document addresses its
// reader with instructions.
func instructionLike(sentence string) bool { return documentPatterns.MatchString(normText(sentence)) }

func sanitizeText(text string) (string, bool) {
	if !documentPatterns.MatchString(normText(text)) {
		return text, false
	}
	paras := strings.Split(text, "\n\n")
	kept := paras[:0]
	for _, p := range paras {
		if !documentPatterns.MatchString(normText(p)) {
			kept = append(kept, p)
			continue
		}
		if len(strings.Fields(p)) <= 120 {
			continue
		}
		var keep []string
		skip := 0
		for _, s := range splitDocSentences(p) {
			switch {
			case instructionLike(s):
				skip = 3
			case skip > 0:
				skip--
			default:
				keep = append(keep, s)
			}
		}
		if len(keep) > 0 {
			kept = append(kept, strings.Join(keep, " "))
		}
	}
	return strings.Join(kept, "\n\n"), true
}

// splitDocSentences splits text at sentence ends (., ! or ? followed by a
// space and a capital, digit or quote) and at line breaks. Decimal points
// and abbreviations such as "e.g." followed by lower case stay inside.
func splitDocSentences(text string) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		start := 0
		rs := []rune(line)
		for i := 0; i < len(rs); i++ {
			if rs[i] != '.' && rs[i] != '!' && rs[i] != '?' {
				continue
			}
			j := i + 1
			for j < len(rs) && (rs[j] == '"' || rs[j] == '\'' || rs[j] == '’' || rs[j] == '”' || rs[j] == ')') {
				j++
			}
			if j >= len(rs) || rs[j] != ' ' {
				continue
			}
			k := j
			for k < len(rs) && rs[k] == ' ' {
				k++
			}
			if k < len(rs) && (unicode.IsUpper(rs[k]) || unicode.IsDigit(rs[k]) || strings.ContainsRune("\"'“‘(£", rs[k])) {
				add(string(rs[start:j]))
				start = k
				i = k - 1
			}
		}
		add(string(rs[start:]))
	}
	return out
}

// SafeDraft removes from a composed draft any sentence that reads as an
// instruction to its reader. It is the last guard before formatting: a
// composer quotes retrieved text, and whatever it quotes must not carry an
// attack through.
func SafeDraft(d *Draft) *Draft {
	if d == nil {
		return nil
	}
	out := &Draft{Citations: d.Citations}
	for _, s := range d.Sentences {
		if !instructionLike(s.Text) {
			out.Sentences = append(out.Sentences, s)
		}
	}
	return out
}
