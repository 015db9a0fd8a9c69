package vector

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
)

// The file format, all integers little-endian:
//
//	magic "THVECIDX", version u32, dim u32,
//	options: exactBelow u64, nlists u64, nprobe u64, seed u64,
//	n u64, trainedN u64,
//	nsuper u32 (0 while exhaustive), then if nsuper > 0:
//	  superEnd nsuper×u32, supers nsuper×dim f32, centroids nlist×dim f32,
//	lists u32, then per list: count u32, count × (uvarint length, id bytes),
//	  count×dim f32,
//	CRC-32C u32 of everything before it.
const (
	fileMagic   = "THVECIDX"
	fileVersion = 1

	maxDim   = 1 << 16
	maxLists = 1 << 24
	maxIDLen = 1 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// WriteTo writes the index to w in a versioned binary format ending in a
// checksum. It holds the read lock, so searches continue meanwhile.
func (x *Index) WriteTo(w io.Writer) (int64, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	e := &encoder{w: bufio.NewWriterSize(w, 1<<16), crc: crc32.New(castagnoli)}
	e.bytes([]byte(fileMagic))
	e.u32(fileVersion)
	e.u32(uint32(x.dim))
	e.u64(uint64(x.opts.ExactBelow))
	e.u64(uint64(x.opts.NLists))
	e.u64(uint64(x.opts.NProbe))
	e.u64(uint64(x.opts.Seed))
	e.u64(uint64(x.n))
	e.u64(uint64(x.trainedN))
	if q := x.quant; q == nil {
		e.u32(0)
	} else {
		e.u32(uint32(q.nsuper()))
		for _, end := range q.superEnd {
			e.u32(uint32(end))
		}
		e.floats(q.supers)
		e.floats(q.centroids)
	}
	e.u32(uint32(len(x.lists)))
	for _, pl := range x.lists {
		e.u32(uint32(len(pl.ids)))
		for _, id := range pl.ids {
			e.uvarint(uint64(len(id)))
			e.bytes([]byte(id))
		}
		e.floats(pl.vecs)
	}
	e.u32(e.crc.Sum32())
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.n, e.err
}

// Read decodes an index written by WriteTo. Malformed, truncated or
// corrupted input gives an error wrapping ErrCorrupt.
func Read(r io.Reader) (*Index, error) {
	d := &decoder{r: bufio.NewReaderSize(r, 1<<16), crc: crc32.New(castagnoli)}
	x, err := d.index()
	if err == nil {
		want := d.crc.Sum32()
		d.crc = nil // the checksum is not part of itself
		if got := d.u32(); d.err == nil && got != want {
			err = corrupt("checksum mismatch")
		}
	}
	if err == nil {
		err = d.err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("vector: read index: %w: truncated", ErrCorrupt)
	}
	if err != nil {
		return nil, fmt.Errorf("vector: read index: %w", err)
	}
	return x, nil
}

// index decodes everything but the checksum. Errors other than d.err
// describe inconsistent content.
func (d *decoder) index() (*Index, error) {
	var magic [len(fileMagic)]byte
	d.bytes(magic[:])
	if d.err != nil {
		return nil, d.err
	}
	if string(magic[:]) != fileMagic {
		return nil, corrupt("not a vector index")
	}
	if v := d.u32(); d.err == nil && v != fileVersion {
		return nil, corrupt("unsupported version %d", v)
	}
	dim := int(d.u32())
	var opts Options
	opts.ExactBelow = int(d.u64())
	opts.NLists = int(d.u64())
	opts.NProbe = int(d.u64())
	opts.Seed = int64(d.u64())
	n := d.u64()
	trainedN := d.u64()
	nsuper := int(d.u32())
	if d.err != nil {
		return nil, d.err
	}
	if dim <= 0 || dim > maxDim || opts.ExactBelow <= 0 || opts.NLists < 0 || opts.NProbe < 0 ||
		n > math.MaxInt32 || trainedN > math.MaxInt32 || nsuper > maxLists {
		return nil, corrupt("bad header")
	}
	x := New(dim, opts)
	x.trainedN = int(trainedN)
	wantLists := 1
	if nsuper > 0 {
		q := &quantizer{dim: dim, superEnd: make([]int32, nsuper)}
		prev := int32(0)
		for j := range q.superEnd {
			end := d.u32()
			if d.err != nil {
				return nil, d.err
			}
			if end > maxLists || int32(end) < prev {
				return nil, corrupt("bad list ranges")
			}
			q.superEnd[j], prev = int32(end), int32(end)
		}
		if prev == 0 {
			return nil, corrupt("no lists")
		}
		q.supers = d.floats(nil, nsuper*dim)
		q.centroids = d.floats(nil, int(prev)*dim)
		x.quant = q
		wantLists = int(prev)
	}
	if nl := int(d.u32()); d.err == nil && nl != wantLists {
		return nil, corrupt("%d lists, want %d", nl, wantLists)
	}
	x.lists = make([]postingList, wantLists)
	for l := range x.lists {
		count := int(d.u32())
		if d.err != nil {
			return nil, d.err
		}
		if x.n+count > int(n) {
			return nil, corrupt("more vectors than the header says")
		}
		pl := &x.lists[l]
		// Grow as data arrives rather than trusting count for allocation.
		pl.ids = make([]string, 0, min(count, 1<<16))
		for i := range count {
			id := d.str()
			if d.err != nil {
				return nil, d.err
			}
			if _, dup := x.where[id]; dup {
				return nil, corrupt("duplicate id %q", id)
			}
			x.where[id] = slot{list: int32(l), pos: int32(i)}
			pl.ids = append(pl.ids, id)
		}
		pl.vecs = d.floats(nil, count*dim)
		x.n += count
	}
	if d.err != nil {
		return nil, d.err
	}
	if x.n != int(n) {
		return nil, corrupt("%d vectors, header says %d", x.n, n)
	}
	return x, nil
}

// Save writes the index to path atomically: to a temporary file in the
// same directory, synced, then renamed over path.
func (x *Index) Save(path string) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("vector: save: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = x.WriteTo(f); err != nil {
		return fmt.Errorf("vector: save: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("vector: save: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("vector: save: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("vector: save: %w", err)
	}
	return nil
}

// Load reads an index saved by Save.
func Load(path string) (*Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vector: load: %w", err)
	}
	defer f.Close()
	x, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("vector: load %s: %w", path, err)
	}
	return x, nil
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// encoder writes little-endian values, checksumming them; the first error
// sticks and later writes do nothing.
type encoder struct {
	w       *bufio.Writer
	crc     hash.Hash32
	n       int64
	err     error
	scratch [binary.MaxVarintLen64]byte
	fbuf    []byte
}

func (e *encoder) bytes(p []byte) {
	if e.err != nil {
		return
	}
	var m int
	m, e.err = e.w.Write(p)
	e.n += int64(m)
	e.crc.Write(p)
}

func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.scratch[:4], v)
	e.bytes(e.scratch[:4])
}

func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.scratch[:8], v)
	e.bytes(e.scratch[:8])
}

func (e *encoder) uvarint(v uint64) {
	e.bytes(e.scratch[:binary.PutUvarint(e.scratch[:], v)])
}

func (e *encoder) floats(fs []float32) {
	const chunk = 4096
	for len(fs) > 0 {
		c := fs[:min(chunk, len(fs))]
		fs = fs[len(c):]
		e.fbuf = e.fbuf[:0]
		for _, f := range c {
			e.fbuf = binary.LittleEndian.AppendUint32(e.fbuf, math.Float32bits(f))
		}
		e.bytes(e.fbuf)
	}
}

// decoder is the reading counterpart of encoder. A nil crc stops
// checksumming.
type decoder struct {
	r       *bufio.Reader
	crc     hash.Hash32
	err     error
	scratch [8]byte
	fbuf    []byte
}

func (d *decoder) bytes(p []byte) {
	if d.err != nil {
		clear(p)
		return
	}
	if _, d.err = io.ReadFull(d.r, p); d.err != nil {
		clear(p)
		return
	}
	if d.crc != nil {
		d.crc.Write(p)
	}
}

func (d *decoder) u32() uint32 {
	d.bytes(d.scratch[:4])
	return binary.LittleEndian.Uint32(d.scratch[:4])
}

func (d *decoder) u64() uint64 {
	d.bytes(d.scratch[:8])
	return binary.LittleEndian.Uint64(d.scratch[:8])
}

// ReadByte lets binary.ReadUvarint read through the checksum.
func (d *decoder) ReadByte() (byte, error) {
	d.bytes(d.scratch[:1])
	return d.scratch[0], d.err
}

func (d *decoder) str() string {
	if d.err != nil {
		return ""
	}
	n, err := binary.ReadUvarint(d)
	if err != nil {
		if d.err == nil {
			d.err = corrupt("bad id length")
		}
		return ""
	}
	if n > maxIDLen {
		d.err = corrupt("id length %d", n)
		return ""
	}
	b := make([]byte, n)
	d.bytes(b)
	return string(b)
}

// floats appends n floats to dst, growing it as data arrives so a corrupt
// count cannot force a huge allocation up front.
func (d *decoder) floats(dst []float32, n int) []float32 {
	const chunk = 4096
	if dst == nil {
		dst = make([]float32, 0, min(n, 1<<20))
	}
	for n > 0 && d.err == nil {
		c := min(chunk, n)
		if cap(d.fbuf) < 4*c {
			d.fbuf = make([]byte, 4*chunk)
		}
		b := d.fbuf[:4*c]
		d.bytes(b)
		for i := 0; i < len(b); i += 4 {
			dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(b[i:])))
		}
		n -= c
	}
	return dst
}
