package bleve

// Segments exposes the segment count to the benchmarks.
func (i *Index) Segments() int { return i.segments() }
