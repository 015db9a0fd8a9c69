package embed

import "math"

// abttSample is how many of the most frequent words AllButTheTop fits its
// mean and components on: the head of the vocabulary is where the common
// directions live, and the rare tail is noisier.
const abttSample = 20000

// AllButTheTop returns a copy of the table post-processed as in Mu and
// Viswanath, "All-but-the-Top: Simple and Effective Postprocessing for Word
// Representations" (ICLR 2018): the mean vector is subtracted and the top d
// principal components are projected out. GloVe vectors share a few
// dominant directions that encode frequency rather than meaning; removing
// them makes cosine similarity more about meaning. The paper suggests d of
// about dim/100; for 100-dimensional GloVe on council pages d = 5 measured
// best (see the package documentation). tools/glove applies it when it
// builds the file, so loading stays fast.
func (wv *WordVectors) AllButTheTop(d int) *WordVectors {
	dim := wv.dim
	out := *wv
	out.vecs = append([]float32(nil), wv.vecs...)
	out.removed = wv.removed + d
	n := min(abttSample, len(wv.words))

	mean := make([]float64, dim)
	for i := range n {
		for j, x := range wv.row(i) {
			mean[j] += float64(x)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := range out.words {
		v := out.row(i)
		for j := range v {
			v[j] -= float32(mean[j])
		}
	}

	// Covariance of the centred sample, then its top d eigenvectors by
	// power iteration with deflation: dim is small, so this is cheap.
	cov := make([]float64, dim*dim)
	for i := range n {
		v := out.row(i)
		for a := range dim {
			va := float64(v[a])
			row := cov[a*dim : (a+1)*dim]
			for b := range dim {
				row[b] += va * float64(v[b])
			}
		}
	}
	comps := make([][]float32, 0, d)
	for range min(d, dim) {
		u := topEigenvector(cov, dim)
		lambda := 0.0
		for a := range dim {
			for b := range dim {
				lambda += u[a] * cov[a*dim+b] * u[b]
			}
		}
		for a := range dim {
			for b := range dim {
				cov[a*dim+b] -= lambda * u[a] * u[b]
			}
		}
		c := make([]float32, dim)
		for a := range c {
			c[a] = float32(u[a])
		}
		comps = append(comps, c)
	}
	for i := range out.words {
		v := out.row(i)
		for _, c := range comps {
			axpy(-dot(v, c), c, v)
		}
	}
	return &out
}

// topEigenvector returns the unit eigenvector of the largest eigenvalue of
// the symmetric dim×dim matrix m, by power iteration from a fixed start so
// the result is deterministic.
func topEigenvector(m []float64, dim int) []float64 {
	u := make([]float64, dim)
	for i := range u {
		u[i] = 1 + float64(i%7)/7 // not orthogonal to anything in particular
	}
	next := make([]float64, dim)
	for range 1000 {
		for a := range dim {
			var x float64
			for b, ub := range u {
				x += m[a*dim+b] * ub
			}
			next[a] = x
		}
		var nn float64
		for _, x := range next {
			nn += x * x
		}
		nn = math.Sqrt(nn)
		if nn == 0 {
			return u
		}
		var delta float64
		for a := range u {
			x := next[a] / nn
			delta += math.Abs(x - u[a])
			u[a] = x
		}
		if delta < 1e-10 {
			break
		}
	}
	return u
}
