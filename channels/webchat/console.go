package webchat

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels"
)

// staffCookie holds the console user's display name. Staff sign-in comes
// later; until then the console trusts whoever sits at this machine.
const staffCookie = "th_staff"

// registerConsole mounts the staff console under /staff/, for loopback
// clients only.
func (s *Server) registerConsole(mux *http.ServeMux) {
	forms := func(h http.HandlerFunc) http.Handler { return staffOnly(s.formProtection(h)) }
	mux.Handle("GET /staff/{$}", staffOnly(http.HandlerFunc(s.handleQueue)))
	mux.Handle("GET /staff/console.js", staffOnly(s.serveAsset("static/console.js")))
	mux.Handle("GET /staff/handoffs/{id}", staffOnly(http.HandlerFunc(s.handleHandoff)))
	mux.Handle("GET /staff/ws", staffOnly(http.HandlerFunc(s.handleStaffWS)))
	mux.Handle("POST /staff/name", forms(s.handleStaffName))
	mux.Handle("POST /staff/handoffs/{id}/{action}", forms(s.handleStaffAction))
	// Anything else under /staff/ is refused the same way, not served by
	// a catch-all elsewhere.
	mux.Handle("/staff/", staffOnly(http.NotFoundHandler()))
}

// staffOnly refuses requests that did not come from this machine: the
// peer address must be loopback, the Host header must name this machine
// (against DNS rebinding) and nothing may say the request was forwarded
// (a reverse proxy on this machine also connects from loopback).
// Forwarding headers are never trusted for the address itself.
func staffOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackRequest(r) {
			http.Error(w, "The staff console accepts connections from this machine only.", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func loopbackRequest(r *http.Request) bool {
	if ip := net.ParseIP(clientIP(r)); ip == nil || !ip.IsLoopback() {
		return false
	}
	for _, k := range []string{"X-Forwarded-For", "X-Forwarded-Host", "X-Real-Ip", "Forwarded"} {
		if _, ok := r.Header[k]; ok {
			return false
		}
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// staffName is the console user's name from the cookie, or "".
func staffName(r *http.Request) string {
	c, err := r.Cookie(staffCookie)
	if err != nil {
		return ""
	}
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	return channels.CleanField(v, 40)
}

type queueRow struct {
	ID         int64
	At         string
	Channel    assistant.Channel
	Reason     string
	OutOfHours bool
	Last       string
	Status     assistant.HandoffStatus
	ClaimedBy  string
	Mine       bool
}

func (s *Server) handleQueue(w http.ResponseWriter, r *http.Request) {
	s.renderQueue(w, r, http.StatusOK, r.URL.Query().Get("error"))
}

// consoleErrors are the messages a redirect back to the queue may show,
// by key, so the query string cannot inject text.
var consoleErrors = map[string]string{
	"name":     "Enter your name before taking a conversation.",
	"conflict": "Someone else has taken that conversation, or it is closed.",
	"notfound": "That conversation is no longer in the queue.",
}

func (s *Server) renderQueue(w http.ResponseWriter, r *http.Request, status int, errKey string) {
	staff := staffName(r)
	data := struct {
		Council  string
		Staff    string
		Error    string
		Handoffs []queueRow
	}{Council: s.cfg.Council, Staff: staff, Error: consoleErrors[errKey]}
	if s.cfg.Handoffs != nil {
		hs, err := s.cfg.Handoffs.ListHandoffs(r.Context(), assistant.HandoffFilter{Status: []assistant.HandoffStatus{assistant.HandoffWaiting, assistant.HandoffClaimed}})
		if err != nil {
			s.cfg.Logger.Error("webchat: console queue", "err", err)
			data.Error, status = "The queue could not be loaded.", http.StatusInternalServerError
		}
		for _, h := range hs {
			row := queueRow{ID: h.ID, At: assistant.UKTime(h.At).Format("Mon 2 Jan 15:04"), Channel: h.Channel, Reason: h.Reason,
				OutOfHours: h.OutOfHours, Status: h.Status, ClaimedBy: h.ClaimedBy, Mine: staff != "" && h.ClaimedBy == staff}
			for i := len(h.Transcript) - 1; i >= 0; i-- {
				if h.Transcript[i].Role == assistant.RoleResident {
					row.Last = channels.CleanField(h.Transcript[i].Text, 120)
					break
				}
			}
			data.Handoffs = append(data.Handoffs, row)
		}
	}
	s.renderConsole(w, status, "queue.html", data)
}

func (s *Server) renderConsole(w http.ResponseWriter, status int, name string, data any) {
	securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.pages.ExecuteTemplate(w, name, data); err != nil {
		s.cfg.Logger.Error("webchat: render console", "page", name, "err", err)
	}
}

// staffWho names a turn's speaker for staff.
func staffWho(r assistant.Role) string {
	switch r {
	case assistant.RoleResident:
		return "Resident"
	case assistant.RoleStaff:
		return "Staff"
	}
	return "Assistant"
}

type earlierConversation struct {
	Started string
	Channel assistant.Channel
	Turns   []pageTurn
}

func (s *Server) handleHandoff(w http.ResponseWriter, r *http.Request) {
	s.renderHandoff(w, r, http.StatusOK, "")
}

func (s *Server) renderHandoff(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h, err := s.findHandoff(ctx, id)
	if errors.Is(err, assistant.ErrNotFound) {
		http.Redirect(w, r, "/staff/?error=notfound", http.StatusSeeOther)
		return
	} else if err != nil {
		s.cfg.Logger.Error("webchat: console hand-off", "err", err)
		http.Error(w, "The hand-off could not be loaded.", http.StatusInternalServerError)
		return
	}
	staff := staffName(r)
	conv, err := s.cfg.Conversations.FindConversationByID(ctx, h.ConversationID)
	if err != nil {
		// The queue keeps a copy of the transcript from the hand-off.
		conv = &assistant.Conversation{ID: h.ConversationID, Channel: h.Channel, Resident: h.Resident, Turns: h.Transcript}
	}
	data := struct {
		Council      string
		Handoff      *assistant.QueuedHandoff
		Conversation *assistant.Conversation
		Turns        []pageTurn
		LastSeq      int
		Mine         bool
		Earlier      []earlierConversation
		Error        string
	}{Council: s.cfg.Council, Handoff: h, Conversation: conv, Turns: pageTurns(conv.Turns, staffWho), LastSeq: nextSeq(conv) - 1,
		Mine: staff != "" && h.Status == assistant.HandoffClaimed && h.ClaimedBy == staff, Error: errMsg}
	data.Earlier = s.earlierConversations(ctx, h.Resident, conv.ID, 10)
	s.renderConsole(w, status, "handoff.html", data)
}

// earlierConversations returns up to limit of the resident's other
// conversations, newest first. A phone number is one resident on SMS and
// on WhatsApp, so both channels' conversations are shown.
func (s *Server) earlierConversations(ctx context.Context, resident, current string, limit int) []earlierConversation {
	if resident == "" {
		return nil
	}
	var convs []*assistant.Conversation
	seen := map[string]bool{current: true}
	for _, key := range residentKeys(resident) {
		ids, err := s.cfg.Messages.ResidentConversations(ctx, key, limit+1)
		if err != nil {
			s.cfg.Logger.Warn("webchat: resident conversations", "err", err)
			continue
		}
		for _, cid := range ids {
			if seen[cid] {
				continue
			}
			seen[cid] = true
			if c, err := s.cfg.Conversations.FindConversationByID(ctx, cid); err == nil {
				convs = append(convs, c)
			}
		}
	}
	sort.SliceStable(convs, func(i, j int) bool { return convs[i].Created.After(convs[j].Created) })
	if len(convs) > limit {
		convs = convs[:limit]
	}
	out := make([]earlierConversation, 0, len(convs))
	for _, c := range convs {
		out = append(out, earlierConversation{Started: assistant.UKTime(c.Created).Format("Mon 2 Jan 2006 15:04"),
			Channel: c.Channel, Turns: pageTurns(c.Turns, staffWho)})
	}
	return out
}

// residentKeys returns the identity keys that name the same resident:
// "sms:+44…" and "whatsapp:+44…" for a phone number, the key alone
// otherwise.
func residentKeys(resident string) []string {
	id := identityOf(resident)
	switch id.Channel {
	case channels.SMS, channels.WhatsApp:
		if channels.ValidE164(id.Address) {
			return []string{resident, string(otherPhoneChannel(id.Channel)) + ":" + id.Address}
		}
	}
	return []string{resident}
}

func otherPhoneChannel(c channels.Channel) channels.Channel {
	if c == channels.SMS {
		return channels.WhatsApp
	}
	return channels.SMS
}

// handleStaffName sets the console user's display name.
func (s *Server) handleStaffName(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	name := channels.CleanField(r.PostFormValue("name"), 40)
	if name == "" {
		http.Redirect(w, r, "/staff/?error=name", http.StatusSeeOther)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: staffCookie, Value: url.QueryEscape(name), Path: "/staff/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: 365 * 24 * 3600})
	http.Redirect(w, r, "/staff/", http.StatusSeeOther)
}

// handleStaffAction handles claim, reply, return and close posts.
func (s *Server) handleStaffAction(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	staff := staffName(r)
	if staff == "" {
		http.Redirect(w, r, "/staff/?error=name", http.StatusSeeOther)
		return
	}
	back := "/staff/handoffs/" + strconv.FormatInt(id, 10)
	switch r.PathValue("action") {
	case "claim":
		_, err = s.Claim(ctx, id, staff)
	case "reply":
		var h *assistant.QueuedHandoff
		if h, err = s.findHandoff(ctx, id); err == nil {
			err = s.StaffReply(ctx, h.ConversationID, staff, r.PostFormValue("text"))
		}
	case "return":
		_, err = s.HandBack(ctx, id, staff)
		back = "/staff/"
	case "close":
		_, err = s.CloseHandoff(ctx, id, staff, channels.CleanField(r.PostFormValue("outcome"), 200))
		back = "/staff/"
	default:
		http.NotFound(w, r)
		return
	}
	switch {
	case err == nil:
		http.Redirect(w, r, back, http.StatusSeeOther)
	case errors.Is(err, assistant.ErrNotFound):
		http.Redirect(w, r, "/staff/?error=notfound", http.StatusSeeOther)
	case isConflict(err):
		http.Redirect(w, r, "/staff/?error=conflict", http.StatusSeeOther)
	default:
		code, msg := errorCode(err)
		if code == CodeInternal {
			s.cfg.Logger.Error("webchat: console action", "err", err)
		}
		s.renderHandoff(w, r, http.StatusBadRequest, msg)
	}
}

// handleStaffWS upgrades a console connection: same-origin pages only.
func (s *Server) handleStaffWS(w http.ResponseWriter, r *http.Request) {
	staff := staffName(r)
	if staff == "" {
		http.Error(w, "Set your name first.", http.StatusForbidden)
		return
	}
	up := s.upgrader
	up.CheckOrigin = func(r *http.Request) bool {
		u, err := url.Parse(r.Header.Get("Origin"))
		return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
	}
	s.serveWS(w, r, &up, nil, func(c *client) { c.staff = staff })
}
