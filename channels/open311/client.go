package open311

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/townhall-civic/townhall/channels"
)

// Client calls a council's Open311 GeoReport v2 endpoint in JSON.
type Client struct {
	// BaseURL is the endpoint root, e.g.
	// "https://council.example.gov.uk/open311/v2".
	BaseURL string
	// APIKey is sent as api_key on POST only, as the spec requires.
	APIKey string
	// Jurisdiction, if set, is sent as jurisdiction_id on every call.
	Jurisdiction string
	// HTTPClient defaults to http.DefaultClient.
	HTTPClient *http.Client
}

// Services lists the endpoint's services (GET services.json).
func (c *Client) Services(ctx context.Context) ([]Service, error) {
	var out []Service
	if err := c.get(ctx, "services.json", &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ServiceDefinition returns a service's questions (GET
// services/{code}.json). An unknown code is ErrNotFound.
func (c *Client) ServiceDefinition(ctx context.Context, code string) (*ServiceDefinition, error) {
	var out ServiceDefinition
	if err := c.get(ctx, "services/"+url.PathEscape(code)+".json", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateRequest submits a request (POST requests.json) and returns the
// server's id or token. Errors: channels.ErrInvalid if r has no service
// code or location, *Error from the server (ErrForbidden for a bad key).
func (c *Client) CreateRequest(ctx context.Context, r ServiceRequest) (Created, error) {
	if r.ServiceCode == "" || (r.Position == nil && r.AddressString == "" && r.AddressID == "") {
		return Created{}, fmt.Errorf("%w: a service code and a location are required", channels.ErrInvalid)
	}
	if r.Jurisdiction == "" {
		r.Jurisdiction = c.Jurisdiction
	}
	form := r.Form()
	form.Set("api_key", c.APIKey)
	var out []Created
	if err := c.do(ctx, http.MethodPost, c.url("requests.json", nil), strings.NewReader(form.Encode()), &out); err != nil {
		return Created{}, err
	}
	if len(out) == 0 || (out[0].ServiceRequestID == "" && out[0].Token == "") {
		return Created{}, fmt.Errorf("open311: response has neither service_request_id nor token")
	}
	return out[0], nil
}

// Request fetches one request (GET requests/{id}.json). An unknown id is
// ErrNotFound.
func (c *Client) Request(ctx context.Context, id string) (*Request, error) {
	var out []wireRequest
	if err := c.get(ctx, "requests/"+url.PathEscape(id)+".json", &out); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("open311: request %s: %w", id, ErrNotFound)
	}
	r := fromWire(out[0])
	return &r, nil
}

func (c *Client) get(ctx context.Context, path string, out any) error {
	return c.do(ctx, http.MethodGet, c.url(path, url.Values{}), nil, out)
}

// url joins path to BaseURL, adding jurisdiction_id to q (GET only; POST
// sends it in the body).
func (c *Client) url(path string, q url.Values) string {
	u := strings.TrimRight(c.BaseURL, "/") + "/" + path
	if q != nil && c.Jurisdiction != "" {
		q.Set("jurisdiction_id", c.Jurisdiction)
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func (c *Client) do(ctx context.Context, method, u string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("open311: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("open311: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("open311: reading response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return &Error{Status: resp.StatusCode, Errors: decodeErrors(b, resp.StatusCode)}
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("open311: decoding %s: %w", u, err)
	}
	return nil
}

// decodeErrors reads the spec's [{"code","description"}] or
// open311-adapter's {"errors": [...]}; anything else becomes one error
// with the HTTP status text.
func decodeErrors(b []byte, status int) []APIError {
	type apiErr struct {
		Code        flexInt    `json:"code"`
		Description flexString `json:"description"`
	}
	var list []apiErr
	if json.Unmarshal(b, &list) != nil {
		var env struct {
			Errors []apiErr `json:"errors"`
		}
		if json.Unmarshal(b, &env) == nil {
			list = env.Errors
		}
	}
	var out []APIError
	for _, e := range list {
		out = append(out, APIError{Code: int(e.Code), Description: string(e.Description)})
	}
	if len(out) == 0 {
		out = []APIError{{Code: status, Description: http.StatusText(status)}}
	}
	return out
}
