package records_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/foi/ledger"
	"github.com/townhall-civic/townhall/foi/ledger/ledgertest"
)

// TestLedgerMatchesSQL checks that the in-memory Ledger answers every
// query exactly as the Store's SQL does, over the demo council and the
// fixtures: rows and order of every page, counts, totals and choices.
func TestLedgerMatchesSQL(t *testing.T) {
	demo := ledgertest.MustDemoStore(t, "../../testdata/demo/demo.yaml")
	fixtures, _ := MustFillStore(t)
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	var filters []ledger.Filter
	for _, kind := range []corpus.Kind{corpus.KindSpending, corpus.KindContracts} {
		for _, f := range []ledger.Filter{
			{},
			{Supplier: "vale highways limited"},
			{Supplier: "VALE HIGHWAYS", Exact: ledger.FieldSet(ledger.FieldSupplier)},
			{Supplier: "ltd"},
			{Department: "HOUSING"},
			{Department: ledger.NotRecorded, Exact: ledger.FieldSet(ledger.FieldDepartment)},
			{Department: "Adult Social Care", Exact: ledger.FieldSet(ledger.FieldDepartment)},
			{Category: "repairs", From: day(2024, 6, 1), To: day(2024, 12, 31)},
			{Status: "active"},
			{Council: "thornbury"},
			{Text: "repairs maintenance"},
			{Text: "contract"},
			{Month: "2024-11"},
			{Month: ledger.NotRecorded},
			{HasMin: true, MinPence: 1_000_000, HasMax: true, MaxPence: 5_000_000},
			{HasMax: true, MaxPence: -1},
			{ID: "spending/spending-over-500-2024-25.csv#row-3"},
			{Supplier: "<script>", Text: "\" OR 1=1"},
		} {
			f.Kind = kind
			filters = append(filters, f)
		}
	}
	ctx := context.Background()
	for name, st := range map[string]*records.Store{"demo": demo, "fixtures": fixtures} {
		mem := records.NewLedger(st)
		for _, f := range filters {
			for _, by := range []ledger.Group{ledger.GroupNone, ledger.GroupSupplier, ledger.GroupDepartment, ledger.GroupMonth} {
				want, err1 := st.SumRows(ctx, f, by)
				got, err2 := mem.SumRows(ctx, f, by)
				if err1 != nil || err2 != nil {
					t.Fatalf("%s: %v %v", name, err1, err2)
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s SumRows %s %+v (-sql +memory):\n%s", name, by, f, d)
				}
			}
			for _, s := range ledger.Sorts {
				for _, asc := range []bool{false, true} {
					g := f
					g.Sort, g.Asc, g.Limit, g.Offset = s, asc, 9, 4
					wantRows, wantN, err1 := st.FindRows(ctx, g)
					gotRows, gotN, err2 := mem.FindRows(ctx, g)
					if err1 != nil || err2 != nil {
						t.Fatalf("%s: %v %v", name, err1, err2)
					}
					if wantN != gotN {
						t.Errorf("%s FindRows %+v: count %d, want %d", name, g, gotN, wantN)
					}
					if d := cmp.Diff(wantRows, gotRows); d != "" {
						t.Errorf("%s FindRows %+v (-sql +memory):\n%s", name, g, d)
					}
				}
			}
			var want, got []string
			st.EachRow(ctx, f, 50, func(r ledger.Row) error { want = append(want, r.ID); return nil })
			mem.EachRow(ctx, f, 50, func(r ledger.Row) error { got = append(got, r.ID); return nil })
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s EachRow %+v (-sql +memory):\n%s", name, f, d)
			}
		}
		for _, field := range ledger.Fields {
			for _, kind := range []corpus.Kind{corpus.KindSpending, corpus.KindContracts} {
				want, _ := st.Choices(ctx, kind, field, 5)
				got, _ := mem.Choices(ctx, kind, field, 5)
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s Choices %s %d (-sql +memory):\n%s", name, kind, field, d)
				}
			}
		}
	}
}

// TestLedgerFollowsWrites checks that a write to the store is seen.
func TestLedgerFollowsWrites(t *testing.T) {
	st, _ := MustFillStore(t)
	mem := records.NewLedger(st)
	ctx := context.Background()
	f := ledger.Filter{Kind: corpus.KindSpending}
	before, err := mem.SumRows(ctx, f, ledger.GroupNone)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteFiles(ctx, []string{"spending/westmarsh-2019.csv"}); err != nil {
		t.Fatal(err)
	}
	after, err := mem.SumRows(ctx, f, ledger.GroupNone)
	if err != nil {
		t.Fatal(err)
	}
	if before[0].Rows == 0 || after[0].Rows != 0 {
		t.Errorf("rows before and after deleting the spending file: %d, %d; want some, then 0", before[0].Rows, after[0].Rows)
	}
}
