package corpus

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Chunk is the unit that retrieval indexes: a passage of one document that
// carries its document's title and its heading path, so a chunk read alone
// still says what it is about.
type Chunk struct {
	ID       string // DocID + "~" + ordinal, e.g. "bins/missed.html~2"
	DocID    string
	Kind     Kind
	Title    string
	Headings []string
	Text     string
	URL      string
	Page     int // 1-based PDF page, 0 if none
	Date     time.Time
	Council  string
}

// ChunkID returns the ID of the n-th chunk of a document.
func ChunkID(docID string, n int) string { return docID + "~" + strconv.Itoa(n) }

// DocIDOfChunk returns the document ID part of a chunk ID.
func DocIDOfChunk(chunkID string) string {
	if i := strings.LastIndexByte(chunkID, '~'); i >= 0 {
		return chunkID[:i]
	}
	return chunkID
}

// ChunkOptions tunes ChunkDocument.
type ChunkOptions struct {
	// MaxWords is the soft upper bound on words per chunk. Sections longer
	// than this are split at paragraph, then sentence boundaries.
	MaxWords int
	// MinWords is the size under which a section is merged with the next one
	// that shares its top-level heading.
	MinWords int
}

// DefaultChunkOptions returns the options used by ingestion.
func DefaultChunkOptions() ChunkOptions { return ChunkOptions{MaxWords: 220, MinWords: 40} }

// ChunkDocument splits a document into chunks along its sections. It is pure:
// the same document always gives the same chunks with the same IDs.
func ChunkDocument(d *Document, opt ChunkOptions) []Chunk {
	if opt.MaxWords <= 0 {
		opt = DefaultChunkOptions()
	}
	var out []Chunk
	emit := func(headings []string, text string, page int) {
		text = strings.TrimSpace(text)
		if text == "" {
			return
		}
		out = append(out, Chunk{
			ID:       ChunkID(d.ID, len(out)),
			DocID:    d.ID,
			Kind:     d.Kind,
			Title:    d.Title,
			Headings: headings,
			Text:     text,
			URL:      d.URL,
			Page:     page,
			Date:     d.Date,
			Council:  d.Council,
		})
	}

	// Merge small neighbouring sections on the same page and top heading so
	// that a run of one-line sections does not become a run of tiny chunks.
	type pending struct {
		headings []string
		text     strings.Builder
		words    int
		page     int
	}
	var cur *pending
	flush := func() {
		if cur != nil {
			emit(cur.headings, cur.text.String(), cur.page)
			cur = nil
		}
	}
	for _, s := range d.Sections {
		words := countWords(s.Text)
		if words > opt.MaxWords {
			flush()
			for _, part := range splitWords(s.Text, opt.MaxWords) {
				emit(s.Headings, part, s.Page)
			}
			continue
		}
		if cur != nil && (cur.page != s.Page || cur.words+words > opt.MaxWords ||
			cur.words >= opt.MinWords || !sameTop(cur.headings, s.Headings)) {
			flush()
		}
		if cur == nil {
			cur = &pending{headings: s.Headings, page: s.Page}
		} else {
			cur.text.WriteString("\n\n")
			if len(s.Headings) > 0 {
				cur.text.WriteString(s.Headings[len(s.Headings)-1])
				cur.text.WriteString(": ")
			}
		}
		cur.text.WriteString(s.Text)
		cur.words += words
	}
	flush()
	if len(out) == 0 && d.Title != "" {
		// A document with a title but no body (a row, a bare notice) is still
		// findable by its title.
		emit(nil, d.Title, 0)
	}
	return out
}

func sameTop(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	return a[0] == b[0]
}

func countWords(s string) int { return len(strings.FieldsFunc(s, unicode.IsSpace)) }

// splitWords splits text into pieces of at most max words, preferring
// paragraph and then sentence boundaries, with no overlap.
func splitWords(text string, max int) []string {
	var pieces []string
	var b strings.Builder
	n := 0
	flush := func() {
		if s := strings.TrimSpace(b.String()); s != "" {
			pieces = append(pieces, s)
		}
		b.Reset()
		n = 0
	}
	for _, para := range strings.Split(text, "\n\n") {
		for _, sent := range splitSentences(para) {
			w := countWords(sent)
			if n > 0 && n+w > max {
				flush()
			}
			if w > max { // one huge "sentence" (a table row dump): hard split
				f := strings.Fields(sent)
				for len(f) > 0 {
					k := min(max, len(f))
					if n > 0 {
						flush()
					}
					b.WriteString(strings.Join(f[:k], " "))
					n = k
					f = f[k:]
				}
				continue
			}
			if n > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(sent)
			n += w
		}
		if n > 0 {
			b.WriteString("\n\n")
		}
	}
	flush()
	return pieces
}

// splitSentences splits a paragraph after '.', '!' or '?' followed by a
// space and an upper-case letter or digit. It is deliberately simple: it
// only has to find reasonable cut points.
func splitSentences(p string) []string {
	var out []string
	start := 0
	rs := []rune(p)
	for i := 0; i < len(rs)-2; i++ {
		if (rs[i] == '.' || rs[i] == '!' || rs[i] == '?') && unicode.IsSpace(rs[i+1]) &&
			(unicode.IsUpper(rs[i+2]) || unicode.IsDigit(rs[i+2])) {
			out = append(out, strings.TrimSpace(string(rs[start:i+1])))
			start = i + 2
		}
	}
	if s := strings.TrimSpace(string(rs[start:])); s != "" {
		out = append(out, s)
	}
	return out
}
