package channels

import (
	"errors"
	"io"
	"net/http"
)

// ReadBody reads a provider webhook's body, at most limit bytes, for the
// adapter to check the provider's signature over. On failure it has
// answered the request (413 for a body over limit, 400 for one that
// cannot be read) and ok is false.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) (body []byte, ok bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err == nil {
		return body, true
	}
	if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
	} else {
		http.Error(w, "cannot read body", http.StatusBadRequest)
	}
	return nil, false
}
