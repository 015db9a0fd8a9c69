package corpus_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/corpus"
)

// memSink records what ingestion puts, as a real index would.
type memSink struct {
	hashes map[string]string
	docs   map[string][]corpus.Document
	puts   []string
	fail   string // file ID whose PutFile fails
}

func newMemSink() *memSink {
	return &memSink{hashes: map[string]string{}, docs: map[string][]corpus.Document{}}
}

func (s *memSink) FileHashes(context.Context) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range s.hashes {
		out[k] = v
	}
	return out, nil
}

func (s *memSink) PutFile(_ context.Context, id, hash string, docs []corpus.Document) error {
	if id == s.fail {
		return errors.New("disk full")
	}
	s.hashes[id], s.docs[id] = hash, docs
	s.puts = append(s.puts, id)
	return nil
}

func (s *memSink) DeleteFiles(_ context.Context, ids []string) error {
	for _, id := range ids {
		delete(s.hashes, id)
		delete(s.docs, id)
	}
	return nil
}

// lineLoader makes one document per line; a line "PANIC" panics and a line
// "BAD" is a parse error.
func lineLoader(_ context.Context, f corpus.File) ([]corpus.Document, error) {
	var docs []corpus.Document
	for i, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
		switch line {
		case "PANIC":
			panic("boom")
		case "BAD":
			return nil, fmt.Errorf("line %d: %w", i+1, corpus.ErrInvalid)
		}
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("%s#row-%d", f.ID, i+1), Title: line})
	}
	return docs, nil
}

func files(contents map[string]string) []corpus.SourceFile {
	var out []corpus.SourceFile
	for id, body := range contents {
		out = append(out, corpus.SourceFile{
			ID:      id,
			Source:  corpus.Source{Path: id, Kind: corpus.KindSpending, Format: "lines"},
			BaseURL: "https://example.gov.uk",
			Read:    func() ([]byte, error) { return []byte(body), nil },
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func TestIngestIncremental(t *testing.T) {
	ctx := context.Background()
	opt := corpus.IngestOptions{Loaders: corpus.Loaders{"lines": lineLoader}, Workers: 2}
	sink := newMemSink()

	sum, err := corpus.Ingest(ctx, files(map[string]string{"a.txt": "one\ntwo", "b.txt": "three"}), sink, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ingested != 2 || sum.Documents != 3 || sum.ByKind[corpus.KindSpending].Documents != 3 {
		t.Errorf("first run: got %+v, want 2 files and 3 documents", sum)
	}
	if got := sink.docs["a.txt"][1].URL; got != "https://example.gov.uk/a.txt" {
		t.Errorf("URL = %q, want the base URL joined with the file path", got)
	}

	// Second run: a unchanged, b changed, c new.
	sink.puts = nil
	sum, err = corpus.Ingest(ctx, files(map[string]string{"a.txt": "one\ntwo", "b.txt": "three\nfour", "c.txt": "five"}), sink, opt)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"b.txt", "c.txt"}, sink.puts); diff != "" {
		t.Errorf("files put (-want +got):\n%s", diff)
	}
	if sum.Unchanged != 1 || sum.Ingested != 2 {
		t.Errorf("second run: unchanged %d ingested %d, want 1 and 2", sum.Unchanged, sum.Ingested)
	}

	// Third run: c removed.
	sum, err = corpus.Ingest(ctx, files(map[string]string{"a.txt": "one\ntwo", "b.txt": "three\nfour"}), sink, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sink.docs["c.txt"]; ok || sum.Deleted != 1 {
		t.Errorf("removed file still indexed (deleted=%d)", sum.Deleted)
	}
}

func TestIngestBadFilesLoseNothing(t *testing.T) {
	ctx := context.Background()
	opt := corpus.IngestOptions{Loaders: corpus.Loaders{"lines": lineLoader}}
	sink := newMemSink()
	if _, err := corpus.Ingest(ctx, files(map[string]string{"good.txt": "ok", "later-bad.txt": "fine"}), sink, opt); err != nil {
		t.Fatal(err)
	}

	in := files(map[string]string{
		"good.txt":      "ok",
		"later-bad.txt": "BAD",   // was fine, now corrupt: keep the old version
		"panic.txt":     "PANIC", // a loader panic is an error, not a crash
		"empty.txt":     "",
		"new.txt":       "new",
	})
	in = append(in, corpus.SourceFile{ID: "unknown.xyz", Source: corpus.Source{Kind: corpus.KindPage},
		Read: func() ([]byte, error) { return []byte("x"), nil }})
	in = append(in, corpus.SourceFile{ID: "huge.txt", Source: corpus.Source{Kind: corpus.KindPage, Format: "lines"},
		Read: func() ([]byte, error) { return nil, corpus.ErrTooLarge }})
	sum, err := corpus.Ingest(ctx, in, sink, opt)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]error{
		"later-bad.txt": corpus.ErrInvalid,
		"panic.txt":     corpus.ErrInvalid,
		"empty.txt":     corpus.ErrEmpty,
		"unknown.xyz":   corpus.ErrUnsupported,
		"huge.txt":      corpus.ErrTooLarge,
	}
	if len(sum.Failures) != len(want) {
		t.Errorf("got %d failures, want %d: %v", len(sum.Failures), len(want), sum.Failures)
	}
	for _, f := range sum.Failures {
		if w, ok := want[f.Path]; !ok || !errors.Is(f, w) {
			t.Errorf("failure %v: want %v", f, w)
		}
	}
	if got := sink.docs["later-bad.txt"]; len(got) != 1 || got[0].Title != "fine" {
		t.Errorf("previous good version of a now-corrupt file was lost: %+v", got)
	}
	if _, ok := sink.docs["new.txt"]; !ok {
		t.Error("a good file next to bad ones was not ingested")
	}
}

func TestIngestSinkErrorStops(t *testing.T) {
	sink := newMemSink()
	sink.fail = "a.txt"
	_, err := corpus.Ingest(context.Background(), files(map[string]string{"a.txt": "x"}), sink,
		corpus.IngestOptions{Loaders: corpus.Loaders{"lines": lineLoader}})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the sink's error", err)
	}
}
