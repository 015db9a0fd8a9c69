package assistant_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/assistant"
)

// TestServiceRequestLinksCouncilPage checks that the first step of a
// request cites the council's own page for the service, once, and that a
// page that only shares a word with the service ("missed" a council tax
// payment) is never offered for it.
func TestServiceRequestLinksCouncilPage(t *testing.T) {
	chunks := append(slices.Clone(pages),
		page("council-tax/missed-payment.html", "If you have missed a council tax payment",
			"If you have missed a council tax payment, pay it as soon as you can or you will get a reminder. Report a missed payment to us by phone."),
	)
	f := newFixture(t, chunks...)

	as := f.say(t, assistant.ChannelWeb, nil, "there's a massive pothole on Elm Road", "it's about a foot wide and deep")
	first := as[0]
	if first.Intent != assistant.IntentServiceRequest || first.Service != "pothole" {
		t.Fatalf("intent %s service %q, want a pothole request", first.Intent, first.Service)
	}
	if len(first.Citations) != 1 || first.Citations[0].DocID != "roads/potholes.html" {
		t.Fatalf("citations %+v, want the pothole page", first.Citations)
	}
	if !strings.Contains(first.Text, "Report a pothole") || !slices.Equal(first.Retrieved, []string{"roads/potholes.html"}) {
		t.Errorf("first step %q (retrieved %v) does not link the pothole page", first.Text, first.Retrieved)
	}
	if strings.Index(first.Text, "Report a pothole") > strings.Index(first.Text, "?") {
		t.Errorf("the link should come before the step's question: %q", first.Text)
	}
	if len(as[1].Citations) != 0 {
		t.Errorf("second step cites %+v again; the link belongs to the first step only", as[1].Citations)
	}

	bin := f.say(t, assistant.ChannelWeb, nil, "my bin was missed this morning")[0]
	if bin.Service != "missed_bin" {
		t.Fatalf("service %q, want missed_bin", bin.Service)
	}
	for _, c := range bin.Citations {
		if strings.Contains(c.DocID, "council-tax") || strings.Contains(c.DocID, "collections") {
			t.Errorf("missed bin request links %s, which is not about missed bins", c.DocID)
		}
	}
}
