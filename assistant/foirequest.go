package assistant

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Making a Freedom of Information request in a conversation.
//
// The request being collected lives in Conversation.FOI, so the
// conversation store keeps it between turns, as Conversation.Pending
// keeps a service request. The flow follows the law and the ICO's
// guidance:
//
//  1. The answer may already be published (FOIA s.21, FOISA s.25): before
//     anything else the resident sees the closest earlier disclosures and
//     published datasets, with links, and is asked whether they still want
//     to make a request.
//  2. A valid request (FOIA s.8, FOISA s.8) is in writing and gives the
//     requester's real name, an address for correspondence (an email or a
//     postal address) and a description of the information wanted. Each
//     is asked for only if the resident has not already said it (WCAG 2.2
//     SC 3.3.7): the request text is taken from the message that started
//     the flow, or from the question asked just before it.
//  3. A summary is confirmed (the same yes / change / cancel replies as a
//     service request), then FOIIntake.Submit logs it, and only once it
//     is stored is the resident told the reference, the date the reply is
//     due and what happens next.
//
// A request for the resident's own personal data is not an FOI request
// (FOIA s.40(1)): it is explained and signposted, and nothing is logged.
// "Cancel" at any point drops the request. Nothing here logs what the
// resident says; their name and address go only to FOIIntake.Submit.

// FOIIntake logs new FOI requests made in a conversation and finds what is
// already published. Package foi implements it through an adapter in cmd.
type FOIIntake interface {
	// Similar returns the earlier disclosures and published datasets
	// closest to text (the subject of a new request), best first; none
	// is not an error. An error is not fatal: the assistant carries on
	// without them.
	Similar(ctx context.Context, text string) ([]PublishedItem, error)
	// Submit validates and stores the request and returns its receipt.
	// A request the law would not accept returns an *FOIFieldError
	// (errors.Is ErrInvalid) naming the field; a receipt is returned
	// only once the request is stored.
	Submit(ctx context.Context, r FOIRequest) (FOIReceipt, error)
}

// PublishedKind says what an already published item is.
type PublishedKind string

// The kinds of published item.
const (
	PublishedDisclosure PublishedKind = "disclosure" // an earlier FOI or EIR response
	PublishedDataset    PublishedKind = "dataset"    // spending, contracts, budgets
)

// PublishedItem is something already published that may answer a new
// request.
type PublishedItem struct {
	Kind      PublishedKind
	ID        string // document id, cited as Citation.DocID
	Title     string
	URL       string // where to read it
	Reference string // the council's reference of a disclosure, if any
	Date      time.Time
}

// FOIRequest is a new FOI request collected by the assistant. Email or
// Address (or both) is the address for correspondence.
type FOIRequest struct {
	ConversationID string
	Channel        Channel
	Name           string
	Email          string
	Address        string // postal
	Description    string // the information wanted, in the resident's words
}

// FOIReceipt is what the FOI desk says once a request is logged.
type FOIReceipt struct {
	Reference string
	// Law is the title of the law the request is handled under, e.g.
	// "Freedom of Information Act 2000".
	Law      string
	Received time.Time
	// Due is the last day for the reply (a date: the reply is due by the
	// end of that day).
	Due time.Time
}

// The fields an FOIFieldError may name.
const (
	FOIFieldName        = "name"
	FOIFieldEmail       = "email"
	FOIFieldAddress     = "address"
	FOIFieldDescription = "description"
)

// FOIFieldError is a request the law would not accept because of one
// field, with a message for the resident. It wraps ErrInvalid.
type FOIFieldError struct {
	Field   string // one of the FOIField constants
	Message string // e.g. "enter an email address like name@example.com"
}

func (e *FOIFieldError) Error() string { return "FOI request " + e.Field + ": " + e.Message }

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *FOIFieldError) Unwrap() error { return ErrInvalid }

// FOIDraft is the FOI request being collected in a conversation.
type FOIDraft struct {
	Description string
	Name        string
	Email       string
	Address     string
	// Asked is what the last reply asked for (an foiAsk constant), so the
	// next message is read as the answer to it.
	Asked string
	// Shown is set once the similar published items have been looked
	// for, so they are shown once.
	Shown bool
	// OneWordName is a single-word reply to "what is your full name?",
	// kept so that the same answer given twice is accepted.
	OneWordName string
	Started     time.Time
}

// What the FOI flow last asked for (FOIDraft.Asked).
const (
	foiAskProceed     = "proceed"     // still want to request, having seen what is published?
	foiAskDescription = "description" // what information
	foiAskName        = "name"
	foiAskContact     = "contact" // email or postal address
	foiAskConfirm     = "confirm"
	foiAskChange      = "change" // which detail to correct
)

// foiRequest answers the foi_request intent: with an intake, it starts
// collecting a request; without one, it shows earlier requests like it
// and says how to make one.
func (a *Assistant) foiRequest(ctx context.Context, conv *Conversation, text string, now time.Time) (*Answer, error) {
	if a.FOI == nil {
		return a.foiGuidance(ctx, conv, text)
	}
	return a.startFOI(ctx, conv, text, now)
}

// startFOI starts a request from the message that asked for one, reading
// whatever it already says, and shows what is published first.
func (a *Assistant) startFOI(ctx context.Context, conv *Conversation, text string, now time.Time) (*Answer, error) {
	d := &FOIDraft{Started: now}
	conv.FOI = d
	r := readFOIMessage(text)
	d.Name, d.Email, d.Address = r.name, r.email, r.address
	d.Description = r.description
	if !describesInformation(d.Description) {
		// "Can I make an FOI request for that?" after a question: the
		// question is what they want.
		d.Description = earlierQuestion(conv, text)
	}
	if ownData(d.Description) {
		return a.subjectAccess(conv), nil
	}
	return a.nextFOIStep(ctx, conv, "")
}

// continueFOI reads a reply into the request being collected. It returns
// ok false when the message is not for the request (an emergency, an
// injection attempt, a request for a person, or plainly another
// question), so the router deals with it and the request waits.
func (a *Assistant) continueFOI(ctx context.Context, conv *Conversation, text string, now time.Time) (ans *Answer, ok bool, err error) {
	d := conv.FOI
	f := foldText(text)
	if DetectEmergency(text) != EmergencyNone || DetectInjection(text) || AsksForPerson(text) {
		return nil, false, nil
	}
	if cancels(f) || f.is("stop", "no stop", "dont send it", "do not send it", "i dont want to make a request", "i don't want to make a request") {
		conv.FOI = nil
		return a.foiSay(conv, []string{"OK, I have not sent a request. Is there anything else I can help with?"}, nil), true, nil
	}
	r := readFOIMessage(text)
	if d.Asked != foiAskDescription && d.Asked != foiAskChange && r.email == "" && r.address == "" && r.name == "" {
		if n := normText(text); looksLikeQuestion(n) && len(topicWords(n)) >= 3 || DetectService(text) != "" {
			// Another question, or a problem to report: the request
			// waits, or is dropped if a report starts.
			return nil, false, nil
		}
	}
	conv.Failures = 0
	ans, err = a.readFOIReply(ctx, conv, d, text, f, r)
	return ans, true, err
}

// readFOIReply takes the reply to what was asked and says what comes next.
func (a *Assistant) readFOIReply(ctx context.Context, conv *Conversation, d *FOIDraft, text string, f foldedText, r foiMessage) (*Answer, error) {
	changed := d.absorb(r)
	switch d.Asked {
	case foiAskProceed:
		switch {
		case declines(f) && !changed:
			conv.FOI = nil
			return a.foiSay(conv, []string{"OK, I have not made a request. Is there anything else I can help with?"}, nil), nil
		case confirms(f) || changed:
		case describesInformation(r.description):
			// More about what they want, having seen what is published.
			d.Description = strings.TrimSpace(d.Description + " " + r.description)
		default:
			return a.foiAsk(conv, foiAskProceed, "Sorry, I did not catch that. ", true), nil
		}
		d.Shown = true
	case foiAskDescription:
		desc := r.description
		if !describesInformation(desc) {
			return a.foiAsk(conv, foiAskDescription, "Sorry, I need to know what information you want. ", true), nil
		}
		if ownData(desc) {
			return a.subjectAccess(conv), nil
		}
		d.Description = desc
	case foiAskName:
		if d.Name == "" {
			name, problem := readName(text, d.OneWordName)
			if problem != "" {
				if one := strings.Fields(name); len(one) == 1 {
					d.OneWordName = name
				}
				return a.foiSayAsk(conv, foiAskName, problem, true), nil
			}
			d.Name = name
		}
	case foiAskContact:
		if d.Email == "" && d.Address == "" {
			email, addr, problem := readContact(text)
			if problem != "" {
				return a.foiSayAsk(conv, foiAskContact, problem, true), nil
			}
			d.Email, d.Address = email, addr
		}
	case foiAskConfirm, foiAskChange:
		switch {
		case changed:
			if next := d.missing(); next != "" {
				return a.foiAsk(conv, next, "", false), nil
			}
			return a.foiConfirm(conv, "I've updated that. "), nil
		case d.Asked == foiAskConfirm && confirms(f):
			return a.submitFOI(ctx, conv, d)
		}
		if slot := foiNamedSlot(f); slot != "" {
			d.clear(slot)
			return a.foiAsk(conv, slot, "OK. ", false), nil
		}
		if d.Asked == foiAskChange && confirms(f) {
			return a.foiConfirm(conv, ""), nil
		}
		return a.foiAsk(conv, foiAskChange, "", d.Asked == foiAskChange), nil
	}
	if ownData(d.Description) {
		return a.subjectAccess(conv), nil
	}
	return a.nextFOIStep(ctx, conv, "")
}

// nextFOIStep shows what is published (once there is a subject to search
// for), then asks for the first missing detail, then the summary.
func (a *Assistant) nextFOIStep(ctx context.Context, conv *Conversation, prefix string) (*Answer, error) {
	d := conv.FOI
	if !d.Shown && d.Description != "" {
		d.Shown = true
		if items := a.similarFOI(ctx, d.Description); len(items) > 0 {
			return a.foiPublished(conv, items), nil
		}
		prefix = "I can make a Freedom of Information request for you. "
		if conv.Channel == ChannelSMS {
			prefix = "I can make an FOI request for you. "
		}
	}
	next := d.missing()
	if next == "" {
		return a.foiConfirm(conv, prefix), nil
	}
	if prefix == "" && d.Description == "" {
		prefix = "I can make a Freedom of Information request for you. "
		if conv.Channel == ChannelSMS {
			prefix = "I can make an FOI request for you. "
		}
	}
	return a.foiAsk(conv, next, prefix, false), nil
}

// maxSimilar caps the published items shown before a request.
const maxSimilar = 3

// similarFOI asks the intake for published items about a request's
// subject. Its errors are swallowed: the request can go ahead without.
func (a *Assistant) similarFOI(ctx context.Context, description string) []PublishedItem {
	topic := foiTopic(description)
	if len(topic) == 0 {
		return nil
	}
	items, err := a.FOI.Similar(ctx, strings.Join(topic, " "))
	if err != nil {
		return nil
	}
	var out []PublishedItem
	for _, it := range items {
		if strings.TrimSpace(it.Title) == "" || strings.TrimSpace(it.URL) == "" {
			continue
		}
		out = append(out, it)
		if len(out) == maxSimilar {
			break
		}
	}
	return out
}

// submitFOI logs the confirmed request. It is acknowledged only once the
// intake has stored it; a field the law would not accept is asked for
// again, and a failed write keeps the request so "yes" tries again.
func (a *Assistant) submitFOI(ctx context.Context, conv *Conversation, d *FOIDraft) (*Answer, error) {
	rcpt, err := a.FOI.Submit(ctx, FOIRequest{
		ConversationID: conv.ID, Channel: conv.Channel,
		Name: d.Name, Email: d.Email, Address: d.Address, Description: d.Description,
	})
	var fe *FOIFieldError
	switch {
	case errors.As(err, &fe):
		slot := foiSlotOfField(fe.Field)
		d.clear(slot)
		return a.foiAsk(conv, slot, "Sorry, that is not quite right: "+fullStop(fe.Message)+" ", true), nil
	case err != nil:
		ans := a.foiSay(conv, []string{"Sorry, something went wrong and your request has not been sent.", "Reply yes to try again.", a.contactSentence()}, []string{"Yes"})
		d.Asked = foiAskConfirm
		return ans, nil
	}
	conv.FOI = nil
	ans := a.foiSay(conv, a.foiAcknowledgement(conv, d, rcpt), nil)
	ans.Reference = rcpt.Reference
	return ans, nil
}

// absorb takes what a message says unprompted: an email, a stated name
// or address. It reports whether the draft changed.
func (d *FOIDraft) absorb(r foiMessage) bool {
	changed := false
	set := func(p *string, v string) {
		if v != "" && *p != v {
			*p, changed = v, true
		}
	}
	set(&d.Name, r.name)
	set(&d.Email, r.email)
	set(&d.Address, r.address)
	return changed
}

// missing is the first detail the request still needs, or "".
func (d *FOIDraft) missing() string {
	switch {
	case d.Description == "":
		return foiAskDescription
	case d.Name == "":
		return foiAskName
	case d.Email == "" && d.Address == "":
		return foiAskContact
	}
	return ""
}

func (d *FOIDraft) clear(slot string) {
	switch slot {
	case foiAskDescription:
		d.Description = ""
	case foiAskName:
		d.Name, d.OneWordName = "", ""
	case foiAskContact:
		d.Email, d.Address = "", ""
	}
}

func foiSlotOfField(field string) string {
	switch field {
	case FOIFieldName:
		return foiAskName
	case FOIFieldEmail, FOIFieldAddress:
		return foiAskContact
	}
	return foiAskDescription
}

// foiNamedSlot returns the detail a correction names, or "".
func foiNamedSlot(f foldedText) string {
	switch {
	case f.has("email", "e-mail", "address", "contact", "postcode", "post"):
		return foiAskContact
	case f.has("name"):
		return foiAskName
	case f.has("request", "asked", "asking", "wording", "description", "information", "question", "what i want", "details"):
		return foiAskDescription
	}
	return ""
}

// declines reports a plain "no" to going ahead.
func declines(f foldedText) bool {
	return f.is("no", "nope", "nah", "no thanks", "no thank you", "not now", "no need", "thats fine", "that's fine",
		"no thats fine", "no that's fine", "no thats what i needed", "no that's what i needed", "thats what i needed", "that's what i needed",
		"no i dont", "no i don't", "dont bother", "don't bother")
}
