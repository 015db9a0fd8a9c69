package assistant

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Service is a kind of request residents can log, with what it needs.
// Every service needs a location; most ask for a short description; each
// has its own questions. The services are listed by DefaultServices.
type Service struct {
	Code  string // pothole, missed_bin, ... (the Service* constants)
	Title string // for summaries and quick replies: "Pothole"
	Noun  string // in sentences: "your pothole report"
	// NeedsAddress means the location must be a property: a house
	// number and street (a missed bin), not just a point on a map.
	NeedsAddress      bool
	LocationPrompt    string
	DescriptionPrompt string // "" means no description is asked for
	Questions         []Question
	// Action is what the council does, for the timescale sentence: "We
	// aim to <Action> within <Timescale.Normal>."
	Action      string
	UrgentIf    map[string]string // answer key → value that makes it urgent
	UrgentDoing string            // Action when urgent, e.g. "make it safe"
	Timescale   Timescale
	NextSteps   string
	// Topic is what the council's own page about the service is found
	// by ("report a missed bin collection"): the first step of a request
	// links to it (see Assistant.servicePage). Empty means no link.
	Topic string
}

// Timescale is how long the council aims to take, as residents read it
// ("5 working days"). Urgent applies when an answer in Service.UrgentIf
// matches.
type Timescale struct {
	Normal string `yaml:"normal" json:"normal"`
	Urgent string `yaml:"urgent" json:"urgent"`
}

// Question is one of a service's own questions.
type Question struct {
	Key    string // key in ServiceRequest.Answers
	Label  string // in summaries and the "what to change" menu
	Prompt string
	// Options are the usual answers, offered as quick replies.
	Options []Option
	// Closed accepts only an option; otherwise any reply is kept as
	// the resident wrote it.
	Closed bool
	// Multi keeps every option mentioned ("recycling and food").
	Multi bool
	// Unknown is stored when the resident does not know; "" means the
	// question must be answered.
	Unknown string
	// parse reads answers that options cannot: days, depths, numbers.
	parse func(text string, asked bool, now time.Time) (string, bool)
}

// Option is one usual answer to a question.
type Option struct {
	Value   string   // stored in Answers and offered as a quick reply
	Phrases []string // folded phrases that give this answer anywhere
	Bare    []string // folded words that give it only as a reply to the question
}

// Services is a catalogue of services. It is never changed once built;
// WithTimescales returns a new one.
type Services struct {
	list []*Service
}

// NewServices builds a catalogue.
func NewServices(list ...Service) *Services {
	s := &Services{}
	for i := range list {
		svc := list[i]
		s.list = append(s.list, &svc)
	}
	return s
}

// Service returns the service with the given code.
func (s *Services) Service(code string) (*Service, bool) {
	for _, svc := range s.list {
		if svc.Code == code {
			return svc, true
		}
	}
	return nil, false
}

// Codes returns the service codes in catalogue order.
func (s *Services) Codes() []string {
	var out []string
	for _, svc := range s.list {
		out = append(out, svc.Code)
	}
	return out
}

// WithTimescales returns a copy of the catalogue with the given
// timescales (by service code) in place of the defaults. An empty field
// keeps the default. An unknown code gives ErrInvalid.
func (s *Services) WithTimescales(m map[string]Timescale) (*Services, error) {
	out := &Services{}
	for _, svc := range s.list {
		c := *svc
		out.list = append(out.list, &c)
	}
	for code, ts := range m {
		svc, ok := out.Service(code)
		if !ok {
			return nil, fmt.Errorf("timescale for unknown service %q: %w", code, ErrInvalid)
		}
		if ts.Normal != "" {
			svc.Timescale.Normal = ts.Normal
		}
		if ts.Urgent != "" {
			svc.Timescale.Urgent = ts.Urgent
		}
	}
	return out, nil
}

// defaultServices is the catalogue NextServiceStep uses. It is never
// changed.
var defaultServices = DefaultServices()

// DefaultServices returns the built-in catalogue. The default timescales
// are typical of English councils' published service standards; set your
// own with WithTimescales:
//
//	pothole       inspect within 5 working days
//	missed_bin    collect within 2 working days
//	fly_tipping   clear within 5 working days; hazardous waste: visit within 1 working day
//	street_light  repair within 5 working days; damaged: make safe within 24 hours
//	graffiti      remove within 10 working days; offensive: within 1 working day
//	noise         an officer contacts the resident within 5 working days
func DefaultServices() *Services {
	return NewServices(
		Service{
			Code: ServicePothole, Topic: "report a pothole", Title: "Pothole", Noun: "pothole report",
			LocationPrompt:    "Where is the pothole? Tell me the street and a house number or landmark near it, or the postcode.",
			DescriptionPrompt: "Please describe the pothole in a few words. For example, how big and how deep is it?",
			Questions: []Question{
				{
					Key: "size", Label: "Size", Prompt: "How big is it?", Unknown: "Not sure", parse: parsePotholeSize,
					Options: []Option{
						{Value: "Smaller than a dinner plate", Phrases: []string{"small", "tiny", "little", "smaller than a dinner plate", "smaller than a plate", "not very big", "not big"}, Bare: []string{"smaller", "small one"}},
						{Value: "About the size of a dinner plate", Phrases: []string{"dinner plate", "size of a plate", "size of a dinner plate", "medium", "medium sized", "about a dinner plate"}, Bare: []string{"plate", "about a plate"}},
						{Value: "Bigger than a dinner plate", Phrases: []string{"big", "large", "huge", "massive", "enormous", "crater", "giant", "bigger than a dinner plate", "bigger than a plate", "size of a car tyre"}, Bare: []string{"bigger"}},
					},
				},
				{
					Key: "depth", Label: "Depth", Prompt: "How deep is it?", Unknown: "Not sure", parse: parsePotholeDepth,
					Options: []Option{
						{Value: "Shallow (under 4cm)", Phrases: []string{"shallow", "not deep", "not very deep", "not that deep"}},
						{Value: "Deep (4cm or more)", Phrases: []string{"deep", "very deep", "really deep", "quite deep"}},
					},
				},
				{
					Key: "position", Label: "Road or pavement", Prompt: "Is it in the road or on the pavement?", Unknown: "Not sure",
					Options: []Option{
						{Value: "In the road", Phrases: []string{"in the road", "on the road", "middle of the road", "carriageway", "road surface", "hole in the road", "in the street", "on the street"}, Bare: []string{"road", "the road", "street"}},
						{Value: "On the pavement", Phrases: []string{"pavement", "footpath", "footway", "sidewalk", "kerb", "curb"}, Bare: []string{"path"}},
						{Value: "In a cycle lane", Phrases: []string{"cycle lane", "cycle path", "bike lane", "cycleway"}},
					},
				},
			},
			Action:    "inspect it",
			Timescale: Timescale{Normal: "5 working days"},
			NextSteps: "An inspector will check it. If it needs repair, we will make it safe or fix it.",
		},
		Service{
			Code: ServiceMissedBin, Topic: "report a missed bin collection", Title: "Missed bin", Noun: "missed bin report",
			NeedsAddress:   true,
			LocationPrompt: "What is the address? Please give the house number and street.",
			Questions: []Question{
				{
					Key: "bin", Label: "Bin", Prompt: "Which bin was missed?", Closed: true, Multi: true,
					Options: []Option{
						{Value: "General rubbish", Phrases: []string{"general waste", "general rubbish", "general bin", "rubbish bin", "household waste", "refuse", "residual", "landfill", "non recyclable", "wheelie bin"}, Bare: []string{"general", "rubbish", "normal", "normal bin", "household"}},
						{Value: "Recycling", Phrases: []string{"recycling", "recyclables", "recycling bin", "recycling box"}},
						{Value: "Garden waste", Phrases: []string{"garden waste", "garden bin", "green waste"}, Bare: []string{"garden"}},
						{Value: "Food waste", Phrases: []string{"food waste", "food bin", "food caddy", "caddy"}, Bare: []string{"food"}},
					},
				},
				{
					Key: "day", Label: "Collection day", Prompt: "What day is your usual collection?", Closed: true, Unknown: "Not sure", parse: parseCollectionDay,
					Options: []Option{
						{Value: "Monday"}, {Value: "Tuesday"}, {Value: "Wednesday"}, {Value: "Thursday"}, {Value: "Friday"},
					},
				},
			},
			Action:    "collect it",
			Timescale: Timescale{Normal: "2 working days"},
			NextSteps: "Please leave the bin out by the road until we collect it. If the crew recorded that the bin was not out, or had the wrong things in it, we will tell you.",
		},
		Service{
			Code: ServiceFlyTipping, Topic: "report fly-tipping", Title: "Fly-tipping", Noun: "fly-tipping report",
			LocationPrompt:    "Where is the fly-tipping? Tell me the street and a house number or landmark near it, or the postcode.",
			DescriptionPrompt: "What has been dumped, and roughly how much?",
			Questions: []Question{
				{
					Key: "waste", Label: "What was dumped", Prompt: "What has been dumped?", Multi: true, Unknown: "Not sure",
					Options: []Option{
						{Value: "Bags of rubbish", Phrases: []string{"bags", "black bags", "bin bags", "bin bag", "black bag", "rubbish bags", "bags of rubbish", "household rubbish", "household waste"}, Bare: []string{"bag", "rubbish"}},
						{Value: "Furniture or large items", Phrases: []string{"mattress", "mattresses", "sofa", "sofas", "settee", "furniture", "fridge", "freezer", "washing machine", "chair", "chairs", "table", "bed", "carpet", "wardrobe", "tv", "television", "pram"}},
						{Value: "Building rubble", Phrases: []string{"rubble", "bricks", "building waste", "builders waste", "builder's waste", "plasterboard", "tiles", "concrete", "hardcore"}},
						{Value: "Garden waste", Phrases: []string{"garden waste", "branches", "grass cuttings", "hedge cuttings", "green waste", "soil", "logs"}},
						{Value: "Tyres", Phrases: []string{"tyre", "tyres", "tires"}},
						{Value: "Hazardous waste", Phrases: []string{"asbestos", "chemicals", "chemical", "needles", "syringes", "oil", "paint tins", "paint", "gas bottle", "gas bottles", "gas canisters", "drums", "batteries", "clinical waste", "hazardous"}},
					},
				},
				{
					Key: "amount", Label: "How much", Prompt: "How much is there?", Unknown: "Not sure", parse: parseBagCount,
					Options: []Option{
						{Value: "A bag or a single item", Phrases: []string{"one bag", "a bag", "single bag", "single item", "one item", "a single", "just one", "one thing"}},
						{Value: "A car boot load", Phrases: []string{"car boot", "boot load", "boot full", "few bags", "a few bags", "several bags", "some bags", "couple of bags", "small pile"}},
						{Value: "A small van load", Phrases: []string{"van load", "van", "transit", "vanload", "lots of bags", "pile", "large pile", "big pile"}},
						{Value: "A lorry load or more", Phrases: []string{"lorry", "lorry load", "truck", "tipper", "skip", "huge pile", "massive pile", "tonnes", "tons", "loads of it"}},
					},
				},
			},
			Action:      "clear it",
			UrgentIf:    map[string]string{"waste": "Hazardous waste"},
			UrgentDoing: "visit",
			Timescale:   Timescale{Normal: "5 working days", Urgent: "1 working day"},
			NextSteps:   "Please do not touch or move it, especially anything sharp or hazardous. If you saw who dumped it, do not approach them. Tell us what you saw instead.",
		},
		Service{
			Code: ServiceStreetLight, Topic: "report a faulty street light", Title: "Street light", Noun: "street light report",
			LocationPrompt:    "Where is the street light? Tell me the street and a house number or landmark near it, or the postcode.",
			DescriptionPrompt: "What is wrong with the light? For example, is it out, flickering or on all day?",
			Questions: []Question{
				{
					Key: "fault", Label: "Fault", Prompt: "What is wrong with the light?", Unknown: "Not sure",
					Options: []Option{
						{Value: "Not working", Phrases: []string{"not working", "isn't working", "isnt working", "not on", "doesn't come on", "doesnt come on", "does not come on", "won't come on", "gone out", "is out", "went out", "been out", "has been out", "stopped working", "not coming on", "no light", "dark", "broken", "off", "not lit"}, Bare: []string{"out", "not working"}},
						{Value: "Flickering", Phrases: []string{"flicker", "flickers", "flickering", "flashing", "flashes", "on and off", "goes on and off", "keeps going off", "keeps going out"}},
						{Value: "On all day", Phrases: []string{"on all day", "on in the day", "on during the day", "stays on", "on in daylight", "on all the time", "day burning", "on 24 7", "always on"}},
						{Value: "Damaged", Phrases: []string{"damaged", "knocked down", "hit by a car", "leaning", "door missing", "exposed wires", "wires hanging", "hanging off", "fallen", "bent"}},
					},
				},
				{
					Key: "lamp_post", Label: "Lamp post number", Unknown: "Not visible", parse: parseLampPost,
					Prompt: "What is the number on the lamp post? It is usually on a small plate or sticker. Say 'can't see' if there isn't one.",
				},
			},
			Action:      "repair it",
			UrgentIf:    map[string]string{"fault": "Damaged"},
			UrgentDoing: "make it safe",
			Timescale:   Timescale{Normal: "5 working days", Urgent: "24 hours"},
			NextSteps:   "An engineer will check it. If the fault is in the power supply, the electricity network company has to fix it, and that can take longer.",
		},
		Service{
			Code: ServiceGraffiti, Topic: "report graffiti", Title: "Graffiti", Noun: "graffiti report",
			LocationPrompt:    "Where is the graffiti? Tell me the street and a house number or landmark near it, or the postcode.",
			DescriptionPrompt: "Please describe the graffiti and what it is on.",
			Questions: []Question{
				{
					Key: "offensive", Label: "Offensive", Prompt: "Is it offensive, for example racist or rude?", Closed: true, Unknown: "Not sure",
					Options: []Option{
						{Value: "Yes, offensive", Phrases: []string{"offensive", "racist", "racism", "sexist", "homophobic", "obscene", "rude", "swear", "swearing", "swear words", "abusive", "hateful", "hate", "swastika", "threatening", "explicit"}, Bare: []string{"yes", "yeah", "yep", "it is", "yes it is"}},
						{Value: "Not offensive", Phrases: []string{"not offensive", "isn't offensive", "isnt offensive", "is not offensive", "nothing offensive", "just tags", "only tags", "just a tag", "just a name", "just names"}, Bare: []string{"no", "nope", "not really", "no it isn't", "no it's not"}},
					},
				},
				{
					Key: "surface", Label: "Surface", Prompt: "What is it on? For example a wall, fence, bus shelter or sign.", Multi: true, Unknown: "Not sure",
					Options: []Option{
						{Value: "Wall", Phrases: []string{"wall", "walls"}},
						{Value: "Fence", Phrases: []string{"fence", "fences", "fencing"}},
						{Value: "Bus shelter", Phrases: []string{"bus shelter", "bus stop"}},
						{Value: "Sign", Phrases: []string{"sign", "road sign", "street sign", "signs"}},
						{Value: "Bridge or underpass", Phrases: []string{"bridge", "underpass", "subway", "tunnel"}},
						{Value: "Shop front or shutter", Phrases: []string{"shop", "shop front", "shutter", "shutters", "shopfront"}},
						{Value: "Bench", Phrases: []string{"bench", "benches"}},
						{Value: "Phone box", Phrases: []string{"phone box", "telephone box"}},
						{Value: "House or garage", Phrases: []string{"house", "door", "garage", "garage door"}},
					},
				},
			},
			Action:      "remove it",
			UrgentIf:    map[string]string{"offensive": "Yes, offensive"},
			UrgentDoing: "remove it",
			Timescale:   Timescale{Normal: "10 working days", Urgent: "1 working day"},
			NextSteps:   "We remove graffiti from council property. If it is on private property, we will contact the owner.",
		},
		Service{
			Code: ServiceNoise, Topic: "report a noise nuisance", Title: "Noise", Noun: "noise complaint",
			LocationPrompt:    "Where is the noise coming from? Tell me the house number and street if you know it, or the postcode.",
			DescriptionPrompt: "What kind of noise is it, and when does it happen?",
			Questions: []Question{
				{
					Key: "noise_type", Label: "Type of noise", Prompt: "What kind of noise is it?", Multi: true, Unknown: "Not sure",
					Options: []Option{
						{Value: "Loud music or parties", Phrases: []string{"music", "loud music", "party", "parties", "bass", "stereo", "speakers", "sound system", "karaoke"}},
						{Value: "Barking dog", Phrases: []string{"dog", "dogs", "barking", "bark", "barks"}},
						{Value: "Alarm", Phrases: []string{"alarm", "burglar alarm", "car alarm", "alarms"}},
						{Value: "Building work or DIY", Phrases: []string{"building work", "construction", "drilling", "hammering", "diy", "builders", "renovation", "renovations", "power tools"}},
						{Value: "Shouting or banging", Phrases: []string{"shouting", "banging", "arguing", "screaming", "yelling", "stomping", "loud voices", "slamming", "fighting"}},
						{Value: "Machinery", Phrases: []string{"machinery", "generator", "fan", "air conditioning", "factory", "hum", "humming", "compressor"}},
					},
				},
				{
					Key: "when", Label: "When", Prompt: "When does it happen?", Multi: true, Unknown: "Not sure", parse: parseNoiseTime,
					Options: []Option{
						{Value: "Late at night", Phrases: []string{"night", "nights", "at night", "late at night", "overnight", "in the night", "all night", "early hours", "midnight", "late"}},
						{Value: "In the evening", Phrases: []string{"evening", "evenings", "after work", "teatime"}},
						{Value: "During the day", Phrases: []string{"daytime", "during the day", "in the day", "afternoon", "afternoons", "all day"}, Bare: []string{"day", "days"}},
						{Value: "Early morning", Phrases: []string{"early morning", "early mornings", "first thing", "dawn", "morning", "mornings"}},
						{Value: "At weekends", Phrases: []string{"weekend", "weekends", "saturday", "saturdays", "sunday", "sundays"}},
						{Value: "Right now", Phrases: []string{"right now", "happening now", "at the moment", "currently", "going on now"}, Bare: []string{"now"}},
					},
				},
				{
					Key: "how_often", Label: "How often", Prompt: "How often does it happen?", Unknown: "Not sure",
					Options: []Option{
						{Value: "Every day or night", Phrases: []string{"every day", "every night", "daily", "nightly", "all the time", "constantly", "constant", "non stop", "nonstop", "every evening", "each night", "each day", "every single night", "every single day", "24 7"}},
						{Value: "Several times a week", Phrases: []string{"most nights", "most days", "most evenings", "several times a week", "a few times a week", "few times a week", "twice a week", "three times a week", "often", "regularly", "most weekends"}},
						{Value: "Once a week or less", Phrases: []string{"weekly", "once a week", "every weekend", "now and then", "occasionally", "sometimes", "once a month", "every few weeks"}},
						{Value: "Just once", Phrases: []string{"just once", "only once", "one off", "first time", "tonight", "right now", "just tonight", "happening now"}, Bare: []string{"once"}},
					},
				},
			},
			Action:    "contact you",
			Timescale: Timescale{Normal: "5 working days"},
			NextSteps: "An officer will contact you about it. They may ask you to keep a diary of the noise for two weeks.",
		},
	)
}

// potholeDepthPattern finds a measurement: "10cm", "4 inches", "50 mm".
var potholeDepthPattern = regexp.MustCompile(`(?i)\b(\d{1,3}(?:\.\d)?)\s*(cm|centimetres?|centimeters?|mm|millimetres?|millimeters?|inches|inch|ins|in|")(?:\s|$|[.,;!?])`)

// parsePotholeDepth reads a measured depth ("about 10cm deep"). A measurement
// counts as the depth when the resident was asked for it or said "deep".
func parsePotholeDepth(text string, asked bool, _ time.Time) (string, bool) {
	m := potholeDepthPattern.FindStringSubmatchIndex(text)
	if m == nil {
		return "", false
	}
	unit := strings.ToLower(text[m[4]:m[5]])
	// "deep" or "depth" right after the measurement, or just before it
	// ("really deep, about 10cm").
	after := strings.Fields(string(foldText(text[m[1]-1:])))
	before := strings.Fields(string(foldText(text[:m[0]])))
	deepAfter := len(after) > 0 && (after[0] == "deep" || after[0] == "depth")
	deepBefore := false
	for i := len(before) - 1; i >= 0 && i >= len(before)-3; i-- {
		if before[i] == "deep" || before[i] == "depth" {
			deepBefore = true
		}
	}
	if !asked && !deepAfter && !(deepBefore && unit != "in") {
		return "", false
	}
	switch {
	case strings.HasPrefix(unit, "c"):
		unit = "cm"
	case strings.HasPrefix(unit, "m"):
		unit = "mm"
	default:
		unit = " inches"
	}
	return text[m[2]:m[3]] + unit + " deep", true
}

// sizePattern finds a measured width: "30cm wide", "a foot across".
var sizePattern = regexp.MustCompile(`(?i)\b(\d{1,3}(?:\.\d)?|a|one|two|three|half a)\s*(cm|centimetres?|centimeters?|mm|inches|inch|foot|feet|ft|metres?|meters?|m)\s+(wide|across|long|in diameter)\b`)

// parsePotholeSize reads a measured width ("about a foot wide").
func parsePotholeSize(text string, _ bool, _ time.Time) (string, bool) {
	m := sizePattern.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	return strings.ToLower(m[0]), true
}

// bagCount finds a number of bags: "10 black bags", "20 bin bags".
var bagCount = regexp.MustCompile(`(?i)\b(\d{1,3})\s+(?:black\s+|bin\s+|rubbish\s+|plastic\s+)?(?:bags|sacks)\b`)

// parseBagCount turns a number of bags into the usual amount: a few bags
// fill a car boot, a dozen a small van.
func parseBagCount(text string, _ bool, _ time.Time) (string, bool) {
	m := bagCount.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	var n int
	fmt.Sscanf(m[1], "%d", &n)
	switch {
	case n <= 1:
		return "A bag or a single item", true
	case n <= 5:
		return "A car boot load", true
	case n <= 20:
		return "A small van load", true
	default:
		return "A lorry load or more", true
	}
}

// lampPostPattern finds a lamp post number after a word that introduces
// it: "lamp post 23", "column no. 4B", "the number is SL123".
var lampPostPattern = regexp.MustCompile(`(?i)\b(?:lamp\s*post|lamppost|column|post|light|number|no\.?|#)\s*(?:number|no\.?|is|:)?\s*(?:number|no\.?|is|:)?\s*((?-i:[A-Z]{0,3}\s?)\d{1,5}(?-i:[A-Z])?)\b`)

// bareLampPost is a reply that is only a lamp post number.
var bareLampPost = regexp.MustCompile(`(?i)^\s*(?:it'?s\s+|it\s+is\s+)?([A-Z]{0,3}\s?\d{1,5}[A-Z]?)\s*\.?\s*$`)

func parseLampPost(text string, asked bool, _ time.Time) (string, bool) {
	if asked {
		if m := bareLampPost.FindStringSubmatch(text); m != nil {
			return strings.ToUpper(strings.ReplaceAll(m[1], " ", "")), true
		}
		if foldText(text).is("no", "none", "nope", "no number", "there isn't one", "there isnt one", "there's no number", "theres no number") {
			return "Not visible", true
		}
	}
	f := foldText(text)
	if !asked && !f.has("lamp post", "lamppost", "column", "post", "light") {
		return "", false
	}
	// Not the house number of the address: only numbers introduced by a
	// lamp post word, or any number when we asked for one.
	for _, m := range lampPostPattern.FindAllStringSubmatch(text, -1) {
		lead := strings.ToLower(m[0])
		if !asked && (strings.HasPrefix(lead, "number") || strings.HasPrefix(lead, "no")) {
			continue
		}
		return strings.ToUpper(strings.ReplaceAll(m[1], " ", "")), true
	}
	return "", false
}

// parseCollectionDay reads a collection day: a weekday's name, or "today" and
// "yesterday" (by the UK calendar).
func parseCollectionDay(text string, asked bool, now time.Time) (string, bool) {
	f := foldText(text)
	days := []struct {
		day   time.Weekday
		words []string
	}{
		{time.Monday, []string{"monday", "mondays"}},
		{time.Tuesday, []string{"tuesday", "tuesdays"}},
		{time.Wednesday, []string{"wednesday", "wednesdays"}},
		{time.Thursday, []string{"thursday", "thursdays"}},
		{time.Friday, []string{"friday", "fridays"}},
		{time.Saturday, []string{"saturday", "saturdays"}},
		{time.Sunday, []string{"sunday", "sundays"}},
	}
	short := map[time.Weekday][]string{
		time.Monday: {"mon"}, time.Tuesday: {"tue", "tues"}, time.Wednesday: {"wed", "weds"},
		time.Thursday: {"thu", "thur", "thurs"}, time.Friday: {"fri"},
	}
	for _, d := range days {
		if f.has(d.words...) || (asked && f.has(short[d.day]...)) {
			return d.day.String(), true
		}
	}
	uk := UKTime(now)
	switch {
	case f.has("today", "this morning", "this afternoon"):
		return uk.Weekday().String(), true
	case f.has("yesterday"):
		return uk.AddDate(0, 0, -1).Weekday().String(), true
	}
	return "", false
}

// noiseClockPattern finds a time of day: "2am", "11 pm", "10:30pm".
var noiseClockPattern = regexp.MustCompile(`(?i)\b(\d{1,2})(?::\d{2})?\s*(am|pm)\b`)

// parseNoiseTime reads when noise happens: the usual times of day, and any
// clock times given, which are kept ("Late at night (2am)").
func parseNoiseTime(text string, asked bool, _ time.Time) (string, bool) {
	times := noiseClockPattern.FindAllStringSubmatch(text, -1)
	if len(times) == 0 {
		return "", false
	}
	var labels, clocks []string
	for _, m := range times {
		var h int
		fmt.Sscanf(m[1], "%d", &h)
		pm := strings.EqualFold(m[2], "pm")
		if h == 12 {
			h = 0
		}
		if pm {
			h += 12
		}
		var label string
		switch {
		case h >= 23 || h < 5:
			label = "Late at night"
		case h < 8:
			label = "Early morning"
		case h < 18:
			label = "During the day"
		default:
			label = "In the evening"
		}
		if !slices.Contains(labels, label) {
			labels = append(labels, label)
		}
		clocks = append(clocks, strings.ToLower(strings.ReplaceAll(m[0], " ", "")))
	}
	return strings.Join(labels, ", ") + " (" + strings.Join(clocks, ", ") + ")", true
}
