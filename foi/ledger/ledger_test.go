package ledger_test

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/foi/ledger"
	"github.com/townhall-civic/townhall/foi/ledger/ledgertest"
)

const demoManifest = "../../testdata/demo/demo.yaml"

// MustDemoStore is the demo council's record store.
func MustDemoStore(tb testing.TB) *records.Store {
	tb.Helper()
	return ledgertest.MustDemoStore(tb, demoManifest)
}

// payment is a demo spending row read straight from the CSV, without the
// loader: the independent side of the comparisons below.
type payment struct {
	supplier, department, category, month string
	pence                                 int64
}

// readPayments parses the demo spending CSV by hand.
func readPayments(t *testing.T) []payment {
	t.Helper()
	f, err := os.Open("../../testdata/demo/spending/spending-over-500-2024-25.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	var out []payment
	for _, r := range recs[1:] {
		d := r[col["Payment Date"]] // dd/mm/yyyy
		out = append(out, payment{
			supplier: r[col["Supplier Name"]], department: r[col["Service Area"]], category: r[col["Expenditure Category"]],
			month: d[6:10] + "-" + d[3:5], pence: pence(t, r[col["Amount (£)"]]),
		})
	}
	return out
}

// pence reads "-18,402.50" as -1840250 with string arithmetic only.
func pence(t *testing.T, s string) int64 {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	s = strings.ReplaceAll(strings.TrimPrefix(s, "-"), ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	if neg {
		n = -n
	}
	return n
}

func TestTotalsMatchTheCSV(t *testing.T) {
	st := MustDemoStore(t)
	ctx := context.Background()
	pays := readPayments(t)
	if len(pays) < 300 {
		t.Fatalf("read %d payments from the CSV, want the demo's 396", len(pays))
	}
	want := map[ledger.Group]map[string]int64{ledger.GroupSupplier: {}, ledger.GroupDepartment: {}, ledger.GroupMonth: {}}
	wantRows := map[ledger.Group]map[string]int{ledger.GroupSupplier: {}, ledger.GroupDepartment: {}, ledger.GroupMonth: {}}
	var all int64
	for _, p := range pays {
		// Suppliers group on the normalised name; the demo spells each
		// supplier one way, so the name as written is the group.
		for by, key := range map[ledger.Group]string{ledger.GroupSupplier: p.supplier, ledger.GroupDepartment: p.department, ledger.GroupMonth: p.month} {
			want[by][key] += p.pence
			wantRows[by][key]++
		}
		all += p.pence
	}
	f := ledger.Filter{Kind: corpus.KindSpending}
	tot, err := st.SumRows(ctx, f, ledger.GroupNone)
	if err != nil {
		t.Fatal(err)
	}
	if len(tot) != 1 || tot[0].Pence != all || tot[0].Rows != len(pays) {
		t.Fatalf("overall total = %+v, want %d rows, %d pence", tot, len(pays), all)
	}
	for _, by := range ledger.Groups {
		t.Run(string(by), func(t *testing.T) {
			ts, err := st.SumRows(ctx, f, by)
			if err != nil {
				t.Fatal(err)
			}
			got, gotRows := map[string]int64{}, map[string]int{}
			for _, x := range ts {
				got[x.Name], gotRows[x.Name] = x.Pence, x.Rows
			}
			if d := cmp.Diff(want[by], got); d != "" {
				t.Errorf("totals by %s (-want +got):\n%s", by, d)
			}
			if d := cmp.Diff(wantRows[by], gotRows); d != "" {
				t.Errorf("row counts by %s (-want +got):\n%s", by, d)
			}
			for i := 1; i < len(ts); i++ {
				ordered := ts[i-1].Pence >= ts[i].Pence
				if by == ledger.GroupMonth {
					ordered = ts[i-1].Key < ts[i].Key
				}
				if !ordered {
					t.Errorf("totals by %s out of order at %d: %+v then %+v", by, i, ts[i-1], ts[i])
				}
			}
		})
	}
}

// TestNarrowListsTheRowsBehindATotal checks the browser's promise: the
// link on every figure lists exactly the rows it adds up.
func TestNarrowListsTheRowsBehindATotal(t *testing.T) {
	st := MustDemoStore(t)
	ctx := context.Background()
	base := []ledger.Filter{
		{Kind: corpus.KindSpending},
		{Kind: corpus.KindSpending, Department: "highways", From: day(2024, 6, 1), To: day(2024, 12, 31)},
		{Kind: corpus.KindContracts},
	}
	for _, f := range base {
		for _, by := range ledger.Groups {
			ts, err := st.SumRows(ctx, f, by)
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) == 0 {
				t.Fatalf("no totals by %s over %+v", by, f)
			}
			for _, tot := range ts {
				n := f.Narrow(by, tot)
				var sum int64
				rows := 0
				if err := st.EachRow(ctx, n, 0, func(r ledger.Row) error { sum += r.AmountPence; rows++; return nil }); err != nil {
					t.Fatal(err)
				}
				if sum != tot.Pence || rows != tot.Rows {
					t.Errorf("%s %q over %+v: rows behind it add to %d in %d rows, want %d in %d", by, tot.Key, f, sum, rows, tot.Pence, tot.Rows)
				}
				_, count, err := st.FindRows(ctx, n)
				if err != nil {
					t.Fatal(err)
				}
				if count != tot.Rows {
					t.Errorf("%s %q: FindRows counts %d, want %d", by, tot.Key, count, tot.Rows)
				}
			}
		}
	}
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestFindRowsFilters(t *testing.T) {
	st := MustDemoStore(t)
	ctx := context.Background()
	pays := readPayments(t)
	count := func(keep func(payment) bool) int {
		n := 0
		for _, p := range pays {
			if keep(p) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name string
		f    ledger.Filter
		want int
	}{
		{"supplier part, any case and suffix", ledger.Filter{Supplier: "vale highways limited"},
			count(func(p payment) bool { return p.supplier == "Vale Highways Ltd" })},
		{"supplier exact", ledger.Filter{Supplier: "VALE HIGHWAYS", Exact: ledger.FieldSet(ledger.FieldSupplier)},
			count(func(p payment) bool { return p.supplier == "Vale Highways Ltd" })},
		{"department part", ledger.Filter{Department: "HOUSING"},
			count(func(p payment) bool { return strings.Contains(strings.ToLower(p.department), "housing") })},
		{"category part", ledger.Filter{Category: "repairs"},
			count(func(p payment) bool { return strings.Contains(strings.ToLower(p.category), "repairs") })},
		{"dates inclusive", ledger.Filter{From: day(2024, 4, 1), To: day(2024, 4, 30)},
			count(func(p payment) bool { return p.month == "2024-04" })},
		{"month", ledger.Filter{Month: "2024-04"}, count(func(p payment) bool { return p.month == "2024-04" })},
		{"refunds", ledger.Filter{HasMax: true, MaxPence: -1}, count(func(p payment) bool { return p.pence < 0 })},
		{"no match", ledger.Filter{Supplier: "no such supplier"}, 0},
		{"script is just text", ledger.Filter{Supplier: "<script>alert(1)</script>", Text: "\" OR 1=1 --"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Kind = corpus.KindSpending
			_, got, err := st.FindRows(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %d rows, want %d", got, tt.want)
			}
		})
	}
}

func TestFindRowsSortsAndPages(t *testing.T) {
	st := MustDemoStore(t)
	ctx := context.Background()
	for _, s := range []ledger.Sort{ledger.SortDate, ledger.SortAmount, ledger.SortSupplier, ledger.SortEnd, ledger.SortTitle} {
		for _, asc := range []bool{false, true} {
			f := ledger.Filter{Kind: corpus.KindContracts, Sort: s, Asc: asc}
			var all []string
			if err := st.EachRow(ctx, f, 0, func(r ledger.Row) error { all = append(all, r.ID); return nil }); err != nil {
				t.Fatal(err)
			}
			var paged []string
			f.Limit = 7
			for f.Offset = 0; ; f.Offset += f.Limit {
				rows, total, err := st.FindRows(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if total != len(all) {
					t.Fatalf("total %d, want %d", total, len(all))
				}
				if len(rows) == 0 {
					break
				}
				for _, r := range rows {
					paged = append(paged, r.ID)
				}
			}
			if d := cmp.Diff(all, paged); d != "" {
				t.Errorf("sort %s asc=%v: pages differ from the stream (-stream +pages):\n%s", s, asc, d)
			}
		}
	}
	rows, _, err := st.FindRows(ctx, ledger.Filter{Kind: corpus.KindContracts, Sort: ledger.SortAmount, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(rows); i++ {
		if rows[i-1].AmountPence < rows[i].AmountPence {
			t.Fatalf("largest first: row %d %d before %d", i, rows[i-1].AmountPence, rows[i].AmountPence)
		}
	}
	// The largest contract, read from the register by hand.
	f, err := os.Open("../../testdata/demo/contracts/contracts-register.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var maxRef string
	var maxPence int64
	for _, r := range recs[1:] {
		if p := pence(t, r[4]); p > maxPence {
			maxRef, maxPence = r[0], p
		}
	}
	if rows[0].Reference != maxRef || rows[0].AmountPence != maxPence {
		t.Errorf("largest contract = %s %d, want %s %d", rows[0].Reference, rows[0].AmountPence, maxRef, maxPence)
	}
	if !strings.Contains(rows[0].URL, "contracts-register.csv") || !strings.Contains(rows[0].ID, "#row-") {
		t.Errorf("row source = %q %q, want the register's URL and a #row- ID", rows[0].URL, rows[0].ID)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		f     ledger.Filter
		field string
	}{
		{"no kind", ledger.Filter{}, "kind"},
		{"end before start", ledger.Filter{Kind: corpus.KindSpending, From: day(2024, 5, 1), To: day(2024, 4, 1)}, "to"},
		{"deep page", ledger.Filter{Kind: corpus.KindSpending, Offset: ledger.MaxOffset + 1}, "page"},
		{"big page", ledger.Filter{Kind: corpus.KindSpending, Limit: ledger.MaxLimit + 1}, "limit"},
		{"bad month", ledger.Filter{Kind: corpus.KindSpending, Month: "2024-13"}, "month"},
		{"bad sort", ledger.Filter{Kind: corpus.KindSpending, Sort: "rowid; DROP TABLE records"}, "sort"},
		{"long text", ledger.Filter{Kind: corpus.KindSpending, Supplier: strings.Repeat("x", ledger.MaxText+1)}, "supplier"},
		{"max below min", ledger.Filter{Kind: corpus.KindSpending, HasMin: true, MinPence: 500, HasMax: true, MaxPence: 100}, "max"},
	}
	st := MustDemoStore(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.Validate()
			var fes ledger.FieldErrors
			if !errors.As(err, &fes) || !errors.Is(err, ledger.ErrInvalid) {
				t.Fatalf("Validate() = %v, want FieldErrors wrapping ErrInvalid", err)
			}
			if fes[0].Field != tt.field {
				t.Errorf("field = %q, want %q", fes[0].Field, tt.field)
			}
			if _, _, err := st.FindRows(context.Background(), tt.f); !errors.Is(err, ledger.ErrInvalid) {
				t.Errorf("FindRows error = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestChoices(t *testing.T) {
	st := MustDemoStore(t)
	cs, err := st.Choices(context.Background(), corpus.KindContracts, ledger.FieldStatus, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) == 0 || cs[0].Value != "Active" {
		t.Errorf("statuses = %+v, want Active first", cs)
	}
}
