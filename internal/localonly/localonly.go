// Package localonly tells whether an HTTP request came straight from this
// machine: the check behind the staff pages that are off the public web
// until staff sign-in exists (FOI officers' pages, the evals page).
package localonly

import (
	"net"
	"net/http"
)

// Direct reports whether r came from a loopback address and not through a
// proxy on this machine (which would make every visitor look local): any
// Forwarded, X-Forwarded-For or X-Real-Ip header makes it false.
func Direct(r *http.Request) bool {
	for _, k := range []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip"} {
		if r.Header.Get(k) != "" {
			return false
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
