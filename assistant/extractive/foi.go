package extractive

import (
	"regexp"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// This file reads FOI threads: a request, the authority's
// acknowledgement and its response. The answer to a resident's question
// is in the response; the request only restates the question.

// requestPart reports a chunk from the asking side of an FOI thread (the
// request or a follow-up), as opposed to the authority's response.
func requestPart(ch corpus.Chunk) bool {
	if ch.Kind != corpus.KindFOI || len(ch.Headings) == 0 {
		return false
	}
	h := strings.ToLower(ch.Headings[len(ch.Headings)-1])
	return strings.HasPrefix(h, "request") || strings.HasPrefix(h, "follow")
}

// procedureCues match the process text that every FOI acknowledgement and
// response carries whatever was asked: the thanks and reference, the
// statutory deadline, the re-use licence, review and complaint rights and
// the e-mail disclaimer. It says nothing about the subject.
var procedureCues = regexp.MustCompile(strings.Join([]string{
	`\bthank you for your (request|e-?mail|correspondence|letter)\b`,
	`\b(we|i) (acknowledge|confirm) (receipt of )?your\b`,
	`\backnowledge receipt\b`,
	`\b(which|that) we received on\b`,
	`\b(has|have) been (logged|dealt with|treated) (as|under)\b`,
	`\bwill be dealt with under\b`,
	`\b(states|requires) that we (must )?respond\b`,
	`\bmust (respond|reply)( to you)? (within|by)\b`,
	`\b(respond|reply) within 20 working days\b`,
	`\breference number\b.{0,30}\b(above|below|request)\b`,
	`\bopen government licen[cs]e\b`,
	`\bterms of the ogl\b`,
	`\bre-?us(e|ing) (the|this) information\b`,
	`\battribution statement\b`,
	`\bcontains public sector information\b`,
	`\binternal review\b`,
	`\binformation commissioner\b`,
	`\bico\.org\.uk\b`,
	`\b(to|with|from) the ico\b`,
	`\bdo not hesitate to contact\b`,
	`\bif you have any (further )?(queries|questions)\b`,
	`\bunhappy with the (response|way)\b`,
	`\bremain dissatisfied\b`,
	`\bthis e-?mail,? and any attachments\b`,
	`\bintended solely for\b`,
	`\bmisdirected\b`,
	`\bviruses\b`,
	`\banti-?virus\b`,
	`\bprotectively marked\b`,
	`\bplease find\b.{0,40}\bresponse\b`,
	`\bapologi[sz]e for (the delay|responding|the late)\b`,
	`\bset out below\b`,
	// Delays, validity and covering notes: when the answer will come,
	// why a request cannot be processed yet, where the response is.
	`\bapologi[sz]e for (this|any) delay\b`,
	`\bapologi[sz]e for not (meeting|responding|replying)\b`,
	`\bwe will provide (this|the) information by\b`,
	`\b(cannot|can ?not|unable to) process your requests?\b`,
	`\b(give|provide) us (with )?your (full )?name\b`,
	`\bcurrently processing your request\b`,
	`\bresponse to your request,? (is )?attached\b`,
}, "|"))

// procedureHints hold a word of every cue above.
var procedureHints = []string{"thank you", "acknowledge", "confirm", "received on", "been", "dealt with", "respond", "reference number",
	"licen", "ogl", "re-us", "reus", "attribution", "public sector information", "review", "commissioner", "ico.",
	"hesitate", "queries", "reply", "questions", "unhappy", "dissatisfied", "attachments", "intended solely", "misdirected",
	"virus", "protectively", "please find", "apologi", "set out below", "provide", "process", "name", "attached", "the ico"}

// foiProcedure reports FOI process text that answers nothing.
func foiProcedure(text string) bool {
	lower := strings.ToLower(text)
	for _, h := range procedureHints {
		if strings.Contains(lower, h) {
			return procedureCues.MatchString(lower)
		}
	}
	return false
}

// legalCues match the FOI process text that answers no question at all,
// not even one about requests: the re-use licence and e-mail disclaimers.
var legalCues = regexp.MustCompile(strings.Join([]string{
	`\bopen government licen[cs]e\b`,
	`\bterms of the ogl\b`,
	`\bre-?us(e|ing) (the|this) information\b`,
	`\battribution statement\b`,
	`\bcontains public sector information\b`,
	`\bthis e-?mail,? and any attachments\b`,
	`\bintended solely for\b`,
	`\bmisdirected\b`,
	`\bviruses\b`,
	`\banti-?virus\b`,
	`\bprotectively marked\b`,
}, "|"))

// foiLegal reports licence and disclaimer text (see legalCues).
func foiLegal(text string) bool {
	lower := strings.ToLower(text)
	if !strings.Contains(lower, "licen") && !strings.Contains(lower, "ogl") && !strings.Contains(lower, "re-us") &&
		!strings.Contains(lower, "reus") && !strings.Contains(lower, "attribution") && !strings.Contains(lower, "public sector") &&
		!strings.Contains(lower, "attachments") && !strings.Contains(lower, "intended solely") && !strings.Contains(lower, "misdirected") &&
		!strings.Contains(lower, "virus") && !strings.Contains(lower, "protectively") {
		return false
	}
	return legalCues.MatchString(lower)
}

// logEntry matches the sentence a disclosure log row is read as:
// "Freedom of Information request 154748 to Lambeth Council, received 25
// January 2012: How many parking tickets ...". It says what was asked,
// not what was answered.
var logEntry = regexp.MustCompile(`^Freedom of Information request\b[^:]{0,120}:`)

// aboutRequests matches questions about FOI requests themselves ("did
// anyone ask", "what was the reference"): for them a log entry is the
// answer.
var aboutRequests = regexp.MustCompile(`(?i)\bfoi\b|\bfreedom of information\b|\brequests?\b|\basked\b|\bask(ed)? for\b|\breference\b|\bdisclos`)

// pairRequest matches the request words that open a question restated in
// an FOI response ("Please confirm the name of ...", "Please provide the
// total ..."). In a question paired with its answer they are dropped:
// "The name of the enforcement company used: Marstons".
var pairRequest = regexp.MustCompile(`(?i)^(please )?(could you )?(please )?(provide|confirm|state|supply|tell me|list|give me|advise|send me|detail)( me)?( with)?\s+`)

// trimRequest drops the request words that open a restated question.
func trimRequest(q string) string {
	if loc := pairRequest.FindStringIndex(q); loc != nil && len(strings.Fields(q[loc[1]:])) >= 3 {
		return capitalise(q[loc[1]:])
	}
	return q
}

// quotedRequestWords is the fewest words a response's sentence must have
// for its repeating the request to count: "Yours faithfully" and "e.g."
// are in both by chance.
const quotedRequestWords = 6

// markQuotedRequests marks as request text the units of an FOI thread's
// other sections whose words are all in the thread's request or
// follow-ups, as read (the same document's request sections among hits).
// Responses restate the request, often word for word, before they answer
// it; the restatement matches the resident's question as well as the
// request does, and answers it no better.
func markQuotedRequests(hits []retrieval.Hit, units []*unit) {
	asked := map[int]string{} // document rank -> its request text, normalised
	docRank := map[string]int{}
	for _, h := range hits {
		if _, ok := docRank[h.Chunk.DocID]; !ok {
			docRank[h.Chunk.DocID] = len(docRank)
		}
		if requestPart(h.Chunk) {
			d := docRank[h.Chunk.DocID]
			asked[d] += " " + flatText(h.Chunk.Text) + " "
		}
	}
	if len(asked) == 0 {
		return
	}
	for _, u := range units {
		req, ok := asked[u.doc]
		if !ok || u.request || u.words < quotedRequestWords {
			continue
		}
		// Ending punctuation may differ ("permitted.." for "permitted.").
		if strings.Contains(req, flatText(strings.TrimRight(u.text, ".;:!? "))) {
			u.request = true
		}
	}
}

// flatText lower-cases s and joins its runs of white space into single
// spaces, so a sentence can be found in a text laid out differently.
func flatText(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}
