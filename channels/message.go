package channels

import (
	"context"
	"strings"
	"time"
)

// Channel names a messaging channel.
type Channel string

// The channels Townhall talks over.
const (
	Web      Channel = "web"
	SMS      Channel = "sms"
	WhatsApp Channel = "whatsapp"
)

// Identity is one resident's address on one channel: a phone number in
// E.164 form for SMS ("+447700900123"), a WhatsApp number in E.164 form
// (Meta's wa_id with a leading "+"), or a web chat session id.
type Identity struct {
	Channel Channel
	Address string
}

// Key returns a string that identifies the identity across channels, for
// use as a map or database key: "sms:+447700900123".
func (id Identity) Key() string { return string(id.Channel) + ":" + id.Address }

// String returns Key.
func (id Identity) String() string { return id.Key() }

// Kind says what an inbound message carries.
type Kind string

// Inbound message kinds.
const (
	// KindText is free text in Inbound.Text.
	KindText Kind = "text"
	// KindLocation is a shared location in Inbound.Location.
	KindLocation Kind = "location"
	// KindReply is a tap on a quick-reply button or list row, in
	// Inbound.Reply; Inbound.Text holds the reply's title.
	KindReply Kind = "reply"
	// KindUnsupported is a message Townhall cannot read (an image, a voice
	// note, a sticker). It is not an error: the receiver should answer
	// with UnsupportedText. Inbound.Unsupported names the provider's type.
	KindUnsupported Kind = "unsupported"
)

// UnsupportedText is the polite answer to a KindUnsupported message.
const UnsupportedText = "Sorry, I can only read text messages. Please type your question or request."

// Location is a place a resident shared, for example where a pothole is.
type Location struct {
	Lat, Lon float64
	Name     string // optional place name
	Address  string // optional street address
}

// Reply is the resident's choice of a quick reply: ID is what Townhall set
// when it offered the choice, Title is the text the resident saw.
type Reply struct {
	ID, Title string
}

// Inbound is one message from a resident. Text fields have been passed
// through CleanText.
type Inbound struct {
	// ProviderID is the provider's message id (Twilio MessageSid, WhatsApp
	// wamid). It is the idempotency key: a provider may deliver the same
	// message more than once.
	ProviderID string
	From       Identity
	To         string // the council's number or account id the message was sent to
	Kind       Kind
	Text       string
	// Truncated reports that Text was cut to MaxTextRunes.
	Truncated   bool
	Location    *Location // set for KindLocation
	Reply       *Reply    // set for KindReply
	Unsupported string    // provider's type name, set for KindUnsupported
	Received    time.Time
}

// Link is a titled URL, typically a citation of a council page.
type Link struct {
	Title, URL string
}

// Template is a pre-approved provider template: a WhatsApp message
// template, a Twilio Content template or a GOV.UK Notify template.
type Template struct {
	Name     string   // template name or id
	Language string   // language code, e.g. "en_GB" (WhatsApp)
	Params   []string // positional body parameters
}

// Outbound is one message to a resident. A Sender renders it in the
// richest form its channel supports: Links and QuickReplies may become
// buttons, or plain text lines.
type Outbound struct {
	To           Identity
	Text         string
	Links        []Link
	QuickReplies []string
	// Template, if set, asks for a template message instead of free text.
	Template *Template
}

// PlainText renders m for a text-only channel: the text, then one line per
// link ("Title: URL"), then the quick replies as a hint.
func PlainText(m Outbound) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(m.Text))
	for i, l := range m.Links {
		if i == 0 && b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("\n")
		if l.Title != "" {
			b.WriteString(l.Title)
			b.WriteString(": ")
		}
		b.WriteString(l.URL)
	}
	if len(m.QuickReplies) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString("Reply with: ")
		for i, q := range m.QuickReplies {
			switch {
			case i == 0:
			case i == len(m.QuickReplies)-1:
				b.WriteString(" or ")
			default:
				b.WriteString(", ")
			}
			b.WriteString(q)
		}
	}
	return b.String()
}

// Handler receives inbound messages from an adapter. HandleInbound must
// store the message durably (typically by enqueueing it) and return
// quickly; the answer is sent later through a Sender. An error makes the
// adapter report failure to the provider so that it retries.
type Handler interface {
	HandleInbound(ctx context.Context, m Inbound) error
}

// Sender delivers outbound messages on one channel. Send returns the
// provider's message id. Errors wrap ErrInvalid (unusable message or
// address), ErrTooLarge, ErrOptedOut or ErrOutsideWindow where they apply.
type Sender interface {
	Send(ctx context.Context, m Outbound) (providerID string, err error)
}
