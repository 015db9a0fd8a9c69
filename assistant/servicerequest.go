package assistant

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Slot filling for service requests.
//
// The request being collected lives in Conversation.Pending, so the
// conversation store keeps it between turns. Each turn, NextServiceStep
// reads the resident's words (and any shared location) into it and says
// what to do next: ask for the next missing detail, show a summary to
// confirm, or submit. What was asked last is not stored: it is always the
// first missing detail, in a fixed order (location, description, then the
// service's own questions), so it can be worked out again from Pending.
//
// Nothing the resident has said is asked for twice (WCAG 2.2 success
// criterion 3.3.7, redundant entry): when a request starts, earlier turns
// are read too, and every turn fills whatever it mentions, not just the
// detail asked for.

// StepKind says what a service step asks of the Assistant.
type StepKind string

// The step kinds.
const (
	StepAsk       StepKind = "ask"       // say Text, offer Suggestions, wait for the reply
	StepConfirm   StepKind = "confirm"   // Text is a summary; the reply confirms or corrects it
	StepSubmit    StepKind = "submit"    // write Request, then acknowledge it
	StepCancelled StepKind = "cancelled" // the resident stopped; nothing is sent
)

// Slots a step may ask for besides a service's own question keys.
const (
	SlotService     = "service"     // which service (none was recognised)
	SlotLocation    = "location"    // where
	SlotDescription = "description" // what, in the resident's words
	SlotChange      = "change"      // which detail to correct
	SlotConfirm     = "confirm"     // the summary, to confirm or correct
)

// ServiceStep is what to do next in a service request.
type ServiceStep struct {
	Kind    StepKind
	Service string // service code, "" while asking which service
	// Slot is what Text asks for: a Slot* constant or a question key
	// (SlotConfirm for a summary); "" for submit and cancelled.
	Slot        string
	Text        string   // the question or summary; "" for submit
	Suggestions []string // quick replies
	// Submit is the confirmed request to write (StepSubmit only). The
	// Assistant passes it to ServiceRequests.CreateServiceRequest and,
	// only once that returns nil, clears Conversation.Pending and tells
	// the resident Acknowledge(Submit), which has the reference the store
	// assigned. If the write fails, Pending is kept and a second "yes"
	// submits again.
	Submit *ServiceRequest
	// Reprompt is true when the reply did not answer what was asked (an
	// invalid postcode, an answer that is not one of the options), so
	// the Assistant can count it as a failed turn.
	Reprompt bool
}

// NextServiceStep advances the service request in conv.Pending with the
// resident's latest text and any shared location (WhatsApp), using the
// default catalogue. See Services.Next.
func NextServiceStep(conv *Conversation, service, text string, loc *Location, now time.Time) ServiceStep {
	return defaultServices.Next(conv, service, text, loc, now)
}

// AcknowledgeServiceRequest is Services.Acknowledge with the default
// catalogue.
func AcknowledgeServiceRequest(r *ServiceRequest) (string, error) {
	return defaultServices.Acknowledge(r)
}

// FormatServiceReference writes a service request reference:
// "SR-2026-000123". Stores use it with a durable per-year sequence.
func FormatServiceReference(prefix string, year int, seq int64) string {
	return fmt.Sprintf("%s-%04d-%06d", prefix, year, seq)
}

// Next advances the service request in conv.Pending, starting one when
// there is none (or it has no service yet) for service, the router's
// service code, or else the service the text names; when neither is
// known it asks which. Once a request has its service, service is
// ignored: the resident switches only by saying so ("report graffiti
// instead"). text is the resident's latest message, and loc a location
// they shared, if any; conv.Turns may or may not already hold text as
// its last resident turn. Next changes only conv.Pending: it fills it in,
// or sets it to nil when the resident cancels.
func (s *Services) Next(conv *Conversation, service, text string, loc *Location, now time.Time) ServiceStep {
	text = strings.TrimSpace(text)
	f := foldText(text)
	p := conv.Pending

	if p != nil && cancels(f) {
		conv.Pending = nil
		return ServiceStep{Kind: StepCancelled, Service: p.Service, Text: "OK, I have not sent anything. Is there anything else I can help with?"}
	}
	if p == nil {
		p = &ServiceRequest{}
		conv.Pending = p
	}
	if p.Answers == nil {
		p.Answers = map[string]string{}
	}
	if p.Created.IsZero() {
		p.Created = now
	}

	// Which service, and is it new this turn?
	fresh, expecting := p.Asked == "", p.Asked
	prefix := ""
	named := DetectService(text)
	if _, ok := s.Service(named); !ok {
		named = s.titleIn(f)
	}
	if _, ok := s.Service(p.Service); !ok {
		p.Service, fresh = named, true
		if named == "" {
			p.Service = service
		}
	} else if !fresh && named != "" && named != p.Service && f.has(switchCues...) {
		// "Actually, I want to report graffiti instead": start that one,
		// keeping where it is.
		p = &ServiceRequest{Service: named, Location: p.Location, Answers: map[string]string{}, Created: now}
		conv.Pending = p
		fresh = true
		if svc, ok := s.Service(named); ok {
			prefix = "OK, a " + svc.Noun + " instead. "
		}
	}
	svc, ok := s.Service(p.Service)
	if !ok {
		p.Service = ""
		step := ServiceStep{
			Kind: StepAsk, Slot: SlotService, Reprompt: p.Asked == SlotService,
			Text: "What would you like to report?", Suggestions: s.titles(),
		}
		p.Asked = step.Slot
		return step
	}
	if fresh {
		expecting = ""
		for _, h := range earlierTurns(conv, text, p.Created, p.Asked == SlotService) {
			s.absorb(svc, p, h, "", now, true)
		}
	}
	changed := false
	if loc != nil && (loc.Lat != 0 || loc.Lon != 0 || loc.Address != "" || loc.Postcode != "") {
		shared := sharedLocation(*loc)
		changed = p.Location != shared
		p.Location = shared
	}
	res := s.absorb(svc, p, text, expecting, now, false)
	changed = changed || res.changed

	step := s.decide(&serviceTurn{
		svc: svc, conv: conv, p: p, f: f, said: text != "" || loc != nil,
		fresh: fresh, expecting: expecting, changed: changed, hint: res.hint, now: now,
	})
	if step.Kind == StepAsk || step.Kind == StepConfirm {
		step.Text = prefix + step.Text
		p.Asked = step.Slot
	}
	return step
}

// serviceTurn is one turn of a service request, once read into the
// request.
type serviceTurn struct {
	svc       *Service
	conv      *Conversation
	p         *ServiceRequest // the request, with the turn read in
	f         foldedText      // the resident's words, folded
	said      bool            // the resident said or shared something
	fresh     bool            // the request (or its service) started this turn
	expecting string          // what was asked last turn
	changed   bool            // the turn changed the request
	hint      string          // why what was asked was not taken
	now       time.Time
}

// decide picks the next step once the turn has been read into the request.
func (s *Services) decide(t *serviceTurn) ServiceStep {
	svc, p, f, expecting := t.svc, t.p, t.f, t.expecting
	if expecting == SlotConfirm || expecting == SlotChange {
		switch {
		case t.changed && s.missing(svc, p) == "":
			return s.confirm(svc, p, "I've updated that. ")
		case t.changed:
			// A correction emptied something; ask for it below.
		case expecting == SlotConfirm && confirms(f):
			r := *p
			r.Answers = maps.Clone(p.Answers)
			r.Confirmed = true
			r.Status = "open"
			r.Created = t.now
			r.Channel = t.conv.Channel
			r.ConversationID = t.conv.ID
			r.Asked = ""
			return ServiceStep{Kind: StepSubmit, Service: svc.Code, Submit: &r}
		default:
			if slot := s.namedSlot(svc, f); slot != "" {
				clearSlot(p, slot)
				step := s.ask(svc, p, slot)
				step.Text = "OK. " + step.Text
				return step
			}
			if expecting == SlotChange && confirms(f) {
				// "Yes" to "what would you like to change?": show it again.
				return s.confirm(svc, p, "")
			}
			return ServiceStep{
				Kind: StepAsk, Service: svc.Code, Slot: SlotChange,
				Text:        "What would you like to change?",
				Suggestions: s.slotLabels(svc),
				Reprompt:    expecting == SlotChange,
			}
		}
	}
	next := s.missing(svc, p)
	if next == "" {
		return s.confirm(svc, p, "")
	}
	step := s.ask(svc, p, next)
	if !t.fresh && next == expecting && !t.changed && t.said {
		step.Reprompt = true
		step.Text = t.hint + step.Text
	}
	return step
}

// Acknowledge is what the resident is told once r has been committed:
// the reference, the next steps and the expected timescale. It returns
// ErrInvalid for a request with no reference (not yet logged) or an
// unknown service, so nothing is acknowledged that was not written.
func (s *Services) Acknowledge(r *ServiceRequest) (string, error) {
	if r == nil || r.Reference == "" {
		return "", fmt.Errorf("acknowledging a service request that is not logged: %w", ErrInvalid)
	}
	svc, ok := s.Service(r.Service)
	if !ok {
		return "", fmt.Errorf("acknowledging unknown service %q: %w", r.Service, ErrInvalid)
	}
	action, within := svc.Action, svc.Timescale.Normal
	if svc.urgent(r) && svc.Timescale.Urgent != "" {
		action, within = svc.UrgentDoing, svc.Timescale.Urgent
	}
	return fmt.Sprintf("Thank you. Your %s is logged. Your reference is %s. %s We aim to %s within %s.",
		svc.Noun, r.Reference, svc.NextSteps, action, within), nil
}

// urgent reports whether r's answers make it urgent.
func (svc *Service) urgent(r *ServiceRequest) bool {
	for k, v := range svc.UrgentIf {
		if a := r.Answers[k]; a == v || slices.Contains(strings.Split(a, ", "), v) {
			return true
		}
	}
	return false
}

// switchCues show the resident means to change which service they are
// reporting, rather than mentioning another one in passing ("it's sprayed
// on the lamp post" is still graffiti).
var switchCues = []string{"instead", "report a", "report an", "report the", "different", "another problem", "something else", "not a"}

// missing returns the first detail p still needs, or "" when it has them
// all.
func (s *Services) missing(svc *Service, p *ServiceRequest) string {
	if !locationDone(svc, p.Location) {
		return SlotLocation
	}
	if svc.DescriptionPrompt != "" && p.Description == "" {
		return SlotDescription
	}
	for _, q := range svc.Questions {
		if p.Answers[q.Key] == "" {
			return q.Key
		}
	}
	return ""
}

func locationDone(svc *Service, l Location) bool {
	if svc.NeedsAddress {
		return containsDigit(l.Address)
	}
	if l.Postcode != "" || l.Lat != 0 || l.Lon != 0 {
		return true
	}
	return l.Address != "" && !onlyRelative(l.Address)
}

// onlyRelative reports an address that means nothing to anyone but the
// resident: "behind my house", "outside here", with no street.
func onlyRelative(addr string) bool {
	return foldText(addr).has("my", "our", "here", "me") && !findLocation(addr).hasStreet
}

// ask returns the step asking for slot.
func (s *Services) ask(svc *Service, p *ServiceRequest, slot string) ServiceStep {
	step := ServiceStep{Kind: StepAsk, Service: svc.Code, Slot: slot}
	switch slot {
	case SlotLocation:
		step.Text = svc.LocationPrompt
		if onlyRelative(p.Location.Address) {
			step.Text = "Which street is that on? Please give the street name and a house number, or the postcode."
		}
		if svc.NeedsAddress {
			switch {
			case p.Location.Address != "":
				step.Text = "What is the house number on " + p.Location.Address + "?"
			case p.Location.Postcode != "" || p.Location.Lat != 0 || p.Location.Lon != 0:
				step.Text = "Thank you. What is the house number and street?"
			}
		}
	case SlotDescription:
		step.Text = svc.DescriptionPrompt
	default:
		for _, q := range svc.Questions {
			if q.Key != slot {
				continue
			}
			step.Text = q.Prompt
			for _, o := range q.Options {
				step.Suggestions = append(step.Suggestions, o.Value)
			}
			if q.Closed && len(q.Options) > 0 {
				step.Text += " " + chooseFrom(step.Suggestions)
			}
			if q.Unknown != "" && len(q.Options) > 0 {
				step.Suggestions = append(step.Suggestions, "Not sure")
			}
		}
	}
	return step
}

// chooseFrom lists options for a closed question: "Please choose: A, B or C."
func chooseFrom(opts []string) string {
	if len(opts) == 1 {
		return "Please say " + opts[0] + "."
	}
	return "Please choose: " + strings.Join(opts[:len(opts)-1], ", ") + " or " + opts[len(opts)-1] + "."
}

// confirm returns the summary step.
func (s *Services) confirm(svc *Service, p *ServiceRequest, prefix string) ServiceStep {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString("Please check your " + svc.Noun + ":\n")
	b.WriteString("Where: " + describeLocation(p.Location) + "\n")
	if p.Description != "" {
		b.WriteString("Details: " + p.Description + "\n")
	}
	for _, q := range svc.Questions {
		if v := p.Answers[q.Key]; v != "" {
			b.WriteString(q.Label + ": " + v + "\n")
		}
	}
	b.WriteString("Is this right? Say yes to send it, or tell me what to change.")
	return ServiceStep{
		Kind: StepConfirm, Service: svc.Code, Slot: SlotConfirm, Text: b.String(),
		Suggestions: []string{"Yes, send it", "No, change something"},
	}
}

// namedSlot returns the detail a correction names ("the address", "change
// the day"), or "".
func (s *Services) namedSlot(svc *Service, f foldedText) string {
	if f.has("where", "location", "address", "street", "postcode", "place", "road name") {
		return SlotLocation
	}
	if f.has("details", "description", "describe", "detail") {
		return SlotDescription
	}
	for _, q := range svc.Questions {
		names := []string{strings.TrimSpace(string(foldText(q.Label))), strings.ReplaceAll(q.Key, "_", " ")}
		if f.has(names...) {
			return q.Key
		}
	}
	return ""
}

func (s *Services) slotLabels(svc *Service) []string {
	out := []string{"Where"}
	if svc.DescriptionPrompt != "" {
		out = append(out, "Details")
	}
	for _, q := range svc.Questions {
		out = append(out, q.Label)
	}
	return out
}

func clearSlot(p *ServiceRequest, slot string) {
	switch slot {
	case SlotLocation:
		p.Location = Location{}
	case SlotDescription:
		p.Description = ""
	default:
		delete(p.Answers, slot)
	}
}

// titles are the quick replies for "what would you like to report?".
func (s *Services) titles() []string {
	var out []string
	for _, svc := range s.list {
		out = append(out, svc.Title)
	}
	return out
}

// titleIn finds a service named by its title ("Missed bin", "noise").
func (s *Services) titleIn(f foldedText) string {
	for _, svc := range s.list {
		if f.has(strings.TrimSpace(string(foldText(svc.Title))), strings.ReplaceAll(svc.Code, "_", " ")) {
			return svc.Code
		}
	}
	return ""
}
