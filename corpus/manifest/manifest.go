// Package manifest reads a council's corpus manifest (YAML) and lists the
// files its sources select under the corpus root.
//
// A source's path may name a file, a folder (every file below it, at any
// depth) or a glob. Globs use path.Match syntax per path segment, and a
// segment that is exactly "**" matches any number of segments, including
// none: "foi/**/*.html" matches "foi/a.html" and "foi/2024/q1/b.html".
//
// Files never leave the root: a source path that climbs out of it, or a
// symbolic link that resolves outside it, is refused with an error wrapping
// corpus.ErrOutsideRoot. Hidden files and folders (names starting with ".")
// are skipped unless a source names them exactly. Symbolic links to folders
// inside the root are not followed, so a walk cannot loop and each file is
// listed once under its real path.
package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/townhall-civic/townhall/corpus"
)

// Parse decodes a YAML manifest read from the folder dir and validates it.
// Unknown keys are errors, so a misspelt key is caught rather than ignored.
// Errors wrap corpus.ErrInvalid.
func Parse(data []byte, dir string) (*corpus.Manifest, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m corpus.Manifest
	if err := dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("manifest: empty document: %w", corpus.ErrInvalid)
		}
		return nil, fmt.Errorf("manifest: %w: %w", corpus.ErrInvalid, err)
	}
	// A second YAML document in the same file is almost certainly a
	// mistake (two manifests pasted together); refuse it.
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("manifest: more than one YAML document: %w", corpus.ErrInvalid)
	}
	m.Dir = dir
	if err := m.Validate(); err != nil {
		return nil, err
	}
	for i, s := range m.Sources {
		if err := checkPattern(s.Path); err != nil {
			return nil, fmt.Errorf("manifest: source %d (%s): %w", i, s.Path, err)
		}
		for _, ex := range s.Exclude {
			if _, err := corpus.CleanRel(ex); err != nil {
				return nil, fmt.Errorf("manifest: source %d (%s): exclude: %w", i, s.Path, err)
			}
			if err := checkPattern(ex); err != nil {
				return nil, fmt.Errorf("manifest: source %d (%s): exclude: %w", i, s.Path, err)
			}
		}
	}
	return &m, nil
}

// Load reads and parses the manifest file at path. Its Dir is set to the
// absolute folder holding the file, so a relative Root resolves against it.
func Load(file string) (*corpus.Manifest, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m, err := Parse(data, filepath.Dir(abs))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

// checkPattern reports a malformed glob, such as an unclosed "[".
func checkPattern(p string) error {
	for _, seg := range splitPath(filepath.ToSlash(p)) {
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("bad pattern %q: %w", p, corpus.ErrInvalid)
		}
	}
	return nil
}
