package assistant

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Reading a resident's reply into a service request: where, what, and
// the answers to the service's own questions, from whatever they say.

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
