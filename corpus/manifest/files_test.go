package manifest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"*.html", "a.html", true},
		{"*.html", "x/a.html", false},
		{"foi/*.pdf", "foi/a.pdf", true},
		{"foi/**/*.pdf", "foi/a.pdf", true},
		{"foi/**/*.pdf", "foi/2024/q1/a.pdf", true},
		{"foi/**/*.pdf", "pages/a.pdf", false},
		{"**", "a/b/c", true},
		{"**/*.md", "README.md", true},
		{"**/*.md", "docs/x/README.md", true},
		{"a/**", "a/b/c", true},
		{"a/**/b/**/c", "a/x/b/y/z/c", true},
		{"a/**/b/**/c", "a/x/y/z/c", false},
		{"page-?.html", "page-1.html", true},
		{"page-[0-9].html", "page-x.html", false},
		{"a/*/c", "a/b/b/c", false},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+" "+tc.name, func(t *testing.T) {
			if got := match(splitPath(tc.pattern), splitPath(tc.name)); got != tc.want {
				t.Errorf("match(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
			}
		})
	}
}

// mustTree makes a corpus root with the given files (slash paths) under a
// temporary folder, and an "outside" folder next to it.
func mustTree(tb testing.TB, files ...string) (root, outside string) {
	tb.Helper()
	dir := tb.TempDir()
	root = filepath.Join(dir, "root")
	outside = filepath.Join(dir, "outside")
	writeFile(tb, filepath.Join(outside, "secret.txt"), "secret")
	for _, f := range files {
		writeFile(tb, filepath.Join(root, filepath.FromSlash(f)), "content of "+f)
	}
	return root, outside
}

func symlink(tb testing.TB, target, link string) {
	tb.Helper()
	if err := os.Symlink(target, link); err != nil {
		tb.Skipf("symlinks unavailable: %v", err)
	}
}

type got struct {
	ID, Kind, Council, BaseURL string
}

func summarise(es []Entry) []got {
	var out []got
	for _, e := range es {
		out = append(out, got{e.ID, string(e.Source.Kind), e.Council, e.BaseURL})
	}
	return out
}

func TestFiles(t *testing.T) {
	root, outside := mustTree(t,
		"bins/missed.html",
		"bins/.DS_Store",
		"bins/old/archive.html",
		".git/config",
		"foi/c.html",
		"foi/2024/a.html",
		"foi/2024/b.pdf",
		"foi/drafts/d.html",
		"drafts/x.html",
		"notes.txt",
	)
	symlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(root, "leak.txt"))
	symlink(t, outside, filepath.Join(root, "outdir"))
	symlink(t, "../notes.txt", filepath.Join(root, "bins", "notes-link.html"))

	m := &corpus.Manifest{
		Council: "Testshire Council",
		Root:    root,
		BaseURL: "https://testshire.gov.uk",
		Sources: []corpus.Source{
			{Path: "bins", Kind: corpus.KindPage, Exclude: []string{"bins/old"}},
			{Path: "foi/**/*.html", Kind: corpus.KindFOI, Council: "FOI Office", BaseURL: "https://foi.example", Exclude: []string{"foi/drafts/*"}},
			{Path: "*.txt", Kind: corpus.KindPage},
			{Path: "**", Kind: corpus.KindBudget}, // claims whatever is left
			{Path: "missing/*.csv", Kind: corpus.KindSpending},
		},
	}
	entries, errs := Files(m)

	want := []got{
		{"bins/missed.html", "page", "Testshire Council", "https://testshire.gov.uk"},
		{"bins/notes-link.html", "page", "Testshire Council", "https://testshire.gov.uk"},
		{"bins/old/archive.html", "budget", "Testshire Council", "https://testshire.gov.uk"},
		{"drafts/x.html", "budget", "Testshire Council", "https://testshire.gov.uk"},
		{"foi/2024/a.html", "foi", "FOI Office", "https://foi.example"},
		{"foi/2024/b.pdf", "budget", "Testshire Council", "https://testshire.gov.uk"},
		{"foi/c.html", "foi", "FOI Office", "https://foi.example"},
		{"foi/drafts/d.html", "budget", "Testshire Council", "https://testshire.gov.uk"},
		{"notes.txt", "page", "Testshire Council", "https://testshire.gov.uk"},
	}
	if diff := cmp.Diff(want, summarise(entries)); diff != "" {
		t.Errorf("Files mismatch (-want +got):\n%s", diff)
	}

	// The links out of the root are refused (leak.txt by "*.txt" and "**",
	// outdir by "**"), and the empty source is reported.
	var outsideErrs, notExist int
	for _, err := range errs {
		var fe *corpus.FileError
		if !errors.As(err, &fe) {
			t.Errorf("error %v is not a *corpus.FileError", err)
		}
		switch {
		case errors.Is(err, corpus.ErrOutsideRoot):
			outsideErrs++
			if fe != nil && fe.Path != "leak.txt" && fe.Path != "outdir" {
				t.Errorf("outside-root error names %q, want leak.txt or outdir", fe.Path)
			}
		case errors.Is(err, fs.ErrNotExist):
			notExist++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if outsideErrs != 3 {
		t.Errorf("got %d errors wrapping ErrOutsideRoot, want 3; errors: %v", outsideErrs, errs)
	}
	if notExist != 1 {
		t.Errorf("got %d not-exist errors, want 1 for the empty source; errors: %v", notExist, errs)
	}
	for _, e := range entries {
		if strings.Contains(e.AbsPath, "outside") {
			t.Errorf("entry %s reads %s, outside the root", e.ID, e.AbsPath)
		}
	}
}

func TestFilesSourceLinkOutOfRoot(t *testing.T) {
	root, outside := mustTree(t, "pages/a.html")
	symlink(t, outside, filepath.Join(root, "ext"))
	symlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(root, "one.txt"))
	m := &corpus.Manifest{Root: root, Sources: []corpus.Source{
		{Path: "ext", Kind: corpus.KindPage},
		{Path: "ext/*.txt", Kind: corpus.KindPage},
		{Path: "one.txt", Kind: corpus.KindPage},
		{Path: "pages", Kind: corpus.KindPage},
	}}
	entries, errs := Files(m)
	if diff := cmp.Diff([]got{{"pages/a.html", "page", "", ""}}, summarise(entries)); diff != "" {
		t.Errorf("Files mismatch (-want +got):\n%s", diff)
	}
	if len(errs) != 3 {
		t.Fatalf("got %d errors, want 3: %v", len(errs), errs)
	}
	for _, err := range errs {
		if !errors.Is(err, corpus.ErrOutsideRoot) {
			t.Errorf("error %v does not wrap ErrOutsideRoot", err)
		}
	}
}

func TestFilesExplicitPaths(t *testing.T) {
	root, _ := mustTree(t, "a.html", ".hidden.html", "dir/b.html")
	m := &corpus.Manifest{Root: root, Sources: []corpus.Source{
		{Path: ".hidden.html", Kind: corpus.KindPage}, // named exactly: kept
		{Path: "./dir/../a.html", Kind: corpus.KindFOI},
		{Path: ".", Kind: corpus.KindPage},
	}}
	entries, errs := Files(m)
	if len(errs) != 0 {
		t.Errorf("Files errors: %v", errs)
	}
	want := []got{
		{".hidden.html", "page", "", ""},
		{"a.html", "foi", "", ""},
		{"dir/b.html", "page", "", ""},
	}
	if diff := cmp.Diff(want, summarise(entries)); diff != "" {
		t.Errorf("Files mismatch (-want +got):\n%s", diff)
	}
}

func TestFilesBadRoot(t *testing.T) {
	m := &corpus.Manifest{Root: filepath.Join(t.TempDir(), "nope"), Sources: []corpus.Source{{Path: ".", Kind: corpus.KindPage}}}
	entries, errs := Files(m)
	if len(entries) != 0 || len(errs) != 1 || !errors.Is(errs[0], fs.ErrNotExist) {
		t.Errorf("Files(missing root) = %v, %v; want no entries and one not-exist error", entries, errs)
	}
}

func TestReadFile(t *testing.T) {
	root, _ := mustTree(t, "a.txt")
	e := Entry{ID: "a.txt", AbsPath: filepath.Join(root, "a.txt"), Council: "C", BaseURL: "https://c.example",
		Source: corpus.Source{Path: "a.txt", Kind: corpus.KindPage}}
	size := int64(len("content of a.txt"))

	f, err := ReadFile(e, size)
	if err != nil {
		t.Fatalf("ReadFile at the limit: %v", err)
	}
	want := corpus.File{ID: "a.txt", Data: []byte("content of a.txt"), Source: e.Source, Council: "C", BaseURL: "https://c.example"}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("ReadFile mismatch (-want +got):\n%s", diff)
	}
	if _, err := ReadFile(e, 0); err != nil {
		t.Errorf("ReadFile with no limit: %v", err)
	}
	_, err = ReadFile(e, size-1)
	if !errors.Is(err, corpus.ErrTooLarge) {
		t.Errorf("ReadFile over the limit: error = %v, want ErrTooLarge", err)
	}
}

// TestReadFileHugeNotRead checks the size limit is applied before reading:
// a sparse 8 GiB file is refused at once.
func TestReadFileHugeNotRead(t *testing.T) {
	name := filepath.Join(t.TempDir(), "huge.html")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(8 << 30); err != nil {
		f.Close()
		t.Skipf("cannot make a sparse file: %v", err)
	}
	f.Close()
	_, err = ReadFile(Entry{ID: "huge.html", AbsPath: name}, 50<<20)
	if !errors.Is(err, corpus.ErrTooLarge) {
		t.Errorf("ReadFile(8 GiB) error = %v, want ErrTooLarge", err)
	}
}
