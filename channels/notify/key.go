package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// uuidLen is the length of a UUID in its 36-character text form.
const uuidLen = 36

// Key is a parsed Notify API key.
type Key struct {
	Name      string // key name, chosen when the key was created
	ServiceID string // the service's UUID: the JWT issuer
	Secret    string // the secret UUID that signs JWTs
}

// ParseKey splits an API key "{key_name}-{service_id}-{secret_key}". As in
// Notify's own clients, the service id and secret are the last 73
// characters (two UUIDs joined by "-"), so the name may contain "-".
// Errors wrap channels.ErrInvalid.
func ParseKey(apiKey string) (Key, error) {
	n := len(apiKey)
	if n < 2*uuidLen+1 || apiKey[n-uuidLen-1] != '-' {
		return Key{}, fmt.Errorf("%w: Notify API key is malformed", channels.ErrInvalid)
	}
	k := Key{
		ServiceID: apiKey[n-2*uuidLen-1 : n-uuidLen-1],
		Secret:    apiKey[n-uuidLen:],
	}
	if n > 2*uuidLen+1 {
		if apiKey[n-2*uuidLen-2] != '-' {
			return Key{}, fmt.Errorf("%w: Notify API key is malformed", channels.ErrInvalid)
		}
		k.Name = apiKey[:n-2*uuidLen-2]
	}
	if !isUUID(k.ServiceID) || !isUUID(k.Secret) {
		return Key{}, fmt.Errorf("%w: Notify API key is malformed", channels.ErrInvalid)
	}
	return k, nil
}

func isUUID(s string) bool {
	if len(s) != uuidLen {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// Token returns a JWT for a request made at now: header
// {"typ":"JWT","alg":"HS256"}, claims {"iss": service id, "iat": now in
// Unix seconds}, signed HMAC-SHA256 with the secret.
func (k Key) Token(now time.Time) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"typ":"JWT","alg":"HS256"}`))
	claims, _ := json.Marshal(struct {
		Iss string `json:"iss"`
		Iat int64  `json:"iat"`
	}{k.ServiceID, now.Unix()})
	signing := header + "." + enc.EncodeToString(claims)
	m := hmac.New(sha256.New, []byte(k.Secret))
	m.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(m.Sum(nil))
}
