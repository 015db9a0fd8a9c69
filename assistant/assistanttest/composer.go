package assistanttest

import (
	"context"
	"sort"
	"strings"
	"unicode"

	"github.com/townhall-civic/townhall/assistant"
)

// Composer is a fake assistant.Composer: from each of the first MaxHits
// hits it quotes, in their order in the text, the PerHit sentences that
// share the most words of four or more letters with the question, and
// cites that hit. With no sentence sharing a word it returns
// assistant.ErrUngrounded, as a real composer must. It quotes whatever the
// hits hold, with no safeguards of its own, which makes it a good
// adversary for tests of the assistant's handling of retrieved text. Calls
// records what it was asked.
type Composer struct {
	MaxHits int // 0 means 2
	PerHit  int // 0 means 2
	Calls   []assistant.ComposeInput
}

var _ assistant.Composer = (*Composer)(nil)

// Compose implements assistant.Composer.
func (c *Composer) Compose(_ context.Context, in assistant.ComposeInput) (*assistant.Draft, error) {
	c.Calls = append(c.Calls, in)
	maxHits, perHit := c.MaxHits, c.PerHit
	if maxHits <= 0 {
		maxHits = 2
	}
	if perHit <= 0 {
		perHit = 2
	}
	q := map[string]bool{}
	for _, w := range fields(in.Question) {
		if len(w) >= 4 {
			q[w] = true
		}
	}
	d := &assistant.Draft{}
	for i, h := range in.Hits {
		if i == maxHits {
			break
		}
		type scored struct {
			text       string
			pos, score int
		}
		var ss []scored
		for pos, s := range strings.SplitAfter(strings.ReplaceAll(h.Chunk.Text, "\n", " "), ". ") {
			if n := shared(s, q); n > 0 {
				ss = append(ss, scored{strings.TrimSpace(s), pos, n})
			}
		}
		if len(ss) == 0 {
			continue
		}
		sort.SliceStable(ss, func(a, b int) bool { return ss[a].score > ss[b].score })
		ss = ss[:min(len(ss), perHit)]
		sort.Slice(ss, func(a, b int) bool { return ss[a].pos < ss[b].pos })
		n := len(d.Citations) + 1
		d.Citations = append(d.Citations, assistant.Citation{N: n, DocID: h.Chunk.DocID, Title: h.Chunk.Title, URL: h.Chunk.URL, Page: h.Chunk.Page})
		for _, s := range ss {
			d.Sentences = append(d.Sentences, assistant.Sentence{Text: s.text, Cites: []int{n}})
		}
	}
	if len(d.Sentences) == 0 {
		return nil, assistant.ErrUngrounded
	}
	return d, nil
}

func fields(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// shared counts the distinct question words in s.
func shared(s string, q map[string]bool) int {
	seen := map[string]bool{}
	for _, w := range fields(s) {
		if q[w] {
			seen[w] = true
		}
	}
	return len(seen)
}
