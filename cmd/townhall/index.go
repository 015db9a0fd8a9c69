package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/html"
	"github.com/townhall-civic/townhall/corpus/jsondoc"
	"github.com/townhall-civic/townhall/corpus/manifest"
	"github.com/townhall-civic/townhall/corpus/pdf"
	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/corpus/tabular"
	"github.com/townhall-civic/townhall/corpus/text"
	"github.com/townhall-civic/townhall/retrieval"
	"github.com/townhall-civic/townhall/retrieval/embed"
)

// loaders maps every format name a manifest may use to its loader.
func loaders() corpus.Loaders {
	return corpus.Loaders{
		"html":            html.Load,
		"wdtk-html":       html.LoadWDTK,
		"pdf":             pdf.Load,
		"csv":             tabular.Load,
		"json":            jsondoc.Load,
		"govuk":           jsondoc.Load,
		"wdtk":            jsondoc.Load,
		"contractsfinder": jsondoc.Load,
		"ocds":            jsondoc.Load,
		"markdown":        text.LoadMarkdown,
		"text":            text.LoadPlain,
	}
}

// indexStore is a manifest with its open retrieval store: the embedded
// one in the index folder, or PostgreSQL (TOWNHALL_STORE=postgres).
type indexStore struct {
	manifest *corpus.Manifest
	store    *retrievalStore
	// records holds the spending and contract rows for exact answers
	// (records.db in the index folder, whichever the retrieval store);
	// ingest feeds both.
	records  *records.Store
	embedder string
	// words is the GloVe table the embedder embeds with (nil for other
	// embedders); the extractive composer shares it for soft term
	// matching rather than loading a second copy.
	words *embed.WordVectors
	docs  atomic.Int64

	// priors is the hybrid retriever's source-prior function, built once:
	// it needs a walk of the manifest's files.
	priorsOnce sync.Once
	priors     func(retrieval.Query) func(retrieval.Hit) float64
}

// openIndex loads the manifest and opens its retrieval store with the
// configured embedder: the index folder by default, or the manifest's
// schema in PostgreSQL when env.Store says so. The record store is
// SQLite in the index folder either way.
func openIndex(ctx context.Context, manifestPath, dataDir string, env config) (*indexStore, error) {
	if err := env.Store.validate(); err != nil {
		return nil, err
	}
	m, err := manifest.Load(manifestPath)
	if err != nil {
		return nil, err
	}
	if dataDir == "" {
		dataDir = env.indexDir(manifestPath)
	}
	emb, id, dim, words, err := buildEmbedder(env)
	if err != nil {
		return nil, err
	}
	st, err := openRetrieval(ctx, env.Store, manifestPath, dataDir, emb, id, dim)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		st.Close()
		return nil, err
	}
	rec, err := records.Open(ctx, filepath.Join(dataDir, "records.db"))
	if err != nil {
		st.Close()
		return nil, err
	}
	is := &indexStore{manifest: m, store: st, records: rec, embedder: id, words: words}
	if n, err := st.Documents(ctx); err == nil {
		is.docs.Store(int64(n))
	}
	return is, nil
}

// Ranking priors for the hybrid retriever: secondary copies and payment
// records (for questions not about money) are scaled down. Measured on the
// development suite; see docs/retrieval.md.
const (
	secondaryWeight    = 0.5
	recordWeight       = 0.5
	otherCouncilWeight = 0.6
	// compactAfterDocs is the ingest size after which the keyword index is
	// merged into one segment.
	compactAfterDocs = 5000
)

// searcher returns the named retriever. The hybrid retriever, the one the
// assistant uses, also applies the source priors; the others are left bare
// so comparisons with them stay honest.
func (is *indexStore) searcher(name string) (retrieval.Searcher, error) {
	s, err := is.store.Searcher(name)
	if err != nil || (name != "" && name != "hybrid") {
		return s, err
	}
	if ps, ok := is.store.retrievalBackend.(priorSearcher); ok {
		return ps.PriorSearcher(is.sourcePriors())
	}
	return &retrieval.Prior{Searcher: s, Depth: 5, Chunks: is.store.Chunks(), Weight: is.sourcePriors()}, nil
}

// sourcePriors returns the prior weights for the manifest's files: which
// are secondary, and each file's kind and council for bare hits. The file
// table is read once per process.
func (is *indexStore) sourcePriors() func(retrieval.Query) func(retrieval.Hit) float64 {
	is.priorsOnce.Do(func() {
		type fileInfo struct {
			kind      corpus.Kind
			council   string
			secondary bool
		}
		files := map[string]fileInfo{}
		entries, _ := manifest.Files(is.manifest)
		for _, e := range entries {
			files[e.ID] = fileInfo{kind: e.Source.Kind, council: e.Council, secondary: e.Source.Secondary}
		}
		councils := []string{is.manifest.Council}
		for _, src := range is.manifest.Sources {
			councils = append(councils, src.Council)
		}
		is.priors = retrieval.SourcePriors(retrieval.Priors{
			Secondary:          func(fileID string) bool { return files[fileID].secondary },
			SecondaryWeight:    secondaryWeight,
			RecordWeight:       recordWeight,
			Councils:           retrieval.NewCouncils(councils),
			OtherCouncilWeight: otherCouncilWeight,
			File: func(fileID string) (corpus.Kind, string) {
				f := files[fileID]
				return f.kind, f.council
			},
		})
	})
	return is.priors
}

// Documents returns how many documents the index holds.
func (is *indexStore) Documents() int64 { return is.docs.Load() }

// Close closes the stores.
func (is *indexStore) Close() error {
	return errors.Join(is.store.Close(), is.records.Close())
}

// sourceFiles lists the manifest's files for corpus.Ingest. Files the walk
// could not reach (a path outside the root, a broken link) are returned as
// failures so they are reported with the rest.
func (is *indexStore) sourceFiles(maxBytes int64) ([]corpus.SourceFile, []*corpus.FileError) {
	entries, errs := manifest.Files(is.manifest)
	var fails []*corpus.FileError
	for _, err := range errs {
		var fe *corpus.FileError
		if errors.As(err, &fe) {
			fails = append(fails, fe)
		} else {
			fails = append(fails, &corpus.FileError{Path: "(manifest)", Err: err})
		}
	}
	files := make([]corpus.SourceFile, len(entries))
	for i, e := range entries {
		files[i] = corpus.SourceFile{
			ID: e.ID, Source: e.Source, Council: e.Council, BaseURL: e.BaseURL,
			Read: func() ([]byte, error) {
				f, err := manifest.ReadFile(e, maxBytes)
				return f.Data, err
			},
		}
	}
	return files, fails
}

// ingest brings the index up to date with the manifest and commits.
func (is *indexStore) ingest(ctx context.Context, env config, force bool, progress func(corpus.Progress)) (*corpus.Summary, error) {
	files, walkFails := is.sourceFiles(env.MaxFileBytes)
	sum, err := corpus.Ingest(ctx, files, records.Tee(is.store.Indexer(), is.records), corpus.IngestOptions{
		Loaders:  loaders(),
		Progress: progress,
		Force:    force,
	})
	if err != nil {
		return sum, err
	}
	sum.Failures = append(walkFails, sum.Failures...)
	// Merge the keyword index after a bulk load; small updates leave it to
	// bleve's background merging.
	if err := is.store.Commit(ctx, sum.Documents >= compactAfterDocs); err != nil {
		return sum, fmt.Errorf("commit index: %w", err)
	}
	if n, err := is.store.Documents(ctx); err == nil {
		is.docs.Store(int64(n))
	}
	return sum, nil
}

// buildEmbedder returns the configured embedder, an identity string that
// changes whenever its vectors would, its dimension, and for GloVe the
// word table it embeds with (nil otherwise), which the extractive
// composer shares.
func buildEmbedder(env config) (retrieval.Embedder, string, int, *embed.WordVectors, error) {
	switch env.Embedder {
	case "auto", "glove":
		_, err := os.Stat(env.EmbeddingsFile)
		if env.Embedder == "auto" && errors.Is(err, fs.ErrNotExist) {
			const dim = 256
			return embed.Hashing(dim), fmt.Sprintf("hashing-%d", dim), dim, nil, nil
		}
		wv, err := embed.LoadWordVectors(env.EmbeddingsFile)
		if err != nil {
			return nil, "", 0, nil, fmt.Errorf("word vectors (run 'make embeddings'): %w", err)
		}
		return wv.Embedder(embed.SIFOptions{}), "glove:" + filepath.Base(env.EmbeddingsFile) + ":sif1", wv.Dim(), wv, nil
	case "hashing":
		const dim = 256
		return embed.Hashing(dim), fmt.Sprintf("hashing-%d", dim), dim, nil, nil
	case "openai":
		e, err := embed.OpenAI(embed.OpenAIConfig{BaseURL: env.OpenAIBaseURL, APIKey: env.OpenAIAPIKey, Model: env.OpenAIEmbedModel})
		if err != nil {
			return nil, "", 0, nil, err
		}
		return probeDim(e, "openai:"+env.OpenAIEmbedModel)
	case "ollama":
		e, err := embed.Ollama(embed.OllamaConfig{ServerURL: env.OllamaURL, Model: env.OllamaEmbedModel})
		if err != nil {
			return nil, "", 0, nil, err
		}
		return probeDim(e, "ollama:"+env.OllamaEmbedModel)
	}
	return nil, "", 0, nil, usageError("TOWNHALL_EMBEDDER=%q: want auto, glove, hashing, openai or ollama", env.Embedder)
}

// probeDim embeds one short text to learn a provider's dimension.
func probeDim(e retrieval.Embedder, id string) (retrieval.Embedder, string, int, *embed.WordVectors, error) {
	v, err := e(context.Background(), []string{"council"})
	if err != nil {
		return nil, "", 0, nil, fmt.Errorf("embedding provider %s: %w", id, err)
	}
	if len(v) != 1 || len(v[0]) == 0 {
		return nil, "", 0, nil, fmt.Errorf("embedding provider %s returned no vector", id)
	}
	return e, fmt.Sprintf("%s:%d", id, len(v[0])), len(v[0]), nil, nil
}
