package extractive

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// Options tunes a Composer. The zero value gives the defaults.
type Options struct {
	// MaxSentences caps the answer; 0 means 5. Plain English and low
	// literacy needs cap it at 3, and SMS at 3.
	MaxSentences int
	// MaxWords caps the words quoted in all; 0 means 90 (45 for SMS).
	MaxWords int
	// MaxHits is how many of the top hits are read; 0 means 6.
	MaxHits int
	// Chunks, if set, fetches the rest of the top documents: a hit is one
	// section, and the fact asked for is often in another section of the
	// same page. A whole-document hit ("docID~all", flattened) is read as
	// its sections too. Nil composes from the hits alone. Wire the
	// store's ChunkGetter here (local.Store.Chunks()).
	Chunks retrieval.ChunkGetter
	// ExpandDocs is how many top documents are read whole through Chunks;
	// 0 means 3.
	ExpandDocs int
	// MinCoverage is the share of the question's weighted terms that the
	// best unit, with its heading and title, must cover; below it Compose
	// returns ErrUngrounded. Terms no candidate holds count at half
	// weight. 0 means 0.15: a safety net against answering from unrelated
	// text, not a topic classifier (off-topic questions can still reach
	// it, so the router must decline those).
	MinCoverage float64
	// Words, if set, lets a candidate's word partly match a question word
	// it does not share when their vectors are similar ("rodents" for
	// "rats", "father" for "dad"): soft term matching, with the GloVe
	// table the vector arm of retrieval embeds with. Nil matches words
	// by their stems alone.
	Words WordVectors
	// Council is the council's own name ("Thornbury Vale Borough
	// Council"). Its words say whose services are meant, not what about,
	// and stand in the title of nearly every page, so they do not count
	// as topic words when a "when" question is matched to a dated
	// sentence. Empty for a corpus of several councils.
	Council string
}

// Composer is the extractive composer. It is safe for concurrent use.
type Composer struct {
	opt Options

	mu    sync.Mutex
	cache map[string][]analysed // chunk analyses by chunk ID and text hash
	// vectors holds the unit-length vector of each stem seen, through
	// Options.Words (see Composer.terms).
	vectors map[string][]float32
	// council holds the stems of Options.Council.
	council map[string]bool

	// trace, if set, sees every scored candidate and the units picked;
	// tests use it to explain a choice.
	trace func(q question, units, picked []*unit)
}

var _ assistant.Composer = (*Composer)(nil)

// New returns a Composer with opt, defaults filled in.
func New(opt Options) *Composer {
	if opt.MaxSentences <= 0 {
		opt.MaxSentences = 5
	}
	if opt.MaxWords <= 0 {
		opt.MaxWords = 90
	}
	if opt.MaxHits <= 0 {
		opt.MaxHits = 6
	}
	if opt.ExpandDocs <= 0 {
		opt.ExpandDocs = 3
	}
	if opt.MinCoverage <= 0 {
		opt.MinCoverage = 0.15
	}
	c := &Composer{opt: opt, cache: map[string][]analysed{}, vectors: map[string][]float32{}, council: map[string]bool{}}
	for _, t := range parseQuestion(opt.Council).terms {
		c.council[t] = true
	}
	return c
}

// unit is a scored candidate sentence.
type unit struct {
	piece
	hit     int // index into the hits
	doc     int // rank of the unit's document among the hits' documents
	ordinal int // chunk ordinal within the document, for reading order
	pos     int // position within the chunk
	terms   map[string]bool
	ctx     map[string]bool // terms of the title, headings and lead-in
	// near holds the terms of the units just before and after this one
	// in the same chunk: "If this fits, call the police on 101" follows
	// the list item that says what "this" is.
	near  map[string]bool
	facts factSet
	// headAsks holds the facts the unit's headings ask for ("Cost",
	// "How long each permit lasts").
	headAsks factSet
	words    int
	request  bool // in the request part of an FOI thread
	boiler   bool // repeated in another document: a footer or disclaimer
	// years are the years the unit's text names.
	years map[int]bool
	// meta marks text about the page rather than its subject: "Learn
	// about ...", "This page provides information on ...", "This is the
	// top result if you search for ...".
	meta bool
	// expanded is set for units of sections read through Options.Chunks
	// rather than retrieved.
	expanded bool
	rel      float64 // weighted share of question terms in the unit
	cover    float64 // the same, counting the unit's context too
	around   float64 // the same, counting the neighbouring units too
	// procedure marks the FOI process text every response carries
	// (acknowledgements, re-use licence, review rights).
	procedure bool
	// legal marks the part of it that answers no question, even one
	// about requests: the re-use licence and e-mail disclaimers.
	legal bool
	// record marks a payment or contract row: its date is the payment's.
	record bool
	// gradeShown and gradePlain are the reading grades of the unit as
	// shown (see analysed).
	gradeShown, gradePlain float64
	// logEntry marks a disclosure log row ("Freedom of Information request
	// 154748 to ..., received ...: title").
	logEntry bool
	// docWeight is the weight of the unit's document: its retrieval rank
	// and how much of the question it covers as a whole.
	docWeight float64
	score     float64
}

// Compose implements assistant.Composer. It returns an error wrapping
// assistant.ErrUngrounded when no hit covers enough of the question, and
// ctx's error if ctx is done.
func (c *Composer) Compose(ctx context.Context, in assistant.ComposeInput) (*assistant.Draft, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q := parseQuestion(in.Question)
	c.terms(in.Question) // vectors of the question's words
	q.plain = in.Needs.PlainEnglish || in.Needs.LowLiteracy
	if len(q.terms) == 0 {
		return nil, errUngrounded("the question has no content words")
	}
	hits, err := c.expand(ctx, in.Hits[:min(len(in.Hits), c.opt.MaxHits)])
	if err != nil {
		return nil, err
	}
	units := c.candidates(hits)
	if len(units) == 0 {
		return nil, errUngrounded("nothing retrieved")
	}
	soft := c.softMatches(q, units)
	weights := idf(q, units, soft)
	bg := loadBackground()
	total, missing, topicTotal := 0.0, 0.0, 0.0
	for _, t := range q.all() {
		if w, ok := weights[t]; ok {
			total += w
			if _, want := wantKind(t); !want {
				topicTotal += w
			}
		} else if _, want := wantKind(t); !want {
			// A question term no candidate holds may be the topic the
			// hits miss, or just an informal word: count it at half the
			// weight of the rarest term, tempered like any other by its
			// background specificity, when judging grounding.
			missing += 0.5 * math.Log(1+float64(len(units))) * math.Sqrt(bg.specificity(t))
		}
	}
	if topicTotal == 0 {
		return nil, errUngrounded("no question term appears in the retrieved text")
	}
	docWeight := docWeights(q, units, hits, weights, topicTotal)
	best := 0.0
	for _, u := range units {
		u.docWeight = docWeight[u.doc]
		u.rel, u.cover, u.around = 0, 0, 0
		topic := 0.0
		for _, t := range q.all() {
			w := weights[t]
			switch {
			case u.has(t):
				u.rel += w
				u.cover += w
				u.around += w
			case u.ctx[t]:
				u.cover += w
				u.around += w
			case u.near[t]:
				u.around += w
			default:
				// A similar word counts for part of the term.
				own, head := soft.in(u.terms, t), soft.in(u.ctx, t)
				u.rel += own * w
				u.cover += max(own, head) * w
				u.around += max(own, head, soft.in(u.near, t)) * w
				topic += max(own, head) * w
				continue
			}
			if _, want := wantKind(t); !want && (u.terms[t] || u.ctx[t]) {
				topic += w
			}
		}
		u.rel /= total
		u.cover /= total
		u.around /= total
		u.score = unitScore(u, q)
		if u.kind != kindLabel {
			best = max(best, topic/topicTotal)
		}
	}
	if grounded := best * topicTotal / (topicTotal + missing); grounded < c.opt.MinCoverage {
		return nil, errUngrounded("best coverage " + strconv.FormatFloat(grounded, 'f', 2, 64))
	}
	if q.when {
		if dated := datedCover(q, units, c.council); dated < minDatedCover {
			return nil, errUngrounded("no date or time about the topic; best " + strconv.FormatFloat(dated, 'f', 2, 64))
		}
	}
	maxSent, maxWords := c.opt.MaxSentences, c.opt.MaxWords
	if in.Needs.PlainEnglish || in.Needs.LowLiteracy || in.Channel == assistant.ChannelSMS {
		maxSent = min(maxSent, 3)
	}
	if in.Channel == assistant.ChannelSMS {
		maxWords = min(maxWords, 45)
	}
	picked, gains := pick(units, q, weights, total, maxSent, maxWords)
	picked = fit(picked, gains, q, hits, in.Channel, in.Needs)
	if c.trace != nil {
		c.trace(q, units, picked)
	}
	if len(picked) == 0 {
		return nil, errUngrounded("no unit worth quoting")
	}
	return draft(picked, corroborating(picked, units), hits), nil
}

func errUngrounded(why string) error {
	return &ungroundedError{why: why}
}

// ungroundedError wraps assistant.ErrUngrounded with the reason.
type ungroundedError struct{ why string }

func (e *ungroundedError) Error() string {
	return "extractive: " + e.why + ": " + assistant.ErrUngrounded.Error()
}
func (e *ungroundedError) Unwrap() error { return assistant.ErrUngrounded }

// expand adds the other sections of the top documents (table rows,
// which have none, left out) after each document's last hit, and reads a whole-document hit ("docID~all", whose
// text is flattened) as its sections, when a ChunkGetter is set. PDF
// pages are left as retrieved, since each page is cited on its own.
func (c *Composer) expand(ctx context.Context, hits []retrieval.Hit) ([]retrieval.Hit, error) {
	if c.opt.Chunks == nil || len(hits) == 0 {
		return hits, nil
	}
	have := map[string]bool{}
	var docs []string
	for _, h := range hits {
		have[h.Chunk.ID] = true
		d := h.Chunk.DocID
		if h.Chunk.Page > 0 || slices.Contains(docs, d) {
			continue
		}
		if strings.Contains(d, "#row-") {
			// A table row ("log.csv#row-107") is one chunk: there is
			// nothing more of it to read, and it must not take the place
			// of a page or thread ranked after it (four disclosure log
			// rows kept a request thread's response from being read).
			continue
		}
		if len(docs) < c.opt.ExpandDocs || strings.HasSuffix(h.Chunk.ID, retrieval.WholeDocSuffix) && len(docs) < c.opt.ExpandDocs+2 {
			docs = append(docs, d)
		}
	}
	var ids []string
	for _, d := range docs {
		for n := range maxSections {
			if id := corpus.ChunkID(d, n); !have[id] {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return hits, nil
	}
	more, err := c.opt.Chunks.Chunks(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("extractive: fetch sections: %w", err)
	}
	sections := map[string][]corpus.Chunk{}
	for _, ch := range more {
		sections[ch.DocID] = append(sections[ch.DocID], ch)
	}
	out := make([]retrieval.Hit, 0, len(hits)+len(more))
	added := map[string]bool{}
	for i, h := range hits {
		d := h.Chunk.DocID
		if strings.HasSuffix(h.Chunk.ID, retrieval.WholeDocSuffix) && len(sections[d]) > 0 {
			if !added[d] {
				// The whole document was retrieved: its sections were.
				added[d] = true
				for _, ch := range sections[d] {
					out = append(out, retrieval.Hit{Chunk: ch, Score: h.Score})
				}
			}
			continue
		}
		out = append(out, h)
		if added[d] || slices.ContainsFunc(hits[i+1:], func(x retrieval.Hit) bool { return x.Chunk.DocID == d }) {
			continue // not the document's last hit
		}
		added[d] = true
		for _, ch := range sections[d] {
			out = append(out, retrieval.Hit{Chunk: ch, Score: expandedScore})
		}
	}
	return out, nil
}

// expandedScore marks hits that expand added rather than retrieval found.
const expandedScore = -1

// expandedWeight discounts units from sections retrieval did not find.
const expandedWeight = 0.85

// maxSections is how many sections of a document expand reads.
const maxSections = 24

// candidates segments the top hits into units, dropping exact repeats
// (a document's whole-page chunk repeats its section chunks).
func (c *Composer) candidates(hits []retrieval.Hit) []*unit {
	docRank := map[string]int{}
	seen := map[string]*unit{}
	var out []*unit
	// also holds, for a unit, the other documents that repeat it, and
	// shared how many units two documents have in common.
	type pairKey struct {
		docs [2]int
		key  string
	}
	also := map[*unit][]int{}
	units := map[int]int{} // units read per document
	shared := map[[2]int]int{}
	counted := map[pairKey]bool{}
	for i, h := range hits {
		ch := h.Chunk
		if _, ok := docRank[ch.DocID]; !ok {
			docRank[ch.DocID] = len(docRank)
		}
		doc := docRank[ch.DocID]
		request := requestPart(ch)
		expanded := h.Score == expandedScore
		ordinal := chunkOrdinal(ch)
		as := c.analyse(ch)
		units[doc] += len(as)
		for p, a := range as {
			if prev, ok := seen[a.key]; ok {
				if prev.doc != doc {
					// The same words in two documents: a footer, or a
					// copy of the page (settled below).
					also[prev] = append(also[prev], doc)
					pair := [2]int{min(prev.doc, doc), max(prev.doc, doc)}
					if !counted[pairKey{pair, a.key}] {
						counted[pairKey{pair, a.key}] = true
						shared[pair]++
					}
				}
				continue
			}
			u := &unit{
				piece: a.piece, hit: i, doc: doc, ordinal: ordinal, pos: p,
				terms: a.terms, ctx: a.ctx, near: neighbours(as, p), facts: a.facts, headAsks: a.headAsks,
				request: request, words: a.words, expanded: expanded,
				procedure: a.procedure, legal: a.legal, logEntry: a.logEntry, meta: a.meta, years: a.years,
				record:     ch.Kind == corpus.KindSpending || ch.Kind == corpus.KindContracts,
				gradeShown: a.gradeShown, gradePlain: a.gradePlain,
			}
			seen[a.key] = u
			out = append(out, u)
		}
	}
	// A response that repeats its thread's request ("Thank you for your
	// request for information concerning Please could I request ...")
	// quotes what was asked, not what it answers: it is read as the
	// request.
	markQuotedRequests(hits, out)
	// A sentence repeated in another document is a footer or disclaimer,
	// unless the two documents share many sentences: then one is a copy
	// of the other (a page and its export in a site's search index), and
	// the sentence is the page's content, quoted from (and citing) the
	// better-ranked of the two.
	for u, docs := range also {
		for _, d := range docs {
			n := shared[[2]int{min(u.doc, d), max(u.doc, d)}]
			if n < copyShared || float64(n) < copyShare*float64(min(units[u.doc], units[d])) {
				u.boiler = true
			}
		}
	}
	return out
}

// copyShared and copyShare are how many sentences, and what share of the
// shorter one's, two documents must have in common for one to be read as
// a copy of the other rather than as sharing a footer. Two FOI responses
// from one council share their process text (licence, review rights),
// but little else.
const (
	copyShared = 4
	copyShare  = 0.5
)

// neighbours returns the terms of the quotable units either side of
// as[p], or nil.
func neighbours(as []analysed, p int) map[string]bool {
	var m map[string]bool
	for _, q := range []int{p - 1, p + 1} {
		if q < 0 || q >= len(as) || as[q].kind == kindLabel {
			continue
		}
		if m == nil {
			m = make(map[string]bool, len(as[q].terms))
		}
		for t := range as[q].terms {
			m[t] = true
		}
	}
	return m
}

// analysed is what a chunk's text says, independent of any question.
type analysed struct {
	piece
	key      string // normalised text, for spotting repeats
	terms    map[string]bool
	ctx      map[string]bool
	facts    factSet
	headAsks factSet
	words    int
	// procedure, logEntry and meta mark FOI process text, disclosure log
	// rows and text about the page (see unit).
	procedure, legal, logEntry, meta bool
	// years are the years the text names.
	years map[int]bool
	// gradeShown and gradePlain are the unit's reading grade as Format
	// shows it: with long sentences split, and for plain English also
	// with its jargon swapped.
	gradeShown, gradePlain float64
}

// analyse segments a chunk and finds each unit's terms and facts, or
// returns the cached analysis of the same chunk text.
func (c *Composer) analyse(ch corpus.Chunk) []analysed {
	h := fnv.New64a()
	h.Write([]byte(ch.Title))
	h.Write([]byte{0})
	for _, s := range ch.Headings {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write([]byte(ch.Text))
	key := ch.ID + "\x00" + strconv.FormatUint(h.Sum64(), 36)
	c.mu.Lock()
	a, ok := c.cache[key]
	c.mu.Unlock()
	if ok {
		return a
	}
	headTerms := set(c.terms(ch.Title + " " + strings.Join(ch.Headings, " ")))
	headAsks := asksIn(strings.Join(ch.Headings, " "))
	contexts := map[string]analysed{}
	for _, pc := range segment(ch.Text) {
		x := analysed{
			piece: pc, key: strings.ToLower(strings.Join(strings.Fields(pc.text), " ")),
			terms: set(c.terms(pc.text)), ctx: headTerms, facts: factsOf(pc),
			headAsks: headAsks, words: len(strings.Fields(pc.text)),
			procedure:  ch.Kind == corpus.KindFOI && foiProcedure(pc.text),
			legal:      ch.Kind == corpus.KindFOI && foiLegal(pc.text),
			logEntry:   ch.Kind == corpus.KindFOI && logEntry.MatchString(pc.text),
			meta:       aboutThePage(pc.text),
			years:      yearsIn(pc.text, true),
			gradeShown: assistant.Grade(assistant.Everyday(pc.text)),
			gradePlain: assistant.Grade(assistant.PlainEnglish(pc.text)),
		}
		if pc.context != "" {
			cx, ok := contexts[pc.context]
			if !ok {
				cx = analysed{ctx: union(headTerms, set(c.terms(pc.context))), headAsks: headAsks | asksIn(pc.context)}
				contexts[pc.context] = cx
			}
			x.ctx, x.headAsks = cx.ctx, cx.headAsks
		}
		a = append(a, x)
	}
	c.mu.Lock()
	if len(c.cache) >= cacheSize {
		clear(c.cache) // crude, but bounded and rarely hit
	}
	c.cache[key] = a
	c.mu.Unlock()
	return a
}

// factsOf returns the kinds of fact a piece holds: a question paired
// with its answer holds the answer's ("How many were sent out in 2022?
// 35247" holds a count; "... in 2022/23? No" holds none).
func factsOf(pc piece) factSet {
	if pc.pair && pc.answer != "" {
		return factsIn(pc.answer)
	}
	return factsIn(pc.text)
}

// cacheSize bounds the chunk analyses a Composer keeps.
const cacheSize = 4096

// asking matches sentences that ask for information rather than give it.
var asking = regexp.MustCompile(`^(please|could you|can you|would you|i would like|i am writing to|i'd like|under the freedom of information act)\b|\bplease (also )?(provide|send|supply|confirm|tell|state|let me know|disclose|include|list|advise|detail)\b`)

// metaText matches sentences about a page rather than its subject: the
// summaries knowledge bases put at the top of an article ("Learn about
// the eligibility criteria for ...", "Find out how drivers will be
// charged ..."), and notes on where the page sits ("This is the top
// result if you enter ... in the search above").
var metaText = regexp.MustCompile(`^(learn|find out|find information|discover|read|get information|explore) (about|how|what|when|where|why|who|which|more|information|details|on|if)\b|^(this|the) (page|article|section|guide|leaflet) (provides|gives|explains|tells|describes|has|contains|covers|lists|sets out|is about)\b|\btop result if you\b|\bin the (knowledge )?search (box |bar )?above\b`)

// aboutThePage reports text about the page rather than its subject.
func aboutThePage(text string) bool {
	lower := strings.ToLower(strings.TrimSpace(text))
	if !strings.HasPrefix(lower, "learn") && !strings.HasPrefix(lower, "find") && !strings.HasPrefix(lower, "discover") &&
		!strings.HasPrefix(lower, "read") && !strings.HasPrefix(lower, "get") && !strings.HasPrefix(lower, "explore") &&
		!strings.HasPrefix(lower, "this") && !strings.HasPrefix(lower, "the") && !strings.Contains(lower, "above") {
		return false
	}
	return metaText.MatchString(lower)
}

// restated matches a response restating what was asked: "You
// requested: the number of ...", "Your request: ...".
var restated = regexp.MustCompile(`^(you (requested|asked( for)?|wrote)|your (request|question)( was)?|request(ed)?|question \d+)\s*:`)

// asks reports a sentence that asks for information.
func asks(s string) bool {
	lower := strings.ToLower(s)
	if restated.MatchString(lower) {
		return true
	}
	if !strings.Contains(lower, "please") && !strings.HasPrefix(lower, "could") && !strings.HasPrefix(lower, "can") &&
		!strings.HasPrefix(lower, "would") && !strings.HasPrefix(lower, "i ") && !strings.HasPrefix(lower, "under") {
		return false
	}
	return asking.MatchString(lower)
}

func chunkOrdinal(ch corpus.Chunk) int {
	if i := strings.LastIndexByte(ch.ID, '~'); i >= 0 {
		if n, err := strconv.Atoi(ch.ID[i+1:]); err == nil {
			return n
		}
	}
	return 0
}

// idf weights each question term by how rare it is among the candidates
// and in everyday English. Among the candidates it is the geometric mean
// of log(1 + N/df) over units and over documents: counted over units
// alone, the topic of the best page is common because the page repeats
// it; over the few documents alone, every term is rare. The background
// specificity (see background) tempers it by the square root, so that
// "come" and "look" count for less than "mould". Terms in no candidate
// weigh nothing: they cannot be quoted.
func idf(q question, units []*unit, soft softTerms) map[string]float64 {
	w := make(map[string]float64, len(q.terms)+len(q.wants))
	n := float64(len(units))
	bg := loadBackground()
	docs := 0
	for _, u := range units {
		docs = max(docs, u.doc+1)
	}
	inDoc := make([]bool, docs)
	for _, t := range q.all() {
		df, dd := 0, 0
		clear(inDoc)
		for _, u := range units {
			if u.has(t) || u.ctx[t] || soft.in(u.terms, t) > 0 || soft.in(u.ctx, t) > 0 {
				df++
				if !inDoc[u.doc] {
					inDoc[u.doc] = true
					dd++
				}
			}
		}
		if df == 0 {
			continue
		}
		x := math.Sqrt(math.Log(1+n/float64(df)) * math.Log(1+float64(docs)/float64(dd)))
		w[t] = x * math.Sqrt(bg.specificity(t))
	}
	return w
}

// unitScore is a unit's relevance on its own: question terms in the text
// and (less) in its headings and neighbours, a bonus for holding the kind
// of fact asked for, and discounts for length, position and document
// rank. The fact bonus is scaled by how much of the question the unit and
// its surroundings cover: a figure in a sentence about something else
// answers nothing.
func unitScore(u *unit, q question) float64 {
	if u.kind == kindLabel {
		return 0
	}
	base := u.rel + 0.35*(u.cover-u.rel) + 0.2*(u.around-u.cover)
	if base == 0 {
		return 0
	}
	bonus := factBonus(u, q)
	s := base + min(bonus, 0.6)*topical(u)
	// A list is read a line at a time: its length to read is its
	// longest line and a little for each further line, not its words.
	words := u.words
	if u.kind == kindList {
		words = listLength(u.text)
	}
	switch {
	case u.words < 4 && u.kind != kindRow && bonus == 0:
		s *= 0.5
	case words > 60:
		s *= 0.5
	case words > 45:
		s *= 0.7
	case words > 30:
		s *= 0.85
	}
	switch {
	case u.kind == kindSentence && strings.HasSuffix(u.text, ":"):
		s *= 0.5 // a lead-in without what it leads to
	case u.pair:
		// A restated question with its answer: the question is context.
	case strings.HasSuffix(u.text, "?"), asks(u.text):
		// A question, or a request for information, answers nothing: in
		// an FOI thread the request restates the resident's question.
		s *= 0.4
	}
	if u.request {
		s *= 0.45
	}
	if u.logEntry && !q.aboutRequests {
		s *= 0.3 // what someone asked, not what they were told
	}
	if u.procedure {
		if q.aboutRequests && !u.legal {
			s *= 0.5 // "how long do they have to reply?"
		} else {
			s *= 0.1
		}
	}
	if u.boiler || u.meta {
		s *= 0.3
	}
	if otherPeriod(u, q) {
		s *= 0.5 // "in 2011" answers nothing about 2012
	}
	if u.expanded {
		s *= expandedWeight
	}
	// Prefer sentences people can read: from grade 6 the score falls,
	// to half of itself at grade 16 and beyond (for plain English, from
	// grade 4 to 40% at 14); and among those, shorter ones.
	// The grade is of the sentence as it will be shown, after Format
	// splits it (and, for plain English, swaps its jargon).
	g := u.grade(q)
	switch {
	case q.plain && g > 4:
		s *= 1 - 0.06*min(g-4, 10)
	case !q.plain && g > 6:
		s *= 1 - 0.05*min(g-6, 10)
	}
	if words > 15 {
		s *= 1 - 0.01*float64(min(words-15, 15))
	}
	s *= u.docWeight
	s *= 1 - 0.01*float64(min(u.pos, 20))
	return s
}

// otherPeriod reports a unit that names years, none of them one the
// question names, when the question names some.
func otherPeriod(u *unit, q question) bool {
	if len(q.years) == 0 || len(u.years) == 0 {
		return false
	}
	for y := range u.years {
		if q.years[y] {
			return false
		}
	}
	return true
}

// listLength is how long a list reads: its longest line, and two words
// for each other line.
func listLength(text string) int {
	lines := strings.Split(text, "\n")
	longest := 0
	for _, l := range lines {
		longest = max(longest, len(strings.Fields(l)))
	}
	return longest + 2*(len(lines)-1)
}

// minDatedCover is the least share of a "when" question's topic that a
// sentence holding a date or time must cover.
const minDatedCover = 0.15

// datedCover is, for a question asking when, the largest share of its
// topic (weighted by background specificity) covered by a unit that
// states a date or time, with its headings; for "when should I ...", a
// time limit ("within 20 working days") answers too. The question's own
// dates are left out of the topic, and the unit must hold two of its
// words at least: one
// may be another sense of it ("half term" is not "long-term"). The dates
// of FOI paperwork ("which we received on"), of log entries and of
// payments do not count unless the question is about them, nor do
// questions and requests: they date something other than what is asked.
// Retrieval always finds something with dates in it; a question about
// half-term dates must not be answered with the date an FOI request was
// received.
func datedCover(q question, units []*unit, council map[string]bool) float64 {
	bg := loadBackground()
	// The question's own dates ("October", "2026") are what is asked
	// about, not the topic: any date matches them. Nor is the council's
	// name, which every page's title carries.
	var topic []string
	total := 0.0
	for _, t := range q.terms {
		if isDigit(t) || dateWord(t) || council[t] {
			continue
		}
		topic = append(topic, t)
		total += bg.specificity(t)
	}
	if total == 0 {
		return 1 // nothing but dates: let the other checks judge
	}
	best := 0.0
	for _, u := range units {
		if !u.facts.has(factTime) && !(q.whenMay && u.facts.has(factDuration)) || u.kind == kindLabel || u.procedure || u.request ||
			u.logEntry && !q.aboutRequests || u.record && !q.asks.has(factAmount) ||
			strings.HasSuffix(u.text, "?") || asks(u.text) {
			continue
		}
		c, n := 0.0, 0
		for _, t := range topic {
			if u.terms[t] || u.ctx[t] {
				c += bg.specificity(t)
				n++
			}
		}
		if n < min(2, len(topic)) {
			continue // one word in common may be another sense of it ("long-term")
		}
		best = max(best, c/total)
	}
	return best
}

// dateWord reports the stem of a month or day name.
func dateWord(t string) bool {
	return dateStems[t]
}

// dateStems are the stems of month and day names.
var dateStems = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("january february march april may june july august september october november december " +
		"monday tuesday wednesday thursday friday saturday sunday weekend weekday") {
		for _, t := range termsOf(w) {
			m[t] = true
		}
	}
	return m
}()

// docWeights weighs each document (by rank among the hits' documents) by
// how retrieval placed it, and by the largest share of the question's
// topic one of its units covers with its headings and neighbours, next
// to the best document's. Placement is the larger of a rank discount and
// the square of its retrieval score next to the top document's: fused
// scores of the first few documents are often within a few per cent of
// each other, and the rank alone made the second of two near-equals
// count for much less (a page about replacing a lost badge lost to one
// about applying for a badge). Retrieval ranks by similarity to the
// whole question; a document no part of which is about the specific
// terms of it ("Hyndburn", "missed") answers another question, however
// high it ranks. The best unit, not the whole document, is measured: a
// long page mentions most words somewhere.
func docWeights(q question, units []*unit, hits []retrieval.Hit, weights map[string]float64, topicTotal float64) []float64 {
	n := 0
	for _, u := range units {
		n = max(n, u.doc+1)
	}
	// Each document's retrieval score is that of its best hit.
	score := make([]float64, n)
	top := 0.0
	for _, u := range units {
		if s := hits[u.hit].Score; s > score[u.doc] {
			score[u.doc] = s
			top = max(top, s)
		}
	}
	cover := make([]float64, n)
	best := 0.0
	for _, u := range units {
		if u.kind == kindLabel {
			continue
		}
		c := 0.0
		for _, t := range q.terms {
			if u.terms[t] || u.ctx[t] || u.near[t] {
				c += weights[t]
			}
		}
		c /= topicTotal
		cover[u.doc] = max(cover[u.doc], c)
		best = max(best, c)
	}
	out := make([]float64, n)
	for d := range n {
		out[d] = 1 / (1 + 0.3*float64(d))
		if top > 0 && score[d] > 0 {
			r := score[d] / top
			out[d] = max(out[d], r*r)
		}
		if best > 0 {
			out[d] *= cover[d] / best
		}
	}
	return out
}

// has reports whether u's own text holds question term t, or for a
// pseudo-term the kind of fact it stands for.
func (u *unit) has(t string) bool {
	if k, ok := wantKind(t); ok {
		return u.facts.has(k) || k == factAmount && u.facts.has(factFree)
	}
	return u.terms[t]
}

// factBonus rewards a unit for holding the kinds of fact the question asks
// for, or for sitting under a heading that asks for them ("Cost", "How
// long each permit lasts").
func factBonus(u *unit, q question) float64 {
	bonus := 0.0
	for k := range numFactKinds {
		if !q.asks.has(k) {
			continue
		}
		switch {
		case k == factCount && u.facts.has(k):
			bonus += 0.15 // any figure
		case u.facts.has(k):
			bonus += 0.3
		case k == factAmount && u.facts.has(factFree):
			bonus += 0.15 // "free" with no price
		}
		if u.headAsks.has(k) {
			bonus += 0.15
		}
	}
	if u.kind == kindRow && (q.asks.has(factCount) || q.asks.has(factAmount)) && totalRow(u.text) {
		bonus += 0.3 // a total answers "how many" over a period
	}
	return bonus
}

// totalRow reports a table row of totals: "Total 2388 690 £91,010".
func totalRow(text string) bool {
	lower := strings.ToLower(text)
	return strings.HasPrefix(lower, "total") || strings.HasPrefix(lower, "grand total")
}

// topical is how far a unit's surroundings are about the question, from 0
// to 1: the share of the question its text, headings and neighbours
// cover, with 30% of it counting in full.
func topical(u *unit) float64 {
	return min(1, u.around/0.3)
}

// pick chooses units greedily: each step takes the unit whose own score
// plus what it adds (question terms and asked-for facts not yet covered)
// is highest, penalised for overlap with units already taken and for
// starting a new document. It stops at maxSent units, at maxWords words,
// or when the best remaining unit is weak next to the first.
//
// It also returns what each unit was worth when it was picked (its gain,
// as the greedy step weighed it), for fit.
func pick(units []*unit, q question, weights map[string]float64, total float64, maxSent, maxWords int) ([]*unit, []float64) {
	var picked []*unit
	var gains []float64
	covered := map[string]bool{}
	// shown holds the terms of the picked units and of their titles and
	// headings: the resident sees those with the citation.
	shown := map[string]bool{}
	var factsCovered factSet
	freeCovered, countCovered := false, false
	docs := map[int]bool{}
	taken := make([]bool, len(units))
	words := 0
	first, firstScore := 0.0, 0.0
	requests := 0
	// The answer opens with a unit whose own words are about the
	// question, not one carried by a fact of the kind asked for in a
	// sentence about something else ("We respond to dangerous structures
	// 24 hours a day" for "how soon will someone look at the mould?").
	bestRel := 0.0
	for _, u := range units {
		if u.score > 0 {
			bestRel = max(bestRel, u.rel)
		}
	}
	for len(picked) < maxSent {
		bi, bg := -1, 0.0
		for i, u := range units {
			if taken[i] || u.score <= 0 || words+u.words > maxWords && len(picked) > 0 {
				continue
			}
			if len(picked) > 0 && u.score < minShare*firstScore {
				continue // what it adds cannot make up for what it is
			}
			if len(picked) == 0 && u.kind != kindRow && u.rel < firstRel*bestRel {
				continue // (a table row is read under its headings)
			}
			if u.request && requests > 0 {
				continue // the request gives context once; the answer is in the response
			}
			red := 0.0
			for _, p := range picked {
				red = max(red, overlap(u, p))
			}
			if red > 0.6 {
				continue
			}
			novel := 0.0
			for _, t := range q.terms {
				if u.terms[t] && !covered[t] {
					novel += weights[t]
				}
			}
			novel /= total
			newFacts := 0.0
			for k := range numFactKinds {
				if k == factCount || !q.asks.has(k) || factsCovered.has(k) {
					continue
				}
				switch {
				case u.facts.has(k):
					newFacts += 0.3
				case k == factAmount && u.facts.has(factFree) && !freeCovered:
					newFacts += 0.15
				}
			}
			newFacts *= topical(u)
			g := u.score + 0.5*novel + newFacts - 0.5*red
			if len(picked) == 0 {
				// The first unit is the best one on its own: its score
				// already counts its terms and facts.
				g = u.score
			}
			if len(picked) > 0 && !docs[u.doc] {
				if newFacts > 0 {
					g *= 0.8
				} else {
					g *= 0.6
				}
				if g < crossDocMin*first {
					continue // another document adds only if it adds much
				}
			}
			if bi < 0 || g > bg {
				bi, bg = i, g
			}
		}
		if bi < 0 {
			break
		}
		if len(picked) == 0 {
			first = bg
			firstScore = units[bi].score
		} else if bg < 0.2*first || answered(q, factsCovered, countCovered) && coveredShare(q, weights, shown) >= doneCover && bg < doneMin*first {
			break
		}
		u := units[bi]
		taken[bi] = true
		picked = append(picked, u)
		gains = append(gains, bg)
		if u.request {
			requests++
		}
		words += u.words
		docs[u.doc] = true
		for t := range u.terms {
			covered[t] = true
			shown[t] = true
		}
		for t := range u.ctx {
			shown[t] = true
		}
		if topical(u) >= 0.5 {
			factsCovered |= u.facts
			freeCovered = freeCovered || u.facts.has(factFree)
			// A figure answers "how many" when the unit's own words
			// are about the question: "How many summonses were sent
			// out in 2022? 35247".
			countCovered = countCovered || u.facts.has(factCount) && u.rel >= countRel
		}
	}
	return picked, gains
}

// countRel is the share of the question a unit's own words must cover
// for a figure in it to answer "how many".
const countRel = 0.3

// grade is the unit's reading grade as it will be shown to the asker.
func (u *unit) grade(q question) float64 {
	if q.plain {
		return u.gradePlain
	}
	return u.gradeShown
}

// doneMin is how good, next to the first unit, a unit must be to be added
// once the answer is done (see doneCover): more is only more to read.
const doneMin = 0.4

// doneCover is the share of the question's topic the units picked must
// cover, with every kind of fact asked for, for the answer to be done.
const doneCover = 0.6

// coveredShare is the weighted share of the question's topic terms
// covered.
func coveredShare(q question, weights map[string]float64, covered map[string]bool) float64 {
	have, all := 0.0, 0.0
	for _, t := range q.terms {
		all += weights[t]
		if covered[t] {
			have += weights[t]
		}
	}
	if all == 0 {
		return 1
	}
	return have / all
}

// answered reports whether the facts covered include every kind the
// question asks for, and it asks for some. Any figure is a count, so a
// count is answered only by a figure in a unit about the question
// (counted, the caller's judgement).
func answered(q question, covered factSet, counted bool) bool {
	asked := q.asks &^ (1 << factCount)
	if q.asks.has(factCount) && !counted {
		return false
	}
	return q.asks != 0 && covered&asked == asked
}

// firstRel is the least share of the best unit's own coverage of the
// question that the unit an answer opens with must have.
const firstRel = 0.5

// minShare is the least share of the first unit's own score another unit
// must have to be picked, however much new it would add.
const minShare = 0.25

// crossDocMin is how good, next to the first unit, a unit from a document
// not yet quoted must be: answers stitched from several pages read badly
// and cite pages that answer something else.
const crossDocMin = 0.3

// overlap is the Jaccard similarity of two units' terms. Two rows of one
// table (one chunk, one heading) count as a repeat, unless one is the
// total: a second row of figures adds little but reading effort.
func overlap(a, b *unit) float64 {
	if a.kind == kindRow && b.kind == kindRow && a.hit == b.hit && a.context != "" && a.context == b.context &&
		!a.pair && !b.pair && !totalRow(a.text) && !totalRow(b.text) {
		return 0.7
	}
	if len(a.terms) == 0 || len(b.terms) == 0 {
		return 0
	}
	inter := 0
	for t := range a.terms {
		if b.terms[t] {
			inter++
		}
	}
	// A unit contained in another (an item and its whole list) is a repeat.
	if inter == len(a.terms) || inter == len(b.terms) {
		return 1
	}
	return float64(inter) / float64(len(a.terms)+len(b.terms)-inter)
}

// draft orders the picked units for reading (documents in order of their
// best unit, each document's units in page order) and numbers the
// citations, one per document and page. also holds, for each picked
// unit, a unit of another document stating the same figures, or nil:
// the sentence cites that document too.
func draft(picked, also []*unit, hits []retrieval.Hit) *assistant.Draft {
	docOrder := map[int]int{}
	for _, u := range picked {
		if _, ok := docOrder[u.doc]; !ok {
			docOrder[u.doc] = len(docOrder)
		}
	}
	support := make(map[*unit]*unit, len(picked))
	for i, u := range picked {
		if also[i] != nil {
			support[u] = also[i]
		}
	}
	sort.SliceStable(picked, func(i, j int) bool {
		a, b := picked[i], picked[j]
		if a.doc != b.doc {
			return docOrder[a.doc] < docOrder[b.doc]
		}
		if a.ordinal != b.ordinal {
			return a.ordinal < b.ordinal
		}
		if a.hit != b.hit {
			return a.hit < b.hit
		}
		return a.pos < b.pos
	})
	d := &assistant.Draft{}
	type key struct {
		doc  string
		page int
	}
	num := map[key]int{}
	cite := func(ch corpus.Chunk) int {
		k := key{ch.DocID, ch.Page}
		n, ok := num[k]
		if !ok {
			n = len(num) + 1
			num[k] = n
			d.Citations = append(d.Citations, assistant.Citation{N: n, DocID: ch.DocID, Title: ch.Title, URL: ch.URL, Page: ch.Page})
		}
		return n
	}
	for _, u := range picked {
		cites := []int{cite(hits[u.hit].Chunk)}
		if s := support[u]; s != nil {
			if n := cite(hits[s.hit].Chunk); n != cites[0] {
				cites = append(cites, n)
			}
		}
		d.Sentences = append(d.Sentences, assistant.Sentence{Text: u.text, Cites: cites})
	}
	return d
}

func set(ts []string) map[string]bool {
	m := make(map[string]bool, len(ts))
	for _, t := range ts {
		m[t] = true
	}
	return m
}

func union(a, b map[string]bool) map[string]bool {
	m := make(map[string]bool, len(a)+len(b))
	for t := range a {
		m[t] = true
	}
	for t := range b {
		m[t] = true
	}
	return m
}
