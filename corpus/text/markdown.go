package text

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	gmtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"gopkg.in/yaml.v3"

	"github.com/townhall-civic/townhall/corpus"
)

// LoadMarkdown loads a Markdown file as one document. Headings # to ####
// (and setext headings) make the section path, lists become "- item"
// lines, tables become "Header: value; ..." rows, and inline markup and
// raw HTML are dropped. The title is the front matter's title, else the
// first heading, else the humanised file name. An empty file gives an
// error wrapping corpus.ErrEmpty.
func LoadMarkdown(ctx context.Context, f corpus.File) ([]corpus.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src := Decode(f.Data)
	meta, body := frontMatter(src)
	source := []byte(body)
	md := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))
	root := md.Parser().Parse(gmtext.NewReader(source))

	title := Clean(meta.Title)
	if title == "" {
		for c := root.FirstChild(); c != nil; c = c.NextSibling() {
			if h, ok := c.(*ast.Heading); ok {
				title = Clean(inlineText(h, source))
				break
			}
		}
	}
	if title == "" {
		title = TitleFromName(f.ID)
	}
	w := mdWalker{src: source, o: NewOutline(title)}
	for c := root.FirstChild(); c != nil; c = c.NextSibling() {
		w.block(c, 0)
	}
	sections := w.o.Sections()
	if len(sections) == 0 {
		return nil, fmt.Errorf("markdown %s: no text: %w", f.ID, corpus.ErrEmpty)
	}
	date, _ := ParseDate(meta.Date)
	return []corpus.Document{{
		ID:       f.ID,
		Kind:     kindOf(f, corpus.KindPage),
		Title:    title,
		URL:      corpus.URLFor(f.BaseURL, f.ID),
		Council:  f.Council,
		Date:     date,
		Sections: sections,
	}}, nil
}

// frontMatterFields are the front matter keys the loader uses.
type frontMatterFields struct {
	Title string `yaml:"title"`
	Date  string `yaml:"date"`
}

// frontMatter splits a leading YAML block fenced by "---" lines from the
// body. Text that does not parse as a YAML mapping is left in the body.
func frontMatter(src string) (frontMatterFields, string) {
	var fm frontMatterFields
	if !strings.HasPrefix(src, "---\n") {
		return fm, src
	}
	rest := src[4:]
	end := -1
	for off := 0; off < len(rest); {
		nl := strings.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if nl >= 0 {
			line = rest[off : off+nl]
		}
		if t := strings.TrimRight(line, " \t"); t == "---" || t == "..." {
			end = off
			off += len(line)
			if nl >= 0 {
				off++
			}
			var m map[string]any
			if err := yaml.Unmarshal([]byte(rest[:end]), &m); err != nil || m == nil {
				return fm, src
			}
			if v, ok := m["title"]; ok {
				fm.Title = fmt.Sprint(v)
			}
			switch v := m["date"].(type) {
			case time.Time:
				fm.Date = v.Format(time.RFC3339)
			case nil:
			default:
				fm.Date = fmt.Sprint(v)
			}
			return fm, rest[off:]
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	return fm, src
}

type mdWalker struct {
	src []byte
	o   *Outline
}

func (w *mdWalker) block(n ast.Node, depth int) {
	switch n := n.(type) {
	case *ast.Heading:
		w.o.Heading(n.Level, inlineText(n, w.src))
	case *ast.Paragraph, *ast.TextBlock:
		w.o.Paragraph(inlineText(n, w.src))
	case *ast.List:
		w.list(n, depth)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		w.o.Paragraph(codeText(n, w.src))
	case *ast.HTMLBlock:
		// Raw HTML (comments, embeds) carries no reader-facing text here.
	case *ast.ThematicBreak:
		w.o.Break()
	case *east.Table:
		w.table(n)
	default: // blockquotes, the document and anything unknown
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			w.block(c, depth)
		}
	}
}

func (w *mdWalker) list(l *ast.List, depth int) {
	if depth == 0 {
		w.o.Break()
	}
	num := l.Start
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		marker := "- "
		if l.IsOrdered() {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		var text []string
		var nested []ast.Node
		for c := item.FirstChild(); c != nil; c = c.NextSibling() {
			if _, ok := c.(*ast.List); ok {
				nested = append(nested, c)
				continue
			}
			text = append(text, Clean(blockText(c, w.src)))
		}
		w.o.ListItem(depth, marker, strings.Join(text, " "))
		for _, c := range nested {
			w.list(c.(*ast.List), depth+1)
		}
	}
	if depth == 0 {
		w.o.Break()
	}
}

func (w *mdWalker) table(t *east.Table) {
	var header []string
	var rows [][]string
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, inlineText(c, w.src))
		}
		if _, ok := r.(*east.TableHeader); ok {
			header = cells
		} else {
			rows = append(rows, cells)
		}
	}
	w.o.Table(header, rows)
}

// blockText is the text of a block inside a list item: paragraphs and
// code are flattened to one run of text.
func blockText(n ast.Node, src []byte) string {
	switch n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		return inlineText(n, src)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return codeText(n, src)
	case *ast.HTMLBlock:
		return ""
	}
	var parts []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		parts = append(parts, blockText(c, src))
	}
	return strings.Join(parts, " ")
}

func codeText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// inlineText flattens the inline children of n to plain text: emphasis,
// links and code lose their markup, images give their alt text, raw HTML
// is dropped and entities and backslash escapes are resolved.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	writeInline(&b, n, src)
	return b.String()
}

func writeInline(b *strings.Builder, n ast.Node, src []byte) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Value(src)
			if !c.IsRaw() {
				v = util.UnescapePunctuations(v)
				b.WriteString(html.UnescapeString(string(v)))
			} else {
				b.Write(v)
			}
			switch {
			case c.HardLineBreak():
				b.WriteByte('\n')
			case c.SoftLineBreak():
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.Label(src))
		case *ast.RawHTML:
		default:
			writeInline(b, c, src)
		}
	}
}
