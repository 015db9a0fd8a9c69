package webchat

import (
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/townhall-civic/townhall/assistant"
)

// RenderHTML turns a message's plain text into the HTML the widget, the
// chat page and the console show. Everything in text is escaped; the only
// markup is RenderHTML's own:
//
//   - blank lines separate paragraphs (<p>), single line breaks become <br>;
//   - a paragraph whose lines all start "- ", "* " or "• " is a <ul>, and
//     one whose lines all start "1. ", "2. ", ... an <ol>;
//   - a source marker "[n]" that matches a citation with an http or https
//     URL links to it, named "source n: title" for screen readers;
//   - bare http and https URLs are links.
//
// Links get rel="noopener noreferrer nofollow". Other schemes (javascript:,
// data:, ...) are never linked. The output is safe to insert as HTML.
func RenderHTML(text string, cites []assistant.Citation) string {
	byN := map[int]assistant.Citation{}
	for _, c := range cites {
		if safeURL(c.URL) != "" {
			byN[c.N] = c
		}
	}
	var b strings.Builder
	for _, block := range strings.Split(strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n"), "\n\n") {
		block = strings.Trim(block, "\n")
		if strings.TrimSpace(block) == "" {
			continue
		}
		lines := strings.Split(block, "\n")
		switch {
		case len(lines) > 1 && strings.HasSuffix(strings.TrimSpace(lines[0]), ":") && allLines(lines[1:], sourceLine):
			renderSources(&b, lines)
		case allLines(lines, bulletItem):
			b.WriteString("<ul>")
			for _, l := range lines {
				b.WriteString("<li>")
				renderInline(&b, bulletItem(l), byN)
				b.WriteString("</li>")
			}
			b.WriteString("</ul>")
		case len(lines) > 1 && allLines(lines, numberedItem):
			b.WriteString("<ol>")
			for _, l := range lines {
				b.WriteString("<li>")
				renderInline(&b, numberedItem(l), byN)
				b.WriteString("</li>")
			}
			b.WriteString("</ol>")
		default:
			b.WriteString("<p>")
			for i, l := range lines {
				if i > 0 {
					b.WriteString("<br>")
				}
				renderInline(&b, l, byN)
			}
			b.WriteString("</p>")
		}
	}
	return b.String()
}

// sourceLine matches a line of a sources block: "[n] Title: URL" or
// "Title: URL".
var sourceLine = func(l string) string {
	if m := sourceLineRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil && safeURL(m[3]) != "" {
		return m[0]
	}
	return ""
}

var sourceLineRE = regexp.MustCompile(`^(\[\d{1,2}\] )?(.*): (https?://\S+)$`)

// renderSources writes a sources block, a heading line followed by
// "[n] Title: URL" lines, as a paragraph and a list of links named by
// their titles. Numbered lines make an ordered list (Format numbers them
// 1, 2, ... in order, so the list's numbers match the markers).
func renderSources(b *strings.Builder, lines []string) {
	b.WriteString("<p>")
	b.WriteString(html.EscapeString(strings.TrimSpace(lines[0])))
	b.WriteString("</p>")
	tag := "ul"
	if strings.HasPrefix(strings.TrimSpace(lines[1]), "[") {
		tag = "ol"
	}
	b.WriteString("<" + tag + ` class="th-sources">`)
	for _, l := range lines[1:] {
		m := sourceLineRE.FindStringSubmatch(strings.TrimSpace(l))
		label := strings.TrimSpace(m[2])
		if label == "" {
			label = m[3]
		}
		b.WriteString(`<li><a href="` + html.EscapeString(safeURL(m[3])) + `" rel="noopener noreferrer nofollow">` + html.EscapeString(label) + "</a></li>")
	}
	b.WriteString("</" + tag + ">")
}

func allLines(lines []string, item func(string) string) bool {
	for _, l := range lines {
		if item(l) == "" {
			return false
		}
	}
	return true
}

// bulletItem returns the text of a bulleted line, or "".
func bulletItem(l string) string {
	l = strings.TrimSpace(l)
	for _, p := range []string{"- ", "* ", "• "} {
		if strings.HasPrefix(l, p) {
			return strings.TrimSpace(l[len(p):])
		}
	}
	return ""
}

var numbered = regexp.MustCompile(`^\s*\d{1,3}[.)] +(\S.*)$`)

// numberedItem returns the text of a numbered line, or "".
func numberedItem(l string) string {
	if m := numbered.FindStringSubmatch(l); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// inlineToken finds source markers and bare web addresses.
var inlineToken = regexp.MustCompile(`\[(\d{1,2})\]|https?://[^\s<>"'\x60]+`)

// renderInline escapes s and links its markers and URLs.
func renderInline(b *strings.Builder, s string, byN map[int]assistant.Citation) {
	last := 0
	for _, m := range inlineToken.FindAllStringSubmatchIndex(s, -1) {
		start, end := m[0], m[1]
		tok := s[start:end]
		var link string
		switch {
		case m[2] >= 0:
			n, _ := strconv.Atoi(s[m[2]:m[3]])
			c, ok := byN[n]
			if !ok {
				continue
			}
			name := "source " + strconv.Itoa(n)
			if c.Title != "" {
				name += ": " + c.Title
			}
			link = `<a class="th-cite" href="` + html.EscapeString(safeURL(c.URL)) + `" rel="noopener noreferrer nofollow" aria-label="` +
				html.EscapeString(name) + `">[` + strconv.Itoa(n) + `]</a>`
		default:
			// Leave trailing punctuation out of the address.
			tok = strings.TrimRight(tok, ".,;:!?)]}")
			end = start + len(tok)
			u := safeURL(tok)
			if u == "" {
				continue
			}
			link = `<a href="` + html.EscapeString(u) + `" rel="noopener noreferrer nofollow">` + html.EscapeString(tok) + `</a>`
		}
		b.WriteString(html.EscapeString(s[last:start]))
		b.WriteString(link)
		last = end
	}
	b.WriteString(html.EscapeString(s[last:]))
}

// safeURL returns u when it is an absolute http or https URL with a host,
// and "" otherwise.
func safeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") || p.User != nil {
		return ""
	}
	return p.String()
}
