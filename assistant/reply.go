package assistant

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// This file holds the replies that do not come from retrieval: emergency
// numbers, declines, hand-offs, FOI intake and small talk. Every phone
// number and link in them comes from Council configuration or is a
// national number, never from retrieved text.

// emergency answers danger with 999 first, then the specialist line for
// the kind of danger, then what the council's own pages advise (quoted
// and cited, when retrieval finds a page that covers the message), then
// the council's out-of-hours number. The fixed lines never depend on
// retrieval, so a failed search still gives the numbers.
func (a *Assistant) emergency(ctx context.Context, conv *Conversation, kind Emergency, text string) *Answer {
	s := emergencyLines(kind)
	d := &Draft{}
	for _, line := range s {
		d.Sentences = append(d.Sentences, Sentence{Text: line})
	}
	var retrieved []string
	if advice, hits := a.councilAdvice(ctx, conv, kind); advice != nil {
		retrieved = docIDs(hits)
		d.Citations = advice.Citations
		d.Sentences = append(d.Sentences, advice.Sentences...)
	}
	if a.Council.OutOfHoursPhone != "" {
		d.Sentences = append(d.Sentences, Sentence{Text: "For urgent help from the council at any time, call " + a.Council.OutOfHoursPhone + "."})
	} else if a.Council.Phone != "" {
		d.Sentences = append(d.Sentences, Sentence{Text: "For urgent help from the council, call " + a.Council.Phone + "."})
	}
	ans := a.draftAnswer(conv, IntentEmergency, d, len(d.Sentences))
	ans.Retrieved = retrieved
	return ans
}

// maxAdvice caps the sentences of council advice added to an emergency
// answer: the numbers come first and must not be buried.
const maxAdvice = 2

// adviceTopics are, for the kinds of emergency a council's pages advise
// on, the query that finds that advice and a pattern every quoted
// sentence must match. The resident's own words are not searched: they
// describe symptoms and places ("headaches", "the stairwell") that find
// unrelated pages, and in an emergency an off-topic sentence is worse
// than none.
var adviceTopics = map[Emergency]struct {
	query string
	must  *regexp.Regexp // every quoted sentence
	title *regexp.Regexp // the title of the page it comes from
}{
	EmergencyGas:   {"smell gas leak what to do", regexp.MustCompile(`(?i)\b(smell|leak)\w* (of )?gas\b|\bgas (leak|smell|escape|emergency)`), regexp.MustCompile(`(?i)\bgas\b|emergenc`)},
	EmergencyCO:    {"carbon monoxide poisoning symptoms what to do", regexp.MustCompile(`(?i)carbon monoxide`), regexp.MustCompile(`(?i)carbon monoxide|\bCO\b|\bgas\b`)},
	EmergencyFire:  {"fire in the home what to do", regexp.MustCompile(`(?i)\b(in case of|if there is|if you discover|if you find|there is) a fire\b|\bfire (and rescue|brigade|escape|exit|service)\b`), regexp.MustCompile(`(?i)\bfire\b`)},
	EmergencyChild: {"worried about a child at risk of harm safeguarding", regexp.MustCompile(`(?i)\b(child|children)\b.{0,40}\b(at risk|harm|abuse|neglect|safeguard|danger|unsafe)|\b(harm|abuse|neglect|safeguard|danger)\w*\b.{0,40}\b(child|children)\b`), regexp.MustCompile(`(?i)\bchild|safeguard|social care|protection`)},
	EmergencyAdult: {"worried about an adult at risk of abuse or neglect safeguarding", regexp.MustCompile(`(?i)\badults?\b.{0,40}\b(at risk|harm|abuse|neglect|safeguard|danger)|\b(abuse|neglect|safeguard)\w*\b.{0,40}\badults?\b`), regexp.MustCompile(`(?i)\badult|safeguard|social care|abuse`)},
}

// councilAdvice composes up to maxAdvice sentences from the council's own
// pages about a kind of emergency, or nil when there is no advice to
// give. Errors are swallowed: the emergency answer stands without it.
func (a *Assistant) councilAdvice(ctx context.Context, conv *Conversation, kind Emergency) (*Draft, []retrieval.Hit) {
	topic, ok := adviceTopics[kind]
	if !ok {
		return nil, nil
	}
	hits, err := a.Retriever.Search(ctx, retrieval.Query{Text: topic.query, Limit: a.limit(), Kinds: adviceKinds})
	if err != nil || len(hits) == 0 {
		return nil, nil
	}
	hits = SanitizeHits(hits)
	d, err := a.Composer.Compose(ctx, ComposeInput{Question: topic.query, Hits: hits[:min(len(hits), a.composeHits())], Needs: conv.Needs, Channel: conv.Channel})
	if err != nil || d == nil {
		return nil, hits
	}
	d = SafeDraft(d)
	titles := map[int]string{}
	for _, c := range d.Citations {
		titles[c.N] = c.Title
	}
	kept := d.Sentences[:0]
	for _, sen := range d.Sentences {
		if len(kept) == maxAdvice || len(sen.Cites) == 0 {
			continue
		}
		if topic.must.MatchString(sen.Text) && topic.title.MatchString(titles[sen.Cites[0]]) {
			kept = append(kept, sen)
		}
	}
	if len(kept) == 0 {
		return nil, hits
	}
	d.Sentences = kept
	return d, hits
}

// adviceKinds are the kinds of document emergency advice is taken from:
// service pages, not FOI threads or spending rows.
var adviceKinds = []corpus.Kind{corpus.KindPage}

// emergencyLines are the fixed lines of an emergency answer, 999 first.
func emergencyLines(kind Emergency) []string {
	var s []string
	switch kind {
	case EmergencyGas, EmergencyCO:
		s = append(s,
			"If anyone is hurt or in danger, call 999 now.",
			"If you smell gas or think there is a gas leak or carbon monoxide, call the National Gas Emergency Service on "+PhoneGas+" straight away. It is free and open 24 hours.",
			"Get everyone out into fresh air. Open doors and windows if it is safe.",
			"Do not use light switches, flames or anything that could make a spark.")
		if kind == EmergencyCO {
			s = append(s, "If you feel unwell, call 999 or NHS 111.")
		}
	case EmergencyFire:
		s = append(s, "Call 999 now and ask for the fire service.", "Get out, stay out, and keep away from the smoke.")
	case EmergencySelfHarm:
		s = append(s,
			"If you are in danger now or have hurt yourself, call 999.",
			"You can talk to Samaritans for free, day or night, on "+PhoneSamaritans+".",
			"You are not alone, and it is OK to ask for help.")
	case EmergencyChild:
		s = append(s,
			"If a child is in danger now, call 999.",
			"If you are worried about a child, tell our children's social care team straight away.")
	case EmergencyAdult:
		s = append(s,
			"If someone is in danger now, call 999.",
			"If you are worried an adult is being harmed or neglected, tell our adult social care team straight away.")
	case EmergencyMedical:
		s = append(s, "Call 999 now and ask for an ambulance.", "Stay with the person if it is safe to do so.")
	case EmergencyViolence:
		s = append(s, "Call 999 now and ask for the police.", "Get somewhere safe if you can.")
	default:
		s = append(s, "If anyone is in danger, call 999 now.", "Keep yourself and others away from the danger.")
	}
	return s
}

// decline says honestly why the assistant will not answer and points to
// who can help.
func (a *Assistant) decline(conv *Conversation, reason string) *Answer {
	var s []string
	switch {
	case reason == ReasonInjection:
		s = append(s, "Sorry, I can't do that.", "I can only help with questions about "+a.councilName()+" services, like bins, council tax and parking.")
	case reason == ReasonPersonalData:
		s = append(s, "Sorry, I can't give out personal information about other people.", "We keep people's details private, including the names of anyone who makes a request or complaint.")
	case strings.HasPrefix(reason, ReasonOutOfScope+":"):
		topic := strings.TrimPrefix(reason, ReasonOutOfScope+":")
		sp, ok := signpostFor(topic)
		switch {
		case ok && sp.Org != "":
			s = append(s, "Sorry, the council can't help with that. It is a matter for "+sp.Org+".", "To get help, "+sp.How+".")
		case topic == "dishonest":
			s = append(s, "Sorry, I can't help with that.", "What you tell the council must be true. Giving false information to get a service, a discount or a benefit is fraud.")
		case topic == "unlawful":
			s = append(s, "Sorry, I can't help with that.")
		default:
			s = append(s, "Sorry, I can only help with "+a.councilName()+" services, like bins, council tax, parking and reporting problems.")
		}
	case reason == ReasonLowConfidence:
		s = append(s, "Sorry, I couldn't find an answer to that in our information, and I don't want to guess.")
	default:
		s = append(s, "Sorry, I can't help with that here.")
	}
	s = append(s, a.contactSentence())
	return a.say(conv, IntentRefuse, s...)
}

// signpostFor finds the signpost of an out-of-scope topic.
func signpostFor(topic string) (Signpost, bool) {
	for _, r := range outOfScope {
		if r.sign.Topic == topic {
			return r.sign, true
		}
	}
	return Signpost{}, false
}

func (a *Assistant) councilName() string {
	if a.Council.Name != "" {
		return "the " + strings.TrimPrefix(a.Council.Name, "the ")
	}
	return "the council"
}

// contactSentence points to the council's contact page and phone number.
func (a *Assistant) contactSentence() string {
	c := a.Council
	switch {
	case c.Phone != "" && c.ContactURL != "":
		return "For council services, call us on " + c.Phone + " or go to " + c.ContactURL + "."
	case c.Phone != "":
		return "For council services, call us on " + c.Phone + "."
	case c.ContactURL != "":
		return "For council services, contact us at " + c.ContactURL + "."
	}
	return "For council services, please contact the council."
}

// handoff puts the conversation in the staff queue, or out of hours offers
// a callback or a logged request first. choice says the resident has
// answered that offer.
func (a *Assistant) handoff(ctx context.Context, conv *Conversation, reason string, now time.Time, choice bool) (*Answer, error) {
	offer := OfferHandoff(a.Council, now, a.Holiday)
	if offer.OutOfHours && !choice {
		// Nothing is queued until the resident picks a callback or a
		// logged request; the next turn reads their choice.
		ans := a.say(conv, IntentHandoff, sentencesOfOffer(offer.Text)...)
		ans.Suggestions = offer.Suggestions
		return ans, nil
	}
	var s []string
	if a.Handoffs != nil {
		h := NewHandoff(conv, reason, offer.OutOfHours, now)
		if err := a.Handoffs.EnqueueHandoff(ctx, h); err != nil {
			return nil, fmt.Errorf("enqueue handoff: %w", err)
		}
		conv.HandedOff = true
		switch reason {
		case ChoiceCallback:
			s = append(s, "Thank you. I have asked our team to call you back when they are next in.")
		case ChoiceLogged:
			s = append(s, "Thank you. I have logged your request and our team will pick it up first thing.")
		default:
			if reason == ReasonFailures {
				s = append(s, "Sorry, I haven't been able to help.")
			}
			s = append(s, sentencesOfOffer(offer.Text)...)
		}
	} else {
		s = append(s, "Sorry, I can't pass you to a member of staff from here.", a.contactSentence())
	}
	conv.Failures = 0
	ans := a.say(conv, IntentHandoff, s...)
	ans.Handoff = conv.HandedOff
	return ans, nil
}

// awaitingHandoffChoice reports whether the last reply was an out-of-hours
// offer the resident has not yet answered.
func (a *Assistant) awaitingHandoffChoice(conv *Conversation) bool {
	if conv.HandedOff {
		return false
	}
	for i := len(conv.Turns) - 1; i >= 0; i-- {
		if t := conv.Turns[i]; t.Role == RoleAssistant {
			return t.Intent == IntentHandoff
		}
	}
	return false
}

func sentencesOfOffer(text string) []string { return splitDocSentences(text) }

var thanksRx = regexp.MustCompile(`(?i)\b(thanks|thank you|cheers|ta|bye|goodbye)\b`)

// smallTalk answers a greeting or thanks with what the assistant can do.
func (a *Assistant) smallTalk(conv *Conversation, text string) *Answer {
	if thanksRx.MatchString(text) {
		return a.say(conv, IntentAnswer, "You're welcome. Is there anything else I can help with?")
	}
	return a.say(conv, IntentAnswer, "Hello. I can help with "+a.councilName()+" services, like bins, council tax and parking, and I can report problems such as potholes.", "What would you like to know?")
}

// serviceRequest collects what a service request needs, one question at a
// time, through the slot-filling steps of Services.Next, and logs it once
// the resident confirms. The request is acknowledged only after the store
// has committed it; if the write fails the resident is told it was not
// sent and the request stays pending, so a second "yes" tries again.
func (a *Assistant) serviceRequest(ctx context.Context, conv *Conversation, req Request, text string, route Route, now time.Time) (*Answer, error) {
	svcs := a.services()
	starting := conv.Pending == nil
	step := svcs.Next(conv, route.Service, text, req.Location, now)
	switch step.Kind {
	case StepSubmit:
		if a.Requests == nil {
			conv.Pending = nil
			return a.say(conv, IntentServiceRequest, "Sorry, I can't log reports here.", a.contactSentence()), nil
		}
		if err := a.Requests.CreateServiceRequest(ctx, step.Submit); err != nil {
			ans := a.say(conv, IntentServiceRequest, "Sorry, something went wrong and your report has not been sent.", "Reply yes to try again.", a.contactSentence())
			ans.Service = step.Service
			ans.Suggestions = []string{"Yes"}
			return ans, nil
		}
		ack, err := svcs.Acknowledge(step.Submit)
		if err != nil {
			return nil, fmt.Errorf("acknowledge service request: %w", err)
		}
		conv.Pending = nil
		ans := a.say(conv, IntentServiceRequest, splitDocSentences(ack)...)
		ans.Service, ans.Reference = step.Submit.Service, step.Submit.Reference
		return ans, nil
	}
	if step.Reprompt {
		conv.Failures++
	} else {
		conv.Failures = 0
	}
	var ans *Answer
	if svc, ok := svcs.Service(step.Service); ok && starting && step.Kind != StepCancelled {
		ans = a.withServicePage(ctx, conv, svc, splitDocSentences(step.Text))
	} else {
		ans = a.say(conv, IntentServiceRequest, splitDocSentences(step.Text)...)
	}
	ans.Service = step.Service
	if ans.Service == "" {
		ans.Service = route.Service
	}
	ans.Suggestions = step.Suggestions
	return ans, nil
}

func (a *Assistant) services() *Services {
	if a.Services != nil {
		return a.Services
	}
	return defaultServices
}
