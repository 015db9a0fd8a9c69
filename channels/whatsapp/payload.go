package whatsapp

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// notification is the body Meta POSTs to the webhook. Only the fields
// Townhall reads are declared.
type notification struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string      `json:"field"`
			Value changeValue `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type changeValue struct {
	MessagingProduct string `json:"messaging_product"`
	Metadata         struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	Messages []message `json:"messages"`
	// Statuses report on messages Townhall sent: sent, delivered, read,
	// failed (ParseStatuses).
	Statuses []status `json:"statuses"`
}

type status struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Timestamp   string `json:"timestamp"`
	RecipientID string `json:"recipient_id"`
	Errors      []struct {
		Code      int    `json:"code"`
		Title     string `json:"title"`
		Message   string `json:"message"`
		ErrorData struct {
			Details string `json:"details"`
		} `json:"error_data"`
	} `json:"errors"`
}

type message struct {
	ID        string `json:"id"`
	From      string `json:"from"`
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	Text      *struct {
		Body string `json:"body"`
	} `json:"text"`
	Interactive *struct {
		Type        string     `json:"type"`
		ButtonReply *replyItem `json:"button_reply"`
		ListReply   *replyItem `json:"list_reply"`
	} `json:"interactive"`
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Location *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
		Address   string  `json:"address"`
	} `json:"location"`
	Image    *media `json:"image"`
	Video    *media `json:"video"`
	Document *media `json:"document"`
}

type replyItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type media struct {
	Caption string `json:"caption"`
}

// Parse reads a webhook notification body into messages. It returns an
// error wrapping channels.ErrInvalid only if the body is not JSON of the
// notification's shape. A notification for another object than
// "whatsapp_business_account", delivery statuses, reactions and system
// messages yield no messages. A message without an id or with a sender
// that is not a phone number is skipped.
//
// Kinds: text is KindText; a reply button, list row or template quick
// reply is KindReply (Text is its title); a location is KindLocation; an
// image, video or document with a caption is KindText with the caption as
// Text and Unsupported naming the dropped media; anything else (audio,
// stickers, contacts, captionless media, types Meta adds later) is
// KindUnsupported. Received is the message's timestamp, zero if absent.
func Parse(body []byte) ([]channels.Inbound, error) {
	n, err := parseNotification(body)
	if err != nil || n == nil {
		return nil, err
	}
	var out []channels.Inbound
	for _, e := range n.Entry {
		for _, c := range e.Changes {
			for _, m := range c.Value.Messages {
				in, ok := inbound(m, c.Value.Metadata.PhoneNumberID)
				if ok {
					out = append(out, in)
				}
			}
		}
	}
	return out, nil
}

// parseNotification decodes a webhook body; nil for another object than
// a WhatsApp business account.
func parseNotification(body []byte) (*notification, error) {
	var n notification
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, fmt.Errorf("%w: %v", channels.ErrInvalid, err)
	}
	if n.Object != "whatsapp_business_account" {
		return nil, nil
	}
	return &n, nil
}

// ParseStatuses reads a webhook notification body's delivery reports on
// messages Townhall sent: the wamid, the status (sent, delivered, read,
// failed) and, for a failure, the first error's code as a
// *DeliveryError. Errors are as for Parse; a status without an id or a
// status word is skipped.
func ParseStatuses(body []byte) ([]channels.Delivery, error) {
	n, err := parseNotification(body)
	if err != nil || n == nil {
		return nil, err
	}
	var out []channels.Delivery
	for _, e := range n.Entry {
		for _, c := range e.Changes {
			for _, st := range c.Value.Statuses {
				d := channels.Delivery{
					ProviderID: channels.CleanField(st.ID, 256),
					State:      channels.DeliveryState(channels.CleanField(st.Status, 32)),
					To:         channels.Identity{Channel: channels.WhatsApp, Address: "+" + strings.TrimPrefix(channels.CleanField(st.RecipientID, 32), "+")},
				}
				if d.ProviderID == "" || d.State == "" {
					continue
				}
				if s, err := strconv.ParseInt(st.Timestamp, 10, 64); err == nil && s > 0 {
					d.At = time.Unix(s, 0).UTC()
				}
				if d.State.Failed() {
					de := &DeliveryError{}
					if len(st.Errors) > 0 {
						x := st.Errors[0]
						de.Code, de.Title = x.Code, channels.CleanField(x.Title, 200)
						d.ErrorCode = strconv.Itoa(x.Code)
					}
					d.Err = de
				}
				out = append(out, d)
			}
		}
	}
	return out, nil
}

func inbound(m message, to string) (channels.Inbound, bool) {
	id := channels.CleanField(m.ID, 256)
	from := "+" + strings.TrimPrefix(m.From, "+")
	if id == "" || !channels.ValidE164(from) {
		return channels.Inbound{}, false
	}
	in := channels.Inbound{
		ProviderID: id,
		From:       channels.Identity{Channel: channels.WhatsApp, Address: from},
		To:         channels.CleanField(to, 64),
	}
	if s, err := strconv.ParseInt(m.Timestamp, 10, 64); err == nil && s > 0 {
		in.Received = time.Unix(s, 0).UTC()
	}
	setText := func(s string) {
		in.Text, in.Truncated = channels.CleanText(s, channels.MaxTextRunes)
	}
	switch m.Type {
	case "text":
		in.Kind = channels.KindText
		if m.Text != nil {
			setText(m.Text.Body)
		}
	case "interactive":
		var r *replyItem
		if m.Interactive != nil {
			r = m.Interactive.ButtonReply
			if r == nil {
				r = m.Interactive.ListReply
			}
		}
		if r == nil {
			in.Kind, in.Unsupported = channels.KindUnsupported, "interactive"
			break
		}
		in.Kind = channels.KindReply
		in.Reply = &channels.Reply{ID: channels.CleanField(r.ID, 256), Title: channels.CleanField(r.Title, 100)}
		in.Text = in.Reply.Title
	case "button":
		if m.Button == nil {
			in.Kind, in.Unsupported = channels.KindUnsupported, "button"
			break
		}
		in.Kind = channels.KindReply
		in.Reply = &channels.Reply{ID: channels.CleanField(m.Button.Payload, 256), Title: channels.CleanField(m.Button.Text, 100)}
		in.Text = in.Reply.Title
	case "location":
		l := m.Location
		if l == nil || l.Latitude < -90 || l.Latitude > 90 || l.Longitude < -180 || l.Longitude > 180 {
			in.Kind, in.Unsupported = channels.KindUnsupported, "location"
			break
		}
		in.Kind = channels.KindLocation
		in.Location = &channels.Location{
			Lat: l.Latitude, Lon: l.Longitude,
			Name:    channels.CleanField(l.Name, 200),
			Address: channels.CleanField(l.Address, 500),
		}
	case "reaction", "system":
		return channels.Inbound{}, false
	default:
		in.Kind, in.Unsupported = channels.KindUnsupported, channels.CleanField(m.Type, 32)
		if in.Unsupported == "" {
			in.Unsupported = "unknown"
		}
		var caption string
		for _, md := range []*media{m.Image, m.Video, m.Document} {
			if md != nil && md.Caption != "" {
				caption = md.Caption
			}
		}
		if caption != "" {
			in.Kind = channels.KindText
			setText(caption)
		}
	}
	return in, true
}
