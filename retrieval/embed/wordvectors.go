package embed

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
)

// File layout, all integers little-endian:
//
//	header  magic "THWV", version uint32 (1), dim uint32, count uint32,
//	        vocabSize uint32 (size of the source vocabulary the ranks refer to),
//	        removed uint32 (top components removed by AllButTheTop)
//	ranks   count × uint32: each word's 1-based frequency rank in the source
//	vectors count × dim × float32 (IEEE 754 bits)
//	words   count × (uvarint length, UTF-8 bytes)
//	trailer uint32 CRC-32 (IEEE) of everything before it
//
// Words are stored in file order, most frequent first.
const (
	fileMagic   = "THWV"
	fileVersion = 1
	headerBytes = 24
)

// Word is one entry of a word-vector table.
type Word struct {
	Text   string    // lower-cased, as Words produces it
	Rank   int       // 1-based frequency rank in the source vocabulary
	Vector []float32 // the word's vector
}

// WordVectors is a read-only table of pretrained word vectors with each
// word's frequency rank, the input of the SIF embedder. It is safe for
// concurrent use.
type WordVectors struct {
	dim       int
	vocabSize int
	removed   int // components removed by AllButTheTop
	words     []string
	ranks     []uint32
	vecs      []float32 // len(words) × dim, row-major
	index     map[string]int32
}

// NewWordVectors builds a table from words, which must all have vectors of
// the same non-zero dimension. vocabSize is the size of the vocabulary the
// ranks were counted in (for a truncated table, larger than len(words)); it
// scales the Zipf estimate of word probabilities. A repeated word keeps its
// first entry.
func NewWordVectors(words []Word, vocabSize int) (*WordVectors, error) {
	if len(words) == 0 {
		return nil, fmt.Errorf("%w: no words", ErrFormat)
	}
	dim := len(words[0].Vector)
	if dim == 0 {
		return nil, fmt.Errorf("%w: zero dimension", ErrFormat)
	}
	wv := &WordVectors{
		dim:   dim,
		words: make([]string, 0, len(words)),
		ranks: make([]uint32, 0, len(words)),
		vecs:  make([]float32, 0, len(words)*dim),
		index: make(map[string]int32, len(words)),
	}
	for _, w := range words {
		if len(w.Vector) != dim {
			return nil, fmt.Errorf("%w: word %q has %d dimensions, want %d", ErrFormat, w.Text, len(w.Vector), dim)
		}
		if w.Rank < 1 || w.Text == "" {
			return nil, fmt.Errorf("%w: word %q has rank %d", ErrFormat, w.Text, w.Rank)
		}
		if _, dup := wv.index[w.Text]; dup {
			continue
		}
		wv.index[w.Text] = int32(len(wv.words))
		wv.words = append(wv.words, w.Text)
		wv.ranks = append(wv.ranks, uint32(w.Rank))
		wv.vecs = append(wv.vecs, w.Vector...)
		vocabSize = max(vocabSize, w.Rank)
	}
	wv.vocabSize = vocabSize
	return wv, nil
}

// Dim returns the vector dimension.
func (wv *WordVectors) Dim() int { return wv.dim }

// Len returns the number of words.
func (wv *WordVectors) Len() int { return len(wv.words) }

// Vector returns the vector of word (lower-case), or nil if it is unknown.
// The slice aliases the table: do not modify it.
func (wv *WordVectors) Vector(word string) []float32 {
	i, ok := wv.index[word]
	if !ok {
		return nil
	}
	return wv.row(int(i))
}

func (wv *WordVectors) row(i int) []float32 { return wv.vecs[i*wv.dim : (i+1)*wv.dim : (i+1)*wv.dim] }

// LoadWordVectors reads a word-vector file written by WriteTo.
func LoadWordVectors(path string) (*WordVectors, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("embed: open word vectors: %w", err)
	}
	defer f.Close()
	wv, err := ReadWordVectors(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return wv, nil
}

// ReadWordVectors reads a table in the format WriteTo writes. It returns
// an error wrapping ErrFormat if the data is not such a table.
func ReadWordVectors(r io.Reader) (*WordVectors, error) {
	crc := crc32.NewIEEE()
	tr := io.TeeReader(r, crc)
	var h [headerBytes]byte
	if _, err := io.ReadFull(tr, h[:]); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	if string(h[:4]) != fileMagic {
		return nil, fmt.Errorf("%w: magic %q", ErrFormat, h[:4])
	}
	le := binary.LittleEndian
	if v := le.Uint32(h[4:]); v != fileVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrFormat, v, fileVersion)
	}
	dim, count, vocab := int(le.Uint32(h[8:])), int(le.Uint32(h[12:])), int(le.Uint32(h[16:]))
	if dim <= 0 || dim > 1<<14 || count <= 0 || count > 1<<24 || dim*count > 1<<28 {
		return nil, fmt.Errorf("%w: dim %d, count %d", ErrFormat, dim, count)
	}
	wv := &WordVectors{dim: dim, vocabSize: vocab, removed: int(le.Uint32(h[20:]))}

	buf := make([]byte, 4*max(count, 64*1024))
	if _, err := io.ReadFull(tr, buf[:4*count]); err != nil {
		return nil, fmt.Errorf("%w: ranks: %v", ErrFormat, err)
	}
	wv.ranks = make([]uint32, count)
	for i := range wv.ranks {
		wv.ranks[i] = le.Uint32(buf[4*i:])
	}

	wv.vecs = make([]float32, count*dim)
	for done := 0; done < len(wv.vecs); {
		n := min(len(buf)/4, len(wv.vecs)-done)
		if _, err := io.ReadFull(tr, buf[:4*n]); err != nil {
			return nil, fmt.Errorf("%w: vectors: %v", ErrFormat, err)
		}
		dst := wv.vecs[done : done+n]
		for i := range dst {
			dst[i] = math.Float32frombits(le.Uint32(buf[4*i:]))
		}
		done += n
	}

	// The rest is the words and the checksum: small enough to read whole.
	rest, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: words: %v", ErrFormat, err)
	}
	if len(rest) < 4 {
		return nil, fmt.Errorf("%w: missing checksum", ErrFormat)
	}
	body, trailer := rest[:len(rest)-4], rest[len(rest)-4:]
	crc.Write(body)
	if got, want := crc.Sum32(), le.Uint32(trailer); got != want {
		return nil, fmt.Errorf("%w: checksum %08x, want %08x", ErrFormat, got, want)
	}
	wv.words = make([]string, count)
	wv.index = make(map[string]int32, count)
	all := string(body) // one allocation; the words are slices of it
	off := 0
	for i := range wv.words {
		n, k := binary.Uvarint(body[off:])
		if k <= 0 || n == 0 || n > uint64(len(body)-off-k) {
			return nil, fmt.Errorf("%w: word %d: bad length", ErrFormat, i)
		}
		off += k
		wv.words[i] = all[off : off+int(n)]
		wv.index[wv.words[i]] = int32(i)
		off += int(n)
	}
	if off != len(body) {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrFormat, len(body)-off)
	}
	return wv, nil
}

// WriteTo writes the table in its binary file format. It implements
// io.WriterTo.
func (wv *WordVectors) WriteTo(w io.Writer) (int64, error) {
	crc := crc32.NewIEEE()
	cw := &countWriter{w: io.MultiWriter(w, crc)}
	bw := bufio.NewWriterSize(cw, 1<<20)
	le := binary.LittleEndian
	var h [headerBytes]byte
	copy(h[:], fileMagic)
	le.PutUint32(h[4:], fileVersion)
	le.PutUint32(h[8:], uint32(wv.dim))
	le.PutUint32(h[12:], uint32(len(wv.words)))
	le.PutUint32(h[16:], uint32(wv.vocabSize))
	le.PutUint32(h[20:], uint32(wv.removed))
	bw.Write(h[:])
	var b [binary.MaxVarintLen64]byte
	for _, r := range wv.ranks {
		bw.Write(le.AppendUint32(b[:0], r))
	}
	for _, x := range wv.vecs {
		bw.Write(le.AppendUint32(b[:0], math.Float32bits(x)))
	}
	for _, s := range wv.words {
		bw.Write(binary.AppendUvarint(b[:0], uint64(len(s))))
		bw.WriteString(s)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	n, err := w.Write(le.AppendUint32(b[:0], crc.Sum32()))
	return cw.n + int64(n), err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
