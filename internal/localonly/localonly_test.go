package localonly

import (
	"net/http/httptest"
	"testing"
)

func TestDirect(t *testing.T) {
	for _, c := range []struct {
		remote, header string
		want           bool
	}{
		{"127.0.0.1:5000", "", true},
		{"[::1]:5000", "", true},
		{"192.0.2.7:5000", "", false},
		{"127.0.0.1:5000", "X-Forwarded-For", false},
		{"127.0.0.1:5000", "Forwarded", false},
		{"127.0.0.1:5000", "X-Real-Ip", false},
		{"not an address", "", false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.header != "" {
			r.Header.Set(c.header, "203.0.113.9")
		}
		if got := Direct(r); got != c.want {
			t.Errorf("Direct(%s, %q) = %v, want %v", c.remote, c.header, got, c.want)
		}
	}
}
