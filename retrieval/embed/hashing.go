package embed

import (
	"context"
	"math"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"

	"github.com/townhall-civic/townhall/retrieval"
)

// Hashing returns a dependency-free embedder of dimension dim (at least 16;
// 256 to 1024 is sensible): signed feature hashing of each word's English
// (Snowball) stem plus the character trigrams of the word, with sublinear
// term frequency, normalised. Stop words are left out. It is deterministic
// and needs no model file, so it serves tests and deployments without word
// vectors, but it only sees shared spellings: it adds fuzzy lexical
// matching (plurals, typos, compounds), not meaning.
func Hashing(dim int) retrieval.Embedder {
	dim = max(dim, 16)
	return func(ctx context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		flat := make([]float32, len(texts)*dim)
		var (
			buf   []byte
			env   = snowballstem.NewEnv("")
			feats = map[uint64]float32{}
		)
		for i, t := range texts {
			if i%64 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			clear(feats)
			buf = scanWords(t, buf, func(tok []byte) {
				if stopWords[string(tok)] {
					return
				}
				w := string(tok)
				env.SetCurrent(w)
				english.Stem(env)
				feats[hashFeature('w', env.Current())]++
				trigrams(tok, func(g []byte) { feats[hashFeature('g', string(g))] += 0.5 })
			})
			v := flat[i*dim : (i+1)*dim : (i+1)*dim]
			for h, n := range feats {
				x := float32(1 + math.Log(float64(n)))
				if n < 1 {
					x = n // a lone trigram keeps its half weight
				}
				if h>>63 == 1 {
					x = -x
				}
				v[h%uint64(dim)] += x
			}
			out[i] = retrieval.Normalize(v)
		}
		return out, nil
	}
}

// trigrams calls fn with each character trigram of "#word#" (bytes, so
// non-ASCII letters give byte trigrams, which hash just as well).
func trigrams(word []byte, fn func(g []byte)) {
	var g [3]byte
	padded := len(word) + 2
	at := func(i int) byte {
		if i == 0 || i == padded-1 {
			return '#'
		}
		return word[i-1]
	}
	for i := 0; i+3 <= padded; i++ {
		g[0], g[1], g[2] = at(i), at(i+1), at(i+2)
		fn(g[:])
	}
}

// hashFeature is 64-bit FNV-1a of kind followed by s, inlined so hashing
// a feature does not allocate.
func hashFeature(kind byte, s string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	h = (h ^ uint64(kind)) * prime
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * prime
	}
	return h
}

// stopWords are left out of hashed features: they match everything.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true,
	"be": true, "but": true, "by": true, "can": true, "do": true, "for": true,
	"from": true, "had": true, "has": true, "have": true, "how": true, "i": true,
	"if": true, "in": true, "is": true, "it": true, "its": true, "me": true,
	"my": true, "no": true, "not": true, "of": true, "on": true, "or": true,
	"our": true, "so": true, "that": true, "the": true, "their": true,
	"them": true, "there": true, "they": true, "this": true, "to": true,
	"was": true, "we": true, "what": true, "when": true, "where": true,
	"which": true, "who": true, "will": true, "with": true, "would": true,
	"you": true, "your": true,
}
