package assistant

import (
	"strings"
)

// What the FOI flow says. SMS gets shorter wording with the question
// first, because formatSMS drops trailing sentences to fit two segments.

// foiSay is an uncited FOI reply with quick replies.
func (a *Assistant) foiSay(conv *Conversation, sentences []string, suggestions []string) *Answer {
	ans := a.say(conv, IntentFOIRequest, sentences...)
	ans.Suggestions = suggestions
	return ans
}

// foiPrompts are the questions for each detail: web and WhatsApp wording,
// then SMS wording.
var foiPrompts = map[string][2]string{
	foiAskProceed: {"Do you still want to make a new Freedom of Information request?",
		"Still want to make a new FOI request? Reply YES or NO."},
	foiAskDescription: {"What information do you want? Please describe it as clearly as you can, for example the topic and the dates it covers.",
		"What information do you want? Give the topic and dates."},
	foiAskName: {"What is your full name? The law needs your real name for a valid request.",
		"What is your full name? The law needs it for a valid request."},
	foiAskContact: {"What email address should we send the reply to? If you would rather have a letter, give your postal address with the postcode.",
		"Which email should we reply to? Or give a postal address with postcode."},
	foiAskChange: {"What would you like to change?", "What would you like to change?"},
}

var foiSuggestions = map[string][]string{
	foiAskProceed: {"Yes, make a request", "No, thanks"},
	foiAskChange:  {"What I asked for", "My name", "My email or address"},
}

// foiAsk asks for slot, after prefix ("OK. ", a reason for asking again).
// reprompt counts the turn as one the assistant could not use.
func (a *Assistant) foiAsk(conv *Conversation, slot, prefix string, reprompt bool) *Answer {
	if slot == foiAskConfirm {
		return a.foiConfirm(conv, prefix)
	}
	conv.FOI.Asked = slot
	if reprompt {
		conv.Failures++
	}
	p := foiPrompts[slot][0]
	if conv.Channel == ChannelSMS {
		p = foiPrompts[slot][1]
	}
	return a.foiSay(conv, splitDocSentences(prefix+p), foiSuggestions[slot])
}

// foiSayAsk says why a reply could not be used, in words that ask for the
// detail again, and waits for it.
func (a *Assistant) foiSayAsk(conv *Conversation, slot, problem string, reprompt bool) *Answer {
	conv.FOI.Asked = slot
	if reprompt {
		conv.Failures++
	}
	return a.foiSay(conv, splitDocSentences(problem), foiSuggestions[slot])
}

// foiConfirm shows the request to check before it is sent.
func (a *Assistant) foiConfirm(conv *Conversation, prefix string) *Answer {
	d := conv.FOI
	d.Asked = foiAskConfirm
	replyTo := d.Email
	if replyTo == "" {
		replyTo = d.Address
	} else if d.Address != "" {
		replyTo += " (or by post to " + d.Address + ")"
	}
	suggestions := []string{"Yes, send it", "No, change something"}
	if conv.Channel == ChannelSMS {
		return a.foiSay(conv, []string{
			strings.TrimSpace(prefix + "Reply YES to send your FOI request, or say what to change."),
			"Request: " + clipWords(d.Description, 80),
			"Name: " + d.Name,
			"Reply to: " + replyTo,
		}, suggestions)
	}
	list := prefix + "Please check your Freedom of Information request:\n" +
		"- What you asked for: " + oneLine(d.Description) + "\n" +
		"- Your name: " + d.Name + "\n" +
		"- Reply to: " + oneLine(replyTo)
	return a.foiSay(conv, []string{list, "Is this right? Say yes to send it, or tell me what to change."}, suggestions)
}

// foiPublished shows what is already published about a new request's
// subject and asks whether the resident still wants to make it.
func (a *Assistant) foiPublished(conv *Conversation, items []PublishedItem) *Answer {
	conv.FOI.Asked = foiAskProceed
	d := &Draft{}
	var cited []Sentence
	var retrieved []string
	for i, it := range items {
		n := i + 1
		d.Citations = append(d.Citations, Citation{N: n, DocID: it.ID, Title: it.Title, URL: it.URL})
		label := "Earlier request: "
		if it.Kind == PublishedDataset {
			label = "Published data: "
		}
		cited = append(cited, Sentence{Text: label + strings.TrimSuffix(strings.TrimSpace(it.Title), ".") + ".", Cites: []int{n}})
		retrieved = append(retrieved, it.ID)
	}
	if conv.Channel == ChannelSMS {
		d.Sentences = append(d.Sentences,
			Sentence{Text: "This may already be published, see the link below."},
			Sentence{Text: foiPrompts[foiAskProceed][1]})
		d.Sentences = append(d.Sentences, cited[0])
	} else {
		d.Sentences = append(d.Sentences, Sentence{Text: "The information you want may already be published. These look similar:"})
		d.Sentences = append(d.Sentences, cited...)
		d.Sentences = append(d.Sentences,
			Sentence{Text: "If they answer your question, you do not need to make a request."},
			Sentence{Text: foiPrompts[foiAskProceed][0]})
	}
	ans := a.draftAnswer(conv, IntentFOIRequest, d, len(d.Sentences))
	ans.Suggestions = foiSuggestions[foiAskProceed]
	ans.Retrieved = retrieved
	return ans
}

// foiAcknowledgement tells the resident their request is logged: the
// reference, the day the reply is due and what happens next.
func (a *Assistant) foiAcknowledgement(conv *Conversation, d *FOIDraft, r FOIReceipt) []string {
	due := r.Due.UTC().Format("Monday 2 January 2006")
	replyTo := d.Email
	if replyTo == "" {
		replyTo = "the postal address you gave"
	}
	if conv.Channel == ChannelSMS {
		return []string{
			"Thank you. Your FOI request is logged.",
			"Your reference is " + r.Reference + ".",
			"We will reply by " + due + ", to " + replyTo + ".",
		}
	}
	s := []string{
		"Thank you. Your Freedom of Information request is logged.",
		"Your reference is " + r.Reference + ".",
		"We will reply by " + due + ". That is 20 working days after the day we received it.",
	}
	if r.Law != "" {
		s = append(s, "We will deal with it under the "+strings.TrimPrefix(r.Law, "the ")+".")
	}
	return append(s,
		"We will send the reply to "+replyTo+".",
		"If we need to check what you mean, we will ask you, and the time limit starts again when you reply.",
		"Please quote your reference if you contact us about it.")
}

// subjectAccess explains that a request for the resident's own personal
// data is not an FOI request, and where to make it instead.
func (a *Assistant) subjectAccess(conv *Conversation) *Answer {
	conv.FOI = nil
	if conv.Channel == ChannelSMS {
		return a.foiSay(conv, []string{
			"Your own personal data is not an FOI request. Ask for it with a subject access request.",
			a.contactSentence(),
		}, nil)
	}
	return a.foiSay(conv, []string{
		"That sounds like a request for information about you.",
		"The Freedom of Information Act does not cover your own personal data, so I have not made a request.",
		"You can ask for it with a subject access request under data protection law, free of charge.",
		a.contactSentence(),
	}, nil)
}

// oneLine puts text on one line, for a summary list item.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clipWords shortens s to at most n bytes at a word boundary, marking the
// cut with "...".
func clipWords(s string, n int) string {
	s = oneLine(s)
	if len(s) <= n {
		return strings.TrimRight(s, ".")
	}
	cut := clipReply(s, n)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "..."
}
