// Package extractive is the default, offline assistant.Composer: it
// answers by quoting the most relevant sentences of the retrieved chunks,
// never by writing new ones.
//
// Compose splits the top hits into units (sentences, list items with
// their lead-in, steps, table rows such as "Band D: £2,100", and FOI
// questions paired with the answers under them, including questions
// wrapped over two lines of a plain-text e-mail and answers run on after
// them). It scores each unit by how much of the question it covers:
// Snowball-stemmed terms weighted by their rarity among the candidate
// units and documents, tempered by how specific they are in everyday
// English (background.go, from SUBTLEX-US counts), so that "mould" counts
// for more than "come". With word vectors (Options.Words, the GloVe table
// the vector arm of retrieval uses) a question word the unit does not use
// is partly matched by a similar one it does (soft.go): a word at least
// 0.5 cosine-similar counts for half its similarity, so "rodents" partly
// answers "rats". The kind of fact the question asks for (an amount
// for "how much", a date for "when", a time limit for "how long", a phone
// number for "who do I ring", a name for "who do we apply to", a figure
// for "how many", a postcode or street address for "where") is weighed
// as a term of its own, so "Price: £45" answers "what does it cost"; a
// question opening with "why" asks for a reason ("because ...", "the
// exemption in section 22 ..."), not an amount or date; a yes/no question
// about a request ("did the ministry ever hand one out?", "what happened
// to the FOI ...?") asks for its outcome ("not held", "we do not hold",
// "refused", "withheld", "please find attached").
// When the question names years, a unit naming only other years weighs
// half. The heading a unit sits under and the
// units beside it count for less than its own words; a fact counts only
// as far as the unit and its surroundings are about the question. Units
// are also scored by their document (the larger of a rank discount and
// its squared retrieval score next to the top one's, and how much of the
// question its best part covers), by their position, and by their
// reading grade as shown (plainer and shorter sentences win ties, more so
// for plain English; a figure counts as one syllable, as in
// assistant.Grade). FOI process text (acknowledgements, re-use
// licences, review rights), request sections and disclosure log entries
// count for little unless the question is about requests, as does text
// about the page itself ("Learn about ...", "This page provides ...").
// A response's sentence found in its thread's request ("Thank you for
// your request concerning Please could I request ...") is read as the
// request.
// In a response, a question is shown with the answer set out under it as
// the response lays them out ("How many were sent out in 2022? 35247"),
// and the pair's facts are its answer's.
//
// With a ChunkGetter it also reads the other sections of the top three
// documents (table rows, which have none, are passed over), since the fact asked for is often in a section retrieval did
// not return. It then picks a few short units greedily, each adding
// question terms or facts the others lack and not repeating them (MMR),
// preferring the first documents so the answer reads as one; it stops
// early once every kind of fact asked for is in and weak units would only
// add reading. When the answer as shown (assistant.Format) reads above
// the resident's target grade (assistant.TargetGrade: from their needs,
// not the question), a last pass (fit.go) leaves out padding, lowest gain
// first: units that hold no kind of fact asked for that the others lack
// and add no question word, or come from another document than the
// answer's first unit; it does so only if the answer then reads within
// the target. Units are quoted as written, so numbers, times, amounts and
// phone numbers are never altered, and each carries a citation to its
// document (and PDF page). A sentence also cites the best-ranked other
// document read that states the same figures in parts about the question
// (two figures or more, or one of four significant digits or more: "£21"
// and "10 working days", "£584,501,000"), so that a street party page
// quoting a licence fee cites the licence page too. Sentences are ordered by document, then page
// order, so consecutive sentences from one source share its number.
// Salutations, sign-offs, postal addresses of FOI letters and the names
// of attached files are left out, so requesters' names are not quoted; footers repeated across
// documents are discounted, but not the sentences of a page and its copy
// (two documents sharing most of their sentences), which are quoted from
// the better-ranked copy.
//
// Segmenting and term analysis of a chunk are cached per Composer (keyed
// by chunk ID and a hash of its text), so popular pages cost little.
//
// Text in a document that addresses an AI or the reader with
// instructions ("ignore all previous instructions", "you are now ...") is
// data, never instructions: the paragraph holding it is left out.
//
// When no unit covers enough of the question, or a question asking when
// something is finds no date or time about its topic (only the dates of
// FOI paperwork, say), Compose returns assistant.ErrUngrounded so that
// the assistant declines and signposts instead of answering from
// unrelated text.
package extractive
