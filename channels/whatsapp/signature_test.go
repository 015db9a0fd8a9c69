package whatsapp_test

import (
	"testing"

	"github.com/townhall-civic/townhall/channels/whatsapp"
)

func TestValidSignature(t *testing.T) {
	emptyEntries := []byte(`{"object":"whatsapp_business_account","entry":[]}`)
	tests := []struct {
		name, secret string
		body         []byte
		header       string
		want         bool
	}{
		// HMAC-SHA256("test", key "secret"), published with the Elixir
		// whatsapp_sdk docs and recomputed with Python's hmac module.
		{"published vector", "secret", []byte("test"), "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914", true},
		// Computed with Python: hmac.new(b"app-secret-123", body, sha256).
		{"payload vector", "app-secret-123", emptyEntries, "sha256=20e391a99a86fc5adf7e3a453236d20c906360291977896cf2f671e03bb95703", true},
		{"upper-case hex", "secret", []byte("test"), "sha256=0329A06B62CD16B33EB6792BE8C60B158D89A2EE3A876FCE9A881EBB488C0914", true},
		{"wrong secret", "other", []byte("test"), "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914", false},
		{"body changed", "secret", []byte("test "), "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914", false},
		{"no prefix", "secret", []byte("test"), "0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914", false},
		{"sha1 header", "secret", []byte("test"), "sha1=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914", false},
		{"not hex", "secret", []byte("test"), "sha256=zz", false},
		{"truncated", "secret", []byte("test"), "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c09", false},
		{"empty", "secret", []byte("test"), "", false},
		{"no secret configured", "", []byte("test"), whatsapp.Sign("", []byte("test")), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := whatsapp.ValidSignature(tt.secret, tt.body, tt.header); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if got, want := whatsapp.Sign("secret", []byte("test")), "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"; got != want {
		t.Errorf("Sign: got %s, want %s", got, want)
	}
}
