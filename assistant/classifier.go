package assistant

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
)

// intentExamples is the labelled training set of the offline router: resident
// messages written for this purpose in informal UK English, one JSON object
// a line: {"text": ..., "intent": ..., "service": ...}.
//
//go:embed testdata/intents.jsonl
var intentExamples []byte

// Example is one labelled resident message.
type Example struct {
	Text    string `json:"text"`
	Intent  Intent `json:"intent"`
	Service string `json:"service,omitempty"`
}

// Examples returns the embedded labelled examples the offline router is
// trained on.
func Examples() ([]Example, error) { return parseExamples(intentExamples) }

func parseExamples(data []byte) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || bytes.HasPrefix(line, []byte("//")) {
			continue
		}
		var e Example
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("intents line %d: %v: %w", n, err, ErrInvalid)
		}
		if e.Text == "" || e.Intent == "" {
			return nil, fmt.Errorf("intents line %d: text and intent are required: %w", n, ErrInvalid)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// classifier is a multinomial naive Bayes model over word and bigram
// features. It is small, trains in milliseconds and, unlike a keyword list,
// learns that "how do I report a pothole" and "there's a pothole on Elm
// Road" differ in their function words rather than their topic.
type classifier struct {
	labels []string
	prior  []float64            // log P(label)
	logp   []map[string]float64 // log P(feature | label)
	unseen []float64            // log P(unseen feature | label)
	vocab  map[string]bool
}

// trainClassifier fits a classifier. Priors are flattened towards uniform
// (square root of the class share) so a large class does not swallow
// short, ambiguous messages.
func trainClassifier(texts, labels []string) *classifier {
	idx := map[string]int{}
	c := &classifier{vocab: map[string]bool{}}
	var counts []map[string]float64
	var totals, docs []float64
	for i, text := range texts {
		j, ok := idx[labels[i]]
		if !ok {
			j = len(c.labels)
			idx[labels[i]] = j
			c.labels = append(c.labels, labels[i])
			counts = append(counts, map[string]float64{})
			totals = append(totals, 0)
			docs = append(docs, 0)
		}
		docs[j]++
		for _, f := range msgFeatures(text) {
			counts[j][f]++
			totals[j]++
			c.vocab[f] = true
		}
	}
	const alpha = 0.5
	v := float64(len(c.vocab))
	var z float64
	for _, d := range docs {
		z += math.Sqrt(d)
	}
	for j := range c.labels {
		c.prior = append(c.prior, math.Log(math.Sqrt(docs[j])/z))
		denom := totals[j] + alpha*v
		m := make(map[string]float64, len(counts[j]))
		for f, n := range counts[j] {
			m[f] = math.Log((n + alpha) / denom)
		}
		c.logp = append(c.logp, m)
		c.unseen = append(c.unseen, math.Log(alpha/denom))
	}
	return c
}

// labelScore is a label with its posterior probability.
type labelScore struct {
	Label string
	P     float64
}

// predict returns every label with its posterior, best first. Features the
// model never saw are ignored, so a message of unknown words falls back to
// the priors and a low confidence.
func (c *classifier) predict(text string) []labelScore {
	fs := msgFeatures(text)
	logs := make([]float64, len(c.labels))
	for j := range c.labels {
		s := c.prior[j]
		for _, f := range fs {
			if !c.vocab[f] {
				continue
			}
			if lp, ok := c.logp[j][f]; ok {
				s += lp
			} else {
				s += c.unseen[j]
			}
		}
		logs[j] = s
	}
	hi := math.Inf(-1)
	for _, s := range logs {
		hi = math.Max(hi, s)
	}
	var sum float64
	out := make([]labelScore, len(c.labels))
	for j, s := range logs {
		p := math.Exp(s - hi)
		sum += p
		out[j] = labelScore{c.labels[j], p}
	}
	for j := range out {
		out[j].P /= sum
	}
	sort.Slice(out, func(a, b int) bool { return out[a].P > out[b].P })
	return out
}

// features turns a message into stemmed words, adjacent word pairs and a
// start marker on the first word, plus a feature for a question mark.
func msgFeatures(text string) []string {
	ws := msgStems(text)
	out := make([]string, 0, 2*len(ws)+2)
	prev := "^"
	for _, w := range ws {
		out = append(out, w, prev+"_"+w)
		prev = w
	}
	if strings.Contains(text, "?") {
		out = append(out, "?")
	}
	return out
}

// stems returns the words of text, folded and lightly stemmed.
func msgStems(text string) []string {
	ws := msgWords(text)
	for i, w := range ws {
		ws[i] = stemWord(w)
	}
	return ws
}

// smsWords folds common text-speak and spelling variants to one form, so
// "wot r u" and "what are you" share features.
var smsWords = map[string]string{
	"u": "you", "ya": "you", "yu": "you", "ur": "your", "youre": "your", "r": "are",
	"pls": "please", "plz": "please", "plez": "please", "wot": "what", "wat": "what",
	"wht": "what", "whats": "what", "cud": "could", "cld": "could", "wud": "would",
	"shud": "should", "2day": "today", "tmrw": "tomorrow", "tmr": "tomorrow",
	"2moro": "tomorrow", "2morrow": "tomorrow", "tomoz": "tomorrow", "thx": "thanks",
	"ty": "thanks", "cheers": "thanks", "hrs": "hours", "coz": "because",
	"cos": "because", "bc": "because", "n": "and", "wen": "when", "wer": "where",
	"hw": "how", "abt": "about", "bout": "about", "b4": "before", "gr8": "great",
	"2": "to", "4": "for", "im": "i", "ive": "i",
	"dont": "not", "didnt": "not", "doesnt": "not", "wasnt": "not", "isnt": "not",
	"havent": "not", "hasnt": "not", "cant": "not", "wont": "not", "arent": "not",
	"werent": "not", "cannot": "not", "neighbor": "neighbour", "neighbors": "neighbours",
	"nabour": "neighbour", "neibour": "neighbour", "neighbour's": "neighbour",
	"recyling": "recycling", "recylcing": "recycling", "collcted": "collected",
	"colected": "collected", "emptyed": "emptied", "strret": "street", "councel": "council",
	"counsil": "council", "lamppost": "lamp post",
	"streetlight": "street light", "streetlights": "street light", "streetlamp": "street lamp",
	"flytipping": "fly tipping", "flytipped": "fly tipped", "foia": "foi", "foi's": "foi",
}

// words lower-cases text, drops apostrophes, splits on anything that is not
// a letter or digit and folds text-speak.
func msgWords(text string) []string {
	text = strings.ToLower(text)
	text = strings.NewReplacer("'", "", "’", "", "‘", "").Replace(text)
	raw := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := make([]string, 0, len(raw))
	for _, w := range raw {
		if f, ok := smsWords[w]; ok {
			out = append(out, strings.Fields(f)...)
			continue
		}
		out = append(out, w)
	}
	return out
}

// stem strips a few English suffixes: enough to join "bins" and "bin",
// "collected" and "collect", without a stemming library.
func stemWord(w string) string {
	n := len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ing"):
		return w[:n-3]
	case n > 4 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 4 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed"):
		return w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:n-1]
	}
	return w
}
