package open311

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"encoding/xml"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// Registry is the catalogue of services a Handler serves.
type Registry interface {
	// Services lists the services requests can be made for.
	Services(ctx context.Context) ([]Service, error)
	// ServiceDefinition returns the questions of a service, or an error
	// wrapping ErrNotFound for an unknown code.
	ServiceDefinition(ctx context.Context, code string) (*ServiceDefinition, error)
}

// Requests stores service requests for a Handler.
type Requests interface {
	// CreateRequest stores a validated request and returns its id (or a
	// token, for a batch service). An error wrapping
	// channels.ErrInvalid becomes a 400.
	CreateRequest(ctx context.Context, r ServiceRequest) (Created, error)
	// FindRequestByID returns a request, or an error wrapping ErrNotFound.
	FindRequestByID(ctx context.Context, id string) (*Request, error)
}

// RequestLister is an optional ability of Requests: if it has it, the
// Handler also serves GET requests.[fmt].
type RequestLister interface {
	// FindRequests returns requests matching f, newest first, at most
	// f.Limit.
	FindRequests(ctx context.Context, f RequestFilter) ([]Request, error)
}

// DefaultMaxBodyBytes caps a POST body.
const DefaultMaxBodyBytes = 64 << 10

// Spec limits for GET requests.[fmt].
const (
	maxRequests = 1000
	maxRange    = 90 * 24 * time.Hour
)

// Handler serves GeoReport v2 under whatever prefix it is mounted at
// (typically http.StripPrefix("/open311/v2", h)):
//
//	GET  /services.{json,xml}
//	GET  /services/{service_code}.{json,xml}
//	POST /requests.{json,xml}
//	GET  /requests/{service_request_id}.{json,xml}
//	GET  /requests.{json,xml}    (if Requests is a RequestLister)
//
// Errors use the spec's shape and codes: 400 for bad input, 403 for a bad
// api_key, 404 for an unknown service, request, jurisdiction or format.
type Handler struct {
	Registry Registry
	Requests Requests
	// Jurisdiction, if set, is the only jurisdiction_id accepted; a
	// request naming another gets 404. An absent jurisdiction_id is fine.
	Jurisdiction string
	// APIKeys are the keys that may POST requests. With none, every POST
	// is refused with 403.
	APIKeys []string
	// MaxBodyBytes caps a POST body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Now is the clock for the default date range of GET requests; nil
	// means time.Now.
	Now func() time.Time
	// Logger receives errors that become 500s; nil means slog.Default().
	Logger *slog.Logger

	once sync.Once
	mux  *http.ServeMux
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.once.Do(func() {
		m := http.NewServeMux()
		for _, f := range []string{"json", "xml"} {
			m.HandleFunc("GET /services."+f, h.services)
			m.HandleFunc("POST /requests."+f, h.createRequest)
			m.HandleFunc("GET /requests."+f, h.listRequests)
		}
		m.HandleFunc("GET /services/{file}", h.serviceDefinition)
		m.HandleFunc("GET /requests/{file}", h.request)
		m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			f := format(r.URL.Path)
			if f == "" {
				f = "json"
			}
			h.writeErrors(w, r, f, http.StatusNotFound, APIError{404, "Resource not found"})
		})
		h.mux = m
	})
	h.mux.ServeHTTP(w, r)
}

// format returns "json" or "xml" from a path's extension.
func format(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return ""
	}
	switch f := path[i+1:]; f {
	case "json", "xml":
		return f
	}
	return ""
}

// splitFile splits "pothole.json" into "pothole" and "json".
func splitFile(file string) (name, f string) {
	f = format(file)
	if f == "" {
		return "", ""
	}
	return strings.TrimSuffix(file, "."+f), f
}

func (h *Handler) checkJurisdiction(w http.ResponseWriter, r *http.Request, f string) bool {
	j := r.FormValue("jurisdiction_id")
	if h.Jurisdiction != "" && j != "" && j != h.Jurisdiction {
		h.writeErrors(w, r, f, http.StatusNotFound, APIError{404, "jurisdiction_id not found"})
		return false
	}
	return true
}

func (h *Handler) services(w http.ResponseWriter, r *http.Request) {
	f := format(r.URL.Path)
	if !h.checkJurisdiction(w, r, f) {
		return
	}
	svcs, err := h.Registry.Services(r.Context())
	if err != nil {
		h.writeError(w, r, f, err)
		return
	}
	if svcs == nil {
		svcs = []Service{}
	}
	h.write(w, f, http.StatusOK, svcs, servicesXML{Services: svcs})
}

func (h *Handler) serviceDefinition(w http.ResponseWriter, r *http.Request) {
	code, f := splitFile(r.PathValue("file"))
	if f == "" {
		h.badExtension(w, r)
		return
	}
	if !h.checkJurisdiction(w, r, f) {
		return
	}
	def, err := h.Registry.ServiceDefinition(r.Context(), code)
	if err != nil {
		h.writeError(w, r, f, err)
		return
	}
	h.write(w, f, http.StatusOK, def, toDefinitionXML(*def))
}

func (h *Handler) createRequest(w http.ResponseWriter, r *http.Request) {
	f := format(r.URL.Path)
	limit := h.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		h.writeErrors(w, r, f, http.StatusBadRequest, APIError{400, "the body must be application/x-www-form-urlencoded"})
		return
	}
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			h.writeErrors(w, r, f, http.StatusRequestEntityTooLarge, APIError{413, "request body too large"})
			return
		}
		h.writeErrors(w, r, f, http.StatusBadRequest, APIError{400, "malformed form body"})
		return
	}
	if !h.validKey(r.Form.Get("api_key")) {
		h.writeErrors(w, r, f, http.StatusForbidden, APIError{403, "Invalid api_key received -- can't proceed with create_request."})
		return
	}
	if !h.checkJurisdiction(w, r, f) {
		return
	}
	req, errs := ParseServiceRequest(r.Form)
	if len(errs) > 0 {
		h.writeErrors(w, r, f, http.StatusBadRequest, errs...)
		return
	}
	def, err := h.definitionFor(r.Context(), req.ServiceCode)
	if err != nil {
		h.writeError(w, r, f, err)
		return
	}
	if errs := req.Validate(def); len(errs) > 0 {
		h.writeErrors(w, r, f, http.StatusBadRequest, errs...)
		return
	}
	created, err := h.Requests.CreateRequest(r.Context(), req)
	if err != nil {
		h.writeError(w, r, f, err)
		return
	}
	list := []Created{created}
	h.write(w, f, http.StatusOK, list, createdXML{Requests: list})
}

// definitionFor checks the service exists and returns its definition, or
// nil if it has no questions.
func (h *Handler) definitionFor(ctx context.Context, code string) (*ServiceDefinition, error) {
	svcs, err := h.Registry.Services(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range svcs {
		if s.Code != code {
			continue
		}
		if !s.Metadata {
			return nil, nil
		}
		return h.Registry.ServiceDefinition(ctx, code)
	}
	return nil, ErrNotFound
}

func (h *Handler) validKey(key string) bool {
	ok := false
	for _, k := range h.APIKeys {
		if k != "" && subtle.ConstantTimeCompare([]byte(k), []byte(key)) == 1 {
			ok = true
		}
	}
	return ok
}

func (h *Handler) request(w http.ResponseWriter, r *http.Request) {
	id, f := splitFile(r.PathValue("file"))
	if f == "" {
		h.badExtension(w, r)
		return
	}
	if !h.checkJurisdiction(w, r, f) {
		return
	}
	req, err := h.Requests.FindRequestByID(r.Context(), id)
	if err != nil {
		h.writeError(w, r, f, err)
		return
	}
	list := []wireRequest{toWire(*req)}
	h.write(w, f, http.StatusOK, list, requestsXML{Requests: list})
}

func (h *Handler) listRequests(w http.ResponseWriter, r *http.Request) {
	f := format(r.URL.Path)
	lister, ok := h.Requests.(RequestLister)
	if !ok {
		h.writeErrors(w, r, f, http.StatusNotFound, APIError{404, "listing requests is not supported"})
		return
	}
	if !h.checkJurisdiction(w, r, f) {
		return
	}
	filter, errs := h.parseFilter(r)
	if len(errs) > 0 {
		h.writeErrors(w, r, f, http.StatusBadRequest, errs...)
		return
	}
	reqs, err := lister.FindRequests(r.Context(), filter)
	if err != nil {
		h.writeError(w, r, f, err)
		return
	}
	list := []wireRequest{}
	for _, q := range reqs {
		list = append(list, toWire(q))
	}
	h.write(w, f, http.StatusOK, list, requestsXML{Requests: list})
}

// parseFilter applies the spec's rules: service_request_id overrides the
// other filters; the date range is at most 90 days and defaults to the
// last 90; at most 1000 requests.
func (h *Handler) parseFilter(r *http.Request) (RequestFilter, []APIError) {
	q := r.URL.Query()
	f := RequestFilter{Limit: maxRequests}
	if ids := q.Get("service_request_id"); ids != "" {
		for _, id := range strings.Split(ids, ",") {
			if id = strings.TrimSpace(id); id != "" {
				f.IDs = append(f.IDs, id)
			}
		}
		return f, nil
	}
	var errs []APIError
	f.ServiceCode = q.Get("service_code")
	for _, s := range strings.Split(q.Get("status"), ",") {
		switch s = strings.ToLower(strings.TrimSpace(s)); s {
		case "":
		case Open, Closed:
			f.Statuses = append(f.Statuses, s)
		default:
			errs = append(errs, APIError{400, "status must be open or closed"})
		}
	}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"start_date", &f.Start}, {"end_date", &f.End}} {
		if s := q.Get(p.name); s != "" {
			if *p.t = parseTime(s); p.t.IsZero() {
				errs = append(errs, APIError{400, p.name + " must be an ISO 8601 date and time"})
			}
		}
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	switch {
	case f.Start.IsZero() && f.End.IsZero():
		f.End = now()
		f.Start = f.End.Add(-maxRange)
	case f.Start.IsZero():
		f.Start = f.End.Add(-maxRange)
	case f.End.IsZero():
		f.End = f.Start.Add(maxRange)
	}
	if f.End.Sub(f.Start) > maxRange || f.End.Before(f.Start) {
		errs = append(errs, APIError{400, "the date range must be at most 90 days"})
	}
	return f, errs
}

func (h *Handler) badExtension(w http.ResponseWriter, r *http.Request) {
	h.writeErrors(w, r, "json", http.StatusNotFound, APIError{404, "Bad extension. We support .xml and .json"})
}

// writeError maps an error from Registry or Requests to a status and a
// safe message.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, f string, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		h.writeErrors(w, r, f, http.StatusNotFound, APIError{404, "Resource not found"})
	case errors.Is(err, channels.ErrInvalid):
		h.writeErrors(w, r, f, http.StatusBadRequest, APIError{400, "The request could not be accepted"})
	default:
		logger := h.Logger
		if logger == nil {
			logger = slog.Default()
		}
		logger.ErrorContext(r.Context(), "open311", "path", r.URL.Path, "err", err)
		h.writeErrors(w, r, f, http.StatusInternalServerError, APIError{500, "Internal error; please try again later"})
	}
}

func (h *Handler) writeErrors(w http.ResponseWriter, _ *http.Request, f string, status int, errs ...APIError) {
	h.write(w, f, status, errs, errorsXML{Errors: errs})
}

// write encodes asJSON or asXML according to f.
func (h *Handler) write(w http.ResponseWriter, f string, status int, asJSON, asXML any) {
	if f == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(status)
		w.Write([]byte(xml.Header))
		xml.NewEncoder(w).Encode(asXML)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(asJSON)
}
