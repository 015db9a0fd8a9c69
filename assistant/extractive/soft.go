package extractive

import (
	"math"
	"strings"
)

// WordVectors gives a word's vector: the GloVe table the vector arm of
// retrieval embeds with (*embed.WordVectors). Vector returns nil for an
// unknown word and must be safe for concurrent use.
type WordVectors interface {
	Vector(word string) []float32
}

// softMin is the cosine similarity from which a candidate's word counts as
// partly matching a question word it does not share ("rodents" for "rats",
// "father" for "dad"), and softWeight how much such a match counts next to
// the word itself, at similarity 1.
const (
	softMin    = 0.5
	softWeight = 0.5
)

// softTerms maps each question term with a vector to the stems of the
// candidates' words similar to it, with the share of the term's weight
// each carries: softWeight × cosine. It is nil without word vectors.
type softTerms map[string]map[string]float64

// stemVector returns the unit-length vector of a stem, looked up through
// the first surface word seen for it (registerVectors), or nil.
func (c *Composer) stemVector(st string) []float32 {
	c.mu.Lock()
	v := c.vectors[st]
	c.mu.Unlock()
	return v
}

// registerVectors records a vector for the stems of text's content words
// not yet known, from the surface word (the table is of words, the
// composer matches stems). It is called once per analysed chunk and per
// question.
func (c *Composer) registerVectors(text string) {
	if c.opt.Words == nil {
		return
	}
	type sv struct {
		st string
		v  []float32
	}
	var found []sv
	seen := map[string]bool{}
	c.mu.Lock()
	for _, w := range tokens(text) {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if stopWords[w] || w == "" || isDigit(w) {
			continue
		}
		st := truncate(stem(w))
		if _, ok := c.vectors[st]; ok || seen[st] || st == "" {
			continue
		}
		seen[st] = true
		found = append(found, sv{st: st, v: c.opt.Words.Vector(w)})
	}
	c.mu.Unlock()
	var add []sv
	for _, f := range found {
		if u := unitVector(f.v); u != nil {
			add = append(add, sv{f.st, u})
		}
	}
	if len(add) == 0 {
		return
	}
	c.mu.Lock()
	for _, a := range add {
		if _, ok := c.vectors[a.st]; !ok {
			c.vectors[a.st] = a.v
		}
	}
	c.mu.Unlock()
}

func unitVector(v []float32) []float32 {
	if len(v) == 0 {
		return nil
	}
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return nil
	}
	inv := float32(1 / math.Sqrt(n))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * inv
	}
	return out
}

// softMatches finds, for each of the question's topic terms, the stems
// of the candidates' own words and headings whose vectors are at least
// softMin similar to it. Question terms never soft-match each other, and
// figures match only themselves.
func (c *Composer) softMatches(q question, units []*unit) softTerms {
	if c.opt.Words == nil {
		return nil
	}
	inQ := set(q.terms)
	type qv struct {
		t string
		v []float32
	}
	var qs []qv
	for _, t := range q.terms {
		if isDigit(t) {
			continue
		}
		if v := c.stemVector(t); v != nil {
			qs = append(qs, qv{t, v})
		}
	}
	if len(qs) == 0 {
		return nil
	}
	vocab := map[string]bool{}
	for _, u := range units {
		for s := range u.terms {
			vocab[s] = true
		}
		for s := range u.ctx {
			vocab[s] = true
		}
	}
	// Copy the candidates' vectors out, then compare without the lock.
	var cand []qv
	c.mu.Lock()
	for s := range vocab {
		if inQ[s] || isDigit(s) {
			continue
		}
		if vs := c.vectors[s]; vs != nil {
			cand = append(cand, qv{s, vs})
		}
	}
	c.mu.Unlock()
	soft := softTerms{}
	for _, s := range cand {
		for _, x := range qs {
			var d float32
			for i := range s.v {
				d += s.v[i] * x.v[i]
			}
			if float64(d) >= softMin {
				if soft[x.t] == nil {
					soft[x.t] = map[string]float64{}
				}
				soft[x.t][s.t] = softWeight * float64(d)
			}
		}
	}
	return soft
}

// in returns the largest share of t's weight that a word of terms carries
// by similarity, or 0.
func (s softTerms) in(terms map[string]bool, t string) float64 {
	best := 0.0
	for w, x := range s[t] {
		if x > best && terms[w] {
			best = x
		}
	}
	return best
}
