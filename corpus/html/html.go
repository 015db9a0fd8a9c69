// Package html loads HTML pages into corpus documents, keeping the main
// content and dropping the page furniture around it.
//
// Load parses a page once (golang.org/x/net/html), reads the head for the
// title, canonical URL and dates, picks the content root (<main>,
// [role=main], a lone <article>, #content or .content, else <body>) and
// walks it once, leaving out navigation, headers, footers, asides,
// scripts, forms, cookie banners, skip links and breadcrumbs. Headings h1
// to h4 make the section path; lists become "- item" lines and tables
// "Header: value; Header: value" rows.
//
// WhatDoTheyKnow (Alaveteli) request pages are recognised and read as an
// FOI thread: the request title, then one section per message.
package html

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/text"
)

// Load reads an HTML page as one document. A WhatDoTheyKnow request page,
// or any file whose source format is "wdtk-html", is read as an FOI
// thread (see LoadWDTK). Errors wrap corpus.ErrEmpty for a page with no
// text and corpus.ErrInvalid for input the parser rejects.
func Load(ctx context.Context, f corpus.File) ([]corpus.Document, error) {
	p, err := parse(ctx, f)
	if err != nil {
		return nil, err
	}
	if f.Source.Format == "wdtk-html" || p.scan.wdtk {
		return p.wdtk()
	}
	return p.page()
}

// LoadWDTK reads a saved WhatDoTheyKnow request page as an FOI thread:
// the title is the request's, the first section says who asked whom and
// how it ended, and each message or annotation is a section headed by its
// direction, author and date. The kind defaults to corpus.KindFOI.
func LoadWDTK(ctx context.Context, f corpus.File) ([]corpus.Document, error) {
	p, err := parse(ctx, f)
	if err != nil {
		return nil, err
	}
	return p.wdtk()
}

// parsed is a page after parsing and the scan of its tree.
type parsed struct {
	f    corpus.File
	root *html.Node
	scan scan
}

func parse(ctx context.Context, f corpus.File) (*parsed, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(f.Data)) == 0 {
		return nil, fmt.Errorf("html %s: empty file: %w", f.ID, corpus.ErrEmpty)
	}
	doc, err := html.Parse(strings.NewReader(decode(f.Data)))
	if err != nil {
		return nil, fmt.Errorf("html %s: %w: %w", f.ID, corpus.ErrInvalid, err)
	}
	p := &parsed{f: f, root: doc}
	p.scan.walk(doc)
	return p, nil
}

// decode returns the page as valid UTF-8. Valid UTF-8 is taken as it is,
// whatever the page declares, since mislabelled pages are common. Other
// bytes are decoded with the charset the page declares (BOM or <meta>),
// or, when it declares none or a Latin one, as UTF-8 with Windows-1252 for
// the bytes that are not UTF-8.
func decode(data []byte) string {
	if utf8.Valid(data) {
		return text.Decode(data)
	}
	enc, name, _ := charset.DetermineEncoding(data, "")
	switch name {
	case "utf-8", "windows-1252", "iso-8859-1":
		return text.Decode(data)
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return text.Decode(data)
	}
	return text.Decode(out)
}

// page builds an ordinary page document.
func (p *parsed) page() ([]corpus.Document, error) {
	f := p.f
	s := &p.scan
	root, keepHeader := s.contentRoot()
	if root == nil {
		return nil, fmt.Errorf("html %s: no body: %w", f.ID, corpus.ErrEmpty)
	}
	named := cleanTitle(s.title, f.Council, s.meta["og:site_name"])
	if named == "" {
		named = cleanTitle(s.meta["og:title"], f.Council, s.meta["og:site_name"])
	}
	title, sections := extract(root, keepHeader, named, s.firstH1, f.ID)
	if len(sections) == 0 && root != s.body && s.body != nil {
		// The chosen root was empty (content placed outside <main>, say):
		// fall back to the whole body.
		title, sections = extract(s.body, false, named, s.firstH1, f.ID)
	}
	if len(sections) == 0 {
		return nil, fmt.Errorf("html %s: no text in the page body: %w", f.ID, corpus.ErrEmpty)
	}
	d := corpus.Document{
		ID:       f.ID,
		Kind:     f.Source.Kind,
		Title:    title,
		URL:      s.url(f),
		Council:  f.Council,
		Date:     s.date(pageDateKeys),
		Sections: sections,
		Meta:     s.docMeta(),
	}
	if d.Kind == "" {
		d.Kind = corpus.KindPage
	}
	return []corpus.Document{d}, nil
}

// extract reads the sections below root. The title is the page's own
// (named) if it has one, else its first heading, else the humanised file
// name; it is settled first so that a heading repeating it is kept out of
// the section paths.
func extract(root *html.Node, keepHeader bool, named, firstH1, id string) (string, []corpus.Section) {
	title := named
	if title == "" {
		title = firstHeading(root)
	}
	if title == "" {
		title = firstH1
	}
	if title == "" {
		title = text.TitleFromName(id)
	}
	o := text.NewOutline(title)
	x := extractor{o: o, keepHeader: keepHeader}
	x.walk(root)
	x.flush()
	return title, o.Sections()
}

// firstHeading returns the text of the first h1, else the first h2, below
// n.
func firstHeading(n *html.Node) string {
	var h2 string
	var find func(*html.Node) string
	find = func(n *html.Node) string {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.H1:
				if t := textContent(c); t != "" {
					return t
				}
			case atom.H2:
				if h2 == "" {
					h2 = textContent(c)
				}
			case atom.Script, atom.Style, atom.Nav, atom.Footer:
				continue
			}
			if t := find(c); t != "" {
				return t
			}
		}
		return ""
	}
	if t := find(n); t != "" {
		return t
	}
	return h2
}
