package text

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/corpus"
)

// sharedCorpus is the real evaluation data, a sibling of the repository.
const sharedCorpus = "../../../shared/corpus"

// sharedTexts reads every Markdown and plain-text file in the shared
// corpus, or skips the test when the corpus is absent.
func sharedTexts(tb testing.TB) []corpus.File {
	tb.Helper()
	if _, err := os.Stat(sharedCorpus); err != nil {
		tb.Skipf("shared corpus not present: %v", err)
	}
	var out []corpus.File
	err := filepath.WalkDir(sharedCorpus, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".md", ".txt":
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			id, _ := filepath.Rel(sharedCorpus, p)
			out = append(out, corpus.File{ID: filepath.ToSlash(id), Data: data})
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestSharedCorpus(t *testing.T) {
	files := sharedTexts(t)
	for _, f := range files {
		docs, err := Load(context.Background(), f)
		if err != nil {
			t.Errorf("%s: %v", f.ID, err)
			continue
		}
		d := docs[0]
		if d.Title == "" || !utf8.ValidString(d.Title) || !utf8.ValidString(d.Text()) {
			t.Errorf("%s: bad title %q or invalid text", f.ID, d.Title)
		}
		if f.Format() == "markdown" && strings.Contains(d.Text(), "](http") {
			t.Errorf("%s: Markdown link syntax left in the text", f.ID)
		}
		t.Logf("%s: %q, %d sections", f.ID, d.Title, len(d.Sections))
	}
}

// BenchmarkLoad loads every Markdown and text file of the shared corpus
// per iteration.
func BenchmarkLoad(b *testing.B) {
	files := sharedTexts(b)
	var size int64
	for _, f := range files {
		size += int64(len(f.Data))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		for _, f := range files {
			if _, err := Load(ctx, f); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(files)*b.N)/b.Elapsed().Seconds(), "docs/s")
}
