package ledger

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// BudgetDocument is one budget book, statement of accounts or outturn
// (a document of kind budget) with its pages.
type BudgetDocument struct {
	ID      string // document ID, the file's path for a PDF
	Title   string
	URL     string // the published file
	Council string
	Date    time.Time
	// Pages are a PDF's pages in order, each with its first heading;
	// documents without pages (JSON budgets) list their sections instead,
	// with Number 0.
	Pages []BudgetPage
}

// BudgetPage is one page (or section) of a budget document.
type BudgetPage struct {
	Number  int    // 1-based PDF page; 0 for a section of a document without pages
	Heading string // the page's first heading, else its first words
}

// PageURL links to page p of the document: the PDF open parameter
// "#page=N", which browsers' PDF viewers follow. A section has no page of
// its own and links to the document.
func (d BudgetDocument) PageURL(p BudgetPage) string {
	if p.Number <= 0 || d.URL == "" {
		return d.URL
	}
	base, _, _ := strings.Cut(d.URL, "#")
	return base + "#page=" + strconv.Itoa(p.Number)
}

// FileLister lists ingested files; retrieval.Catalog is one.
type FileLister interface {
	Files(ctx context.Context) (map[string]retrieval.FileState, error)
}

// maxSections caps the sections listed for a document without pages.
const maxSections = 40

// Budgets lists the budget documents in the retrieval index, by title,
// reading each file's chunks for its title, link and page headings.
func Budgets(ctx context.Context, files FileLister, chunks retrieval.ChunkGetter) ([]BudgetDocument, error) {
	all, err := files.Files(ctx)
	if err != nil {
		return nil, fmt.Errorf("ledger: budgets: %w", err)
	}
	var ids []string
	for _, st := range all {
		if st.Kind != corpus.KindBudget {
			continue
		}
		for _, id := range st.ChunkIDs {
			// "~all" is the whole-document chunk the indexer adds; the
			// numbered chunks carry the pages.
			if !strings.HasSuffix(id, "~all") {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	cs, err := chunks.Chunks(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("ledger: budgets: %w", err)
	}
	return budgetDocuments(cs), nil
}

// budgetDocuments groups chunks into documents, keeping chunk order.
func budgetDocuments(cs []corpus.Chunk) []BudgetDocument {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].DocID != cs[j].DocID {
			return cs[i].DocID < cs[j].DocID
		}
		return chunkOrdinal(cs[i].ID) < chunkOrdinal(cs[j].ID)
	})
	var out []BudgetDocument
	var cur *BudgetDocument
	seen := map[string]bool{}
	for _, c := range cs {
		if cur == nil || cur.ID != c.DocID {
			out = append(out, BudgetDocument{ID: c.DocID, Title: c.Title, URL: c.URL, Council: c.Council, Date: c.Date})
			cur = &out[len(out)-1]
			clear(seen)
		}
		heading := ""
		if len(c.Headings) > 0 {
			heading = c.Headings[0]
			if c.Page > 0 {
				heading = c.Headings[len(c.Headings)-1]
			}
		}
		if c.Page > 0 {
			if n := len(cur.Pages); n > 0 && cur.Pages[n-1].Number == c.Page {
				continue
			}
			if heading == "" || heading == c.Title {
				heading = firstWords(c.Text, 12)
			}
			cur.Pages = append(cur.Pages, BudgetPage{Number: c.Page, Heading: heading})
			continue
		}
		if heading == "" || seen[heading] || len(cur.Pages) >= maxSections {
			continue
		}
		seen[heading] = true
		cur.Pages = append(cur.Pages, BudgetPage{Heading: heading})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Council != out[j].Council {
			return out[i].Council < out[j].Council
		}
		return strings.ToLower(out[i].Title) < strings.ToLower(out[j].Title)
	})
	return out
}

// chunkOrdinal is the N of a chunk ID "docID~N"; -1 when there is none.
func chunkOrdinal(id string) int {
	i := strings.LastIndexByte(id, '~')
	if i < 0 {
		return -1
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil {
		return -1
	}
	return n
}

// firstWords returns up to n words of s, with an ellipsis when cut.
func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) <= n {
		return strings.Join(w, " ")
	}
	return strings.Join(w[:n], " ") + "…"
}
