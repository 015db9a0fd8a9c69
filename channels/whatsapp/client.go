package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/channels"
)

// Defaults for Client.
const (
	DefaultBaseURL    = "https://graph.facebook.com"
	DefaultAPIVersion = "v23.0"
)

// Limits of the Cloud API's message types.
const (
	MaxTextRunes        = 4096 // text.body
	MaxInteractiveRunes = 1024 // interactive.body.text
	MaxButtons          = 3    // reply buttons per message
	MaxButtonTitle      = 20   // reply button title
	maxButtonID         = 256
)

// Client sends messages through the WhatsApp Cloud API. It implements
// channels.Sender.
type Client struct {
	// Token is the system-user access token (sent as a Bearer token).
	Token string
	// PhoneNumberID is the business phone number's Graph id.
	PhoneNumberID string
	// BaseURL overrides DefaultBaseURL (for tests); APIVersion overrides
	// DefaultAPIVersion.
	BaseURL, APIVersion string
	// Window tells whether a user's customer service window is open. If
	// nil, every free-form message is attempted and Meta's re-engagement
	// error is reported as channels.ErrOutsideWindow.
	Window Window
	// Fallback is the approved template sent instead of a free-form
	// message when the window is closed, typically "you have a reply,
	// write back to see it". If nil, Send returns ErrOutsideWindow.
	Fallback *channels.Template
	// HTTPClient defaults to http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

var _ channels.Sender = (*Client)(nil)

// Result describes a sent message.
type Result struct {
	ID string // wamid
	// Fallback reports that the window was closed and the Fallback
	// template went instead of the message: its text was not delivered,
	// and should be sent again when the user writes back.
	Fallback bool
}

// Send implements channels.Sender and returns the wamid. See SendMessage.
func (c *Client) Send(ctx context.Context, m channels.Outbound) (string, error) {
	r, err := c.SendMessage(ctx, m)
	return r.ID, err
}

// SendMessage sends m in the richest form that fits:
//
//   - m.Template set: a template message, allowed at any time;
//   - window closed: the Fallback template, or channels.ErrOutsideWindow;
//   - 1 to 3 quick replies and text within 1,024 characters: an
//     interactive message with reply buttons (title cut to 20 characters;
//     the button id is the full quick reply, which comes back in
//     channels.Reply.ID);
//   - otherwise a text message (Format applied, links as lines, quick
//     replies as a "Reply with:" hint), with link previews off.
//
// Errors wrap channels.ErrInvalid, ErrTooLarge or ErrOutsideWindow, or are
// *Error from Meta.
func (c *Client) SendMessage(ctx context.Context, m channels.Outbound) (Result, error) {
	if m.To.Channel != channels.WhatsApp || !channels.ValidE164(m.To.Address) {
		return Result{}, fmt.Errorf("%w: cannot send WhatsApp to %s", channels.ErrInvalid, m.To.Key())
	}
	to := strings.TrimPrefix(m.To.Address, "+")
	m, fallback, err := route(ctx, c.Window, c.Fallback, c.now(), m)
	if err != nil {
		return Result{}, err
	}
	if m.Template != nil {
		id, err := c.post(ctx, templateMessage(to, m.Template))
		return Result{ID: id, Fallback: fallback}, err
	}
	body, err := freeForm(to, m)
	if err != nil {
		return Result{}, err
	}
	id, err := c.post(ctx, body)
	return Result{ID: id}, err
}

// freeForm builds a text or interactive message.
func freeForm(to string, m channels.Outbound) (map[string]any, error) {
	text := Format(strings.TrimSpace(m.Text))
	for i, l := range m.Links {
		if i == 0 && text != "" {
			text += "\n"
		}
		text += "\n"
		if l.Title != "" {
			text += l.Title + ": "
		}
		text += l.URL
	}
	msg := map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
	n := len(m.QuickReplies)
	if n >= 1 && n <= MaxButtons && text != "" && utf8.RuneCountInString(text) <= MaxInteractiveRunes {
		var buttons []map[string]any
		for _, q := range m.QuickReplies {
			buttons = append(buttons, map[string]any{
				"type":  "reply",
				"reply": map[string]string{"id": clip(q, maxButtonID, ""), "title": clip(q, MaxButtonTitle, "…")},
			})
		}
		msg["type"] = "interactive"
		msg["interactive"] = map[string]any{
			"type":   "button",
			"body":   map[string]string{"text": text},
			"action": map[string]any{"buttons": buttons},
		}
		return msg, nil
	}
	if n > 0 {
		text = channels.PlainText(channels.Outbound{Text: text, QuickReplies: m.QuickReplies})
	}
	if text == "" {
		return nil, fmt.Errorf("%w: empty message", channels.ErrInvalid)
	}
	if k := utf8.RuneCountInString(text); k > MaxTextRunes {
		return nil, fmt.Errorf("%w: %d characters, WhatsApp takes %d", channels.ErrTooLarge, k, MaxTextRunes)
	}
	msg["type"] = "text"
	msg["text"] = map[string]any{"body": text, "preview_url": false}
	return msg, nil
}

func templateMessage(to string, t *channels.Template) map[string]any {
	lang := t.Language
	if lang == "" {
		lang = "en_GB"
	}
	tpl := map[string]any{"name": t.Name, "language": map[string]string{"code": lang}}
	if len(t.Params) > 0 {
		var params []map[string]string
		for _, p := range t.Params {
			params = append(params, map[string]string{"type": "text", "text": p})
		}
		tpl["components"] = []map[string]any{{"type": "body", "parameters": params}}
	}
	return map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "template", "template": tpl}
}

// clip cuts s to n runes, ending with mark if it was cut.
func clip(s string, n int, mark string) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-utf8.RuneCountInString(mark)])) + mark
}

type sendResponse struct {
	Messages []struct {
		ID string `json:"id"`
	} `json:"messages"`
}

func (c *Client) post(ctx context.Context, msg map[string]any) (string, error) {
	b, err := json.Marshal(msg)
	if err != nil {
		return "", fmt.Errorf("whatsapp: %w", err)
	}
	base, ver := c.BaseURL, c.APIVersion
	if base == "" {
		base = DefaultBaseURL
	}
	if ver == "" {
		ver = DefaultAPIVersion
	}
	u := strings.TrimRight(base, "/") + "/" + ver + "/" + url.PathEscape(c.PhoneNumberID) + "/messages"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("whatsapp: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("whatsapp: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("whatsapp: reading response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		var eb errorBody
		e := &Error{Status: resp.StatusCode, Message: http.StatusText(resp.StatusCode)}
		if json.Unmarshal(body, &eb) == nil && eb.Error.Message != "" {
			x := eb.Error
			e.Code, e.Subcode, e.Type, e.Message, e.Details, e.TraceID = x.Code, x.Subcode, x.Type, x.Message, x.ErrorData.Details, x.FBTraceID
		}
		return "", e
	}
	var sr sendResponse
	if err := json.Unmarshal(body, &sr); err != nil || len(sr.Messages) == 0 || sr.Messages[0].ID == "" {
		return "", fmt.Errorf("whatsapp: response has no message id: %s", clip(string(body), 200, "…"))
	}
	return sr.Messages[0].ID, nil
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
