// Package remote plays evaluation cases against a running Townhall server
// over its web chat websocket (docs/webchat-protocol.md), so that
// production can be measured as it is.
package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/evals"
)

// ErrServer is returned when the server answers a turn with an error
// frame.
var ErrServer = errors.New("server error")

// Target is an evals.Target that plays each case in a new web chat
// conversation on the server at Base. Every turn is sent as a message and
// its final reply awaited; the last reply is scored. The web chat is one
// channel, so a case's channel is not sent: cases written for SMS or
// WhatsApp are answered as web chat.
//
// Intent, service, citation document ids and retrieved documents come
// from optional fields of the server's message frame; a server too old to
// send them scores as though it had none.
type Target struct {
	// Base is the server's address: http(s):// or ws(s)://host:port.
	Base string
	// Dialer, if set, opens the websocket; nil means a default dialer.
	Dialer *websocket.Dialer
	// TurnTimeout bounds the wait for one reply; 0 means 60 seconds.
	TurnTimeout time.Duration
}

var _ evals.Target = (*Target)(nil)

// frame is the union of the protocol frames this client sends and reads.
type frame struct {
	Type           string     `json:"type"`
	ConversationID string     `json:"conversation_id,omitempty"`
	Needs          []string   `json:"needs,omitempty"`
	ClientID       string     `json:"client_id,omitempty"`
	Text           string     `json:"text,omitempty"`
	Seq            int        `json:"seq,omitempty"`
	Role           string     `json:"role,omitempty"`
	Citations      []citation `json:"citations,omitempty"`
	Intent         string     `json:"intent,omitempty"`
	Service        string     `json:"service,omitempty"`
	Retrieved      []string   `json:"retrieved,omitempty"`
	Code           string     `json:"code,omitempty"`
	Message        string     `json:"message,omitempty"`
}

type citation struct {
	N     int    `json:"n"`
	Title string `json:"title"`
	URL   string `json:"url"`
	DocID string `json:"doc_id"`
}

// endpoints returns the websocket address and the Origin to send.
func endpoints(base string) (wsURL, origin string, err error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil {
		return "", "", fmt.Errorf("remote address %q: %w", base, err)
	}
	o := *u
	switch u.Scheme {
	case "ws", "http":
		u.Scheme, o.Scheme = "ws", "http"
	case "wss", "https":
		u.Scheme, o.Scheme = "wss", "https"
	default:
		return "", "", fmt.Errorf("remote address %q: scheme must be http, https, ws or wss", base)
	}
	if u.Host == "" {
		return "", "", fmt.Errorf("remote address %q: no host", base)
	}
	o.Path, o.RawQuery, o.Fragment = "", "", ""
	u.Path = strings.TrimSuffix(u.Path, "/chat/ws") + "/chat/ws"
	return u.String(), o.String(), nil
}

// Run implements evals.Target.
func (t *Target) Run(ctx context.Context, c evals.Case) (evals.Outcome, error) {
	wsURL, origin, err := endpoints(t.Base)
	if err != nil {
		return evals.Outcome{}, err
	}
	d := t.Dialer
	if d == nil {
		d = &websocket.Dialer{HandshakeTimeout: 15 * time.Second}
	}
	conn, resp, err := d.DialContext(ctx, wsURL, http.Header{"Origin": {origin}})
	if err != nil {
		if resp != nil {
			return evals.Outcome{}, fmt.Errorf("dial %s: %s: %w", wsURL, resp.Status, err)
		}
		return evals.Outcome{}, fmt.Errorf("dial %s: %w", wsURL, err)
	}
	defer conn.Close()
	// Closing the connection is how ctx cancels a blocked read.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	if err := conn.WriteJSON(frame{Type: "hello", Needs: c.Needs}); err != nil {
		return evals.Outcome{}, fmt.Errorf("hello: %w", ctxErr(ctx, err))
	}
	timeout := t.TurnTimeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	if _, err := read(ctx, conn, timeout, func(f frame) (bool, error) { return f.Type == "welcome", nil }); err != nil {
		return evals.Outcome{}, fmt.Errorf("welcome: %w", err)
	}

	var (
		reply   frame
		elapsed time.Duration
	)
	for i, text := range c.Turns {
		id := "eval-" + strconv.Itoa(i+1)
		start := time.Now()
		if err := conn.WriteJSON(frame{Type: "message", ClientID: id, Text: text}); err != nil {
			return evals.Outcome{}, fmt.Errorf("turn %d: %w", i+1, ctxErr(ctx, err))
		}
		sent := 0 // the seq of our message, once echoed
		reply, err = read(ctx, conn, timeout, func(f frame) (bool, error) {
			switch f.Type {
			case "error":
				if f.ClientID == "" || f.ClientID == id {
					return false, fmt.Errorf("%s: %s: %w", f.Code, f.Message, ErrServer)
				}
			case "message":
				if f.Role == string(assistant.RoleResident) && f.ClientID == id {
					sent = f.Seq
				}
				return sent > 0 && f.Seq > sent && f.Role != string(assistant.RoleResident), nil
			}
			return false, nil // typing, partial, feedback, ack
		})
		elapsed = time.Since(start)
		if err != nil {
			return evals.Outcome{}, fmt.Errorf("turn %d: %w", i+1, err)
		}
	}
	o := evals.Outcome{
		Answered:  true,
		Intent:    reply.Intent,
		Service:   reply.Service,
		Retrieved: reply.Retrieved,
		Answer:    reply.Text,
		Grade:     assistant.Grade(reply.Text),
		Latency:   max(elapsed, time.Nanosecond),
	}
	for _, ct := range reply.Citations {
		if ct.DocID != "" {
			o.Citations = append(o.Citations, ct.DocID)
		}
		o.Cited = append(o.Cited, evals.Cited{ID: ct.DocID, Title: ct.Title, URL: ct.URL})
	}
	return o, nil
}

// read reads frames until done accepts one or fails, each read bounded by
// timeout.
func read(ctx context.Context, conn *websocket.Conn, timeout time.Duration, done func(frame) (bool, error)) (frame, error) {
	for {
		if err := conn.SetReadDeadline(time.Now().Add(timeout)); err != nil {
			return frame{}, err
		}
		_, data, err := conn.ReadMessage()
		if err != nil {
			return frame{}, ctxErr(ctx, err)
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			return frame{}, fmt.Errorf("frame %q: %w", data, err)
		}
		ok, err := done(f)
		if err != nil {
			return frame{}, err
		}
		if ok {
			return f, nil
		}
	}
}

// ctxErr prefers ctx's error to the one a closed connection gave.
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%w (%v)", cerr, err)
	}
	return err
}
