package pdf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/corpus"
)

// sharedCorpus is the real evaluation data, a sibling of the repository.
const sharedCorpus = "../../../shared/corpus"

// sharedPDFs lists every PDF in the shared corpus, or skips the test when
// the corpus is absent.
func sharedPDFs(tb testing.TB) []string {
	tb.Helper()
	if _, err := os.Stat(sharedCorpus); err != nil {
		tb.Skipf("shared corpus not present: %v", err)
	}
	var out []string
	err := filepath.WalkDir(sharedCorpus, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".pdf") {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestSharedCorpus loads every shared PDF and checks the text reads as
// words: few run-together words ("overthe") and few letters standing
// alone ("o v e r").
func TestSharedCorpus(t *testing.T) {
	var loaded, pages, words, glued, single int
	for _, p := range sharedPDFs(t) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := filepath.Rel(sharedCorpus, p)
		docs, err := Load(context.Background(), corpus.File{ID: id, Data: data})
		if errors.Is(err, corpus.ErrEmpty) {
			t.Logf("%s: %v", id, err) // a scan with no text layer
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		loaded++
		d := docs[0]
		if d.Title == "" || !utf8.ValidString(d.Title) {
			t.Errorf("%s: bad title %q", id, d.Title)
		}
		for _, s := range d.Sections {
			pages++
			if s.Page < 1 || !utf8.ValidString(s.Text) {
				t.Errorf("%s: section with page %d or invalid UTF-8", id, s.Page)
			}
			for _, w := range strings.Fields(s.Text) {
				if strings.ContainsAny(w, "/@.:") {
					continue // links, e-mail addresses, dates
				}
				words++
				letters := 0
				for _, r := range w {
					if unicode.IsLetter(r) {
						letters++
					}
				}
				switch {
				case letters >= 18:
					glued++
				case letters == 1 && len(w) == 1 && w != "a" && w != "A" && w != "I":
					single++
				}
			}
		}
		t.Logf("%s: %q, %d sections", id, d.Title, len(d.Sections))
	}
	t.Logf("%d PDFs loaded, %d pages with text, %d words, %d over 17 letters, %d lone letters", loaded, pages, words, glued, single)
	if loaded == 0 {
		t.Fatal("no PDF loaded")
	}
	if glued*1000 > words {
		t.Errorf("%d of %d words are over 17 letters: words run together", glued, words)
	}
	if single*100 > words {
		t.Errorf("%d of %d words are lone letters: words split apart", single, words)
	}
}

// BenchmarkLoad loads every PDF of the shared corpus per iteration.
func BenchmarkLoad(b *testing.B) {
	var files []corpus.File
	var size int64
	for _, p := range sharedPDFs(b) {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, corpus.File{ID: p, Data: data})
		size += int64(len(data))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		for _, f := range files {
			if _, err := Load(ctx, f); err != nil && !errors.Is(err, corpus.ErrEmpty) {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(files)*b.N)/b.Elapsed().Seconds(), "docs/s")
}
