package webchat

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/townhall-civic/townhall/assistant"
)

//go:embed static templates
var assets embed.FS

// maxFormBytes bounds a form post on the chat page and the console.
const maxFormBytes = 16 << 10

func parsePages() (*template.Template, error) {
	return template.New("").ParseFS(assets, "templates/*.html")
}

// serveAsset serves an embedded static file. The widget's files may be
// fetched by council pages on other origins, so they allow that.
func (s *Server) serveAsset(name string) http.HandlerFunc {
	body, err := fs.ReadFile(assets, name)
	ctype := "text/plain; charset=utf-8"
	switch path.Ext(name) {
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	case ".css":
		ctype = "text/css; charset=utf-8"
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if err != nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("Access-Control-Allow-Origin", "*")
		w.Write(body)
	}
}

// pageTurn is a turn as a page shows it.
type pageTurn struct {
	Seq      int
	Role     assistant.Role
	Who      string
	At       string
	HTML     template.HTML
	Feedback bool   // offer the helpful / not helpful control
	Rated    string // "helpful" or "not helpful" once rated
}

// who names a turn's speaker for residents.
func who(r assistant.Role) string {
	switch r {
	case assistant.RoleResident:
		return "You"
	case assistant.RoleStaff:
		return "Council staff"
	}
	return "Council assistant"
}

func pageTurns(turns []assistant.Turn, name func(assistant.Role) string) []pageTurn {
	out := make([]pageTurn, 0, len(turns))
	for _, t := range turns {
		pt := pageTurn{Seq: t.Seq, Role: t.Role, Who: name(t.Role), HTML: template.HTML(RenderHTML(t.Text, t.Citations))}
		if !t.At.IsZero() {
			pt.At = assistant.UKTime(t.At).Format("15:04")
		}
		out = append(out, pt)
	}
	return out
}

type chatPage struct {
	Council     string
	CSRF        string
	ClientID    string
	Turns       []pageTurn
	Suggestions []string
	Error       string
	Draft       string
}

// handlePage renders the chat page: the conversation so far and a form.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	session, cookie := s.session(r)
	if cookie != nil {
		http.SetCookie(w, cookie)
	}
	s.renderChat(w, r, session, http.StatusOK, "", "")
}

func (s *Server) renderChat(w http.ResponseWriter, r *http.Request, session string, status int, errMsg, draft string) {
	ctx := r.Context()
	p := chatPage{Council: s.cfg.Council, CSRF: s.csrfToken(session), ClientID: randomID(), Error: errMsg, Draft: draft}
	if id := pageConversation(r); id != "" {
		conv, err := s.cfg.Conversations.FindConversationByID(ctx, id)
		switch {
		case err == nil && conv.Channel == assistant.ChannelWeb:
			p.Turns = pageTurns(conv.Turns, who)
			s.markFeedback(ctx, id, p.Turns)
			s.mu.Lock()
			if st := s.convs[id]; st != nil && st.extra.seq == nextSeq(conv)-1 {
				p.Suggestions = st.extra.suggestions
			}
			s.mu.Unlock()
		case err != nil && !errors.Is(err, assistant.ErrNotFound):
			s.cfg.Logger.Error("webchat: page", "err", err)
			status, p.Error = http.StatusInternalServerError, "Sorry, your conversation could not be loaded. Please try again."
		}
	}
	securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.pages.ExecuteTemplate(w, "chat.html", p); err != nil {
		s.cfg.Logger.Error("webchat: render chat page", "err", err)
	}
}

// markFeedback offers feedback on answers and shows earlier verdicts.
func (s *Server) markFeedback(ctx context.Context, id string, turns []pageTurn) {
	if s.cfg.Feedback == nil {
		return
	}
	rated := map[int]bool{}
	if fb, err := s.cfg.Feedback.FindFeedback(ctx, FeedbackFilter{ConversationID: id}); err == nil {
		for _, f := range fb {
			rated[f.Seq] = f.Helpful
		}
	}
	for i := range turns {
		if turns[i].Role != assistant.RoleAssistant {
			continue
		}
		turns[i].Feedback = true
		if h, ok := rated[turns[i].Seq]; ok {
			turns[i].Rated = map[bool]string{true: "helpful", false: "not helpful"}[h]
		}
	}
}

// pageConversation is the chat page's conversation id, from its cookie.
func pageConversation(r *http.Request) string {
	if c, err := r.Cookie(convCookie); err == nil && validID(c.Value) {
		return c.Value
	}
	return ""
}

// pageSession checks a form post's session and token. It returns false
// after rendering the page with an error.
func (s *Server) pageSession(w http.ResponseWriter, r *http.Request) (string, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "The form is too large.", http.StatusRequestEntityTooLarge)
		return "", false
	}
	session, cookie := s.session(r)
	if cookie != nil || !s.validCSRF(session, r.PostFormValue("csrf")) {
		if cookie != nil {
			http.SetCookie(w, cookie)
		}
		s.renderChat(w, r, session, http.StatusForbidden, "Your session had expired, so your message was not sent. Please send it again.", r.PostFormValue("text"))
		return "", false
	}
	return session, true
}

// handlePagePost sends a message from the chat page, then redirects back
// to it (post, redirect, get), so reloading does not send it again.
func (s *Server) handlePagePost(w http.ResponseWriter, r *http.Request) {
	session, ok := s.pageSession(w, r)
	if !ok {
		return
	}
	text := r.PostFormValue("text")
	if !s.ips.allowMessage(clientIP(r)) {
		s.renderChat(w, r, session, http.StatusTooManyRequests, "You are sending messages too quickly. Please wait a moment and try again.", text)
		return
	}
	id := pageConversation(r)
	if id == "" {
		id = s.newID()
	}
	_, err := s.Receive(r.Context(), Incoming{
		ConversationID: id,
		Channel:        assistant.ChannelWeb,
		Resident:       "web:" + session,
		ClientID:       r.PostFormValue("client_id"),
		Text:           text,
	})
	if err != nil {
		code, msg := errorCode(err)
		status := map[string]int{CodeTooLarge: http.StatusRequestEntityTooLarge, CodeInvalid: http.StatusBadRequest,
			CodeUnavailable: http.StatusServiceUnavailable}[code]
		if status == 0 {
			s.cfg.Logger.Error("webchat: page message", "err", err)
			status = http.StatusInternalServerError
		}
		if errors.Is(err, ErrInvalid) && r.PostFormValue("text") != "" {
			// A conversation from another channel or a bad id: start again.
			http.SetCookie(w, s.cookie(convCookie, "", -time.Second))
		}
		s.renderChat(w, r, session, status, msg, text)
		return
	}
	http.SetCookie(w, s.cookie(convCookie, id, 24*time.Hour))
	http.Redirect(w, r, "/chat#compose", http.StatusSeeOther)
}

// handlePageFeedback stores a verdict from the chat page.
func (s *Server) handlePageFeedback(w http.ResponseWriter, r *http.Request) {
	session, ok := s.pageSession(w, r)
	if !ok {
		return
	}
	seq, _ := strconv.Atoi(r.PostFormValue("seq"))
	helpful := r.PostFormValue("helpful") == "yes"
	if err := s.saveFeedback(r.Context(), pageConversation(r), assistant.ChannelWeb, seq, helpful); err != nil {
		s.renderChat(w, r, session, http.StatusBadRequest, "Sorry, your feedback could not be saved.", "")
		return
	}
	http.Redirect(w, r, "/chat#m"+strconv.Itoa(seq), http.StatusSeeOther)
}

// handlePageNew forgets the page's conversation.
func (s *Server) handlePageNew(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.pageSession(w, r); !ok {
		return
	}
	http.SetCookie(w, s.cookie(convCookie, "", -time.Second))
	http.Redirect(w, r, "/chat", http.StatusSeeOther)
}

// handleDemo serves an example council page with the widget on it.
func (s *Server) handleDemo(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.pages.ExecuteTemplate(w, "demo.html", struct{ Council string }{s.cfg.Council}); err != nil {
		s.cfg.Logger.Error("webchat: render demo page", "err", err)
	}
}

func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
