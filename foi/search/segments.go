package search

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// rowMaps caches, for each immutable scorch segment, the catalog row of
// each of its documents, so that a match found by bleve becomes a
// catalog row with two array lookups instead of a stored-field read.
// A segment's map is built the first time a search meets the segment
// (after an import or a background merge) and dropped once no snapshot
// holds the segment.
type rowMaps struct {
	mu   sync.Mutex
	segs map[segment.Segment][]int32
}

// forSnapshot returns the row map of each segment of snap, in order.
func (rm *rowMaps) forSnapshot(snap *scorch.IndexSnapshot, cat *catalog) ([][]int32, error) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if rm.segs == nil {
		rm.segs = map[segment.Segment][]int32{}
	}
	segs := snap.Segments()
	out := make([][]int32, len(segs))
	current := make(map[segment.Segment]bool, len(segs))
	for i, ss := range segs {
		seg := ss.Segment()
		current[seg] = true
		m, ok := rm.segs[seg]
		if !ok {
			m = make([]int32, seg.Count())
			for n := range m {
				id, err := ss.DocID(uint64(n))
				if err != nil {
					return nil, fmt.Errorf("search: segment document %d: %w", n, err)
				}
				m[n] = cat.ordinal(string(id))
			}
			rm.segs[seg] = m
		}
		out[i] = m
	}
	for seg := range rm.segs {
		if !current[seg] {
			delete(rm.segs, seg)
		}
	}
	return out, nil
}

// matchRows returns the catalog rows of the documents matching qq, in no
// particular order, and, when scored, each one's relevance score as
// bleve computes it (scores[n] is rows[n]'s), so that one pass over the
// matches serves filtering, facets and ranking.
//
// The results are appended to buf's slices, which a broad search fills
// with 100,000 entries: reusing them spares the garbage collector.
func (ix *Index) matchRows(ctx context.Context, qq query.Query, scored bool, buf *matchBuf) (rows selection, scores []float64, err error) {
	rows, scores = buf.rows[:0], buf.scores[:0]
	defer func() { buf.rows, buf.scores = rows[:0], scores[:0] }()
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	reader, err := adv.Reader()
	if err != nil {
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	defer reader.Close()
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		return nil, nil, fmt.Errorf("search: index reader is %T, not a scorch snapshot", reader)
	}
	maps, err := ix.rows.forSnapshot(snap, ix.cat)
	if err != nil {
		return nil, nil, err
	}
	offsets := make([]uint64, len(maps))
	var running uint64
	for i, m := range maps {
		offsets[i] = running
		running += uint64(len(m))
	}
	opts := search.SearcherOptions{Score: "none"}
	if scored {
		opts.Score = ""
	}
	s, err := qq.Searcher(ctx, snap, ix.idx.Mapping(), opts)
	if err != nil {
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	seg := -1
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, nil, fmt.Errorf("search: %w", err)
		}
		if dm == nil {
			break
		}
		// Matches come in index order, so the segment only moves on.
		global := dm.IndexInternalID.Value()
		if seg < 0 || global < offsets[seg] {
			seg = sort.Search(len(offsets), func(i int) bool { return offsets[i] > global }) - 1
		}
		for seg+1 < len(offsets) && offsets[seg+1] <= global {
			seg++
		}
		if seg >= 0 {
			if local := global - offsets[seg]; local < uint64(len(maps[seg])) {
				if row := maps[seg][local]; row >= 0 {
					rows = append(rows, row)
					if scored {
						scores = append(scores, dm.Score)
					}
				}
			}
		}
		sctx.DocumentMatchPool.Put(dm)
	}
	if !scored {
		return rows, nil, nil
	}
	return rows, scores, nil
}

// matchBuf holds the slices one search collects its matches in.
type matchBuf struct {
	rows   selection
	scores []float64
}
