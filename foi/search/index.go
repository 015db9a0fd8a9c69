// Package search is the FOI portal's full-text index of the disclosure
// log, on bleve: ranked search with facets (year, status, law, exemption,
// department, topic, kind), highlighted snippets, sorting and paging.
//
// It is a second copy of what the foi.DisclosureStore holds, shaped for
// search; the store stays the record. Entries carry a Kind so that the
// spending, contracts and budget browser can add its own items to the
// same portal search later.
package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	bleve "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	kwtokenizer "github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/townhall-civic/townhall/foi"
)

// ErrIncompatible reports an index on disk built by another version of
// this package's mapping. Delete it and rebuild from the store.
var ErrIncompatible = errors.New("search: index built with an incompatible mapping")

// mappingVersion is stored in the index and checked on open.
const mappingVersion = "townhall-foi-1"

var mappingVersionKey = []byte("townhall_foi_mapping_version")

// Field names in the bleve documents.
const (
	fieldTitle      = "title"
	fieldBody       = "body"
	fieldReference  = "reference"
	fieldKind       = "kind"
	fieldYear       = "year"
	fieldStatus     = "status"
	fieldLaw        = "law"
	fieldExemption  = "exemption"
	fieldDepartment = "department"
	fieldTopic      = "topic"
	fieldDate       = "date"
	fieldURL        = "url"
	fieldSummary    = "summary" // stored only: the lead of the response, for hits without a text match

	analyzerRef = "townhall_reference"
)

// Entry is one searchable item: a disclosure, or later a payment,
// contract or budget line.
type Entry struct {
	ID         string
	Kind       string // "foi", "spending", "contracts", "budget"
	Title      string
	Reference  string
	Body       string   // searchable text; snippets are cut from it
	Summary    string   // shown when no query term is in the body
	Status     string   // foi.Status
	Law        string   // foi.Law
	Exemptions []string // foi.Exemption.Key values, e.g. "foia:40"
	Department string
	Topic      string
	Date       time.Time
	URL        string // canonical link at the source
}

// EntryFromDisclosure returns the index entry of a (published,
// redacted) disclosure.
func EntryFromDisclosure(d *foi.Disclosure) Entry {
	e := Entry{
		ID: d.ID, Kind: "foi", Title: d.Title, Reference: d.Reference,
		Status: string(d.Status), Law: string(d.Law), Department: d.Department, Topic: d.Topic,
		Date: d.Received, URL: d.URL,
	}
	parts := []string{d.RequestText, d.ResponseText}
	for _, a := range d.Attachments {
		parts = append(parts, a.Name, a.Text)
	}
	e.Body = joinNonEmpty(parts, "\n\n")
	e.Summary = firstNonEmpty(d.ResponseText, d.RequestText)
	seen := map[string]bool{}
	for _, x := range d.Exemptions {
		if k := x.Key(); !seen[k] {
			seen[k] = true
			e.Exemptions = append(e.Exemptions, k)
		}
	}
	return e
}

func joinNonEmpty(parts []string, sep string) string {
	var keep []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// Options tunes an Index. The zero value gives the defaults.
type Options struct {
	// BatchSize is the number of entries written per bleve batch; 0 means
	// 1000.
	BatchSize int
	// SnippetChars is the approximate snippet length; 0 means 240.
	SnippetChars int
}

// Index is the disclosure search index. It is safe for concurrent use.
type Index struct {
	opts     Options
	analyzer analysis.Analyzer

	mu   sync.RWMutex // write-locked only by Close
	idx  bleve.Index
	cat  *catalog
	rows rowMaps
	bufs sync.Pool // of *matchBuf
}

// Open opens the index at path, creating it when absent. An index built
// with another mapping gives an error wrapping ErrIncompatible.
func Open(path string, opts Options) (*Index, error) {
	if path == "" {
		return nil, fmt.Errorf("search: open: empty path")
	}
	var idx bleve.Index
	var err error
	if _, statErr := os.Stat(path); statErr == nil {
		idx, err = bleve.Open(path)
		if err != nil {
			return nil, fmt.Errorf("search: open %s: %w", path, err)
		}
		v, err := idx.GetInternal(mappingVersionKey)
		if err != nil || string(v) != mappingVersion {
			idx.Close()
			if err == nil {
				err = fmt.Errorf("version %q, want %q: %w", v, mappingVersion, ErrIncompatible)
			}
			return nil, fmt.Errorf("search: open %s: %w", path, err)
		}
	} else {
		idx, err = bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, nil)
		if err != nil {
			return nil, fmt.Errorf("search: create %s: %w", path, err)
		}
		if err := idx.SetInternal(mappingVersionKey, []byte(mappingVersion)); err != nil {
			idx.Close()
			return nil, fmt.Errorf("search: create %s: %w", path, err)
		}
	}
	return newIndex(idx, opts)
}

// OpenMem returns an empty index held in memory.
func OpenMem(opts Options) (*Index, error) {
	idx, err := bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: create in memory: %w", err)
	}
	return newIndex(idx, opts)
}

func newIndex(idx bleve.Index, opts Options) (*Index, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	if opts.SnippetChars <= 0 {
		opts.SnippetChars = 240
	}
	a := idx.Mapping().AnalyzerNamed(en.AnalyzerName)
	if a == nil {
		idx.Close()
		return nil, fmt.Errorf("search: analyzer %q not registered", en.AnalyzerName)
	}
	ix := &Index{opts: opts, analyzer: a, idx: idx, cat: newCatalog()}
	if err := ix.loadCatalog(); err != nil {
		idx.Close()
		return nil, err
	}
	return ix, nil
}

// loadCatalog fills the catalog from the entries already in the index,
// reading their stored fields a page at a time in ID order.
func (ix *Index) loadCatalog() error {
	const pageSize = 5000
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), pageSize, 0, false)
		req.Fields = []string{fieldKind, fieldStatus, fieldLaw, fieldExemption, fieldDepartment, fieldTopic, fieldDate}
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SetSearchAfter(after)
		}
		res, err := ix.idx.Search(req)
		if err != nil {
			return fmt.Errorf("search: load catalog: %w", err)
		}
		es := make([]Entry, len(res.Hits))
		for i, h := range res.Hits {
			es[i] = entryFromFields(h)
		}
		ix.cat.put(es)
		if len(res.Hits) < pageSize {
			return nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = en.AnalyzerName
	if err := im.AddCustomAnalyzer(analyzerRef, map[string]any{
		"type":          custom.Name,
		"tokenizer":     kwtokenizer.Name,
		"token_filters": []string{lowercase.Name},
	}); err != nil {
		panic(err) // a static definition: cannot fail at run time
	}
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = en.AnalyzerName
		f.Store = store
		f.IncludeTermVectors = true // positions, for "quoted phrases"
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = true
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	ref := bleve.NewTextFieldMapping()
	ref.Analyzer = analyzerRef
	ref.Store = true
	ref.IncludeInAll = false
	ref.IncludeTermVectors = false
	date := bleve.NewDateTimeFieldMapping()
	date.Store = true
	date.IncludeInAll = false
	date.DocValues = true

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldTitle, text(true))
	dm.AddFieldMappingsAt(fieldBody, text(true))
	dm.AddFieldMappingsAt(fieldReference, ref)
	for _, f := range []string{fieldKind, fieldYear, fieldStatus, fieldLaw, fieldExemption, fieldDepartment, fieldTopic} {
		dm.AddFieldMappingsAt(f, kw())
	}
	dm.AddFieldMappingsAt(fieldDate, date)
	dm.AddFieldMappingsAt(fieldURL, stored())
	dm.AddFieldMappingsAt(fieldSummary, stored())
	im.DefaultMapping = dm
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

// doc is the bleve document of an entry.
func doc(e Entry) map[string]any {
	m := map[string]any{
		fieldTitle:      e.Title,
		fieldBody:       clean(e.Body),
		fieldReference:  e.Reference,
		fieldKind:       e.Kind,
		fieldStatus:     e.Status,
		fieldLaw:        e.Law,
		fieldDepartment: e.Department,
		fieldTopic:      e.Topic,
		fieldURL:        e.URL,
		fieldSummary:    lead(clean(e.Summary), 400),
	}
	if len(e.Exemptions) > 0 {
		m[fieldExemption] = e.Exemptions
	}
	if !e.Date.IsZero() {
		m[fieldDate] = e.Date.UTC()
		m[fieldYear] = strconv.Itoa(e.Date.Year())
	}
	for k, v := range m {
		if s, ok := v.(string); ok && s == "" {
			delete(m, k)
		}
	}
	return m
}

// clean drops control characters other than line breaks and tabs, so that
// stored text is plain.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
}

// Put adds or replaces entries by ID.
//
// The catalog is updated before bleve, so that a search never meets a
// document the catalog does not know.
func (ix *Index) Put(ctx context.Context, es []Entry) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, e := range es {
		if e.ID == "" {
			return fmt.Errorf("search: entry without ID: %w", foi.ErrInvalid)
		}
	}
	ix.cat.put(es)
	for start := 0; start < len(es); start += ix.opts.BatchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := ix.idx.NewBatch()
		for _, e := range es[start:min(start+ix.opts.BatchSize, len(es))] {
			if err := b.Index(e.ID, doc(e)); err != nil {
				return fmt.Errorf("search: index %s: %w", e.ID, err)
			}
		}
		if err := ix.idx.Batch(b); err != nil {
			return fmt.Errorf("search: write batch: %w", err)
		}
	}
	return nil
}

// Delete removes entries by ID; unknown IDs are ignored.
func (ix *Index) Delete(ctx context.Context, ids []string) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	b := ix.idx.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("search: delete: %w", err)
	}
	ix.cat.remove(ids)
	return nil
}

// Count returns the number of entries.
func (ix *Index) Count() (int, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n, err := ix.idx.DocCount()
	return int(n), err
}

// Close closes the index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.idx.Close()
}

// PutDisclosures adds or replaces the entries of published disclosures.
func (ix *Index) PutDisclosures(ctx context.Context, ds []*foi.Disclosure) error {
	es := make([]Entry, len(ds))
	for i, d := range ds {
		es[i] = EntryFromDisclosure(d)
	}
	return ix.Put(ctx, es)
}
