package embed

import (
	"context"
	"errors"
	"os"
	"sort"
	"testing"

	"github.com/townhall-civic/townhall/retrieval"
)

// gloveFile is where `make -f Makefile.embed embeddings` puts the GloVe
// word vectors, relative to this package.
const gloveFile = "../../.cache/embeddings/glove-100k.bin"

func loadGloVe(tb testing.TB) *WordVectors {
	tb.Helper()
	wv, err := LoadWordVectors(gloveFile)
	if errors.Is(err, os.ErrNotExist) {
		tb.Skipf("no GloVe file at %s: build it with `make -f Makefile.embed embeddings` from the repository root", gloveFile)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return wv
}

// councilPages are short stand-ins for council web pages, written for this
// test.
var councilPages = []string{
	"Visitor parking permits. If you live in a permit zone you can buy visitor permits so your guests can park near your home.",
	"Missed bin collection. Report a bin that was not emptied on your collection day.",
	"Council tax bands and discounts. Single person discount and how to pay your council tax.",
	"Report a stray dog found in the street.",
	"Apply for a taxi driver licence.",
	"Planning permission. Apply to build an extension.",
	"Potholes and road repairs. Report a damaged pavement or road surface.",
	"Housing benefit and council tax support for people on a low income.",
	"Register to vote. Get on the electoral register for elections.",
	"Noise nuisance complaints about neighbours, for example loud music.",
	"School admissions. Apply for a primary school place.",
	"Bulky waste collection. Book a collection of large items such as sofas and fridges.",
	"Libraries. Opening hours and borrowing books.",
	"Parking fines. Pay or challenge a penalty charge notice.",
	"Fly-tipping. Report illegally dumped waste.",
}

// residentQuestions are informal paraphrases that share few or no words
// with the page that answers them. within is the rank the page must reach.
var residentQuestions = []struct {
	question string
	page     int
	within   int
}{
	{"my mum's coming to stay, where can she leave her car", 0, 1},
	{"my mum's coming to stay, how much are the visitor parking permits", 0, 1},
	// "rubbish" sits as close to the fly-tipping page's "dumped waste" as
	// to "bin": a bag of words cannot tell which the resident means.
	{"rubbish not collected", 1, 3},
	{"the dustmen didn't empty my wheelie bin", 1, 1},
	{"found a lost puppy wandering", 3, 1},
	{"how do I become a cab driver", 4, 1},
	{"want to build a conservatory on my house", 5, 1},
	{"huge hole in the road outside my house", 6, 1},
	{"neighbours partying loud until 3am", 9, 1},
	{"getting rid of an old mattress and wardrobe", 11, 1},
	{"someone dumped a load of rubbish in the alley", 14, 1},
	{"got a parking ticket I think is unfair", 13, 1},
	{"how do I get my child into reception class", 10, 2},
	{"can I vote in the local elections", 8, 1},
	{"when does the library close", 12, 1},
	{"I lost my job and can't afford rent", 7, 1},
}

// rankPages returns, per question, the 1-based rank of its page under e.
func rankPages(t *testing.T, e retrieval.Embedder) []int {
	t.Helper()
	ctx := context.Background()
	pages, err := e(ctx, councilPages)
	if err != nil {
		t.Fatal(err)
	}
	ranks := make([]int, len(residentQuestions))
	for qi, q := range residentQuestions {
		qv, err := e(ctx, []string{q.question})
		if err != nil {
			t.Fatal(err)
		}
		order := make([]int, len(pages))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return dot(qv[0], pages[order[a]]) > dot(qv[0], pages[order[b]]) })
		for r, i := range order {
			if i == q.page {
				ranks[qi] = r + 1
			}
		}
	}
	return ranks
}

func mrr(ranks []int) float64 {
	var s float64
	for _, r := range ranks {
		s += 1 / float64(r)
	}
	return s / float64(len(ranks))
}

func TestGloVeParaphrases(t *testing.T) {
	wv := loadGloVe(t)
	ranks := rankPages(t, wv.Embedder(SIFOptions{}))
	for qi, q := range residentQuestions {
		if ranks[qi] > q.within {
			t.Errorf("%q: page %q ranked %d, want within %d", q.question, councilPages[q.page], ranks[qi], q.within)
		}
	}
	// The word vectors must add meaning that spelling alone does not have.
	sif, hashed := mrr(ranks), mrr(rankPages(t, Hashing(512)))
	t.Logf("MRR over %d paraphrased questions: SIF %.3f, hashing %.3f", len(ranks), sif, hashed)
	if sif < hashed+0.1 {
		t.Errorf("SIF MRR %.3f, hashing %.3f: want SIF ahead by at least 0.1", sif, hashed)
	}
}

func TestGloVeFile(t *testing.T) {
	wv := loadGloVe(t)
	if got, want := wv.Dim(), 100; got != want {
		t.Errorf("Dim: got %d, want %d", got, want)
	}
	if got, want := wv.Len(), 100000; got != want {
		t.Errorf("Len: got %d, want %d", got, want)
	}
	for _, w := range []string{"bin", "council", "parking", "mum", "rubbish", "wheelie"} {
		if wv.Vector(w) == nil {
			t.Errorf("%q missing from the table", w)
		}
	}
	if got := wv.ranks[wv.index["the"]]; got != 1 {
		t.Errorf("rank of \"the\": got %d, want 1", got)
	}
}

func BenchmarkLoadWordVectors(b *testing.B) {
	loadGloVe(b)
	for b.Loop() {
		if _, err := LoadWordVectors(gloveFile); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSentences are short resident questions and page titles, about ten
// words each, the length of a query.
var benchSentences = func() []string {
	var out []string
	for _, q := range residentQuestions {
		out = append(out, q.question)
	}
	return append(out, councilPages...)
}()

func BenchmarkSIF(b *testing.B) {
	e := loadGloVe(b).Embedder(SIFOptions{})
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := e(ctx, benchSentences); err != nil {
			b.Fatal(err)
		}
		n += len(benchSentences)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "sentences/s")
}

func BenchmarkHashing(b *testing.B) {
	e := Hashing(512)
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := e(ctx, benchSentences); err != nil {
			b.Fatal(err)
		}
		n += len(benchSentences)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "sentences/s")
}
