package html

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/townhall-civic/townhall/corpus/text"
)

// extractor walks a content root once and writes its text into an
// Outline: headings open sections, block elements end paragraphs, lists
// and tables become lines.
type extractor struct {
	o          *text.Outline
	keepHeader bool                  // keep <header> elements (the root is <main> or <article>)
	flat       bool                  // headings are body text, not section breaks
	drop       func(*html.Node) bool // optional: more elements to leave out
	para       strings.Builder
	pre        int // depth inside <pre>
}

// walk writes the text below n.
func (x *extractor) walk(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		x.node(c)
	}
}

func (x *extractor) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		x.text(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	if x.skip(n) {
		return
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4:
		x.flush()
		level := int(n.Data[1] - '0')
		if x.flat {
			x.o.Paragraph(x.inline(n))
		} else {
			x.o.Heading(level, x.inline(n))
		}
	case atom.H5, atom.H6:
		x.flush()
		x.o.Paragraph(x.inline(n))
	case atom.Br:
		x.para.WriteByte('\n')
	case atom.Ul, atom.Ol, atom.Menu:
		x.flush()
		x.o.Break()
		x.list(n, 0)
		x.o.Break()
	case atom.Table:
		x.flush()
		x.table(n)
	case atom.Pre:
		x.flush()
		x.pre++
		x.walk(n)
		x.pre--
		x.flush()
	case atom.Img:
		// Images are decoration or need their own description; alt text
		// alone reads badly in a passage, so it is left out.
	case atom.Dt:
		x.flush()
		x.walk(n)
		x.flush()
	default:
		if isBlock(n.DataAtom) {
			x.flush()
			x.walk(n)
			x.flush()
			return
		}
		x.walk(n)
	}
}

// inline returns the text below n as one line, leaving out what skip
// leaves out (a visually hidden "Section:" inside a heading, say).
func (x *extractor) inline(n *html.Node) string {
	var b strings.Builder
	collectText(&b, n, x.skip)
	return text.Clean(b.String())
}

// text appends a text node, collapsing white space outside <pre>.
func (x *extractor) text(s string) {
	if x.pre > 0 {
		x.para.WriteString(s)
		return
	}
	writeCollapsed(&x.para, s)
}

// writeCollapsed writes s with each run of white space as one space,
// never two in a row across calls.
func writeCollapsed(b *strings.Builder, s string) {
	space := b.Len() > 0 && endsInSpace(b)
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(r)
		space = false
	}
}

func endsInSpace(b *strings.Builder) bool {
	s := b.String()
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == ' ' || r == '\n'
}

// flush ends the current paragraph.
func (x *extractor) flush() {
	if x.para.Len() == 0 {
		return
	}
	x.o.Paragraph(x.para.String())
	x.para.Reset()
}

func (x *extractor) list(n *html.Node, depth int) {
	num := 1
	if s, err := strconv.Atoi(attr(n, "start")); err == nil {
		num = s
	}
	ordered := n.DataAtom == atom.Ol
	for li := n.FirstChild; li != nil; li = li.NextSibling {
		if li.Type != html.ElementNode || x.skip(li) {
			continue
		}
		if li.DataAtom == atom.Ul || li.DataAtom == atom.Ol {
			x.list(li, depth+1) // a list directly inside a list
			continue
		}
		marker := "- "
		if ordered {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		if hasHeading(li) {
			// A list of cards, each with its own heading: read each as
			// a block so that its heading opens a section.
			x.flush()
			x.walk(li)
			x.flush()
			continue
		}
		var b strings.Builder
		var nested []*html.Node
		collectText(&b, li, func(c *html.Node) bool {
			if c.DataAtom == atom.Ul || c.DataAtom == atom.Ol {
				nested = append(nested, c)
				return true
			}
			return x.skip(c)
		})
		x.o.ListItem(depth, marker, b.String())
		for _, l := range nested {
			x.list(l, depth+1)
		}
	}
}

func hasHeading(n *html.Node) bool {
	for d := range n.Descendants() {
		if d.Type == html.ElementNode {
			switch d.DataAtom {
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				return true
			}
		}
	}
	return false
}

// table writes a data table as rows. A table holding another table is a
// layout table and is read as ordinary blocks.
func (x *extractor) table(t *html.Node) {
	var rows []*html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Tr:
				rows = append(rows, c)
			case atom.Caption:
				x.o.Paragraph(x.inline(c))
			case atom.Thead, atom.Tbody, atom.Tfoot:
				find(c)
			}
		}
	}
	nestedTable := false
	for d := range t.Descendants() {
		if d.Type == html.ElementNode && d.DataAtom == atom.Table {
			nestedTable = true
			break
		}
	}
	if !nestedTable {
		find(t)
	}
	if nestedTable {
		x.walk(t)
		x.flush()
		return
	}
	var header []string
	var body [][]string
	for i, tr := range rows {
		var cells []string
		allTH := true
		rowHeader := false
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) {
				continue
			}
			if c.DataAtom != atom.Th {
				allTH = false
			} else if len(cells) == 0 {
				rowHeader = true
			}
			var b strings.Builder
			collectText(&b, c, x.skip)
			cells = append(cells, b.String())
		}
		if len(cells) == 0 {
			continue
		}
		if i == 0 && (allTH || (tr.Parent != nil && tr.Parent.DataAtom == atom.Thead)) {
			header = cells
			continue
		}
		if header == nil && rowHeader && len(cells) > 1 {
			// A row headed by its first cell: "Band A: £1,234".
			rest := text.TableRow(nil, cells[1:])
			if h := text.Clean(cells[0]); h != "" && rest != "" {
				body = append(body, []string{h + ": " + rest})
				continue
			}
		}
		body = append(body, cells)
	}
	x.o.Table(header, body)
}

// skip reports whether n is page furniture to leave out.
func (x *extractor) skip(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if x.drop != nil && x.drop(n) {
		return true
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Math,
		atom.Nav, atom.Footer, atom.Aside, atom.Form, atom.Button, atom.Input,
		atom.Select, atom.Option, atom.Textarea, atom.Iframe, atom.Object, atom.Embed,
		atom.Canvas, atom.Video, atom.Audio, atom.Map, atom.Dialog, atom.Head,
		atom.Title, atom.Meta, atom.Link:
		return true
	case atom.Header:
		if !x.keepHeader || strings.EqualFold(attr(n, "role"), "banner") {
			return true
		}
	case atom.A:
		if isSkipLink(n) {
			return true
		}
	}
	return hidden(n) || furniture(n)
}

// hidden reports an element the reader never sees.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			st := strings.ToLower(strings.ReplaceAll(a.Val, " ", ""))
			if strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// furnitureRoles are ARIA landmark roles outside the main content.
var furnitureRoles = []string{"navigation", "banner", "contentinfo", "search", "complementary", "menu", "menubar", "toolbar"}

// furnitureWords appear in the class or id of cookie banners, breadcrumbs
// and skip links; furnitureTokens are whole class names for text meant
// only for screen readers or print.
var (
	furnitureWords  = []string{"cookie", "breadcrumb", "skip-link", "skiplink", "skip-to", "skip_to", "skip-nav"}
	furnitureTokens = []string{"sr-only", "visually-hidden", "visuallyhidden", "govuk-visually-hidden", "screen-reader-text", "screenreader", "print-only", "only-show-for-print", "hidden"}
)

func furniture(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "role":
			if indexOf(furnitureRoles, strings.ToLower(strings.TrimSpace(a.Val))) >= 0 {
				return true
			}
		case "class", "id":
			v := strings.ToLower(a.Val)
			for _, w := range furnitureWords {
				if strings.Contains(v, w) && !strings.Contains(v, "policy") {
					return true // a cookie banner, not the cookie policy page
				}
			}
			if a.Key == "class" {
				for _, tok := range strings.Fields(v) {
					if indexOf(furnitureTokens, tok) >= 0 {
						return true
					}
				}
			}
		}
	}
	return false
}

// isSkipLink reports an in-page link such as "Skip to main content".
func isSkipLink(n *html.Node) bool {
	href := attr(n, "href")
	if !strings.HasPrefix(href, "#") {
		return false
	}
	t := strings.ToLower(textContent(n))
	return strings.HasPrefix(t, "skip to") || strings.HasPrefix(t, "jump to") || strings.HasPrefix(t, "back to top")
}

// isBlock reports elements that end a paragraph.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Header,
		atom.Blockquote, atom.Address, atom.Figure, atom.Figcaption, atom.Details,
		atom.Summary, atom.Dl, atom.Dd, atom.Fieldset, atom.Legend, atom.Hr, atom.Li,
		atom.Center, atom.Body, atom.Html, atom.Tr, atom.Td, atom.Th, atom.Caption,
		atom.Hgroup, atom.Search:
		return true
	}
	return false
}

// textContent returns the cleaned text below n, leaving out scripts and
// hidden elements and putting a space between blocks.
func textContent(n *html.Node) string {
	var b strings.Builder
	collectText(&b, n, func(c *html.Node) bool {
		switch c.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg:
			return true
		}
		return hidden(c)
	})
	return text.Clean(b.String())
}

// collectText appends the text below n to b, collapsing white space and
// skipping elements for which skip reports true.
func collectText(b *strings.Builder, n *html.Node, skip func(*html.Node) bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			writeCollapsed(b, c.Data)
		case html.ElementNode:
			if skip(c) {
				continue
			}
			if c.DataAtom == atom.Br || isBlock(c.DataAtom) {
				writeCollapsed(b, " ")
			}
			collectText(b, c, skip)
			if isBlock(c.DataAtom) {
				writeCollapsed(b, " ")
			}
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasToken reports whether the space-separated list v holds tok, ignoring
// case.
func hasToken(v, tok string) bool {
	for _, f := range strings.Fields(v) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}
