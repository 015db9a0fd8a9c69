// Package importer fills the disclosure log from a council's corpus: the
// FOI sources of a manifest (WhatDoTheyKnow thread JSON and request
// pages, CSV disclosure logs and indexes, response letters) are loaded
// with the corpus loaders, turned into disclosures
// (foi.DisclosureFromDocument plus what a disclosure log row says about
// status, law, exemptions and department), redacted, and published with
// their drafts and audit trail, then added to the portal's search index.
//
// A request often reaches the log twice: as a WhatDoTheyKnow thread and
// as the council's disclosure-log row. Disclosures from the same
// authority with the same reference are merged into one (see Merge);
// the merged disclosure lists every document in Sources.
//
// An import is all or nothing: every file is loaded and redacted before
// anything is written, and a file that fails to load stops the import
// with an error naming it (unless Options.SkipBadFiles), so a malformed
// upload never leaves the log half-updated.
package importer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/manifest"
	"github.com/townhall-civic/townhall/foi"
)

// ErrBadFiles reports files that could not be loaded; the import wrote
// nothing. errors.As finds *BadFilesError for the list.
var ErrBadFiles = errors.New("files could not be imported")

// BadFilesError lists the files that failed to load.
type BadFilesError struct {
	Failures []*corpus.FileError
}

func (e *BadFilesError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d file(s) could not be imported, nothing was changed:", len(e.Failures))
	for _, f := range e.Failures {
		b.WriteString("\n  " + f.Error())
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrBadFiles) true.
func (e *BadFilesError) Unwrap() error { return ErrBadFiles }

// Index is the portal's search index. foi/search.Index is one.
type Index interface {
	PutDisclosures(ctx context.Context, ds []*foi.Disclosure) error
}

// Deleter is an Index that can drop entries; Import uses it to remove
// disclosures that an earlier import published apart and this one merged.
type Deleter interface {
	Delete(ctx context.Context, ids []string) error
}

// Options configures an import.
type Options struct {
	// Loaders maps format names to corpus loaders (cmd/townhall wires the
	// same set ingestion uses).
	Loaders corpus.Loaders
	// MaxFileBytes refuses larger files; 0 means 64 MiB.
	MaxFileBytes int64
	// Detect is passed to foi.RedactDisclosure: the council's own email
	// domains, switchboard and address lines to keep. Names found anywhere
	// in a thread are added per disclosure.
	Detect foi.DetectOptions
	// Rules are the officers' censor rules; each applies to every
	// disclosure or to the one it is scoped to (foi.RulesFor).
	Rules []foi.Rule
	// SkipBadFiles imports what loads and reports the rest in
	// Report.Failures, instead of failing the whole import.
	SkipBadFiles bool
	// Sources, when set, limits the import to manifest sources whose
	// Path is listed.
	Sources []string
}

// SourceReport counts what one manifest source gave.
type SourceReport struct {
	Path    string // the manifest source's path
	Council string
	Format  string
	Files   int
	Failed  int
	// Disclosures counts the requests the source's files hold, before
	// merging.
	Disclosures int
	Redactions  int // audited replacements in the disclosures merged into this source's
	// ByStatus counts disclosures by status.
	ByStatus map[foi.Status]int
	// WithExemptions counts disclosures citing at least one exemption.
	WithExemptions int
}

// Report is what an import did.
type Report struct {
	Sources []SourceReport // in manifest order; sources of other kinds are left out
	// Disclosures is how many disclosures were published, after merging.
	Disclosures int
	// Merged counts documents folded into another with the same
	// authority and reference.
	Merged     int
	Redactions int
	Failures   []*corpus.FileError
}

// Batch is a loaded, redacted set of disclosures ready to publish.
type Batch struct {
	Publications []foi.Publication
	// Retired are the IDs merged into another disclosure: an earlier
	// import may have published them on their own.
	Retired []string
	Report  *Report
}

// Published returns the published (redacted) disclosures of b.
func (b *Batch) Published() []*foi.Disclosure {
	ds := make([]*foi.Disclosure, len(b.Publications))
	for i, p := range b.Publications {
		ds[i] = p.Published
	}
	return ds
}

// Load reads the manifest's FOI sources and returns the redacted
// disclosures without writing anything.
func Load(ctx context.Context, m *corpus.Manifest, opts Options) (*Batch, error) {
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = 64 << 20
	}
	entries, walkErrs := manifest.Files(m)
	rep := &Report{}
	for _, err := range walkErrs {
		var fe *corpus.FileError
		if !errors.As(err, &fe) {
			fe = &corpus.FileError{Path: "(manifest)", Err: err}
		}
		if isFOISource(m, fe.Path) || fe.Path == "(manifest)" {
			rep.Failures = append(rep.Failures, fe)
		}
	}
	wanted := map[string]bool{}
	for _, s := range opts.Sources {
		wanted[s] = true
	}
	listed := map[string]bool{}
	for _, s := range m.Sources {
		if s.Kind != corpus.KindFOI || len(wanted) > 0 && !wanted[s.Path] || listed[s.Path] {
			continue
		}
		listed[s.Path] = true
		council := s.Council
		if council == "" {
			council = m.Council
		}
		rep.Sources = append(rep.Sources, SourceReport{Path: s.Path, Council: council, Format: s.Format, ByStatus: map[foi.Status]int{}})
	}
	bySource := map[string]*SourceReport{}
	for i := range rep.Sources {
		bySource[rep.Sources[i].Path] = &rep.Sources[i]
	}

	b := &Batch{Report: rep}
	var drafts []*foi.Disclosure
	sourceOf := map[string]*SourceReport{} // disclosure ID -> its source
	seen := map[string]string{}            // disclosure ID -> file, to catch duplicates across files
	for _, e := range entries {
		sr := bySource[e.Source.Path]
		if sr == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sr.Files++
		ds, err := loadFile(ctx, e, opts)
		if err != nil {
			sr.Failed++
			rep.Failures = append(rep.Failures, &corpus.FileError{Path: e.ID, Err: err})
			continue
		}
		for _, d := range ds {
			if prev, dup := seen[d.ID]; dup {
				sr.Failed++
				rep.Failures = append(rep.Failures, &corpus.FileError{Path: e.ID,
					Err: fmt.Errorf("disclosure %q also comes from %s: %w", d.ID, prev, corpus.ErrInvalid)})
				continue
			}
			seen[d.ID] = e.ID
			if d.Authority == "" {
				d.Authority = sr.Council
			}
			drafts = append(drafts, d)
			sourceOf[d.ID] = sr
			sr.Disclosures++
			sr.ByStatus[d.Status]++
			if len(d.Exemptions) > 0 {
				sr.WithExemptions++
			}
		}
	}
	merged, retired := Merge(drafts)
	b.Retired = retired
	rep.Merged = len(retired)
	for _, d := range merged {
		p, err := foi.Prepare(d, opts.Detect, opts.Rules)
		if err != nil {
			return nil, fmt.Errorf("redact %s: %w", d.ID, err)
		}
		b.Publications = append(b.Publications, p)
		sourceOf[d.ID].Redactions += len(p.Audit)
		rep.Disclosures++
		rep.Redactions += len(p.Audit)
	}
	if len(rep.Failures) > 0 && !opts.SkipBadFiles {
		return b, &BadFilesError{Failures: rep.Failures}
	}
	return b, nil
}

// isFOISource reports whether a walk failure belongs to an FOI source
// (the failure's path is a file ID or a source path).
func isFOISource(m *corpus.Manifest, path string) bool {
	for _, s := range m.Sources {
		if s.Kind == corpus.KindFOI && (path == s.Path || strings.HasPrefix(path, strings.TrimSuffix(s.Path, "/")+"/")) {
			return true
		}
	}
	return false
}

// loadFile loads one file and converts its documents.
func loadFile(ctx context.Context, e manifest.Entry, opts Options) (ds []*foi.Disclosure, err error) {
	f, err := manifest.ReadFile(e, opts.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	format := f.Format()
	load, ok := opts.Loaders[format]
	if !ok {
		return nil, fmt.Errorf("format %q: %w", format, corpus.ErrUnsupported)
	}
	defer func() {
		if p := recover(); p != nil {
			ds, err = nil, fmt.Errorf("loader %s panicked: %v: %w", format, p, corpus.ErrInvalid)
		}
	}()
	docs, err := load(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("no requests found: %w", corpus.ErrEmpty)
	}
	for i := range docs {
		ds = append(ds, FromDocument(&docs[i]))
	}
	return ds, nil
}

// Import loads the manifest's FOI sources and publishes them to pub, then
// adds them to idx (nil skips indexing). Nothing is written when loading
// fails. The index is written after the store: if indexing fails, the
// store is still right and the index can be rebuilt from it.
func Import(ctx context.Context, m *corpus.Manifest, opts Options, pub foi.Publisher, idx Index) (*Report, error) {
	b, err := Load(ctx, m, opts)
	if err != nil {
		var rep *Report
		if b != nil {
			rep = b.Report
		}
		return rep, err
	}
	// Publish in a stable order so that reruns write identically.
	sort.Slice(b.Publications, func(i, j int) bool { return b.Publications[i].Published.ID < b.Publications[j].Published.ID })
	if err := pub.PublishDisclosures(ctx, b.Publications); err != nil {
		return b.Report, fmt.Errorf("publish: %w", err)
	}
	if idx != nil {
		err := idx.PutDisclosures(ctx, b.Published())
		if del, ok := idx.(Deleter); ok && err == nil && len(b.Retired) > 0 {
			err = del.Delete(ctx, b.Retired)
		}
		if err != nil {
			return b.Report, fmt.Errorf("index (the store is up to date; rebuild the index from it): %w", err)
		}
	}
	return b.Report, nil
}
