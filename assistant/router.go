package assistant

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// The service codes a service request may carry.
const (
	ServicePothole     = "pothole"
	ServiceMissedBin   = "missed_bin"
	ServiceFlyTipping  = "fly_tipping"
	ServiceStreetLight = "street_light"
	ServiceGraffiti    = "graffiti"
	ServiceNoise       = "noise"
)

// Routing reasons, set in Route.Reason.
const (
	ReasonInjection    = "injection"
	ReasonPersonalData = "personal_data"
	ReasonOutOfScope   = "out_of_scope" // followed by ":" and the Signpost topic
	ReasonEmergency    = "emergency"    // followed by ":" and the Emergency kind
	ReasonPending      = "pending_service_request"
	ReasonClassifier   = "classifier"
	ReasonAskingAbout  = "asking_about_service"
	ReasonReporting    = "reporting"
	ReasonSmallTalk    = "small_talk"
)

// OfflineRouter classifies turns with no model service: safety rules first
// (emergencies, injection, personal data), then the hand-off and
// out-of-scope lexicons, then a naive Bayes classifier trained at start-up
// on the embedded labelled examples, with rules that tell asking about a
// service from wanting it done. Retrieval confidence is applied later by
// the Assistant, which declines an answer it cannot ground.
type OfflineRouter struct {
	intents  *classifier
	services *classifier
}

var _ Router = (*OfflineRouter)(nil)

// NewOfflineRouter trains a router on the embedded examples (Examples).
func NewOfflineRouter() (*OfflineRouter, error) {
	ex, err := Examples()
	if err != nil {
		return nil, err
	}
	return NewOfflineRouterFrom(ex)
}

// NewOfflineRouterFrom trains a router on the given examples. Service
// request examples must name their service.
func NewOfflineRouterFrom(examples []Example) (*OfflineRouter, error) {
	var texts, labels, stexts, slabels []string
	for _, e := range examples {
		texts = append(texts, e.Text)
		labels = append(labels, string(e.Intent))
		if e.Intent == IntentServiceRequest {
			if e.Service == "" {
				return nil, fmt.Errorf("service request example %q has no service: %w", e.Text, ErrInvalid)
			}
			stexts = append(stexts, e.Text)
			slabels = append(slabels, e.Service)
		}
	}
	if len(texts) == 0 || len(stexts) == 0 {
		return nil, fmt.Errorf("no examples: %w", ErrInvalid)
	}
	return &OfflineRouter{intents: trainClassifier(texts, labels), services: trainClassifier(stexts, slabels)}, nil
}

// Route implements Router. It never fails; the error is for the interface.
func (r *OfflineRouter) Route(_ context.Context, in RouteInput) (Route, error) {
	return r.route(in.Text, in.Conversation), nil
}

func (r *OfflineRouter) route(text string, conv *Conversation) Route {
	n := normText(text)
	if n == "" {
		return Route{Intent: IntentAnswer, Reason: ReasonSmallTalk}
	}
	// Safety first: an emergency outranks everything, including a request
	// being collected; an injection or a request for someone's personal
	// data is declined whatever else the message says.
	if k := detectEmergency(n); k != EmergencyNone {
		return Route{Intent: IntentEmergency, Confidence: 1, Reason: ReasonEmergency + ":" + string(k)}
	}
	if injectionPatterns.MatchString(n) {
		return Route{Intent: IntentRefuse, Confidence: 1, Reason: ReasonInjection}
	}
	if personalData(n) {
		return Route{Intent: IntentRefuse, Confidence: 1, Reason: ReasonPersonalData}
	}
	if AsksForPerson(text) {
		return Route{Intent: IntentHandoff, Confidence: 1, Reason: ReasonExplicit}
	}

	pred := r.intents.predict(text)
	top := pred[0]
	p := func(i Intent) float64 {
		for _, s := range pred {
			if s.Label == string(i) {
				return s.P
			}
		}
		return 0
	}

	// A request being collected takes the resident's replies ("it's
	// outside number 12", "yes", a postcode) unless the message is plainly
	// something else.
	if conv != nil && conv.Pending != nil && !conv.Pending.Confirmed {
		other := Intent(top.Label) != IntentServiceRequest && top.P > 0.9 && len(topicWords(n)) >= 3 && looksLikeQuestion(n)
		if !other {
			return Route{Intent: IntentServiceRequest, Service: conv.Pending.Service, Confidence: 0.9, Reason: ReasonPending}
		}
	}
	if s, ok := outOfScopeNorm(n); ok {
		return Route{Intent: IntentRefuse, Confidence: 0.9, Reason: ReasonOutOfScope + ":" + s.Topic}
	}
	if smallTalk(n) {
		return Route{Intent: IntentAnswer, Confidence: 0.9, Reason: ReasonSmallTalk}
	}

	// ctx is the message with the topic of the conversation so far, for
	// the checks that ask whether it is council business at all: "do I
	// lose the discount?" is, after a question about council tax.
	ctx := n
	if conv != nil {
		if turns := conv.ResidentTurns(); len(turns) > 0 {
			if turns[len(turns)-1] == text {
				turns = turns[:len(turns)-1]
			}
			if len(turns) > 0 {
				ctx = normText(turns[len(turns)-1] + " " + text)
			}
		}
	}
	service := detectService(n)
	intent := Intent(top.Label)
	reason := ReasonClassifier
	conf := top.P
	switch intent {
	case IntentServiceRequest:
		switch {
		case service == "" && unsupportedReport.MatchString(n):
			// A problem the council deals with but this assistant cannot
			// log (an abandoned car, a dead animal): answer how to report it.
			intent, reason, conf = IntentAnswer, ReasonAskingAbout, p(IntentAnswer)+top.P/2
		case processQuestion.MatchString(n) && !wantsAction.MatchString(n):
			intent, reason, conf = IntentAnswer, ReasonAskingAbout, p(IntentAnswer)+top.P/2
		case askingAbout(n) && !reporting(n):
			intent, reason, conf = IntentAnswer, ReasonAskingAbout, p(IntentAnswer)+top.P/2
		case service == "" && (top.P < 0.9 || r.services.predict(text)[0].P < 0.9):
			// No service named and the models are not sure which:
			// most likely a problem this assistant cannot log.
			intent, conf = secondBest(pred, IntentServiceRequest, service, mentionsFOI(n))
		}
	case IntentEmergency:
		// The rules found no danger; the model alone is not enough to
		// send someone to 999.
		intent, conf = secondBest(pred, IntentEmergency, service, mentionsFOI(n))
	case IntentRefuse:
		// Out-of-scope rules ran above; the model's refusals are for
		// chit-chat they missed, never for anything naming council
		// business, which retrieval confidence will decline if it must.
		if top.P < 0.7 || service != "" || councilish.MatchString(ctx) || councilTopic.MatchString(ctx) {
			intent, conf = secondBest(pred, IntentRefuse, service, mentionsFOI(n))
		}
	case IntentHandoff:
		if (top.P < 0.5 || service != "") && !SoundsFrustrated(text) && !asksForStaff(n) {
			intent, conf = secondBest(pred, IntentHandoff, service, mentionsFOI(n))
		}
	case IntentFOIRequest:
		switch {
		case !mentionsFOI(n):
			intent, conf = secondBest(pred, IntentFOIRequest, service, mentionsFOI(n))
		case previousFOI.MatchString(n) || foiAsking.MatchString(n) && !wantsToRequest.MatchString(n):
			intent, reason, conf = IntentAnswer, ReasonAskingAbout, p(IntentAnswer)+top.P/2
		}
	}
	if intent == IntentAnswer && service != "" && (wantsAction.MatchString(n) || !processQuestion.MatchString(n) && (reporting(n) || !askingAbout(n) && !strings.Contains(text, "?"))) {
		intent, reason, conf = IntentServiceRequest, ReasonReporting, p(IntentServiceRequest)+p(IntentAnswer)/2
	}
	if intent != IntentHandoff && (intent != IntentServiceRequest || service == "") && (SoundsFrustrated(text) || asksForStaff(n)) {
		return Route{Intent: IntentHandoff, Confidence: 0.8, Reason: ReasonFrustration}
	}
	if intent == IntentServiceRequest && service == "" {
		// With no service named, trust the model only when it is sure;
		// otherwise leave it empty and the resident is asked which.
		if best := r.services.predict(text)[0]; best.P >= 0.9 {
			service = best.Label
		}
	}
	route := Route{Intent: intent, Confidence: conf, Reason: reason}
	if intent == IntentServiceRequest {
		route.Service = service
	}
	return route
}

// secondBest is the most likely intent other than not that the model may
// decide alone: never an emergency, a refusal or a hand-off (those need
// their own cues), a service request only
// when the message names a service, and an FOI request only when it
// mentions FOI.
func secondBest(pred []labelScore, not Intent, service string, foi bool) (Intent, float64) {
	for _, s := range pred {
		switch Intent(s.Label) {
		case not, IntentEmergency, IntentRefuse, IntentHandoff:
			continue
		case IntentServiceRequest:
			if service == "" {
				continue
			}
		case IntentFOIRequest:
			if !foi {
				continue
			}
		}
		return Intent(s.Label), s.P
	}
	return IntentAnswer, 0
}

// servicePattern names the service a message matching re is about.
type servicePattern struct {
	service string
	re      *regexp.Regexp
}

// servicePatterns run over normText(text) in order; the first match names
// the service.
var servicePatterns = []servicePattern{
	{ServicePothole, rx(`\bpot ?holes?\b|\b(deep|big|huge|massive|dangerous) hole\b|\b(road|tarmac|surface)\b.{0,20}\bbreaking up\b|\bhole in the tarmac\b|\bhole in (the|our|my) (road|street|lane|pavement)|\bhole (in|on) (the )?road\b|\bcrater\b|\broad surface\b`)},
	{ServiceStreetLight, rx(`\bstreet ?(light|lights|lamp|lamps|lighting)\b|\blamp ?posts?\b|\blampposts?\b`)},
	{ServiceGraffiti, rx(`\bgraffiti|\bspray ?paint|\bsprayed\b|\btagged\b|\btags sprayed`)},
	{ServiceFlyTipping, rx(`\bfly ?tip|\b(left|chucked|tipped) (a |an |some |loads of |the |two |three )?(old |broken )?(mattress|mattresses|sofa|sofas|fridge|fridges|freezer|tyres|furniture|bin bags|black bags|rubble|carpet|carpets|washing machine)\b|\b(abandoned|dumped) (rubbish|waste|bags|bin bags|black bags|furniture)\b|\brubbish bags? (piling|piled)\b|\bdumped\b|\bdumping\b|\bfly tipped\b|\b(mattress|mattresses|sofa|sofas|fridge|fridges|freezer|tyres|furniture|rubbish|bin bags|black bags|builders waste|rubble|carpet|carpets)\b.{0,30}\b(left|abandoned|chucked|tipped)\b.{0,20}\b(on|in|by|at|outside|behind|down)\b`)},
	{ServiceMissedBin, rx(`\b(bins?|recycling|rubbish|waste|box|caddy|collection)\b.{0,30}\b(not|wasnt|werent|hasnt|havent|didnt|never|isnt)( been| got| get)? (collected|emptied|picked up|taken)|\bmissed (bin|bins|collection|collections|my|our|the)\b|\b(bin|bins|recycling|collection|rubbish)( \w+)? (missed|skipped)\b|\bnobody (came|come) for\b|\b(bin|bins)\b.{0,25}\bforgot\b|\b(forgot|forgotten|missed) (to (empty|collect) )?(my|our|the) (bin|bins|recycling|rubbish)\b|\b(didnt|did not|never) (come|turn up) for (the|my|our) (bin|bins|rubbish|recycling)|\b(missed|skipped) (my|our|the) (bin|street|house|road|collection)|\bbin (men|man|lorry)\b.{0,20}\b(missed|didnt|did not|never)`)},
	{ServiceNoise, rx(`\bnoise\b|\bmusic\b.{0,30}\b(awake|all night|blasting|every night|till|until)\b|\b(keeping|kept|keeps) (me|us|the whole street|everyone|my kids|the baby) (up|awake)\b|\brevving\b|\balarms?\b.{0,20}\b(going off|keeps going|ringing|sounding)\b|\bnoisy\b|\bloud\b|\bbarking\b|\balarm (going off|ringing|sounding|has been)|\bracket\b|\bblasting\b|\bparties\b`)},
}

// serviceRules are servicePatterns behind one literal prefilter, in the
// same order.
var serviceRules = newPrefiltered(sources(servicePatterns, func(p servicePattern) *regexp.Regexp { return p.re })...)

// unsupportedReport names problems residents report that have no service
// code here; DetectService does not mistake them for one ("a burnt-out car
// dumped on our road" is not fly-tipping).
var unsupportedReport = newPrefiltered(`\b(burnt out|burned out|abandoned|dumped|untaxed|scrap) (car|van|vehicle|caravan|motorbike|moped|lorry|trailer)s?\b|\b(car|van|vehicle|caravan|motorbike|moped|lorry|trailer)s? (has been |been |was |is )?(abandoned|dumped|burnt out|burned out|left)\b|\bdead (animal|fox|badger|cat|dog|deer|bird|pigeon)s?\b|\bdog (fouling|poo|mess)\b|\bblocked (drain|gully|gulley)s?\b|\bovergrown (hedge|tree|bush)`)

// processQuestion asks how reporting or the service works, even after
// describing a problem: "bin men missed us, is there a cut-off for
// reporting it?" wants an answer, not a report taken.
var processQuestion = rx(`\b(is there a|is there any|whats the|what is the) (cut ?off|deadline|time limit|charge|fee|cost)\b|\bhow (quick|quickly|long|soon|fast)\b.{0,30}\b(will|do|does|would|to|is|are)\b|\bwho (do|should|can|would) (i|we) (ring|call|phone|contact|tell|report|speak)|\bwhat (should|do|can|must) (i|we) do\b|\bhow (do|can|should) (i|we) (report|get|sort|arrange) (a|an|any)\b|\bwhere (do|can|should) (i|we) (report|take|go)\b|\bwho is responsible\b|\bwhose (job|responsibility)\b|\b(is it|am i|are we) too late\b|\bwhen will (they|you|someone|the (crew|bin men|team|lorry)) (come|be back|return|collect|fix|sort)\b`)

// wantsAction asks the council to act now, which a process question in the
// same message does not cancel.
var wantsAction = rx(`\bi (want|wish|would like|d like|need) to (report|log)\b|\bhow (do|can|should) (i|we) (report|log) (it|this|that|them|these|those)\b|\b(please|pls|can you|could you|can someone|could someone) (fix|send|remove|come|collect|sort|empty|clear|repair)\b`)

// serviceWords are single words that name a service, matched with one
// typo allowed ("potholle", "grafitti") when no pattern matches.
var serviceWords = map[string]string{
	"pothole": ServicePothole, "potholes": ServicePothole,
	"graffiti": ServiceGraffiti, "grafitti": ServiceGraffiti, "grafiti": ServiceGraffiti, "streetlight": ServiceStreetLight, "streetlights": ServiceStreetLight,
	"lamppost": ServiceStreetLight, "lampposts": ServiceStreetLight, "flytipping": ServiceFlyTipping,
	"flytipped": ServiceFlyTipping,
}

// DetectService returns the service code a message is about, or "".
func DetectService(text string) string { return detectService(normText(text)) }

// detectService is DetectService on normText's output.
func detectService(n string) string {
	if unsupportedReport.MatchString(n) {
		return ""
	}
	if i := serviceRules.First(n, nil); i >= 0 {
		return servicePatterns[i].service
	}
	for _, w := range strings.Fields(n) {
		if len(w) < 6 {
			continue
		}
		for sw, code := range serviceWords {
			if oneEdit(w, sw) {
				return code
			}
		}
	}
	return ""
}

// oneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or swap of adjacent letters.
func oneEdit(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	switch {
	case la == lb:
		if i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] {
			return true // swap
		}
		return a[i+1:] == b[i+1:]
	case la > lb:
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}

var (
	questionStart = rx(`^(hi |hello |hiya |hey )?(how|what|whats|when|where|who|whos|which|why|is (there|it|that|the|anyone|someone|my)|are (there|you|they|the)|do (i|you|we|they)|does|did|will|would|should|could you tell|can you tell|can i|may i|am i|can (the council|you|they|we)|how do|how long|how much|how often)\b`)
	askingPhrases = rx(`\bhow (do|can|should|would) (i|we|you|someone|people|residents) (report|get|arrange|make|log)\b|\bhow (long|quickly|soon) (do|does|will|would) (it|you|they|the council)\b|\bwhat (happens|do you do|does the council do) (if|when|after|to)\b|\bwho (fixes|repairs|deals with|is responsible for|looks after)\b|\bwhat (is|are) the (rules|fine|fines|penalty|process)\b|\bhow to (report|get)\b|\bwhats the (fine|penalty|process)\b|\bcan i claim\b|\bcompensation\b|\b(is (that|it|this) (allowed|legal|ok))\b|\ballowed to\b`)
	reportCues    = rx(`\b(there is|theres|there are|there s)\b|\b(has|have) been\b.{0,20}\b(dumped|left|sprayed|broken|missed|out|there)|\b(wasnt|werent|not|hasnt|havent|didnt|never) (been )?(collected|emptied|picked up|working|fixed)\b|\bi (want|wish|would like|d like|need) to (report|log|complain)\b|\b(can|could) (i|you) (report|log)\b|\bsomeone (has )?(dumped|sprayed|tipped|left)\b|\b(outside|opposite|behind|near|by) (my|our|the|number|no)\b|\bon (my|our) (road|street|estate)\b|\b(please|pls) (fix|send|remove|come|collect|sort)\b|\b(can|could) (you|someone) (fix|come|remove|collect|sort|send)\b|^report\b|\bmissed my\b|\bmy (bin|street light|road)\b.{0,20}\b(wasnt|not|is out|broken)`)
	// staffCues ask for a person in words the hand-off lexicon leaves out,
	// or say the assistant has got it wrong.
	staffCues = rx(`\b(call|ring|phone) (me )?back\b|\bcallback\b|\b(ring|phone|call) me\b|\b(phone|ring|call|see|meet) (someone|somebody|a person|an adviser|an advisor|a member of staff)\b|^operator$|\bget me (someone|somebody|a person|a human)\b|\bwrong (answer|again)\b|\b(doesnt|does not|didnt|did not|still doesnt) (answer|help)\b|\bnot what i (asked|meant|said)\b|\bappointment to see someone\b`)
)

func asksForStaff(n string) bool { return staffCues.MatchString(n) }

// councilish names things councils deal with, so a message that names one
// is never refused by the model alone.
var councilish = rx(`\bcouncil|\bcouncillor|\bcllr\b|\bphone number\b|\bcontact\b|\bopening (hours|times)\b|\bbus shelter|\bpavement|\broad\b|\bstreet\b|\bpark\b|\bleisure|\btown hall|\bcivic|\btip\b|\bwaste|\bhousing|\brent\b|\bschool|\bcare\b|\bpermit|\blicen[cs]|\bfine\b|\bpenalty|\bpcn\b|\bpaid\b|\bpay\b|\bspent\b|\bwon\b.{0,20}\bcontract`)

// askingAbout reports a question about how a service works, as opposed to
// a report: "how do I report a pothole", "how long do you take to fix
// street lights".
func askingAbout(n string) bool { return askingPhrases.MatchString(n) || questionStart.MatchString(n) }

// reporting reports a message that describes a problem to be dealt with.
// A conditional ("what do I do if my bin isn't emptied?") is a question
// whatever problem it names.
func reporting(n string) bool { return reportCues.MatchString(n) && !hypothetical.MatchString(n) }

var hypothetical = rx(`\bif (my|the|a|your|someone|somebody|i|we|you|there|its|it)\b|\bwhat (do|should|can|would) (i|we|you) do\b|\bin case\b`)

// looksLikeQuestion reports a message that asks something, after any
// opening "sorry", "ok", "also" or the like.
func looksLikeQuestion(n string) bool {
	return questionStart.MatchString(leadIn.ReplaceAllString(n, ""))
}

var leadIn = rx(`^((sorry|ok|okay|oh|also|actually|btw|by the way|quick question|one more thing|hang on|wait|hi|hello|and|but|so)\s+)+`)

var (
	previousFOI    = rx(`\bhas (anyone|anybody|someone) (asked|requested|made)|\bhas there (been|ever been) (an? )?(foi|request|freedom)|\b(previous|past|earlier|published|old) (foi|request|disclosure|response)s?|\bdisclosure log|\bwhat did the council (say|tell|disclose|reply|respond)|\b(in|from) (the|that) foi (response|reply|answer|about)\b|\bfoi (response|reply|answer) (about|on|to)`)
	foiAsking      = rx(`^(hi |hello )?(how|what|whats|when|where|who|why|which|is there|are there|does|do you|do i need)\b`)
	wantsToRequest = rx(`\bi (want|wish|would like|d like|need|am going) to\b|\bi (want|need) (the|data|figures|information|copies)\b|\bplease\b|\bmy own\b|\bhelp me (write|make|submit)\b|\bfor me\b`)
)

var foiWords = rx(`\bfoia?\b|\brequest for (the )?(number|numbers|details|copies|copy|list|amount|total|breakdown)\b|\binformation (you|the council|it) (hold|holds|have|has)\b|\bfreedom of info|\benvironmental information|\beir\b|\binformation request\b|\brequest (for )?information\b|\bdisclose\b|\brequest\b.{0,30}\b(data|figures|information|copies|correspondence|minutes|records|contracts?|reports?|emails?|documents?)\b`)

func mentionsFOI(n string) bool { return foiWords.MatchString(n) }

var smallTalkRx = rx(`^(hi|hello|hiya|hey|hey there|good (morning|afternoon|evening)|morning|afternoon|thanks|thank you|thanks a lot|cheers|ta|ok|okay|great|brilliant|lovely|perfect|bye|goodbye|thats all|no thanks|nothing else|thats (great|helpful|brilliant|lovely|perfect|all i needed))( (there|thanks|then|again|very much|so much|mate|love|for (your|the|all your) help|for that|for helping))*$`)

// smallTalk reports a greeting or a thank-you with nothing else in it.
func smallTalk(n string) bool { return smallTalkRx.MatchString(strings.TrimSpace(n)) }
