package jsondoc

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/townhall-civic/townhall/corpus"
)

// looksLikeHTML reports whether s is HTML markup rather than plain text.
func looksLikeHTML(s string) bool {
	return strings.Contains(s, "</") || strings.Contains(s, "<p>") || strings.Contains(s, "<br")
}

// htmlSections turns an HTML fragment into sections, one per heading, each
// under base followed by the heading path. Scripts, styles and navigation
// are dropped; paragraphs are separated by blank lines and list items
// start with "- ".
func htmlSections(src string, base []string) []corpus.Section {
	nodes, err := html.ParseFragment(strings.NewReader(src), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
	if err != nil {
		return textSections(src, base)
	}
	w := &htmlWalker{base: base}
	for _, n := range nodes {
		w.walk(n)
	}
	w.flush()
	return w.sections
}

type htmlWalker struct {
	base     []string
	heads    []string // heading texts by level, "" for a skipped level
	para     strings.Builder
	paras    []string
	sections []corpus.Section
	inHead   int // >0 while inside a heading
	inPre    int // >0 while inside <pre>
	headText strings.Builder
}

func (w *htmlWalker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		switch {
		case w.inHead > 0:
			w.headText.WriteString(n.Data)
		case w.inPre > 0:
			w.para.WriteString(n.Data)
		default:
			// HTML collapses white space, line breaks included.
			w.para.WriteString(collapseSpace(n.Data))
		}
		return
	case html.ElementNode:
	default:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		return
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Nav, atom.Noscript, atom.Template, atom.Svg, atom.Button, atom.Select:
		return
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.endPara()
		w.flush()
		w.inHead++
		w.headText.Reset()
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		w.inHead--
		level := int(n.Data[1] - '0')
		for len(w.heads) < level {
			w.heads = append(w.heads, "")
		}
		w.heads = append(w.heads[:level-1], oneLine(w.headText.String()))
		return
	case atom.Br:
		w.para.WriteByte('\n')
		return
	case atom.Li:
		w.endPara()
		w.para.WriteString("- ")
	case atom.Td, atom.Th:
		if strings.TrimSpace(w.para.String()) != "" {
			w.para.WriteString(" | ")
		}
	case atom.Pre:
		w.endPara()
		w.inPre++
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		w.inPre--
		w.endPara()
		return
	case atom.Tr:
		w.endPara()
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		row := strings.TrimRight(w.para.String(), " |\n\t")
		w.para.Reset()
		w.para.WriteString(row)
		w.endPara()
		return
	}
	block := isBlock(n.DataAtom)
	if block {
		w.endPara()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	if block {
		w.endPara()
	}
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Tr, atom.Table, atom.Section, atom.Article,
		atom.Blockquote, atom.Pre, atom.Dd, atom.Dt, atom.Dl, atom.Header, atom.Footer, atom.Aside,
		atom.Details, atom.Summary, atom.Figure, atom.Figcaption, atom.Hr, atom.Main, atom.Address:
		return true
	}
	return false
}

func (w *htmlWalker) endPara() {
	s := clean(w.para.String())
	if s == "-" {
		return // a list item whose text is still to come, in a <p>
	}
	w.para.Reset()
	if s != "" {
		w.paras = append(w.paras, s)
	}
}

// collapseSpace turns each run of white space into one space, as a
// browser does.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

func (w *htmlWalker) flush() {
	w.endPara()
	if len(w.paras) == 0 {
		return
	}
	var text strings.Builder
	for i, p := range w.paras {
		if i > 0 {
			if strings.HasPrefix(p, "- ") && strings.HasPrefix(w.paras[i-1], "- ") {
				text.WriteString("\n")
			} else {
				text.WriteString("\n\n")
			}
		}
		text.WriteString(p)
	}
	w.paras = w.paras[:0]
	heads := append([]string(nil), w.base...)
	for _, h := range w.heads {
		if h != "" {
			heads = append(heads, h)
		}
	}
	w.sections = append(w.sections, corpus.Section{Headings: heads, Text: text.String()})
}

var (
	mdLink    = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	govspeak  = regexp.MustCompile(`\$[A-Z]{1,3}\b|\{:[^}]*\}|\*\*`)
	mdHeading = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	// mdHashes are heading marks left inside a line by an export that
	// dropped the line breaks.
	mdHashes = regexp.MustCompile(`(^|\s)#{1,6}\s`)
)

// textSections splits Markdown or GOV.UK govspeak into sections at its
// "#" headings, dropping link targets and markup tokens. Plain text gives
// one section.
func textSections(src string, base []string) []corpus.Section {
	var (
		out   []corpus.Section
		heads []string
		buf   []string
	)
	flush := func() {
		text := clean(strings.Join(buf, "\n"))
		buf = buf[:0]
		if text == "" {
			return
		}
		h := append([]string(nil), base...)
		for _, x := range heads {
			if x != "" {
				h = append(h, x)
			}
		}
		out = append(out, corpus.Section{Headings: h, Text: text})
	}
	src = strings.ReplaceAll(src, "\r\n", "\n")
	for _, line := range strings.Split(src, "\n") {
		if m := mdHeading.FindStringSubmatch(line); m != nil && len(m[2]) <= 120 {
			flush()
			level := len(m[1])
			for len(heads) < level {
				heads = append(heads, "")
			}
			heads = append(heads[:level-1], cleanMarkdown(m[2]))
			continue
		}
		buf = append(buf, cleanMarkdown(line))
	}
	flush()
	return out
}

func cleanMarkdown(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = govspeak.ReplaceAllString(s, "")
	s = mdHashes.ReplaceAllString(s, "$1")
	if t := strings.TrimLeft(s, " "); strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "+ ") {
		s = "- " + t[2:]
	}
	return s
}

// bodySections renders a body-like string: HTML, Markdown or plain text.
func bodySections(s string, base []string) []corpus.Section {
	if looksLikeHTML(s) {
		return htmlSections(s, base)
	}
	return textSections(s, base)
}
