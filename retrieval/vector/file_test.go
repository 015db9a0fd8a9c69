package vector

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/retrieval"
)

// searchAll runs every query and returns the hits.
func searchAll(tb testing.TB, x *Index, queries [][]float32, accept func(string) bool) [][]retrieval.VectorHit {
	tb.Helper()
	out := make([][]retrieval.VectorHit, len(queries))
	for i, q := range queries {
		hits, err := x.Search(context.Background(), q, 10, accept)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = hits
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	data, queries := defaultMixture(3000, 12).generate(3000, 10)
	ids := seqIDs(len(data))
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"exact", Options{}},
		{"ivf", Options{ExactBelow: 1000, NProbe: 3, Seed: 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := New(12, tc.opts)
			mustAdd(t, x, ids, data)
			// Delete some so lists have been swap-removed.
			if err := x.Delete(context.Background(), ids[:100]); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			n, err := x.WriteTo(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := n, int64(buf.Len()); got != want {
				t.Errorf("WriteTo returned %d, wrote %d bytes", got, want)
			}
			y, err := Read(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := y.Len(), x.Len(); got != want {
				t.Errorf("Len = %d, want %d", got, want)
			}
			if got, want := y.Dim(), x.Dim(); got != want {
				t.Errorf("Dim = %d, want %d", got, want)
			}
			if diff := cmp.Diff(x.opts, y.opts); diff != "" {
				t.Errorf("options mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(searchAll(t, x, queries, nil), searchAll(t, y, queries, nil)); diff != "" {
				t.Errorf("hits after round trip mismatch (-want +got):\n%s", diff)
			}
			// The loaded index stays usable.
			mustAdd(t, y, ids[:100], data[:100])
			if got, want := y.Len(), len(data); got != want {
				t.Errorf("Len after re-adding = %d, want %d", got, want)
			}
		})
	}
}

func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vectors.idx")
	data, queries := defaultMixture(500, 4).generate(500, 5)
	x := New(4, Options{})
	mustAdd(t, x, seqIDs(len(data)), data)
	if err := x.Save(path); err != nil {
		t.Fatal(err)
	}
	// Saving again replaces the file.
	if err := x.Save(path); err != nil {
		t.Fatal(err)
	}
	y, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(searchAll(t, x, queries, nil), searchAll(t, y, queries, nil)); diff != "" {
		t.Errorf("hits after Save and Load mismatch (-want +got):\n%s", diff)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(entries), 1; got != want {
		t.Errorf("directory holds %d files after Save, want %d (no temporary files left)", got, want)
	}
	if _, err := Load(filepath.Join(dir, "missing.idx")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: got error %v, want os.ErrNotExist", err)
	}
}

func TestReadCorrupt(t *testing.T) {
	data, _ := defaultMixture(60, 3).generate(60, 0)
	ids := seqIDs(len(data))
	var files [][]byte
	for _, opts := range []Options{{}, {ExactBelow: 20}} {
		x := New(3, opts)
		mustAdd(t, x, ids, data)
		var buf bytes.Buffer
		if _, err := x.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		files = append(files, buf.Bytes())
	}
	for fi, good := range files {
		// Every truncation, and a flipped bit in every byte, must be
		// reported as corruption, never accepted or panicking.
		for n := range len(good) {
			if _, err := Read(bytes.NewReader(good[:n])); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("file %d truncated to %d of %d bytes: got error %v, want ErrCorrupt", fi, n, len(good), err)
			}
		}
		for i := range good {
			bad := bytes.Clone(good)
			bad[i] ^= 0x10
			if _, err := Read(bytes.NewReader(bad)); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("file %d with byte %d flipped: got error %v, want ErrCorrupt", fi, i, err)
			}
		}
	}
	if _, err := Read(bytes.NewReader([]byte("not an index at all"))); !errors.Is(err, ErrCorrupt) {
		t.Errorf("garbage: got error %v, want ErrCorrupt", err)
	}
}

// errReader fails after its data.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadIOError(t *testing.T) {
	x := New(2, Options{})
	mustAdd(t, x, []string{"a"}, [][]float32{{1, 0}})
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	disk := errors.New("disk on fire")
	_, err := Read(&errReader{data: buf.Bytes()[:20], err: disk})
	if !errors.Is(err, disk) {
		t.Errorf("got error %v, want the reader's error", err)
	}
	if errors.Is(err, ErrCorrupt) {
		t.Errorf("got error %v; an I/O failure is not corruption", err)
	}
}
