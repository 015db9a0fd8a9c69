package embed

import (
	"context"
	"hash/fnv"
	"math"

	"github.com/townhall-civic/townhall/retrieval"
)

// DefaultSIFWeight is the SIF smoothing constant a: a word of probability
// p(w) weighs a/(a+p(w)). Arora et al. (2017) found 1e-4 to 1e-3 works well;
// on council pages 1e-4 did best (see the package documentation).
const DefaultSIFWeight = 1e-4

// SIFOptions tunes the SIF embedder. The zero value is the default.
type SIFOptions struct {
	// Weight is the smoothing constant a; 0 means DefaultSIFWeight.
	Weight float64
	// Component is the common component removed from every embedding (any
	// length-Dim vector; it is normalised). Nil means the table's
	// DefaultComponent. The same component must embed the index and the
	// queries: keep it with the index if you fit one on the corpus.
	Component []float32
	// KeepComponent turns common-component removal off.
	KeepComponent bool
	// Profile, if set, also weights each word by its inverse document
	// frequency in the corpus the profile was counted on (see
	// WordVectors.Profile).
	Profile *Profile
	// HashOOV gives each word missing from the table a pseudo-random vector
	// derived from its hash, so rare names still match themselves. Off by
	// default: the vector arm is there for meaning, keyword search already
	// matches names.
	HashOOV bool
}

// SIF embeds texts as smooth-inverse-frequency weighted means of word
// vectors with the common component removed (Arora, Liang and Ma, "A Simple
// but Tough-to-Beat Baseline for Sentence Embeddings", ICLR 2017). It is
// bag-of-words: synonyms count, word order does not. Safe for concurrent
// use.
type SIF struct {
	wv        *WordVectors
	weights   []float32 // per word: a/(a+p(w))
	component []float32 // unit vector, or nil
	hashOOV   bool
	oovScale  float32 // mean word-vector norm, for hashed vectors
}

// SIF returns a SIF embedder over the table.
func (wv *WordVectors) SIF(opts SIFOptions) *SIF {
	a := opts.Weight
	if a <= 0 {
		a = DefaultSIFWeight
	}
	s := &SIF{wv: wv, weights: wv.sifWeights(a), hashOOV: opts.HashOOV}
	defaults := s.weights
	if opts.Profile != nil {
		s.weights = opts.Profile.apply(wv, s.weights)
	}
	if !opts.KeepComponent {
		c := opts.Component
		if c == nil {
			c = wv.defaultComponent(defaults)
		}
		if len(c) == wv.dim {
			s.component = retrieval.Normalize(append([]float32(nil), c...))
		}
	}
	if s.hashOOV {
		var sum float64
		for i := range wv.words {
			sum += norm(wv.row(i))
		}
		s.oovScale = float32(sum / float64(len(wv.words)))
	}
	return s
}

// Embedder returns a retrieval.Embedder computing SIF embeddings with opts;
// it is shorthand for wv.SIF(opts).Embed.
func (wv *WordVectors) Embedder(opts SIFOptions) retrieval.Embedder { return wv.SIF(opts).Embed }

// Dim returns the embedding dimension.
func (s *SIF) Dim() int { return s.wv.dim }

// Embed returns one unit vector per text. A text with no known word gets
// the zero vector. It never fails except on a cancelled ctx.
func (s *SIF) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	flat := make([]float32, len(texts)*s.wv.dim)
	var buf []byte
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		v := flat[i*s.wv.dim : (i+1)*s.wv.dim : (i+1)*s.wv.dim]
		buf = s.sum(t, v, buf)
		s.finish(v)
		out[i] = v
	}
	return out, nil
}

// sum adds the weighted vectors of text's words to acc.
func (s *SIF) sum(text string, acc []float32, buf []byte) []byte {
	wv := s.wv
	var oov []float32
	return scanWords(text, buf, func(tok []byte) {
		i, ok := wv.index[string(tok)]
		if !ok {
			if !s.hashOOV {
				return
			}
			if oov == nil {
				oov = make([]float32, wv.dim)
			}
			s.hashedVector(tok, oov)
			axpy(1, oov, acc)
			return
		}
		axpy(s.weights[i], wv.row(int(i)), acc)
	})
}

// finish removes the common component and normalises.
func (s *SIF) finish(v []float32) {
	if s.component != nil {
		axpy(-dot(v, s.component), s.component, v)
	}
	retrieval.Normalize(v)
}

// hashedVector fills v with a pseudo-random vector determined by word, of
// about the mean norm of the table's vectors.
func (s *SIF) hashedVector(word []byte, v []float32) {
	h := fnv.New64a()
	h.Write(word)
	x := h.Sum64()
	scale := s.oovScale * float32(math.Sqrt(3/float64(len(v))))
	for i := range v {
		// splitmix64: cheap, well mixed, deterministic.
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		u := float32(z>>40)/float32(1<<24)*2 - 1 // uniform in [-1, 1)
		v[i] = u * scale
	}
}

// sifWeights returns a/(a+p(w)) per word, with p(w) estimated from the
// word's frequency rank r by Zipf's law: p(r) = 1/(r·H(N)), H(N) the N-th
// harmonic number for a vocabulary of N words. GloVe ships ranks, not
// counts, and Zipf fits the head of English word frequencies well enough
// for a weight that only has to tell "the" from "bin".
func (wv *WordVectors) sifWeights(a float64) []float32 {
	n := float64(max(wv.vocabSize, len(wv.words)))
	h := math.Log(n) + 0.5772156649 + 1/(2*n)
	w := make([]float32, len(wv.ranks))
	for i, r := range wv.ranks {
		p := 1 / (float64(r) * h)
		w[i] = float32(a / (a + p))
	}
	return w
}

// defaultComponent estimates the common component without a corpus: the
// direction of the expected weighted word vector, sum over words of
// p(w)·weight(w)·v(w). The first singular vector of SIF sentence
// embeddings is dominated by that mean direction, which is what removal
// is meant to take out.
func (wv *WordVectors) defaultComponent(weights []float32) []float32 {
	n := float64(max(wv.vocabSize, len(wv.words)))
	h := math.Log(n) + 0.5772156649 + 1/(2*n)
	c := make([]float32, wv.dim)
	for i, r := range wv.ranks {
		p := 1 / (float64(r) * h)
		axpy(float32(p)*weights[i], wv.row(i), c)
	}
	return retrieval.Normalize(c)
}

// DefaultComponent returns the common component the SIF embedder removes
// when SIFOptions.Component is nil, for weight a (0 means
// DefaultSIFWeight).
func (wv *WordVectors) DefaultComponent(a float64) []float32 {
	if a <= 0 {
		a = DefaultSIFWeight
	}
	return wv.defaultComponent(wv.sifWeights(a))
}

// FitComponent fits the common component on a sample of corpus texts: the
// first right singular vector of their SIF embeddings (before removal, each
// normalised so long texts do not dominate), by power iteration from a
// fixed start, so it is deterministic. Pass it as SIFOptions.Component to
// embed both the index and its queries. It returns nil if no text has a
// known word.
func (wv *WordVectors) FitComponent(texts []string, opts SIFOptions) []float32 {
	opts.KeepComponent = true
	s := wv.SIF(opts)
	d := wv.dim
	cov := make([]float64, d*d)
	v := make([]float32, d)
	var buf []byte
	seen := 0
	for _, t := range texts {
		clear(v)
		buf = s.sum(t, v, buf)
		nv := norm(v)
		if nv == 0 {
			continue
		}
		seen++
		for i := range d {
			xi := float64(v[i]) / nv
			row := cov[i*d : (i+1)*d]
			for j := range d {
				row[j] += xi * float64(v[j]) / nv
			}
		}
	}
	if seen == 0 {
		return nil
	}
	u := topEigenvector(cov, d)
	out := make([]float32, d)
	for i, x := range u {
		out[i] = float32(x)
	}
	return out
}

func axpy(a float32, x, y []float32) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		y[i] += a * x[i]
		y[i+1] += a * x[i+1]
		y[i+2] += a * x[i+2]
		y[i+3] += a * x[i+3]
	}
	for ; i < len(x); i++ {
		y[i] += a * x[i]
	}
}

func dot(x, y []float32) float32 {
	y = y[:len(x)]
	var s float32
	for i := range x {
		s += x[i] * y[i]
	}
	return s
}

func norm(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}
