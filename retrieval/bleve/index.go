package bleve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/shingle"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/townhall-civic/townhall/retrieval"
)

// Compile-time checks.
var (
	_ retrieval.ChunkIndex  = (*Index)(nil)
	_ retrieval.ChunkGetter = (*Index)(nil)
	_ retrieval.Searcher    = (*Index)(nil)
)

// ErrIncompatible reports an index on disk that was built with a different
// mapping than this code writes. Delete it and ingest again.
var ErrIncompatible = errors.New("bleve: index built with an incompatible mapping")

// mappingVersion is stored in every index and checked on open. Bump it when
// newMapping changes in a way that needs a rebuild.
const mappingVersion = "townhall-chunks-1"

var mappingVersionKey = []byte("townhall_mapping_version")

// Field names in the bleve documents.
const (
	fieldTitle    = "title"
	fieldHeadings = "headings"
	fieldText     = "text"
	fieldBigrams  = "text_bigrams" // adjacent term pairs of text, not stored
	fieldKind     = "kind"
	fieldDocID    = "doc_id"
	fieldFileID   = "file_id"
	fieldCouncil  = "council"
	fieldURL      = "url"
	fieldPage     = "page"
	fieldDate     = "date"
)

// Options tunes an Index. The zero value gives the defaults.
type Options struct {
	// TitleBoost, HeadingsBoost and TextBoost weight a term match in each
	// field in the tuned arm; 0 means 3, 2 and 1, negative leaves the field
	// out.
	TitleBoost, HeadingsBoost, TextBoost float64
	// PhraseBoost weights the bonus for adjacent query terms found next to
	// each other in the text; 0 means 1, negative disables phrases.
	PhraseBoost float64
	// CommonTerms is the fraction of chunks above which a query term counts
	// as common; 0 means 0.01, negative disables the split. Common terms
	// only add to the score of chunks that match a rarer term (as Lucene's
	// CommonTermsQuery does), which keeps the long posting lists of words
	// like "council" from dominating query time.
	CommonTerms float64
	// Candidates is how many hits are fetched per wanted hit before the
	// per-document cap; 0 means 2. A search that the cap leaves short
	// fetches four times as many and tries again. Bleve's top-N collector
	// costs more the more hits it keeps (each is a heap entry and an
	// external ID lookup): the hybrid retriever's keyword arm wants 90
	// documents, and keeping 360 chunk hits for them instead of 180 made
	// hybrid p50 on the shared corpus 5.6 ms instead of 4.9 ms, with the
	// same ranking on the development and held-out suites
	// (docs/retrieval.md, latency).
	Candidates int
	// BatchSize is the number of chunks written per scorch batch; 0 means
	// 2000.
	BatchSize int
	// Writers is the number of batches Put writes at once; 0 means
	// GOMAXPROCS, at most 4.
	Writers int
	// SnippetChars is the approximate snippet length in characters; 0
	// means 200.
	SnippetChars int
}

func (o Options) withDefaults() Options {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.TitleBoost, 3)
	def(&o.HeadingsBoost, 2)
	def(&o.TextBoost, 1)
	def(&o.PhraseBoost, 1)
	def(&o.CommonTerms, 0.01)
	if o.Candidates <= 0 {
		o.Candidates = 2
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 2000
	}
	if o.Writers <= 0 {
		o.Writers = min(runtime.GOMAXPROCS(0), 4)
	}
	if o.SnippetChars <= 0 {
		o.SnippetChars = 200
	}
	return o
}

// Index is a bleve full-text index of chunks. It is safe for concurrent use.
type Index struct {
	opts     Options
	path     string // "" for a memory-only index
	analyzer analysis.Analyzer
	filler   map[string]bool // analysed chat filler terms, dropped by the tuned arm

	mu     sync.RWMutex // write-locked only by Close
	idx    blevesearch.Index
	closed bool
}

// scorchConfig is the scorch configuration for new and reopened indexes.
//
// Batches are safe (bleve's default): Batch returns once the segment is
// persisted. unsafe_batch, which returns as soon as the batch is searchable
// and leaves persistence to the background persister, was measured slower
// for bulk loads here (about 3,500 against 5,000 chunks/s with two writers,
// same CPU per chunk), and would need an explicit flush before Close. Put
// writes several batches at once instead, so that segment building, which
// runs on one core per batch, overlaps with analysis and persistence.
func scorchConfig() map[string]interface{} {
	return map[string]interface{}{"unsafe_batch": false}
}

// Open opens the index at path, creating it if the directory does not exist.
// It returns an error wrapping ErrIncompatible if the index there was built
// by an incompatible version of this package.
func Open(path string, opts Options) (*Index, error) {
	if path == "" {
		return nil, fmt.Errorf("bleve: open: empty path")
	}
	var (
		idx blevesearch.Index
		err error
	)
	if _, statErr := os.Stat(path); statErr == nil {
		idx, err = blevesearch.OpenUsing(path, scorchConfig())
		if err != nil {
			return nil, fmt.Errorf("bleve: open %s: %w", path, err)
		}
		v, err := idx.GetInternal(mappingVersionKey)
		if err != nil || string(v) != mappingVersion {
			_ = idx.Close()
			if err == nil {
				err = fmt.Errorf("version %q, want %q: %w", v, mappingVersion, ErrIncompatible)
			}
			return nil, fmt.Errorf("bleve: open %s: %w", path, err)
		}
	} else {
		idx, err = blevesearch.NewUsing(path, newMapping(), scorch.Name, scorch.Name, scorchConfig())
		if err != nil {
			return nil, fmt.Errorf("bleve: create %s: %w", path, err)
		}
		if err := idx.SetInternal(mappingVersionKey, []byte(mappingVersion)); err != nil {
			_ = idx.Close()
			return nil, fmt.Errorf("bleve: create %s: %w", path, err)
		}
	}
	return newIndex(idx, path, opts)
}

// OpenMem returns an empty memory-only index, using the same scorch engine
// and mapping as Open. Its contents are lost on Close.
func OpenMem(opts Options) (*Index, error) {
	idx, err := blevesearch.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("bleve: create in memory: %w", err)
	}
	return newIndex(idx, "", opts)
}

func newIndex(idx blevesearch.Index, path string, opts Options) (*Index, error) {
	a := idx.Mapping().AnalyzerNamed(en.AnalyzerName)
	if a == nil {
		_ = idx.Close()
		return nil, fmt.Errorf("bleve: analyzer %q not registered", en.AnalyzerName)
	}
	i := &Index{opts: opts.withDefaults(), path: path, analyzer: a, idx: idx}
	i.filler = map[string]bool{}
	for _, w := range chatFiller {
		for _, tok := range a.Analyze([]byte(w)) {
			i.filler[string(tok.Term)] = true
		}
	}
	return i, nil
}

// Close closes the index, waiting for background merges to stop. Later
// calls to any method return retrieval.ErrClosed.
func (i *Index) Close() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.closed {
		return nil
	}
	i.closed = true
	if err := i.idx.Close(); err != nil {
		return fmt.Errorf("bleve: close: %w", err)
	}
	return nil
}

// DocCount returns the number of chunks in the index.
func (i *Index) DocCount() (uint64, error) {
	i.mu.RLock()
	defer i.mu.RUnlock()
	if i.closed {
		return 0, retrieval.ErrClosed
	}
	return i.idx.DocCount()
}

// batch writes b. For an on-disk index it returns once b is persisted.
// The caller holds i.mu for reading.
func (i *Index) batch(b *blevesearch.Batch) error {
	if b.Size() == 0 {
		return nil
	}
	if err := i.idx.Batch(b); err != nil {
		return fmt.Errorf("bleve: batch: %w", err)
	}
	b.Reset()
	return nil
}

// bigramAnalyzer indexes each pair of neighbouring terms of the English
// analysis as one term "a b", so that the tuned arm can reward adjacent
// query terms with cheap term lookups instead of positional phrase queries.
// Where a stop word was removed the pair has the filler "_" and is never
// queried.
const bigramAnalyzer = "en_bigram"

// newMapping describes how a chunk is indexed. Title, headings and text are
// analysed with bleve's English analyzer (possessives, lower case, stop
// words, Porter stemmer) and also feed the composite _all field that the
// plain arm searches. The text is indexed a second time as bigrams. Kind,
// document, file and council are exact keywords; the date is a datetime for
// range filters. Everything needed to rebuild a corpus.Chunk is stored.
// Doc values and term vectors are off: nothing sorts, facets or needs
// positions (snippets re-analyse the stored text).
func newMapping() *mapping.IndexMappingImpl {
	im := mapping.NewIndexMapping()
	im.DefaultAnalyzer = en.AnalyzerName // so a query on _all is analysed like the fields feeding it
	im.ScoringModel = index.BM25Scoring
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	must := func(err error) {
		if err != nil {
			panic(err) // the configuration below is constant
		}
	}
	must(im.AddCustomTokenFilter("bigram", map[string]interface{}{
		"type": shingle.Name, "min": 2.0, "max": 2.0,
		"output_original": false, "separator": " ", "filler": "_",
	}))
	must(im.AddCustomAnalyzer(bigramAnalyzer, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []interface{}{
			en.PossessiveName, lowercase.Name, en.StopName, porter.Name, "bigram",
		},
	}))

	text := func(analyzer string, store, inAll bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeInAll = inAll
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	kw := func(store bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	storedOnly := func(f *mapping.FieldMapping) *mapping.FieldMapping {
		f.Index = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	date := mapping.NewDateTimeFieldMapping()
	date.IncludeInAll = false
	date.DocValues = false

	dm := mapping.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldTitle, text(en.AnalyzerName, true, true))
	dm.AddFieldMappingsAt(fieldHeadings, text(en.AnalyzerName, true, true))
	dm.AddFieldMappingsAt(fieldText, text(en.AnalyzerName, true, true))
	dm.AddFieldMappingsAt(fieldBigrams, text(bigramAnalyzer, false, false))
	dm.AddFieldMappingsAt(fieldKind, kw(true))
	dm.AddFieldMappingsAt(fieldDocID, kw(true))
	dm.AddFieldMappingsAt(fieldFileID, kw(false))
	dm.AddFieldMappingsAt(fieldCouncil, kw(true))
	dm.AddFieldMappingsAt(fieldURL, storedOnly(mapping.NewTextFieldMapping()))
	dm.AddFieldMappingsAt(fieldPage, storedOnly(mapping.NewNumericFieldMapping()))
	dm.AddFieldMappingsAt(fieldDate, date)
	im.DefaultMapping = dm
	return im
}

// Compact merges the index into a single segment, which makes searches
// faster. Run it after a bulk ingest: it rewrites the whole index and takes
// time in proportion to its size. Scorch's background merging keeps the
// index reasonably compact without it. It is a no-op for a memory-only
// index.
func (i *Index) Compact(ctx context.Context) error {
	i.mu.RLock()
	defer i.mu.RUnlock()
	if i.closed {
		return retrieval.ErrClosed
	}
	if i.path == "" {
		return nil
	}
	adv, err := i.idx.Advanced()
	if err != nil {
		return fmt.Errorf("bleve: compact: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("bleve: compact: index is %T, not scorch", adv)
	}
	if err := s.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		return fmt.Errorf("bleve: compact: %w", err)
	}
	// The merged segment is in the live snapshot; a no-op batch returns
	// once a snapshot at least that recent is on disk.
	b := i.idx.NewBatch()
	b.SetInternal(mappingVersionKey, []byte(mappingVersion))
	if err := i.batch(b); err != nil {
		return fmt.Errorf("bleve: compact: %w", err)
	}
	return nil
}

// segments reports the number of segments in the current snapshot, for
// benchmarks and diagnostics.
func (i *Index) segments() int {
	m := i.idx.StatsMap()
	ix, _ := m["index"].(map[string]interface{})
	n := 0
	for _, k := range []string{"num_root_memorysegments", "num_root_filesegments"} {
		if v, ok := ix[k].(uint64); ok {
			n += int(v)
		}
	}
	return n
}
