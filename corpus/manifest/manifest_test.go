package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
)

func TestParse(t *testing.T) {
	good := `
council: Testshire Council
root: ../corpus
base_url: https://testshire.gov.uk
sources:
  - path: pages
    kind: page
  - path: foi/**/*.html
    kind: foi
    format: wdtk-html
    council: Testshire FOI
    exclude: [foi/drafts]
`
	m, err := Parse([]byte(good), "/srv/manifests")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &corpus.Manifest{
		Council: "Testshire Council",
		Root:    "../corpus",
		BaseURL: "https://testshire.gov.uk",
		Dir:     "/srv/manifests",
		Sources: []corpus.Source{
			{Path: "pages", Kind: corpus.KindPage},
			{Path: "foi/**/*.html", Kind: corpus.KindFOI, Format: "wdtk-html", Council: "Testshire FOI", Exclude: []string{"foi/drafts"}},
		},
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
	if got, want := m.RootDir(), "/srv/corpus"; got != want {
		t.Errorf("RootDir() = %q, want %q", got, want)
	}

	bad := []struct {
		name string
		yaml string
		want error
	}{
		{"empty", "", corpus.ErrInvalid},
		{"misspelt key", "root: x\nsources:\n  - path: a\n    knid: page\n", corpus.ErrInvalid},
		{"unknown top key", "root: x\nbaseurl: y\nsources:\n  - path: a\n    kind: page\n", corpus.ErrInvalid},
		{"no root", "sources:\n  - path: a\n    kind: page\n", corpus.ErrInvalid},
		{"no sources", "root: x\n", corpus.ErrInvalid},
		{"unknown kind", "root: x\nsources:\n  - path: a\n    kind: blog\n", corpus.ErrInvalid},
		{"climbs out", "root: x\nsources:\n  - path: ../etc\n    kind: page\n", corpus.ErrOutsideRoot},
		{"absolute", "root: x\nsources:\n  - path: /etc/passwd\n    kind: page\n", corpus.ErrOutsideRoot},
		{"exclude climbs out", "root: x\nsources:\n  - path: a\n    kind: page\n    exclude: [../b]\n", corpus.ErrOutsideRoot},
		{"bad glob", "root: x\nsources:\n  - path: 'a/[b'\n    kind: page\n", corpus.ErrInvalid},
		{"bad exclude glob", "root: x\nsources:\n  - path: a\n    kind: page\n    exclude: ['[x']\n", corpus.ErrInvalid},
		{"wrong type", "root: x\nsources: pages\n", corpus.ErrInvalid},
		{"two documents", "root: x\nsources:\n  - path: a\n    kind: page\n---\nroot: y\n", corpus.ErrInvalid},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "/srv")
			if !errors.Is(err, tc.want) {
				t.Errorf("Parse error = %v, want one wrapping %v", err, tc.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "townhall.yaml")
	writeFile(t, file, "council: C\nroot: corpus\nsources:\n  - path: .\n    kind: page\n")
	m, err := Load(file)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := m.Dir, dir; got != want {
		t.Errorf("Dir = %q, want %q", got, want)
	}
	if got, want := m.RootDir(), filepath.Join(dir, "corpus"); got != want {
		t.Errorf("RootDir() = %q, want %q", got, want)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) error = %v, want os.ErrNotExist", err)
	}
}

func writeFile(tb testing.TB, name, data string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}
