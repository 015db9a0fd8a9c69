package assistant

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
)

func mustRouter(t testing.TB) *OfflineRouter {
	t.Helper()
	r, err := NewOfflineRouter()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRouterCrossValidation trains on four fifths of the labelled examples
// and routes the fifth it did not see, for each fifth in turn: a guard
// against a router that only memorises its examples.
func TestRouterCrossValidation(t *testing.T) {
	ex, err := Examples()
	if err != nil {
		t.Fatal(err)
	}
	const folds = 5
	confusion := map[string]int{}
	right, total := 0, 0
	svcRight, svcTotal := 0, 0
	for f := 0; f < folds; f++ {
		var train, test []Example
		for i, e := range ex {
			if i%folds == f {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		r, err := NewOfflineRouterFrom(train)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range test {
			got := r.route(e.Text, nil)
			total++
			if got.Intent == e.Intent {
				right++
			} else {
				confusion[fmt.Sprintf("%s->%s", e.Intent, got.Intent)]++
				if testing.Verbose() {
					t.Logf("%s -> %s (%s): %q", e.Intent, got.Intent, got.Reason, e.Text)
				}
			}
			if e.Intent == IntentServiceRequest && got.Intent == IntentServiceRequest {
				svcTotal++
				if got.Service == e.Service {
					svcRight++
				}
			}
		}
	}
	acc := float64(right) / float64(total)
	var keys []string
	for k := range confusion {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s:%d", k, confusion[k])
	}
	t.Logf("held-out intent accuracy %.3f over %d examples; service %d/%d; errors%s", acc, total, svcRight, svcTotal, b.String())
	if acc < 0.85 {
		t.Errorf("held-out intent accuracy = %.3f, want >= 0.85", acc)
	}
	if float64(svcRight) < 0.95*float64(svcTotal) {
		t.Errorf("service accuracy = %d/%d, want >= 95%%", svcRight, svcTotal)
	}
}

func TestRouteIntents(t *testing.T) {
	r := mustRouter(t)
	tests := []struct {
		text    string
		intent  Intent
		service string
	}{
		{"how do I report a pothole?", IntentAnswer, ""},
		{"how long do you take to fix potholes", IntentAnswer, ""},
		{"there's a massive pothole on Elm Road", IntentServiceRequest, ServicePothole},
		{"my bin wasnt emptied today", IntentServiceRequest, ServiceMissedBin},
		{"what do I do if my bin isn't collected?", IntentAnswer, ""},
		{"someone has dumped a sofa in the lane behind Brook Street", IntentServiceRequest, ServiceFlyTipping},
		{"the lamp post outside no 4 has been out for a week", IntentServiceRequest, ServiceStreetLight},
		{"kids have sprayed graffiti all over the bus shelter", IntentServiceRequest, ServiceGraffiti},
		{"my neighbour plays loud music till 3am every night", IntentServiceRequest, ServiceNoise},
		{"I'd like to make a freedom of information request about library funding", IntentFOIRequest, ""},
		{"how do I make an FOI request?", IntentAnswer, ""},
		{"can i talk to a real person pls", IntentHandoff, ""},
		{"this is useless", IntentHandoff, ""},
		{"will it rain tomorrow", IntentRefuse, ""},
		{"when is my recycling collected", IntentAnswer, ""},
		{"how much is a visitor parking permit", IntentAnswer, ""},
		{"I can smell gas in the hallway", IntentEmergency, ""},
	}
	for _, tt := range tests {
		got, err := r.Route(context.Background(), RouteInput{Text: tt.text})
		if err != nil {
			t.Fatal(err)
		}
		if got.Intent != tt.intent || got.Service != tt.service {
			t.Errorf("Route(%q) = %s %q (%s, %.2f), want %s %q", tt.text, got.Intent, got.Service, got.Reason, got.Confidence, tt.intent, tt.service)
		}
	}
}

func BenchmarkRoute(b *testing.B) {
	r := mustRouter(b)
	qs := []string{"how much are visitor parking permits for our zone and how long does one last?", "there's a massive pothole on Elm Road", "I can smell gas", "who made the FOI request about the car park?"}
	for i := 0; i < b.N; i++ {
		r.route(qs[i%len(qs)], nil)
	}
}

func BenchmarkTrain(b *testing.B) {
	for i := 0; i < b.N; i++ {
		mustRouter(b)
	}
}

func TestDetectServiceTypos(t *testing.T) {
	for text, want := range map[string]string{
		"potholle on church rd":                    ServicePothole,
		"grafitti on the bus stop":                 ServiceGraffiti,
		"the road outside is breaking up":          ServicePothole,
		"a burnt out car dumped on our road":       "",
		"someone left a mattress on the pavement":  ServiceFlyTipping,
		"the bin men forgot my bin":                ServiceMissedBin,
		"music blasting every night from number 4": ServiceNoise,
		"how much are visitor permits":             "",
	} {
		if got := DetectService(text); got != want {
			t.Errorf("DetectService(%q) = %q, want %q", text, got, want)
		}
	}
}
