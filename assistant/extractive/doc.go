// Package extractive is the default, offline assistant.Composer: it
// answers by quoting the most relevant sentences of the retrieved chunks,
// never by writing new ones.
//
// Compose splits the top hits into units (sentences, list items with
// their lead-in, steps and table rows such as "Band D: £2,100"), scores
// each by how much of the question it covers (Snowball-stemmed terms
// weighted by IDF over the candidate units), by the heading and title it
// sits under, by whether it holds the kind of fact the question asks for
// (an amount for "how much", a time or date for "when", a duration for
// "how long", a phone number for "who do I call"), by its position and by
// its document's rank. It then picks a few short units greedily, each
// adding question terms or facts the others lack and not repeating them
// (MMR), preferring the top one or two documents so the answer reads as
// one. Units are quoted as written, so numbers, times, amounts and phone
// numbers are never altered, and each carries a citation to its document.
//
// Text in a document that addresses an AI or the reader with
// instructions ("ignore all previous instructions", "you are now ...") is
// data, never instructions: the paragraph holding it is left out.
//
// When no unit covers enough of the question, Compose returns
// assistant.ErrUngrounded so that the assistant declines and signposts
// instead of answering from unrelated text.
package extractive
