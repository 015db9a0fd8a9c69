package retrieval

import (
	"strings"
	"unicode"
)

// RerankFeatures are what Rerank reads for one candidate, each in [0, 1]:
// Fused is the inner searcher's score as a share of its best score;
// RerankWeights documents the others.
type RerankFeatures struct {
	Fused, Title, TitleFit, Headings, Text, Pairs float64
}

// Score is f.Fused scaled up by the weighted text features:
// Fused·(1 + Σ weight·feature). The factor acts like Prior's weights, on
// the fused score rather than in its place, so a candidate the arms
// ranked far down needs much more of the question in its text to move
// up than a near neighbour does.
func (f RerankFeatures) Score(w RerankWeights) float64 {
	return f.Fused * (1 + w.Title*f.Title + w.TitleFit*f.TitleFit +
		w.Headings*f.Headings + w.Text*f.Text + w.Pairs*f.Pairs)
}

// question is a question's terms prepared for reading many candidates.
type question struct {
	weight map[string]float64 // distinct term → weight
	total  float64            // sum of the distinct terms' weights
	pairs  map[[2]string]bool // neighbouring terms, in question order
	// prefixes are the terms' stemPrefix, for sift.
	prefixes map[string]bool
}

// stemPrefix is the part of a stemmed term that every word stemming to it
// begins with: a stemmer such as Porter's rewrites only the ends of words,
// at most changing a last letter ("cry" → "cri"), so for terms of three
// letters or more the first letters up to three, short of the last,
// are kept.
func stemPrefix(t string) string {
	r := []rune(t)
	if len(r) >= 3 {
		r = r[:min(3, len(r)-1)]
	}
	return string(r)
}

// sift keeps the words of text that could analyse to a question term, so
// that a long text is not analysed whole to learn which question terms it
// holds. Words are compared in lower case by their first letters.
func (q *question) sift(text string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' }) {
		r := []rune(w)
		for n := 1; n <= min(3, len(r)); n++ {
			if q.prefixes[strings.ToLower(string(r[:n]))] {
				b.WriteString(w)
				b.WriteByte(' ')
				break
			}
		}
	}
	return b.String()
}

func newQuestion(terms []Term) *question {
	q := &question{weight: map[string]float64{}, pairs: map[[2]string]bool{}, prefixes: map[string]bool{}}
	for i, t := range terms {
		q.prefixes[stemPrefix(t.Text)] = true
		if _, ok := q.weight[t.Text]; !ok {
			q.weight[t.Text] = t.Weight
			q.total += t.Weight
		}
		if i > 0 && t.Pos-terms[i-1].Pos == 1 && t.Text != terms[i-1].Text {
			q.pairs[[2]string{terms[i-1].Text, t.Text}] = true
		}
	}
	return q
}

// Coverage is the weighted share of a question's distinct terms found in
// terms: the Title, Headings and Text features of RerankFeatures.
func Coverage(question []Term, terms []string) float64 {
	return newQuestion(question).coverage(terms)
}

// coverage is the weighted share of the question's terms found in terms.
func (q *question) coverage(terms []string) float64 {
	if q.total == 0 {
		return 0
	}
	seen := map[string]bool{}
	var s float64
	for _, t := range terms {
		if w, ok := q.weight[t]; ok && !seen[t] {
			seen[t] = true
			s += w
		}
	}
	return s / q.total
}

// fit is the share of distinct terms that are in the question.
func (q *question) fit(terms []string) float64 {
	seen := map[string]bool{}
	in := 0
	for _, t := range terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		if _, ok := q.weight[t]; ok {
			in++
		}
	}
	if len(seen) == 0 {
		return 0
	}
	return float64(in) / float64(len(seen))
}

// pairsIn counts the question's neighbouring pairs that are neighbours in
// terms, marking them in found so a pair counts once per candidate.
func (q *question) pairsIn(terms []string, found map[[2]string]bool) {
	for i := 1; i < len(terms); i++ {
		p := [2]string{terms[i-1], terms[i]}
		if q.pairs[p] {
			found[p] = true
		}
	}
}

// read fills f's text features from a candidate's title, heading path and
// text, analysed by analyse.
func (q *question) read(f *RerankFeatures, analyse func(string) []string, title string, headings []string, text string) {
	tt := analyse(title)
	f.Title = q.coverage(tt)
	f.TitleFit = q.fit(tt)
	found := map[[2]string]bool{}
	q.pairsIn(tt, found)
	var ht []string
	for _, h := range headings {
		if h == title {
			continue
		}
		a := analyse(h)
		q.pairsIn(a, found)
		ht = append(ht, a...)
	}
	f.Headings = q.coverage(ht)
	f.Text = q.coverage(analyse(q.sift(text)))
	if len(q.pairs) > 0 {
		f.Pairs = float64(len(found)) / float64(len(q.pairs))
	}
}
