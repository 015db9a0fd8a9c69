package assistant

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Hand-off reasons, stored in Handoff.Reason.
const (
	ReasonExplicit    = "explicit_request"  // the resident asked for a person
	ReasonFailures    = "repeated_failures" // FailuresBeforeHandoff unanswered turns in a row
	ReasonFrustration = "frustration"       // the resident sounds fed up
)

// FailuresBeforeHandoff is how many consecutive turns the assistant may
// fail to answer before it offers a person.
const FailuresBeforeHandoff = 2

// HandoffReason decides whether this turn should hand the conversation to
// staff, and why. An explicit request wins over frustration, which wins
// over repeated failures, so the reason staff see is the most specific.
// conv may be nil. A conversation already handed off is not handed off
// again.
func HandoffReason(conv *Conversation, text string) (string, bool) {
	if conv != nil && conv.HandedOff {
		return "", false
	}
	switch {
	case AsksForPerson(text):
		return ReasonExplicit, true
	case SoundsFrustrated(text):
		return ReasonFrustration, true
	case conv != nil && conv.Failures >= FailuresBeforeHandoff:
		return ReasonFailures, true
	}
	return "", false
}

// personPhrases ask for a person. "agent" alone is not among them: residents
// ask about letting and estate agents.
var personPhrases = []string{
	"speak to a person", "speak to someone", "speak to somebody", "speak to a human",
	"speak to a real person", "speak with a person", "speak with someone", "speak to an agent",
	"speak to an adviser", "speak to an advisor", "speak to a member of staff", "speak to staff",
	"talk to a person", "talk to someone", "talk to somebody", "talk to a human",
	"talk to a real person", "talk with someone", "talk to an agent", "talk to an adviser",
	"talk to an advisor", "talk to a member of staff", "talk to staff",
	"real person", "a human", "human please", "human being", "actual person", "live agent",
	"human agent", "an operator", "customer services", "customer service", "put me through",
	"transfer me", "can someone call me", "can somebody call me", "call me back",
	"someone to call me", "i want a person", "i need a person", "a person please",
}

// notPersonPhrases negate a request for a person.
var notPersonPhrases = []string{
	"don't want to speak", "dont want to speak", "don't want to talk", "dont want to talk",
	"don't need to speak", "no need to speak", "without speaking to",
}

// AsksForPerson reports whether text asks to speak to a member of staff.
func AsksForPerson(text string) bool {
	f := foldText(text)
	return f.has(personPhrases...) && !f.has(notPersonPhrases...)
}

// frustrationPhrases are aimed at the service rather than at the problem:
// "rubbish" and "angry" alone are not here, because residents report
// rubbish and angry neighbours.
var frustrationPhrases = []string{
	"useless", "hopeless", "pointless", "waste of time", "wasting my time", "not helpful",
	"unhelpful", "no help", "not helping", "ridiculous", "fed up", "sick of this",
	"sick of you", "sick and tired", "had enough", "for god's sake", "for gods sake",
	"for god sake", "ffs", "wtf", "stupid bot", "stupid robot", "stupid machine",
	"you're not listening", "youre not listening", "you are not listening",
	"not listening to me", "already told you", "i already said", "i've already said",
	"ive already said", "i just said", "i just told you", "you don't understand",
	"you dont understand", "doesn't understand", "doesnt understand",
	"you're not understanding", "this is a joke", "what a joke", "frustrated",
	"frustrating", "so annoying", "really annoying", "annoyed", "fuming", "furious",
	"disgraceful", "absolute joke", "this is rubbish", "you're rubbish", "youre rubbish",
	"this bot is rubbish", "no use", "are you even listening", "how many times",
}

// SoundsFrustrated reports whether text shows clear frustration with the
// service: a phrase from the frustration lexicon, repeated exclamation or
// question marks, or a shouted message (at least four words in capitals).
func SoundsFrustrated(text string) bool {
	if foldText(text).has(frustrationPhrases...) {
		return true
	}
	if strings.Contains(text, "!!") || strings.Contains(text, "?!") || strings.Contains(text, "!?") || strings.Contains(text, "???") {
		return true
	}
	return shoutedMessage(text)
}

// shoutedMessage reports a message of at least four words written all in
// capitals. Short ones are often postcodes or acronyms.
func shoutedMessage(text string) bool {
	words, upper := 0, 0
	for _, w := range strings.Fields(text) {
		letters, caps := 0, 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					caps++
				}
			}
		}
		if letters < 2 {
			continue
		}
		words++
		if caps == letters {
			upper++
		}
	}
	return words >= 4 && upper == words
}

// NewHandoff builds the queue entry for conv: the channel, resident and a
// copy of the transcript, so staff can pick up without the resident
// repeating themselves.
func NewHandoff(conv *Conversation, reason string, outOfHours bool, now time.Time) Handoff {
	return Handoff{
		ConversationID: conv.ID,
		Channel:        conv.Channel,
		Resident:       conv.Resident,
		Reason:         reason,
		Transcript:     slices.Clone(conv.Turns),
		OutOfHours:     outOfHours,
		At:             now,
	}
}

// HandoffOffer is what the assistant tells a resident when it hands them
// to staff.
type HandoffOffer struct {
	OutOfHours  bool
	NextOpen    time.Time // UK local time staff are next available
	Text        string
	Suggestions []string
}

// Out-of-hours choices, offered as quick replies.
const (
	ChoiceCallback = "Call me back"
	ChoiceLogged   = "Log my request"
)

// OfferHandoff returns the message for a hand-off at now. In hours the
// resident is told a member of staff will pick up the conversation; out of
// hours they are offered a callback when staff are next available or a
// logged request the team picks up first thing, and the out-of-hours
// number for anything urgent. holiday reports whether a UK-local date is a
// bank holiday; nil means none.
func OfferHandoff(c Council, now time.Time, holiday func(day time.Time) bool) HandoffOffer {
	if !OutOfHours(c, now, holiday) {
		text := "I'm passing you to a member of our team now. They will see this conversation, so you won't need to repeat yourself."
		if c.Phone != "" {
			text += " If you would rather phone, call " + c.Phone + "."
		}
		return HandoffOffer{Text: text}
	}
	next := NextOpen(c, now, holiday)
	days, open, closeAt := staffHours(c)
	var b strings.Builder
	fmt.Fprintf(&b, "Our team is not available right now. They work %s, %s to %s.", staffDays(days), hourClock(open), hourClock(closeAt))
	if !next.IsZero() {
		fmt.Fprintf(&b, " They are next available %s.", nextOpenPhrase(UKTime(now), next))
	}
	b.WriteString(" I can ask someone to call you back then, or log your request so the team picks it up first thing.")
	b.WriteString(" If someone is in danger, call 999.")
	if c.OutOfHoursPhone != "" {
		b.WriteString(" For an urgent council problem, call " + c.OutOfHoursPhone + ".")
	}
	return HandoffOffer{
		OutOfHours:  true,
		NextOpen:    next,
		Text:        b.String(),
		Suggestions: []string{ChoiceCallback, ChoiceLogged},
	}
}

// ParseOutOfHoursChoice reads the resident's reply to an out-of-hours
// offer: ChoiceCallback, ChoiceLogged, or false when it is neither.
func ParseOutOfHoursChoice(text string) (string, bool) {
	f := foldText(text)
	switch {
	case f.has("call me back", "callback", "call back", "ring me", "phone me", "call me"):
		return ChoiceCallback, true
	case f.has("log my request", "log it", "log the request", "logged request", "leave a message", "message", "log"):
		return ChoiceLogged, true
	}
	return "", false
}

// staffHours returns the council's staffed days and hours, defaulting to
// Monday to Friday, 9am to 5pm, when none are configured.
func staffHours(c Council) (days []int, open, closeAt int) {
	if len(c.OpenDays) == 0 && c.CloseHour == 0 {
		return []int{1, 2, 3, 4, 5}, 9, 17
	}
	return c.OpenDays, c.OpenHour, c.CloseHour
}

// OutOfHours reports whether now, in UK local time, is outside the
// council's staffed hours (Council.OpenDays, OpenHour inclusive, CloseHour
// exclusive; Monday to Friday 9am to 5pm when unset) or on a holiday.
// holiday may be nil.
func OutOfHours(c Council, now time.Time, holiday func(day time.Time) bool) bool {
	uk := UKTime(now)
	days, open, closeAt := staffHours(c)
	if !slices.Contains(days, int(uk.Weekday())) {
		return true
	}
	if holiday != nil && holiday(uk) {
		return true
	}
	return uk.Hour() < open || uk.Hour() >= closeAt
}

// NextOpen returns the next moment at or after now that staff are
// available, in UK local time, or the zero time when the council has no
// staffed hours at all.
func NextOpen(c Council, now time.Time, holiday func(day time.Time) bool) time.Time {
	if !OutOfHours(c, now, holiday) {
		return UKTime(now)
	}
	days, open, closeAt := staffHours(c)
	if open >= closeAt {
		return time.Time{}
	}
	uk := UKTime(now)
	// Two weeks covers any run of weekends and bank holidays.
	for d := 0; d <= 14; d++ {
		day := uk.AddDate(0, 0, d)
		start := ukDate(day.Year(), day.Month(), day.Day(), open)
		if !start.After(uk) && d == 0 {
			continue // today's opening has passed (or we would be open)
		}
		if !slices.Contains(days, int(start.Weekday())) || (holiday != nil && holiday(start)) {
			continue
		}
		return start
	}
	return time.Time{}
}

// ukLocation loads Europe/London once. It is nil when the system has no
// time zone database (a scratch container) and the binary does not embed
// one (cmd may import time/tzdata); UKTime then falls back to the UK's
// summer time rule.
var ukLocation = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return nil
	}
	return loc
})

// UKTime returns t in UK local time (Europe/London).
func UKTime(t time.Time) time.Time {
	if loc := ukLocation(); loc != nil {
		return t.In(loc)
	}
	return ukTimeByRule(t)
}

// ukTimeByRule converts t to UK local time without the time zone database,
// by the rule in force since 1996: British Summer Time (UTC+1) runs from
// 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
// October; GMT (UTC+0) otherwise.
func ukTimeByRule(t time.Time) time.Time {
	u := t.UTC()
	start := lastSundayUTC(u.Year(), time.March).Add(time.Hour)
	end := lastSundayUTC(u.Year(), time.October).Add(time.Hour)
	if !u.Before(start) && u.Before(end) {
		return t.In(time.FixedZone("BST", 3600))
	}
	return t.In(time.FixedZone("GMT", 0))
}

// lastSundayUTC returns midnight UTC on the last Sunday of month.
func lastSundayUTC(year int, month time.Month) time.Time {
	d := time.Date(year, month+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	return d.AddDate(0, 0, -int(d.Weekday()))
}

// ukDate returns hour:00 UK local time on the given date.
func ukDate(year int, month time.Month, day, hour int) time.Time {
	if loc := ukLocation(); loc != nil {
		return time.Date(year, month, day, hour, 0, 0, 0, loc)
	}
	// Try summer time first: if that instant is in summer time, it is the
	// one; otherwise the date is in GMT.
	bst := time.Date(year, month, day, hour, 0, 0, 0, time.UTC).Add(-time.Hour)
	if t := ukTimeByRule(bst); t.Hour() == hour {
		return t
	}
	return ukTimeByRule(time.Date(year, month, day, hour, 0, 0, 0, time.UTC))
}

var staffDayNames = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// staffDays names staffed days: "Monday to Friday" for a run, otherwise a
// list.
func staffDays(days []int) string {
	ds := slices.Clone(days)
	slices.Sort(ds)
	ds = slices.Compact(ds)
	if len(ds) == 0 {
		return "no days"
	}
	run := true
	for i := 1; i < len(ds); i++ {
		if ds[i] != ds[i-1]+1 {
			run = false
		}
	}
	if run && len(ds) > 2 {
		return staffDayNames[ds[0]%7] + " to " + staffDayNames[ds[len(ds)-1]%7]
	}
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = staffDayNames[d%7]
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// hourClock writes a whole hour the way residents read it: "9am", "12pm",
// "5pm", "midnight".
func hourClock(h int) string {
	switch {
	case h == 0 || h == 24:
		return "midnight"
	case h < 12:
		return fmt.Sprintf("%dam", h)
	case h == 12:
		return "12pm"
	default:
		return fmt.Sprintf("%dpm", h-12)
	}
}

// nextOpenPhrase names the next opening relative to now: "today at 9am",
// "tomorrow at 9am", "on Monday at 9am".
func nextOpenPhrase(now, next time.Time) string {
	at := " at " + hourClock(next.Hour())
	ny, nm, nd := now.Date()
	switch y, m, d := next.Date(); {
	case y == ny && m == nm && d == nd:
		return "today" + at
	case next.Sub(now) < 48*time.Hour && next.Weekday() == (now.Weekday()+1)%7:
		return "tomorrow" + at
	default:
		return "on " + next.Weekday().String() + at
	}
}

// HandoffStatus is where a queued hand-off is in the staff workflow.
type HandoffStatus string

// The hand-off statuses.
const (
	HandoffWaiting HandoffStatus = "waiting" // in the queue
	HandoffClaimed HandoffStatus = "claimed" // a member of staff has it
	HandoffClosed  HandoffStatus = "closed"  // dealt with
)

// QueuedHandoff is a hand-off as staff see it in the queue.
type QueuedHandoff struct {
	ID int64
	Handoff
	Status    HandoffStatus
	ClaimedBy string // staff identity
	ClaimedAt time.Time
	ClosedAt  time.Time
	Outcome   string // what staff did, free text
}

// HandoffFilter selects queued hand-offs. Zero fields do not filter.
type HandoffFilter struct {
	Status    []HandoffStatus // any of
	ClaimedBy string
	Limit     int // 0 means no limit
}

// HandoffConsole is the staff side of the hand-off queue, served by the
// channels issue's staff console. Each method is one transaction.
type HandoffConsole interface {
	// ListHandoffs returns the hand-offs matching f, oldest first (the
	// queue's order).
	ListHandoffs(ctx context.Context, f HandoffFilter) ([]*QueuedHandoff, error)
	// ClaimHandoff assigns a waiting hand-off to staff. Claiming one the
	// same member of staff already holds succeeds and changes nothing. It
	// returns ErrNotFound for an unknown id, ErrConflict when someone else
	// holds it or it is closed, and ErrInvalid for an empty staff.
	ClaimHandoff(ctx context.Context, id int64, staff string) (*QueuedHandoff, error)
	// CloseHandoff marks a waiting or claimed hand-off dealt with. It
	// returns ErrNotFound for an unknown id, ErrConflict when it is
	// already closed or claimed by someone else, and ErrInvalid for an
	// empty staff.
	CloseHandoff(ctx context.Context, id int64, staff, outcome string) (*QueuedHandoff, error)
}
