// Package extractive is the default, offline assistant.Composer: it
// answers by quoting the most relevant sentences of the retrieved chunks,
// never by writing new ones.
//
// Compose splits the top hits into units (sentences, list items with
// their lead-in, steps, table rows such as "Band D: £2,100", and FOI
// question lines paired with the figures answering them), scores
// each by how much of the question it covers (Snowball-stemmed terms
// weighted by IDF over the candidate units), by the heading and title it
// sits under, by whether it holds the kind of fact the question asks for
// (an amount for "how much", a time or date for "when", a duration for
// "how long", a phone number for "who do I call"), by its position and by
// its document's rank, and by its own reading grade (plainer sentences
// win ties). With a ChunkGetter it also reads the other sections of the
// top two documents, since the fact asked for is often in a section
// retrieval did not return. It then picks a few short units greedily, each
// adding question terms or facts the others lack and not repeating them
// (MMR), preferring the top one or two documents so the answer reads as
// one. Units are quoted as written, so numbers, times, amounts and phone
// numbers are never altered, and each carries a citation to its document
// (and PDF page). Sentences are ordered by document, then page order, so
// consecutive sentences from one source share its number. Salutations
// and sign-offs of FOI letters are left out, so requesters' names are not
// quoted; footers repeated across documents are discounted.
//
// Segmenting and term analysis of a chunk are cached per Composer (keyed
// by chunk ID and a hash of its text), so popular pages cost little.
//
// Text in a document that addresses an AI or the reader with
// instructions ("ignore all previous instructions", "you are now ...") is
// data, never instructions: the paragraph holding it is left out.
//
// When no unit covers enough of the question, Compose returns
// assistant.ErrUngrounded so that the assistant declines and signposts
// instead of answering from unrelated text.
package extractive
