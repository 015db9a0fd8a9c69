package webchat

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/townhall-civic/townhall/assistant"
)

// maxInflightPerConn is how many messages one connection may have waiting
// for an answer; more are refused as rate limited.
const maxInflightPerConn = 4

// client is one websocket connection: a resident's widget or a member of
// staff's console. One goroutine reads; writes come from any goroutine
// and are serialised by wmu.
type client struct {
	s        *Server
	ws       *websocket.Conn
	ip       string
	resident string // "web:<session>" for a resident
	staff    string // the member of staff, for a console connection
	pinger   *time.Timer

	// Used only by the reading goroutine.
	frames, msgs *rate.Limiter
	dropped      int
	lastLimitErr time.Time
	st           *convState
	convID       string
	needs        *assistant.Needs

	inflight atomic.Int32

	wmu      sync.Mutex
	welcomed bool // guarded by wmu
	sent     int  // highest seq sent, guarded by wmu
	closed   bool // guarded by wmu
}

// handleWS upgrades a resident's connection.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	session, cookie := s.session(r)
	var hdr http.Header
	if cookie != nil {
		hdr = http.Header{"Set-Cookie": {cookie.String()}}
	}
	s.serveWS(w, r, &s.upgrader, hdr, func(c *client) { c.resident = "web:" + session })
}

// serveWS upgrades the connection and starts its reader.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request, up *websocket.Upgrader, hdr http.Header, init func(*client)) {
	ip := clientIP(r)
	s.mu.Lock()
	draining := s.draining
	s.mu.Unlock()
	if draining {
		http.Error(w, "restarting", http.StatusServiceUnavailable)
		return
	}
	if !s.ips.connect(ip) {
		http.Error(w, "too many connections from your address", http.StatusTooManyRequests)
		return
	}
	ws, err := up.Upgrade(w, r, hdr)
	if err != nil {
		s.ips.disconnect(ip) // the upgrader has replied
		return
	}
	c := &client{
		s:      s,
		ws:     ws,
		ip:     ip,
		frames: newLimiter(s.limits.FrameRate, s.limits.FrameBurst),
		msgs:   newLimiter(s.limits.MessageRate, s.limits.MessageBurst),
	}
	init(c)
	s.mu.Lock()
	s.clients[c] = struct{}{}
	s.readers.Add(1)
	s.mu.Unlock()
	// The reader runs in its own goroutine so this handler returns and
	// the HTTP server frees its per-request state.
	go c.readLoop()
}

func (c *client) readLoop() {
	s := c.s
	defer func() {
		c.wmu.Lock()
		c.closed = true
		c.pinger.Stop()
		c.wmu.Unlock()
		c.ws.Close()
		if c.st != nil {
			s.unsubscribe(c.st, c)
		}
		s.ips.disconnect(c.ip)
		s.mu.Lock()
		delete(s.clients, c)
		s.mu.Unlock()
		s.readers.Done()
	}()
	if s.limits.MaxFrameHardBytes > 0 {
		c.ws.SetReadLimit(s.limits.MaxFrameHardBytes)
	}
	alive := func() { c.ws.SetReadDeadline(time.Now().Add(s.cfg.PongWait)) }
	alive()
	c.ws.SetPongHandler(func(string) error { alive(); return nil })
	c.wmu.Lock()
	c.pinger = time.AfterFunc(s.cfg.PingInterval, c.ping)
	c.wmu.Unlock()

	soft := s.limits.MaxFrameBytes
	for {
		mt, r, err := c.ws.NextReader()
		if err != nil {
			return
		}
		if c.isClosed() {
			return
		}
		alive()
		var data []byte
		if soft > 0 {
			data, err = io.ReadAll(io.LimitReader(r, soft+1))
		} else {
			data, err = io.ReadAll(r)
		}
		if err != nil {
			return // over the hard limit: gorilla has sent close 1009
		}
		if soft > 0 && int64(len(data)) > soft {
			if _, err := io.Copy(io.Discard, r); err != nil {
				return
			}
			c.send(errorFrame(CodeTooLarge, "That frame is too large; the limit is "+byteSize(soft)+".", ""))
			continue
		}
		if !allow(c.frames) {
			c.limited("")
			continue
		}
		if mt != websocket.TextMessage {
			c.send(errorFrame(CodeUnsupported, "Send JSON text frames, not binary ones.", ""))
			continue
		}
		if !utf8.Valid(data) {
			c.send(errorFrame(CodeBadUTF8, "That frame is not valid UTF-8 text.", ""))
			continue
		}
		var f clientFrame
		if err := json.Unmarshal(data, &f); err != nil || f.Type == "" {
			c.send(errorFrame(CodeBadJSON, "That frame is not a JSON object with a \"type\" field.", ""))
			continue
		}
		c.handle(f)
	}
}

func (c *client) handle(f clientFrame) {
	s := c.s
	if f.Type != FrameHello && c.convID == "" {
		c.send(errorFrame(CodeHelloRequired, "Send a hello frame first.", f.ClientID))
		return
	}
	switch f.Type {
	case FrameHello:
		c.hello(f)
	case FrameMessage:
		if f.ClientID != "" && !validID(f.ClientID) {
			c.send(errorFrame(CodeInvalid, "client_id must be 1 to 64 letters, digits, '-' or '_'.", ""))
			return
		}
		if c.inflight.Load() >= maxInflightPerConn || !allow(c.msgs) || (c.staff == "" && !s.ips.allowMessage(c.ip)) {
			c.limited(f.ClientID)
			return
		}
		c.inflight.Add(1)
		go func() {
			defer c.inflight.Add(-1)
			c.message(f)
		}()
	case FrameFeedback:
		if c.staff != "" || f.Seq < 1 || f.Helpful == nil {
			c.send(errorFrame(CodeInvalid, "feedback needs seq and helpful.", ""))
			return
		}
		go func() {
			if err := s.saveFeedback(context.Background(), c.convID, assistant.ChannelWeb, f.Seq, *f.Helpful); err != nil {
				code, msg := errorCode(err)
				if code == CodeInvalid {
					msg = "There is no answer to give feedback on with that seq."
				}
				c.send(errorFrame(code, msg, ""))
				return
			}
			c.send(serverFrame{Type: FrameFeedback, Seq: f.Seq, Helpful: f.Helpful})
		}()
	case FrameTyping:
		role := assistant.RoleResident
		if c.staff != "" {
			role = assistant.RoleStaff
		}
		s.broadcastOthers(c.st, c, serverFrame{Type: FrameTyping, Role: role})
	default:
		c.send(errorFrame(CodeUnsupported, "Unknown frame type "+jsonQuote(f.Type)+".", f.ClientID))
	}
}

// hello binds the connection to a conversation and replays what the
// client has not seen.
func (c *client) hello(f clientFrame) {
	s := c.s
	if c.convID != "" {
		c.send(errorFrame(CodeInvalid, "hello was already sent on this connection.", ""))
		return
	}
	ctx := context.Background()
	id := f.ConversationID
	known, pending := false, false
	if validID(id) {
		conv, err := s.cfg.Conversations.FindConversationByID(ctx, id)
		switch {
		case err == nil:
			known = conv.Channel == assistant.ChannelWeb || c.staff != ""
		case !errors.Is(err, assistant.ErrNotFound):
			c.send(errorFrame(CodeInternal, "Sorry, the conversation could not be loaded. Please try again.", ""))
			return
		case c.staff == "":
			// Not stored yet: its first answer may still be on its way
			// (the resident dropped and came back mid-answer). The id was
			// issued by this server if it is in use here, or by another
			// sharing the store if one holds its lock.
			s.mu.Lock()
			pending = s.convs[id] != nil
			s.mu.Unlock()
			if !pending && s.turns != nil {
				busy, err := s.turns.TurnBusy(ctx, id)
				if err != nil {
					s.cfg.Logger.Warn("webchat: hello: is the conversation being answered elsewhere", "err", err)
				}
				pending = busy
			}
		}
	}
	if c.staff != "" && !known {
		c.send(errorFrame(CodeInvalid, "No such conversation.", ""))
		return
	}
	if !known && !pending {
		// Unknown, foreign or malformed ids start afresh: a client cannot
		// choose the id of a conversation, nor learn whether one exists.
		id = s.newID()
	}
	if len(f.Needs) > 0 {
		n := assistant.ParseNeeds(f.Needs)
		c.needs = &n
	}
	c.convID = id
	c.st = s.subscribe(id, c)
	last := 0
	var conv *assistant.Conversation
	if known {
		var err error
		if conv, err = s.cfg.Conversations.FindConversationByID(ctx, id); err != nil {
			c.send(errorFrame(CodeInternal, "Sorry, the conversation could not be loaded. Please try again.", ""))
			return
		}
		last = nextSeq(conv) - 1
	}
	c.wmu.Lock()
	c.sent = 0
	if known && f.LastSeq > 0 {
		c.sent = min(f.LastSeq, last)
	}
	c.welcomed = true
	c.writeLocked(serverFrame{Type: FrameWelcome, ConversationID: id, Seq: last})
	replay := c.sent < last
	c.wmu.Unlock()
	if replay {
		c.replay(ctx, conv)
	}
}

// replay sends the turns of conv the client has not seen, with their
// client ids.
func (c *client) replay(ctx context.Context, conv *assistant.Conversation) {
	ids, err := c.s.cfg.Messages.ClientIDs(ctx, conv.ID)
	if err != nil {
		c.s.cfg.Logger.Warn("webchat: client ids", "err", err)
	}
	c.s.mu.Lock()
	extra := c.st.extra
	c.s.mu.Unlock()
	c.sync(conv, func(seq int) turnExtra {
		if seq == extra.seq {
			return turnExtra{clientID: ids[seq], suggestions: extra.suggestions, handoff: extra.handoff, service: extra.service, retrieved: extra.retrieved}
		}
		return turnExtra{clientID: ids[seq]}
	})
}

// message handles a message frame.
func (c *client) message(f clientFrame) {
	s := c.s
	ctx := context.Background()
	if c.staff != "" {
		if err := s.StaffReply(ctx, c.convID, c.staff, f.Text); err != nil {
			code, msg := errorCode(err)
			c.send(errorFrame(code, msg, f.ClientID))
		}
		return
	}
	rc, err := s.Receive(ctx, Incoming{
		ConversationID: c.convID,
		Channel:        assistant.ChannelWeb,
		Resident:       c.resident,
		ClientID:       f.ClientID,
		Text:           f.Text,
		Needs:          c.needs,
	})
	if err != nil {
		code, msg := errorCode(err)
		if code == CodeInternal {
			s.cfg.Logger.Error("webchat: message", "err", err)
		}
		c.send(errorFrame(code, msg, f.ClientID))
		return
	}
	if rc.Duplicate {
		c.send(serverFrame{Type: FrameAck, ClientID: f.ClientID, Seq: rc.Seq})
		if conv, err := s.cfg.Conversations.FindConversationByID(ctx, c.convID); err == nil {
			c.replay(ctx, conv)
		}
	}
}

// limited answers a rate-limited frame: an error at most once a second,
// and the connection closed (1008) after Limits.MaxDropped of them.
func (c *client) limited(clientID string) {
	c.dropped++
	if max := c.s.limits.MaxDropped; max > 0 && c.dropped > max {
		c.closeWith(websocket.ClosePolicyViolation, "rate limit exceeded")
		return
	}
	if now := time.Now(); clientID != "" || now.Sub(c.lastLimitErr) >= time.Second {
		c.lastLimitErr = now
		c.send(errorFrame(CodeRateLimited, "You are sending messages too quickly. Please wait a moment and try again.", clientID))
	}
}

// sync sends the turns of conv after the last one sent. extra gives what
// a turn's frame carries beyond the stored turn.
func (c *client) sync(conv *assistant.Conversation, extra func(seq int) turnExtra) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if !c.welcomed || c.closed {
		return
	}
	for _, t := range conv.Turns {
		if t.Seq <= c.sent {
			continue
		}
		x := extra(t.Seq)
		if t.Role != assistant.RoleResident {
			x.clientID = ""
		}
		if err := c.writeLocked(turnFrame(t, x)); err != nil {
			return
		}
		c.sent = t.Seq
	}
}

// send writes f. Frames other than errors wait for the welcome.
func (c *client) send(f serverFrame) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed || (!c.welcomed && f.Type != FrameError) {
		return
	}
	c.writeLocked(f)
}

// writeLocked writes one frame; a failed write closes the connection.
// The caller holds wmu.
func (c *client) writeLocked(f serverFrame) error {
	if c.closed {
		return websocket.ErrCloseSent
	}
	c.ws.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteWait))
	if err := c.ws.WriteJSON(f); err != nil {
		c.closed = true
		c.ws.Close()
		return err
	}
	return nil
}

// ping keeps the connection alive and detects dead peers.
func (c *client) ping() {
	c.wmu.Lock()
	t, closed := c.pinger, c.closed
	c.wmu.Unlock()
	if closed || t == nil {
		return
	}
	if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.s.cfg.WriteWait)); err != nil {
		c.ws.Close()
		return
	}
	t.Reset(c.s.cfg.PingInterval)
}

// closeWith sends a close frame and gives the peer a second to answer it
// before the reader gives up.
func (c *client) closeWith(code int, reason string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(c.s.cfg.WriteWait))
	c.ws.SetReadDeadline(time.Now().Add(time.Second))
}

func (c *client) isClosed() bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.closed
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return itoa(n>>10) + " KiB"
	}
	return itoa(n) + " bytes"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func jsonQuote(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	b, _ := json.Marshal(s)
	return string(b)
}
