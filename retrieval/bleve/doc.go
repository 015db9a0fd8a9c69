// Package bleve is the keyword (BM25) arm of retrieval: an on-disk scorch
// index of corpus.Chunk built with github.com/blevesearch/bleve/v2.
//
// One Index offers two searchers over the same documents:
//
//   - Search, the tuned arm used by hybrid retrieval. The question is
//     analysed once (English possessives, stop words and Porter stemming,
//     plus a short list of chat filler such as "please" and "u"). Each term
//     is matched in title, headings and text, with title and headings
//     boosted; no term is required, because residents' questions are long
//     and informal. Neighbouring question terms that are also neighbours in
//     the text add a bonus, looked up in a bigram field built at index time.
//     Terms found in more than 1% of chunks only add to the score of chunks
//     that a rarer term found, which bounds query time.
//   - Plain, the baseline: a single untuned bleve match query against the
//     composite _all field, the search a council website gets out of the box.
//
// Both arms apply the kind and date filters without letting them score, fetch
// several times the requested number of hits so that retrieval.Dedupe can keep
// the best chunks of each document, and build snippets with bleve's HTML
// highlighter: query terms wrapped in <mark>, everything else escaped.
//
// Put writes batches concurrently and returns once its chunks are searchable
// and persisted. Scorch merges segments in the background; Compact merges
// the whole index into one segment, which is worth doing after a bulk load.
package bleve
