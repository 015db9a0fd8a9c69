package vector

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/townhall-civic/townhall/retrieval"
)

// DefaultExactBelow is the size below which an Index scans every vector.
// At 20,000 vectors of 100 dimensions an exhaustive scan takes about
// 0.6 ms here and an IVF probe 0.3 ms; below that, perfect recall is worth
// the difference. Above it the scan grows linearly (12–24 ms at 250,000).
const DefaultExactBelow = 20_000

// Options tunes an Index. The zero value is ready to use.
type Options struct {
	// ExactBelow is the number of vectors below which the index searches
	// exhaustively instead of through inverted lists. 0 means
	// DefaultExactBelow.
	ExactBelow int
	// NLists is the number of inverted lists trained; 0 means about
	// sqrt(N) at training time.
	NLists int
	// NProbe is the number of lists searched per query; 0 means enough
	// lists to scan about max(8192, 16·sqrt(N)) vectors. Filtered queries
	// probe further until they have k results.
	NProbe int
	// Seed makes training deterministic.
	Seed int64
}

// Index is an in-memory nearest-neighbour index over unit vectors, scored
// by cosine similarity. Small indexes are searched exhaustively; once an
// index holds Options.ExactBelow vectors it clusters them into inverted
// lists (IVF-Flat) and searches the lists nearest the query. It retrains
// when it has doubled or shrunk to a quarter since it last trained.
//
// Index is safe for concurrent use. Searches share a read lock; Add and
// Delete take the write lock, and the Add or Delete that triggers
// retraining holds it for the whole retraining (about 2.5 s at 250,000
// vectors of 100 dimensions on 2 cores, 8–13 s at a million).
type Index struct {
	dim  int
	opts Options

	mu       sync.RWMutex
	quant    *quantizer // nil while exhaustive
	lists    []postingList
	where    map[string]slot
	n        int
	trainedN int // size at the last training
}

// postingList holds one list's vectors contiguously for cache locality;
// ids[i] owns vecs[i*dim:(i+1)*dim].
type postingList struct {
	ids  []string
	vecs []float32
}

// slot locates a vector.
type slot struct {
	list, pos int32
}

var _ retrieval.VectorIndex = (*Index)(nil)

// New returns an empty index for vectors of dimension dim. It panics if
// dim is not positive, which is a programming error.
func New(dim int, opts Options) *Index {
	if dim <= 0 {
		panic(fmt.Sprintf("vector: dimension %d", dim))
	}
	if opts.ExactBelow <= 0 {
		opts.ExactBelow = DefaultExactBelow
	}
	return &Index{
		dim:   dim,
		opts:  opts,
		lists: make([]postingList, 1),
		where: make(map[string]slot),
	}
}

// Dim returns the vector dimension.
func (x *Index) Dim() int { return x.dim }

// Len returns the number of vectors held.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.n
}

// Add inserts or replaces vectors by ID, storing a normalised copy of each.
// It returns an error wrapping retrieval.ErrDimension if any vector has the
// wrong dimension and one wrapping retrieval.ErrInvalid if ids and vecs
// differ in length or a vector is not finite; then nothing is added.
func (x *Index) Add(ctx context.Context, ids []string, vecs [][]float32) error {
	if len(ids) != len(vecs) {
		return fmt.Errorf("vector: %d ids for %d vectors: %w", len(ids), len(vecs), retrieval.ErrInvalid)
	}
	for i, v := range vecs {
		if len(v) != x.dim {
			return fmt.Errorf("vector: %q has dimension %d, index has %d: %w", ids[i], len(v), x.dim, retrieval.ErrDimension)
		}
		if !finite(v) {
			return fmt.Errorf("vector: %q is not finite: %w", ids[i], retrieval.ErrInvalid)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	nv := make([]float32, x.dim)
	var buf []float32
	if x.quant != nil {
		buf = make([]float32, x.quant.scratchLen())
	}
	for i, id := range ids {
		x.remove(id)
		x.insert(id, vecs[i], nv, buf)
	}
	x.maybeRetrain()
	return nil
}

// Delete removes vectors by ID; unknown IDs are ignored.
func (x *Index) Delete(ctx context.Context, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range ids {
		x.remove(id)
	}
	x.maybeRetrain()
	return nil
}

// insert appends a normalised copy of v to its list; nv is scratch space
// of dim floats and buf is scratch for the quantiser. The caller holds the
// write lock and has removed any vector with the same ID.
func (x *Index) insert(id string, v, nv, buf []float32) {
	copy(nv, v)
	retrieval.Normalize(nv)
	l := 0
	if x.quant != nil {
		l = x.quant.assign(nv, buf)
	}
	pl := &x.lists[l]
	x.where[id] = slot{list: int32(l), pos: int32(len(pl.ids))}
	pl.ids = append(pl.ids, id)
	pl.vecs = append(pl.vecs, nv...)
	x.n++
}

// remove deletes id if present by moving its list's last vector into its
// place, so deletes cost O(dim) and leave no tombstones.
func (x *Index) remove(id string) {
	s, ok := x.where[id]
	if !ok {
		return
	}
	delete(x.where, id)
	pl := &x.lists[s.list]
	last := len(pl.ids) - 1
	d := x.dim
	if int(s.pos) != last {
		moved := pl.ids[last]
		pl.ids[s.pos] = moved
		copy(pl.vecs[int(s.pos)*d:int(s.pos+1)*d], pl.vecs[last*d:(last+1)*d])
		x.where[moved] = s
	}
	pl.ids[last] = ""
	pl.ids = pl.ids[:last]
	pl.vecs = pl.vecs[:last*d]
	x.n--
}

// maybeRetrain reorganises the index when it crosses the exhaustive
// threshold or has doubled or quartered since training. Retraining at
// doubling keeps lists near their intended size at an amortised cost of
// about two trainings at the final size.
func (x *Index) maybeRetrain() {
	switch {
	case x.quant == nil && x.n >= x.opts.ExactBelow:
	case x.quant != nil && (x.n >= 2*x.trainedN || 4*x.n < x.trainedN):
	default:
		return
	}
	x.reorganise()
}

// reorganise rebuilds the lists: one exhaustive list below ExactBelow,
// otherwise a freshly trained quantiser and its inverted lists.
func (x *Index) reorganise() {
	d := x.dim
	// Gather every vector into one row-major matrix. An exhaustive index
	// already is one.
	var ids []string
	var vecs []float32
	if len(x.lists) == 1 {
		ids, vecs = x.lists[0].ids, x.lists[0].vecs
	} else {
		ids = make([]string, 0, x.n)
		vecs = make([]float32, 0, x.n*d)
		for _, pl := range x.lists {
			ids = append(ids, pl.ids...)
			vecs = append(vecs, pl.vecs...)
		}
	}
	x.lists = nil
	if x.n < x.opts.ExactBelow {
		x.quant, x.trainedN = nil, 0
		x.lists = []postingList{{ids: ids, vecs: vecs}}
		for i, id := range ids {
			x.where[id] = slot{list: 0, pos: int32(i)}
		}
		return
	}

	workers := runtime.GOMAXPROCS(0)
	nlist := x.opts.NLists
	if nlist <= 0 {
		nlist = autoLists(x.n)
	}
	sample := trainingSample(vecs, d, nlist, uint64(x.opts.Seed))
	q := trainQuantizer(sample, d, nlist, uint64(x.opts.Seed), workers)

	// Assign every vector, in parallel.
	assign := make([]int32, x.n)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*x.n/workers, (w+1)*x.n/workers
		wg.Go(func() {
			buf := make([]float32, q.scratchLen())
			for i := lo; i < hi; i++ {
				assign[i] = int32(q.assign(vecs[i*d:(i+1)*d], buf))
			}
		})
	}
	wg.Wait()

	counts := make([]int, q.nlist())
	for _, a := range assign {
		counts[a]++
	}
	lists := make([]postingList, q.nlist())
	for l, c := range counts {
		lists[l] = postingList{ids: make([]string, 0, c), vecs: make([]float32, 0, c*d)}
	}
	for i, a := range assign {
		pl := &lists[a]
		x.where[ids[i]] = slot{list: a, pos: int32(len(pl.ids))}
		pl.ids = append(pl.ids, ids[i])
		pl.vecs = append(pl.vecs, vecs[i*d:(i+1)*d]...)
	}
	x.quant, x.lists, x.trainedN = q, lists, x.n
}

// autoLists is the default list count: about sqrt(n), the usual IVF
// choice, which balances ranking the centroids against scanning lists.
func autoLists(n int) int {
	return max(1, int(math.Round(math.Sqrt(float64(n)))))
}

// sampleSize caps the k-means training sample; 64 vectors per list is
// plenty for coarse centroids and keeps training to about a second.
func sampleSize(n, nlist int) int {
	return min(n, max(64*nlist, 10_000), 100_000)
}

// trainingSample returns a random sample of the rows of vecs as a new
// row-major matrix.
func trainingSample(vecs []float32, d, nlist int, seed uint64) []float32 {
	n := len(vecs) / d
	m := sampleSize(n, nlist)
	if m == n {
		return vecs
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]float32, 0, m*d)
	for _, r := range rng.Perm(n)[:m] {
		out = append(out, vecs[r*d:(r+1)*d]...)
	}
	return out
}

// Search returns up to k vectors nearest to q that accept allows (nil
// accepts all), closest first, scored by cosine similarity. It returns an
// error wrapping retrieval.ErrDimension if q has the wrong dimension.
// accept runs under the index's read lock and must not call the index.
func (x *Index) Search(ctx context.Context, q []float32, k int, accept func(id string) bool) ([]retrieval.VectorHit, error) {
	if len(q) != x.dim {
		return nil, fmt.Errorf("vector: query has dimension %d, index has %d: %w", len(q), x.dim, retrieval.ErrDimension)
	}
	if !finite(q) {
		return nil, fmt.Errorf("vector: query is not finite: %w", retrieval.ErrInvalid)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if k <= 0 {
		return nil, nil
	}
	qn := retrieval.Normalize(slices.Clone(q))

	x.mu.RLock()
	defer x.mu.RUnlock()
	top := newTopK(min(k, x.n))
	if top.k == 0 {
		return nil, nil
	}
	var buf [scanBlock]float32
	if x.quant == nil {
		x.scan(qn, 0, &top, accept, &buf)
	} else if err := x.probe(ctx, qn, &top, accept, &buf); err != nil {
		return nil, err
	}

	h := top.heap
	slices.SortFunc(h, func(a, b candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return strings.Compare(x.lists[a.list].ids[a.pos], x.lists[b.list].ids[b.pos])
	})
	hits := make([]retrieval.VectorHit, len(h))
	for i, c := range h {
		hits[i] = retrieval.VectorHit{ID: x.lists[c.list].ids[c.pos], Score: c.score}
	}
	return hits, nil
}

// scanBlock is how many scores are computed before they are offered to
// the heap; a stack buffer of this size keeps the scan allocation-free.
const scanBlock = 256

// scan offers every vector of list l to top.
func (x *Index) scan(q []float32, l int, top *topK, accept func(string) bool, buf *[scanBlock]float32) {
	pl := &x.lists[l]
	d := x.dim
	n := len(pl.ids)
	for start := 0; start < n; start += scanBlock {
		end := min(start+scanBlock, n)
		scores := buf[:end-start]
		dotAll(q, pl.vecs[start*d:end*d], scores)
		for i, s := range scores {
			if !top.admits(s) {
				continue
			}
			if accept != nil && !accept(pl.ids[start+i]) {
				continue
			}
			top.push(candidate{score: s, list: int32(l), pos: int32(start + i)})
		}
	}
}

// probe searches the lists whose centroids are nearest q: NProbe of them,
// then more, nearest first, while fewer than k candidates are accepted.
func (x *Index) probe(ctx context.Context, q []float32, top *topK, accept func(string) bool, buf *[scanBlock]float32) error {
	nl := x.quant.nlist()
	cs := make([]float32, nl)
	dotAll(q, x.quant.centroids, cs)
	nprobe := x.opts.NProbe
	if nprobe <= 0 {
		nprobe = autoProbe(nl, x.n)
	}
	nprobe = min(nprobe, nl)

	// Select the nprobe best lists with a heap, which is cheaper than
	// sorting every centroid.
	best := newTopK(nprobe)
	for l, s := range cs {
		if best.admits(s) {
			best.push(candidate{score: s, list: int32(l)})
		}
	}
	order := best.heap
	slices.SortFunc(order, func(a, b candidate) int { return cmpScoreDesc(a.score, b.score) })
	for _, c := range order {
		if err := ctx.Err(); err != nil {
			return err
		}
		x.scan(q, int(c.list), top, accept, buf)
	}
	if top.full() || nprobe == nl {
		return nil
	}

	// Too few accepted: widen to the remaining lists, nearest first.
	probed := make([]bool, nl)
	for _, c := range order {
		probed[c.list] = true
	}
	rest := make([]candidate, 0, nl-nprobe)
	for l, s := range cs {
		if !probed[l] {
			rest = append(rest, candidate{score: s, list: int32(l)})
		}
	}
	slices.SortFunc(rest, func(a, b candidate) int { return cmpScoreDesc(a.score, b.score) })
	for _, c := range rest {
		if top.full() {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		x.scan(q, int(c.list), top, accept, buf)
	}
	return nil
}

// autoProbe is the default number of lists probed: enough to scan about
// max(8192, 16·sqrt(n)) of the n vectors. The floor keeps recall high on
// small and mid-sized indexes, where scanning 8,192 vectors costs under
// half a millisecond; the square root keeps latency near a millisecond at
// a million vectors. See doc.go for the measurements behind it.
func autoProbe(nl, n int) int {
	target := max(minScan, 16*math.Sqrt(float64(n)))
	return max(1, min(nl, int(math.Ceil(target*float64(nl)/float64(max(n, 1))))))
}

// minScan is the number of vectors a default probe scans at least.
const minScan = 8192

func cmpScoreDesc(a, b float32) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

func finite(v []float32) bool {
	for _, f := range v {
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return false
		}
	}
	return true
}
