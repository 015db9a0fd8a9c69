package open311

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// Request statuses.
const (
	Open   = "open"
	Closed = "closed"
)

// Point is a WGS84 position.
type Point struct {
	Lat, Long float64
}

// ServiceRequest is a new request, as POSTed to requests.[fmt]. It needs a
// ServiceCode and a location: Position, AddressString or AddressID.
type ServiceRequest struct {
	Jurisdiction  string
	ServiceCode   string
	Position      *Point
	AddressString string
	AddressID     string
	Email         string
	DeviceID      string
	AccountID     string
	FirstName     string
	LastName      string
	Phone         string
	Description   string
	MediaURL      string
	// Attributes are the answers to the service's questions, by attribute
	// code; a multivaluelist answer has several values.
	Attributes map[string][]string
}

// Created is the server's answer to a new request: a ServiceRequestID
// (realtime services) or a Token to exchange for one later (batch), never
// both.
type Created struct {
	ServiceRequestID string `json:"service_request_id,omitempty" xml:"service_request_id,omitempty"`
	Token            string `json:"token,omitempty" xml:"token,omitempty"`
	ServiceNotice    string `json:"service_notice,omitempty" xml:"service_notice,omitempty"`
	AccountID        string `json:"account_id,omitempty" xml:"account_id,omitempty"`
}

// Request is a stored service request as GET requests/{id}.[fmt] returns it.
type Request struct {
	ServiceRequestID  string
	Status            string // Open or Closed
	StatusNotes       string
	ServiceName       string
	ServiceCode       string
	Description       string
	AgencyResponsible string
	ServiceNotice     string
	Requested         time.Time
	Updated           time.Time // zero if never updated
	Expected          time.Time // zero if unknown
	Address           string
	AddressID         string
	Zipcode           string // the postcode, in the UK
	Position          *Point
	MediaURL          string
}

// RequestFilter selects requests for GET requests.[fmt].
type RequestFilter struct {
	IDs         []string // if set, overrides the other fields
	ServiceCode string
	Start, End  time.Time // requested within [Start, End]; zero means open
	Statuses    []string  // Open, Closed; empty means any
	Limit       int
}

// Form encodes r as the form body of a POST to requests.[fmt], without
// api_key.
func (r ServiceRequest) Form() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("jurisdiction_id", r.Jurisdiction)
	set("service_code", r.ServiceCode)
	if r.Position != nil {
		v.Set("lat", strconv.FormatFloat(r.Position.Lat, 'f', -1, 64))
		v.Set("long", strconv.FormatFloat(r.Position.Long, 'f', -1, 64))
	}
	set("address_string", r.AddressString)
	set("address_id", r.AddressID)
	set("email", r.Email)
	set("device_id", r.DeviceID)
	set("account_id", r.AccountID)
	set("first_name", r.FirstName)
	set("last_name", r.LastName)
	set("phone", r.Phone)
	set("description", r.Description)
	set("media_url", r.MediaURL)
	for code, vals := range r.Attributes {
		for _, x := range vals {
			v.Add("attribute["+code+"]", x)
		}
	}
	return v
}

// Field length caps applied when parsing a request form.
const (
	maxNameRunes  = 100
	maxShortRunes = 255
	maxDescRunes  = 4000
)

// ParseServiceRequest decodes and cleans a request form (the inverse of
// Form). An empty parameter counts as absent, as the spec says. It checks
// only what needs no service definition: a service code, a location, and
// well-formed coordinates and media URL. It returns the problems found as
// 400 APIErrors.
func ParseServiceRequest(v url.Values) (ServiceRequest, []APIError) {
	var errs []APIError
	bad := func(format string, a ...any) {
		errs = append(errs, APIError{Code: 400, Description: fmt.Sprintf(format, a...)})
	}
	field := func(k string, max int) string { return channels.CleanField(v.Get(k), max) }
	r := ServiceRequest{
		Jurisdiction:  field("jurisdiction_id", maxShortRunes),
		ServiceCode:   field("service_code", maxShortRunes),
		AddressString: field("address_string", maxShortRunes),
		AddressID:     field("address_id", maxShortRunes),
		Email:         field("email", maxShortRunes),
		DeviceID:      field("device_id", maxShortRunes),
		AccountID:     field("account_id", maxShortRunes),
		FirstName:     field("first_name", maxNameRunes),
		LastName:      field("last_name", maxNameRunes),
		Phone:         field("phone", maxNameRunes),
		MediaURL:      field("media_url", 2000),
	}
	r.Description, _ = channels.CleanText(v.Get("description"), maxDescRunes)
	if r.ServiceCode == "" {
		bad("service_code is required")
	}
	lat, long := v.Get("lat"), v.Get("long")
	switch {
	case lat != "" || long != "":
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(long, 64)
		if err1 != nil || err2 != nil || la < -90 || la > 90 || lo < -180 || lo > 180 {
			bad("lat and long must both be WGS84 decimal degrees")
		} else {
			r.Position = &Point{Lat: la, Long: lo}
		}
	case r.AddressString == "" && r.AddressID == "":
		bad("a location is required: lat and long, address_string or address_id")
	}
	if r.MediaURL != "" {
		if u, err := url.Parse(r.MediaURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("media_url must be an http or https URL")
		}
	}
	for k, vals := range v {
		code, ok := strings.CutPrefix(k, "attribute[")
		if !ok || !strings.HasSuffix(code, "]") {
			continue
		}
		code = channels.CleanField(strings.TrimSuffix(code, "]"), maxShortRunes)
		if code == "" {
			continue
		}
		for _, x := range vals {
			if x = channels.CleanField(x, maxDescRunes); x != "" {
				if r.Attributes == nil {
					r.Attributes = map[string][]string{}
				}
				r.Attributes[code] = append(r.Attributes[code], x)
			}
		}
	}
	return r, errs
}

// Validate checks r's attribute answers against def: every required
// variable attribute is answered, list answers are among the allowed keys
// (one answer for a singlevaluelist), numbers parse and datetimes are ISO
// 8601. Unknown attributes are allowed, as open311-adapter allows them.
func (r ServiceRequest) Validate(def *ServiceDefinition) []APIError {
	if def == nil {
		return nil
	}
	var errs []APIError
	bad := func(format string, a ...any) {
		errs = append(errs, APIError{Code: 400, Description: fmt.Sprintf(format, a...)})
	}
	attrs := append([]Attribute(nil), def.Attributes...)
	sort.SliceStable(attrs, func(i, j int) bool { return attrs[i].Order < attrs[j].Order })
	for _, a := range attrs {
		if !a.Variable {
			continue
		}
		vals := r.Attributes[a.Code]
		if len(vals) == 0 {
			if a.Required {
				bad("attribute[%s] is required", a.Code)
			}
			continue
		}
		switch a.Datatype {
		case SingleValueList, MultiValueList:
			if a.Datatype == SingleValueList && len(vals) > 1 {
				bad("attribute[%s] takes one value", a.Code)
			}
			for _, x := range vals {
				if !hasKey(a.Values, x) {
					bad("attribute[%s]: %q is not an allowed value", a.Code, x)
				}
			}
		case Number:
			for _, x := range vals {
				if _, err := strconv.ParseFloat(x, 64); err != nil {
					bad("attribute[%s] must be a number", a.Code)
				}
			}
		case Datetime:
			for _, x := range vals {
				if _, err := time.Parse(time.RFC3339, x); err != nil {
					bad("attribute[%s] must be an ISO 8601 date and time", a.Code)
				}
			}
		}
	}
	return errs
}

func hasKey(vs []AttributeValue, k string) bool {
	for _, v := range vs {
		if v.Key == k {
			return true
		}
	}
	return false
}
