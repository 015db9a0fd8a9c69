package assistant

import (
	"regexp"
	"strings"
	"unicode"
)

// Reading a resident's messages into an FOI request: the details the law
// requires, from wherever they are said.

// foiMessage is what one message says towards an FOI request.
type foiMessage struct {
	name    string // a stated name ("my name is ...")
	email   string // a well-formed email address
	address string // a stated postal address ("my address is ...")
	// description is the message without the personal details, which
	// are not part of what is being asked for.
	description string
}

var (
	// foiEmailRx finds an email address with any lead-in ("my email is")
	// so both leave the description together.
	foiEmailRx    = regexp.MustCompile(`(?i)(?:\b(?:and )?(?:my )?e-?mail(?: address)?(?: is|:)?\s*|\b(?:you can )?(?:e-?mail|contact|reach) me (?:at|on)\s*|\breply to\s*)?([A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})`)
	statedNameRx  = regexp.MustCompile(`(?i)(?:\b(?:and )?my (?:full )?name is|\bmy name's|\bname:)\s*([\p{L}][\p{L}'’.\-]*(?:[ \t]+[\p{L}][\p{L}'’.\-]*){0,4})`)
	statedAddrRx  = regexp.MustCompile(`(?i)(?:\b(?:and )?my (?:postal |home )?address is|\baddress:|\bpost (?:it|the reply|the answer) to|\bwrite to me at)\s*([^;\n]+)`)
	namePrefixRx  = regexp.MustCompile(`(?i)^(?:(?:hi|hello|ok|okay|yes|sure)[,.!]?\s+)?(?:my (?:full )?name is|my name's|name is|name:|i am|i'm|im|it's|its|it is|this is|call me)\s+`)
	addrPrefixRx  = regexp.MustCompile(`(?i)^(?:my (?:postal |home )?address is|address:|it's|its|it is|post it to|send it to|write to me at|please post it to)\s+`)
	ownDataRx     = regexp.MustCompile(`\bmy (own )?(personal )?(data|record|records|file|files|case file|case notes|medical records|care records|social care records|personal information)\b|\b(hold|holds|have|has|keep|keeps|kept|held|store|stores) (on|about) (me|myself)\b|\bsubject access\b|\b(information|data|records|everything) (about|on) (me|myself)\b`)
	trailingJunk  = regexp.MustCompile(`(?i)[\s,;:\-]*(?:\b(?:and|my|also|thanks|thank you|please|cheers)\b[\s,;:\-]*)*$`)
	emailLikeRx   = regexp.MustCompile(`\S+@\S*`)
	nameWordShape = regexp.MustCompile(`^[\p{L}][\p{L}'’.\-]*$`)
)

// nameStop are words no name is made of: a reply containing one is not a
// name ("there's a pothole on Elm Road").
var nameStop = setOfWords(`a an the is are was were be on at in of to there theres there's it its it's this that these those
	my mine i im i'm ive i've we our you your for with from and or but not no yes please want would like about some any
	have has had do does did can could should how what when where why who which report pothole bin bins road street`)

// readFOIMessage reads the details a message gives unprompted.
func readFOIMessage(text string) foiMessage {
	var m foiMessage
	var spans [][2]int
	if loc := foiEmailRx.FindStringSubmatchIndex(text); loc != nil {
		if e := text[loc[2]:loc[3]]; emailProblem(e) == "" {
			m.email = e
			spans = append(spans, [2]int{loc[0], loc[1]})
		}
	}
	if loc := statedNameRx.FindStringSubmatchIndex(text); loc != nil {
		words := strings.Fields(text[loc[2]:loc[3]])
		for i, w := range words {
			if nameStop[strings.ToLower(strings.Trim(w, ".,"))] {
				words = words[:i]
				break
			}
		}
		if name := tidyName(strings.Join(words, " ")); name != "" {
			m.name = name
			spans = append(spans, [2]int{loc[0], loc[3]})
		}
	}
	if loc := statedAddrRx.FindStringSubmatchIndex(text); loc != nil {
		addr := strings.TrimSpace(text[loc[2]:loc[3]])
		if loc2 := foiEmailRx.FindStringIndex(addr); loc2 != nil {
			addr = strings.TrimSpace(addr[:loc2[0]])
		}
		addr = strings.TrimRight(addr, " ,.")
		if _, ok := FindPostcode(addr); ok || containsDigit(addr) {
			m.address = clipReply(addr, 1000)
			spans = append(spans, [2]int{loc[0], loc[3]})
		}
	}
	m.description = tidyDescription(cutSpans(text, spans))
	return m
}

// cutSpans removes byte spans (which may overlap) from s.
func cutSpans(s string, spans [][2]int) string {
	if len(spans) == 0 {
		return s
	}
	keep := make([]bool, len(s))
	for i := range keep {
		keep[i] = true
	}
	for _, sp := range spans {
		for i := sp[0]; i < sp[1] && i < len(s); i++ {
			keep[i] = false
		}
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if keep[i] {
			b.WriteByte(s[i])
		} else if i == 0 || keep[i-1] {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// tidyDescription trims what is left of a message once personal details
// are taken out: spaces, dangling "and my" and punctuation.
func tidyDescription(s string) string {
	s = oneLine(s)
	s = strings.ReplaceAll(s, " ,", ",")
	s = strings.ReplaceAll(s, " .", ".")
	s = trailingJunk.ReplaceAllString(s, "")
	return clipReply(strings.TrimLeft(s, " ,;:-"), 2000)
}

// foiTopic is the subject of a request: its topic words without the ones
// that only say it is an FOI request.
func foiTopic(text string) []string {
	var topic []string
	for _, w := range topicWords(text) {
		if !foiStop[w] {
			topic = append(topic, w)
		}
	}
	return topic
}

// describesInformation reports whether text says what information is
// wanted, not just that a request is wanted.
func describesInformation(text string) bool { return len(foiTopic(text)) > 0 }

// ownData reports a request for the resident's own personal data, which
// is a subject access request under data protection law, not FOI.
func ownData(text string) bool { return text != "" && ownDataRx.MatchString(normText(text)) }

// earlierQuestion returns the resident's message before current when it
// was a question the assistant answered or could not answer: "can I make
// an FOI request for that?" asks for what it asked.
func earlierQuestion(conv *Conversation, current string) string {
	turns := conv.Turns
	if n := len(turns); n > 0 && turns[n-1].Role == RoleResident && turns[n-1].Text == current {
		turns = turns[:n-1]
	}
	n := len(turns)
	if n < 2 || turns[n-1].Role != RoleAssistant || turns[n-2].Role != RoleResident {
		return ""
	}
	if in := turns[n-1].Intent; in != IntentAnswer && in != IntentRefuse {
		return ""
	}
	q := readFOIMessage(turns[n-2].Text).description
	if !describesInformation(q) || smallTalk(normText(q)) {
		return ""
	}
	return q
}

// readName reads a reply to "what is your full name?". oneWord is an
// earlier one-word reply: said again, a single name is accepted. A
// problem is returned as words to say, ending with the question again.
func readName(text, oneWord string) (name, problem string) {
	t := strings.TrimSpace(emailLikeRx.ReplaceAllString(text, " "))
	for {
		u := namePrefixRx.ReplaceAllString(t, "")
		if u == t {
			break
		}
		t = u
	}
	t = strings.Trim(t, " .,!;:\"'“”")
	f := foldText(t)
	ask := " What is your full name?"
	switch {
	case f.is("no", "nope", "no thanks", "anonymous", "anon", "why", "why do you need it", "do i have to", "i'd rather not", "id rather not") ||
		f.has("anonymous", "rather not", "prefer not", "don't want to give", "dont want to give", "not giving", "won't give", "wont give", "why do you need"):
		return "", "The law needs your real name for a valid Freedom of Information request. We use it only to deal with your request. If you would rather not give it, say cancel." + ask
	case t == "":
		return "", "Sorry, I did not catch your name." + ask
	case containsDigit(t) || strings.Contains(text, "@") || len(t) > 200:
		return "", "Please give just your name, in letters." + ask
	}
	words := strings.Fields(t)
	if len(words) > 6 || DetectService(text) != "" {
		return "", "Sorry, I did not catch your name." + ask
	}
	for _, w := range words {
		if nameStop[strings.ToLower(w)] || !nameWordShape.MatchString(w) {
			return "", "Sorry, I did not catch your name." + ask
		}
	}
	name = tidyName(t)
	if len(words) == 1 && !strings.EqualFold(name, oneWord) {
		return name, "Please give your first name and surname: the law needs your full name. If you only use one name, say it again."
	}
	return name, ""
}

// tidyName capitalises a name typed all in lower case.
func tidyName(s string) string {
	s = oneLine(strings.Trim(s, " .,!;:"))
	if s == "" || s != strings.ToLower(s) {
		return s
	}
	words := strings.Fields(s)
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

// readContact reads a reply to "what email or postal address should we
// reply to?".
func readContact(text string) (email, address, problem string) {
	if m := readFOIMessage(text); m.email != "" {
		return m.email, "", ""
	}
	if e := emailLikeRx.FindString(text); e != "" {
		return "", "", "That email address does not look right. Please check it: it should look like name@example.com. Or give a postal address with the postcode."
	}
	f := foldText(text)
	if !containsDigit(text) && f.has("no email", "no e mail", "don't have email", "dont have email", "don't have an email", "dont have an email", "haven't got email", "havent got email", "haven't got an email", "havent got an email", "by post", "a letter", "post please") {
		return "", "", "That's fine. What is your postal address, with the postcode?"
	}
	t := strings.TrimSpace(addrPrefixRx.ReplaceAllString(strings.TrimSpace(text), ""))
	t = strings.TrimRight(t, " .,")
	pc, hasPostcode := FindPostcode(t)
	if bad, ok := findBadPostcode(t); ok && !hasPostcode {
		return "", "", "That postcode (" + bad + ") does not look right. Please give your postal address with the postcode, or an email address."
	}
	words := len(strings.Fields(t))
	if hasPostcode && words <= len(strings.Fields(pc))+1 {
		return "", "", "Please give your full postal address: the house number, the street and the postcode."
	}
	if hasPostcode || containsDigit(t) && words >= 3 {
		return "", clipReply(oneLine(t), 1000), ""
	}
	return "", "", "Sorry, I need an email address, like name@example.com, or a postal address with the postcode."
}

// emailProblem says why s is not the shape of an email address, or "":
// one @, a local part of at most 64 characters, a dotted domain, nothing
// that cannot be in an address. Whether the mailbox exists is for the
// mail system to find out.
func emailProblem(s string) string {
	at := strings.LastIndexByte(s, '@')
	if len(s) > 254 || at <= 0 || at > 64 || at == len(s)-1 || strings.Count(s, "@") != 1 {
		return "not an email address"
	}
	domain := s[at+1:]
	if strings.ContainsAny(s, " \t\r\n<>()[]\\,;:\"") || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") ||
		strings.HasPrefix(s, ".") || strings.Contains(s[:at], "..") {
		return "not an email address"
	}
	return ""
}
