package evals

import (
	"math"
	"sort"
	"strings"
)

// SourceMatches reports whether a retrieved or cited document ID matches
// an expected one: equal, or a record "P#key" of an expected file P.
func SourceMatches(got, want string) bool {
	if got == want {
		return true
	}
	i := strings.IndexByte(got, '#')
	return i >= 0 && got[:i] == want
}

func matchesAny(got string, want []string) bool {
	for _, w := range want {
		if SourceMatches(got, w) {
			return true
		}
	}
	return false
}

// distinct returns ids with duplicates removed, keeping first positions.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// firstRank returns the 1-based rank of the first matching document, or 0.
func firstRank(retrieved, want []string) int {
	for i, id := range retrieved {
		if matchesAny(id, want) {
			return i + 1
		}
	}
	return 0
}

// ndcg10 scores binary relevance over distinct documents. Each expected
// source is credited once, so the ideal is min(len(want), 10) hits at the
// top.
func ndcg10(retrieved, want []string) float64 {
	credited := map[string]bool{}
	var dcg float64
	for i, id := range retrieved {
		if i == 10 {
			break
		}
		for _, w := range want {
			if !credited[w] && SourceMatches(id, w) {
				credited[w] = true
				dcg += 1 / math.Log2(float64(i)+2)
				break
			}
		}
	}
	var idcg float64
	for i := 0; i < min(len(want), 10); i++ {
		idcg += 1 / math.Log2(float64(i)+2)
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}

// normalizeText applies the fact-matching rule: ignore case, repeated
// whitespace and the punctuation ,.;:!?'"() .
func normalizeText(s string) string {
	s = strings.ToLower(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case ',', '.', ';', ':', '!', '?', '\'', '"', '(', ')', '‘', '’', '“', '”':
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// ContainsFact reports whether answer contains the fact or, for "a|b",
// any of its alternatives.
func ContainsFact(answer, fact string) bool {
	a := normalizeText(answer)
	for _, alt := range strings.Split(fact, "|") {
		if n := normalizeText(alt); n != "" && strings.Contains(a, n) {
			return true
		}
	}
	return false
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	// Nearest-rank percentile.
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}
