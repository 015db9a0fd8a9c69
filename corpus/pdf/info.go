package pdf

import (
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/ledongthuc/pdf"

	"github.com/townhall-civic/townhall/corpus/text"
)

// info is what the loader takes from the document information
// dictionary.
type info struct {
	title string
	date  time.Time // creation date, else modification date
}

func readInfo(r *pdf.Reader) info {
	var in info
	_ = guard("info", func() error {
		d := r.Trailer().Key("Info")
		in.title = text.Clean(d.Key("Title").Text())
		for _, k := range []string{"CreationDate", "ModDate"} {
			if t, ok := parseDate(d.Key(k).Text()); ok {
				in.date = t
				break
			}
		}
		return nil
	})
	return in
}

// parseDate reads a PDF date, "D:YYYYMMDDHHmmSSOHH'mm'", where every part
// after the year is optional.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	digits := 0
	for digits < len(s) && digits < 14 && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	layouts := map[int]string{4: "2006", 6: "200601", 8: "20060102", 10: "2006010215", 12: "200601021504", 14: "20060102150405"}
	layout, ok := layouts[digits]
	if !ok {
		return time.Time{}, false
	}
	loc := time.UTC
	if rest := strings.ReplaceAll(s[digits:], "'", ""); len(rest) >= 3 && (rest[0] == '+' || rest[0] == '-') {
		if off, err := time.Parse("-0700", pad(rest)); err == nil {
			loc = off.Location()
		}
	}
	t, err := time.ParseInLocation(layout, s[:digits], loc)
	if err != nil || t.Year() < 1980 {
		return time.Time{}, false
	}
	return t, true
}

// pad turns "+01" or "+0100" into "+0100".
func pad(off string) string {
	if len(off) >= 5 {
		return off[:5]
	}
	return off[:3] + "00"
}

// metaTitle returns the metadata title when it is usable: not a file
// name, not a placeholder, and made of words found on the first page
// (templates often carry a stale title from another document).
func metaTitle(title, firstPage string) string {
	t := strings.TrimPrefix(title, "Microsoft Word - ")
	t = strings.TrimPrefix(t, "Microsoft PowerPoint - ")
	switch strings.ToLower(path.Ext(t)) {
	case ".doc", ".docx", ".xls", ".xlsx", ".pdf", ".rtf", ".odt", ".ppt", ".pptx", ".indd", ".txt", ".tmp":
		t = strings.TrimSuffix(t, path.Ext(t))
		if !strings.Contains(t, " ") {
			return "" // a bare file name, "9330fb...xlsx"
		}
	}
	t = text.Clean(t)
	if !usableTitle(t) {
		return ""
	}
	switch strings.ToLower(t) {
	case "untitled", "no title", "title", "document", "presentation":
		return ""
	}
	page := strings.ToLower(firstPage)
	words, found := 0, 0
	for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) < 3 {
			continue
		}
		words++
		if strings.Contains(page, w) {
			found++
		}
	}
	if words == 0 || found*2 < words {
		return ""
	}
	return t
}
