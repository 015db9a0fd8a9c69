package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strconv"
	"strings"
	"time"
)

// Servers in the wild disagree on JSON types: ids and codes come as
// numbers or strings, booleans as true or "true". The decoders below
// accept either, so the client works against FixMyStreet, open311-adapter
// and council CRMs alike.

// flexString decodes a JSON string, number, boolean or null as a string.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	default:
		*f = flexString(b)
	}
	return nil
}

// flexBool decodes true, false, "true", "false", 1, 0 or null.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(string(s))) {
	case "true", "1", "yes":
		*f = true
	default:
		*f = false
	}
	return nil
}

// flexInt decodes a number or a numeric string; anything else is 0.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	n, _ := strconv.ParseFloat(strings.TrimSpace(string(s)), 64)
	*f = flexInt(n)
	return nil
}

// UnmarshalJSON decodes a service, tolerating numeric codes and string
// booleans.
func (s *Service) UnmarshalJSON(b []byte) error {
	var w struct {
		Code        flexString `json:"service_code"`
		Name        flexString `json:"service_name"`
		Description flexString `json:"description"`
		Metadata    flexBool   `json:"metadata"`
		Type        flexString `json:"type"`
		Keywords    flexString `json:"keywords"`
		Group       flexString `json:"group"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Service{Code: string(w.Code), Name: string(w.Name), Description: string(w.Description), Metadata: bool(w.Metadata),
		Type: string(w.Type), Keywords: string(w.Keywords), Group: string(w.Group)}
	return nil
}

// UnmarshalJSON decodes a service definition, tolerating a numeric code.
func (d *ServiceDefinition) UnmarshalJSON(b []byte) error {
	var w struct {
		ServiceCode flexString  `json:"service_code"`
		Attributes  []Attribute `json:"attributes"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = ServiceDefinition{ServiceCode: string(w.ServiceCode), Attributes: w.Attributes}
	return nil
}

// UnmarshalJSON decodes an attribute, tolerating string booleans and
// numbers.
func (a *Attribute) UnmarshalJSON(b []byte) error {
	var w struct {
		Variable            flexBool   `json:"variable"`
		Code                flexString `json:"code"`
		Datatype            flexString `json:"datatype"`
		Required            flexBool   `json:"required"`
		DatatypeDescription flexString `json:"datatype_description"`
		Order               flexInt    `json:"order"`
		Description         flexString `json:"description"`
		Values              []struct {
			Key  flexString `json:"key"`
			Name flexString `json:"name"`
		} `json:"values"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = Attribute{Variable: bool(w.Variable), Code: string(w.Code), Datatype: string(w.Datatype), Required: bool(w.Required),
		DatatypeDescription: string(w.DatatypeDescription), Order: int(w.Order), Description: string(w.Description)}
	for _, v := range w.Values {
		a.Values = append(a.Values, AttributeValue{Key: string(v.Key), Name: string(v.Name)})
	}
	return nil
}

// UnmarshalJSON decodes a created-request entry, tolerating numeric ids.
func (c *Created) UnmarshalJSON(b []byte) error {
	var w struct {
		ID            flexString `json:"service_request_id"`
		Token         flexString `json:"token"`
		ServiceNotice flexString `json:"service_notice"`
		AccountID     flexString `json:"account_id"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = Created{ServiceRequestID: string(w.ID), Token: string(w.Token), ServiceNotice: string(w.ServiceNotice), AccountID: string(w.AccountID)}
	return nil
}

// wireRequest is Request as the spec lays it out, for both JSON and XML.
type wireRequest struct {
	ServiceRequestID  flexString  `json:"service_request_id" xml:"service_request_id"`
	Status            flexString  `json:"status" xml:"status"`
	StatusNotes       flexString  `json:"status_notes" xml:"status_notes"`
	ServiceName       flexString  `json:"service_name" xml:"service_name"`
	ServiceCode       flexString  `json:"service_code" xml:"service_code"`
	Description       flexString  `json:"description" xml:"description"`
	AgencyResponsible flexString  `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     flexString  `json:"service_notice" xml:"service_notice"`
	RequestedDatetime flexString  `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   flexString  `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  flexString  `json:"expected_datetime" xml:"expected_datetime"`
	Address           flexString  `json:"address" xml:"address"`
	AddressID         flexString  `json:"address_id" xml:"address_id"`
	Zipcode           flexString  `json:"zipcode" xml:"zipcode"`
	Lat               json.Number `json:"lat,omitempty" xml:"lat,omitempty"`
	Long              json.Number `json:"long,omitempty" xml:"long,omitempty"`
	MediaURL          flexString  `json:"media_url" xml:"media_url"`
}

func toWire(r Request) wireRequest {
	w := wireRequest{
		ServiceRequestID:  flexString(r.ServiceRequestID),
		Status:            flexString(r.Status),
		StatusNotes:       flexString(r.StatusNotes),
		ServiceName:       flexString(r.ServiceName),
		ServiceCode:       flexString(r.ServiceCode),
		Description:       flexString(r.Description),
		AgencyResponsible: flexString(r.AgencyResponsible),
		ServiceNotice:     flexString(r.ServiceNotice),
		RequestedDatetime: flexString(formatTime(r.Requested)),
		UpdatedDatetime:   flexString(formatTime(r.Updated)),
		ExpectedDatetime:  flexString(formatTime(r.Expected)),
		Address:           flexString(r.Address),
		AddressID:         flexString(r.AddressID),
		Zipcode:           flexString(r.Zipcode),
		MediaURL:          flexString(r.MediaURL),
	}
	if r.Position != nil {
		w.Lat = json.Number(strconv.FormatFloat(r.Position.Lat, 'f', -1, 64))
		w.Long = json.Number(strconv.FormatFloat(r.Position.Long, 'f', -1, 64))
	}
	return w
}

func fromWire(w wireRequest) Request {
	r := Request{
		ServiceRequestID:  string(w.ServiceRequestID),
		Status:            strings.ToLower(string(w.Status)),
		StatusNotes:       string(w.StatusNotes),
		ServiceName:       string(w.ServiceName),
		ServiceCode:       string(w.ServiceCode),
		Description:       string(w.Description),
		AgencyResponsible: string(w.AgencyResponsible),
		ServiceNotice:     string(w.ServiceNotice),
		Requested:         parseTime(string(w.RequestedDatetime)),
		Updated:           parseTime(string(w.UpdatedDatetime)),
		Expected:          parseTime(string(w.ExpectedDatetime)),
		Address:           string(w.Address),
		AddressID:         string(w.AddressID),
		Zipcode:           string(w.Zipcode),
		MediaURL:          string(w.MediaURL),
	}
	lat, err1 := w.Lat.Float64()
	long, err2 := w.Long.Float64()
	if err1 == nil && err2 == nil {
		r.Position = &Point{Lat: lat, Long: long}
	}
	return r
}

// formatTime writes a W3C datetime with its zone; the zero time is "".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// parseTime reads an ISO 8601 datetime, with or without a colon in the
// zone offset; anything else is the zero time.
func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t
		}
	}
	return time.Time{}
}

// XML roots. JSON responses are bare arrays (or one object for a service
// definition).
type (
	servicesXML struct {
		XMLName  xml.Name  `xml:"services"`
		Services []Service `xml:"service"`
	}
	definitionXML struct {
		XMLName     xml.Name       `xml:"service_definition"`
		ServiceCode string         `xml:"service_code"`
		Attributes  []attributeXML `xml:"attributes>attribute"`
	}
	// attributeXML exists because encoding/xml writes an empty
	// <values></values> for a nil slice tagged "values>value,omitempty".
	attributeXML struct {
		Variable            bool       `xml:"variable"`
		Code                string     `xml:"code"`
		Datatype            string     `xml:"datatype"`
		Required            bool       `xml:"required"`
		DatatypeDescription string     `xml:"datatype_description"`
		Order               int        `xml:"order"`
		Description         string     `xml:"description"`
		Values              *valuesXML `xml:"values,omitempty"`
	}
	valuesXML struct {
		Values []AttributeValue `xml:"value"`
	}
	createdXML struct {
		XMLName  xml.Name  `xml:"service_requests"`
		Requests []Created `xml:"request"`
	}
	requestsXML struct {
		XMLName  xml.Name      `xml:"service_requests"`
		Requests []wireRequest `xml:"request"`
	}
	errorsXML struct {
		XMLName xml.Name   `xml:"errors"`
		Errors  []APIError `xml:"error"`
	}
)

func toDefinitionXML(d ServiceDefinition) definitionXML {
	out := definitionXML{ServiceCode: d.ServiceCode}
	for _, a := range d.Attributes {
		x := attributeXML{Variable: a.Variable, Code: a.Code, Datatype: a.Datatype, Required: a.Required,
			DatatypeDescription: a.DatatypeDescription, Order: a.Order, Description: a.Description}
		if len(a.Values) > 0 {
			x.Values = &valuesXML{Values: a.Values}
		}
		out.Attributes = append(out.Attributes, x)
	}
	return out
}
