package corpus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"
)

// SourceFile is one file found under a manifest's root, not yet read.
type SourceFile struct {
	ID      string // path relative to the root
	Source  Source
	Council string
	BaseURL string
	// Read returns the file's contents, or an error wrapping ErrTooLarge or
	// ErrOutsideRoot when it must not be read.
	Read func() ([]byte, error)
}

// Sink receives ingested documents a file at a time. Ingestion calls it
// from one goroutine. A retrieval index implements it.
type Sink interface {
	// FileHashes returns the content hash of every file already ingested.
	FileHashes(ctx context.Context) (map[string]string, error)
	// PutFile replaces everything previously ingested from fileID with docs.
	PutFile(ctx context.Context, fileID, hash string, docs []Document) error
	// DeleteFiles removes everything ingested from the given files.
	DeleteFiles(ctx context.Context, fileIDs []string) error
}

// IngestOptions configures Ingest.
type IngestOptions struct {
	Loaders Loaders
	// Workers read and parse files in parallel; 0 means GOMAXPROCS.
	Workers int
	// Progress, if set, is called after each file from the sink goroutine.
	Progress func(Progress)
	// Force re-ingests files whose hash is unchanged.
	Force bool
	// Now stamps the summary; nil means time.Now.
	Now func() time.Time
}

// Progress reports how far an ingest has got.
type Progress struct {
	Done, Total int
	Bytes       int64
	Path        string
}

// KindCount tallies one kind in a Summary.
type KindCount struct {
	Files     int `json:"files"`
	Documents int `json:"documents"`
}

// Summary reports an ingest.
type Summary struct {
	Files     int                `json:"files"`     // files seen
	Ingested  int                `json:"ingested"`  // files (re)loaded
	Unchanged int                `json:"unchanged"` // skipped by hash
	Deleted   int                `json:"deleted"`   // removed from the index
	Documents int                `json:"documents"` // documents put
	Bytes     int64              `json:"bytes"`     // bytes read and parsed
	ByKind    map[Kind]KindCount `json:"by_kind"`
	Failures  []*FileError       `json:"-"`
	Duration  time.Duration      `json:"duration_ns"`
}

// Ingest brings sink up to date with files: new and changed files are
// loaded and put, unchanged ones skipped, and files no longer present
// deleted. A file that fails to load is recorded in Summary.Failures and
// whatever was ingested from it before is left as it was, so a bad upload
// never loses a good earlier version. Ingest returns an error only when the
// sink fails or ctx is cancelled.
func Ingest(ctx context.Context, files []SourceFile, sink Sink, opt IngestOptions) (*Summary, error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	sum := &Summary{Files: len(files), ByKind: map[Kind]KindCount{}}

	old, err := sink.FileHashes(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest: read file hashes: %w", err)
	}
	present := make(map[string]bool, len(files))
	for _, f := range files {
		present[f.ID] = true
	}
	var gone []string
	for id := range old {
		if !present[id] {
			gone = append(gone, id)
		}
	}
	sort.Strings(gone)
	if len(gone) > 0 {
		if err := sink.DeleteFiles(ctx, gone); err != nil {
			return nil, fmt.Errorf("ingest: delete removed files: %w", err)
		}
		sum.Deleted = len(gone)
	}

	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type result struct {
		f     SourceFile
		hash  string
		size  int64
		docs  []Document
		err   error
		skip  bool
		index int
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	results := make([]chan result, len(files))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				f := files[i]
				r := result{f: f, index: i}
				data, err := f.Read()
				if err != nil {
					r.err = err
					results[i] <- r
					continue
				}
				r.size = int64(len(data))
				sumb := sha256.Sum256(data)
				r.hash = hex.EncodeToString(sumb[:])
				if !opt.Force && old[f.ID] == r.hash {
					r.skip = true
					results[i] <- r
					continue
				}
				r.docs, r.err = loadFile(ctx, opt.Loaders, File{ID: f.ID, Data: data, Source: f.Source, Council: f.Council, BaseURL: f.BaseURL})
				for j := range r.docs {
					r.docs[j].Hash = r.hash
				}
				results[i] <- r
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range files {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer wg.Wait()

	for i := range files {
		var r result
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			return sum, ctx.Err()
		}
		kc := sum.ByKind[r.f.Source.Kind]
		switch {
		case r.err != nil:
			sum.Failures = append(sum.Failures, &FileError{Path: r.f.ID, Err: r.err})
		case r.skip:
			sum.Unchanged++
		default:
			if err := sink.PutFile(ctx, r.f.ID, r.hash, r.docs); err != nil {
				return sum, fmt.Errorf("ingest: %s: %w", r.f.ID, err)
			}
			sum.Ingested++
			sum.Documents += len(r.docs)
			sum.Bytes += r.size
			kc.Files++
			kc.Documents += len(r.docs)
		}
		sum.ByKind[r.f.Source.Kind] = kc
		if opt.Progress != nil {
			opt.Progress(Progress{Done: i + 1, Total: len(files), Bytes: sum.Bytes, Path: r.f.ID})
		}
	}
	sum.Duration = now().Sub(start)
	return sum, nil
}

// loadFile runs the loader for f's format, turning a loader panic into an
// error so one hostile file cannot stop an ingest.
func loadFile(ctx context.Context, loaders Loaders, f File) (docs []Document, err error) {
	if len(f.Data) == 0 {
		return nil, ErrEmpty
	}
	format := f.Format()
	load, ok := loaders[format]
	if !ok {
		if format == "" {
			format = "unknown"
		}
		return nil, fmt.Errorf("format %q: %w", format, ErrUnsupported)
	}
	defer func() {
		if p := recover(); p != nil {
			docs, err = nil, fmt.Errorf("%s loader crashed: %v: %w", format, p, ErrInvalid)
		}
	}()
	docs, err = load(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, ErrEmpty
	}
	for i := range docs {
		d := &docs[i]
		if d.ID == "" {
			d.ID = f.ID
		}
		if FileID(d.ID) != f.ID {
			return nil, fmt.Errorf("loader gave document %q outside file: %w", d.ID, ErrInvalid)
		}
		if d.Kind == "" {
			d.Kind = f.Source.Kind
		}
		if d.Council == "" {
			d.Council = f.Council
		}
		if d.URL == "" {
			d.URL = URLFor(f.BaseURL, FileID(d.ID))
		}
		if d.Title == "" {
			d.Title = FileID(d.ID)
		}
	}
	return docs, nil
}
