package whatsapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// SignatureHeader is the header in which Meta signs webhook bodies.
const SignatureHeader = "X-Hub-Signature-256"

// ValidSignature reports whether header ("sha256=<hex>") is the
// HMAC-SHA256 of body keyed with appSecret. It must be given the raw body
// bytes as received, before any parsing. Comparison is in constant time.
func ValidSignature(appSecret string, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if appSecret == "" || !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Sign returns the X-Hub-Signature-256 value Meta would send for body.
// Tests and local tools use it to play Meta.
func Sign(appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
