package bleve

import (
	"context"
	"fmt"
	"strings"
	"sync"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// headingSep joins a chunk's heading path into one stored field. The ASCII
// unit separator cannot occur in extracted headings, and the tokenizer
// splits on it, so the joined field still analyses as separate words.
const headingSep = "\x1f"

// maxClauses bounds the file IDs in one delete query.
const maxClauses = 512

// Put inserts or replaces chunks by chunk ID, in batches of
// Options.BatchSize, several batches at a time. It returns once the chunks
// are searchable and, for an on-disk index, persisted. If the same ID occurs
// twice, the later chunk wins. A chunk with an empty ID is an error wrapping
// corpus.ErrInvalid, and then nothing is written.
func (i *Index) Put(ctx context.Context, chunks []corpus.Chunk) error {
	i.mu.RLock()
	defer i.mu.RUnlock()
	if i.closed {
		return retrieval.ErrClosed
	}
	last := make(map[string]int, len(chunks))
	for n := range chunks {
		if chunks[n].ID == "" {
			return fmt.Errorf("bleve: put: chunk %d of document %q has no ID: %w", n, chunks[n].DocID, corpus.ErrInvalid)
		}
		last[chunks[n].ID] = n
	}

	// Building a scorch segment from an analysed batch runs on one core, so
	// writing batches concurrently keeps every core busy. Each ID is in one
	// batch only, so the order in which batches land does not matter.
	var (
		wg       sync.WaitGroup
		errMu    sync.Mutex
		firstErr error
		slots    = make(chan struct{}, i.opts.Writers)
	)
	failed := func() error {
		errMu.Lock()
		defer errMu.Unlock()
		return firstErr
	}
	write := func(b *blevesearch.Batch) {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			if err := i.batch(b); err != nil {
				errMu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				errMu.Unlock()
			}
		}()
	}
	b := i.idx.NewBatch()
	for n := range chunks {
		c := &chunks[n]
		if last[c.ID] != n {
			continue
		}
		if err := b.Index(c.ID, fieldsOf(c)); err != nil {
			wg.Wait()
			return fmt.Errorf("bleve: put %s: %w", c.ID, err)
		}
		if b.Size() >= i.opts.BatchSize {
			if err := ctx.Err(); err != nil {
				wg.Wait()
				return fmt.Errorf("bleve: put: %w", err)
			}
			if err := failed(); err != nil {
				wg.Wait()
				return err
			}
			write(b)
			b = i.idx.NewBatch()
		}
	}
	write(b)
	wg.Wait()
	return failed()
}

// fieldsOf is the bleve document for a chunk, keyed by the field names of
// newMapping.
func fieldsOf(c *corpus.Chunk) map[string]interface{} {
	f := map[string]interface{}{
		fieldText:    c.Text,
		fieldBigrams: c.Text,
		fieldKind:    string(c.Kind),
		fieldDocID:   c.DocID,
		fieldFileID:  corpus.FileID(c.DocID),
	}
	if c.Title != "" {
		f[fieldTitle] = c.Title
	}
	if len(c.Headings) > 0 {
		f[fieldHeadings] = strings.Join(c.Headings, headingSep)
	}
	if c.Council != "" {
		f[fieldCouncil] = c.Council
	}
	if c.URL != "" {
		f[fieldURL] = c.URL
	}
	if c.Page != 0 {
		f[fieldPage] = float64(c.Page)
	}
	// Dates bleve cannot represent (before 1678 or after 2262) are left out,
	// as is the zero date; such chunks never pass a date filter.
	if !c.Date.IsZero() && !c.Date.Before(document.MinTimeRepresentable) && !c.Date.After(document.MaxTimeRepresentable) {
		f[fieldDate] = c.Date
	}
	return f
}

// DeleteFiles removes every chunk whose document comes from one of fileIDs.
// Unknown files are ignored.
func (i *Index) DeleteFiles(ctx context.Context, fileIDs []string) error {
	i.mu.RLock()
	defer i.mu.RUnlock()
	if i.closed {
		return retrieval.ErrClosed
	}
	for len(fileIDs) > 0 {
		n := min(len(fileIDs), maxClauses)
		if err := i.deleteFiles(ctx, fileIDs[:n]); err != nil {
			return err
		}
		fileIDs = fileIDs[n:]
	}
	return nil
}

// deleteFiles finds the chunks of up to maxClauses files a page at a time
// and deletes each page in one batch. Every pass sees the index without the
// chunks deleted by the previous one, so the loop ends when a search comes
// back empty.
func (i *Index) deleteFiles(ctx context.Context, fileIDs []string) error {
	qs := make([]query.Query, len(fileIDs))
	for n, id := range fileIDs {
		tq := blevesearch.NewTermQuery(id)
		tq.SetField(fieldFileID)
		qs[n] = tq
	}
	q := blevesearch.NewDisjunctionQuery(qs...)
	deleted := map[string]bool{}
	for {
		req := blevesearch.NewSearchRequestOptions(q, i.opts.BatchSize, 0, false)
		req.Score = "none"
		res, err := i.idx.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("bleve: delete files: %w", err)
		}
		if len(res.Hits) == 0 {
			return nil
		}
		b := i.idx.NewBatch()
		for _, h := range res.Hits {
			if deleted[h.ID] {
				return fmt.Errorf("bleve: delete files: chunk %s still found after deleting it", h.ID)
			}
			deleted[h.ID] = true
			b.Delete(h.ID)
		}
		if err := i.batch(b); err != nil {
			return err
		}
	}
}

// Chunks returns the stored chunks with the given IDs, in order, skipping
// IDs that are not in the index. Dates come back as the same instant in UTC.
func (i *Index) Chunks(ctx context.Context, ids []string) ([]corpus.Chunk, error) {
	i.mu.RLock()
	defer i.mu.RUnlock()
	if i.closed {
		return nil, retrieval.ErrClosed
	}
	r, err := i.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := make([]corpus.Chunk, 0, len(ids))
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("bleve: chunks: %w", err)
		}
		c, ok, err := loadChunk(r, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// reader returns a reader on the current snapshot. Close it after use.
func (i *Index) reader() (index.IndexReader, error) {
	adv, err := i.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("bleve: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("bleve: reader: %w", err)
	}
	return r, nil
}

// loadChunk rebuilds a chunk from its stored fields; ok is false if the ID
// is not in the index.
func loadChunk(r index.IndexReader, id string) (c corpus.Chunk, ok bool, err error) {
	doc, err := r.Document(id)
	if err != nil {
		return c, false, fmt.Errorf("bleve: load %s: %w", id, err)
	}
	if doc == nil {
		return c, false, nil
	}
	c.ID = id
	doc.VisitFields(func(f index.Field) {
		name := f.Name()
		switch f := f.(type) {
		case index.TextField:
			s := f.Text()
			switch name {
			case fieldTitle:
				c.Title = s
			case fieldHeadings:
				c.Headings = strings.Split(s, headingSep)
			case fieldText:
				c.Text = s
			case fieldKind:
				c.Kind = corpus.Kind(s)
			case fieldDocID:
				c.DocID = s
			case fieldCouncil:
				c.Council = s
			case fieldURL:
				c.URL = s
			}
		case index.NumericField:
			if name == fieldPage {
				if v, err := f.Number(); err == nil {
					c.Page = int(v)
				}
			}
		case index.DateTimeField:
			if name == fieldDate {
				if t, _, err := f.DateTime(); err == nil {
					c.Date = t
				}
			}
		}
	})
	return c, true, nil
}
