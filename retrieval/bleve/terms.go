package bleve

import (
	"context"
	"fmt"
	"math"

	"github.com/townhall-civic/townhall/retrieval"
)

// Terms analyses text as the index does (English possessives, lower case,
// stop words, Porter stemming) and returns its terms in order. It lets a
// reranker compare a question's terms with a candidate's title, headings
// and text exactly as the index would.
func (i *Index) Terms(text string) []string {
	toks := i.analyzer.Analyze([]byte(text))
	out := make([]string, len(toks))
	for n, tok := range toks {
		out[n] = string(tok.Term)
	}
	return out
}

// QueryTerms analyses a question like Terms, drops chat filler ("please",
// "u", "thanks"), and weights each distinct term by its inverse document
// frequency over the title, headings and text of all chunks (the BM25
// form, log(1 + (N-df+0.5)/(df+0.5))), so that rarer words count for more.
// Terms are returned in question order, repeats included; Pos is the
// term's position in the analysed question, so neighbours can be told
// apart from words that a stop word separated. At most 32 distinct terms
// are returned.
func (i *Index) QueryTerms(ctx context.Context, text string) ([]retrieval.Term, error) {
	i.mu.RLock()
	defer i.mu.RUnlock()
	if i.closed {
		return nil, retrieval.ErrClosed
	}
	var out []retrieval.Term
	distinct := map[string]bool{}
	for _, tok := range i.analyzer.Analyze([]byte(text)) {
		t := string(tok.Term)
		if i.filler[t] || (!distinct[t] && len(distinct) >= maxQueryTerms) {
			continue
		}
		distinct[t] = true
		out = append(out, retrieval.Term{Text: t, Pos: tok.Position})
	}
	if len(out) == 0 {
		return nil, nil
	}
	rd, err := i.reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	n, err := rd.DocCount()
	if err != nil {
		return nil, fmt.Errorf("bleve: doc count: %w", err)
	}
	dfs := map[string]float64{}
	for k := range out {
		t := out[k].Text
		idf, ok := dfs[t]
		if !ok {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			df, err := docFreq(rd, t, fieldText)
			if err != nil {
				return nil, err
			}
			idf = math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
			dfs[t] = idf
		}
		out[k].Weight = idf
	}
	return out, nil
}
