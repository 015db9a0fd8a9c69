package assistant

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// srNow is a Tuesday in summer, 10:00 UK time.
var srNow = time.Date(2026, 6, 16, 9, 0, 0, 0, time.UTC)

// srChat drives slot filling the way the Assistant does: it records each
// resident turn, takes the step, records the reply, and clears Pending
// once a request is submitted.
type srChat struct {
	t     *testing.T
	conv  *Conversation
	steps []ServiceStep
}

func newSRChat(t *testing.T, ch Channel) *srChat {
	return &srChat{t: t, conv: &Conversation{ID: "c1", Channel: ch, Resident: "r1"}}
}

func (c *srChat) say(service, text string, loc *Location) ServiceStep {
	c.t.Helper()
	c.conv.Turns = append(c.conv.Turns, Turn{Seq: len(c.conv.Turns) + 1, Role: RoleResident, Text: text, At: srNow})
	step := NextServiceStep(c.conv, service, text, loc, srNow)
	c.steps = append(c.steps, step)
	c.conv.Turns = append(c.conv.Turns, Turn{Seq: len(c.conv.Turns) + 1, Role: RoleAssistant, Text: step.Text, Intent: IntentServiceRequest, At: srNow})
	if step.Kind == StepSubmit {
		c.conv.Pending = nil
	}
	return step
}

// asked returns the slots asked for, in order.
func (c *srChat) asked() []string {
	var out []string
	for _, s := range c.steps {
		if s.Kind == StepAsk {
			out = append(out, s.Slot)
		}
	}
	return out
}

type srTurn struct {
	service  string
	text     string
	loc      *Location
	wantKind StepKind
	wantSlot string
}

func TestServiceFlows(t *testing.T) {
	tests := []struct {
		name  string
		ch    Channel
		turns []srTurn
		want  ServiceRequest // the submitted request (Created, Channel, IDs checked separately)
	}{
		{
			name: "pothole: location first, then description fills the questions",
			turns: []srTurn{
				{ServicePothole, "There's a pothole outside 14 Elm Road", nil, StepAsk, SlotDescription},
				{"", "It's really deep, about 10cm, in the middle of the road and it burst my tyre", nil, StepAsk, "size"},
				{"", "bigger than a dinner plate", nil, StepConfirm, SlotConfirm},
				{"", "yes", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServicePothole,
				Location:    Location{Address: "outside 14 Elm Road"},
				Description: "It's really deep, about 10cm, in the middle of the road and it burst my tyre",
				Answers:     map[string]string{"size": "Bigger than a dinner plate", "depth": "10cm deep", "position": "In the road"},
			},
		},
		{
			name: "pothole from a WhatsApp shared location",
			ch:   ChannelWhatsApp,
			turns: []srTurn{
				{ServicePothole, "Pothole here", &Location{Lat: 51.4545, Lon: -2.5879}, StepAsk, SlotDescription},
				{"", "It's huge and on the road, nearly took my wheel off", nil, StepAsk, "depth"},
				{"", "not sure", nil, StepConfirm, SlotConfirm},
				{"", "Yes, send it", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServicePothole,
				Location:    Location{Lat: 51.4545, Lon: -2.5879},
				Description: "It's huge and on the road, nearly took my wheel off",
				Answers:     map[string]string{"size": "Bigger than a dinner plate", "depth": "Not sure", "position": "In the road"},
			},
		},
		{
			name: "pothole: WhatsApp location shared in reply to where",
			ch:   ChannelWhatsApp,
			turns: []srTurn{
				{ServicePothole, "I want to report a pothole", nil, StepAsk, SlotLocation},
				{"", "", &Location{Lat: 51.4545, Lon: -2.5879, Address: "Elm Road, Thornbury tv1 2ab"}, StepAsk, SlotDescription},
				{"", "small but deep, on the pavement", nil, StepConfirm, SlotConfirm},
				{"", "yes", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServicePothole,
				Location:    Location{Lat: 51.4545, Lon: -2.5879, Address: "Elm Road, Thornbury tv1 2ab", Postcode: "TV1 2AB"},
				Description: "small but deep, on the pavement",
				Answers:     map[string]string{"size": "Smaller than a dinner plate", "depth": "Deep (4cm or more)", "position": "On the pavement"},
			},
		},
		{
			name: "missed bin: bin and day from the first message, address asked",
			turns: []srTurn{
				{ServiceMissedBin, "My recycling wasn't collected today", nil, StepAsk, SlotLocation},
				{"", "22 Oak Avenue, tv1 2ab", nil, StepConfirm, SlotConfirm},
				{"", "yep", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServiceMissedBin,
				Location:    Location{Address: "22 Oak Avenue", Postcode: "TV1 2AB"},
				Description: "My recycling wasn't collected today",
				Answers:     map[string]string{"bin": "Recycling", "day": "Tuesday"},
			},
		},
		{
			name: "missed bin: every question asked, bare replies",
			turns: []srTurn{
				{ServiceMissedBin, "missed bin", nil, StepAsk, SlotLocation},
				{"", "Elm Road", nil, StepAsk, SlotLocation}, // a street, but which house?
				{"", "14", nil, StepAsk, "bin"},
				{"", "garden and food", nil, StepAsk, "day"},
				{"", "thurs", nil, StepConfirm, SlotConfirm},
				{"", "ok", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:  ServiceMissedBin,
				Location: Location{Address: "14 Elm Road"},
				Answers:  map[string]string{"bin": "Garden waste, Food waste", "day": "Thursday"},
			},
		},
		{
			name: "fly-tipping near a landmark, amount asked",
			turns: []srTurn{
				{ServiceFlyTipping, "Someone has dumped a mattress and a fridge near the Co-op on High Street", nil, StepAsk, "amount"},
				{"", "about a van load", nil, StepConfirm, SlotConfirm},
				{"", "yes", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServiceFlyTipping,
				Location:    Location{Address: "near the Co-op on High Street"},
				Description: "Someone has dumped a mattress and a fridge near the Co-op on High Street",
				Answers:     map[string]string{"waste": "Furniture or large items", "amount": "A small van load"},
			},
		},
		{
			name: "fly-tipping behind the resident's house: which street is asked",
			turns: []srTurn{
				{ServiceFlyTipping, "Someone has dumped a sofa behind my house", nil, StepAsk, SlotLocation},
				{"", "Back Lane", nil, StepAsk, "amount"},
				{"", "20 bin bags as well", nil, StepConfirm, SlotConfirm},
				{"", "yes", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServiceFlyTipping,
				Location:    Location{Address: "behind my house, Back Lane"},
				Description: "Someone has dumped a sofa behind my house",
				Answers:     map[string]string{"waste": "Bags of rubbish, Furniture or large items", "amount": "A small van load"},
			},
		},
		{
			name: "street light: fault in the first message, lamp post number asked",
			turns: []srTurn{
				{ServiceStreetLight, "The street light outside 3 Mill Lane keeps flickering", nil, StepAsk, "lamp_post"},
				{"", "it's 27B", nil, StepConfirm, SlotConfirm},
				{"", "yes", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServiceStreetLight,
				Location:    Location{Address: "outside 3 Mill Lane"},
				Description: "The street light outside 3 Mill Lane keeps flickering",
				Answers:     map[string]string{"fault": "Flickering", "lamp_post": "27B"},
			},
		},
		{
			name: "street light: number not visible",
			turns: []srTurn{
				{ServiceStreetLight, "street light not working on Station Road, lamp post 112", nil, StepConfirm, SlotConfirm},
				{"", "yes", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServiceStreetLight,
				Location:    Location{Address: "Station Road"},
				Description: "street light not working on Station Road, lamp post 112",
				Answers:     map[string]string{"fault": "Not working", "lamp_post": "112"},
			},
		},
		{
			name: "graffiti, offensive, all in one message",
			turns: []srTurn{
				{ServiceGraffiti, "There's racist graffiti on the bus shelter opposite 3 Mill Lane", nil, StepConfirm, SlotConfirm},
				{"", "that's right", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServiceGraffiti,
				Location:    Location{Address: "opposite 3 Mill Lane"},
				Description: "There's racist graffiti on the bus shelter opposite 3 Mill Lane",
				Answers:     map[string]string{"offensive": "Yes, offensive", "surface": "Bus shelter"},
			},
		},
		{
			name: "graffiti: yes/no answer to the offensive question",
			turns: []srTurn{
				{ServiceGraffiti, "graffiti", nil, StepAsk, SlotLocation},
				{"", "the underpass behind the library", nil, StepAsk, SlotDescription},
				{"", "big tags sprayed all over the wall", nil, StepAsk, "offensive"},
				{"", "no", nil, StepConfirm, SlotConfirm},
				{"", "yes", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServiceGraffiti,
				Location:    Location{Address: "the underpass behind the library"},
				Description: "big tags sprayed all over the wall",
				Answers:     map[string]string{"offensive": "Not offensive", "surface": "Wall, Bridge or underpass"}, // the underpass wall
			},
		},
		{
			name: "noise: type, time and frequency in one message",
			turns: []srTurn{
				{ServiceNoise, "My neighbours at 12 Park Road play loud music every night until 2am", nil, StepConfirm, SlotConfirm},
				{"", "yes please", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServiceNoise,
				Location:    Location{Address: "12 Park Road"},
				Description: "My neighbours at 12 Park Road play loud music every night until 2am",
				Answers:     map[string]string{"noise_type": "Loud music or parties", "when": "Late at night (2am)", "how_often": "Every day or night"},
			},
		},
		{
			name: "noise: asked one by one",
			turns: []srTurn{
				{ServiceNoise, "I want to complain about noise", nil, StepAsk, SlotLocation},
				{"", "15 Victoria Street", nil, StepAsk, SlotDescription},
				{"", "a dog", nil, StepAsk, "when"},
				{"", "mornings", nil, StepAsk, "how_often"},
				{"", "most days", nil, StepConfirm, SlotConfirm},
				{"", "yes", nil, StepSubmit, ""},
			},
			want: ServiceRequest{
				Service:     ServiceNoise,
				Location:    Location{Address: "15 Victoria Street"},
				Description: "a dog",
				Answers:     map[string]string{"noise_type": "Barking dog", "when": "Early morning", "how_often": "Several times a week"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := tt.ch
			if ch == "" {
				ch = ChannelWeb
			}
			c := newSRChat(t, ch)
			var last ServiceStep
			for i, tu := range tt.turns {
				last = c.say(tu.service, tu.text, tu.loc)
				if last.Kind != tu.wantKind || last.Slot != tu.wantSlot {
					t.Fatalf("srTurn %d %q: got %s %q (%q), want %s %q", i+1, tu.text, last.Kind, last.Slot, last.Text, tu.wantKind, tu.wantSlot)
				}
				if last.Kind == StepAsk && last.Text == "" {
					t.Errorf("srTurn %d: ask step with no text", i+1)
				}
			}
			if last.Kind != StepSubmit || last.Submit == nil {
				t.Fatalf("flow ended with %s, want a submitted request", last.Kind)
			}
			got := *last.Submit
			if !got.Confirmed || got.Status != "open" || got.Channel != ch || got.ConversationID != "c1" || !got.Created.Equal(srNow) {
				t.Errorf("submitted request: got confirmed=%v status=%q channel=%q conv=%q created=%v", got.Confirmed, got.Status, got.Channel, got.ConversationID, got.Created)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(ServiceRequest{}, "Created", "Confirmed", "Status", "Channel", "ConversationID")); diff != "" {
				t.Errorf("submitted request mismatch (-want +got):\n%s", diff)
			}
			// Tell us once: nothing given is asked for again.
			seen := map[string]int{}
			for _, s := range c.asked() {
				seen[s]++
			}
			for slot, n := range seen {
				if n > 1 && slot != SlotLocation { // the missed bin's house number is a follow-up
					t.Errorf("slot %q asked %d times", slot, n)
				}
			}
		})
	}
}

// TestServiceReusesEarlierTurns checks details from before the request
// started are not asked for again.
func TestServiceReusesEarlierTurns(t *testing.T) {
	c := newSRChat(t, ChannelWeb)
	// An earlier exchange, answered by the assistant.
	c.conv.Turns = append(c.conv.Turns,
		Turn{Seq: 1, Role: RoleResident, Text: "Who fixes the road outside 8 Church Lane? There's a huge hole in the road, it's really deep", At: srNow},
		Turn{Seq: 2, Role: RoleAssistant, Text: "The council repairs roads.", Intent: IntentAnswer, At: srNow},
	)
	step := c.say(ServicePothole, "I want to report it", nil)
	if step.Kind != StepConfirm {
		t.Fatalf("got %s %q (%q), want the summary", step.Kind, step.Slot, step.Text)
	}
	p := c.conv.Pending
	if p.Location.Address != "outside 8 Church Lane" {
		t.Errorf("location: got %q, want %q", p.Location.Address, "outside 8 Church Lane")
	}
	want := map[string]string{"size": "Bigger than a dinner plate", "depth": "Deep (4cm or more)", "position": "In the road"}
	if diff := cmp.Diff(want, p.Answers); diff != "" {
		t.Errorf("answers mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(step.Text, "8 Church Lane") {
		t.Errorf("summary %q does not show the location", step.Text)
	}
}

// TestServiceEarlierRequestNotReused checks details of a request already
// logged in the conversation do not leak into the next one.
func TestServiceEarlierRequestNotReused(t *testing.T) {
	c := newSRChat(t, ChannelWeb)
	c.say(ServiceGraffiti, "racist graffiti on the wall opposite 3 Mill Lane", nil)
	if s := c.say("", "yes", nil); s.Kind != StepSubmit {
		t.Fatalf("got %s, want submit", s.Kind)
	}
	step := c.say(ServicePothole, "and a pothole", nil)
	if step.Kind != StepAsk || step.Slot != SlotLocation {
		t.Errorf("got %s %q, want the location asked", step.Kind, step.Slot)
	}
}

func TestServiceInvalidPostcodeReasked(t *testing.T) {
	c := newSRChat(t, ChannelSMS)
	c.say(ServiceMissedBin, "my bin wasn't emptied", nil)
	step := c.say("", "TV1 2CC", nil)
	if step.Kind != StepAsk || step.Slot != SlotLocation || !step.Reprompt {
		t.Fatalf("got %s %q reprompt=%v, want the location asked again", step.Kind, step.Slot, step.Reprompt)
	}
	if !strings.Contains(step.Text, "TV1 2CC") || !strings.Contains(step.Text, "does not look right") {
		t.Errorf("re-ask %q does not say the postcode looks wrong", step.Text)
	}
	if c.conv.Pending.Location.Postcode != "" {
		t.Errorf("invalid postcode stored: %q", c.conv.Pending.Location.Postcode)
	}
	step = c.say("", "Sorry, 14 Elm Road, TV1 2AB", nil)
	if step.Kind != StepAsk || step.Slot != "bin" || step.Reprompt {
		t.Fatalf("got %s %q reprompt=%v, want the bin asked", step.Kind, step.Slot, step.Reprompt)
	}
	if got := c.conv.Pending.Location; got.Postcode != "TV1 2AB" || got.Address != "14 Elm Road" {
		t.Errorf("location: got %+v", got)
	}
}

func TestServiceClosedQuestionReasked(t *testing.T) {
	c := newSRChat(t, ChannelWeb)
	c.say(ServiceMissedBin, "bin not collected at 14 Elm Road", nil)
	step := c.say("", "the blue one", nil)
	if step.Kind != StepAsk || step.Slot != "bin" || !step.Reprompt {
		t.Fatalf("got %s %q reprompt=%v, want the bin asked again", step.Kind, step.Slot, step.Reprompt)
	}
	if diff := cmp.Diff([]string{"General rubbish", "Recycling", "Garden waste", "Food waste"}, step.Suggestions); diff != "" {
		t.Errorf("suggestions mismatch (-want +got):\n%s", diff)
	}
}

func TestServiceCorrection(t *testing.T) {
	start := func(t *testing.T) *srChat {
		c := newSRChat(t, ChannelWeb)
		c.say(ServicePothole, "Huge pothole in the road outside 14 Elm Road, about 10cm deep, my car hit it hard", nil)
		if s := c.steps[len(c.steps)-1]; s.Kind != StepConfirm {
			t.Fatalf("setup: got %s %q (%q), want confirm", s.Kind, s.Slot, s.Text)
		}
		return c
	}
	t.Run("no, then name the detail", func(t *testing.T) {
		c := start(t)
		step := c.say("", "no", nil)
		if step.Kind != StepAsk || step.Slot != SlotChange {
			t.Fatalf("got %s %q, want what to change", step.Kind, step.Slot)
		}
		if diff := cmp.Diff([]string{"Where", "Details", "Size", "Depth", "Road or pavement"}, step.Suggestions); diff != "" {
			t.Errorf("suggestions mismatch (-want +got):\n%s", diff)
		}
		step = c.say("", "Size", nil)
		if step.Kind != StepAsk || step.Slot != "size" {
			t.Fatalf("got %s %q, want the size asked", step.Kind, step.Slot)
		}
		step = c.say("", "small", nil)
		if step.Kind != StepConfirm {
			t.Fatalf("got %s %q, want confirm", step.Kind, step.Slot)
		}
		step = c.say("", "yes", nil)
		if step.Kind != StepSubmit {
			t.Fatalf("got %s, want submit", step.Kind)
		}
		if got := step.Submit.Answers["size"]; got != "Smaller than a dinner plate" {
			t.Errorf("size: got %q, want the corrected one", got)
		}
	})
	t.Run("no with the correction in it", func(t *testing.T) {
		c := start(t)
		step := c.say("", "No, it's outside 16 Elm Road", nil)
		if step.Kind != StepConfirm || !strings.HasPrefix(step.Text, "I've updated that.") {
			t.Fatalf("got %s %q, want the updated summary", step.Kind, step.Text)
		}
		if !strings.Contains(step.Text, "outside 16 Elm Road") {
			t.Errorf("summary %q lacks the new address", step.Text)
		}
		if step = c.say("", "yes", nil); step.Kind != StepSubmit || step.Submit.Location.Address != "outside 16 Elm Road" {
			t.Errorf("got %s %+v, want submitted at 16 Elm Road", step.Kind, step.Submit)
		}
	})
	t.Run("change the location", func(t *testing.T) {
		c := start(t)
		step := c.say("", "change the address", nil)
		if step.Kind != StepAsk || step.Slot != SlotLocation {
			t.Fatalf("got %s %q, want the location asked", step.Kind, step.Slot)
		}
		step = c.say("", "TV1 2AB", nil)
		if step.Kind != StepConfirm || !strings.Contains(step.Text, "TV1 2AB") {
			t.Fatalf("got %s %q, want a summary with the postcode", step.Kind, step.Text)
		}
	})
	t.Run("a question is not a confirmation", func(t *testing.T) {
		c := start(t)
		step := c.say("", "hmm", nil)
		if step.Kind != StepAsk || step.Slot != SlotChange {
			t.Errorf("got %s %q, want what to change", step.Kind, step.Slot)
		}
	})
}

func TestServiceCancel(t *testing.T) {
	c := newSRChat(t, ChannelWeb)
	c.say(ServicePothole, "pothole on Elm Road", nil)
	step := c.say("", "cancel", nil)
	if step.Kind != StepCancelled || c.conv.Pending != nil {
		t.Errorf("got %s, pending %v; want cancelled and nothing pending", step.Kind, c.conv.Pending)
	}
}

func TestServiceWhichService(t *testing.T) {
	c := newSRChat(t, ChannelWeb)
	step := c.say("", "I want to report a problem outside 14 Elm Road", nil)
	if step.Kind != StepAsk || step.Slot != SlotService || step.Reprompt {
		t.Fatalf("got %s %q reprompt=%v, want which service", step.Kind, step.Slot, step.Reprompt)
	}
	if len(step.Suggestions) != 6 {
		t.Errorf("suggestions: got %v, want the six services", step.Suggestions)
	}
	step = c.say("", "something else", nil)
	if step.Slot != SlotService || !step.Reprompt {
		t.Fatalf("got %s %q reprompt=%v, want which service again", step.Kind, step.Slot, step.Reprompt)
	}
	step = c.say("", "Graffiti", nil)
	// The location from the first message is kept.
	if step.Kind != StepAsk || step.Slot != SlotDescription {
		t.Fatalf("got %s %q, want the description asked", step.Kind, step.Slot)
	}
	if got := c.conv.Pending.Location.Address; got != "outside 14 Elm Road" {
		t.Errorf("location: got %q, want it reused", got)
	}
}

func TestServiceSwitch(t *testing.T) {
	c := newSRChat(t, ChannelWeb)
	c.say(ServicePothole, "pothole outside 14 Elm Road", nil)
	// Mentioning a lamp post while describing graffiti is not a switch...
	step := c.say("", "actually I want to report graffiti instead", nil)
	if c.conv.Pending.Service != ServiceGraffiti || !strings.HasPrefix(step.Text, "OK, a graffiti report instead.") {
		t.Fatalf("got service %q, text %q; want a switch to graffiti", c.conv.Pending.Service, step.Text)
	}
	if c.conv.Pending.Location.Address != "outside 14 Elm Road" {
		t.Errorf("location not kept: %q", c.conv.Pending.Location.Address)
	}
	step = c.say("", "sprayed on the lamp post", nil)
	if c.conv.Pending.Service != ServiceGraffiti {
		t.Errorf("service: got %q, want graffiti kept", c.conv.Pending.Service)
	}
}

func TestAcknowledge(t *testing.T) {
	r := &ServiceRequest{Service: ServiceGraffiti, Reference: "SR-2026-000007", Answers: map[string]string{"offensive": "Not offensive"}}
	got, err := AcknowledgeServiceRequest(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SR-2026-000007", "graffiti report is logged", "within 10 working days"} {
		if !strings.Contains(got, want) {
			t.Errorf("acknowledgement %q lacks %q", got, want)
		}
	}
	r.Answers["offensive"] = "Yes, offensive"
	if got, _ = AcknowledgeServiceRequest(r); !strings.Contains(got, "remove it within 1 working day") {
		t.Errorf("offensive graffiti: got %q, want the urgent timescale", got)
	}
	if _, err := AcknowledgeServiceRequest(&ServiceRequest{Service: ServicePothole}); !errors.Is(err, ErrInvalid) {
		t.Errorf("no reference: got %v, want ErrInvalid", err)
	}
	fly := &ServiceRequest{Service: ServiceFlyTipping, Reference: "SR-2026-000008", Answers: map[string]string{"waste": "Bags of rubbish, Hazardous waste"}}
	if got, _ = AcknowledgeServiceRequest(fly); !strings.Contains(got, "visit within 1 working day") {
		t.Errorf("hazardous fly-tipping: got %q, want the urgent timescale", got)
	}
}

func TestWithTimescales(t *testing.T) {
	s, err := DefaultServices().WithTimescales(map[string]Timescale{ServicePothole: {Normal: "3 working days"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Acknowledge(&ServiceRequest{Service: ServicePothole, Reference: "SR-2026-000001"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "inspect it within 3 working days") {
		t.Errorf("got %q, want the configured timescale", got)
	}
	// The default catalogue is unchanged.
	if got, _ := AcknowledgeServiceRequest(&ServiceRequest{Service: ServicePothole, Reference: "SR-2026-000001"}); !strings.Contains(got, "5 working days") {
		t.Errorf("default changed: %q", got)
	}
	if _, err := DefaultServices().WithTimescales(map[string]Timescale{"dragons": {Normal: "1 day"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown service: got %v, want ErrInvalid", err)
	}
}

func TestFormatServiceReference(t *testing.T) {
	if got, want := FormatServiceReference("SR", 2026, 123), "SR-2026-000123"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFindLocation(t *testing.T) {
	tests := []struct {
		text string
		want Location
	}{
		{"There's a pothole outside 14 Elm Road", Location{Address: "outside 14 Elm Road"}},
		{"pothole on elm rd", Location{Address: "Elm Road"}},
		{"near the Co-op on High Street", Location{Address: "near the Co-op on High Street"}},
		{"dumped by the library", Location{Address: "by the library"}},
		{"it was hit by a car on Mill Lane", Location{Address: "Mill Lane"}},
		{"my green bin was missed", Location{}},
		{"it's in Elm Close", Location{Address: "Elm Close"}},
		{"the road is broken", Location{}},
		{"14a St Mary's Road, TV1 2AB", Location{Address: "14A St Mary's Road", Postcode: "TV1 2AB"}},
		{"at 51.4545, -2.5879 roughly", Location{Lat: 51.4545, Lon: -2.5879}},
		{"at 40.7128, -74.0060", Location{}}, // not in the UK
		{"postcode sw1a1aa", Location{Postcode: "SW1A 1AA"}},
		{"on the main road. Park is nearby", Location{Address: "Main Road"}},
		{"massive pothole on the A38 near Tesco", Location{Address: "A38 near Tesco"}},
		{"on church street by the post office", Location{Address: "Church Street by the post office"}},
		{"flat 3, 22 King Street", Location{Address: "Flat 3, 22 King Street"}},
		{"M1 1AE", Location{Postcode: "M1 1AE"}},
		{"the lamppost outside my house isn't working", Location{Address: "outside my house"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := findLocation(tt.text).Location
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findLocation(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestQuestionAnswers(t *testing.T) {
	svc := func(code string) *Service {
		s, ok := DefaultServices().Service(code)
		if !ok {
			t.Fatalf("no service %q", code)
		}
		return s
	}
	question := func(s *Service, key string) *Question {
		for i := range s.Questions {
			if s.Questions[i].Key == key {
				return &s.Questions[i]
			}
		}
		t.Fatalf("no question %q", key)
		return nil
	}
	tests := []struct {
		service, key, text string
		asked              bool
		want               string
		wantOK             bool
	}{
		{ServicePothole, "depth", "it's not very deep", false, "Shallow (under 4cm)", true},
		{ServicePothole, "depth", "about 3 inches deep", false, "3 inches deep", true},
		{ServicePothole, "depth", "5cm", true, "5cm deep", true},
		{ServicePothole, "depth", "5cm wide", false, "", false},
		{ServicePothole, "size", "bigger than a dinner plate", false, "Bigger than a dinner plate", true},
		{ServicePothole, "position", "road", false, "", false}, // bare word only when asked
		{ServicePothole, "position", "road", true, "In the road", true},
		{ServiceStreetLight, "fault", "it goes on and off", false, "Flickering", true},
		{ServiceStreetLight, "fault", "it's on all day", false, "On all day", true},
		{ServiceStreetLight, "lamp_post", "the light at 14 Elm Road", false, "", false},
		{ServiceStreetLight, "lamp_post", "lamp post number SL 123", false, "SL123", true},
		{ServiceStreetLight, "lamp_post", "no", true, "Not visible", true},
		{ServiceGraffiti, "offensive", "it's not offensive, just tags", false, "Not offensive", true},
		{ServiceGraffiti, "offensive", "yes it is", true, "Yes, offensive", true},
		{ServiceMissedBin, "day", "it was missed yesterday", false, "Monday", true},
		{ServiceMissedBin, "day", "sat", false, "", false},
		{ServiceNoise, "when", "from 11pm to 3am", false, "Late at night (11pm, 3am)", true},
		{ServiceNoise, "when", "early mornings and weekends", false, "Early morning, At weekends", true},
		{ServiceFlyTipping, "waste", "black bags and an old sofa", false, "Bags of rubbish, Furniture or large items", true},
	}
	for _, tt := range tests {
		t.Run(tt.key+"/"+tt.text, func(t *testing.T) {
			q := question(svc(tt.service), tt.key)
			got, ok := q.answer(tt.text, foldText(tt.text), tt.asked, srNow)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("answer(%q, asked=%v) = %q, %v; want %q, %v", tt.text, tt.asked, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// BenchmarkNextServiceStep measures one slot-filling turn on a
// conversation with some history: the first message of a pothole report.
func BenchmarkNextServiceStep(b *testing.B) {
	history := []Turn{
		{Seq: 1, Role: RoleResident, Text: "when is the recycling collected on Elm Road?", At: srNow},
		{Seq: 2, Role: RoleAssistant, Text: "Recycling is collected every other Tuesday.", Intent: IntentAnswer, At: srNow},
	}
	text := "There's a massive pothole in the road outside 14 Elm Road, TV1 2AB, about 10cm deep"
	for b.Loop() {
		conv := &Conversation{ID: "b", Turns: history}
		NextServiceStep(conv, ServicePothole, text, nil, srNow)
	}
}
