package vector

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// mixture describes synthetic embeddings: a two-level Gaussian mixture on
// the unit sphere. Topics are random directions; each cluster centre is a
// topic plus noise; each vector is a cluster centre plus noise. Real text
// embeddings are clustered at several scales like this, which is what
// makes inverted lists work; uniform random vectors have no structure and
// are unrealistically hard for any ANN method.
type mixture struct {
	dim           int
	topics        int
	clusters      int
	topicSpread   float64 // noise norm added to a topic to make a cluster centre
	clusterSpread float64 // noise norm added to a centre to make a vector
	seed          uint64
}

// defaultMixture scales a mixture to n vectors: about 10,000 vectors per
// topic and 100 per cluster.
func defaultMixture(n, dim int) mixture {
	return mixture{
		dim:           dim,
		topics:        max(1, n/10_000),
		clusters:      max(1, n/100),
		topicSpread:   1.0,
		clusterSpread: 1.0,
		seed:          1,
	}
}

// generate returns n data vectors and nq query vectors drawn from the
// same distribution, each a view into one flat backing array.
func (m mixture) generate(n, nq int) (data, queries [][]float32) {
	rng := rand.New(rand.NewPCG(m.seed, 42))
	d := m.dim
	gauss := func(dst []float32, base []float32, spread float64) {
		s := spread / math.Sqrt(float64(d))
		for i := range dst {
			b := float32(0)
			if base != nil {
				b = base[i]
			}
			dst[i] = b + float32(s*rng.NormFloat64())
		}
		normalize(dst)
	}
	topics := make([]float32, m.topics*d)
	for t := range m.topics {
		gauss(topics[t*d:(t+1)*d], nil, 1)
	}
	centres := make([]float32, m.clusters*d)
	for c := range m.clusters {
		t := rng.IntN(m.topics)
		gauss(centres[c*d:(c+1)*d], topics[t*d:(t+1)*d], m.topicSpread)
	}
	flat := make([]float32, (n+nq)*d)
	all := make([][]float32, n+nq)
	for i := range all {
		c := rng.IntN(m.clusters)
		v := flat[i*d : (i+1)*d : (i+1)*d]
		gauss(v, centres[c*d:(c+1)*d], m.clusterSpread)
		all[i] = v
	}
	return all[:n], all[n:]
}

func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}

// seqIDs returns "v0", "v1", … for n vectors.
func seqIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "v" + strconv.Itoa(i)
	}
	return ids
}

// bruteForce returns the indexes of the k rows of data nearest q (both
// unit vectors), best first: the reference every index is checked against.
func bruteForce(data [][]float32, q []float32, k int) []int {
	type scored struct {
		i int
		s float32
	}
	all := make([]scored, len(data))
	for i, v := range data {
		var s float32
		for j := range q {
			s += q[j] * v[j]
		}
		all[i] = scored{i, s}
	}
	slices.SortFunc(all, func(a, b scored) int {
		if c := cmp.Compare(b.s, a.s); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	out := make([]int, 0, k)
	for _, s := range all[:min(k, len(all))] {
		out = append(out, s.i)
	}
	return out
}

// recall is the fraction of want found in got.
func recall(want []int, got []string, ids []string) float64 {
	if len(want) == 0 {
		return 1
	}
	in := make(map[string]bool, len(got))
	for _, g := range got {
		in[g] = true
	}
	n := 0
	for _, w := range want {
		if in[ids[w]] {
			n++
		}
	}
	return float64(n) / float64(len(want))
}
