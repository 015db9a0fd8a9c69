package assistant

import (
	"regexp"
	"strings"
)

// Signpost names who can help with something the council does not do.
type Signpost struct {
	Topic string // short label for logs and routing reasons, e.g. "health"
	Org   string // "" when there is nobody to point to (chit-chat, trivia)
	How   string // how to reach them, e.g. "call 111 or go to 111.nhs.uk"
}

type scopeRule struct {
	re   *regexp.Regexp
	sign Signpost
}

// outOfScope lists business that is not the council's, with the body that
// does it. Patterns run over normText(text). A message that also names a
// council service ("council tax support if I'm on Universal Credit") is the
// council's after all; see councilTopic.
var outOfScope = []scopeRule{
	{rx(`\bbenefits? fraud|\b(claiming|fiddling|cheating|scamming) (the )?(benefits?|the system|universal credit|dole)|\b(on|claiming|claims|gets|getting) (benefits?|universal credit|the dole|pip)\b.{0,40}\b(working|cash in hand|not entitled|shouldnt|should not|lying|fraud)|\bworking (cash in hand )?(and|while|whilst) (claiming|on benefits)|\breport\b.{0,30}\bfor (claiming|fraud)`),
		Signpost{"benefit_fraud", "the Department for Work and Pensions (DWP)", "call the National Benefit Fraud Hotline on " + PhoneBenefitFrau + " or report it at www.gov.uk/report-benefit-fraud"}},
	{rx(`\b(gp|doctors?|dentists?|nhs|hospital|surgery|practice nurse)\b.{0,15}\b(appointment|appt|visit|waiting)|\b(book|make|get|cancel|change)\b.{0,10}\b(gp|doctors?|dentists?|hospital)\b|\brepeat prescription|\bsymptoms? of (flu|covid|coronavirus|a cold|chickenpox|measles|norovirus|shingles|diabetes|meningitis)\b|\b(flu|covid|coronavirus) (symptoms|jab|vaccine)\b|\bprescription\b|\b(sick|fit) note\b|\bpharmacy\b|\bchemist\b|\bregister with a (gp|doctor|dentist)|\bnhs\b|\ba (and|n) e\b|\btest results\b|\bvaccin`),
		Signpost{"health", "the NHS", "contact your GP practice, or call " + PhoneNHS111 + " or go to 111.nhs.uk if it is urgent"}},
	{rx(`\bdriving (licen[cs]e|test|lesson)|\b(car|vehicle|road|van|motorbike) tax\b|\btax (my|the|a|your) (car|vehicle|van|motorbike)\b|\bdvla\b|\bmot\b|\blog ?book\b|\bv5c?\b|\bpersonali[sz]ed (number )?plate|\bprovisional (driving )?licen[cs]e`),
		Signpost{"driving", "the DVLA", "use GOV.UK at www.gov.uk/browse/driving"}},
	{rx(`\bhmrc\b|\btax return|\bself assessment tax|\bincome tax\b|\btax code\b|\bnational insurance (number|contributions?|record)|\bvat (return|registration|number)|\b(apply|claim|claiming|applying) (for )?(tax credits?|child benefit)|\b(tax credits?|child benefit) (payment|claim|renewal|helpline|stopped)|\btax refund from`),
		Signpost{"tax", "HMRC", "use GOV.UK at www.gov.uk/government/organisations/hm-revenue-customs/contact"}},
	{rx(`\b(apply|applying|claim|claiming|make a claim|sign up|eligible|qualify|entitled)\b.{0,15}\b(for )?(` + dwpBenefits + `)\b|\b(` + dwpBenefits + `)\b.{0,12}\b(forecast|statement|payment|payments|paid|claim|application|appeal|assessment|journal|helpline|phone number|account|sanction|sanctioned|stopped|reduced|late|missing|rate|rates|review|reassessment|mandatory reconsideration)\b|\bwhen (is|will|do|does) (my|i get|the) (` + dwpBenefits + `)|\bjobcentre\b`),
		Signpost{"dwp", "the Department for Work and Pensions (DWP)", "use GOV.UK at www.gov.uk/browse/benefits or call your Jobcentre Plus"}},
	{rx(`\bpassports?\b`), Signpost{"passport", "HM Passport Office", "use GOV.UK at www.gov.uk/passport-advice-line"}},
	{rx(`\bvisas?\b|\bimmigration\b|\basylum\b|\bbiometric residence|\bright to remain\b|\bcitizenship\b`), Signpost{"immigration", "UK Visas and Immigration", "use GOV.UK at www.gov.uk/contact-ukvi-inside-outside-uk"}},
	{rx(`\breport (a |the )?crime\b|\b(was|been|got|has been|have been) (stolen|nicked|burgled|broken into|scammed|mugged)\b|\bbroken into (my|our|the)\b|\bburglary\b|\btheft\b|\b(call|ring|contact|report (it )?to) the police\b|\bpolice (station|number|non emergency)\b`),
		Signpost{"police", "the police", "call " + PhonePolice101 + ", or " + PhoneEmergency + " if a crime is happening now or someone is in danger"}},
	{rx(`\bpower cut\b|\bno (electricity|power)\b|\belectricity (is )?(off|out)\b`), Signpost{"power", "your electricity network operator", "call 105 (free)"}},
	{rx(`\b(no|low) water (pressure|supply)?\b|\bwaters? (is |has |has been |been )?(off|cut off)\b|\bburst (water )?main|\bwater (bill|meter|company|supply)\b|\bno hot water from the water`), Signpost{"water", "your water company", "call the number on your water bill"}},
	{rx(`\bbroadband\b|\bwi ?fi\b|\b(mobile|phone) (signal|contract)\b|\b(best|cheapest|switch|change) (energy|gas|electricity) (supplier|company|tariff|deal)|\bsky (subscription|tv)\b|\bnetflix\b`), Signpost{"utilities", "your supplier, or Citizens Advice", "go to www.citizensadvice.org.uk"}},
	{rx(`\b(train|trains|railway) (to|times|timetable|cancelled|delayed|ticket|fare)|\bnext train\b|\btrain (was |is |got |has been )?(cancelled|delayed|late)\b|\bis the bus (running|late|on time)|\bbus (times|timetable) (to|for)\b`), Signpost{"travel", "National Rail or the bus operator", "go to www.nationalrail.co.uk or call Traveline on 0871 200 22 33"}},
	{rx(`\bmotorways?\b|\bm\d{1,2} (closed|closure|traffic|junction|roadworks|southbound|northbound)\b|\b(on|off|the|is the) m\d{1,2}\b|\bnational highways\b|\bhighways england\b|\bsmart motorway`), Signpost{"motorways", "National Highways", "go to nationalhighways.co.uk or call 0300 123 5000"}},
	{rx(`\b(train|railway|rail) stations?\b|\bnetwork rail\b|\brailway (line|bridge|crossing)\b`), Signpost{"rail", "Network Rail or the train company", "go to www.networkrail.co.uk or call 03457 11 41 41"}},
	{rx(`\bstamps?\b.{0,20}\b(cost|price|much)\b|\bhow much (is|does) (a |an )?(first|second) class (stamp|letter)|\broyal mail\b|\bpost office\b|\b(my|a|the) parcel\b|\bredelivery\b`), Signpost{"post", "Royal Mail or the Post Office", "go to www.royalmail.com"}},
	{rx(`\bstudent (loans?|finance)\b|\btuition fees?\b|\bmaintenance loan\b`), Signpost{"student_finance", "Student Finance England", "use GOV.UK at www.gov.uk/student-finance"}},
	{rx(`\b(register|registering|start|set up|setting up|form|close|dissolve) (a |my |our |the )?(new )?(limited )?company\b|\bcompanies house\b`), Signpost{"companies", "Companies House", "use GOV.UK at www.gov.uk/limited-company-formation"}},
	{rx(`\bminimum wage\b|\bliving wage\b|\bholiday pay\b|\bsick pay\b|\bunfair(ly)? dismiss|\bmy (wages|pay slip|payslip|contract of employment)\b`), Signpost{"work", "Acas", "go to www.acas.org.uk or call 0300 123 1100"}},
	{rx(`\b(eyes?|eyesight|sight) test|\bopticians?\b|\bglasses prescription`), Signpost{"eyes", "an optician or the NHS", "go to www.nhs.uk/nhs-services/opticians"}},
	{rx(`\bbecome a british citizen\b|\bnaturali[sz]ation\b|\b(apply|applying) for (british )?citizenship\b`), Signpost{"immigration", "UK Visas and Immigration", "use GOV.UK at www.gov.uk/becoming-a-british-citizen"}},
	{rx(`\blegal advice\b|\bdivorce\b|\bsue (my|the|them|him|her)\b|\bcustody\b|\bemployment (law|tribunal|rights)\b|\bmy employer\b`), Signpost{"legal", "Citizens Advice", "go to www.citizensadvice.org.uk or call 0800 144 8848"}},
	{rx(`\bweather\b|\b(the|rain|snow|wind|pollen) forecast\b|\bforecast (for )?(tomorrow|today|tonight|the weekend|this week)\b|\bgoing to (rain|snow)\b|\bwill it (rain|snow|be sunny)\b`), Signpost{"weather", "the Met Office", "go to www.metoffice.gov.uk"}},
	{rx(`\b(tv|television) licen[cs]e`), Signpost{"tv_licence", "TV Licensing", "go to www.tvlicensing.co.uk"}},
	{rx(`\b(rod|fishing|angling) licen[cs]e`), Signpost{"fishing", "the Environment Agency", "use GOV.UK at www.gov.uk/fishing-licences"}},
	{rx(`\bso (that )?(they|the council|you|it|the assessor|the assessors) (will )?(think|thinks|believe|believes)\b|\blie on (the|my|a|an) (form|application|claim)|\b(lie|lying) (to|about)\b.{0,30}\b(council|form|application|assessment|claim|address)|\bmake (it look|out) (like|that) i\b|\bexaggerate\b|\bget away with\b|\bwithout (them|the council|anyone|the landlord) (knowing|finding out|noticing)|\bcheat (the|on)|\bfiddle (the|my)\b|\bfake (a |an |my )?(claim|disability|illness|address|tenancy|injury)|\bi can walk (fine|ok|perfectly)|\bif i(m| am) not (really |actually )?(disabled|ill|single|eligible|entitled)\b|\bnot really (disabled|single|living)`), Signpost{"dishonest", "", ""}},
	{rx(`\bhack(ing)?\b|\bpick a lock\b|\bfake (\w+ )?(id|permit|badge|document|licence|certificate)|\bforge(d|ry)?\b|\bwithout (getting )?caught\b|\bcounterfeit\b`), Signpost{"unlawful", "", ""}},
	{rx(`\bfootball\b|\bcricket\b|\brugby\b|\bpremier league\b|\b(the )?(match|game) (tonight|score|result)\b|\bstrictly\b|\bx factor\b|\beurovision\b|\bwho won (the )?(football|match|game|race|league|cup|final|strictly)`), Signpost{"sport", "", ""}},
	{rx(`\brecipes?\b|\bhow (do i|to|long (do|should) i) (cook|bake|roast|boil|fry)\b|\b(cook|bake|make) (a |an |the )?(\w+ )?(cake|sponge|lasagne|curry|turkey|chicken|pasta|pizza|bread|pie)\b|\bfor (dinner|tea|lunch) tonight\b`), Signpost{"recipes", "", ""}},
	{rx(`\b(tell|know) (me )?(a )?jokes?\b|\bpoems?\b|\bsing\b|\bsongs?\b|\bhomework\b|\bessay\b|\btranslate\b|\bcapital (city )?of\b|\bmeaning of life\b|\blottery\b|\b\d+ ?(times|plus|minus|x|multiplied by|divided by) ?\d+\b|^(what is|whats) \d+ \d+$|\bhow (tall|old|far|big|high) is (the )?(eiffel|everest|moon|sun|earth|shard)|\bhow many people live in\b|\bwhats the time\b|\bwhat time is it\b|\bthe news today\b|\blose weight\b|\bdiet\b|\bhow many legs\b`), Signpost{"general", "", ""}},
	{rx(`\bhow are you\b|\bare you (a robot|a bot|human|real|single|married|alive|ok)\b|\b(what|whats) (is )?your (name|favourite)|\bdo you (like|love|enjoy)\b|\bi love you\b|\byou(re| are) (cute|pretty|hot|sexy)|\bwho (made|built|created) you\b|\btell me about yourself\b|\bhow old are you\b|\bwhat (can|else can) you do besides\b|\bwhat model are you\b`), Signpost{"chitchat", "", ""}},
	{rx(`\bwho should i vote\b|\bwhich (party|candidate) (is|should)\b|\bwhat do you think (of|about)\b|\byour (opinion|view) (of|on)\b|\bbrexit\b|\bis the (council )?leader (any )?good\b|\bprime minister\b`), Signpost{"opinion", "", ""}},
	{rx(`\brecommend (a |an |me )?(good |decent |cheap )?(plumber|builder|electrician|roofer|restaurant|takeaway|solicitor|mortgage|holiday|hotel|garage|mechanic)|\bbest (takeaway|restaurant|mortgage|phone|pub|holiday)\b|\bamazon\b|\bprimark\b|\basda\b|\btesco\b|\bcrypto|\binvest(ing|ment)? in\b|\bbank balance\b|\blend me\b|\bcinema\b|\bbuy (a |an )?(cheap |new )?(car|phone|tv|telly|house|laptop)\b|\bflights? (to|from|abroad)\b|\bcheap flights?\b|\bbook(ing)? (a )?(flight|holiday)\b|\bpackage holiday|\b(car|home|house|contents|travel|pet|life) insurance (quote|policy|claim|company)|\b(claim|claiming) on (my|our|the) (home |house |car |contents |travel )?insurance|\b(bank|debit|credit) card\b|\bmy bank\b`), Signpost{"commercial", "", ""}},
}

// dwpBenefits are benefits the DWP pays. Housing Benefit and council tax
// support are the council's.
const dwpBenefits = `universal credit|pip|personal independence payment|state pension|job ?seekers?( allowance)?|jsa|esa|employment and support allowance|attendance allowance|carers allowance|pension credit|winter fuel( payment)?|disability living allowance|dla`

// councilTopic matches council services. A message that names one is
// council business even if it also mentions another body.
var councilTopic = newPrefiltered(`\bcouncil tax\b|\bhousing benefit|\bcouncil tax (support|reduction)|\bdiscretionary housing|\bfree school meals|\bbins?\b|\brecycl|\bparking\b|\bblue badge|\bplanning\b|\blibrar(y|ies)\b|\blicen[cs]e (for|to) (sell|run|drive a taxi|a taxi)|\btaxi\b|\bregister (office|a birth|a death)|\bregistrar|\bcitizenship ceremon|\bpitch(es)?\b|\bsports? (centre|hall|ground|pitch)|\bleisure centre|\bbirth\b|\bdeath\b|\bmarriage\b|\bcivil partnership|\bwedding\b|\bgrit|\bpothole|\bstreet ?light|\bfly ?tip|\bgraffiti\b|\bnois|\bcouncil (house|flat|home|tenant|housing)|\bhomeless|\bhousing (register|repair|list)|\bschool (place|admission|transport)|\bcontracts?\b|\bspend(ing)?\b|\bbudget\b|\bbusiness rates\b|\belectoral|\bregister to vote|\bpostal vote|\bbus pass|\bconcessionary|\bhousehold support fund|\bsocial care\b|\bcarers? assessment|\benvironmental health|\bfood hygiene|\bpest|\bbed ?bugs?\b|\brats\b|\bmice\b|\bwasps?\b|\bcockroach|\bshort breaks?\b|\bfoi\b|\bfreedom of information|\bdisclosure`)

// outOfScopeRules are the outOfScope patterns behind one literal
// prefilter, in the same order.
var outOfScopeRules = newPrefiltered(sources(outOfScope, func(r scopeRule) *regexp.Regexp { return r.re })...)

// OutOfScope returns who to signpost a message to when it is not council
// business. ok is false for council business.
func OutOfScope(text string) (Signpost, bool) { return outOfScopeNorm(normText(text)) }

// outOfScopeNorm is OutOfScope on normText's output.
func outOfScopeNorm(n string) (Signpost, bool) {
	i := outOfScopeRules.First(n, nil)
	if i < 0 {
		return Signpost{}, false
	}
	r := outOfScope[i]
	// Fraud and unlawful requests stay refused whatever service they
	// name; the rest yield to a council topic in the same message.
	if r.sign.Topic != "benefit_fraud" && r.sign.Topic != "unlawful" && r.sign.Topic != "dishonest" && councilTopic.MatchString(n) {
		return Signpost{}, false
	}
	return r.sign, true
}

// publicRole matches people whose work contact details are published:
// asking for a councillor's email is not a request for personal data.
var publicRole = rx(`\b(councillor|cllr|mp|mayor|chief executive|chief exec|leader|cabinet member|director|head of|officer|clerk|registrar|manager)\b`)

var personalPatterns = newPrefiltered([]string{
	// Who asked, complained, objected or reported.
	`\bwho (made|submitted|sent|asked|requested|filed|wrote|put in|raised|reported|complained|objected|grassed)\b.{0,40}\b(foi|freedom of information|request|complaint|objection|report|me|us|on me)\b`,
	`\b(name|names|email|emails|e mail|address|addresses|phone|number|numbers|contact details|details|identity|identities)\b.{0,12}\bof (the |that |this )?(person|people|resident|residents|requester|requestor|applicant|complainant|tenant|occupant|occupier|individual|man|woman|member of the public|objector|neighbour|owner)s?\b.{0,6}\b(who|that|at|in|living|from|next door)\b`,
	// Their details.
	`\b(give me|tell me|send me|i want|i need|can i (have|get)|what is|whats|share|find|find out)\b.{0,10}\b(their|his|her|the requesters?|the complainants?)\b.{0,6}\b(e ?mail|home address|address|phone|mobile|number|contact details|date of birth|dob|details|name|identity)\b`,
	// Another person's benefits, tax, tenancy, debts.
	`\b(is|does|did|has) (my |the |our )?(neighbour|neighbours|ex|ex wife|ex husband|ex partner|landlord|tenant|lodger|brother|sister|colleague|boss|mr \w+|mrs \w+|ms \w+|miss \w+|(man|woman|lady|bloke|family|people|person|guy|couple) (at|in|from|next door|opposite|over the road))\b.{0,30}\b(on benefits|claim|get|gets|receive|pay|owe|criminal|record|council tenant|in arrears|in debt|rent arrears|single person discount)`,
	`\bhow much (council tax|rent|benefits?|housing benefit|universal credit) (does|do|did|is) (my|mr|mrs|ms|miss|the|their|his|her|number|next door)\b`,
	`\b(address|phone number|email|contact details|date of birth|dob|details) (of|for) (mr|mrs|ms|miss|dr)\b`,
	`\b(mr|mrs|ms|miss|dr) \w+s? (address|phone|email|date of birth|dob|benefits|details|salary)\b`,
	`\bwhere does (mr |mrs |ms |miss |dr |my )?\w+( \w+)? live\b`,
	`\bwhere (he|she|they) (lives?|is living|are living|stays?|works?)\b`,
	`\b(is|whether|if) (he|she|they|hes|shes|theyre)( is| are)? (behind|in arrears|in debt|on benefits|claiming|getting benefits|a council tenant|paying)\b`,
	`\b(his|her|their) (own )?(home address|address|council tax (account|bill|arrears)|rent arrears|debts?|arrears|benefits|phone number|mobile number|email address|date of birth|bank details|income)\b.{0,0}`,
	`\b(who lives|who owns|who rents) (at|in) (number|no|flat|\d)`,
	`\b(contact details|phone number|address|email) of (my |the )?(neighbour|tenant|landlord|ex)\b`,
	`\bmy (ex|ex partner|ex wife|ex husband|exs|neighbour|neighbours|sister|brother|sisters|brothers|lodger|tenant|tenants)s? (new |home |current |full )?(address|phone number|mobile number|number|email|contact details|whereabouts)\b`,
	`\bwho (owns|lives in|rents) (the )?(house|flat|property|place) (next door|opposite|over the road|across the road|at)\b`,
}...)

// reportedRequest matches a request the message reports rather than
// makes: "the FOI asking for", "a request that asked about".
var reportedRequest = rx(`\b(foi|freedom of information|request|enquiry)( request)? (that |which )?(asking|asked|asks|seeking|sought|requesting|requested) (for|about)\b`)

// askingWho matches words that ask who someone is or for their details.
var askingWho = rx(`\b(who|whoever|whose|name|names|email|e mail|address|phone|number|contact|details|identity)\b`)

// firstNames are common given names, used to spot "the address of john
// smith" typed in lower case.
var firstNames = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`john james david michael robert william richard thomas mark paul andrew peter steven stephen christopher chris daniel dan matthew matt anthony tony kevin gary ian simon lee neil jason martin alan brian graham colin keith barry craig adam ben benjamin sam samuel joe joseph jack harry george oliver charlie jacob alfie noah leo freddie archie oscar henry edward ed tom mohammed muhammad ali ahmed hassan omar raj sanjay amir
mary susan sarah jane karen lisa helen emma claire julie nicola michelle rachel louise laura amanda joanne jo angela tracey tracy donna kelly hannah amy sophie jessica olivia amelia isla ava mia emily grace lily ella chloe charlotte lucy katie kate kim fiona linda margaret patricia elizabeth liz anne ann carol pauline deborah debbie fatima aisha priya anita sharon wendy jackie gemma zoe natalie rebecca becky vicky victoria`) {
		firstNames[n] = true
	}
}

var (
	attrOfName = rx(`\b(address|addresses|phone|number|email|e mail|contact details|details|date of birth|dob|benefits|salary|where)\b.{0,16}\b(of|for|does) ([a-z]+) ([a-z]+)\b`)
	namesAttr  = rx(`\b([a-z]+) ([a-z]+)s (address|phone|number|email|date of birth|dob|benefits|details|salary|house)\b`)
	isNameOn   = rx(`\b(is|does) ([a-z]+) ([a-z]+) (on benefits|claim|get|pay|owe|live)`)
)

// PersonalData reports whether a message asks for personal information
// about someone other than the resident: a named person's address, who
// made an FOI request, whether a neighbour is on benefits.
func PersonalData(text string) bool { return personalData(normText(text)) }

// personalData is PersonalData on normText's output.
func personalData(n string) bool {
	if publicRole.MatchString(n) {
		return false
	}
	if loc := reportedRequest.FindStringIndex(n); loc != nil && !askingWho.MatchString(n[:loc[0]]) {
		// "What happened to the FOI asking for the names of the people
		// who complained?" asks about a request, not for what it asked
		// for. Only the words up to the reported request are read, and
		// only when they do not ask who made it or for anyone's details.
		n = n[:loc[1]]
	}
	if personalPatterns.MatchString(n) {
		return true
	}
	if m := attrOfName.FindStringSubmatch(n); m != nil && firstNames[m[3]] {
		return true
	}
	if m := isNameOn.FindStringSubmatch(n); m != nil && firstNames[m[2]] {
		return true
	}
	if m := namesAttr.FindStringSubmatch(n); m != nil && firstNames[m[1]] {
		return true
	}
	return false
}
