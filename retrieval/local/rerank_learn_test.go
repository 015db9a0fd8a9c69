package local_test

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
	"github.com/townhall-civic/townhall/retrieval/embed"
	"github.com/townhall-civic/townhall/retrieval/local"
)

// TestLearnRerankWeights learns the reranker's weights from pseudo-queries
// made from an ingested index's own pages, and checks that they rank the
// pseudo-queries' source pages better than fusion alone on queries held out
// from training. It is how DefaultRerankWeights were set (docs/retrieval.md)
// and runs only when asked:
//
//	TOWNHALL_RERANK_LEARN=/path/to/index TOWNHALL_EMBEDDINGS=.cache/embeddings/glove-100k.bin \
//	    go test ./retrieval/local -run LearnRerank -v
//
// The index must have been built with that word-vector file (SIF, as
// townhall ingest builds it). A pseudo-query is a sentence of a page's
// chunk, with some of its words dropped and words of an unrelated chunk
// mixed in, as residents' questions paraphrase a page and add their own
// circumstances. Its source page is the one right answer. No evaluation
// suite is read.
func TestLearnRerankWeights(t *testing.T) {
	dir := os.Getenv("TOWNHALL_RERANK_LEARN")
	if dir == "" {
		t.Skip("set TOWNHALL_RERANK_LEARN to an ingested index folder")
	}
	ctx := context.Background()
	var m struct {
		EmbedderID string `json:"embedder"`
		Dim        int    `json:"dim"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.EmbedderID, "glove:") {
		t.Skipf("index embedder %q: want a glove index", m.EmbedderID)
	}
	wv, err := embed.LoadWordVectors(os.Getenv("TOWNHALL_EMBEDDINGS"))
	if err != nil {
		t.Fatal(err)
	}
	// Same identity as the index, so Open keeps it as it is.
	st, err := local.Open(dir, local.Options{Embed: wv.Embedder(embed.SIFOptions{}), EmbedderID: m.EmbedderID, Dim: m.Dim})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.Rebuilt {
		t.Fatal("the index was rebuilt: embedder identity mismatch")
	}
	rr, err := st.Reranker()
	if err != nil {
		t.Fatal(err)
	}

	queries := pseudoQueries(ctx, t, st, 900)
	t.Logf("%d pseudo-queries", len(queries))
	// Two readings of the source page: as stored, which holds the query's
	// sentence word for word (a resident's question never does, so Text
	// learns too much), and without that sentence, as the inverse cloze
	// task reads it (the source page alone lost those words, so Text
	// learns too little). Neither is right for Text; both are reported.
	var copied, cloze [][]retrieval.Candidate
	var pos []int
	for _, q := range queries {
		cs, err := rr.Explain(ctx, retrieval.Query{Text: q.text})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(cs, func(c retrieval.Candidate) bool { return c.DocID == q.doc })
		if i < 0 {
			continue // fusion missed it; reranking cannot help
		}
		terms, err := rr.QueryTerms(ctx, q.text)
		if err != nil {
			t.Fatal(err)
		}
		cz := slices.Clone(cs)
		cz[i].Features.Text = retrieval.Coverage(terms, rr.Terms(q.rest))
		copied, cloze = append(copied, cs), append(cloze, cz)
		pos = append(pos, i)
	}
	n := len(pos) * 7 / 10
	t.Logf("%d queries with the source page among the candidates; %d to train, %d to test", len(pos), n, len(pos)-n)
	fusedOnly := retrieval.RerankWeights{} // Score is then the fused share alone
	for _, v := range []struct {
		name string
		sets [][]retrieval.Candidate
	}{{"as stored", copied}, {"sentence removed", cloze}} {
		w := learnPairwise(v.sets[:n], pos[:n])
		t.Logf("%s: learned: %+v", v.name, w)
		for _, c := range []struct {
			name string
			w    retrieval.RerankWeights
		}{{"fused only", fusedOnly}, {"default", retrieval.DefaultRerankWeights()}, {"learned", w}} {
			t.Logf("%s: %-10s train MRR %.3f  test MRR %.3f", v.name, c.name, mrr(v.sets[:n], pos[:n], c.w), mrr(v.sets[n:], pos[n:], c.w))
		}
		if got, base := mrr(v.sets[n:], pos[n:], w), mrr(v.sets[n:], pos[n:], fusedOnly); got <= base {
			t.Errorf("%s: learned weights: held-out pseudo-query MRR %.3f, want above fusion alone %.3f", v.name, got, base)
		}
	}
}

type pseudoQuery struct {
	text, doc string
	rest      string // the source chunk's text without the sentence
}

// pseudoQueries samples page and FOI chunks and makes one query from each.
func pseudoQueries(ctx context.Context, t *testing.T, st *local.Store, n int) []pseudoQuery {
	t.Helper()
	files, err := st.Catalog().Files(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range files {
		if f.Kind != corpus.KindPage && f.Kind != corpus.KindFOI {
			continue
		}
		for _, id := range f.ChunkIDs {
			if !strings.HasSuffix(id, retrieval.WholeDocSuffix) {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids) // map order is random; the sample must not be
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	var out []pseudoQuery
	for i := 0; i+1 < len(ids) && len(out) < n; i += 2 {
		cs, err := st.Chunks().Chunks(ctx, ids[i:i+2])
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) < 2 {
			continue
		}
		raw, s := sentence(rng, cs[0].Text)
		if s == nil {
			continue
		}
		// Keep about 60% of the sentence, at least three words.
		var kept []string
		for _, w := range s {
			if rng.Float64() < 0.6 {
				kept = append(kept, w)
			}
		}
		if len(kept) < 3 {
			continue
		}
		// Add up to three words of an unrelated chunk.
		noise := strings.Fields(cs[1].Text)
		for k := rng.IntN(4); k > 0 && len(noise) > 0; k-- {
			w := noise[rng.IntN(len(noise))]
			kept = slices.Insert(kept, rng.IntN(len(kept)+1), w)
		}
		out = append(out, pseudoQuery{text: strings.Join(kept, " "), doc: cs[0].DocID, rest: strings.Replace(cs[0].Text, raw, " ", 1)})
	}
	return out
}

// sentence picks a sentence of 6 to 30 words from text, as it is and as
// words, or nil words.
func sentence(rng *rand.Rand, text string) (string, []string) {
	var raws []string
	var ss [][]string
	for _, s := range strings.FieldsFunc(text, func(r rune) bool { return r == '.' || r == '?' || r == '!' || r == '\n' }) {
		ws := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '£' })
		if len(ws) >= 6 && len(ws) <= 30 {
			raws = append(raws, s)
			ss = append(ss, ws)
		}
	}
	if len(ss) == 0 {
		return "", nil
	}
	i := rng.IntN(len(ss))
	return raws[i], ss[i]
}

func vec(f retrieval.RerankFeatures) [5]float64 {
	return [5]float64{f.Title, f.TitleFit, f.Headings, f.Text, f.Pairs}
}

// learnPairwise fits the weights of RerankFeatures.Score as a pairwise
// logistic model, P(a above b) = σ(log score(a) − log score(b)), over
// every (source page, other candidate) pair, with a small L2 penalty, by
// gradient descent. Weights are kept above −0.3 so that scores stay
// positive.
func learnPairwise(sets [][]retrieval.Candidate, pos []int) retrieval.RerankWeights {
	type pair struct {
		dlogF  float64
		xp, xn [5]float64
	}
	var pairs []pair
	for s, cs := range sets {
		p := cs[pos[s]].Features
		for i, c := range cs {
			if i == pos[s] || c.Features == p || c.Features.Fused <= 0 || p.Fused <= 0 {
				continue // identical copies teach nothing
			}
			pairs = append(pairs, pair{math.Log(p.Fused / c.Features.Fused), vec(p), vec(c.Features)})
		}
	}
	dot := func(w, x [5]float64) float64 {
		var z float64
		for k := range w {
			z += w[k] * x[k]
		}
		return z
	}
	var w [5]float64
	const lambda, rate = 1e-3, 0.5
	for iter := 0; iter < 3000; iter++ {
		var g [5]float64
		for _, p := range pairs {
			ap, an := 1+dot(w, p.xp), 1+dot(w, p.xn)
			z := p.dlogF + math.Log(ap) - math.Log(an)
			s := 1 / (1 + math.Exp(z)) // −∂/∂z log σ(z)
			for k := range g {
				g[k] -= s * (p.xp[k]/ap - p.xn[k]/an)
			}
		}
		for k := range w {
			w[k] = max(w[k]-rate*(g[k]/float64(len(pairs))+lambda*w[k]), -0.3)
		}
	}
	return retrieval.RerankWeights{Title: w[0], TitleFit: w[1], Headings: w[2], Text: w[3], Pairs: w[4]}
}

// mrr is the mean reciprocal rank of the source pages under weights w.
func mrr(sets [][]retrieval.Candidate, pos []int, w retrieval.RerankWeights) float64 {
	var sum float64
	for s, cs := range sets {
		p := cs[pos[s]].Features.Score(w)
		rank := 1
		for i, c := range cs {
			if sc := c.Features.Score(w); sc > p || (sc == p && i < pos[s]) {
				rank++
			}
		}
		sum += 1 / float64(rank)
	}
	return sum / float64(len(sets))
}
