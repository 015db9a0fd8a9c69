package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
)

// sharedCorpus is the real evaluation data, a sibling of the repository.
const sharedCorpus = "../../../shared/corpus"

// TestSharedCorpus lists the shared corpus through a manifest and checks
// that every file is found once, by the right source.
func TestSharedCorpus(t *testing.T) {
	if _, err := os.Stat(sharedCorpus); err != nil {
		t.Skipf("shared corpus not present: %v", err)
	}
	dir := t.TempDir()
	// The walk resolves links, so compare against the resolved root (CI
	// may reach shared/ through a symlink).
	root, err := filepath.Abs(sharedCorpus)
	if err == nil {
		root, err = filepath.EvalSymlinks(root)
	}
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "townhall.yaml")
	writeFile(t, file, `council: Shared corpus
root: `+root+`
sources:
  - path: wdtk_mhclg_mining/request_pages
    kind: foi
    format: wdtk-html
  - path: "**/*.html"
    kind: page
  - path: "**/*.pdf"
    kind: budget
  - path: "**/*.md"
    kind: page
    exclude: [SOURCES.md]
`)
	m, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	entries, errs := Files(m)
	for _, err := range errs {
		t.Errorf("Files: %v", err)
	}

	want := map[string]int{}
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasPrefix(rel, "wdtk_mhclg_mining/request_pages/"):
			want["foi"]++
		case strings.HasSuffix(rel, ".html"):
			want["page"]++
		case strings.HasSuffix(rel, ".pdf"):
			want["budget"]++
		case strings.HasSuffix(rel, ".md") && rel != "SOURCES.md":
			want["page"]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	seen := map[string]bool{}
	for _, e := range entries {
		got[string(e.Source.Kind)]++
		if seen[e.ID] {
			t.Errorf("%s listed twice", e.ID)
		}
		seen[e.ID] = true
		if e.Council != "Shared corpus" || !strings.HasPrefix(e.AbsPath, root) {
			t.Errorf("%s: council %q, path %s", e.ID, e.Council, e.AbsPath)
		}
		if e.Source.Kind == corpus.KindFOI && e.Source.Format != "wdtk-html" {
			t.Errorf("%s: format %q, want wdtk-html", e.ID, e.Source.Format)
		}
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s files: got %d, want %d", k, got[k], n)
		}
	}
	t.Logf("%d files: %v", len(entries), got)
}
