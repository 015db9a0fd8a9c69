package ledger_test

import (
	"context"
	"errors"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi/ledger"
)

// countingStore counts the calls that reach the store underneath.
type countingStore struct {
	ledger.Store
	calls int
	fail  error
}

func (s *countingStore) SumRows(ctx context.Context, f ledger.Filter, by ledger.Group) ([]ledger.Total, error) {
	s.calls++
	if s.fail != nil {
		return nil, s.fail
	}
	return s.Store.SumRows(ctx, f, by)
}

func (s *countingStore) FindRows(ctx context.Context, f ledger.Filter) ([]ledger.Row, int, error) {
	s.calls++
	return s.Store.FindRows(ctx, f)
}

func TestCache(t *testing.T) {
	under := &countingStore{Store: MustDemoStore(t)}
	c := &ledger.Cache{Store: under}
	ctx := context.Background()
	f := ledger.Filter{Kind: corpus.KindSpending, Department: "housing"}
	want, err := under.Store.SumRows(ctx, f, ledger.GroupSupplier)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		got, err := c.SumRows(ctx, f, ledger.GroupSupplier)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || got[0] != want[0] {
			t.Fatalf("cached totals differ: got %d, want %d", len(got), len(want))
		}
	}
	if under.calls != 1 {
		t.Errorf("store asked %d times for one total, want 1", under.calls)
	}
	// Paging does not change totals, so it shares the answer.
	g := f
	g.Offset, g.Sort = 25, ledger.SortAmount
	if _, err := c.SumRows(ctx, g, ledger.GroupSupplier); err != nil || under.calls != 1 {
		t.Errorf("a later page's totals asked the store again (%d calls, err %v)", under.calls, err)
	}
	// Another filter or page of rows is another answer.
	if _, _, err := c.FindRows(ctx, f); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.FindRows(ctx, g); err != nil {
		t.Fatal(err)
	}
	if under.calls != 3 {
		t.Errorf("calls = %d, want 3", under.calls)
	}
	// Errors are not kept.
	under.fail = context.Canceled
	h := ledger.Filter{Kind: corpus.KindSpending, Supplier: "x"}
	if _, err := c.SumRows(ctx, h, ledger.GroupNone); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	under.fail = nil
	if _, err := c.SumRows(ctx, h, ledger.GroupNone); err != nil {
		t.Errorf("a failed answer was kept: %v", err)
	}
	c.Reset()
	before := under.calls
	if _, err := c.SumRows(ctx, f, ledger.GroupSupplier); err != nil || under.calls != before+1 {
		t.Errorf("Reset kept answers (calls %d, want %d)", under.calls, before+1)
	}
}
