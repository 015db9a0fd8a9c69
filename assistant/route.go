package assistant

import "context"

// Route is a router's decision for one resident turn.
type Route struct {
	Intent     Intent
	Service    string  // service code when Intent is IntentServiceRequest
	Confidence float64 // 0..1
	Reason     string  // short label for logs and evals, e.g. "injection", "personal_data"
}

// RouteInput is what a router sees.
type RouteInput struct {
	Text         string // the resident's latest message
	Conversation *Conversation
}

// Router classifies a turn's intent. The offline router in this package
// works with no model; assistant/llm offers an LLM router that falls back
// to it.
type Router interface {
	Route(ctx context.Context, in RouteInput) (Route, error)
}

// Council holds the contact details answers signpost to. It comes from
// configuration, never from retrieved text, so an injected document cannot
// change a phone number.
type Council struct {
	Name            string
	Nation          string // england, wales, scotland, northern_ireland
	Phone           string
	OutOfHoursPhone string
	Email           string
	ContactURL      string
	// Opening hours for staff hand-off, e.g. Monday to Friday 9am to 5pm.
	OpenDays  []int // time.Weekday values
	OpenHour  int   // 24h, inclusive
	CloseHour int   // 24h, exclusive
	// Accessibility signposts.
	BSLURL           string // video relay service (contactSCOTLAND-BSL for Scottish councils)
	InterpreterPhone string
	FOIURL           string // where to make an FOI request
}
