package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// DefaultBaseURL is Notify's API.
const DefaultBaseURL = "https://api.notifications.service.gov.uk"

// Client calls the Notify API. Its zero value is not usable: APIKey is
// required.
type Client struct {
	// APIKey is the key from Notify's API integration page.
	APIKey string
	// BaseURL overrides DefaultBaseURL (for tests).
	BaseURL string
	// HTTPClient defaults to http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock for the JWT's iat; nil means time.Now.
	Now func() time.Time
}

// SMS is a request to send a text message from a template.
type SMS struct {
	PhoneNumber     string         `json:"phone_number"`
	TemplateID      string         `json:"template_id"`
	Personalisation map[string]any `json:"personalisation,omitempty"`
	// Reference identifies the message in Townhall, e.g. a request id.
	Reference   string `json:"reference,omitempty"`
	SMSSenderID string `json:"sms_sender_id,omitempty"`
}

// Email is a request to send an email from a template.
type Email struct {
	EmailAddress    string         `json:"email_address"`
	TemplateID      string         `json:"template_id"`
	Personalisation map[string]any `json:"personalisation,omitempty"`
	Reference       string         `json:"reference,omitempty"`
	EmailReplyToID  string         `json:"email_reply_to_id,omitempty"`
}

// Notification is Notify's response to a send.
type Notification struct {
	ID        string      `json:"id"`
	Reference string      `json:"reference"`
	URI       string      `json:"uri"`
	Content   Content     `json:"content"`
	Template  TemplateRef `json:"template"`
}

// Content is the rendered message.
type Content struct {
	Body       string `json:"body"`
	FromNumber string `json:"from_number,omitempty"` // SMS
	Subject    string `json:"subject,omitempty"`     // email
	FromEmail  string `json:"from_email,omitempty"`  // email
}

// TemplateRef identifies the template version used.
type TemplateRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	URI     string `json:"uri"`
}

// SendSMS sends a templated text message (POST /v2/notifications/sms).
// Errors wrap channels.ErrInvalid for a missing field or bad key, or are
// *Error from Notify.
func (c *Client) SendSMS(ctx context.Context, m SMS) (*Notification, error) {
	if m.PhoneNumber == "" || m.TemplateID == "" {
		return nil, fmt.Errorf("%w: phone number and template id are required", channels.ErrInvalid)
	}
	return c.send(ctx, "/v2/notifications/sms", m)
}

// SendEmail sends a templated email (POST /v2/notifications/email).
// Errors as for SendSMS.
func (c *Client) SendEmail(ctx context.Context, m Email) (*Notification, error) {
	if m.EmailAddress == "" || m.TemplateID == "" {
		return nil, fmt.Errorf("%w: email address and template id are required", channels.ErrInvalid)
	}
	return c.send(ctx, "/v2/notifications/email", m)
}

func (c *Client) send(ctx context.Context, path string, payload any) (*Notification, error) {
	key, err := ParseKey(c.APIKey)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+path, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	req.Header.Set("Authorization", "Bearer "+key.Token(now()))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "townhall-notify-go")
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("notify: reading response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		e := &Error{}
		if json.Unmarshal(body, e) != nil || len(e.Errors) == 0 {
			e.Errors = []APIError{{Error: "HTTPError", Message: http.StatusText(resp.StatusCode)}}
		}
		e.StatusCode = resp.StatusCode
		return nil, e
	}
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, fmt.Errorf("notify: decoding response: %w", err)
	}
	return &n, nil
}

// SMSSender sends free-text SMS through a Notify template whose whole body
// is one placeholder, e.g. "((message))". It implements channels.Sender,
// so status updates ("your pothole is fixed") can go by SMS when WhatsApp's
// window is closed.
type SMSSender struct {
	Client *Client
	// TemplateID is the template with the single placeholder.
	TemplateID string
	// Field is the placeholder's name; empty means "message".
	Field string
	// OptOuts, if set, is consulted before every send.
	OptOuts channels.OptOuts
}

var _ channels.Sender = (*SMSSender)(nil)

// Send implements channels.Sender: it renders m as plain text into the
// placeholder and returns Notify's notification id. Outbound templates are
// not supported (channels.ErrInvalid).
func (s *SMSSender) Send(ctx context.Context, m channels.Outbound) (string, error) {
	if m.To.Channel != channels.SMS || !channels.ValidE164(m.To.Address) {
		return "", fmt.Errorf("%w: cannot send SMS to %s", channels.ErrInvalid, m.To.Key())
	}
	if m.Template != nil {
		return "", fmt.Errorf("%w: SMSSender sends text, not templates", channels.ErrInvalid)
	}
	if s.OptOuts != nil {
		out, err := s.OptOuts.OptedOut(ctx, m.To)
		if err != nil {
			return "", fmt.Errorf("notify: opt-outs: %w", err)
		}
		if out {
			return "", fmt.Errorf("notify: %s: %w", m.To.Key(), channels.ErrOptedOut)
		}
	}
	text := channels.PlainText(m)
	if text == "" {
		return "", fmt.Errorf("%w: empty message", channels.ErrInvalid)
	}
	field := s.Field
	if field == "" {
		field = "message"
	}
	n, err := s.Client.SendSMS(ctx, SMS{PhoneNumber: m.To.Address, TemplateID: s.TemplateID, Personalisation: map[string]any{field: text}})
	if err != nil {
		return "", err
	}
	return n.ID, nil
}
