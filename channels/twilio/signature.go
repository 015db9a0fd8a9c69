package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/url"
	"sort"
	"strings"
)

// SignatureHeader is the header in which Twilio sends its request signature.
const SignatureHeader = "X-Twilio-Signature"

// ValidateSignature reports whether signature is Twilio's signature of a
// request to fullURL with the POST parameters params, under authToken.
//
// The signed string is the full URL Twilio requested (scheme, host, path
// and query string, exactly as configured in the Twilio console) followed,
// for each POST parameter in order of name, by the name and then the
// value; the signature is the Base64 HMAC-SHA1 of that string keyed with
// the auth token. Because Twilio is inconsistent about default ports, the
// URL is tried as given, with the scheme's default port added, and with
// any port removed. Comparison is in constant time.
func ValidateSignature(authToken, fullURL string, params url.Values, signature string) bool {
	if authToken == "" || signature == "" {
		return false
	}
	suffix := paramString(params)
	ok := false
	for _, u := range urlVariants(fullURL) {
		// Check every variant rather than returning early, so timing does
		// not reveal which one matched.
		if hmac.Equal([]byte(Sign(authToken, u+suffix)), []byte(signature)) {
			ok = true
		}
	}
	return ok
}

// ValidateBodySignature validates a webhook whose body is not form-encoded
// (for example JSON): Twilio adds bodySHA256=<hex SHA-256 of the body> to
// the URL's query string and signs the URL alone. It reports whether both
// the signature and the body hash match.
func ValidateBodySignature(authToken, fullURL string, body []byte, signature string) bool {
	u, err := url.Parse(fullURL)
	if err != nil {
		return false
	}
	want := u.Query().Get("bodySHA256")
	if want == "" {
		return false
	}
	sum := sha256.Sum256(body)
	okBody := hmac.Equal([]byte(hex.EncodeToString(sum[:])), []byte(strings.ToLower(want)))
	okSig := ValidateSignature(authToken, fullURL, nil, signature)
	return okBody && okSig
}

// Sign returns the Base64 HMAC-SHA1 of s keyed with authToken. It is the
// primitive under ValidateSignature, exported for tests that play Twilio.
func Sign(authToken, s string) string {
	h := hmac.New(sha1.New, []byte(authToken))
	h.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// SignRequest returns the signature Twilio would send for a POST of
// params to fullURL. Tests and local tools use it to play Twilio.
func SignRequest(authToken, fullURL string, params url.Values) string {
	return Sign(authToken, fullURL+paramString(params))
}

// paramString concatenates name+value for each parameter, sorted by name
// and, for repeated names, by value (as Twilio's own libraries do).
func paramString(params url.Values) string {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		vs := append([]string(nil), params[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	return b.String()
}

// urlVariants returns raw, raw with the default port added, and raw with
// the port removed, without duplicates.
func urlVariants(raw string) []string {
	out := []string{raw}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return out
	}
	host, port := u.Hostname(), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6 literal
	}
	add := func(h string) {
		v := *u
		v.Host = h
		if s := v.String(); s != raw {
			out = append(out, s)
		}
	}
	if port == "" {
		def := "443"
		if u.Scheme == "http" {
			def = "80"
		}
		add(net.JoinHostPort(u.Hostname(), def))
	} else {
		add(host)
	}
	return out
}
