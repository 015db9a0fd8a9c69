package embed

import (
	"context"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHashing(t *testing.T) {
	e := Hashing(256)
	texts := []string{
		"Report a missed bin collection",
		"my bins were not collected",
		"Apply for a visitor parking permit",
		"",
	}
	vs, err := e(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Hashing(256)(context.Background(), texts)
	if diff := cmp.Diff(vs, again); diff != "" {
		t.Errorf("not deterministic (-want +got):\n%s", diff)
	}
	for i, want := range []float64{1, 1, 1, 0} {
		if got := len(vs[i]); got != 256 {
			t.Errorf("len %q: got %d, want 256", texts[i], got)
		}
		if got := norm(vs[i]); math.Abs(got-want) > 1e-5 {
			t.Errorf("norm %q: got %g, want %g", texts[i], got, want)
		}
	}
	// Stems and trigrams match "bin"/"bins" and "collection"/"collected";
	// nothing is shared with the parking text.
	if near, far := dot(vs[1], vs[0]), dot(vs[1], vs[2]); near <= far+0.2 {
		t.Errorf("cos(bins, missed bin): %.3f; cos(bins, parking): %.3f; want the first clearly higher", near, far)
	}
	if got := Hashing(4); len(must(got(context.Background(), []string{"x"}))[0]) != 16 {
		t.Errorf("Hashing(4) dimension: want the minimum, 16")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
