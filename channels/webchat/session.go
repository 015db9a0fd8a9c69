package webchat

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"
)

// Cookies.
const (
	// sessionCookie identifies a web resident across conversations, so
	// staff see their earlier ones. It is HttpOnly and SameSite=Lax.
	sessionCookie = "th_session"
	// convCookie holds the chat page's conversation id.
	convCookie = "th_conv"
	sessionAge = 30 * 24 * time.Hour
)

// session returns the request's session id and, when it had none (or a
// malformed one), a new id and the cookie to set.
func (s *Server) session(r *http.Request) (string, *http.Cookie) {
	if c, err := r.Cookie(sessionCookie); err == nil && validID(c.Value) && len(c.Value) >= 16 {
		return c.Value, nil
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	return id, s.cookie(sessionCookie, id, sessionAge)
}

func (s *Server) cookie(name, value string, age time.Duration) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   int(age.Seconds()),
		HttpOnly: true,
		Secure:   s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	}
}

// csrfToken is the chat page's form token for a session: an HMAC of the
// session id, so it needs no storage and cannot be made without the key.
func (s *Server) csrfToken(session string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("webchat-form\x00" + session))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) validCSRF(session, token string) bool {
	return token != "" && hmac.Equal([]byte(token), []byte(s.csrfToken(session)))
}

// formProtection refuses cross-origin form posts (Sec-Fetch-Site and
// Origin checks), in addition to the per-session token the handlers
// check.
func (s *Server) formProtection(h http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Cross-origin form posts are not accepted.", http.StatusForbidden)
	}))
	return p.Handler(h)
}

// securityHeaders sets the headers every HTML page gets: a strict
// content security policy (no inline script or style), no framing, no
// MIME sniffing, no referrer to other sites.
func securityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
}
