package web

import (
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi/ledger"
)

// MaxCSVRows caps a CSV download. Rows are streamed from the store, so
// the cap bounds the time a download takes, not memory; a capped file
// says so in its X-Townhall-Truncated header.
const MaxCSVRows = 200_000

// safeCell defuses a cell a spreadsheet would run as a formula (OWASP's
// CSV injection advice): text starting with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe.
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// pounds writes pence as a plain decimal number of pounds, "-1234.50":
// a number, which spreadsheets read as one and never run.
func pounds(p int64) string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	return sign + strconv.FormatInt(p/100, 10) + "." + twoDigits(p%100)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// csvHeader is the first line of a download of kind.
func csvHeader(kind corpus.Kind) []string {
	if kind == corpus.KindContracts {
		return []string{"record_id", "council", "reference", "title", "supplier", "department", "category", "status",
			"start_date", "end_date", "value_gbp", "description", "source_url"}
	}
	return []string{"record_id", "council", "date", "supplier", "department", "category", "description", "reference",
		"amount_gbp", "source_url"}
}

func csvRecord(r ledger.Row) []string {
	var rec []string
	if r.Kind == corpus.KindContracts {
		rec = []string{r.ID, r.Council, r.Reference, r.Title, r.Supplier, r.Department, r.Category, r.Status,
			isoDate(r.Date), isoDate(r.EndDate), "", r.Description, r.URL}
	} else {
		rec = []string{r.ID, r.Council, isoDate(r.Date), r.Supplier, r.Department, r.Category, r.Description, r.Reference,
			"", r.URL}
	}
	for i := range rec {
		rec[i] = safeCell(rec[i])
	}
	// The amount is ours, a number; set after escaping so a refund's
	// minus sign stays a minus sign.
	if r.Kind == corpus.KindContracts {
		rec[10] = pounds(r.AmountPence)
	} else {
		rec[8] = pounds(r.AmountPence)
	}
	return rec
}

// errTruncated stops the row stream at the cap.
var errTruncated = errors.New("csv row cap reached")

// writeRowsCSV streams every row f selects, from its first, as CSV.
func (h *Handler) writeRowsCSV(w http.ResponseWriter, r *http.Request, f ledger.Filter) {
	f.Offset = 0
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="`+string(f.Kind)+`.csv"`)
	// The count decides the truncation header before the body starts.
	count := f
	count.Limit = 1
	_, total, err := h.cfg.Store.FindRows(r.Context(), count)
	if err != nil {
		hd.Del("Content-Disposition")
		h.writeError(w, r, err)
		return
	}
	if total > MaxCSVRows {
		hd.Set("X-Townhall-Truncated", strconv.Itoa(MaxCSVRows)+" of "+strconv.Itoa(total)+" rows")
	}
	cw := csv.NewWriter(w)
	cw.Write(csvHeader(f.Kind))
	err = h.cfg.Store.EachRow(r.Context(), f, MaxCSVRows, func(row ledger.Row) error {
		return cw.Write(csvRecord(row))
	})
	cw.Flush()
	if err != nil {
		// The status is sent; all that can be done is to stop and log.
		h.cfg.Logger.Error("foi ledger: csv", "err", err)
	}
}

// writeTotalsCSV writes totals as CSV.
func (h *Handler) writeTotalsCSV(w http.ResponseWriter, by ledger.Group, ts []ledger.Total) {
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="spending-by-`+string(by)+`.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{string(by), "payments", "total_gbp"})
	for _, t := range ts {
		name := t.Name
		if by == ledger.GroupMonth {
			name = t.Key
		}
		cw.Write([]string{safeCell(name), strconv.Itoa(t.Rows), pounds(t.Pence)})
	}
	cw.Flush()
}
