package embed

import (
	"unicode"
	"unicode/utf8"
)

// maxTokenBytes caps a token's length; longer runs of letters are URLs,
// hashes or extraction debris, never dictionary words.
const maxTokenBytes = 48

// Words returns the word tokens of text as the embedders see them:
// lower-cased runs of letters and digits. Everything else separates tokens,
// except an apostrophe inside a word: English clitics are dropped
// ("mum's" → "mum", "we'll" → "we", "don't" → "do") and other apostrophes
// are removed ("o'clock" → "oclock"). Tokens without a letter (plain numbers)
// and tokens longer than 48 bytes are left out.
func Words(text string) []string {
	var out []string
	scanWords(text, nil, func(tok []byte) { out = append(out, string(tok)) })
	return out
}

// scanWords calls fn with each token of text, in order. The token is only
// valid during the call: it lives in buf, which is reused and returned so a
// caller can keep it for the next text without allocating.
func scanWords(text string, buf []byte, fn func(tok []byte)) []byte {
	tok := buf[:0]
	hasLetter := false
	emit := func() {
		if hasLetter && len(tok) <= maxTokenBytes {
			fn(tok)
		}
		tok = tok[:0]
		hasLetter = false
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z':
				tok = append(tok, c)
				hasLetter = true
			case 'A' <= c && c <= 'Z':
				tok = append(tok, c+'a'-'A')
				hasLetter = true
			case '0' <= c && c <= '9':
				tok = append(tok, c)
			case c == '\'' && len(tok) > 0:
				i = apostrophe(text, i, &tok)
			default:
				emit()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case unicode.IsLetter(r):
			tok = utf8.AppendRune(tok, unicode.ToLower(r))
			hasLetter = true
		case unicode.IsDigit(r):
			tok = utf8.AppendRune(tok, r)
		case (r == '\u2019' || r == '\u02bc') && len(tok) > 0:
			i = apostrophe(text, i, &tok)
		case unicode.Is(unicode.Mn, r):
			// Combining marks belong to the letter before them.
			if len(tok) > 0 {
				tok = utf8.AppendRune(tok, r)
			}
		default:
			emit()
		}
	}
	emit()
	return tok
}

// apostrophe handles an apostrophe inside a token. i is the index just past
// the apostrophe; it returns the index to continue scanning from. A clitic
// tail is skipped and may trim the head ("don't" → "do"); any other tail
// continues the token.
func apostrophe(text string, i int, tok *[]byte) int {
	j := i
	for j < len(text) && j-i < 3 {
		c := text[j]
		if c < 'A' || (c > 'Z' && c < 'a') || c > 'z' {
			break
		}
		j++
	}
	if j < len(text) && isWordByte(text[j]) {
		return i // a longer tail: "o'clock", "o'neill" join up
	}
	switch lowerASCII(text[i:j]) {
	case "s", "ll", "re", "ve", "d", "m":
		return j
	case "t":
		t := *tok
		if len(t) > 1 && t[len(t)-1] == 'n' {
			t = t[:len(t)-1]
			switch string(t) {
			case "ca":
				t = append(t, 'n') // can't → can
			case "wo":
				t = append(t[:0], "will"...) // won't → will
			case "sha":
				t = append(t, "ll"...) // shan't → shall
			}
			*tok = t
		}
		return j
	}
	return i
}

func isWordByte(c byte) bool {
	return c >= utf8.RuneSelf || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// lowerASCII lower-cases a short ASCII tail; it allocates only for the
// few tails it is given (at most three bytes).
func lowerASCII(s string) string {
	for k := 0; k < len(s); k++ {
		if 'A' <= s[k] && s[k] <= 'Z' {
			b := []byte(s)
			for m := range b {
				if 'A' <= b[m] && b[m] <= 'Z' {
					b[m] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
