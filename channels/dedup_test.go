package channels_test

import (
	"context"
	"errors"
	"testing"

	"github.com/townhall-civic/townhall/channels"
)

// committingDeduper records Commit and Forget calls over a MemDeduper.
type committingDeduper struct {
	*channels.MemDeduper
	committed, forgotten []string
}

func (d *committingDeduper) Commit(_ context.Context, key string) error {
	d.committed = append(d.committed, key)
	return nil
}

func (d *committingDeduper) Forget(ctx context.Context, key string) error {
	d.forgotten = append(d.forgotten, key)
	return d.MemDeduper.Forget(ctx, key)
}

func TestOnce(t *testing.T) {
	ctx := context.Background()
	d := &committingDeduper{MemDeduper: channels.NewMemDeduper(10)}
	calls := 0
	fn := func() error { calls++; return nil }
	for i, want := range []bool{true, false} {
		ran, err := channels.Once(ctx, d, "k1", fn)
		if err != nil || ran != want {
			t.Errorf("call %d: ran %v, err %v; want ran %v", i, ran, err, want)
		}
	}
	if calls != 1 || len(d.committed) != 1 || d.committed[0] != "k1" {
		t.Errorf("fn ran %d times, committed %q; want once, [k1]", calls, d.committed)
	}
	boom := errors.New("store down")
	if ran, err := channels.Once(ctx, d, "k2", func() error { return boom }); !ran || !errors.Is(err, boom) {
		t.Errorf("failing fn: ran %v, err %v", ran, err)
	}
	if len(d.forgotten) != 1 || len(d.committed) != 1 {
		t.Errorf("after a failure: forgotten %q, committed %q; want k2 forgotten, nothing more committed", d.forgotten, d.committed)
	}
	// The provider's retry is handled.
	if ran, err := channels.Once(ctx, d, "k2", fn); !ran || err != nil {
		t.Errorf("retry after failure: ran %v, err %v; want it handled", ran, err)
	}
}
