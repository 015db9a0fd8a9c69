package vector

import (
	"math"
	"math/rand/v2"
	"sync"
)

// quantizer is the IVF coarse quantiser: nlist centroids, each owning one
// inverted list. The centroids are grouped under a few super-centroids
// (about sqrt(nlist) of them) so that assigning a vector costs about
// (1+superProbe)·sqrt(nlist) dot products rather than nlist. That matters
// for training: assigning 1M vectors to 1,000 flat centroids in pure Go
// takes about half a minute on 2 cores, through the two levels a few
// seconds. Queries still rank all centroids flat, which is cheap once.
type quantizer struct {
	dim       int
	supers    []float32 // nsuper × dim
	superEnd  []int32   // sub-centroids of super j are [superEnd[j-1], superEnd[j])
	centroids []float32 // nlist × dim, grouped by super
}

// superProbe is how many super-centroids assignment looks under. Looking
// under more than one catches vectors whose nearest centroid belongs to a
// neighbouring super, which keeps assignment close to the flat nearest
// centroid that queries rank by.
const superProbe = 3

// kmeansIters bounds Lloyd iterations; spherical k-means on a sample
// settles well within this, and more buys no measurable recall.
const kmeansIters = 12

func (q *quantizer) nlist() int { return len(q.centroids) / q.dim }

func (q *quantizer) nsuper() int { return len(q.superEnd) }

func (q *quantizer) subRange(j int) (int, int) {
	start := 0
	if j > 0 {
		start = int(q.superEnd[j-1])
	}
	return start, int(q.superEnd[j])
}

// assign returns the list for unit vector v. buf is scratch space of at
// least q.scratchLen() floats.
func (q *quantizer) assign(v []float32, buf []float32) int {
	d := q.dim
	ns := q.nsuper()
	ss := buf[:ns]
	dotAll(v, q.supers, ss)
	best, bestScore := -1, float32(math.Inf(-1))
	for range min(superProbe, ns) {
		// Select the best remaining super, then mark it used.
		j := 0
		for i := 1; i < ns; i++ {
			if ss[i] > ss[j] {
				j = i
			}
		}
		ss[j] = float32(math.Inf(-1))
		start, end := q.subRange(j)
		sub := buf[ns : ns+end-start]
		dotAll(v, q.centroids[start*d:end*d], sub)
		for i, s := range sub {
			if s > bestScore {
				best, bestScore = start+i, s
			}
		}
	}
	if best < 0 {
		// Only possible when the probed supers own no centroids.
		sub := make([]float32, q.nlist())
		dotAll(v, q.centroids, sub)
		best = argmax(sub)
	}
	return best
}

// scratchLen is the buffer size assign needs.
func (q *quantizer) scratchLen() int {
	m := 0
	for j := range q.nsuper() {
		start, end := q.subRange(j)
		m = max(m, end-start)
	}
	return q.nsuper() + m
}

func argmax(s []float32) int {
	best := 0
	for i := 1; i < len(s); i++ {
		if s[i] > s[best] {
			best = i
		}
	}
	return best
}

// trainQuantizer fits about nlist centroids to sample, a row-major matrix
// of unit vectors, with two levels of spherical k-means: first about
// sqrt(nlist) super-centroids, then within each super a share of the
// centroids proportional to its share of the sample.
func trainQuantizer(sample []float32, dim, nlist int, seed uint64, workers int) *quantizer {
	n := len(sample) / dim
	nlist = max(1, min(nlist, n))
	nsuper := 1
	if nlist > 64 {
		nsuper = int(math.Round(math.Sqrt(float64(nlist))))
	}
	supers, assign := kmeans(sample, dim, nsuper, seed, workers)

	// Group the sample by super.
	members := make([][]int32, nsuper)
	for i, a := range assign {
		members[a] = append(members[a], int32(i))
	}
	subs := make([][]float32, nsuper)
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				m := members[j]
				if len(m) == 0 {
					continue
				}
				rows := make([]float32, 0, len(m)*dim)
				for _, r := range m {
					rows = append(rows, sample[int(r)*dim:int(r+1)*dim]...)
				}
				k := int(math.Round(float64(nlist) * float64(len(m)) / float64(n)))
				k = max(1, min(k, len(m)))
				subs[j], _ = kmeans(rows, dim, k, seed^uint64(j+1)*0x9e3779b97f4a7c15, 1)
			}
		})
	}
	for j := range nsuper {
		jobs <- j
	}
	close(jobs)
	wg.Wait()

	q := &quantizer{dim: dim, supers: supers, superEnd: make([]int32, nsuper)}
	for j, s := range subs {
		q.centroids = append(q.centroids, s...)
		q.superEnd[j] = int32(len(q.centroids) / dim)
	}
	return q
}

// kmeans runs spherical k-means (cosine similarity, unit centroids) on the
// rows of data and returns k centroids and each row's cluster. It is
// deterministic for a given seed whatever the number of workers.
func kmeans(data []float32, dim, k int, seed uint64, workers int) ([]float32, []int32) {
	n := len(data) / dim
	rng := rand.New(rand.NewPCG(seed, 0x7a6f))
	k = max(1, min(k, n))
	cents := make([]float32, k*dim)
	perm := rng.Perm(n)
	for c := range k {
		copy(cents[c*dim:(c+1)*dim], data[perm[c]*dim:(perm[c]+1)*dim])
	}
	assign := make([]int32, n)
	for i := range assign {
		assign[i] = -1
	}
	if k == 1 {
		// One cluster: the centroid is the normalised mean.
		for i := range assign {
			assign[i] = 0
		}
		meanInto(cents, data, dim, assign, make([]int, 1))
		return cents, assign
	}
	counts := make([]int, k)
	for range kmeansIters {
		changed := assignAll(data, dim, cents, assign, workers)
		meanInto(cents, data, dim, assign, counts)
		// Reseed empty clusters on random rows so k stays honest.
		for c, cnt := range counts {
			if cnt == 0 {
				r := rng.IntN(n)
				copy(cents[c*dim:(c+1)*dim], data[r*dim:(r+1)*dim])
				changed = n
			}
		}
		if changed*1000 < n {
			break
		}
	}
	assignAll(data, dim, cents, assign, workers)
	return cents, assign
}

// assignAll sets assign[i] to the centroid nearest row i, in parallel, and
// returns how many assignments changed.
func assignAll(data []float32, dim int, cents []float32, assign []int32, workers int) int {
	n := len(assign)
	k := len(cents) / dim
	workers = max(1, min(workers, n/256))
	changed := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Go(func() {
			buf := make([]float32, k)
			for i := lo; i < hi; i++ {
				dotAll(data[i*dim:(i+1)*dim], cents, buf)
				a := int32(argmax(buf))
				if a != assign[i] {
					assign[i] = a
					changed[w]++
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, c := range changed {
		total += c
	}
	return total
}

// meanInto sets each centroid to the normalised mean of its rows and
// records cluster sizes in counts. Empty clusters keep their centroid.
func meanInto(cents, data []float32, dim int, assign []int32, counts []int) {
	k := len(cents) / dim
	sums := make([]float64, k*dim)
	clear(counts)
	for i, a := range assign {
		counts[a]++
		s := sums[int(a)*dim : int(a+1)*dim]
		for j, x := range data[i*dim : (i+1)*dim] {
			s[j] += float64(x)
		}
	}
	for c := range k {
		if counts[c] == 0 {
			continue
		}
		s := sums[c*dim : (c+1)*dim]
		var norm float64
		for _, x := range s {
			norm += x * x
		}
		if norm == 0 {
			continue
		}
		inv := 1 / math.Sqrt(norm)
		for j, x := range s {
			cents[c*dim+j] = float32(x * inv)
		}
	}
}
