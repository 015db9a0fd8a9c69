package embed

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// toyWords is a small hand-made table: topics on their own axes, and the
// frequent function words sharing a big common direction, the way real
// word vectors do.
func toyWords() []Word {
	return []Word{
		{Text: "the", Rank: 1, Vector: []float32{0.1, 0.1, 0.1, 3, 0}},
		{Text: "my", Rank: 2, Vector: []float32{0.1, 0.2, 0, 2.5, 0.1}},
		{Text: "is", Rank: 3, Vector: []float32{0, 0.1, 0.1, 2.8, 0}},
		{Text: "not", Rank: 4, Vector: []float32{0.1, 0, 0.2, 2.6, 0.1}},
		{Text: "bin", Rank: 900, Vector: []float32{1, 0.1, 0, 0.3, 0}},
		{Text: "rubbish", Rank: 1500, Vector: []float32{0.9, 0, 0.2, 0.3, 0.1}},
		{Text: "collected", Rank: 2000, Vector: []float32{0.7, 0.1, 0.1, 0.4, 0.3}},
		{Text: "collection", Rank: 1200, Vector: []float32{0.7, 0.2, 0, 0.4, 0.3}},
		{Text: "missed", Rank: 2500, Vector: []float32{0.4, 0.1, 0.1, 0.3, 0.5}},
		{Text: "parking", Rank: 1800, Vector: []float32{0, 1, 0.1, 0.3, 0}},
		{Text: "car", Rank: 600, Vector: []float32{0.1, 0.9, 0, 0.3, 0.1}},
		{Text: "permit", Rank: 3000, Vector: []float32{0, 0.8, 0.3, 0.3, 0.2}},
		{Text: "visitors", Rank: 2200, Vector: []float32{0.1, 0.6, 0.2, 0.3, 0.4}},
		{Text: "mum", Rank: 4000, Vector: []float32{0, 0.3, 0.2, 0.3, 0.8}},
		{Text: "stay", Rank: 1000, Vector: []float32{0.1, 0.4, 0.1, 0.3, 0.6}},
		{Text: "dog", Rank: 1100, Vector: []float32{0, 0, 1, 0.3, 0.1}},
		{Text: "stray", Rank: 5000, Vector: []float32{0.1, 0, 0.9, 0.3, 0.2}},
	}
}

func mustToyTable(tb testing.TB) *WordVectors {
	tb.Helper()
	wv, err := NewWordVectors(toyWords(), 10000)
	if err != nil {
		tb.Fatal(err)
	}
	return wv
}

func TestNewWordVectors(t *testing.T) {
	wv := mustToyTable(t)
	if got, want := wv.Dim(), 5; got != want {
		t.Errorf("Dim: got %d, want %d", got, want)
	}
	if got, want := wv.Len(), len(toyWords()); got != want {
		t.Errorf("Len: got %d, want %d", got, want)
	}
	if diff := cmp.Diff([]float32{0, 1, 0.1, 0.3, 0}, wv.Vector("parking")); diff != "" {
		t.Errorf("Vector(parking) mismatch (-want +got):\n%s", diff)
	}
	if v := wv.Vector("sofa"); v != nil {
		t.Errorf("Vector(sofa): got %v, want nil", v)
	}

	bad := []struct {
		name  string
		words []Word
	}{
		{"empty", nil},
		{"ragged", []Word{{Text: "a", Rank: 1, Vector: []float32{1, 2}}, {Text: "b", Rank: 2, Vector: []float32{1}}}},
		{"zero dimension", []Word{{Text: "a", Rank: 1}}},
		{"no rank", []Word{{Text: "a", Vector: []float32{1}}}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewWordVectors(tt.words, 10); !errors.Is(err, ErrFormat) {
				t.Errorf("got error %v, want ErrFormat", err)
			}
		})
	}
}

func TestWordVectorsFileRoundTrip(t *testing.T) {
	wv := mustToyTable(t).AllButTheTop(1)
	path := filepath.Join(t.TempDir(), "toy.bin")
	var buf bytes.Buffer
	n, err := wv.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n, int64(buf.Len()); got != want {
		t.Errorf("WriteTo count: got %d, want %d", got, want)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LoadWordVectors(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wv, got, cmp.AllowUnexported(WordVectors{})); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestReadWordVectorsRejectsBadData(t *testing.T) {
	var buf bytes.Buffer
	if _, err := mustToyTable(t).WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	corrupt := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"bad magic", corrupt(func(b []byte) []byte { b[0] = 'X'; return b })},
		{"future version", corrupt(func(b []byte) []byte { b[4] = 9; return b })},
		{"truncated vectors", good[:100]},
		{"missing checksum", good[:len(good)-4]},
		{"flipped vector bit", corrupt(func(b []byte) []byte { b[headerBytes+4*17+3] ^= 1; return b })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ReadWordVectors(bytes.NewReader(tt.data)); !errors.Is(err, ErrFormat) {
				t.Errorf("got error %v, want ErrFormat", err)
			}
		})
	}
	if _, err := LoadWordVectors(filepath.Join(t.TempDir(), "absent.bin")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v, want os.ErrNotExist", err)
	}
}

func TestAllButTheTop(t *testing.T) {
	wv := mustToyTable(t)
	post := wv.AllButTheTop(2)
	if got, want := post.removed, 2; got != want {
		t.Errorf("removed: got %d, want %d", got, want)
	}
	// The mean of the sample is gone (the sample is the whole toy table).
	mean := make([]float64, wv.Dim())
	for i := range post.Len() {
		for j, x := range post.row(i) {
			mean[j] += float64(x) / float64(post.Len())
		}
	}
	for j, m := range mean {
		if m > 1e-3 || m < -1e-3 {
			t.Errorf("mean[%d] after removal: got %g, want 0", j, m)
		}
	}
	// The original is untouched.
	if diff := cmp.Diff([]float32{0.1, 0.1, 0.1, 3, 0}, wv.Vector("the")); diff != "" {
		t.Errorf("original changed (-want +got):\n%s", diff)
	}
	// Deterministic.
	if diff := cmp.Diff(post.vecs, wv.AllButTheTop(2).vecs); diff != "" {
		t.Errorf("second run differs (-want +got):\n%s", diff)
	}
}
