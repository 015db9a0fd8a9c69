package text

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Decode turns file bytes into valid UTF-8 text. A UTF-8 or UTF-16 byte
// order mark is honoured and dropped. Bytes that are not valid UTF-8 are
// read as Windows-1252 (a superset of ISO-8859-1 in practice), one byte at
// a time, so a Latin-1 file and a UTF-8 file with a few stray bytes both
// come out readable. Control characters other than tab, newline and form
// feed become spaces, and CRLF and CR line ends become LF.
func Decode(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		if out, err := dec.Bytes(data); err == nil {
			data = out
		}
	}
	// Copy runs of good bytes in bulk; most files need no change at all.
	var b strings.Builder
	start := 0
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != 0x7F || c == '\t' || c == '\n' || c == '\f' {
				i++
				continue
			}
		} else {
			r, size := utf8.DecodeRune(data[i:])
			if !(r == utf8.RuneError && size == 1) && (r < 0x80 || r >= 0xA0) {
				i += size
				continue
			}
		}
		if b.Cap() == 0 {
			b.Grow(len(data) + len(data)/16)
		}
		b.Write(data[start:i])
		size := 1
		switch {
		case c == '\r':
			b.WriteByte('\n')
			if i+1 < len(data) && data[i+1] == '\n' {
				size = 2
			}
		case c < utf8.RuneSelf:
			b.WriteByte(' ') // a control character
		default:
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n == 1 {
				r = charmap.Windows1252.DecodeByte(c)
			} else {
				size = n
			}
			if r == utf8.RuneError || r >= 0x80 && r < 0xA0 { // C1 controls, undefined cp1252 bytes
				r = ' '
			}
			b.WriteRune(r)
		}
		i += size
		start = i
	}
	if b.Cap() == 0 {
		return string(data)
	}
	b.Write(data[start:])
	return b.String()
}

// ValidUTF8 returns data unchanged when it is valid UTF-8, and otherwise a
// copy in which valid UTF-8 sequences are kept and every other byte is read
// as Windows-1252, the encoding Excel on Windows writes (so a Latin-1 "£"
// stays "£"). Unlike Decode it changes nothing else, so parsers that care
// about every byte (CSV, JSON) can use it.
func ValidUTF8(data []byte) []byte {
	if utf8.Valid(data) {
		return data
	}
	var b bytes.Buffer
	b.Grow(len(data) + len(data)/8)
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if r == utf8.RuneError && n <= 1 {
			b.WriteRune(charmap.Windows1252.DecodeByte(data[0]))
			data = data[1:]
			continue
		}
		b.Write(data[:n])
		data = data[n:]
	}
	return b.Bytes()
}
