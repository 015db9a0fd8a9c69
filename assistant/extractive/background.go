package extractive

import (
	_ "embed"
	"math"
	"strconv"
	"strings"
	"sync"
)

// wordFreq holds background counts of English terms (SUBTLEX-US, made by
// wordfreq_gen.go): how often each term is said in everyday English. It
// tells a specific word ("mould", "half") from one that says little about
// what is asked ("come", "look", "son"), which the few retrieved chunks
// alone cannot: their own statistics count the topic of the best page as
// common, because that page repeats it.
//
//go:embed wordfreq.txt
var wordFreq string

// background is the parsed wordFreq.
type background struct {
	counts map[string]int
	logN   float64 // log of the total count
}

var loadBackground = sync.OnceValue(func() *background {
	b := &background{counts: make(map[string]int, 13000)}
	total := 1.0
	for line := range strings.Lines(wordFreq) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			if k := strings.LastIndex(line, "total "); k >= 0 {
				if n, err := strconv.ParseFloat(line[k+len("total "):], 64); err == nil {
					total = n
				}
			}
			continue
		}
		term, count, ok := strings.Cut(line, " ")
		if n, err := strconv.Atoi(count); ok && err == nil {
			b.counts[term] = n
		}
	}
	b.logN = math.Log(total)
	return b
})

// minSpecificity is the weight of the commonest terms.
const minSpecificity = 0.2

// figureSpecificity is the weight of a figure in a question ("2025",
// "3"), about that of a word such as "permit".
const figureSpecificity = 0.6

// wantSpecificity is the weight of a kind of fact asked for, about that of
// a word of everyday English ("price", "open").
const wantSpecificity = 0.5

// specificity is how much a term says about a topic, from minSpecificity
// (the commonest words) to 1 (a word never counted, such as a place
// name): the information of the term in everyday English, log(N/count),
// over its largest possible value, log N. Figures are in between (a
// year or a number of items is on many council pages), as is the
// pseudo-term of a kind of fact asked for.
func (b *background) specificity(term string) float64 {
	if isDigit(term) {
		return figureSpecificity
	}
	if _, ok := wantKind(term); ok {
		return wantSpecificity
	}
	n := b.counts[term]
	return max(minSpecificity, (b.logN-math.Log(float64(n+1)))/b.logN)
}
