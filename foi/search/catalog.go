package search

import (
	"container/heap"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"
)

// catalog holds every entry's facet values and date in memory, one row
// per entry, with each facet's values coded as small integers.
//
// Bleve can count facets and sort by date itself, but it reads doc values
// for every matching document, which on a log of 100,000 requests costs
// hundreds of milliseconds for a broad search. The catalog answers the
// same questions from arrays: a search asks bleve only which entries
// match (segments.go) and which are the best page of them.
type catalog struct {
	mu     sync.RWMutex
	rows   []row
	byID   map[string]int32
	dicts  [numFacets]dict
	exDict dict // exemptions, which are multi-valued
	live   int
	// cols holds each facet's codes by row (cols[pos][i] is
	// rows[i].vals[pos]) and hasEx marks the rows with exemptions, one
	// bit each: counting facets over 100,000 matches reads these compact
	// arrays rather than every row.
	cols  [numFacets][]uint32
	hasEx []uint64
}

// The facets' positions in row.vals; FacetExemption is multi-valued and
// kept apart.
const (
	posKind = iota
	posYear
	posStatus
	posLaw
	posDepartment
	posTopic
	numFacets
)

var facetPos = map[Facet]int{FacetKind: posKind, FacetYear: posYear, FacetStatus: posStatus, FacetLaw: posLaw,
	FacetDepartment: posDepartment, FacetTopic: posTopic}

// noDate sorts entries without a date last whichever way dates run.
const noDate = math.MinInt64

type row struct {
	id         string
	live       bool
	date       int64 // Unix nanoseconds, or noDate
	vals       [numFacets]uint32
	exemptions []uint32
}

// dict codes one facet's values; code 0 is "no value".
type dict struct {
	values []string
	codes  map[string]uint32
}

func (d *dict) code(v string) uint32 {
	if v == "" {
		return 0
	}
	if c, ok := d.codes[v]; ok {
		return c
	}
	if d.codes == nil {
		d.codes = map[string]uint32{}
		d.values = []string{""}
	}
	c := uint32(len(d.values))
	d.values = append(d.values, v)
	d.codes[v] = c
	return c
}

func (d *dict) lookup(v string) (uint32, bool) {
	c, ok := d.codes[v]
	return c, ok
}

func (d *dict) value(c uint32) string {
	if int(c) < len(d.values) {
		return d.values[c]
	}
	return ""
}

func newCatalog() *catalog { return &catalog{byID: map[string]int32{}} }

// put adds or replaces entries.
func (c *catalog) put(es []Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range es {
		r := row{id: e.ID, live: true, date: noDate}
		if !e.Date.IsZero() {
			r.date = e.Date.UnixNano()
		}
		year := ""
		if !e.Date.IsZero() {
			year = strconv.Itoa(e.Date.Year())
		}
		for pos, v := range [numFacets]string{e.Kind, year, e.Status, e.Law, e.Department, e.Topic} {
			r.vals[pos] = c.dicts[pos].code(v)
		}
		for _, x := range e.Exemptions {
			r.exemptions = append(r.exemptions, c.exDict.code(x))
		}
		i, ok := c.byID[e.ID]
		if ok {
			if !c.rows[i].live {
				c.live++
			}
			c.rows[i] = r
		} else {
			i = int32(len(c.rows))
			c.byID[e.ID] = i
			c.rows = append(c.rows, r)
			c.live++
			for pos := range c.cols {
				c.cols[pos] = append(c.cols[pos], 0)
			}
			if int(i)/64 >= len(c.hasEx) {
				c.hasEx = append(c.hasEx, 0)
			}
		}
		for pos := range c.cols {
			c.cols[pos][i] = r.vals[pos]
		}
		if len(r.exemptions) > 0 {
			c.hasEx[i/64] |= 1 << (i % 64)
		} else {
			c.hasEx[i/64] &^= 1 << (i % 64)
		}
	}
}

// remove marks entries deleted; their rows stay so that ordinals hold.
func (c *catalog) remove(ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if i, ok := c.byID[id]; ok && c.rows[i].live {
			c.rows[i].live = false
			c.live--
		}
	}
}

func (c *catalog) ordinal(id string) int32 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if i, ok := c.byID[id]; ok {
		return i
	}
	return -1
}

// filter compiles q's filters against the dictionaries. ok is false when
// a filter names no known value, so nothing can match.
type compiledFilter struct {
	single   [numFacets]map[uint32]bool
	ex       map[uint32]bool
	dates    bool
	from, to int64 // Unix nanoseconds, from inclusive, to exclusive
}

// setDates bounds the entry date; zero times leave that side open.
func (f *compiledFilter) setDates(from, to time.Time) {
	if from.IsZero() && to.IsZero() {
		return
	}
	f.dates, f.from, f.to = true, math.MinInt64+1, math.MaxInt64
	if !from.IsZero() {
		f.from = from.UnixNano()
	}
	if !to.IsZero() {
		f.to = to.UnixNano()
	}
}

func (c *catalog) compile(filters map[Facet][]string) (f compiledFilter, ok bool) {
	for facet, vals := range filters {
		if len(vals) == 0 {
			continue
		}
		set := map[uint32]bool{}
		d := &c.exDict
		pos, single := facetPos[facet]
		if single {
			d = &c.dicts[pos]
		}
		for _, v := range vals {
			if code, found := d.lookup(v); found {
				set[code] = true
			}
		}
		if len(set) == 0 {
			return f, false
		}
		if single {
			f.single[pos] = set
		} else {
			f.ex = set
		}
	}
	return f, true
}

// empty reports whether f passes every row.
func (f *compiledFilter) empty() bool {
	if f.dates || f.ex != nil {
		return false
	}
	for _, set := range f.single {
		if set != nil {
			return false
		}
	}
	return true
}

func (f *compiledFilter) match(r *row) bool {
	if f.dates && (r.date == noDate || r.date < f.from || r.date >= f.to) {
		return false
	}
	for pos, set := range f.single {
		if set != nil && !set[r.vals[pos]] {
			return false
		}
	}
	if f.ex != nil {
		for _, x := range r.exemptions {
			if f.ex[x] {
				return true
			}
		}
		return false
	}
	return true
}

// selection is a set of row ordinals being narrowed down by a search.
type selection []int32

// all returns every live row.
func (c *catalog) all() selection {
	out := make(selection, 0, c.live)
	for i := range c.rows {
		if c.rows[i].live {
			out = append(out, int32(i))
		}
	}
	return out
}

// narrow keeps the rows of sel that pass f, in place, and the scores
// that go with them when scores is not nil. The caller holds the read
// lock.
func (c *catalog) narrow(sel selection, scores []float64, f *compiledFilter) (selection, []float64) {
	if f.empty() && c.live == len(c.rows) {
		return sel, scores // nothing to drop: a broad search keeps 100,000 rows
	}
	out := sel[:0]
	var kept []float64
	if scores != nil {
		kept = scores[:0]
	}
	for n, i := range sel {
		if r := &c.rows[i]; r.live && f.match(r) {
			out = append(out, i)
			if scores != nil {
				kept = append(kept, scores[n])
			}
		}
	}
	return out, kept
}

// facets counts each facet's values over sel.
func (c *catalog) facets(sel selection) []FacetResult {
	var counts [numFacets][]int
	for pos := range counts {
		counts[pos] = make([]int, len(c.dicts[pos].values)+1)
	}
	exCounts := make([]int, len(c.exDict.values)+1)
	for pos := range counts {
		col, cnt := c.cols[pos], counts[pos]
		for _, i := range sel {
			cnt[col[i]]++
		}
	}
	for _, i := range sel {
		if c.hasEx[i/64]&(1<<(i%64)) != 0 {
			for _, x := range c.rows[i].exemptions {
				exCounts[x]++
			}
		}
	}
	var out []FacetResult
	for _, f := range Facets {
		cs, d := exCounts, &c.exDict
		if pos, ok := facetPos[f]; ok {
			cs, d = counts[pos], &c.dicts[pos]
		}
		out = append(out, topValues(f, cs, d))
	}
	return out
}

func topValues(f Facet, counts []int, d *dict) FacetResult {
	res := FacetResult{Facet: f}
	for code := 1; code < len(counts); code++ {
		if counts[code] > 0 {
			res.Values = append(res.Values, FacetValue{Value: d.value(uint32(code)), Count: counts[code]})
		}
	}
	sort.Slice(res.Values, func(i, j int) bool {
		a, b := res.Values[i], res.Values[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Value < b.Value
	})
	if n := facetSizes[f]; len(res.Values) > n {
		for _, v := range res.Values[n:] {
			res.Other += v.Count
		}
		res.Values = res.Values[:n]
	}
	if f == FacetYear {
		sort.Slice(res.Values, func(i, j int) bool { return res.Values[i].Value > res.Values[j].Value })
	}
	return res
}

// byDate returns the IDs of rows [offset, offset+limit) of sel ordered by
// date (newest first unless oldest), undated last, ties by ID.
func (c *catalog) byDate(sel selection, oldest bool, offset, limit int) []string {
	better := func(a, b int32) bool {
		ra, rb := &c.rows[sel[a]], &c.rows[sel[b]]
		if ra.date != rb.date {
			switch {
			case ra.date == noDate:
				return false
			case rb.date == noDate:
				return true
			case oldest:
				return ra.date < rb.date
			default:
				return ra.date > rb.date
			}
		}
		return ra.id < rb.id
	}
	ids, _ := c.page(sel, nil, better, offset, limit)
	return ids
}

// byScore returns the IDs and scores of rows [offset, offset+limit) of
// sel ordered by score (scores[n] is sel[n]'s), best first, ties by ID.
func (c *catalog) byScore(sel selection, scores []float64, offset, limit int) ([]string, []float64) {
	better := func(a, b int32) bool {
		if scores[a] != scores[b] {
			return scores[a] > scores[b]
		}
		return c.rows[sel[a]].id < c.rows[sel[b]].id
	}
	return c.page(sel, scores, better, offset, limit)
}

// page returns the IDs (and scores, when not nil) of the entries
// [offset, offset+limit) of sel in the order better gives, where
// better(a, b) compares positions in sel. It keeps only offset+limit
// positions in a heap rather than sorting all of sel.
func (c *catalog) page(sel selection, scores []float64, better func(a, b int32) bool, offset, limit int) ([]string, []float64) {
	h := &topHeap{better: better}
	k := offset + limit
	for n := range sel {
		if h.Len() < k {
			heap.Push(h, int32(n))
		} else if better(int32(n), h.idx[0]) {
			h.idx[0] = int32(n)
			heap.Fix(h, 0)
		}
	}
	ordered := make([]int32, h.Len())
	for n := len(ordered) - 1; n >= 0; n-- {
		ordered[n] = heap.Pop(h).(int32)
	}
	var ids []string
	var out []float64
	for n := offset; n < len(ordered); n++ {
		ids = append(ids, c.rows[sel[ordered[n]]].id)
		if scores != nil {
			out = append(out, scores[ordered[n]])
		}
	}
	return ids, out
}

// topHeap is a heap of positions whose root is the worst of the best k
// seen.
type topHeap struct {
	better func(a, b int32) bool
	idx    []int32
}

func (h *topHeap) Len() int           { return len(h.idx) }
func (h *topHeap) Less(i, j int) bool { return h.better(h.idx[j], h.idx[i]) }
func (h *topHeap) Swap(i, j int)      { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *topHeap) Push(x any)         { h.idx = append(h.idx, x.(int32)) }
func (h *topHeap) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}
