package extractive

import "math"

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
// the first surface word seen for it (Composer.terms), or nil.
func (c *Composer) stemVector(st string) []float32 {
	c.mu.Lock()
	v := c.vectors[st]
	c.mu.Unlock()
	return v
}

// terms is termsOf that also records a vector for each stem not yet
// known, from the word it came from (the table is of words, the composer
// matches stems), so that a chunk is tokenised and stemmed once.
func (c *Composer) terms(text string) []string {
	if c.opt.Words == nil {
		return termsOf(text)
	}
	var out, stems, words []string
	eachTerm(text, func(st, w string) {
		out = append(out, st)
		if !isDigit(st) {
			stems, words = append(stems, st), append(words, w)
		}
	})
	type sv struct {
		st string
		v  []float32
	}
	var add []sv
	c.mu.Lock()
	known := make([]bool, len(stems))
	for i, st := range stems {
		_, known[i] = c.vectors[st]
	}
	c.mu.Unlock()
	seen := map[string]bool{}
	for i, st := range stems {
		if known[i] || seen[st] {
			continue
		}
		if v := unitVector(c.opt.Words.Vector(words[i])); v != nil {
			seen[st] = true
			add = append(add, sv{st, v})
		}
	}
	if len(add) > 0 {
		c.mu.Lock()
		for _, a := range add {
			if _, ok := c.vectors[a.st]; !ok {
				c.vectors[a.st] = a.v
			}
		}
		c.mu.Unlock()
	}
	return out
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
	near := s[t]
	if len(near) == 0 || len(terms) == 0 {
		return 0
	}
	best := 0.0
	if len(terms) < len(near) {
		for w := range terms {
			best = max(best, near[w])
		}
		return best
	}
	for w, x := range near {
		if x > best && terms[w] {
			best = x
		}
	}
	return best
}
