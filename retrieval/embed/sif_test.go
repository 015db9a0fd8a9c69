package embed

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func embedOne(t *testing.T, e func(context.Context, []string) ([][]float32, error), text string) []float32 {
	t.Helper()
	vs, err := e(context.Background(), []string{text})
	if err != nil {
		t.Fatal(err)
	}
	return vs[0]
}

func TestSIFRanksTopicalMatchFirst(t *testing.T) {
	wv := mustToyTable(t)
	docs := []string{
		"Missed bin collection",
		"Visitors parking permit",
		"Stray dog",
	}
	tests := []struct {
		query string
		want  int
	}{
		{"my rubbish is not collected", 0},
		{"my mum is coming to stay, where does her car go", 1},
		{"the dog", 2},
	}
	for _, opts := range []SIFOptions{{}, {KeepComponent: true}, {Profile: wv.Profile(docs)}} {
		e := wv.Embedder(opts)
		dv, err := e(context.Background(), docs)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			q := embedOne(t, e, tt.query)
			best, bestScore := -1, float32(-2)
			for i, d := range dv {
				if s := dot(q, d); s > bestScore {
					best, bestScore = i, s
				}
			}
			if best != tt.want {
				t.Errorf("opts %+v: query %q: best doc %q, want %q", opts, tt.query, docs[best], docs[tt.want])
			}
		}
	}
}

func TestSIFVectorsAreUnitAndDeterministic(t *testing.T) {
	wv := mustToyTable(t)
	e := wv.Embedder(SIFOptions{})
	texts := []string{"Missed bin collection", "visitors parking", "unknown words only", ""}
	a, err := e(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := e(context.Background(), texts)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("second call differs (-want +got):\n%s", diff)
	}
	for i, want := range []float64{1, 1, 0, 0} {
		if got := norm(a[i]); math.Abs(got-want) > 1e-5 {
			t.Errorf("norm of %q: got %g, want %g", texts[i], got, want)
		}
		if got, want := len(a[i]), wv.Dim(); got != want {
			t.Errorf("len of %q: got %d, want %d", texts[i], got, want)
		}
	}
}

func TestSIFDownweightsFrequentWords(t *testing.T) {
	wv := mustToyTable(t)
	e := wv.Embedder(SIFOptions{KeepComponent: true})
	bin := embedOne(t, e, "bin")
	padded := embedOne(t, e, "the the my is not bin")
	if got := dot(bin, padded); got < 0.9 {
		t.Errorf("cos(bin, function words + bin): got %.3f, want >= 0.9 (function words should barely count)", got)
	}
	// With a large a every word weighs about the same, and the function
	// words swamp the topic.
	flat := wv.Embedder(SIFOptions{Weight: 10, KeepComponent: true})
	if got := dot(embedOne(t, flat, "bin"), embedOne(t, flat, "the the my is not bin")); got > 0.5 {
		t.Errorf("cos with a=10: got %.3f, want < 0.5", got)
	}
}

func TestSIFRemovesComponent(t *testing.T) {
	wv := mustToyTable(t)
	c := []float32{0, 0, 0, 1, 0}
	e := wv.Embedder(SIFOptions{Component: c})
	for _, text := range []string{"the bin", "my mum", "parking permit"} {
		if got := dot(embedOne(t, e, text), c); math.Abs(float64(got)) > 1e-6 {
			t.Errorf("%q · component: got %g, want 0", text, got)
		}
	}
	// The default component is the frequency-weighted mean direction,
	// which for this table is the function-word axis.
	if got := dot(wv.DefaultComponent(0), c); got < 0.9 {
		t.Errorf("default component · function-word axis: got %.3f, want >= 0.9", got)
	}
}

func TestFitComponent(t *testing.T) {
	wv := mustToyTable(t)
	texts := []string{"the bin is not collected", "my parking permit", "the stray dog", "my mum is to stay"}
	c := wv.FitComponent(texts, SIFOptions{})
	if got, want := len(c), wv.Dim(); got != want {
		t.Fatalf("len: got %d, want %d", got, want)
	}
	if got := norm(c); math.Abs(got-1) > 1e-5 {
		t.Errorf("norm: got %g, want 1", got)
	}
	if diff := cmp.Diff(c, wv.FitComponent(texts, SIFOptions{})); diff != "" {
		t.Errorf("second fit differs (-want +got):\n%s", diff)
	}
	if c := wv.FitComponent([]string{"", "zzz"}, SIFOptions{}); c != nil {
		t.Errorf("fit on texts without known words: got %v, want nil", c)
	}
}

func TestProfile(t *testing.T) {
	wv := mustToyTable(t)
	docs := []string{"bin collection", "missed bin collection", "the bin, the bin", "parking"}
	p := wv.Profile(docs)
	want := &Profile{Docs: 4, DocFreq: map[string]int{"bin": 3, "collection": 2, "missed": 1, "the": 1, "parking": 1}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("Profile mismatch (-want +got):\n%s", diff)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Profile
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, &back); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}

	// "bin" is in most documents, so with the profile "missed bin" leans
	// towards the rarer "missed".
	plain := wv.Embedder(SIFOptions{KeepComponent: true})
	prof := wv.Embedder(SIFOptions{KeepComponent: true, Profile: p})
	missed := embedOne(t, plain, "missed")
	if a, b := dot(embedOne(t, plain, "missed bin"), missed), dot(embedOne(t, prof, "missed bin"), missed); b <= a {
		t.Errorf("cos(missed bin, missed): with profile %.3f, without %.3f; want it higher with", b, a)
	}
}

func TestSIFHashOOV(t *testing.T) {
	wv := mustToyTable(t)
	e := wv.Embedder(SIFOptions{HashOOV: true, KeepComponent: true})
	a, b := embedOne(t, e, "zebrafish"), embedOne(t, e, "zebrafish")
	if got := norm(a); math.Abs(got-1) > 1e-5 {
		t.Errorf("norm of an unknown word: got %g, want 1", got)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("hashed vector not deterministic (-want +got):\n%s", diff)
	}
	if got := dot(a, embedOne(t, e, "aardvark")); got > 0.9 {
		t.Errorf("two unknown words: cos %.3f, want well below 1", got)
	}
	off := wv.Embedder(SIFOptions{KeepComponent: true})
	if got := norm(embedOne(t, off, "zebrafish")); got != 0 {
		t.Errorf("unknown word without HashOOV: norm %g, want 0", got)
	}
}

func TestSIFHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := mustToyTable(t).Embedder(SIFOptions{})(ctx, []string{"bin"}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
