package tabular

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// maxRecordLines is the most lines one record may span before the reader
// decides a quote was never closed. Real multi-line cells (an FOI summary,
// an address) run to a few lines; an unclosed quote swallows the rest of
// the file.
const maxRecordLines = 40

// record is one parsed CSV record.
type record struct {
	line   int      // 1-based line the record starts on
	fields []string // raw cells, not yet cleaned
}

// blank reports whether every cell of r is empty or white space.
func (r record) blank() bool {
	for _, f := range r.fields {
		for i := 0; i < len(f); i++ {
			switch c := f[i]; {
			case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			case c < utf8.RuneSelf:
				return false
			default: // non-ASCII: decide on the cleaned cell
				if cleanCell(f) != "" {
					return false
				}
				i = len(f)
			}
		}
	}
	return true
}

// readRecords parses text into its non-blank records. Problems found on
// the way (an unclosed quote, a truncated final record) are returned with
// the records that could be read.
func readRecords(text string, comma rune) ([]record, []Problem) {
	var (
		recs     []record
		problems []Problem
	)
	base := 0 // line number of the first line of rest, minus one
	rest := text
	for {
		r := csv.NewReader(strings.NewReader(rest))
		r.Comma = comma
		r.LazyQuotes = true
		r.FieldsPerRecord = -1
		restart := false
		for {
			fields, err := r.Read()
			if err == io.EOF {
				break
			}
			line, _ := r.FieldPos(0)
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					problems = append(problems, Problem{Line: base + pe.StartLine, Reason: pe.Err.Error()})
					continue
				}
				problems = append(problems, Problem{Line: base + line, Reason: err.Error()})
				break
			}
			if span := spannedLines(fields); span > maxRecordLines {
				// An opening quote that is never closed: take the
				// record's first line on its own, without quoting, and
				// carry on from the line after it.
				start := lineOffset(rest, line)
				end := start + strings.IndexByte(rest[start:], '\n')
				if end < start {
					end = len(rest)
				}
				first := rest[start:end]
				problems = append(problems, Problem{Line: base + line, Reason: "quote never closed; read the line without quotes"})
				recs = append(recs, record{line: base + line, fields: strings.Split(strings.ReplaceAll(first, `"`, ""), string(comma))})
				if end >= len(rest) {
					break
				}
				base += line
				rest = rest[end+1:]
				restart = true
				break
			}
			rec := record{line: base + line, fields: fields}
			if !rec.blank() {
				recs = append(recs, rec)
			}
		}
		if !restart {
			break
		}
	}
	if n := len(recs); n > 0 && unclosedQuote(text, recs[n-1].line, comma) {
		problems = append(problems, Problem{Line: recs[n-1].line, Reason: "file ends inside a quoted field; last record dropped"})
		recs = recs[:n-1]
	}
	return recs, problems
}

// spannedLines counts the lines the fields of one record cover.
func spannedLines(fields []string) int {
	n := 1
	for _, f := range fields {
		n += strings.Count(f, "\n")
	}
	return n
}

// lineOffset returns the byte offset of the 1-based line n of s.
func lineOffset(s string, n int) int {
	off := 0
	for i := 1; i < n; i++ {
		j := strings.IndexByte(s[off:], '\n')
		if j < 0 {
			return len(s)
		}
		off += j + 1
	}
	return off
}

// unclosedQuote reports whether the file, read from the start of line,
// ends inside a quoted field: it was cut off mid-record. It follows the
// same lazy rules as the reader: a quote opens a field only at the field's
// start, and inside a quoted field a quote closes it only before a
// separator, a line end or the end of the file.
func unclosedQuote(text string, line int, comma rune) bool {
	tail := text[lineOffset(text, line):]
	in, fieldStart := false, true
	for i, r := range tail {
		switch {
		case in:
			if r == '"' {
				next := tail[i+1:]
				if next == "" || next[0] == '\n' || strings.HasPrefix(next, string(comma)) {
					in = false
				}
			}
		case r == '"' && fieldStart:
			in = true
			fieldStart = false
		case r == comma || r == '\n':
			fieldStart = true
		default:
			fieldStart = false
		}
	}
	return in
}

// sniffComma picks the field separator: the one of comma, semicolon, tab
// and pipe that appears most consistently over the first lines.
func sniffComma(text string) rune {
	lines := make([]string, 0, 12)
	for rest := text; len(lines) < 12 && rest != ""; {
		line, after, _ := strings.Cut(rest, "\n")
		rest = after
		if strings.TrimSpace(line) != "" {
			lines = append(lines, line)
		}
	}
	best, bestScore := ',', 0
	for _, c := range []rune{',', ';', '\t', '|'} {
		// The score is the count on the median line, so that one odd
		// title line does not decide.
		counts := make([]int, len(lines))
		for i, l := range lines {
			counts[i] = strings.Count(l, string(c))
		}
		m := median(counts)
		if m == 0 {
			continue
		}
		// Ties go to the separator that appears the same number of times
		// on more lines.
		score := m * 1000
		for _, n := range counts {
			if n == m {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = c, score
		}
	}
	return best
}

func median(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	s := append([]int(nil), xs...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}

// Problem is a row, or a stretch of a file, that could not be used.
type Problem struct {
	Line   int    // 1-based line in the file
	Reason string // what was wrong
}

// String gives the problem as "line N: reason".
func (p Problem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Reason) }
