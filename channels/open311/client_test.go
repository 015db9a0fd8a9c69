package open311_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/open311"
)

func TestClientServerRoundTrip(t *testing.T) {
	srv, reqs := newServer(t)
	c := &open311.Client{BaseURL: srv.URL + "/open311/v2/", APIKey: apiKey, Jurisdiction: "thornbury-vale", HTTPClient: srv.Client()}
	ctx := context.Background()

	svcs, err := c.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(catalogue().List, svcs); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
	for _, s := range svcs {
		def, err := c.ServiceDefinition(ctx, s.Code)
		if err != nil {
			t.Fatalf("%s: %v", s.Code, err)
		}
		want, ok := catalogue().Definitions[s.Code]
		if !ok {
			want = open311.ServiceDefinition{ServiceCode: s.Code}
		}
		if diff := cmp.Diff(want, *def, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s definition (-want +got):\n%s", s.Code, diff)
		}
	}

	in := open311.ServiceRequest{
		ServiceCode: "missed_bin",
		Position:    &open311.Point{Lat: 51.60861, Long: -2.52278},
		Description: "Recycling not collected on Tuesday",
		Email:       "sam@example.com", FirstName: "Sam", LastName: "Resident", Phone: "+447700900123",
		MediaURL:   "https://townhall.example.gov.uk/media/1.jpg",
		Attributes: map[string][]string{"bin_type": {"recycling"}, "collection_date": {"2026-03-01T07:00:00Z"}},
	}
	created, err := c.CreateRequest(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if created.ServiceRequestID != "TH-1" {
		t.Errorf("created: got %+v, want id TH-1", created)
	}
	stored := reqs.inputs[0]
	in.Jurisdiction = "thornbury-vale"
	if diff := cmp.Diff(in, stored); diff != "" {
		t.Errorf("server received (-want +got):\n%s", diff)
	}

	got, err := c.Request(ctx, "TH-1")
	if err != nil {
		t.Fatal(err)
	}
	want := &open311.Request{
		ServiceRequestID: "TH-1", Status: open311.Open, ServiceCode: "missed_bin", Description: "Recycling not collected on Tuesday",
		AgencyResponsible: "Thornbury Vale Borough Council", ServiceNotice: "Potholes are inspected within 5 working days.",
		Requested: now, Position: &open311.Point{Lat: 51.60861, Long: -2.52278}, MediaURL: "https://townhall.example.gov.uk/media/1.jpg",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}

	// Batch services answer with a token.
	created, err = c.CreateRequest(ctx, open311.ServiceRequest{ServiceCode: "fly_tipping", AddressString: "Back lane",
		Attributes: map[string][]string{"waste_types": {"bags", "asbestos"}}})
	if err != nil || created.Token != "TOK-2" || created.ServiceRequestID != "" {
		t.Errorf("batch: got %+v, %v; want token TOK-2", created, err)
	}
	if diff := cmp.Diff([]string{"bags", "asbestos"}, reqs.inputs[1].Attributes["waste_types"]); diff != "" {
		t.Errorf("multivaluelist (-want +got):\n%s", diff)
	}
}

func TestClientErrors(t *testing.T) {
	srv, _ := newServer(t)
	ctx := context.Background()
	c := &open311.Client{BaseURL: srv.URL + "/open311/v2", APIKey: "wrong", HTTPClient: srv.Client()}

	_, err := c.CreateRequest(ctx, open311.ServiceRequest{ServiceCode: "graffiti", AddressString: "Town hall wall"})
	if !errors.Is(err, open311.ErrForbidden) {
		t.Errorf("bad key: got %v, want ErrForbidden", err)
	}
	e, ok := errors.AsType[*open311.Error](err)
	if !ok || e.Status != 403 || e.Errors[0].Code != 403 {
		t.Errorf("got %#v", err)
	}
	if _, err := c.Request(ctx, "TH-404"); !errors.Is(err, open311.ErrNotFound) {
		t.Errorf("unknown id: got %v, want ErrNotFound", err)
	}
	if _, err := c.ServiceDefinition(ctx, "unicorns"); !errors.Is(err, open311.ErrNotFound) {
		t.Errorf("unknown service: got %v, want ErrNotFound", err)
	}
	if _, err := c.CreateRequest(ctx, open311.ServiceRequest{ServiceCode: "graffiti"}); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("no location: got %v, want ErrInvalid", err)
	}
}

// TestClientToleratesOtherServers decodes the looser JSON some servers
// write: numeric ids and codes, string booleans and coordinates, and
// open311-adapter's {"errors": [...]} envelope.
func TestClientToleratesOtherServers(t *testing.T) {
	routes := map[string]struct {
		status int
		body   string
	}{
		"GET /services.json":     {200, `[{"service_code":1,"service_name":"Pothole","description":null,"metadata":"true","type":"realtime","keywords":null,"group":"Roads"}]`},
		"GET /services/1.json":   {200, `{"service_code":1,"attributes":[{"variable":"true","code":"depth","datatype":"singlevaluelist","required":"false","datatype_description":null,"order":"2","description":"Depth","values":[{"key":1,"name":"Shallow"}]}]}`},
		"POST /requests.json":    {200, `[{"service_request_id":293944,"service_notice":"The City will inspect within 24 hours","account_id":null}]`},
		"GET /requests/7.json":   {200, `[{"service_request_id":7,"status":"Closed","requested_datetime":"2010-04-14T06:37:38-0800","lat":"37.76","long":"-122.42","address":"8TH AVE and JUDAH ST"}]`},
		"GET /requests/404.json": {404, `{"errors":[{"code":404,"description":"Resource not found"}]}`},
		"GET /requests/500.json": {500, `<html>oops</html>`},
	}
	var gotForm url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("jurisdiction_id") != "sfgov.org" && r.Method == "GET" {
			t.Errorf("%s: no jurisdiction_id", r.URL)
		}
		if r.Method == "POST" {
			b, _ := io.ReadAll(r.Body)
			gotForm, _ = url.ParseQuery(string(b))
		}
		rt, ok := routes[r.Method+" "+r.URL.Path]
		if !ok {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			rt.status = 500
		}
		w.WriteHeader(rt.status)
		io.WriteString(w, rt.body)
	}))
	defer srv.Close()
	c := &open311.Client{BaseURL: srv.URL, APIKey: "k", Jurisdiction: "sfgov.org", HTTPClient: srv.Client()}
	ctx := context.Background()

	svcs, err := c.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]open311.Service{{Code: "1", Name: "Pothole", Metadata: true, Type: "realtime", Group: "Roads"}}, svcs); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
	def, err := c.ServiceDefinition(ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	wantDef := &open311.ServiceDefinition{ServiceCode: "1", Attributes: []open311.Attribute{{Variable: true, Code: "depth", Datatype: "singlevaluelist",
		Order: 2, Description: "Depth", Values: []open311.AttributeValue{{Key: "1", Name: "Shallow"}}}}}
	if diff := cmp.Diff(wantDef, def); diff != "" {
		t.Errorf("definition (-want +got):\n%s", diff)
	}
	created, err := c.CreateRequest(ctx, open311.ServiceRequest{ServiceCode: "1", AddressString: "8th Ave", Attributes: map[string][]string{"depth": {"1"}}})
	if err != nil || created.ServiceRequestID != "293944" {
		t.Errorf("create: got %+v, %v", created, err)
	}
	wantForm := url.Values{"api_key": {"k"}, "jurisdiction_id": {"sfgov.org"}, "service_code": {"1"}, "address_string": {"8th Ave"}, "attribute[depth]": {"1"}}
	if diff := cmp.Diff(wantForm, gotForm); diff != "" {
		t.Errorf("posted form (-want +got):\n%s", diff)
	}
	r, err := c.Request(ctx, "7")
	if err != nil {
		t.Fatal(err)
	}
	wantReq := &open311.Request{ServiceRequestID: "7", Status: "closed", Address: "8TH AVE and JUDAH ST",
		Requested: time.Date(2010, 4, 14, 6, 37, 38, 0, time.FixedZone("", -8*3600)), Position: &open311.Point{Lat: 37.76, Long: -122.42}}
	if diff := cmp.Diff(wantReq, r, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if _, err := c.Request(ctx, "404"); !errors.Is(err, open311.ErrNotFound) {
		t.Errorf("404: got %v, want ErrNotFound", err)
	}
	_, err = c.Request(ctx, "500")
	if e, ok := errors.AsType[*open311.Error](err); !ok || e.Status != 500 || e.Errors[0].Description != "Internal Server Error" {
		t.Errorf("500: got %v", err)
	}
}
