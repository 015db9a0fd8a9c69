package corpus

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Manifest declares a council's sources. It is written in YAML (see
// corpus/manifest for the parser) and its Root is relative to the manifest
// file's folder.
type Manifest struct {
	Council string   `yaml:"council"`
	Root    string   `yaml:"root"`
	BaseURL string   `yaml:"base_url"` // default for sources without one
	Sources []Source `yaml:"sources"`
	// Contact holds the council's own contact details. Answers signpost to
	// these, never to numbers found in retrieved text.
	Contact Contact `yaml:"contact,omitempty"`

	// Dir is the folder the manifest was read from. It is set by the parser,
	// not by YAML, and RootDir resolves Root against it.
	Dir string `yaml:"-"`
}

// Contact is how residents reach the council.
type Contact struct {
	Nation           string `yaml:"nation,omitempty"` // england, wales, scotland, northern_ireland
	Phone            string `yaml:"phone,omitempty"`
	OutOfHoursPhone  string `yaml:"out_of_hours_phone,omitempty"`
	Email            string `yaml:"email,omitempty"`
	URL              string `yaml:"url,omitempty"` // the contact page
	BSLURL           string `yaml:"bsl_url,omitempty"`
	InterpreterPhone string `yaml:"interpreter_phone,omitempty"`
	FOIURL           string `yaml:"foi_url,omitempty"`
	// Address is the council's postal address, lines separated by commas
	// ("Civic Centre, Fenwick Road, Aldermoor, TV1 2AA"). FOI redaction
	// keeps it, and the phones above, as organisational text.
	Address string `yaml:"address,omitempty"`
}

// Source is one declared set of files.
type Source struct {
	// Path is a file, folder or glob relative to Root. A folder means every
	// file below it. Globs use path.Match syntax plus "**" for any depth.
	Path string `yaml:"path"`
	Kind Kind   `yaml:"kind"`
	// Format overrides detection by file extension: html, pdf, csv, json,
	// govuk, wdtk, wdtk-html, contractsfinder, ocds, text, markdown.
	Format string `yaml:"format,omitempty"`
	// BaseURL is joined with the document ID (or a URL found in the file) to
	// make a citation link.
	BaseURL string `yaml:"base_url,omitempty"`
	Council string `yaml:"council,omitempty"` // overrides Manifest.Council
	// Exclude lists globs (relative to Root) to leave out.
	Exclude []string `yaml:"exclude,omitempty"`
	// Secondary marks copies of content the corpus also holds in primary
	// form, such as a JSON export of the council's own pages. Secondary
	// files are ingested and searchable, but rank below primary sources so
	// that answers cite the page a resident would recognise.
	Secondary bool `yaml:"secondary,omitempty"`
}

// RootDir returns the absolute corpus root.
func (m *Manifest) RootDir() string {
	if filepath.IsAbs(m.Root) {
		return filepath.Clean(m.Root)
	}
	return filepath.Join(m.Dir, m.Root)
}

// Validate checks the manifest is usable.
func (m *Manifest) Validate() error {
	if m.Root == "" {
		return fmt.Errorf("manifest: root is required: %w", ErrInvalid)
	}
	if len(m.Sources) == 0 {
		return fmt.Errorf("manifest: no sources: %w", ErrInvalid)
	}
	for i, s := range m.Sources {
		if s.Path == "" {
			return fmt.Errorf("manifest: source %d: path is required: %w", i, ErrInvalid)
		}
		if !s.Kind.Valid() {
			return fmt.Errorf("manifest: source %d (%s): unknown kind %q: %w", i, s.Path, s.Kind, ErrInvalid)
		}
		if _, err := CleanRel(s.Path); err != nil {
			return fmt.Errorf("manifest: source %d: %w", i, err)
		}
	}
	return nil
}

// CleanRel cleans a slash-separated path relative to the root and rejects
// one that is absolute or climbs out of the root.
func CleanRel(p string) (string, error) {
	p = filepath.ToSlash(p)
	if strings.HasPrefix(p, "/") || filepath.IsAbs(p) {
		return "", fmt.Errorf("%q: %w", p, ErrOutsideRoot)
	}
	c := filepath.ToSlash(filepath.Clean(p))
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("%q: %w", p, ErrOutsideRoot)
	}
	return c, nil
}
