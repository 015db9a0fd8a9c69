package html

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/corpus"
)

// sharedCorpus is the real evaluation data, a sibling of the repository.
const sharedCorpus = "../../../shared/corpus"

// sharedPages lists the shared corpus's HTML files with the kind each
// folder holds, or skips the test when the corpus is absent.
func sharedPages(tb testing.TB) map[string]corpus.Kind {
	tb.Helper()
	if _, err := os.Stat(sharedCorpus); err != nil {
		tb.Skipf("shared corpus not present: %v", err)
	}
	out := map[string]corpus.Kind{}
	for dir, kind := range map[string]corpus.Kind{
		"gloucester_city_council_site":     corpus.KindPage,
		"sheffield_council_knowledge_base": corpus.KindPage,
		"wdtk_mhclg_mining":                corpus.KindFOI,
	} {
		err := filepath.WalkDir(filepath.Join(sharedCorpus, dir), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
				out[p] = kind
			}
			return err
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

func TestSharedCorpus(t *testing.T) {
	pages := sharedPages(t)
	var loaded, empty, sections int
	for p, kind := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := filepath.Rel(sharedCorpus, p)
		docs, err := Load(context.Background(), corpus.File{ID: id, Data: data, Source: corpus.Source{Kind: kind}})
		if errors.Is(err, corpus.ErrEmpty) {
			empty++ // a page whose content is all drawn by script
			t.Logf("%s: %v", id, err)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		loaded++
		d := docs[0]
		sections += len(d.Sections)
		body := d.Text()
		switch {
		case d.Title == "":
			t.Errorf("%s: empty title", id)
		case strings.Contains(d.Title, " | ") || strings.HasSuffix(d.Title, "City Council") && d.Title != "Gloucester City Council":
			t.Errorf("%s: title %q keeps the site name", id, d.Title)
		case !utf8.ValidString(body):
			t.Errorf("%s: text is not valid UTF-8", id)
		case strings.Contains(body, "Skip to main content") || strings.Contains(body, "Sign in or sign up"):
			t.Errorf("%s: text keeps page furniture", id)
		}
		if kind == corpus.KindFOI {
			if d.Meta["authority"] == "" || len(d.Sections) < 2 || !strings.HasPrefix(d.URL, "https://www.whatdotheyknow.com/request/") {
				t.Errorf("%s: not read as a request thread: authority %q, %d sections, URL %q", id, d.Meta["authority"], len(d.Sections), d.URL)
			}
		}
	}
	t.Logf("%d pages: %d loaded (%d sections), %d empty", len(pages), loaded, sections, empty)
	if empty > 2 {
		t.Errorf("%d pages came out empty, want at most 2", empty)
	}
}

// BenchmarkLoad loads every HTML page of the shared corpus per iteration.
func BenchmarkLoad(b *testing.B) {
	pages := sharedPages(b)
	var files []corpus.File
	var size int64
	for p, kind := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, corpus.File{ID: p, Data: data, Source: corpus.Source{Kind: kind}})
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

// largePage returns a generated page of about n bytes: sections of
// paragraphs and lists under repeated headings.
func largePage(n int) ([]byte, int) {
	var b strings.Builder
	b.WriteString("<html><head><title>Large</title></head><body><nav>menu</nav><main>")
	paras := 0
	for i := 0; b.Len() < n; i++ {
		if i%20 == 0 {
			fmt.Fprintf(&b, "<h2>Section %d</h2>", i/20)
		}
		b.WriteString("<p>The council collects bins every <b>fortnight</b> from the kerb; report a missed bin online.</p><ul><li>one</li><li>two</li></ul>")
		paras++
	}
	b.WriteString("</main><footer>foot</footer></body></html>")
	return []byte(b.String()), paras
}

// TestLoadLarge checks a multi-megabyte page keeps all its text. Larger
// inputs are BenchmarkLoadLarge's job; ingestion bounds file sizes with
// manifest.ReadFile.
func TestLoadLarge(t *testing.T) {
	data, paras := largePage(3 << 20)
	d := mustLoadOne(t, file("large.html", data))
	if got, want := len(d.Sections), (paras+19)/20; got != want {
		t.Errorf("got %d sections, want %d", got, want)
	}
	if got := strings.Count(d.Text(), "fortnight"); got != paras {
		t.Errorf("got %d paragraphs, want %d", got, paras)
	}
}

// BenchmarkLoadLarge loads one generated 16 MB page; ns/op divided by
// the size shows the extractor stays linear.
func BenchmarkLoadLarge(b *testing.B) {
	data, _ := largePage(16 << 20)
	f := file("large.html", data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(context.Background(), f); err != nil {
			b.Fatal(err)
		}
	}
}
