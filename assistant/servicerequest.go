package assistant

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// absorbed is what one message added to a request.
type absorbed struct {
	changed bool
	hint    string // why the expected detail was not taken, said before re-asking
}

// absorb reads text into p. expecting is the slot just asked for ("" when
// nothing was, or the request is being confirmed); only then are bare
// replies ("recycling", "yes", "14") and free text taken for it. history
// is true for earlier turns read when a request starts: they give a
// description only when they are about the same service.
func (s *Services) absorb(svc *Service, p *ServiceRequest, text, expecting string, now time.Time, history bool) absorbed {
	var res absorbed
	if text == "" {
		return res
	}
	f := foldText(text)
	unknown := f.has(replyUnknown...)

	// Where.
	fl := findLocation(text)
	_, badPostcode := findBadPostcode(text)
	if expecting == SlotLocation && !badPostcode && !fl.hasStreet && fl.Postcode == "" && fl.Lat == 0 && fl.Lon == 0 {
		// Only a landmark in reply to "where?": the resident's whole
		// answer says more ("the underpass behind the library").
		if addr, ok := freeLocation(f, text, svc.NeedsAddress); ok && !unknown {
			fl.Address = addr
		}
	}
	switch {
	case !fl.empty():
		before := p.Location
		switch {
		case fl.Address == "":
		case fl.hasStreet && !fl.hasNumber && p.Location.Address != "" && !findLocation(p.Location.Address).hasStreet &&
			!strings.Contains(fl.Address, " "+strings.ToLower(strings.Fields(p.Location.Address)[0])+" "):
			// "behind my house", then "Back Lane": keep both.
			p.Location.Address += ", " + fl.Address
		default:
			p.Location.Address = fl.Address
		}
		if fl.Postcode != "" {
			p.Location.Postcode = fl.Postcode
		}
		if fl.Lat != 0 || fl.Lon != 0 {
			p.Location.Lat, p.Location.Lon = fl.Lat, fl.Lon
		}
		res.changed = p.Location != before
	case expecting == SlotLocation:
		if bad, ok := findBadPostcode(text); ok {
			res.hint = "That postcode (" + bad + ") does not look right. Please check it, or tell me the street instead. "
			break
		}
		if m := bareHouseNumber(text); m != "" && p.Location.Address != "" && !containsDigit(p.Location.Address) {
			p.Location.Address = strings.ToUpper(m) + " " + p.Location.Address
			res.changed = true
			break
		}
		if addr, ok := freeLocation(f, text, svc.NeedsAddress); ok && !unknown {
			p.Location.Address = addr
			res.changed = true
			break
		}
		if unknown {
			res.hint = "A nearby house number or landmark is fine. "
		} else {
			res.hint = "Sorry, I did not catch where. "
		}
	}
	rest := withoutSpans(text, fl.spans)
	fr := foldText(rest)
	answeredAny := false

	// The service's own questions.
	// A short reply that answers another question ("pavement" when asked
	// the size) is that answer, not free text for the one asked.
	short := len(f.words()) <= 2
	otherAnswered := false
	for i := range svc.Questions {
		if q := &svc.Questions[i]; q.Key != expecting {
			if _, ok := q.answer(rest, fr, false, now); ok {
				otherAnswered = true
			}
		}
	}
	for i := range svc.Questions {
		q := &svc.Questions[i]
		asked := expecting == q.Key
		v, ok := q.answer(rest, fr, asked, now)
		if !ok && asked && short && otherAnswered {
			res.hint = "Thank you. "
			continue
		}
		if !ok && asked {
			switch {
			case unknown && q.Unknown != "":
				v, ok = q.Unknown, true
			case unknown:
				res.hint = "I need to know this to log it. "
			case q.Closed:
				res.hint = "Sorry, I did not catch that. "
			case !f.is(replyYesNo...) && len(f.words()) > 0:
				v, ok = clipReply(text, 200), true
			default:
				res.hint = "Sorry, I did not catch that. "
			}
		}
		if ok && q.Multi && !asked && p.Answers[q.Key] != "" &&
			(expecting != SlotConfirm && expecting != SlotChange || f.has("also", "as well", "too", "and the")) {
			// More of the same, said in passing: "20 bin bags as well".
			v = mergeValues(q, p.Answers[q.Key], v)
		}
		if ok && p.Answers[q.Key] != v {
			p.Answers[q.Key] = v
			res.changed = true
		}
		answeredAny = answeredAny || ok
	}

	// What, in their words.
	switch {
	case expecting == SlotDescription:
		d := clipReply(text, 1000)
		if f.is(replySkip...) || (unknown && len(f.words()) <= 4) {
			d = "Not given"
		}
		res.changed = res.changed || p.Description != d
		p.Description = d
	case p.Description == "" && (expecting == "" || expecting == SlotLocation) &&
		(describesProblem(fr) || (answeredAny && expecting == "")) && (!history || DetectService(text) == svc.Code):
		// Said unprompted, in their own words: keep it as the description
		// rather than asking for one.
		p.Description = clipReply(text, 1000)
		res.changed = true
	}
	return res
}

// answer reads a question's answer from text (the resident's words with
// the location taken out). asked is true when the text replies to this
// question, so bare words ("garden", "yes") count.
func (q *Question) answer(text string, f foldedText, asked bool, now time.Time) (string, bool) {
	if q.parse != nil {
		if v, ok := q.parse(text, asked, now); ok {
			return v, true
		}
	}
	type hit struct{ opt, start, end int }
	var hits []hit
	for oi, o := range q.Options {
		phrases := o.Phrases
		if asked {
			phrases = append(slices.Clone(phrases), o.Bare...)
			phrases = append(phrases, strings.TrimSpace(string(foldText(o.Value))))
		}
		for _, ph := range phrases {
			for at := f.index(ph, 0); at >= 0; at = f.index(ph, at+1) {
				hits = append(hits, hit{oi, at, at + len(ph)})
			}
		}
	}
	if len(hits) == 0 {
		return "", false
	}
	// The longest phrase wins where phrases overlap: "not deep" over
	// "deep", "bigger than a dinner plate" over "dinner plate".
	slices.SortStableFunc(hits, func(a, b hit) int {
		if d := (b.end - b.start) - (a.end - a.start); d != 0 {
			return d
		}
		return a.start - b.start
	})
	var kept []hit
	for _, h := range hits {
		if !slices.ContainsFunc(kept, func(k hit) bool { return h.start < k.end && k.start < h.end }) {
			kept = append(kept, h)
		}
	}
	if !q.Multi {
		return q.Options[kept[0].opt].Value, true
	}
	var opts []int
	for _, k := range kept {
		if !slices.Contains(opts, k.opt) {
			opts = append(opts, k.opt)
		}
	}
	slices.Sort(opts)
	var vals []string
	for _, o := range opts {
		vals = append(vals, q.Options[o].Value)
	}
	return strings.Join(vals, ", "), true
}

// mergeValues joins two answers to a multiple-choice question, in the
// options' order, without repeats.
func mergeValues(q *Question, old, add string) string {
	have := map[string]bool{}
	for _, v := range strings.Split(old+", "+add, ", ") {
		have[v] = true
	}
	var out []string
	for _, o := range q.Options {
		if have[o.Value] {
			out = append(out, o.Value)
			delete(have, o.Value)
		}
	}
	// Free-text answers keep their place at the end.
	for _, v := range strings.Split(old+", "+add, ", ") {
		if have[v] {
			out = append(out, v)
			delete(have, v)
		}
	}
	return strings.Join(out, ", ")
}

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

// earlierTurns returns the resident's turns before this one that may
// hold details of the request that started at start: back to the last
// assistant turn of an earlier service request. While choosing (the
// request started by asking which service), assistant turns since start
// belong to this request.
func earlierTurns(conv *Conversation, current string, start time.Time, choosing bool) []string {
	var out []string
	for i := len(conv.Turns) - 1; i >= 0; i-- {
		t := conv.Turns[i]
		if t.Role == RoleAssistant && t.Intent == IntentServiceRequest && (!choosing || t.At.Before(start)) {
			break
		}
		if t.Role == RoleResident {
			out = append(out, strings.TrimSpace(t.Text))
		}
	}
	slices.Reverse(out)
	if n := len(out); n > 0 && out[n-1] == current {
		out = out[:n-1]
	}
	return out
}

// sharedLocation tidies a location shared by a channel: a postcode is
// normalised, or read from the address when missing.
func sharedLocation(l Location) Location {
	if pc, ok := NormalisePostcode(l.Postcode); ok {
		l.Postcode = pc
	} else if pc, ok := FindPostcode(l.Address); ok {
		l.Postcode = pc
	} else {
		l.Postcode = ""
	}
	return l
}

// freeLocation takes a reply to "where is it?" that names no street,
// such as "the alley behind the library", as the location: at least two
// words, and a house number when the service needs an address.
func freeLocation(f foldedText, text string, needsAddress bool) (string, bool) {
	words := f.words()
	for len(words) > 0 && (words[0] == "it's" || words[0] == "its" || words[0] == "it" || words[0] == "is" || words[0] == "on" || words[0] == "at") {
		words = words[1:]
	}
	if len(words) < 2 || f.is(replyYesNo...) {
		return "", false
	}
	if needsAddress && !containsDigit(text) {
		return "", false
	}
	return clipReply(strings.TrimRight(text, ".!"), 200), true
}

// bareHouseNumber reads a reply that is only a house number: "14",
// "number 14a", "it's 14".
func bareHouseNumber(text string) string {
	f := foldText(text).words()
	for len(f) > 1 && (f[0] == "it's" || f[0] == "its" || f[0] == "it" || f[0] == "is" || f[0] == "number" || f[0] == "no") {
		f = f[1:]
	}
	if len(f) == 1 && houseNumberPattern.MatchString(f[0]) {
		return f[0]
	}
	return ""
}

func containsDigit(s string) bool { return strings.IndexFunc(s, unicode.IsDigit) >= 0 }

// clipReply shortens s to at most n bytes on a rune boundary.
func clipReply(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimSpace(s[:n])
}

// descriptionStop are words that say nothing about the problem itself,
// so "I want to report a pothole please" is not a description but "the
// pothole burst my tyre" is.
var descriptionStop = setOfWords(`a an the and or but so if to of in on at by for with from up down out
	i i'm im i've ive i'd id me my mine we our us you your it it's its is are was were be been being am
	there there's theres here this that these those he she they them his her their
	want wanted wants like would could can can't cant need needs needed please pls hi hello hey
	thanks thank cheers report reporting reported log logged tell telling let know
	have has had got get getting do does did done not no yes just also very really quite
	some any one outside near opposite next behind beside by road street lane avenue drive
	about again still now today yesterday there's pothole potholes bin bins collected emptied
	missed collection fly tipping tipped dumped graffiti noise noisy street light lamp post
	lights lamppost issue problem hole holes`)

// describesProblem reports whether text says something about the problem: at
// least three words that are not filler, service names or numbers.
func describesProblem(f foldedText) bool {
	n := 0
	for _, w := range f.words() {
		if len(w) < 2 || descriptionStop[w] || !strings.ContainsFunc(w, unicode.IsLetter) {
			continue
		}
		n++
	}
	return n >= 3
}

var (
	replyYesNo     = []string{"yes", "yeah", "yep", "no", "nope", "nah", "ok", "okay"}
	replySkip      = []string{"no", "none", "nothing", "skip", "nothing else", "no thanks", "na", "n a", "not really", "nope", "no thank you"}
	replyUnknown   = []string{"don't know", "dont know", "do not know", "not sure", "no idea", "unsure", "can't tell", "cant tell", "can't see", "cant see", "cannot see", "dunno", "idk", "don't remember", "dont remember", "can't remember", "cant remember", "no clue", "not visible"}
	replyNo        = []string{"no", "nope", "nah", "n", "wrong", "not right", "incorrect", "not quite", "change", "edit", "not correct", "isn't right", "isnt right", "that's wrong", "thats wrong", "but"}
	replyCancel    = []string{"cancel", "stop", "quit", "forget it", "never mind", "nevermind", "don't bother", "dont bother", "cancel it", "cancel that", "please cancel", "cancel please", "cancel the report", "cancel this", "stop this", "start again", "i don't want to report it", "dont send it", "don't send it", "do not send it"}
	replyYesStarts = setOfWords(`yes yeah yep yup y ye ok okay sure correct confirm confirmed perfect fine right great lovely`)
	replyYes       = []string{"send it", "go ahead", "that's right", "thats right", "looks good", "all good", "please do", "that's correct", "thats correct", "spot on", "submit", "please send", "that's it", "thats it"}
)

// confirms reports a confirmation with no correction in it.
func confirms(f foldedText) bool {
	words := f.words()
	if len(words) == 0 || f.has(replyNo...) {
		return false
	}
	return replyYesStarts[words[0]] || f.has(replyYes...)
}

// cancels reports a message that only says to stop.
func cancels(f foldedText) bool {
	return f.is(replyCancel...) || (f.has("cancel") && len(f.words()) <= 5)
}
