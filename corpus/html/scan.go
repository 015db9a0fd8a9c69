package html

import (
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/text"
)

// scan is what one walk over the whole tree learns: the head's metadata,
// the candidate content roots and whether the page is a WhatDoTheyKnow
// request.
type scan struct {
	title     string
	meta      map[string]string // lower-case name or property -> content
	canonical string
	firstTime string // datetime of the first <time> in the body
	firstH1   string

	body, main, roleMain *html.Node
	articles             []*html.Node
	contentID            *html.Node // #content, #main-content, ...
	contentClass         *html.Node // .content, .main-content, ...

	wdtk bool
}

// contentIDs and contentClasses name the usual content wrappers, best
// first.
var (
	contentIDs     = []string{"main-content", "maincontent", "content", "main", "primary", "page-content"}
	contentClasses = []string{"main-content", "page-content", "article-body", "entry-content", "post-content", "content"}
)

func (s *scan) walk(n *html.Node) {
	if s.meta == nil {
		s.meta = map[string]string{}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg:
			continue
		case atom.Title:
			if s.title == "" && !inSVG(c) {
				s.title = textContent(c)
			}
			continue
		case atom.Meta:
			s.metaTag(c)
			continue
		case atom.Link:
			if s.canonical == "" && hasToken(attr(c, "rel"), "canonical") {
				s.canonical = strings.TrimSpace(attr(c, "href"))
			}
			continue
		case atom.Body:
			s.body = c
		case atom.Main:
			if s.main == nil && !hidden(c) {
				s.main = c
			}
		case atom.Article:
			s.articles = append(s.articles, c)
		case atom.Time:
			if s.firstTime == "" {
				s.firstTime = attr(c, "datetime")
			}
		case atom.H1:
			if s.firstH1 == "" {
				s.firstH1 = textContent(c)
			}
		}
		if s.roleMain == nil && strings.EqualFold(attr(c, "role"), "main") {
			s.roleMain = c
		}
		if id := attr(c, "id"); id != "" && betterThan(strings.ToLower(id), s.contentID, contentIDs, func(n *html.Node) string { return strings.ToLower(attr(n, "id")) }) {
			s.contentID = c
		}
		if cls := attr(c, "class"); cls != "" {
			if hasToken(cls, "correspondence_text") {
				s.wdtk = true
			}
			if rank := classRank(cls); rank >= 0 && (s.contentClass == nil || rank < classRank(attr(s.contentClass, "class"))) {
				s.contentClass = c
			}
		}
		s.walk(c)
	}
}

// betterThan reports whether value ranks in list and above the current
// node's value.
func betterThan(value string, cur *html.Node, list []string, of func(*html.Node) string) bool {
	r := indexOf(list, value)
	if r < 0 {
		return false
	}
	return cur == nil || r < indexOf(list, of(cur))
}

func classRank(cls string) int {
	best := -1
	for _, tok := range strings.Fields(strings.ToLower(cls)) {
		if r := indexOf(contentClasses, tok); r >= 0 && (best < 0 || r < best) {
			best = r
		}
	}
	return best
}

func indexOf(list []string, v string) int {
	for i, s := range list {
		if s == v {
			return i
		}
	}
	return -1
}

func inSVG(n *html.Node) bool { return n.Namespace == "svg" }

func (s *scan) metaTag(n *html.Node) {
	key := attr(n, "property")
	if key == "" {
		key = attr(n, "name")
	}
	if key == "" {
		key = attr(n, "http-equiv")
	}
	key = strings.ToLower(strings.TrimSpace(key))
	if key == "" {
		return
	}
	if _, seen := s.meta[key]; !seen {
		s.meta[key] = strings.TrimSpace(attr(n, "content"))
	}
}

// contentRoot picks the node holding the main content, and whether a
// <header> inside it may be kept (it holds the page's own heading when the
// root is <main> or <article>, but the site banner when it is <body>).
func (s *scan) contentRoot() (*html.Node, bool) {
	switch {
	case s.main != nil:
		return s.main, true
	case s.roleMain != nil:
		return s.roleMain, true
	case len(s.articles) == 1:
		return s.articles[0], true
	case s.contentID != nil:
		return s.contentID, true
	case s.contentClass != nil:
		return s.contentClass, true
	case s.body != nil:
		return s.body, false
	}
	return nil, false
}

// pageDateKeys and threadDateKeys are the <meta> keys read for a date,
// best first: a page's last change, a thread's start.
var (
	pageDateKeys = []string{
		"article:modified_time", "og:updated_time", "last-modified", "last_modified",
		"dcterms.modified", "dc.date.modified", "dc.date", "dcterms.date", "date",
		"article:published_time", "dcterms.issued", "dc.date.issued",
	}
	threadDateKeys = []string{"article:published_time", "dc.date", "dcterms.issued", "date"}
)

func (s *scan) date(keys []string) time.Time {
	for _, k := range keys {
		if t, ok := text.ParseDate(s.meta[k]); ok {
			return t
		}
	}
	if t, ok := text.ParseDate(s.firstTime); ok {
		return t
	}
	return time.Time{}
}

// url returns the page's canonical link or og:url when absolute, else the
// link made from the base URL.
func (s *scan) url(f corpus.File) string {
	for _, u := range []string{s.canonical, s.meta["og:url"]} {
		if pu, err := url.Parse(u); err == nil && (pu.Scheme == "https" || pu.Scheme == "http") && pu.Host != "" {
			return u
		}
	}
	return corpus.URLFor(f.BaseURL, f.ID)
}

// docMeta returns the extras worth keeping: the description and the
// site's own categories.
func (s *scan) docMeta() map[string]string {
	m := map[string]string{}
	if d := firstNonEmpty(s.meta["description"], s.meta["og:description"]); d != "" {
		m["description"] = text.Clean(d)
	}
	if c := firstNonEmpty(s.meta["categories"], s.meta["category"], s.meta["article:section"]); c != "" {
		m["category"] = text.Clean(c)
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// titleSeparators split a <title> into the page's name and the site's.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " · "}

// cleanTitle removes site names from a <title>: trailing parts that name
// the council, the site (og:site_name) or end in "Council", "GOV.UK" or
// "WhatDoTheyKnow". When parts separated by " | " remain, the first (the
// page's own name) is kept; parts joined by dashes are kept together, as
// dashes are often part of the name itself.
func cleanTitle(raw, council, site string) string {
	t := text.Clean(raw)
	if t == "" {
		return ""
	}
	if parts := strings.Split(t, " | "); len(parts) > 1 {
		parts = dropSiteParts(parts, council, site)
		return stripDashSite(parts[0], council, site)
	}
	return stripDashSite(t, council, site)
}

func stripDashSite(t, council, site string) string {
	for _, sep := range titleSeparators[1:] {
		if parts := strings.Split(t, sep); len(parts) > 1 {
			return strings.Join(dropSiteParts(parts, council, site), sep)
		}
	}
	return t
}

// dropSiteParts drops trailing site names, keeping at least one part.
func dropSiteParts(parts []string, council, site string) []string {
	for len(parts) > 1 && isSiteName(parts[len(parts)-1], council, site) {
		parts = parts[:len(parts)-1]
	}
	return parts
}

func isSiteName(p, council, site string) bool {
	p = strings.TrimSpace(p)
	l := strings.ToLower(p)
	if l == "" || (council != "" && l == strings.ToLower(council)) || (site != "" && l == strings.ToLower(site)) {
		return true
	}
	words := strings.Fields(l)
	last := words[len(words)-1]
	switch {
	case len(words) >= 2 && (last == "council" || last == "borough"):
		return true
	case l == "gov.uk" || l == "whatdotheyknow" || l == "home":
		return true
	}
	return false
}
