package portal

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/foi"
)

// feedSize is the number of disclosures in the Atom feed.
const feedSize = 50

// sitemapSize is the number of URLs per sitemap file (the protocol allows
// 50,000; smaller files keep each request cheap).
const sitemapSize = 1000

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string    `xml:"id"`
	Title     atomText  `xml:"title"`
	Updated   string    `xml:"updated"`
	Published string    `xml:"published,omitempty"`
	Link      atomLink  `xml:"link"`
	Summary   atomText  `xml:"summary"`
	Category  []atomCat `xml:"category"`
}

type atomCat struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// handleFeed serves the newest disclosures as Atom (RFC 4287). Text goes
// in as type="text", so a reader never interprets markup from a
// disclosure.
func (p *Portal) handleFeed(w http.ResponseWriter, r *http.Request) {
	ds, _, err := p.cfg.Service.Store.FindDisclosures(r.Context(), foi.DisclosureFilter{Limit: feedSize})
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	base := p.baseURL(r)
	council := p.cfg.Council
	if council == "" {
		council = "The council"
	}
	f := atomFeed{ID: base + "/foi/feed.atom", Title: council + ": new FOI disclosures",
		Links:  []atomLink{{Href: base + "/foi/feed.atom", Rel: "self", Type: "application/atom+xml"}, {Href: base + "/foi/", Rel: "alternate", Type: "text/html"}},
		Author: atomAuthor{Name: council}}
	var newest time.Time
	for _, d := range ds {
		if d.Received.IsZero() {
			continue
		}
		updated := d.Received
		if d.Responded.After(updated) {
			updated = d.Responded
		}
		if updated.After(newest) {
			newest = updated
		}
		link := base + disclosurePath(d.ID)
		e := atomEntry{ID: link, Title: atomText{"text", d.Title}, Updated: updated.UTC().Format(time.RFC3339),
			Published: d.Received.UTC().Format(time.RFC3339), Link: atomLink{Href: link, Rel: "alternate", Type: "text/html"},
			Summary:  atomText{"text", summary(d)},
			Category: []atomCat{{Term: string(d.Status), Label: statusLabel(d.Status)}}}
		f.Entries = append(f.Entries, e)
	}
	if newest.IsZero() {
		newest = p.now()
	}
	f.Updated = newest.UTC().Format(time.RFC3339)
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		p.cfg.Logger.Error("foi portal: feed", "err", err)
	}
}

// summary is the start of a disclosure's answer, or its request.
func summary(d *foi.Disclosure) string {
	s := strings.TrimSpace(d.ResponseText)
	if s == "" {
		s = strings.TrimSpace(d.RequestText)
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + " …"
	}
	return s
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapLoc `xml:"sitemap"`
}

type sitemapLoc struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapLoc `xml:"url"`
}

// handleSitemapIndex lists the sitemap files, one per sitemapSize
// disclosures, plus the search page's.
func (p *Portal) handleSitemapIndex(w http.ResponseWriter, r *http.Request) {
	_, total, err := p.cfg.Service.Store.FindDisclosures(r.Context(), foi.DisclosureFilter{Limit: 1})
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	base := p.baseURL(r)
	idx := sitemapIndex{}
	for n := 0; n == 0 || n*sitemapSize < total; n++ {
		idx.Sitemaps = append(idx.Sitemaps, sitemapLoc{Loc: base + "/foi/sitemaps/" + strconv.Itoa(n+1) + ".xml"})
	}
	writeXML(w, idx)
}

// handleSitemap serves /foi/sitemaps/N.xml; the first also lists the
// search and request pages.
func (p *Portal) handleSitemap(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	n, err := strconv.Atoi(strings.TrimSuffix(name, ".xml"))
	if err != nil || !strings.HasSuffix(name, ".xml") || n < 1 {
		p.notFound(w, r)
		return
	}
	ds, total, err := p.cfg.Service.Store.FindDisclosures(r.Context(), foi.DisclosureFilter{Offset: (n - 1) * sitemapSize, Limit: sitemapSize})
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	if n > 1 && (n-1)*sitemapSize >= total {
		p.notFound(w, r)
		return
	}
	base := p.baseURL(r)
	set := urlSet{}
	if n == 1 {
		set.URLs = append(set.URLs, sitemapLoc{Loc: base + "/foi/"}, sitemapLoc{Loc: base + "/foi/request"})
	}
	for _, d := range ds {
		loc := sitemapLoc{Loc: base + disclosurePath(d.ID)}
		if t := latest(d.Received, d.Responded); !t.IsZero() {
			loc.LastMod = t.Format(time.DateOnly)
		}
		set.URLs = append(set.URLs, loc)
	}
	writeXML(w, set)
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	enc.Encode(v)
}

// safeURL returns u if it is an absolute http(s) URL, else "": links
// from imported data must not become javascript: links.
func safeURL(u string) string {
	pu, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return ""
	}
	return pu.String()
}
