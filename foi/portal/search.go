package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/foi/search"
)

// pageSize is the number of results on a search page.
const pageSize = 20

// maxQueryLen bounds the search box: longer text is not a search.
const maxQueryLen = 500

// searchForm is the search as the user gave it, to fill the form back in.
type searchForm struct {
	Q                  string
	Sort               search.Sort
	Page               int
	Filters            map[search.Facet][]string
	From, To           DateInput
	FromParam, ToParam string // the API's YYYY-MM-DD form
	Limit              int
}

// parseSearch reads a search from URL parameters: q, sort, page, one
// parameter per facet (repeatable), and dates either as from-day,
// from-month, from-year (the form) or from=YYYY-MM-DD (the API). The
// end date is inclusive.
func parseSearch(v url.Values) (search.Query, searchForm, []FieldError) {
	f := searchForm{Q: strings.TrimSpace(v.Get("q")), Filters: map[search.Facet][]string{}}
	var errs []FieldError
	if len([]rune(f.Q)) > maxQueryLen {
		errs = append(errs, FieldError{"q", fmt.Sprintf("Search terms must be %d characters or fewer", maxQueryLen)})
	}
	sort, err := search.ParseSort(v.Get("sort"))
	if err != nil {
		errs = append(errs, FieldError{"sort", "Choose how to sort the results from the list"})
	}
	f.Sort = sort
	if v.Get("sort") == "" {
		f.Sort = ""
	}
	f.Page = 1
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || (n-1)*pageSize > search.MaxOffset {
			errs = append(errs, FieldError{"page", "Page must be a number between 1 and " + strconv.Itoa(search.MaxOffset/pageSize+1)})
		} else {
			f.Page = n
		}
	}
	f.Limit = pageSize
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > search.MaxLimit {
			errs = append(errs, FieldError{"limit", "Limit must be a number between 1 and " + strconv.Itoa(search.MaxLimit)})
		} else {
			f.Limit = n
		}
	}
	for _, facet := range search.Facets {
		for _, val := range v[string(facet)] {
			if val = strings.TrimSpace(val); val != "" && len(val) <= 200 {
				f.Filters[facet] = append(f.Filters[facet], val)
			}
		}
	}
	q := search.Query{Text: f.Q, Sort: f.Sort, Filters: f.Filters, Limit: f.Limit, Offset: (f.Page - 1) * f.Limit, Facets: true}

	f.From = ReadDateInput(v, "from")
	f.To = ReadDateInput(v, "to")
	f.FromParam, f.ToParam = v.Get("from"), v.Get("to")
	var from, to time.Time
	var msg string
	if f.FromParam != "" {
		from, msg = ParseISODate(f.FromParam)
	} else {
		from, msg = f.From.Parse()
	}
	if msg != "" {
		errs = append(errs, FieldError{"from-day", "Received after " + msg})
	}
	if f.ToParam != "" {
		to, msg = ParseISODate(f.ToParam)
	} else {
		to, msg = f.To.Parse()
	}
	if msg != "" {
		errs = append(errs, FieldError{"to-day", "Received before " + msg})
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		errs = append(errs, FieldError{"to-day", "Received before must be the same as or after received after"})
	}
	q.From = from
	if !to.IsZero() {
		q.To = to.AddDate(0, 0, 1) // the end date is inclusive
	}
	return q, f, errs
}

// values returns the form as URL parameters, with page replaced.
func (f searchForm) values(page int) url.Values {
	v := url.Values{}
	if f.Q != "" {
		v.Set("q", f.Q)
	}
	if f.Sort != "" {
		v.Set("sort", string(f.Sort))
	}
	for _, facet := range search.Facets {
		for _, val := range f.Filters[facet] {
			v.Add(string(facet), val)
		}
	}
	for name, d := range map[string]DateInput{"from": f.From, "to": f.To} {
		if !d.Empty() {
			v.Set(name+"-day", d.Day)
			v.Set(name+"-month", d.Month)
			v.Set(name+"-year", d.Year)
		}
	}
	if f.FromParam != "" {
		v.Set("from", f.FromParam)
	}
	if f.ToParam != "" {
		v.Set("to", f.ToParam)
	}
	if f.Limit != pageSize && f.Limit != 0 {
		v.Set("limit", strconv.Itoa(f.Limit)) // the pages of a search keep its page size
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

// searchView is the search page's data.
type searchView struct {
	Form        searchForm
	Result      *search.Result
	Hits        []hitView
	Facets      []facetView
	Sorts       []option
	Pages       []PageLink
	Prev, Next  string
	First, Last int // the 1-based positions shown
	ExportCSV   string
	ExportJSON  string
	Feed        string
}

type hitView struct {
	search.Hit
	Link string
}

type facetView struct {
	Facet  search.Facet
	Legend string
	Values []facetValueView
	Other  int
}

type facetValueView struct {
	Value, Label string
	Count        int
	Checked      bool
	ID           string
}

type option struct {
	Value, Label string
	Selected     bool
}

// PageLink is one numbered link of a "pagination" partial, or the
// ellipsis between two runs of them.
type PageLink struct {
	Number   int
	URL      string
	Current  bool
	Ellipsis bool
}

func (p *Portal) handleSearch(w http.ResponseWriter, r *http.Request) {
	q, form, errs := parseSearch(r.URL.Query())
	view := searchView{Form: form}
	view.Sorts = []option{{"relevance", "Most relevant", form.Sort == search.SortRelevance || form.Sort == "" && form.Q != ""},
		{"newest", "Newest first", form.Sort == search.SortNewest || form.Sort == "" && form.Q == ""},
		{"oldest", "Oldest first", form.Sort == search.SortOldest}}
	status := http.StatusOK
	if len(errs) == 0 {
		res, err := p.cfg.Search.Search(r.Context(), q)
		if err != nil {
			p.writeError(w, r, err)
			return
		}
		view.Result = res
		p.fillSearchView(&view, res)
	} else {
		status = http.StatusBadRequest
	}
	title := "Search previous FOI responses"
	if form.Q != "" {
		title = form.Q + " - " + title
	}
	p.render(w, r, status, "search", Page{Title: title, Nav: "search", Errors: errs, Data: view})
}

func (p *Portal) fillSearchView(view *searchView, res *search.Result) {
	form := view.Form
	for _, h := range res.Hits {
		view.Hits = append(view.Hits, hitView{Hit: h, Link: disclosurePath(h.ID)})
	}
	for _, fr := range res.Facets {
		checked := map[string]bool{}
		for _, v := range form.Filters[fr.Facet] {
			checked[v] = true
		}
		fv := facetView{Facet: fr.Facet, Legend: facetLegend(fr.Facet), Other: fr.Other}
		for i, v := range fr.Values {
			fv.Values = append(fv.Values, facetValueView{Value: v.Value, Label: facetValueLabel(fr.Facet, v.Value),
				Count: v.Count, Checked: checked[v.Value], ID: fmt.Sprintf("%s-%d", fr.Facet, i)})
			delete(checked, v.Value)
		}
		// Keep a chosen value that no longer matches, so it can be unticked.
		for _, v := range form.Filters[fr.Facet] {
			if checked[v] {
				fv.Values = append(fv.Values, facetValueView{Value: v, Label: facetValueLabel(fr.Facet, v),
					Checked: true, ID: fmt.Sprintf("%s-%d", fr.Facet, len(fv.Values))})
			}
		}
		if len(fv.Values) > 0 {
			view.Facets = append(view.Facets, fv)
		}
	}
	pages := (res.Total + form.Limit - 1) / form.Limit
	pages = min(pages, search.MaxOffset/form.Limit+1)
	link := func(n int) string { return "/foi/?" + form.values(n).Encode() }
	if form.Page > 1 {
		view.Prev = link(form.Page - 1)
	}
	if form.Page < pages {
		view.Next = link(form.Page + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || n >= form.Page-2 && n <= form.Page+2 {
			if last != 0 && n > last+1 {
				view.Pages = append(view.Pages, PageLink{Ellipsis: true})
			}
			view.Pages = append(view.Pages, PageLink{Number: n, URL: link(n), Current: n == form.Page})
			last = n
		}
	}
	if len(res.Hits) > 0 {
		view.First = (form.Page-1)*form.Limit + 1
		view.Last = view.First + len(res.Hits) - 1
	}
	exp := form.values(1).Encode()
	view.ExportCSV = "/foi/export.csv?" + exp
	view.ExportJSON = "/foi/export.json?" + exp
	view.Feed = "/foi/feed.atom"
}
