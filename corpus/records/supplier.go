package records

import (
	"context"
	"fmt"
	"html"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/assistant"
)

// legalWords are dropped from supplier names: they tell two spellings of
// one company apart without telling companies apart.
var legalWords = map[string]bool{"LTD": true, "LIMITED": true, "PLC": true, "LLP": true, "INC": true, "AND": true}

// Normalize returns the form suppliers are matched on: upper case, HTML
// entities decoded, apostrophes dropped, other punctuation and "&" turned
// to spaces, the words LTD, LIMITED, PLC, LLP, INC and AND and a leading
// THE removed, and spaces collapsed. "Ford and Slater Ltd." and "FORD &
// SLATER LIMITED" both become "FORD SLATER".
func Normalize(name string) string {
	if strings.IndexByte(name, '&') >= 0 {
		name = html.UnescapeString(name)
	}
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		switch {
		case r == '\'' || r == '’' || r == '‘':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToUpper(r))
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	out := words[:0]
	for i, w := range words {
		if legalWords[w] || (i == 0 && w == "THE" && len(words) > 1) {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// supplier is one distinct normalised supplier.
type supplier struct {
	norm   string
	name   string // most common spelling
	rows   int
	tokens []string
}

// supplierIndex holds the distinct suppliers in memory for fuzzy lookup.
type supplierIndex struct {
	list    []supplier
	byToken map[string][]int
	// vocab lists the distinct words, sorted; built on the first fuzzy
	// lookup, which most questions never need.
	vocabOnce sync.Once
	vocab     []string
}

// supplierNames returns a function giving the usual spelling of the
// supplier whose normalised name is key, or key itself when no record
// names that supplier: how totals grouped by supplier are shown.
func (s *Store) supplierNames(ctx context.Context) (func(key string) string, error) {
	idx, err := s.supplierList(ctx)
	if err != nil {
		return nil, err
	}
	return func(key string) string {
		if j, ok := idx.find(key); ok {
			return idx.list[j].name
		}
		return key
	}, nil
}

// supplierList returns the in-memory supplier index, loading it after a
// write.
func (s *Store) supplierList(ctx context.Context) (*supplierIndex, error) {
	s.mu.Lock()
	idx := s.suppliers
	s.mu.Unlock()
	if idx != nil {
		return idx, nil
	}
	if s.isClosed() {
		return nil, ErrClosed
	}
	gen := s.generation()
	rows, err := s.db.QueryContext(ctx, `SELECT supplier_norm, supplier, COUNT(*) FROM records
		WHERE supplier_norm != '' GROUP BY supplier_norm, supplier ORDER BY supplier_norm`)
	if err != nil {
		return nil, fmt.Errorf("records: suppliers: %w", err)
	}
	defer rows.Close()
	idx = &supplierIndex{byToken: map[string][]int{}}
	best := 0 // rows of the current entry's most common spelling
	for rows.Next() {
		var norm, name string
		var n int
		if err := rows.Scan(&norm, &name, &n); err != nil {
			return nil, fmt.Errorf("records: suppliers: %w", err)
		}
		if k := len(idx.list); k > 0 && idx.list[k-1].norm == norm {
			e := &idx.list[k-1]
			e.rows += n
			if n > best || (n == best && name < e.name) {
				e.name, best = name, n
			}
			continue
		}
		idx.list = append(idx.list, supplier{norm: norm, name: name, rows: n, tokens: strings.Fields(norm)})
		best = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records: suppliers: %w", err)
	}
	for i, e := range idx.list {
		seen := map[string]bool{}
		for _, t := range e.tokens {
			if !seen[t] {
				seen[t] = true
				idx.byToken[t] = append(idx.byToken[t], i)
			}
		}
	}
	s.mu.Lock()
	if !s.closed && s.gen == gen {
		s.suppliers = idx
	}
	s.mu.Unlock()
	return idx, nil
}

// Match scores. An exact, prefix or contained name always beats a fuzzy
// one.
const (
	scorePrefix   = 0.9
	scoreContains = 0.8
	scoreFuzzy    = 0.6 // times the mean word similarity of a fuzzy match
	scoreReverse  = 0.5 // the supplier's whole name opens the asked-for name
	minScore      = 0.35
)

// FindSuppliers returns the suppliers whose names resemble sq.Name, best
// first: an exact normalised match, then suppliers whose names start with
// its words, then those containing them in order; failing those, and if
// sq.Fuzzy, suppliers whose words are spelt like its words, or whose
// whole name opens it.
func (s *Store) FindSuppliers(ctx context.Context, sq assistant.SupplierQuery) ([]assistant.SupplierMatch, error) {
	q := Normalize(sq.Name)
	if q == "" {
		return nil, nil
	}
	limit := sq.Limit
	if limit <= 0 {
		limit = 10
	}
	idx, err := s.supplierList(ctx)
	if err != nil {
		return nil, err
	}
	qt := strings.Fields(q)
	scores := map[int]assistant.SupplierMatch{}
	// Exact, prefix and contained names hold every query word, so the
	// rarest word's suppliers are the only candidates.
	rarest := idx.byToken[qt[0]]
	for _, t := range qt[1:] {
		if l := idx.byToken[t]; len(l) < len(rarest) {
			rarest = l
		}
	}
	for _, i := range rarest {
		e := &idx.list[i]
		m := assistant.SupplierMatch{Name: e.name, Norm: e.norm, Rows: e.rows}
		switch {
		case e.norm == q:
			m.How, m.Score = assistant.MatchExact, 1
		case hasPrefix(e.tokens, qt):
			m.How, m.Score = assistant.MatchPrefix, scorePrefix
		case containsRun(e.tokens, qt):
			m.How, m.Score = assistant.MatchContains, scoreContains
		default:
			continue
		}
		scores[i] = m
	}
	if len(scores) == 0 && sq.Fuzzy {
		idx.fuzzy(qt, scores)
	}
	out := make([]assistant.SupplierMatch, 0, len(scores))
	for _, m := range scores {
		if m.Score >= minScore {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Rows != b.Rows {
			return a.Rows > b.Rows
		}
		return a.Norm < b.Norm
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// minWordSim is how alike two words must be spelt for a fuzzy match
// (1 less their Levenshtein distance over the longer length); words under
// four letters must be equal.
const minWordSim = 0.7

// fuzzy adds the suppliers for which every word of qt is spelt like one
// of the supplier's words, scored by how alike they are, and the supplier
// whose whole name opens qt, if any ("Bibby Factors invoices").
func (idx *supplierIndex) fuzzy(qt []string, scores map[int]assistant.SupplierMatch) {
	idx.vocabOnce.Do(func() {
		for t := range idx.byToken {
			idx.vocab = append(idx.vocab, t)
		}
		sort.Strings(idx.vocab)
	})
	// best[i][k] is how alike query word k is to supplier i's closest word.
	best := map[int][]float64{}
	for k, w := range qt {
		for _, v := range idx.vocab {
			sim := 1.0
			if v != w {
				if utf8.RuneCountInString(w) < 4 || utf8.RuneCountInString(v) < 4 {
					continue
				}
				if sim = similarity(w, v); sim < minWordSim {
					continue
				}
			}
			for _, i := range idx.byToken[v] {
				if best[i] == nil {
					if k > 0 {
						continue // an earlier word found nothing like it here
					}
					best[i] = make([]float64, len(qt))
				}
				best[i][k] = max(best[i][k], sim)
			}
		}
	}
	for i, sims := range best {
		sum := 0.0
		for _, s := range sims {
			if s == 0 {
				sum = -1
				break
			}
			sum += s
		}
		if sum <= 0 {
			continue
		}
		e := &idx.list[i]
		scores[i] = assistant.SupplierMatch{Name: e.name, Norm: e.norm, Rows: e.rows, How: assistant.MatchFuzzy,
			Score: scoreFuzzy * sum / float64(len(qt))}
	}
	for n := len(qt) - 1; n >= 1; n-- {
		norm := strings.Join(qt[:n], " ")
		if i, ok := idx.find(norm); ok && (n > 1 || len(norm) >= 5) {
			if old, done := scores[i]; !done || old.Score < scoreReverse {
				e := &idx.list[i]
				scores[i] = assistant.SupplierMatch{Name: e.name, Norm: e.norm, Rows: e.rows, How: assistant.MatchFuzzy, Score: scoreReverse}
			}
			break
		}
	}
}

// similarity is 1 less the Levenshtein distance of a and b over the
// longer one's length.
func similarity(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	n := max(len(ra), len(rb))
	if d := abs(len(ra) - len(rb)); float64(d) > float64(n)*(1-minWordSim) {
		return 0 // the lengths alone rule it out
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(rb)])/float64(n)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func hasPrefix(words, prefix []string) bool {
	if len(prefix) > len(words) {
		return false
	}
	for i, w := range prefix {
		if words[i] != w {
			return false
		}
	}
	return true
}

func containsRun(words, run []string) bool {
	for i := 0; i+len(run) <= len(words); i++ {
		if hasPrefix(words[i:], run) {
			return true
		}
	}
	return false
}

// find returns the position of the supplier with normalised name norm.
func (idx *supplierIndex) find(norm string) (int, bool) {
	i := sort.Search(len(idx.list), func(i int) bool { return idx.list[i].norm >= norm })
	return i, i < len(idx.list) && idx.list[i].norm == norm
}
