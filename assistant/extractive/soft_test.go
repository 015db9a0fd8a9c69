package extractive

import (
	"os"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/retrieval/embed"
)

// fakeWords is a tiny word-vector table: "rodents" is 0.8 similar to
// "rats", "mice" 0.4 (below softMin), and "garden" unrelated to both.
type fakeWords map[string][]float32

func (f fakeWords) Vector(w string) []float32 { return f[w] }

var pestWords = fakeWords{
	"rats":    {1, 0, 0},
	"rodents": {0.8, 0.6, 0},
	"mice":    {0.4, 0.9165, 0},
	"garden":  {0, 0, 1},
	"gardens": {0, 0, 1},
}

var pestPage = chunk("pages/pest-control.html", 0, "Pest control", "https://www.example.gov.uk/pest-control", nil,
	"Garden pests such as moles and squirrels are not treated by the council. "+
		"Our pest control team treats rodents in homes and gardens. "+
		"Mice are treated inside homes only.")

func TestSoftMatchWords(t *testing.T) {
	c := New(Options{Words: pestWords})
	q := parseQuestion("can you get rid of rats in my garden?")
	c.terms("can you get rid of rats in my garden?")
	units := c.candidates(hits(pestPage))
	soft := c.softMatches(q, units)
	if got := soft["rat"]["rodent"]; got < 0.39 || got > 0.41 {
		t.Errorf("rat ~ rodent carries %.2f of the term, want softWeight × 0.8 = 0.40", got)
	}
	if _, ok := soft["rat"]["mice"]; ok {
		t.Error("mice (0.4 similar) matched rat, below softMin")
	}
	if _, ok := soft["rat"]["garden"]; ok {
		t.Error("a question term soft-matched another question term")
	}
	if New(Options{}).softMatches(q, units) != nil {
		t.Error("soft matches without word vectors")
	}
}

func TestSoftMatchScoresSimilarWord(t *testing.T) {
	const q = "can you get rid of rats in my garden?"
	// scores returns the scores of the rodents and the garden pests
	// sentences.
	scores := func(c *Composer) (rodents, garden float64) {
		c.trace = func(_ question, units, _ []*unit) {
			for _, u := range units {
				switch {
				case strings.Contains(u.text, "treats rodents"):
					rodents = u.score
				case strings.HasPrefix(u.text, "Garden pests"):
					garden = u.score
				}
			}
		}
		compose(t, c, q, hits(pestPage))
		return rodents, garden
	}
	r, g := scores(New(Options{}))
	if r > 1.1*g {
		t.Fatalf("without word vectors the rodents sentence already scores %.3f against %.3f", r, g)
	}
	r, g = scores(New(Options{Words: pestWords}))
	if r < 1.2*g {
		t.Errorf("with word vectors the rodents sentence scores %.3f against %.3f; want it well ahead", r, g)
	}
}

// TestSoftMatchGloVe checks the shipped GloVe table against the threshold:
// near synonyms pass softMin, unrelated words do not. It skips when the
// table has not been built (make embeddings).
func TestSoftMatchGloVe(t *testing.T) {
	const path = "../../.cache/embeddings/glove-100k.bin"
	if _, err := os.Stat(path); err != nil {
		t.Skip("no GloVe table at", path)
	}
	wv, err := embed.LoadWordVectors(path)
	if err != nil {
		t.Fatal(err)
	}
	c := New(Options{Words: wv})
	c.terms("rats rodents dad father mould lottery")
	cos := func(a, b string) float64 {
		x, y := c.stemVector(a), c.stemVector(b)
		if x == nil || y == nil {
			t.Fatalf("no vector for %q or %q", a, b)
		}
		var d float32
		for i := range x {
			d += x[i] * y[i]
		}
		return float64(d)
	}
	for _, p := range [][2]string{{"rat", "rodent"}, {"dad", "father"}} {
		if s := cos(p[0], p[1]); s < softMin {
			t.Errorf("%s ~ %s = %.2f, want ≥ %.2f", p[0], p[1], s, softMin)
		}
	}
	if s := cos("mould", "lotter"); s >= softMin {
		t.Errorf("mould ~ lottery = %.2f, want < %.2f", s, softMin)
	}
}
