package extractive

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// Invented fixtures for the scoring rules.
var (
	abandonedCars = chunk("pages/abandoned-vehicles.html", 2, "Abandoned vehicles", "https://www.example.gov.uk/abandoned-vehicles",
		[]string{"Abandoned vehicles", "Police responsibility"},
		"The police remove a vehicle if:\n\n- it is blocking the road\n- it has been set on fire\n\n"+
			"If this fits the vehicle you are reporting, call the police on 101.\n\nWe remove other abandoned vehicles within 10 working days.")
	skipHire = chunk("pages/skips.html", 0, "Skip permits", "https://www.example.gov.uk/skips", []string{"Skip permits", "Prices"},
		"A skip on the road needs a permit from us.\n\nPermit for 14 days: £45\n\nWe aim to issue permits within 3 working days.")
)

func TestComposeAnswersTheKindOfFactAsked(t *testing.T) {
	tests := []struct {
		name, q string
		h       []retrieval.Hit
		want    string
	}{
		// "£45" shares no word with "cost"; the price answers it.
		{"a price answers cost", "what does a skip permit cost?", hits(skipHire), "£45"},
		// The number is in the sentence after the list item the
		// question matches ("set on fire"): neighbours count.
		{"a number beside the matching item", "someone set fire to a car and left it, who do I ring?", hits(abandonedCars), "101"},
		{"a duration for how quickly", "how quickly do you issue a skip permit?", hits(skipHire), "3 working days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := answerText(compose(t, New(Options{}), tt.q, tt.h))
			if !strings.Contains(got, tt.want) {
				t.Errorf("answer %q lacks %q", got, tt.want)
			}
		})
	}
}

func TestComposeFigureInAnUnrelatedSentenceIsNotAnAnswer(t *testing.T) {
	// The library page has times, but not of what is asked.
	h := hits(libraryHours, bulkyWhen)
	got := answerText(compose(t, New(Options{}), "what time do I put bulky waste out on collection day?", h))
	if !strings.Contains(got, "7am") {
		t.Errorf("answer %q lacks the collection time", got)
	}
	if strings.Contains(got, "Central Library") {
		t.Errorf("answer %q quotes library hours", got)
	}
}

func TestComposePrefersTheDocumentThatCoversTheQuestion(t *testing.T) {
	// Retrieval ranks another town's page first; only the second page
	// names the town asked about.
	other := chunk("pages/ashby-garden-waste.html", 0, "Garden waste in Ashby", "https://www.example.gov.uk/ashby-garden", nil,
		"Garden waste collections cost £50 a year. We collect every two weeks from March to November.")
	named := chunk("pages/kelmscott-garden-waste.html", 0, "Garden waste in Kelmscott", "https://www.example.gov.uk/kelmscott-garden", nil,
		"Kelmscott residents pay £38 a year for garden waste collections. Collections run from April to October.")
	d := compose(t, New(Options{}), "how much is garden waste collection in kelmscott?", hits(other, named))
	if got := d.Citations[0].DocID; got != named.DocID {
		t.Errorf("first citation %s, want %s; answer %q", got, named.DocID, answerText(d))
	}
	if !strings.Contains(answerText(d), "£38") {
		t.Errorf("answer %q lacks £38", answerText(d))
	}
}

func TestComposeLeavesOutFOIProcedure(t *testing.T) {
	response := corpus.Chunk{
		ID: "foi/requests/tree_felling.json~2", DocID: "foi/requests/tree_felling.json", Kind: corpus.KindFOI,
		Title: "Street trees felled", URL: "https://www.whatdotheyknow.com/request/tree_felling",
		Headings: []string{"Response (3 March 2024)"},
		Text: "Thank you for your request for information about street trees felled, which we received on 2 February 2024.\n" +
			"We felled 412 street trees in 2023, of which 96 were diseased.\n" +
			"The information provided is available for re-use under the terms of the Open Government Licence.\n" +
			"If you are unhappy with the response, you can ask for an internal review of street tree decisions.",
	}
	got := answerText(compose(t, New(Options{}), "how many street trees were felled in 2023?", hits(response)))
	if !strings.Contains(got, "412") {
		t.Errorf("answer %q lacks the figure", got)
	}
	for _, proc := range []string{"Thank you", "Open Government Licence", "internal review"} {
		if strings.Contains(got, proc) {
			t.Errorf("answer %q quotes FOI procedure %q", got, proc)
		}
	}
}

func TestAsksIn(t *testing.T) {
	tests := []struct {
		q    string
		want []factKind
	}{
		{"how much is a bulky waste collection?", []factKind{factAmount}},
		{"how much salt have you got for the roads?", []factKind{factAmount, factCount}},
		{"can't pay my council tax, what do I do?", nil},
		{"do I have to pay for a replacement?", []factKind{factAmount}},
		{"when does the rent year start?", []factKind{factTime}},
		{"last day to register to vote?", []factKind{factTime}},
		{"how fast will you fix my boiler?", []factKind{factDuration}},
		{"how far ahead do I need to apply?", []factKind{factDuration}},
		{"who do I ring about an abandoned car?", []factKind{factPhone}},
		{"how many fines were issued?", []factKind{factCount}},
		{"who do we apply to for a road closure?", []factKind{factOrg}},
		// A reason is asked for, not the amount it is about.
		{"why can't the council say how much it spends on potholes?", []factKind{factReason}},
		// A "why" after another question is one part of it: the facts
		// asked for first lead.
		{"how many cameras are there, and why won't you say where?", []factKind{factCount}},
		{"which company collects the bins?", []factKind{factOrg}},
		// What became of a request, asked about a request only.
		{"did the council ever release the report the FOI asked for?", []factKind{factOutcome}},
		{"what happened to the freedom of information request about the library?", []factKind{factOutcome}},
		{"did the council ever release the report?", nil},
		{"where is the nearest recycling centre?", []factKind{factPlace}},
		{"what's the address of the register office?", []factKind{factPlace}},
	}
	for _, tt := range tests {
		got := parseQuestion(tt.q).asks
		var want factSet
		for _, k := range tt.want {
			want |= 1 << k
		}
		if got != want {
			t.Errorf("asksIn(%q) = %06b, want %06b", tt.q, got, want)
		}
	}
}

func TestFactsIn(t *testing.T) {
	tests := []struct {
		text       string
		want, not  factKind
		free, paid bool
	}{
		{text: "A permit costs £45.", want: factAmount, not: factPhone},
		{text: "You get 25% off your bill.", want: factAmount, not: factTime},
		{text: "Call 01632 960000 to book.", want: factPhone, not: factAmount},
		{text: "We collect within 10 working days.", want: factDuration, not: factAmount},
		{text: "Road closures are handled by Gloucestershire County Council.", want: factOrg, not: factAmount},
		{text: "The contract went to Greenway Environmental Services Ltd.", want: factOrg, not: factPhone},
		{text: "The tip is at Hempsted Lane, Gloucester GL2 5JQ.", want: factPlace, not: factPhone},
		{text: "Bring it to 12 Market Street on weekdays.", want: factPlace, not: factAmount},
		{text: "The information is withheld under section 22 as it is intended for future publication.", want: factReason, not: factAmount},
		{text: "This is because complying would exceed the appropriate limit of £450.", want: factReason, not: factPhone},
		{text: "A permit lasts 12 months from the day you buy it.", want: factDuration, not: factReason},
		{text: "Unfortunately we do not hold this information.", want: factOutcome, not: factCount},
		{text: "Please find attached the figures you asked for.", want: factOutcome, not: factAmount},
		{text: "A permit costs £45 and is provided by post.", want: factAmount, not: factOutcome},
	}
	for _, tt := range tests {
		got := factsIn(tt.text)
		if !got.has(tt.want) || got.has(tt.not) {
			t.Errorf("factsIn(%q) = %06b, want kind %d and not %d", tt.text, got, tt.want, tt.not)
		}
	}
	if got := factsIn("Collection is free of charge."); !got.has(factFree) || got.has(factAmount) {
		t.Errorf("factsIn(free) = %06b, want free and no amount", got)
	}
	if got := factsIn("Freedom of Information request"); got.has(factFree) {
		t.Errorf("factsIn(Freedom) = %06b, want no free", got)
	}
}

func TestFOIProcedure(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Thank you for your request for information relating to potholes which we received on 1/2/2024.", true},
		{"The information provided in this response is available for re-use under the terms of the Open Government Licence v3.0.", true},
		{"You can ask for an internal review by replying to this email.", true},
		{"We must respond within 20 working days, by 01/07/2024.", true},
		{"We repaired 5,210 potholes in 2023.", false},
		{"The council does not hold this information.", false},
		{"We will provide this information by 7th May or sooner and we apologise for this delay.", true},
		{"Unfortunately, the council cannot process your request because you have not given us your full name.", true},
		{"We apologise for not meeting the deadline listed in our email.", true},
		{"The council's response to your request is attached.", true},
		{"We provide this service free to residents over 70.", false},
		{"We acknowledge your emails of 3 and 7 May 2024 asking about this request.", true},
		{"I confirm receipt of your request for information.", true},
		{"We can confirm that 1,896 abandoned vehicles were reported.", false},
		{"All correspondence to the ICO must quote the council's reference number.", true},
		{"You may complain to the ICO.", true},
		{"Section 22 provides an exemption for information intended for future publication.", false},
	}
	for _, tt := range tests {
		if got := foiProcedure(tt.text); got != tt.want {
			t.Errorf("foiProcedure(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestSpecificity(t *testing.T) {
	bg := loadBackground()
	common, rare, unknown := bg.specificity(stem("come")), bg.specificity(stem("mould")), bg.specificity("kelmsc")
	if !(common < rare && rare <= unknown) {
		t.Errorf("specificity come %.2f, mould %.2f, kelmscott %.2f; want rising", common, rare, unknown)
	}
	if unknown != 1 {
		t.Errorf("specificity of an unknown word = %.2f, want 1", unknown)
	}
	if got := bg.specificity("2024"); got >= unknown || got <= common {
		t.Errorf("specificity of a figure = %.2f, want between common and unknown words", got)
	}
}

func TestComposePrefersReadableSentences(t *testing.T) {
	// Two sentences give the same fact; the plainer one is the one quoted
	// when there is room for one.
	page := chunk("pages/permits.html", 0, "Visitor permits", "https://www.example.gov.uk/permits", nil,
		"Notwithstanding the foregoing provisions, applications for visitor parking permits, subject to eligibility verification, will ordinarily be processed within 5 working days.\n\n"+
			"We send visitor permits within 5 working days.")
	for _, needs := range []assistant.Needs{{}, {PlainEnglish: true}} {
		d, err := New(Options{MaxSentences: 1}).Compose(context.Background(), assistant.ComposeInput{
			Question: "how long do visitor parking permits take?", Hits: hits(page), Needs: needs})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Sentences[0].Text; got != "We send visitor permits within 5 working days." {
			t.Errorf("needs %+v: first sentence %q, want the plain one", needs, got)
		}
	}
}

func TestComposeLeavesOutWeakAdditions(t *testing.T) {
	// The footer shares a word with the question but says nothing
	// about it: it must not ride in on what it adds.
	page := chunk("pages/bulky.html", 0, "Bulky waste", "https://www.example.gov.uk/bulky", nil,
		"A bulky waste collection costs £25 for up to 3 items.\n\nThis council website uses cookies to remember your settings for the waste pages.")
	got := answerText(compose(t, New(Options{}), "how much is a bulky waste collection?", hits(page)))
	if strings.Contains(got, "cookies") {
		t.Errorf("answer %q quotes the footer", got)
	}
}

func TestComposeDiscountsLogEntries(t *testing.T) {
	log := corpus.Chunk{ID: "foi/log.csv#row-3~0", DocID: "foi/log.csv#row-3", Kind: corpus.KindFOI, Title: "Bin collection complaints",
		URL:  "https://www.example.gov.uk/foi/log.csv",
		Text: "Freedom of Information request 1234 to Example Council, received 3 May 2024: How many missed bin collections were reported in 2023."}
	page := chunk("pages/missed-bins.html", 0, "Report a missed bin", "https://www.example.gov.uk/missed-bins", nil,
		"You can report a missed bin collection until 4pm the day after your collection day.")
	d := compose(t, New(Options{}), "how do I report a missed bin collection?", hits(log, page))
	if got := d.Citations[0].DocID; got != page.DocID {
		t.Errorf("first citation %s, want the service page; answer %q", got, answerText(d))
	}
	d = compose(t, New(Options{}), "did anyone make an FOI request about missed bin collections?", hits(log, page))
	if got := d.Citations[0].DocID; got != log.DocID {
		t.Errorf("FOI question: first citation %s, want the log entry; answer %q", got, answerText(d))
	}
}

func TestComposeDeclinesWhenNoDateAnswersAWhenQuestion(t *testing.T) {
	// Retrieval found an FOI thread about school buildings: it has
	// dates, but they are the dates of its paperwork.
	thread := corpus.Chunk{
		ID: "foi/requests/school_surveys.json~1", DocID: "foi/requests/school_surveys.json", Kind: corpus.KindFOI,
		Title: "School building surveys 2021-2026", URL: "https://www.whatdotheyknow.com/request/school_surveys",
		Headings: []string{"Response (2 October 2023)"},
		Text: "Thank you for your request for information relating to school building surveys which we received on 7 September 2023.\n" +
			"The 2021-2026 survey programme is run by the Department for Education, not by the council.\n" +
			"We commission our own surveys of school buildings every five years.",
	}
	log := corpus.Chunk{ID: "foi/log.csv#row-9~0", DocID: "foi/log.csv#row-9", Kind: corpus.KindFOI, Title: "School term dates",
		URL:  "https://www.example.gov.uk/foi/log.csv",
		Text: "Freedom of Information request 9 to Example Council, received 20 October 2023: Spending on school buildings."}
	// A dated sentence that shares one word with the question, in
	// another sense, and the question's own month and year.
	empty := chunk("pages/empty-homes.html", 0, "Empty homes", "https://www.example.gov.uk/empty-homes", nil,
		"On 1 October 2026 the long-term empty homes premium rises to 200%.")
	_, err := New(Options{}).Compose(context.Background(), assistant.ComposeInput{
		Question: "when is october half term 2026 for example schools?", Hits: hits(thread, log, empty)})
	if !errors.Is(err, assistant.ErrUngrounded) {
		t.Errorf("Compose = %v, want ErrUngrounded", err)
	}

	// The council's name in every page title is not the topic: with
	// Options.Council set, a budget page that shares only the name and
	// one other word with the question does not answer it.
	budget := chunk("budget/book.pdf", 0, "Example Borough Council Budget Book 2026/27", "https://www.example.gov.uk/budget.pdf", nil,
		"Rents go up by 2.7% from 7 April 2026. The medium-term plan forecasts a gap of £7.9 million.")
	q := "when do Example Borough schools break up for October half term 2026?"
	if _, err := New(Options{Council: "Example Borough Council"}).Compose(context.Background(), assistant.ComposeInput{Question: q, Hits: hits(budget)}); !errors.Is(err, assistant.ErrUngrounded) {
		t.Errorf("with the council's name known, Compose = %v, want ErrUngrounded", err)
	}
	// Without it the name's words count as topic words and the page
	// passes: the option, not the page, makes the difference.
	if _, err := New(Options{}).Compose(context.Background(), assistant.ComposeInput{Question: q, Hits: hits(budget)}); err != nil {
		t.Errorf("without the council's name, Compose = %v, want the (poor) answer", err)
	}

	// The same kind of question, answered.
	garden := chunk("pages/garden-waste.html", 0, "Garden waste", "https://www.example.gov.uk/garden-waste", nil,
		"We collect garden waste every two weeks from 1 March to 30 November.")
	if got := answerText(compose(t, New(Options{}), "when do you collect garden waste?", hits(garden))); !strings.Contains(got, "1 March") {
		t.Errorf("answer %q lacks the dates", got)
	}
	// "When should I chase it?" is answered by a time limit.
	taxi := chunk("pages/taxi-licences.html", 0, "Taxi licences", "https://www.example.gov.uk/taxi-licences", nil,
		"We decide most private hire licence applications within 20 working days.")
	if got := answerText(compose(t, New(Options{}), "I sent my private hire licence application weeks ago, when should I chase it?", hits(taxi))); !strings.Contains(got, "20 working days") {
		t.Errorf("answer %q lacks the time limit", got)
	}
	// "when it snows" is a condition, not a question about a date.
	grit := chunk("pages/gritting.html", 0, "Gritting", "https://www.example.gov.uk/gritting", nil,
		"We grit main roads first and side roads only once the main roads are clear.")
	if got := answerText(compose(t, New(Options{}), "will you grit my side road when it snows?", hits(grit))); !strings.Contains(got, "side roads") {
		t.Errorf("answer %q lacks the gritting policy", got)
	}
}

func TestComposeQuotesAnFOIRequestOnceAtMost(t *testing.T) {
	request := corpus.Chunk{
		ID: "foi/requests/grit.json~0", DocID: "foi/requests/grit.json", Kind: corpus.KindFOI,
		Title: "Road salt", URL: "https://www.whatdotheyknow.com/request/grit", Headings: []string{"Request (1 March 2024)"},
		Text: "I would like to know how much road salt the council used in winter 2023.\n" +
			"I would also like to know how much road salt the council bought in winter 2023.\n" +
			"I would like to know how much the road salt cost the council in winter 2023.",
	}
	response := request
	response.ID = "foi/requests/grit.json~1"
	response.Headings = []string{"Response (20 March 2024)"}
	response.Text = "In winter 2023 we spread 3,940 tonnes of road salt."
	d := compose(t, New(Options{}), "how much road salt did the council use in winter 2023?", hits(request, response))
	if !strings.Contains(answerText(d), "3,940 tonnes") {
		t.Errorf("answer %q lacks the figure from the response", answerText(d))
	}
	if n := strings.Count(answerText(d), "I would"); n > 1 {
		t.Errorf("answer quotes the request %d times, want at most once: %q", n, answerText(d))
	}
}

func TestComposeScoresTheResponseAboveTheRequest(t *testing.T) {
	// The request restates the question word for word; the response
	// gives the figure. The trace shows every candidate's score.
	request := corpus.Chunk{
		ID: "foi/requests/lamps.json~0", DocID: "foi/requests/lamps.json", Kind: corpus.KindFOI,
		Title: "Street lamps", URL: "https://www.whatdotheyknow.com/request/lamps", Headings: []string{"Request (1 May 2024)"},
		Text: "Please tell me how many street lamps the council replaced with LED lamps in 2023.",
	}
	response := request
	response.ID = "foi/requests/lamps.json~1"
	response.Headings = []string{"Response (20 May 2024)"}
	response.Text = "Thank you for your request for information about street lamps, which we received on 1 May 2024.\nWe replaced 2,310 street lamps with LED lamps in 2023."
	c := New(Options{})
	scores := map[string]float64{}
	c.trace = func(_ question, units, _ []*unit) {
		for _, u := range units {
			scores[u.text] = u.score
		}
	}
	compose(t, c, "how many street lamps were replaced with LED lamps in 2023?", hits(request, response))
	req, resp := scores["Please tell me how many street lamps the council replaced with LED lamps in 2023."], scores["We replaced 2,310 street lamps with LED lamps in 2023."]
	ack := scores["Thank you for your request for information about street lamps, which we received on 1 May 2024."]
	if !(resp > req && resp > ack) {
		t.Errorf("scores: response %.3f, request %.3f, acknowledgement %.3f; want the response highest", resp, req, ack)
	}
}

// TestPairFactsAreTheAnswers checks that a question paired with its answer
// holds the answer's facts, not the question's own figures: "in 2022/23?
// No" answers no "how many".
func TestPairFactsAreTheAnswers(t *testing.T) {
	ps := segment("1. How many cases were passed on in 2022/23\nNo\n2. How many summonses were sent out in 2022\n35247")
	if len(ps) != 2 {
		t.Fatalf("segment = %q, want two pairs", texts(ps))
	}
	if got := factsOf(ps[0]); got.has(factCount) {
		t.Errorf("factsOf(%q) = %06b, want no count", ps[0].text, got)
	}
	if got := factsOf(ps[1]); !got.has(factCount) {
		t.Errorf("factsOf(%q) = %06b, want a count", ps[1].text, got)
	}
}

func TestAsksRestatedRequest(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"You requested: The number of vehicles reported as abandoned within your area.", true},
		{"If possible, please also include the make and model of the vehicles.", true},
		{"The number of abandoned vehicles reported was 1896.", false},
		{"You can request a replacement badge online.", false},
	} {
		if got := asks(tt.s); got != tt.want {
			t.Errorf("asks(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestAboutThePage(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"Learn about carbon monoxide poisoning, its symptoms, causes, and immediate actions to take.", true},
		{"Find out how drivers will be charged for entering the Clean Air Zone.", true},
		{"The page provides information how to replace a lost, stolen or seized Blue Badge.", true},
		{"This is the top result if you enter replace blue badge in the Knowledge search above.", true},
		{"Find your nearest recycling centre on the map.", false},
		{"The permit costs £45 and lasts a year.", false},
		{"Read the meter and send us the reading.", false},
	} {
		if got := aboutThePage(tt.s); got != tt.want {
			t.Errorf("aboutThePage(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestCandidatesTellCopiesFromFooters checks that a sentence repeated in
// another document counts as a footer, unless the two documents share
// most of their sentences: then one is a copy of the other (a page and
// its export in the site's search index) and the sentence is content.
func TestCandidatesTellCopiesFromFooters(t *testing.T) {
	body := "Visitor permits cost £19.35 for a book of 25. Each permit is valid until 10am the next day. " +
		"You can give permits to contractors working on your home. A permit does not guarantee a space. " +
		"Apply online with proof of address."
	footer := "Contact us if you need this page in another format."
	page := chunk("pages/visitor-permits.html", 0, "Visitor permits", "https://www.example.gov.uk/visitor-permits", nil, body+" "+footer)
	export := chunk("export/articles.json#visitor-permits", 0, "Visitor permits", "https://www.example.gov.uk/export", nil, body)
	other := chunk("pages/resident-permits.html", 0, "Resident permits", "https://www.example.gov.uk/resident-permits", nil,
		"Resident permits cost £60 a year. "+footer)
	units := New(Options{}).candidates(hits(page, export, other))
	for _, u := range units {
		want := strings.HasPrefix(u.text, "Contact us")
		if u.boiler != want {
			t.Errorf("%q: boiler = %v, want %v", u.text, u.boiler, want)
		}
		if strings.HasPrefix(u.text, "Visitor permits cost") && u.doc != 0 {
			t.Errorf("%q is quoted from document %d, want the better-ranked copy 0", u.text, u.doc)
		}
	}
}

func TestYearsIn(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []int
	}{
		{"how many summonses in 2022?", []int{2022}},
		{"fines over 2020-2023", []int{2020, 2021, 2022, 2023}},
		{"cases passed on in 2022/23", []int{2022, 2023}},
		{"spend in 2024-25", []int{2024, 2025}},
		{"a fee of £2000 and 1,2000 things, 2000% up", nil},
		{"call 01452 396396", nil},
		{"received 25 January 2012: parking tickets", []int{2012}},
	} {
		got := yearsIn(tt.text, true)
		var ys []int
		for y := range got {
			ys = append(ys, y)
		}
		slices.Sort(ys)
		if !slices.Equal(ys, tt.want) {
			t.Errorf("yearsIn(%q) = %v, want %v", tt.text, ys, tt.want)
		}
	}
}

// TestComposePrefersTheYearAsked checks that a unit naming only other
// years than the question's loses to one naming the year asked about.
func TestComposePrefersTheYearAsked(t *testing.T) {
	log := chunk("foi/log.csv", 0, "Disclosure log", "https://www.example.gov.uk/foi-log", nil,
		"Parking tickets issued on each road in 2011: 4,210.\n\nParking tickets issued on each road in 2012: 3,980.")
	d := compose(t, New(Options{}), "how many parking tickets were issued on each road in 2012?", hits(log))
	if got := answerText(d); !strings.Contains(got, "3,980") || strings.Contains(got, "4,210") {
		t.Errorf("answer %q, want the 2012 figure alone", got)
	}
}

// TestComposeAnswersWhereWithAPlace checks that a "where" question is
// answered by the sentence that gives an address.
func TestComposeAnswersWhereWithAPlace(t *testing.T) {
	tip := chunk("pages/recycling-centre.html", 0, "Recycling centre", "https://www.example.gov.uk/tip", nil,
		"The recycling centre is open every day and takes garden waste. "+
			"Its address is Hempsted Lane, Gloucester GL2 5JQ.")
	d := compose(t, New(Options{MaxSentences: 1}), "where is the recycling centre?", hits(tip))
	if got := answerText(d); !strings.Contains(got, "GL2 5JQ") {
		t.Errorf("answer %q, want the sentence with the address", got)
	}
}

// TestPickOpensWithAUnitAboutTheQuestion checks that an answer does not
// open with a sentence carried by the kind of fact asked for (a time)
// whose own words are about something else: "We respond to dangerous
// structures 24 hours a day" for "how soon will someone look at the
// mould?". A table row is read under its headings and may open one.
func TestPickOpensWithAUnitAboutTheQuestion(t *testing.T) {
	q := parseQuestion("how soon will someone come and look at the black mould?")
	weights := map[string]float64{}
	for _, term := range q.all() {
		weights[term] = 1
	}
	total := float64(len(weights))
	structures := &unit{piece: piece{text: "We respond to dangerous structures 24 hours a day.", kind: kindSentence},
		terms: set(termsOf("respond dangerous structures")), rel: 0.1, score: 0.3, words: 9}
	mould := &unit{piece: piece{text: "Black mould is made safe first.", kind: kindSentence}, doc: 1,
		terms: set(termsOf("black mould made safe")), rel: 0.4, score: 0.25, words: 6}
	if got, _ := pick([]*unit{structures, mould}, q, weights, total, 1, 90); len(got) != 1 || got[0] != mould {
		t.Errorf("pick opened with %q, want the sentence about mould", got[0].text)
	}
	row := &unit{piece: piece{text: "Card: Adult; Charge per day: 30p", kind: kindRow}, rel: 0.1, score: 0.3, words: 7}
	if got, _ := pick([]*unit{row, mould}, q, weights, total, 1, 90); len(got) != 1 || got[0] != row {
		t.Errorf("pick opened with %q, want the row", got[0].text)
	}
}

func TestFOILegal(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"The information provided in this response is available for re-use under the terms of the Open Government Licence v3.0.", true},
		{"When re-using the information, the council requires you to include the following attribution statement.", true},
		{"This e-mail and any attachments are intended solely for the addressee.", true},
		{"We must respond within 20 working days.", false}, // process, but it answers "how long do they have"
		{"We repaired 5,210 potholes in 2023.", false},
	} {
		if got := foiLegal(tt.s); got != tt.want {
			t.Errorf("foiLegal(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestTermsOfDates checks that a date in figures is one term: the "10" of
// "10 months" is not in "10/04/2024", while figures and words around the
// date are terms as before.
func TestTermsOfDates(t *testing.T) {
	got := set(termsOf("We investigated between 1/11/2022 and 10/04/2024, 18 months in all."))
	for _, want := range []string{"1'11'2022", "10'04'2024", "18", "month", "invest"} {
		if !got[want] {
			t.Errorf("termsOf: no %q in %v", want, got)
		}
	}
	for _, not := range []string{"10", "04", "2024", "1", "11"} {
		if got[not] {
			t.Errorf("termsOf: %q split out of a date: %v", not, got)
		}
	}
	if q := set(termsOf("my daughter is 10 months old")); !q["10"] || !q["month"] {
		t.Errorf("question terms %v, want 10 and month", q)
	}
}

// A question opening with "why" is answered by the sentence giving the
// reason, though it shares few of the question's words.
func TestComposeAnswersWhyWithTheReason(t *testing.T) {
	response := corpus.Chunk{
		ID: corpus.ChunkID("foi/library-returns.txt", 0), DocID: "foi/library-returns.txt", Kind: corpus.KindFOI,
		Title: "Library statistics return", URL: "https://www.example.gov.uk/foi/library-returns",
		Text: "Barfield Council sends its library statistics return to CIPFA every year. " +
			"The library statistics return counts loans, visits and library staff. " +
			"CIPFA checks every library statistics return from each council. " +
			"Barfield library statistics go back to 2010. " +
			"Library returns from other councils are on the CIPFA website. " +
			"Barfield Council runs 12 libraries. " +
			"The figures will be published by CIPFA in January, so they are exempt until then.",
	}
	d := compose(t, New(Options{}), "why did barfield council refuse the FOI for their library statistics return?", hits(response))
	if text := answerText(d); !strings.Contains(text, "exempt until then") {
		t.Errorf("answer lacks the reason: %q", text)
	}
}
