package vector

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/townhall-civic/townhall/retrieval"
)

// mustAdd adds vecs under ids, failing the test on error.
func mustAdd(tb testing.TB, x *Index, ids []string, vecs [][]float32) {
	tb.Helper()
	if err := x.Add(context.Background(), ids, vecs); err != nil {
		tb.Fatalf("Add: %v", err)
	}
}

// hitIDs returns the IDs of hits in order.
func hitIDs(hits []retrieval.VectorHit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

// idsOf maps data indexes to IDs.
func idsOf(idx []int, ids []string) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = ids[j]
	}
	return out
}

func TestExactMatchesBruteForce(t *testing.T) {
	for _, dim := range []int{2, 3, 16, 100} {
		t.Run(fmt.Sprintf("d=%d", dim), func(t *testing.T) {
			data, queries := defaultMixture(2000, dim).generate(2000, 20)
			ids := seqIDs(len(data))
			x := New(dim, Options{})
			mustAdd(t, x, ids, data)
			ref := make(map[string][]float32, len(data))
			for i, v := range data {
				ref[ids[i]] = v
			}
			if x.quant != nil {
				t.Fatalf("index of %d vectors trained lists; want exhaustive", x.Len())
			}
			for qi, q := range queries {
				hits, err := x.Search(context.Background(), q, 10, nil)
				if err != nil {
					t.Fatal(err)
				}
				want := refSearch(ref, q, 10)
				if diff := cmp.Diff(want, hitIDs(hits)); diff != "" {
					t.Errorf("query %d: hits mismatch (-want +got):\n%s", qi, diff)
				}
				for _, h := range hits {
					i, _ := strconv.Atoi(h.ID[1:])
					if got, want := h.Score, naiveDot(q, data[i]); math.Abs(float64(got-want)) > 1e-5 {
						t.Errorf("query %d: score of %s = %v, want %v", qi, h.ID, got, want)
					}
				}
			}
		})
	}
}

func naiveDot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func TestDotKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for d := 1; d <= 19; d++ {
		rows := make([]float32, 7*d)
		for i := range rows {
			rows[i] = rng.Float32()*2 - 1
		}
		q := rows[:d]
		out := make([]float32, 7)
		dotAll(q, rows, out)
		for r := range 7 {
			want := naiveDot(q, rows[r*d:(r+1)*d])
			if got := dot(q, rows[r*d:(r+1)*d]); math.Abs(float64(got-want)) > 1e-5 {
				t.Errorf("d=%d row %d: dot = %v, want %v", d, r, got, want)
			}
			if math.Abs(float64(out[r]-want)) > 1e-5 {
				t.Errorf("d=%d row %d: dotAll = %v, want %v", d, r, out[r], want)
			}
		}
	}
}

func TestIVFRecall(t *testing.T) {
	const n, dim, nq = 20_000, 32, 100
	data, queries := defaultMixture(n, dim).generate(n, nq)
	ids := seqIDs(n)
	x := New(dim, Options{ExactBelow: 1000, Seed: 7})
	mustAdd(t, x, ids, data)
	if x.quant == nil || len(x.lists) < 2 {
		t.Fatalf("index has %d lists; want a trained IVF index", len(x.lists))
	}
	if nl, np := x.quant.nlist(), autoProbe(x.quant.nlist(), x.Len()); 2*np > nl {
		t.Errorf("default probe searches %d of %d lists; want under half", np, nl)
	}
	var sum float64
	for _, q := range queries {
		hits, err := x.Search(context.Background(), q, 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		sum += recall(bruteForce(data, q, 10), hitIDs(hits), ids)
	}
	if got := sum / nq; got < 0.95 {
		t.Errorf("recall@10 = %.3f, want >= 0.95", got)
	}
}

// TestOperations checks a random sequence of adds, upserts and deletes
// against a reference map, crossing the exhaustive threshold and
// retraining both ways. Probing every list makes IVF search exact, so
// results must equal brute force over the live vectors.
func TestOperations(t *testing.T) {
	const dim = 8
	for _, opts := range []Options{
		{},                                       // exhaustive throughout
		{ExactBelow: 100, NProbe: math.MaxInt32}, // IVF, probing everything
	} {
		t.Run(fmt.Sprintf("exactBelow=%d", opts.ExactBelow), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(9, 9))
			x := New(dim, opts)
			ref := map[string][]float32{}
			randVec := func() []float32 {
				v := make([]float32, dim)
				for i := range v {
					v[i] = float32(rng.NormFloat64())
				}
				return v
			}
			ctx := context.Background()
			trained := false
			for step := range 120 {
				// Grow for the first 80 steps, then mostly shrink.
				switch r := rng.IntN(10); {
				case step < 80 && r < 8 || step >= 80 && r < 2:
					var ids []string
					var vecs [][]float32
					for range rng.IntN(20) + 1 {
						id := "id" + strconv.Itoa(rng.IntN(1000))
						v := randVec()
						ids, vecs = append(ids, id), append(vecs, v)
						ref[id] = normalize32(v)
					}
					if err := x.Add(ctx, ids, vecs); err != nil {
						t.Fatal(err)
					}
				default:
					var ids []string
					for range rng.IntN(40) + 1 {
						id := "id" + strconv.Itoa(rng.IntN(1000))
						ids = append(ids, id)
						delete(ref, id)
					}
					if err := x.Delete(ctx, ids); err != nil {
						t.Fatal(err)
					}
				}
				trained = trained || x.quant != nil
				if got, want := x.Len(), len(ref); got != want {
					t.Fatalf("step %d: Len = %d, want %d", step, got, want)
				}
				q := randVec()
				hits, err := x.Search(ctx, q, 5, nil)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(refSearch(ref, normalize32(q), 5), hitIDs(hits)); diff != "" {
					t.Fatalf("step %d: hits mismatch (-want +got):\n%s", step, diff)
				}
			}
			if wantTrained := opts.ExactBelow == 100; trained != wantTrained {
				t.Errorf("index trained = %v, want %v", trained, wantTrained)
			}
		})
	}
}

func normalize32(v []float32) []float32 {
	out := append([]float32(nil), v...)
	normalize(out)
	return out
}

// refSearch is brute force over a map of unit vectors.
func refSearch(ref map[string][]float32, q []float32, k int) []string {
	var ids []string
	var data [][]float32
	for id, v := range ref {
		ids, data = append(ids, id), append(data, v)
	}
	// Ties are broken by ID in the index; sort the reference the same way.
	got := bruteForce(data, q, len(data))
	out := idsOf(got, ids)
	scores := map[string]float32{}
	for i, id := range ids {
		scores[id] = dot(q, data[i])
	}
	sortByScoreThenID(out, scores)
	return out[:min(k, len(out))]
}

func sortByScoreThenID(ids []string, scores map[string]float32) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0; j-- {
			a, b := ids[j-1], ids[j]
			if scores[a] > scores[b] || scores[a] == scores[b] && a < b {
				break
			}
			ids[j-1], ids[j] = b, a
		}
	}
}

func TestUpsertAndDelete(t *testing.T) {
	ctx := context.Background()
	x := New(2, Options{})
	mustAdd(t, x, []string{"a", "b"}, [][]float32{{1, 0}, {0, 1}})
	// Replace a, pointing it the other way; normalisation makes the
	// magnitude irrelevant.
	mustAdd(t, x, []string{"a"}, [][]float32{{0, 5}})
	if got, want := x.Len(), 2; got != want {
		t.Fatalf("Len after upsert = %d, want %d", got, want)
	}
	hits, err := x.Search(ctx, []float32{0, 1}, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []retrieval.VectorHit{{ID: "a", Score: 1}, {ID: "b", Score: 1}}
	if diff := cmp.Diff(want, hits); diff != "" {
		t.Errorf("hits after upsert mismatch (-want +got):\n%s", diff)
	}
	if err := x.Delete(ctx, []string{"a", "missing"}); err != nil {
		t.Fatal(err)
	}
	hits, err = x.Search(ctx, []float32{0, 1}, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	want = []retrieval.VectorHit{{ID: "b", Score: 1}}
	if diff := cmp.Diff(want, hits); diff != "" {
		t.Errorf("hits after delete mismatch (-want +got):\n%s", diff)
	}
}

func TestAddCopiesInput(t *testing.T) {
	x := New(2, Options{})
	v := []float32{3, 4}
	mustAdd(t, x, []string{"a"}, [][]float32{v})
	if diff := cmp.Diff([]float32{3, 4}, v); diff != "" {
		t.Errorf("caller's vector changed (-want +got):\n%s", diff)
	}
	v[0] = -100 // must not affect the stored copy
	hits, err := x.Search(context.Background(), []float32{0.6, 0.8}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || math.Abs(float64(hits[0].Score-1)) > 1e-6 {
		t.Errorf("hits = %v, want a with score 1", hits)
	}
}

func TestLargeMagnitude(t *testing.T) {
	// Squares of these overflow float32; normalising in float64 first
	// keeps them usable.
	x := New(2, Options{})
	mustAdd(t, x, []string{"big", "small"}, [][]float32{{1e30, 1e30}, {1e-30, 0}})
	hits, err := x.Search(context.Background(), []float32{1, 1}, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []retrieval.VectorHit{{ID: "big", Score: 1}, {ID: "small", Score: float32(math.Sqrt(0.5))}}
	if diff := cmp.Diff(want, hits, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("hits mismatch (-want +got):\n%s", diff)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	x := New(3, Options{})
	mustAdd(t, x, []string{"a"}, [][]float32{{1, 0, 0}})
	nan := float32(math.NaN())
	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"add short vector", func() error {
			return x.Add(ctx, []string{"b", "c"}, [][]float32{{1, 0, 0}, {1, 0}})
		}, retrieval.ErrDimension},
		{"add long vector", func() error {
			return x.Add(ctx, []string{"b"}, [][]float32{{1, 0, 0, 0}})
		}, retrieval.ErrDimension},
		{"add count mismatch", func() error {
			return x.Add(ctx, []string{"b", "c"}, [][]float32{{1, 0, 0}})
		}, retrieval.ErrInvalid},
		{"add NaN", func() error {
			return x.Add(ctx, []string{"b"}, [][]float32{{nan, 0, 0}})
		}, retrieval.ErrInvalid},
		{"search wrong dimension", func() error {
			_, err := x.Search(ctx, []float32{1, 0}, 1, nil)
			return err
		}, retrieval.ErrDimension},
		{"search NaN", func() error {
			_, err := x.Search(ctx, []float32{nan, 0, 0}, 1, nil)
			return err
		}, retrieval.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(); !errors.Is(err, tt.want) {
				t.Errorf("got error %v, want %v", err, tt.want)
			}
			// A rejected batch adds nothing.
			if got, want := x.Len(), 1; got != want {
				t.Errorf("Len = %d, want %d", got, want)
			}
		})
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := New(2, Options{})
	if err := x.Add(ctx, []string{"a"}, [][]float32{{1, 0}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Add: got error %v, want context.Canceled", err)
	}
	if _, err := x.Search(ctx, []float32{1, 0}, 1, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Search: got error %v, want context.Canceled", err)
	}
	if err := x.Delete(ctx, []string{"a"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Delete: got error %v, want context.Canceled", err)
	}
}

func TestSearchEdgeCases(t *testing.T) {
	ctx := context.Background()
	empty := New(2, Options{})
	small := New(2, Options{})
	mustAdd(t, small, []string{"a", "b"}, [][]float32{{1, 0}, {1, 1}})
	tests := []struct {
		name string
		x    *Index
		k    int
		want []string
	}{
		{"empty index", empty, 5, nil},
		{"k zero", small, 0, nil},
		{"k negative", small, -1, nil},
		{"k above size", small, 5, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := tt.x.Search(ctx, []float32{1, 0}, tt.k, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 {
				hits = nil
			}
			if diff := cmp.Diff(tt.want, nilIfEmpty(hitIDs(hits))); diff != "" {
				t.Errorf("hits mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestFilter(t *testing.T) {
	const n, dim = 5000, 16
	data, queries := defaultMixture(n, dim).generate(n, 10)
	ids := seqIDs(n)
	// Accept one vector in 97: with k=10 the nearest lists rarely hold
	// ten, so IVF must widen its probe.
	accept := func(id string) bool {
		i, _ := strconv.Atoi(id[1:])
		return i%97 == 0
	}
	var accepted [][]float32
	var acceptedIDs []string
	for i, v := range data {
		if accept(ids[i]) {
			accepted, acceptedIDs = append(accepted, v), append(acceptedIDs, ids[i])
		}
	}
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"exact", Options{}},
		{"ivf", Options{ExactBelow: 500, NProbe: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := New(dim, tc.opts)
			mustAdd(t, x, ids, data)
			for qi, q := range queries {
				hits, err := x.Search(context.Background(), q, 10, accept)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := len(hits), 10; got != want {
					t.Fatalf("query %d: %d hits, want %d", qi, got, want)
				}
				for _, h := range hits {
					if !accept(h.ID) {
						t.Errorf("query %d: hit %s not accepted by the filter", qi, h.ID)
					}
				}
				if tc.name == "exact" {
					want := idsOf(bruteForce(accepted, q, 10), acceptedIDs)
					if diff := cmp.Diff(want, hitIDs(hits)); diff != "" {
						t.Errorf("query %d: hits mismatch (-want +got):\n%s", qi, diff)
					}
				}
			}
		})
	}
}

func TestConcurrentSearchAndUpdate(t *testing.T) {
	const dim = 8
	data, queries := defaultMixture(3000, dim).generate(3000, 20)
	ids := seqIDs(len(data))
	x := New(dim, Options{ExactBelow: 500})
	mustAdd(t, x, ids[:1000], data[:1000])
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Go(func() {
			for i := range 200 {
				hits, err := x.Search(ctx, queries[(g+i)%len(queries)], 5, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if len(hits) != 5 {
					t.Errorf("got %d hits, want 5", len(hits))
					return
				}
			}
		})
	}
	wg.Go(func() {
		// Grow past two retrainings while deleting some.
		for start := 1000; start < 3000; start += 100 {
			if err := x.Add(ctx, ids[start:start+100], data[start:start+100]); err != nil {
				t.Error(err)
				return
			}
			if err := x.Delete(ctx, ids[start-1000:start-990]); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Wait()
	if got, want := x.Len(), 3000-200; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}
}
