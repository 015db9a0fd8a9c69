// Package pdf loads PDF files into corpus documents, one section per page
// so that a citation can name the page.
//
// Text comes from github.com/ledongthuc/pdf, but not through its
// GetPlainText or GetTextByRow, which run lines together ("overthe") or
// return a page as one row. Instead the positioned glyphs of each page are
// grouped into lines by their baseline, ordered left to right, and a space
// is put wherever the gap between glyphs is wider than a fraction of the
// font size (see layout.go). Lines far apart start a new paragraph.
//
// The library can panic on malformed input; every call into it is guarded
// and a panic becomes an error wrapping corpus.ErrInvalid. Text inside form
// XObjects and scanned pages (images without a text layer) are not read.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ledongthuc/pdf"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/text"
)

// ErrEncrypted reports a PDF that needs a password to open. Errors that
// wrap it also wrap corpus.ErrUnsupported.
var ErrEncrypted = errors.New("pdf: encrypted, needs a password")

// Limits that keep a hostile file from costing unbounded work.
const (
	maxPages     = 5000 // pages read from one file
	maxTreeDepth = 64   // nesting of the page tree
)

// Load reads a PDF as one document with a section per page that has text.
// The title is the document's metadata title when it matches the first
// page, else the first page's largest (or first) line, else the file
// name. Errors wrap corpus.ErrEmpty for a file with no text layer,
// corpus.ErrInvalid for a corrupt or truncated file, and ErrEncrypted and
// corpus.ErrUnsupported for a password-protected one.
func Load(ctx context.Context, f corpus.File) ([]corpus.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(f.Data)) == 0 {
		return nil, fmt.Errorf("pdf %s: empty file: %w", f.ID, corpus.ErrEmpty)
	}
	r, err := open(f.Data)
	if err != nil {
		return nil, fmt.Errorf("pdf %s: %w", f.ID, err)
	}
	pages, err := pageList(r)
	if err != nil {
		return nil, fmt.Errorf("pdf %s: %w", f.ID, err)
	}

	var sections []corpus.Section
	var firstLines []line
	var failed []string
	for i, p := range pages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		glyphs, err := pageGlyphs(p)
		if err != nil {
			failed = append(failed, strconv.Itoa(i+1))
			continue
		}
		lines := layoutLines(glyphs)
		if len(sections) == 0 {
			firstLines = lines
		}
		if t := joinLines(lines); t != "" {
			sections = append(sections, corpus.Section{Text: t, Page: i + 1})
		}
	}
	if len(failed) == len(pages) {
		return nil, fmt.Errorf("pdf %s: no page could be read: %w", f.ID, corpus.ErrInvalid)
	}
	if len(sections) == 0 {
		return nil, fmt.Errorf("pdf %s: no text layer (scanned images are not read): %w", f.ID, corpus.ErrEmpty)
	}

	info := readInfo(r)
	title := metaTitle(info.title, sections[0].Text)
	if title == "" {
		title = text.Clean(titleFromLines(firstLines))
	}
	if title == "" {
		title = text.TitleFromName(f.ID)
	}
	meta := map[string]string{"pages": strconv.Itoa(len(pages))}
	if len(failed) > 0 {
		meta["unreadable_pages"] = strings.Join(failed, ", ")
	}
	d := corpus.Document{
		ID:       f.ID,
		Kind:     f.Source.Kind,
		Title:    title,
		URL:      corpus.URLFor(f.BaseURL, f.ID),
		Council:  f.Council,
		Date:     info.date,
		Sections: sections,
		Meta:     meta,
	}
	if d.Kind == "" {
		d.Kind = corpus.KindPage
	}
	return []corpus.Document{d}, nil
}

// guard runs fn and turns a panic in the PDF library into an error
// wrapping corpus.ErrInvalid.
func guard(what string, fn func() error) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("%s: malformed PDF (%v): %w", what, x, corpus.ErrInvalid)
		}
	}()
	return fn()
}

// open parses the file's cross-reference table and trailer.
func open(data []byte) (*pdf.Reader, error) {
	var r *pdf.Reader
	err := guard("open", func() error {
		var err error
		r, err = pdf.NewReader(bytes.NewReader(data), int64(len(data)))
		return err
	})
	switch {
	case err == nil:
		return r, nil
	case errors.Is(err, corpus.ErrInvalid):
		return nil, err
	case errors.Is(err, pdf.ErrInvalidPassword) || encrypted(data):
		return nil, fmt.Errorf("%w: %w", ErrEncrypted, corpus.ErrUnsupported)
	}
	return nil, fmt.Errorf("%w: %w", corpus.ErrInvalid, err)
}

// encrypted reports whether the file's trailer (near its end) names an
// encryption dictionary. The library reports an unsupported cipher only
// as text, so the file itself is checked.
func encrypted(data []byte) bool {
	tail := data[max(0, len(data)-64<<10):]
	return bytes.Contains(tail, []byte("/Encrypt"))
}

// pageList walks the page tree once. Reader.Page walks it from the root
// for every page, which is quadratic and loops forever on a cyclic tree.
func pageList(r *pdf.Reader) ([]pdf.Page, error) {
	var pages []pdf.Page
	err := guard("page tree", func() error {
		var walk func(v pdf.Value, depth int) error
		walk = func(v pdf.Value, depth int) error {
			if depth > maxTreeDepth {
				return fmt.Errorf("page tree deeper than %d: %w", maxTreeDepth, corpus.ErrInvalid)
			}
			kids := v.Key("Kids")
			for i := 0; i < kids.Len() && len(pages) < maxPages; i++ {
				kid := kids.Index(i)
				switch kid.Key("Type").Name() {
				case "Pages":
					if err := walk(kid, depth+1); err != nil {
						return err
					}
				case "Page":
					pages = append(pages, pdf.Page{V: kid})
				default:
					if kid.Key("Kids").Kind() == pdf.Array {
						if err := walk(kid, depth+1); err != nil {
							return err
						}
					} else if kid.Key("Contents").Kind() != pdf.Null {
						pages = append(pages, pdf.Page{V: kid}) // a page missing its /Type
					}
				}
			}
			return nil
		}
		root := r.Trailer().Key("Root").Key("Pages")
		if root.Kind() != pdf.Dict {
			return fmt.Errorf("no page tree: %w", corpus.ErrInvalid)
		}
		return walk(root, 0)
	})
	if err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("no pages: %w", corpus.ErrInvalid)
	}
	return pages, nil
}
