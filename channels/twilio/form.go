package twilio

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/townhall-civic/townhall/channels"
)

// signedForm reads a Twilio webhook's form and checks its signature, the
// first steps of every Twilio webhook: POST only (405), a form body
// (415), at most limit bytes (413; 0 means DefaultMaxBodyBytes), a
// well-formed form (400), and X-Twilio-Signature over the public URL
// (403). On failure it has written the response and ok is false; nothing
// of the request has been looked at beyond the form's syntax.
func signedForm(w http.ResponseWriter, r *http.Request, authToken, publicBase string, limit int64) (params url.Values, ok bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		http.Error(w, "form body required", http.StatusUnsupportedMediaType)
		return nil, false
	}
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	body, ok := channels.ReadBody(w, r, limit)
	if !ok {
		return nil, false
	}
	params, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return nil, false
	}
	if !ValidateSignature(authToken, publicURL(publicBase, r), params, r.Header.Get(SignatureHeader)) {
		http.Error(w, "invalid signature", http.StatusForbidden)
		return nil, false
	}
	return params, true
}

// publicURL rebuilds the URL Twilio requested: base (the scheme and host
// Twilio was given) and the raw request target, so it is unaffected by
// http.StripPrefix. With no base, the URL is rebuilt from the request,
// which is wrong behind a TLS-terminating proxy.
func publicURL(base string, r *http.Request) string {
	target := r.RequestURI
	if target == "" {
		target = r.URL.RequestURI()
	}
	if base != "" {
		return strings.TrimRight(base, "/") + target
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + target
}

// identity reads Twilio's form of an address: "whatsapp:+44…" is a
// WhatsApp user, a bare number an SMS one.
func identity(s string) channels.Identity {
	if n, ok := strings.CutPrefix(s, "whatsapp:"); ok {
		return channels.Identity{Channel: channels.WhatsApp, Address: n}
	}
	return channels.Identity{Channel: channels.SMS, Address: s}
}
