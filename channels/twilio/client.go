package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/channels"
)

// DefaultBaseURL is Twilio's REST API.
const DefaultBaseURL = "https://api.twilio.com"

// MaxBodyRunes is the longest message body Twilio accepts.
const MaxBodyRunes = 1600

// Client sends SMS (and WhatsApp via Twilio) through Twilio's Messages
// API. It implements channels.Sender.
type Client struct {
	AccountSID string
	AuthToken  string
	// BaseURL overrides DefaultBaseURL (for tests).
	BaseURL string
	// From is the sending number in E.164 form. MessagingServiceSID, if
	// set, is sent instead and lets Twilio pick the number.
	From                string
	MessagingServiceSID string
	// StatusCallback, if set, is the URL Twilio posts delivery status to.
	StatusCallback string
	// OptOuts, if set, is consulted before every send; an opted-out
	// recipient gets nothing and Send returns channels.ErrOptedOut.
	OptOuts channels.OptOuts
	// HTTPClient defaults to http.DefaultClient.
	HTTPClient *http.Client
}

var _ channels.Sender = (*Client)(nil)

// Message is the part of Twilio's Message resource Townhall uses.
type Message struct {
	SID         string `json:"sid"`
	Status      string `json:"status"` // queued, sending, sent, failed, ...
	To          string `json:"to"`
	From        string `json:"from"`
	NumSegments string `json:"num_segments"`
}

// Send implements channels.Sender. The message is rendered as plain text
// (channels.PlainText); a Template is sent as a Twilio Content template
// (ContentSid = Template.Name, ContentVariables {"1": Params[0], ...}).
// It returns the Message SID. Errors: channels.ErrInvalid for an
// unusable recipient, channels.ErrTooLarge for a body over 1,600
// characters, channels.ErrOptedOut, or *Error from Twilio.
func (c *Client) Send(ctx context.Context, m channels.Outbound) (string, error) {
	msg, err := c.SendMessage(ctx, m)
	if err != nil {
		return "", err
	}
	return msg.SID, nil
}

// SendMessage is Send returning the whole Message resource.
func (c *Client) SendMessage(ctx context.Context, m channels.Outbound) (*Message, error) {
	to, from := m.To.Address, c.From
	switch m.To.Channel {
	case channels.SMS:
	case channels.WhatsApp:
		to, from = "whatsapp:"+to, "whatsapp:"+from
	default:
		return nil, fmt.Errorf("%w: twilio cannot send to channel %q", channels.ErrInvalid, m.To.Channel)
	}
	if !channels.ValidE164(m.To.Address) {
		return nil, fmt.Errorf("%w: recipient %q is not an E.164 number", channels.ErrInvalid, m.To.Address)
	}
	if c.OptOuts != nil {
		out, err := c.OptOuts.OptedOut(ctx, m.To)
		if err != nil {
			return nil, fmt.Errorf("twilio: opt-outs: %w", err)
		}
		if out {
			return nil, fmt.Errorf("twilio: %s: %w", m.To.Key(), channels.ErrOptedOut)
		}
	}
	form := url.Values{"To": {to}}
	if c.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", c.MessagingServiceSID)
	} else {
		form.Set("From", from)
	}
	if c.StatusCallback != "" {
		form.Set("StatusCallback", c.StatusCallback)
	}
	if t := m.Template; t != nil {
		vars := map[string]string{}
		for i, p := range t.Params {
			vars[strconv.Itoa(i+1)] = p
		}
		b, _ := json.Marshal(vars)
		form.Set("ContentSid", t.Name)
		form.Set("ContentVariables", string(b))
	} else {
		body := channels.PlainText(m)
		if body == "" {
			return nil, fmt.Errorf("%w: empty message", channels.ErrInvalid)
		}
		if n := utf8.RuneCountInString(body); n > MaxBodyRunes {
			return nil, fmt.Errorf("%w: %d characters, Twilio takes %d", channels.ErrTooLarge, n, MaxBodyRunes)
		}
		form.Set("Body", body)
	}
	var out Message
	if err := c.post(ctx, "/2010-04-01/Accounts/"+url.PathEscape(c.AccountSID)+"/Messages.json", form, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) post(ctx context.Context, path string, form url.Values, out any) error {
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+path, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("twilio: %w", err)
	}
	req.SetBasicAuth(c.AccountSID, c.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("twilio: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("twilio: reading response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		e := &Error{}
		if json.Unmarshal(body, e) != nil || e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
		e.Status = resp.StatusCode
		return e
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("twilio: decoding response: %w", err)
	}
	return nil
}
