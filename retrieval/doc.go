// Package retrieval finds the chunks of council content that answer a
// question. It defines the query and hit model, the Embedder function type,
// the small interfaces that index implementations satisfy, and Hybrid, which
// fuses keyword and vector results with reciprocal rank fusion.
//
// Implementations live in subpackages named for their technology:
// retrieval/bleve (BM25 full text), retrieval/vector (embedded ANN),
// retrieval/embed (offline embedders and langchaingo providers) and
// retrieval/postgres (pgvector plus PostgreSQL full text).
package retrieval
