package webchat

import (
	"time"

	"github.com/townhall-civic/townhall/assistant"
)

// Frame types, the "type" field of every JSON frame. See
// docs/webchat-protocol.md.
const (
	// Client to server.
	FrameHello    = "hello"
	FrameMessage  = "message" // also server to client
	FrameFeedback = "feedback"
	FrameTyping   = "typing" // also server to client

	// Server to client.
	FrameWelcome = "welcome"
	FramePartial = "partial"
	FrameAck     = "ack"
	FrameError   = "error"
)

// Error codes carried in error frames.
const (
	CodeBadJSON        = "bad_json"        // the frame is not a JSON object of a known shape
	CodeBadUTF8        = "bad_utf8"        // the frame is not valid UTF-8
	CodeTooLarge       = "too_large"       // frame or message text over the limit
	CodeUnsupported    = "unsupported"     // a binary frame, or an unknown frame type
	CodeHelloRequired  = "hello_required"  // a frame other than hello before hello
	CodeRateLimited    = "rate_limited"    // too many frames or messages; wait and retry
	CodeInvalid        = "invalid"         // an empty message, a bad client id or seq
	CodeUnavailable    = "unavailable"     // the server is restarting; reconnect and resend
	CodeInternal       = "internal"        // something went wrong on our side
	CodeNotYours       = "not_yours"       // staff: the hand-off is not claimed by you
	CodeDeliveryFailed = "delivery_failed" // staff: the resident's channel refused the reply
)

// clientFrame is any frame a client sends; Type says which fields apply.
type clientFrame struct {
	Type string `json:"type"`
	// hello
	ConversationID string   `json:"conversation_id,omitempty"`
	LastSeq        int      `json:"last_seq,omitempty"`
	Needs          []string `json:"needs,omitempty"`
	// message
	ClientID string `json:"client_id,omitempty"`
	Text     string `json:"text,omitempty"`
	// feedback
	Seq     int   `json:"seq,omitempty"`
	Helpful *bool `json:"helpful,omitempty"`
}

// serverFrame is any frame the server sends.
type serverFrame struct {
	Type           string         `json:"type"`
	ConversationID string         `json:"conversation_id,omitempty"`
	Seq            int            `json:"seq,omitempty"`
	Role           assistant.Role `json:"role,omitempty"`
	ClientID       string         `json:"client_id,omitempty"`
	Text           string         `json:"text,omitempty"`
	HTML           string         `json:"html,omitempty"`
	Citations      []citation     `json:"citations,omitempty"`
	Suggestions    []string       `json:"suggestions,omitempty"`
	Handoff        bool           `json:"handoff,omitempty"`
	Intent         string         `json:"intent,omitempty"`
	Service        string         `json:"service,omitempty"`
	Retrieved      []string       `json:"retrieved,omitempty"`
	At             *time.Time     `json:"at,omitempty"`
	Helpful        *bool          `json:"helpful,omitempty"`
	Code           string         `json:"code,omitempty"`
	Message        string         `json:"message,omitempty"`
}

// citation is a source as the widget shows it.
type citation struct {
	N     int    `json:"n"`
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
	DocID string `json:"doc_id,omitempty"`
}

// turnExtra is what a turn's message frame carries beyond the stored
// turn: the resident's client id, and the latest answer's quick replies,
// hand-off flag, service code and retrieved document ids.
type turnExtra struct {
	clientID    string
	suggestions []string
	handoff     bool
	service     string
	retrieved   []string
}

// turnFrame builds the message frame for a stored turn. URLs that are not
// http or https are left out of citations.
func turnFrame(t assistant.Turn, x turnExtra) serverFrame {
	at := t.At.UTC()
	f := serverFrame{
		Type:        FrameMessage,
		Seq:         t.Seq,
		Role:        t.Role,
		ClientID:    x.clientID,
		Text:        t.Text,
		HTML:        RenderHTML(t.Text, t.Citations),
		Suggestions: x.suggestions,
		Handoff:     x.handoff,
		Intent:      string(t.Intent),
		Service:     x.service,
		Retrieved:   x.retrieved,
	}
	if !at.IsZero() {
		f.At = &at
	}
	for _, c := range t.Citations {
		f.Citations = append(f.Citations, citation{N: c.N, Title: c.Title, URL: safeURL(c.URL), DocID: c.DocID})
	}
	return f
}

func errorFrame(code, message, clientID string) serverFrame {
	return serverFrame{Type: FrameError, Code: code, Message: message, ClientID: clientID}
}
