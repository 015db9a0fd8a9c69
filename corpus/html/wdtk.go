package html

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/text"
)

// thread is what a WhatDoTheyKnow request page holds.
type thread struct {
	title    string
	subtitle *html.Node // "X made this Freedom of Information request to Y"
	status   *html.Node // the request-status-message element
	events   []*html.Node
}

func (t *thread) walk(n *html.Node, inHeader bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Head:
			continue
		case atom.H1:
			if inHeader && t.title == "" {
				t.title = textContent(c)
			}
		}
		cls := attr(c, "class")
		switch {
		case hasToken(cls, "correspondence") || hasToken(cls, "comment_in_request"):
			t.events = append(t.events, c)
			continue
		case hasToken(cls, "request-header__subtitle"):
			t.subtitle = c
		case hasToken(cls, "request-status-message"):
			t.status = c
		}
		t.walk(c, inHeader || hasToken(cls, "request-header"))
	}
}

// wdtk builds an FOI thread document from a request page.
func (p *parsed) wdtk() ([]corpus.Document, error) {
	f := p.f
	s := &p.scan
	var t thread
	t.walk(p.root, false)
	if len(t.events) == 0 {
		// Not a request page after all (an authority's list, say).
		return p.page()
	}
	title := t.title
	if title == "" {
		title, _, _ = strings.Cut(text.Clean(s.meta["og:title"]), " - a Freedom of Information request")
		title, _, _ = strings.Cut(title, " - an Environmental Information Regulations request")
	}
	if title == "" {
		title = cleanTitle(s.title, f.Council, "WhatDoTheyKnow")
	}
	if title == "" {
		title = text.TitleFromName(f.ID)
	}

	meta := map[string]string{}
	var sections []corpus.Section
	var intro []string
	if t.subtitle != nil {
		var b strings.Builder
		collectText(&b, t.subtitle, func(c *html.Node) bool {
			return hasToken(attr(c, "class"), "request-header__closed_to_correspondence") || hidden(c)
		})
		sub := text.Clean(b.String())
		intro = append(intro, sub)
		meta["law"] = "FOI"
		if strings.Contains(sub, "Environmental Information") {
			meta["law"] = "EIR"
		}
		for _, a := range descendants(t.subtitle, atom.A) {
			href := attr(a, "href")
			switch {
			case strings.HasPrefix(href, "/body/") && meta["authority"] == "":
				meta["authority"] = textContent(a)
			case strings.HasPrefix(href, "/user/") && meta["requester"] == "":
				meta["requester"] = textContent(a)
			}
		}
	}
	if t.status != nil {
		for _, tok := range strings.Fields(attr(t.status, "class")) {
			if st, ok := strings.CutPrefix(tok, "request-status-message--"); ok {
				meta["status"] = st
			}
		}
		var b strings.Builder
		collectText(&b, t.status, func(c *html.Node) bool {
			// The "waiting for X to classify" box repeats the last
			// message's author and date; keep its sentence only.
			return c.DataAtom == atom.Div || hidden(c)
		})
		if st := text.Clean(b.String()); st != "" {
			intro = append(intro, strings.ReplaceAll(st, " .", "."))
		}
	}
	if len(intro) > 0 {
		sections = append(sections, corpus.Section{Text: strings.Join(intro, "\n\n")})
	}

	requests := 0
	for _, ev := range t.events {
		sec, ok := event(ev, &requests)
		if ok {
			sections = append(sections, sec)
		}
	}
	if len(sections) == 0 {
		return nil, fmt.Errorf("html %s: request page with no messages: %w", f.ID, corpus.ErrEmpty)
	}
	d := corpus.Document{
		ID:       f.ID,
		Kind:     f.Source.Kind,
		Title:    title,
		URL:      s.url(f),
		Council:  f.Council,
		Date:     s.date(threadDateKeys),
		Sections: sections,
		Meta:     meta,
	}
	if d.Kind == "" {
		d.Kind = corpus.KindFOI
	}
	return []corpus.Document{d}, nil
}

// event reads one message or annotation as a section headed, for example,
// "Response from Despatch Box, 19 June 2017".
func event(ev *html.Node, requests *int) (corpus.Section, bool) {
	cls := attr(ev, "class")
	var label, author, body string
	var attachments []string
	date := ""
	if tm := descendants(ev, atom.Time); len(tm) > 0 {
		date = textContent(tm[0])
		if t, ok := text.ParseDate(attr(tm[0], "datetime")); ok {
			date = t.Format("2 January 2006")
		}
	}
	byClass := func(name string) *html.Node { return findClass(ev, name) }
	switch {
	case hasToken(cls, "comment_in_request"):
		label = "Annotation by"
		if h := descendants(ev, atom.A); len(h) > 0 {
			author = textContent(h[0])
		}
		body = messageText(byClass("comment_in_request_text"))
	default:
		switch {
		case hasToken(cls, "incoming"):
			label = "Response from"
		case *requests == 0:
			label = "Request by"
			*requests++
		default:
			label = "Follow-up by"
		}
		if a := byClass("correspondence__header__author"); a != nil {
			author = strings.TrimRight(textContent(a), " ,")
		}
		if tx := byClass("correspondence_text"); tx != nil {
			body = messageText(tx)
			for _, n := range findAllClass(tx, "attachment__name") {
				if name := textContent(n); name != "" {
					attachments = append(attachments, name)
				}
			}
		}
	}
	if len(attachments) > 0 {
		line := "Attachments: " + strings.Join(attachments, "; ")
		if body != "" {
			body += "\n\n" + line
		} else {
			body = line
		}
	}
	if body == "" {
		return corpus.Section{}, false
	}
	heading := label
	if author != "" {
		heading += " " + author
	} else {
		heading = strings.TrimSuffix(strings.TrimSuffix(heading, " by"), " from")
	}
	if date != "" {
		heading += ", " + date
	}
	return corpus.Section{Headings: []string{heading}, Text: body}, true
}

// messageText extracts a message body, leaving out its attachment list,
// and re-flows the hard-wrapped lines of e-mail text.
func messageText(n *html.Node) string {
	if n == nil {
		return ""
	}
	o := text.NewOutline("")
	x := extractor{o: o, keepHeader: true, flat: true, drop: func(c *html.Node) bool {
		return hasToken(attr(c, "class"), "attachments")
	}}
	x.walk(n)
	x.flush()
	var parts []string
	for _, s := range o.Sections() {
		parts = append(parts, s.Text)
	}
	return reflow(strings.Join(parts, "\n\n"))
}

// wrapWidth is the line length past which a line of e-mail text is taken
// to have been wrapped by the sender's mail program.
const wrapWidth = 55

// reflow joins lines that were wrapped at a fixed width, keeping short
// lines (addresses, signatures, list items) on lines of their own.
func reflow(s string) string {
	var b strings.Builder
	for i, para := range strings.Split(s, "\n\n") {
		if i > 0 {
			b.WriteString("\n\n")
		}
		lines := strings.Split(para, "\n")
		for j, line := range lines {
			b.WriteString(line)
			if j == len(lines)-1 {
				break
			}
			next := lines[j+1]
			if utf8.RuneCountInString(line) >= wrapWidth && !startsItem(next) && !strings.HasPrefix(line, ">") {
				b.WriteByte(' ')
			} else {
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

// startsItem reports a line that begins a list item or numbered point.
func startsItem(line string) bool {
	if strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "* ") || strings.HasPrefix(line, "• ") {
		return true
	}
	i := 0
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	return i > 0 && i < 4 && i < len(line) && (line[i] == '.' || line[i] == ')')
}

func descendants(n *html.Node, a atom.Atom) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.DataAtom == a {
			out = append(out, d)
		}
	}
	return out
}

func findClass(n *html.Node, name string) *html.Node {
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && hasToken(attr(d, "class"), name) {
			return d
		}
	}
	return nil
}

func findAllClass(n *html.Node, name string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && hasToken(attr(d, "class"), name) {
			out = append(out, d)
		}
	}
	return out
}
