package open311_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels/open311"
)

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// catalogue seeds the six example services. pothole, missed_bin,
// fly_tipping and street_light ask questions; graffiti and noise do not.
func catalogue() *open311.Catalogue {
	return &open311.Catalogue{
		List: []open311.Service{
			{Code: "pothole", Name: "Pothole", Description: "A hole in a road or pavement", Metadata: true, Type: open311.Realtime, Keywords: "road, pavement, hole", Group: "Roads"},
			{Code: "missed_bin", Name: "Missed bin collection", Description: "A bin that was not emptied on collection day", Metadata: true, Type: open311.Realtime, Keywords: "bin, rubbish, recycling", Group: "Bins"},
			{Code: "fly_tipping", Name: "Fly-tipping", Description: "Rubbish dumped illegally", Metadata: true, Type: open311.Batch, Keywords: "dumping, rubbish", Group: "Street cleaning"},
			{Code: "street_light", Name: "Street light not working", Description: "A street light that is out or stays on", Metadata: true, Type: open311.Realtime, Group: "Roads"},
			{Code: "graffiti", Name: "Graffiti", Description: "Graffiti on public property", Type: open311.Realtime, Group: "Street cleaning"},
			{Code: "noise", Name: "Noise complaint", Description: "Persistent noise from a neighbour or business", Type: open311.Blackbox, Group: "Environmental health"},
		},
		Definitions: map[string]open311.ServiceDefinition{
			"pothole": {ServiceCode: "pothole", Attributes: []open311.Attribute{
				{Variable: true, Code: "depth", Datatype: open311.SingleValueList, Required: true, Order: 1, Description: "How deep is it?",
					Values: []open311.AttributeValue{{Key: "shallow", Name: "Less than 5cm"}, {Key: "deep", Name: "5cm or more"}}},
				{Variable: true, Code: "width_cm", Datatype: open311.Number, Order: 2, Description: "Roughly how wide, in cm?"},
			}},
			"missed_bin": {ServiceCode: "missed_bin", Attributes: []open311.Attribute{
				{Variable: true, Code: "bin_type", Datatype: open311.SingleValueList, Required: true, Order: 1, Description: "Which bin?",
					Values: []open311.AttributeValue{{Key: "refuse", Name: "General waste"}, {Key: "recycling", Name: "Recycling"}, {Key: "garden", Name: "Garden waste"}}},
				{Variable: true, Code: "collection_date", Datatype: open311.Datetime, Order: 2, Description: "When was it due?"},
				{Variable: false, Code: "notice", Datatype: open311.Text, Order: 3, Description: "Please leave the bin out until 7pm."},
			}},
			"fly_tipping": {ServiceCode: "fly_tipping", Attributes: []open311.Attribute{
				{Variable: true, Code: "waste_types", Datatype: open311.MultiValueList, Required: true, Order: 1, Description: "What was dumped?",
					Values: []open311.AttributeValue{{Key: "bags", Name: "Black bags"}, {Key: "furniture", Name: "Furniture"}, {Key: "asbestos", Name: "Possible asbestos"}}},
			}},
			"street_light": {ServiceCode: "street_light", Attributes: []open311.Attribute{
				{Variable: true, Code: "column_number", Datatype: open311.String, Required: true, Order: 1, Description: "The number on the lamp post"},
			}},
		},
	}
}

// memRequests is an in-memory Requests and RequestLister. Batch services
// get a token instead of an id.
type memRequests struct {
	mu      sync.Mutex
	reqs    []open311.Request
	inputs  []open311.ServiceRequest
	filters []open311.RequestFilter
}

func (m *memRequests) CreateRequest(_ context.Context, r open311.ServiceRequest) (open311.Created, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.inputs = append(m.inputs, r)
	if r.ServiceCode == "fly_tipping" {
		return open311.Created{Token: fmt.Sprintf("TOK-%d", len(m.inputs)), ServiceNotice: "We will confirm your report within 2 working days."}, nil
	}
	id := fmt.Sprintf("TH-%d", len(m.inputs))
	m.reqs = append(m.reqs, open311.Request{
		ServiceRequestID: id, Status: open311.Open, ServiceCode: r.ServiceCode, Description: r.Description,
		Requested: now, Address: r.AddressString, Position: r.Position, MediaURL: r.MediaURL,
		AgencyResponsible: "Thornbury Vale Borough Council", ServiceNotice: "Potholes are inspected within 5 working days.",
	})
	return open311.Created{ServiceRequestID: id, ServiceNotice: "Potholes are inspected within 5 working days."}, nil
}

func (m *memRequests) FindRequestByID(_ context.Context, id string) (*open311.Request, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.reqs {
		if r.ServiceRequestID == id {
			return &r, nil
		}
	}
	return nil, open311.ErrNotFound
}

func (m *memRequests) FindRequests(_ context.Context, f open311.RequestFilter) ([]open311.Request, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.filters = append(m.filters, f)
	var out []open311.Request
	for _, r := range m.reqs {
		if len(f.IDs) > 0 && !slices.Contains(f.IDs, r.ServiceRequestID) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

const apiKey = "key-for-fixmystreet"

func newServer(t *testing.T) (*httptest.Server, *memRequests) {
	t.Helper()
	reqs := &memRequests{}
	h := &open311.Handler{
		Registry:     catalogue(),
		Requests:     reqs,
		Jurisdiction: "thornbury-vale",
		APIKeys:      []string{apiKey},
		Now:          func() time.Time { return now },
	}
	mux := http.NewServeMux()
	mux.Handle("/open311/v2/", http.StripPrefix("/open311/v2", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, reqs
}

// call makes a raw request and returns the status and body.
func call(t *testing.T, srv *httptest.Server, method, path string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, srv.URL+"/open311/v2"+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func potholeForm() url.Values {
	return url.Values{
		"api_key":             {apiKey},
		"jurisdiction_id":     {"thornbury-vale"},
		"service_code":        {"pothole"},
		"lat":                 {"51.60861"},
		"long":                {"-2.52278"},
		"description":         {"Deep hole outside number 12"},
		"email":               {"sam@example.com"},
		"first_name":          {"Sam"},
		"last_name":           {"Resident"},
		"attribute[depth]":    {"deep"},
		"attribute[width_cm]": {"40"},
	}
}

func TestHandlerJSONShapes(t *testing.T) {
	srv, _ := newServer(t)
	tests := []struct {
		name, method, path string
		form               url.Values
		status             int
		want               string
	}{
		{"services", "GET", "/services.json", nil, 200,
			`[{"service_code":"pothole","service_name":"Pothole","description":"A hole in a road or pavement","metadata":true,"type":"realtime","keywords":"road, pavement, hole","group":"Roads"},` +
				`{"service_code":"missed_bin","service_name":"Missed bin collection","description":"A bin that was not emptied on collection day","metadata":true,"type":"realtime","keywords":"bin, rubbish, recycling","group":"Bins"},` +
				`{"service_code":"fly_tipping","service_name":"Fly-tipping","description":"Rubbish dumped illegally","metadata":true,"type":"batch","keywords":"dumping, rubbish","group":"Street cleaning"},` +
				`{"service_code":"street_light","service_name":"Street light not working","description":"A street light that is out or stays on","metadata":true,"type":"realtime","keywords":"","group":"Roads"},` +
				`{"service_code":"graffiti","service_name":"Graffiti","description":"Graffiti on public property","metadata":false,"type":"realtime","keywords":"","group":"Street cleaning"},` +
				`{"service_code":"noise","service_name":"Noise complaint","description":"Persistent noise from a neighbour or business","metadata":false,"type":"blackbox","keywords":"","group":"Environmental health"}]`},
		{"definition", "GET", "/services/pothole.json?jurisdiction_id=thornbury-vale", nil, 200,
			`{"service_code":"pothole","attributes":[` +
				`{"variable":true,"code":"depth","datatype":"singlevaluelist","required":true,"datatype_description":"","order":1,"description":"How deep is it?","values":[{"key":"shallow","name":"Less than 5cm"},{"key":"deep","name":"5cm or more"}]},` +
				`{"variable":true,"code":"width_cm","datatype":"number","required":false,"datatype_description":"","order":2,"description":"Roughly how wide, in cm?"}]}`},
		{"definition without questions", "GET", "/services/graffiti.json", nil, 200, `{"service_code":"graffiti","attributes":[]}`},
		{"create", "POST", "/requests.json", potholeForm(), 200,
			`[{"service_request_id":"TH-1","service_notice":"Potholes are inspected within 5 working days."}]`},
		{"get request", "GET", "/requests/TH-1.json", nil, 200,
			`[{"service_request_id":"TH-1","status":"open","status_notes":"","service_name":"","service_code":"pothole","description":"Deep hole outside number 12",` +
				`"agency_responsible":"Thornbury Vale Borough Council","service_notice":"Potholes are inspected within 5 working days.","requested_datetime":"2026-03-02T09:00:00Z",` +
				`"updated_datetime":"","expected_datetime":"","address":"","address_id":"","zipcode":"","lat":51.60861,"long":-2.52278,"media_url":""}]`},
		{"token for batch service", "POST", "/requests.json", url.Values{"api_key": {apiKey}, "service_code": {"fly_tipping"},
			"address_string": {"Back lane behind Mill St"}, "attribute[waste_types]": {"bags", "furniture"}}, 200,
			`[{"token":"TOK-2","service_notice":"We will confirm your report within 2 working days."}]`},
		{"bad api key", "POST", "/requests.json", url.Values{"api_key": {"guess"}, "service_code": {"graffiti"}, "address_string": {"x"}}, 403,
			`[{"code":403,"description":"Invalid api_key received -- can't proceed with create_request."}]`},
		{"unknown service", "GET", "/services/unicorns.json", nil, 404, `[{"code":404,"description":"Resource not found"}]`},
		{"unknown request", "GET", "/requests/TH-999.json", nil, 404, `[{"code":404,"description":"Resource not found"}]`},
		{"bad extension", "GET", "/services/pothole.csv", nil, 404, `[{"code":404,"description":"Bad extension. We support .xml and .json"}]`},
		{"other jurisdiction", "GET", "/services.json?jurisdiction_id=elsewhere", nil, 404, `[{"code":404,"description":"jurisdiction_id not found"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, srv, tt.method, tt.path, tt.form)
			if status != tt.status {
				t.Errorf("status: got %d, want %d", status, tt.status)
			}
			if body != tt.want {
				t.Errorf("body:\n got %s\nwant %s", body, tt.want)
			}
		})
	}
}

func TestHandlerXMLShapes(t *testing.T) {
	srv, _ := newServer(t)
	const hdr = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	tests := []struct {
		name, method, path string
		form               url.Values
		status             int
		want               string
	}{
		{"definition", "GET", "/services/street_light.xml", nil, 200, hdr +
			`<service_definition><service_code>street_light</service_code><attributes><attribute><variable>true</variable><code>column_number</code>` +
			`<datatype>string</datatype><required>true</required><datatype_description></datatype_description><order>1</order>` +
			`<description>The number on the lamp post</description></attribute></attributes></service_definition>`},
		{"create", "POST", "/requests.xml", potholeForm(), 200, hdr +
			`<service_requests><request><service_request_id>TH-1</service_request_id><service_notice>Potholes are inspected within 5 working days.</service_notice></request></service_requests>`},
		{"error", "POST", "/requests.xml", url.Values{"api_key": {apiKey}, "address_string": {"x"}}, 400, hdr +
			`<errors><error><code>400</code><description>service_code is required</description></error></errors>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, srv, tt.method, tt.path, tt.form)
			if status != tt.status {
				t.Errorf("status: got %d, want %d", status, tt.status)
			}
			if body != tt.want {
				t.Errorf("body:\n got %s\nwant %s", body, tt.want)
			}
		})
	}
	status, body := call(t, srv, "GET", "/services.xml", nil)
	if status != 200 || !strings.HasPrefix(body, hdr+`<services><service><service_code>pothole</service_code><service_name>Pothole</service_name>`) ||
		strings.Count(body, "<service>") != 6 {
		t.Errorf("services.xml: got %d %s", status, body)
	}
}

func TestHandlerRejectsBadRequests(t *testing.T) {
	with := func(edit func(v url.Values)) url.Values {
		v := potholeForm()
		edit(v)
		return v
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string // substring of the body
	}{
		{"no api key", with(func(v url.Values) { v.Del("api_key") }), 403, "Invalid api_key"},
		{"no service code", with(func(v url.Values) { v.Del("service_code") }), 400, "service_code is required"},
		{"unknown service code", with(func(v url.Values) { v.Set("service_code", "unicorns") }), 404, "Resource not found"},
		{"no location", with(func(v url.Values) { v.Del("lat"); v.Del("long") }), 400, "a location is required"},
		{"half a location", with(func(v url.Values) { v.Del("long") }), 400, "lat and long"},
		{"lat out of range", with(func(v url.Values) { v.Set("lat", "91") }), 400, "lat and long"},
		{"lat not a number", with(func(v url.Values) { v.Set("lat", "north") }), 400, "lat and long"},
		{"missing required attribute", with(func(v url.Values) { v.Del("attribute[depth]") }), 400, "attribute[depth] is required"},
		{"value not in list", with(func(v url.Values) { v.Set("attribute[depth]", "bottomless") }), 400, `\"bottomless\" is not an allowed value`},
		{"two values for single list", with(func(v url.Values) { v.Add("attribute[depth]", "shallow") }), 400, "takes one value"},
		{"not a number", with(func(v url.Values) { v.Set("attribute[width_cm]", "wide") }), 400, "must be a number"},
		{"bad media url", with(func(v url.Values) { v.Set("media_url", "javascript:alert(1)") }), 400, "media_url"},
		{"other jurisdiction", with(func(v url.Values) { v.Set("jurisdiction_id", "elsewhere") }), 404, "jurisdiction_id not found"},
		{"several problems at once", url.Values{"api_key": {apiKey}}, 400, `"service_code is required"},{"code":400,"description":"a location is required`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, reqs := newServer(t)
			status, body := call(t, srv, "POST", "/requests.json", tt.form)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("got %d %s, want %d containing %q", status, body, tt.status, tt.want)
			}
			if len(reqs.inputs) != 0 {
				t.Errorf("stored %d requests, want 0", len(reqs.inputs))
			}
		})
	}
}

func TestHandlerBodyLimitsAndEncoding(t *testing.T) {
	srv, reqs := newServer(t)
	// In-process, to skip the real server's lingering close after a 413.
	huge := potholeForm()
	huge.Set("description", strings.Repeat("x", open311.DefaultMaxBodyBytes))
	h := &open311.Handler{Registry: catalogue(), Requests: reqs, APIKeys: []string{apiKey}}
	r := httptest.NewRequest("POST", "/requests.json", strings.NewReader(huge.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), `"code":413`) {
		t.Errorf("huge body: got %d %s, want 413", w.Code, w.Body)
	}
	for name, req := range map[string]func() *http.Request{
		"json body": func() *http.Request {
			r, _ := http.NewRequest("POST", srv.URL+"/open311/v2/requests.json", strings.NewReader(`{"service_code":"pothole"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		},
		"malformed form": func() *http.Request {
			r, _ := http.NewRequest("POST", srv.URL+"/open311/v2/requests.json", strings.NewReader("api_key="+apiKey+"&service_code=%zz"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		},
	} {
		resp, err := srv.Client().Do(req())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: got %d, want 400", name, resp.StatusCode)
		}
	}
	if len(reqs.inputs) != 0 {
		t.Fatalf("stored %d requests, want 0", len(reqs.inputs))
	}

	// Invalid UTF-8 and control characters are cleaned; markup stays text.
	v := potholeForm()
	v.Set("description", "Hole\xff\x00 <script>alert(1)</script>")
	v.Set("first_name", "  Sam\n\tJ ")
	if status, body := call(t, srv, "POST", "/requests.json", v); status != 200 {
		t.Fatalf("got %d %s", status, body)
	}
	got := reqs.inputs[0]
	if want := "Hole\uFFFD <script>alert(1)</script>"; got.Description != want {
		t.Errorf("description: got %q, want %q", got.Description, want)
	}
	if got.FirstName != "Sam J" {
		t.Errorf("first name: got %q, want %q", got.FirstName, "Sam J")
	}
	_, body := call(t, srv, "GET", "/requests/TH-1.json", nil)
	if strings.Contains(body, "<script>") || !strings.Contains(body, `\u003cscript\u003e`) {
		t.Errorf("JSON should carry the markup escaped as text: %s", body)
	}
}

func TestHandlerListRequests(t *testing.T) {
	srv, reqs := newServer(t)
	call(t, srv, "POST", "/requests.json", potholeForm())
	call(t, srv, "POST", "/requests.json", potholeForm())

	status, body := call(t, srv, "GET", "/requests.json?service_request_id=TH-2", nil)
	if status != 200 || strings.Count(body, "service_request_id") != 1 || !strings.Contains(body, `"TH-2"`) {
		t.Errorf("by id: got %d %s", status, body)
	}
	status, _ = call(t, srv, "GET", "/requests.json?status=open", nil)
	if status != 200 {
		t.Fatalf("status filter: got %d", status)
	}
	f := reqs.filters[len(reqs.filters)-1]
	if !f.End.Equal(now) || !f.Start.Equal(now.Add(-90*24*time.Hour)) || f.Limit != 1000 || !slices.Equal(f.Statuses, []string{"open"}) {
		t.Errorf("default filter: got %+v", f)
	}
	for _, q := range []string{
		"start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
		"start_date=yesterday",
		"status=pending",
	} {
		if status, body := call(t, srv, "GET", "/requests.json?"+q, nil); status != 400 {
			t.Errorf("%s: got %d %s, want 400", q, status, body)
		}
	}
}
