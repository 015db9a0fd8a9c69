package retrieval

import (
	"context"
	"fmt"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
)

// FileState is what a Catalog remembers about one ingested source file.
type FileState struct {
	Hash     string      `json:"hash"`
	Kind     corpus.Kind `json:"kind"`
	Docs     int         `json:"docs"`
	ChunkIDs []string    `json:"chunks"`
}

// Catalog records which files have been ingested, so re-ingest can skip
// unchanged files and delete the chunks of changed or removed ones.
type Catalog interface {
	Files(ctx context.Context) (map[string]FileState, error)
	PutFile(ctx context.Context, fileID string, st FileState) error
	DeleteFiles(ctx context.Context, fileIDs []string) error
}

// FileLookup is an optional ability of a Catalog: the states of some files,
// without reading the whole catalog. Unknown IDs are left out. Indexer uses
// it on every file it replaces, where Files would read everything.
type FileLookup interface {
	LookupFiles(ctx context.Context, fileIDs []string) (map[string]FileState, error)
}

// lookupFiles returns the states of fileIDs from c.
func lookupFiles(ctx context.Context, c Catalog, fileIDs []string) (map[string]FileState, error) {
	if l, ok := c.(FileLookup); ok {
		return l.LookupFiles(ctx, fileIDs)
	}
	return c.Files(ctx)
}

// Indexer is the corpus.Sink that feeds retrieval: it chunks documents,
// embeds the chunks, and writes them to the keyword and vector indexes and
// the catalog. Vectors and Embed may be nil for a keyword-only index.
type Indexer struct {
	Keyword  ChunkIndex
	Vectors  VectorIndex
	Embed    Embedder
	Catalog  Catalog
	Chunking corpus.ChunkOptions
	// EmbedBatch is how many chunks are embedded per call; 0 means 256.
	EmbedBatch int
	// WholeDocuments also indexes each multi-chunk document as one extra
	// chunk (ID "docID~all") holding its whole text, so a page whose
	// answer is spread over several sections can still match as a whole.
	// Fusion and dedupe are per document, so it never shows twice.
	WholeDocuments bool
	// WholeDocumentWords caps the whole-document chunk; 0 means 1500.
	WholeDocumentWords int
}

// WholeDocSuffix ends the ID of a whole-document chunk.
const WholeDocSuffix = "~all"

var _ corpus.Sink = (*Indexer)(nil)

// FileHashes implements corpus.Sink.
func (ix *Indexer) FileHashes(ctx context.Context) (map[string]string, error) {
	files, err := ix.Catalog.Files(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(files))
	for id, st := range files {
		out[id] = st.Hash
	}
	return out, nil
}

// PutFile implements corpus.Sink.
func (ix *Indexer) PutFile(ctx context.Context, fileID, hash string, docs []corpus.Document) error {
	if err := ix.DeleteFiles(ctx, []string{fileID}); err != nil {
		return err
	}
	var chunks []corpus.Chunk
	for i := range docs {
		cs := corpus.ChunkDocument(&docs[i], ix.Chunking)
		chunks = append(chunks, cs...)
		if ix.WholeDocuments && len(cs) > 1 {
			chunks = append(chunks, wholeDocument(cs, ix.WholeDocumentWords))
		}
	}
	if err := ix.Keyword.Put(ctx, chunks); err != nil {
		return fmt.Errorf("keyword index: %w", err)
	}
	if ix.Vectors != nil && ix.Embed != nil {
		batch := ix.EmbedBatch
		if batch <= 0 {
			batch = 256
		}
		texts := make([]string, 0, batch)
		ids := make([]string, 0, batch)
		for start := 0; start < len(chunks); start += batch {
			end := min(start+batch, len(chunks))
			texts, ids = texts[:0], ids[:0]
			for _, c := range chunks[start:end] {
				texts = append(texts, EmbedText(c))
				ids = append(ids, c.ID)
			}
			vecs, err := ix.Embed(ctx, texts)
			if err != nil {
				return fmt.Errorf("embed: %w", err)
			}
			if err := ix.Vectors.Add(ctx, ids, vecs); err != nil {
				return fmt.Errorf("vector index: %w", err)
			}
		}
	}
	st := FileState{Hash: hash, Docs: len(docs), ChunkIDs: make([]string, len(chunks))}
	if len(docs) > 0 {
		st.Kind = docs[0].Kind
	}
	for i, c := range chunks {
		st.ChunkIDs[i] = c.ID
	}
	return ix.Catalog.PutFile(ctx, fileID, st)
}

// DeleteFiles implements corpus.Sink.
func (ix *Indexer) DeleteFiles(ctx context.Context, fileIDs []string) error {
	if len(fileIDs) == 0 {
		return nil
	}
	files, err := lookupFiles(ctx, ix.Catalog, fileIDs)
	if err != nil {
		return err
	}
	var chunkIDs []string
	var known []string
	for _, id := range fileIDs {
		if st, ok := files[id]; ok {
			chunkIDs = append(chunkIDs, st.ChunkIDs...)
			known = append(known, id)
		}
	}
	if len(known) == 0 {
		return nil
	}
	if err := ix.Keyword.DeleteFiles(ctx, known); err != nil {
		return fmt.Errorf("keyword index: %w", err)
	}
	if ix.Vectors != nil {
		if err := ix.Vectors.Delete(ctx, chunkIDs); err != nil {
			return fmt.Errorf("vector index: %w", err)
		}
	}
	return ix.Catalog.DeleteFiles(ctx, known)
}

// EmbedText is the text a chunk is embedded from: its title and heading
// path followed by its body, so that short passages keep their topic.
func EmbedText(c corpus.Chunk) string {
	var b strings.Builder
	b.WriteString(c.Title)
	for _, h := range c.Headings {
		if h != c.Title {
			b.WriteString(". ")
			b.WriteString(h)
		}
	}
	b.WriteString(". ")
	b.WriteString(c.Text)
	return b.String()
}

// wholeDocument joins a document's chunks into one, up to maxWords words.
func wholeDocument(cs []corpus.Chunk, maxWords int) corpus.Chunk {
	if maxWords <= 0 {
		maxWords = 1500
	}
	whole := cs[0]
	whole.ID = cs[0].DocID + WholeDocSuffix
	whole.Headings = nil
	whole.Page = 0
	var b strings.Builder
	words := 0
	for _, c := range cs {
		if words >= maxWords {
			break
		}
		f := strings.Fields(c.Text)
		if words+len(f) > maxWords {
			f = f[:maxWords-words]
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		if len(c.Headings) > 0 {
			b.WriteString(c.Headings[len(c.Headings)-1])
			b.WriteString(": ")
		}
		b.WriteString(strings.Join(f, " "))
		words += len(f)
	}
	whole.Text = b.String()
	return whole
}
