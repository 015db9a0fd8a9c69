package web

import (
	"context"
	"encoding/csv"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/foi/ledger"
	"github.com/townhall-civic/townhall/foi/ledger/ledgertest"
)

const demoManifest = "../../../testdata/demo/demo.yaml"

// MustServer serves a Handler over store on a fresh mux.
func MustServer(tb testing.TB, store ledger.Store, budgets BudgetLister) *httptest.Server {
	tb.Helper()
	h, err := New(Config{Store: store, Budgets: budgets, Council: "Thornbury Vale Borough Council"})
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

func get(tb testing.TB, srv *httptest.Server, path string) (int, http.Header, string) {
	tb.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

var (
	hrefRe     = regexp.MustCompile(`href="([^"]*)"`)
	headingRe  = regexp.MustCompile(`<h2 class="govuk-heading-m" id="results-heading">([\d,]+) (payment|payments|contract|contracts)`)
	sectionRe  = regexp.MustCompile(`(?s)<div class="th-chart">.*?</table>`)
	totalRowRe = regexp.MustCompile(`(?s)<td class="govuk-table__cell govuk-table__cell--numeric">([\d,]+)</td>\s*<td class="govuk-table__cell govuk-table__cell--numeric"><a class="govuk-link" href="([^"]*)">(-?£[\d,.]+)`)
)

func unescape(s string) string { return html.UnescapeString(s) }

func resultCount(tb testing.TB, body string) int {
	tb.Helper()
	m := headingRe.FindStringSubmatch(body)
	if m == nil {
		tb.Fatalf("no results heading in page")
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	return n
}

func TestSpendingPageChartsHaveTables(t *testing.T) {
	srv := MustServer(t, records.NewLedger(ledgertest.MustDemoStore(t, demoManifest)), nil)
	code, hd, body := get(t, srv, "/foi/spending")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if !strings.Contains(hd.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("CSP = %q", hd.Get("Content-Security-Policy"))
	}
	sections := sectionRe.FindAllString(body, -1)
	if len(sections) != 3 {
		t.Fatalf("got %d chart sections, want 3 (supplier, department, month)", len(sections))
	}
	for _, s := range sections {
		svg := s[strings.Index(s, "<svg"):strings.Index(s, "</svg>")]
		if !strings.Contains(svg, `aria-hidden="true"`) || !strings.Contains(svg, `focusable="false"`) {
			t.Errorf("chart SVG is not hidden from assistive technology: %.200s", svg)
		}
		if strings.Contains(svg, "<a") {
			t.Errorf("chart SVG holds a link, which aria-hidden would hide")
		}
		bars := strings.Count(svg, "<rect")
		table := s[strings.Index(s, "<table"):]
		if !strings.Contains(table, "<caption") {
			t.Errorf("chart table has no caption")
		}
		rows := totalRowRe.FindAllStringSubmatch(table, -1)
		if len(rows) == 0 || len(rows) != bars {
			t.Errorf("chart has %d bars and its table %d linked totals; want the same, more than 0", bars, len(rows))
		}
	}
}

// TestTotalsLinkToTheirRows follows every total's link and checks that
// the list it opens has that many payments adding up to that figure.
func TestTotalsLinkToTheirRows(t *testing.T) {
	srv := MustServer(t, records.NewLedger(ledgertest.MustDemoStore(t, demoManifest)), nil)
	_, _, body := get(t, srv, "/foi/spending?department=housing")
	checked := 0
	for _, s := range sectionRe.FindAllString(body, -1) {
		for _, m := range totalRowRe.FindAllStringSubmatch(s, 4) {
			wantRows, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
			code, _, page := get(t, srv, unescape(m[2]))
			if code != http.StatusOK {
				t.Fatalf("%s: status %d", m[2], code)
			}
			if got := resultCount(t, page); got != wantRows {
				t.Errorf("%s lists %d payments, want %d", m[2], got, wantRows)
			}
			if !strings.Contains(page, "totalling "+m[3]) {
				t.Errorf("%s does not total %s", m[2], m[3])
			}
			checked++
		}
	}
	if checked < 6 {
		t.Errorf("checked %d totals, want at least 6", checked)
	}
}

func TestRowsLinkToRecords(t *testing.T) {
	srv := MustServer(t, records.NewLedger(ledgertest.MustDemoStore(t, demoManifest)), nil)
	for _, path := range []string{"/foi/spending", "/foi/contracts"} {
		_, _, body := get(t, srv, path)
		var rec string
		for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
			if strings.HasPrefix(m[1], "/foi/records/") {
				rec = m[1]
				break
			}
		}
		if !strings.Contains(rec, "%23row-") {
			t.Fatalf("%s: no record link with an escaped #row- key (got %q)", path, rec)
		}
		code, _, page := get(t, srv, unescape(rec))
		if code != http.StatusOK {
			t.Fatalf("%s: status %d", rec, code)
		}
		if !strings.Contains(page, `href="https://www.thornburyvale.gov.uk/`) {
			t.Errorf("%s: no link to the source file", rec)
		}
	}
}

func TestSortAndPage(t *testing.T) {
	srv := MustServer(t, records.NewLedger(ledgertest.MustDemoStore(t, demoManifest)), nil)
	_, _, body := get(t, srv, "/foi/spending?sort=amount&order=asc&page=2")
	if !strings.Contains(body, "Showing 26 to 50") {
		t.Errorf("page 2 does not show rows 26 to 50")
	}
	if !strings.Contains(body, `aria-sort="ascending"`) {
		t.Errorf("the amount column is not marked aria-sort=ascending")
	}
	amounts := regexp.MustCompile(`th-nowrap">(-?£[\d,.]+)</td>`).FindAllStringSubmatch(body, -1)
	if len(amounts) != pageSize {
		t.Fatalf("got %d amounts, want %d", len(amounts), pageSize)
	}
	prev := int64(-1 << 62)
	for _, a := range amounts {
		p, ok, msg := parsePounds(strings.ReplaceAll(a[1], "£", ""))
		if !ok || msg != "" {
			t.Fatalf("amount %q", a[1])
		}
		if p < prev {
			t.Errorf("amounts not ascending: %d after %d", p, prev)
		}
		prev = p
	}
}

func TestCSVDownload(t *testing.T) {
	st := records.NewLedger(ledgertest.MustDemoStore(t, demoManifest))
	srv := MustServer(t, st, nil)
	code, hd, body := get(t, srv, "/foi/spending?department=highways&format=csv")
	if code != http.StatusOK || !strings.HasPrefix(hd.Get("Content-Type"), "text/csv") {
		t.Fatalf("status %d, type %q", code, hd.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	tot, err := st.SumRows(context.Background(), ledger.Filter{Kind: corpus.KindSpending, Department: "highways"}, ledger.GroupNone)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs)-1 != tot[0].Rows {
		t.Fatalf("CSV has %d rows, want %d", len(recs)-1, tot[0].Rows)
	}
	var sum int64
	for _, r := range recs[1:] {
		p, _, msg := parsePounds(r[8])
		if msg != "" {
			t.Fatalf("amount cell %q: %s", r[8], msg)
		}
		sum += p
		if !strings.Contains(strings.ToLower(r[4]), "highways") || !strings.Contains(r[0], "#row-") || !strings.HasPrefix(r[9], "https://") {
			t.Errorf("row %v: want a highways department, a record ID and a source URL", r)
		}
	}
	if sum != tot[0].Pence {
		t.Errorf("CSV amounts add up to %d, want %d", sum, tot[0].Pence)
	}
	code, _, body = get(t, srv, "/foi/spending/totals?by=month&format=csv")
	if code != http.StatusOK || !strings.HasPrefix(body, "month,payments,total_gbp\n2024-04,") {
		t.Errorf("totals CSV: status %d, starts %.60q", code, body)
	}
}

// hostileCSV is a spending file whose cells carry markup and formulas.
const hostileCSV = "Body Name,Service Area,Expenditure Category,Payment Date,Transaction Number,Amount,Supplier Name\n" +
	`Evil Council,<img src=x onerror=alert(1)>,=HYPERLINK("http://x.example"),03/04/2024,@SUM(A1),"1,000.00","<script>alert(""s"")</script>"` + "\n" +
	`Evil Council,+cmd|' /C calc'!A0,-2+3,04/04/2024,T2,-50.00,Plain Supplier` + "\n"

func hostileStore(t *testing.T) ledger.Store {
	return records.NewLedger(ledgertest.MustStore(t, []corpus.SourceFile{{
		ID: "spending/evil.csv", Source: corpus.Source{Kind: corpus.KindSpending, Format: "csv"}, Council: "Evil Council",
		BaseURL: "https://evil.example/", Read: func() ([]byte, error) { return []byte(hostileCSV), nil },
	}}))
}

func TestHostileValuesAreInert(t *testing.T) {
	srv := MustServer(t, hostileStore(t), nil)
	for _, path := range []string{"/foi/spending", "/foi/spending/totals?by=supplier", "/foi/records/spending/evil.csv%23row-1",
		"/foi/spending?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&supplier=%22%3E%3Cimg%20src%3Dx%3E"} {
		code, _, body := get(t, srv, path)
		if code != http.StatusOK {
			t.Errorf("%s: status %d", path, code)
		}
		if path == "/foi/spending" && !strings.Contains(body, "&lt;script&gt;alert(&#34;s&#34;)&lt;/script&gt;") {
			t.Errorf("%s: the hostile supplier is not shown, escaped", path)
		}
		for _, bad := range []string{"<script>alert", "<img src=x", `"><img`} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: page contains %q unescaped", path, bad)
			}
		}
	}
	_, _, body := get(t, srv, "/foi/spending?format=csv&sort=date&order=asc")
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("got %d CSV lines, want header and 2 rows", len(recs))
	}
	for _, r := range recs[1:] {
		for i, cell := range r {
			if i == 8 { // amount: a number we wrote
				continue
			}
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %d %q could run as a formula", i, cell)
			}
		}
	}
	if recs[1][5] != `'=HYPERLINK("http://x.example")` || recs[1][7] != "'@SUM(A1)" || recs[2][4] != "'+cmd|' /C calc'!A0" {
		t.Errorf("escaped cells = %q %q %q", recs[1][5], recs[1][7], recs[2][4])
	}
	if recs[2][8] != "-50.00" {
		t.Errorf("refund amount = %q, want -50.00 (a number, not escaped)", recs[2][8])
	}
}

func TestBadInput(t *testing.T) {
	srv := MustServer(t, records.NewLedger(ledgertest.MustDemoStore(t, demoManifest)), nil)
	tests := []struct {
		path string
		code int
		want string
	}{
		{"/foi/spending?from-day=31&from-month=2&from-year=2024", 400, "must be a real date"},
		{"/foi/spending?from-day=1&from-month=2", 400, "must include a day, month and year"},
		{"/foi/spending?from=2024-02-30", 400, "must be a real date"},
		{"/foi/spending?from=2024-05-01&to=2024-04-01", 400, "same as or after the start date"},
		{"/foi/spending?page=99999999", 400, "Page must be a number between 1 and"},
		{"/foi/spending?page=-1", 400, "Page must be"},
		{"/foi/spending?page=400", 200, "There are no payments on page 400"},
		{"/foi/spending?sort=rowid", 400, "Choose a column to sort by"},
		{"/foi/contracts?sort=department", 400, "Choose a column to sort by"},
		{"/foi/spending?order=sideways", 400, "Order must be asc or desc"},
		{"/foi/spending?min=lots", 400, "must be an amount in pounds"},
		{"/foi/spending?min=500&max=100", 400, "same as or more than the smallest"},
		{"/foi/spending?month=2024-13", 400, "Month must be"},
		{"/foi/spending?format=xml", 400, "Format must be csv or html"},
		{"/foi/spending?format=csv&page=99999999", 400, "Page must be"},
		{"/foi/spending?supplier=" + strings.Repeat("x", 300), 400, "characters or fewer"},
		{"/foi/spending/totals?by=rowid", 400, "Choose totals by supplier, department or month"},
		{"/foi/spending/totals", 400, "Choose totals by"},
		{"/foi/records/spending/nope.csv%23row-1", 404, "Page not found"},
		{"/foi/records/no-key", 404, "Page not found"},
	}
	for _, tt := range tests {
		t.Run(tt.path[:min(len(tt.path), 60)], func(t *testing.T) {
			code, _, body := get(t, srv, tt.path)
			if code != tt.code {
				t.Errorf("status %d, want %d", code, tt.code)
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("page does not say %q", tt.want)
			}
			if code == 400 && !strings.Contains(body, "<title>Error: ") {
				t.Errorf("400 page title does not start with Error:")
			}
		})
	}
}

func TestBudgetsPage(t *testing.T) {
	budgets := func(context.Context) ([]ledger.BudgetDocument, error) {
		return []ledger.BudgetDocument{{ID: "budget/b.pdf", Title: "Budget <b>book</b>", URL: "https://x.example/b.pdf",
			Pages: []ledger.BudgetPage{{Number: 1, Heading: "Summary"}, {Number: 2, Heading: "Capital"}}}}, nil
	}
	srv := MustServer(t, hostileStore(t), budgets)
	code, _, body := get(t, srv, "/foi/budgets")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{`href="https://x.example/b.pdf"`, `href="https://x.example/b.pdf#page=2"`, "Budget &lt;b&gt;book&lt;/b&gt;", "2 pages"} {
		if !strings.Contains(body, want) {
			t.Errorf("budgets page lacks %q", want)
		}
	}
}

func TestMoney(t *testing.T) {
	for p, want := range map[int64]string{0: "£0.00", 5: "£0.05", 123456789: "£1,234,567.89", -1840250: "-£18,402.50", 100000: "£1,000.00"} {
		if got := money(p); got != want {
			t.Errorf("money(%d) = %q, want %q", p, got, want)
		}
	}
	for in, want := range map[string]int64{"500": 50000, "1,250.5": 125050, "£3.07": 307, "-20": -2000, ".5": 50} {
		if got, ok, msg := parsePounds(in); !ok || msg != "" || got != want {
			t.Errorf("parsePounds(%q) = %d %v %q, want %d", in, got, ok, msg, want)
		}
	}
	for _, in := range []string{"1.234", "abc", "1e5", "99999999999999999"} {
		if _, _, msg := parsePounds(in); msg == "" {
			t.Errorf("parsePounds(%q) accepted", in)
		}
	}
}
