package vector

// candidate is a scored vector, addressed by its list and position.
type candidate struct {
	score float32
	list  int32
	pos   int32
}

// topK keeps the k best candidates seen so far in a min-heap on score, so
// the weakest kept candidate is at the root and each offer costs O(1) when
// it is rejected and O(log k) when it is kept.
type topK struct {
	k    int
	heap []candidate
}

func newTopK(k int) topK {
	return topK{k: k, heap: make([]candidate, 0, k)}
}

// full reports whether k candidates are held.
func (t *topK) full() bool { return len(t.heap) == t.k }

// admits reports whether a candidate with this score would be kept.
func (t *topK) admits(score float32) bool {
	return len(t.heap) < t.k || score > t.heap[0].score
}

// push adds c, evicting the weakest candidate when full. The caller checks
// admits first.
func (t *topK) push(c candidate) {
	h := t.heap
	if len(h) < t.k {
		h = append(h, c)
		// Sift up.
		i := len(h) - 1
		for i > 0 {
			p := (i - 1) / 2
			if h[p].score <= h[i].score {
				break
			}
			h[p], h[i] = h[i], h[p]
			i = p
		}
		t.heap = h
		return
	}
	h[0] = c
	// Sift down.
	i, n := 0, len(h)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h[r].score < h[l].score {
			m = r
		}
		if h[i].score <= h[m].score {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
