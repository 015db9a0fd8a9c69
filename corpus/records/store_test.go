package records_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/corpus/tabular"
)

const (
	spendingID  = "spending/westmarsh-2019.csv"
	contractsID = "contracts/register.csv"
	council     = "Westmarsh District Council"
)

// MustOpenStore opens a store in a temporary folder, closed at cleanup.
func MustOpenStore(tb testing.TB) (*records.Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "records.db")
	s, err := records.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, path
}

// loadFixture parses testdata/name with the CSV loader, as ingestion would.
func loadFixture(tb testing.TB, name, id string, kind corpus.Kind) []corpus.Document {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	docs, err := tabular.Load(context.Background(), corpus.File{ID: id, Data: data, Source: corpus.Source{Kind: kind},
		Council: council, BaseURL: "https://www.westmarsh.example/"})
	if err != nil {
		tb.Fatal(err)
	}
	for i := range docs { // as corpus.Ingest fills them
		if docs[i].URL == "" {
			docs[i].URL = corpus.URLFor("https://www.westmarsh.example/", id)
		}
		if docs[i].Council == "" {
			docs[i].Council = council
		}
	}
	return docs
}

// MustFillStore opens a store holding the spending and contract fixtures.
func MustFillStore(tb testing.TB) (*records.Store, string) {
	tb.Helper()
	s, path := MustOpenStore(tb)
	ctx := context.Background()
	if err := s.PutFile(ctx, spendingID, "h1", loadFixture(tb, "spending.csv", spendingID, corpus.KindSpending)); err != nil {
		tb.Fatal(err)
	}
	if err := s.PutFile(ctx, contractsID, "h2", loadFixture(tb, "contracts.csv", contractsID, corpus.KindContracts)); err != nil {
		tb.Fatal(err)
	}
	return s, path
}

func ids(docs []corpus.Document) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

func month(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Ford and Slater Ltd.", "FORD SLATER"},
		{"FORD & SLATER LIMITED", "FORD SLATER"},
		{"Faun Zoeller (UK) Limited", "FAUN ZOELLER UK"},
		{"O&#039;Callaghan Ltd", "OCALLAGHAN"},
		{"O’Callaghan  plc", "OCALLAGHAN"},
		{"The Wildlife Trust", "WILDLIFE TRUST"},
		{"The", "THE"},
		{"  ", ""},
		{"Smith & Sons (Bletchington)LTD", "SMITH SONS BLETCHINGTON"},
	} {
		if got := records.Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFindRecords(t *testing.T) {
	s, _ := MustFillStore(t)
	ctx := context.Background()
	quillon := []string{"QUILLON FACTORING NORTHWEST"}
	for _, tc := range []struct {
		name  string
		f     assistant.RecordFilter
		want  []string
		total int
	}{
		{"supplier in September, month boundaries excluded",
			assistant.RecordFilter{Kind: corpus.KindSpending, Suppliers: quillon, From: month(2019, 9), To: month(2019, 10), Order: assistant.OrderAmount},
			[]string{spendingID + "#row-4", spendingID + "#row-3", spendingID + "#row-2"}, 3},
		{"newest first, limited",
			assistant.RecordFilter{Suppliers: quillon, Limit: 2},
			[]string{spendingID + "#row-5", spendingID + "#row-4"}, 5},
		{"from only",
			assistant.RecordFilter{Suppliers: quillon, From: month(2019, 10)},
			[]string{spendingID + "#row-5"}, 1},
		{"largest payment",
			assistant.RecordFilter{Kind: corpus.KindSpending, Order: assistant.OrderAmount, Limit: 1},
			[]string{spendingID + "#row-14"}, 14},
		{"amount bounds",
			assistant.RecordFilter{Kind: corpus.KindSpending, MinPence: 1, MaxPence: 100_00, Order: assistant.OrderAmount},
			[]string{spendingID + "#row-5", spendingID + "#row-3", spendingID + "#row-2"}, 3},
		{"council",
			assistant.RecordFilter{Councils: []string{"Elsewhere Council"}},
			nil, 0},
		{"department substring",
			assistant.RecordFilter{Department: "leis", Kind: corpus.KindSpending},
			[]string{spendingID + "#row-13", spendingID + "#row-12"}, 2},
		{"status",
			assistant.RecordFilter{Status: "OPEN"},
			[]string{contractsID + "#row-5"}, 1},
		{"all words, stemmed",
			assistant.RecordFilter{Kind: corpus.KindContracts, Text: "skip wagons"},
			[]string{contractsID + "#row-1"}, 1},
		{"any word, best first",
			assistant.RecordFilter{Kind: corpus.KindContracts, Text: "refuse collection vehicles", AnyText: true, Order: assistant.OrderRelevance, Limit: 2},
			[]string{contractsID + "#row-3", contractsID + "#row-2"}, 2},
		{"query syntax is data",
			assistant.RecordFilter{Text: `(skip* "wagon^`},
			[]string{contractsID + "#row-1"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, total, err := s.FindRecords(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, ids(docs)); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if total != tc.total {
				t.Errorf("total: got %d, want %d", total, tc.total)
			}
		})
	}
}

func TestFindRecordsFields(t *testing.T) {
	s, _ := MustFillStore(t)
	docs, _, err := s.FindRecords(context.Background(), assistant.RecordFilter{Kind: corpus.KindContracts, Text: "leisure"})
	if err != nil || len(docs) != 1 {
		t.Fatalf("got %d docs, %v; want 1", len(docs), err)
	}
	d := docs[0]
	want := corpus.Record{Supplier: "Kestrel Leisure Trust", AmountPence: 5_400_000_00, Date: time.Date(2021, 4, 1, 0, 0, 0, 0, time.UTC),
		EndDate: time.Date(2031, 3, 31, 0, 0, 0, 0, time.UTC), Department: "Leisure", Reference: "WM-C-004", Status: "Awarded"}
	if diff := cmp.Diff(want, *d.Record); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	if d.Kind != corpus.KindContracts || d.Title != "Leisure centre management" || d.Council != council || d.URL == "" || !d.Date.Equal(want.Date) {
		t.Errorf("got kind %q title %q council %q url %q date %v", d.Kind, d.Title, d.Council, d.URL, d.Date)
	}
}

func TestSumRecords(t *testing.T) {
	s, _ := MustFillStore(t)
	ctx := context.Background()
	sept := assistant.RecordFilter{Kind: corpus.KindSpending, From: month(2019, 9), To: month(2019, 10)}
	quillon := sept
	quillon.Suppliers = []string{"QUILLON FACTORING NORTHWEST"}
	day := func(d int) time.Time { return time.Date(2019, 9, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name string
		f    assistant.RecordFilter
		by   assistant.RecordGroup
		want []assistant.RecordTotal
	}{
		// £0.10 + £0.20 + £2,500.33: exact in pence, where float64 would
		// give 2500.6299999999997.
		{"pence exact", quillon, assistant.GroupNone,
			[]assistant.RecordTotal{{Rows: 3, Pence: 2500_63, First: day(1), Last: day(30)}}},
		{"nothing matches", assistant.RecordFilter{Councils: []string{"Nowhere"}}, assistant.GroupNone,
			[]assistant.RecordTotal{{}}},
		{"by month, credit included", assistant.RecordFilter{Suppliers: []string{"KESTREL LEISURE TRUST"}, Kind: corpus.KindSpending}, assistant.GroupMonth,
			[]assistant.RecordTotal{
				{Key: "2019-09", Name: "2019-09", Rows: 1, Pence: 103_000_00, First: day(5), Last: day(5)},
				{Key: "2019-10", Name: "2019-10", Rows: 1, Pence: -500_00, First: day(5).AddDate(0, 1, 0), Last: day(5).AddDate(0, 1, 0)},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.SumRecords(ctx, tc.f, tc.by)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("totals (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("by supplier", func(t *testing.T) {
		got, err := s.SumRecords(ctx, sept, assistant.GroupSupplier)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 2 || got[0].Key != "PELLHAM DIXONBY CONSTRUCTION" || got[0].Name != "Pellham Dixonby Construction Ltd" {
			t.Fatalf("got %+v, want Pellham Dixonby first", got)
		}
		var quillon assistant.RecordTotal
		for _, g := range got {
			if g.Key == "QUILLON FACTORING NORTHWEST" {
				quillon = g
			}
		}
		// Two spellings, one supplier, shown as the commoner spelling.
		if quillon.Rows != 3 || quillon.Name != "Quillon Factoring Northwest Ltd" {
			t.Errorf("got %+v, want 3 rows named Quillon Factoring Northwest Ltd", quillon)
		}
	})

	t.Run("unknown group", func(t *testing.T) {
		if _, err := s.SumRecords(ctx, sept, "colour"); !errors.Is(err, assistant.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
}

func TestFindSuppliers(t *testing.T) {
	s, _ := MustFillStore(t)
	type match struct {
		Norm string
		How  assistant.MatchKind
	}
	for _, tc := range []struct {
		name  string
		q     assistant.SupplierQuery
		want  []match
		score float64 // of the first match, when non-zero
	}{
		{"exact", assistant.SupplierQuery{Name: "quillon factoring northwest limited"},
			[]match{{"QUILLON FACTORING NORTHWEST", assistant.MatchExact}}, 1},
		{"prefix", assistant.SupplierQuery{Name: "Quillon Factoring"},
			[]match{{"QUILLON FACTORING NORTHWEST", assistant.MatchPrefix}}, 0},
		{"family, most rows first", assistant.SupplierQuery{Name: "Greenhythe"},
			[]match{{"GREENHYTHE ENVIRONMENTAL SERVICES", assistant.MatchPrefix}, {"GREENHYTHE LANDSCAPES", assistant.MatchPrefix}}, 0},
		{"prefix before contained", assistant.SupplierQuery{Name: "Tarrant"},
			[]match{{"TARRANT BROTHERS ROOFING", assistant.MatchPrefix}, {"J TARRANT SONS", assistant.MatchContains}}, 0},
		{"misspelt, not fuzzy", assistant.SupplierQuery{Name: "Pelham Dixonby"}, nil, 0},
		{"misspelt, fuzzy", assistant.SupplierQuery{Name: "Pelham Dixonby", Fuzzy: true},
			[]match{{"PELLHAM DIXONBY CONSTRUCTION", assistant.MatchFuzzy}}, 0},
		{"name said with more words", assistant.SupplierQuery{Name: "Kestrel Leisure Trust invoices", Fuzzy: true},
			[]match{{"KESTREL LEISURE TRUST", assistant.MatchFuzzy}}, 0.5},
		{"unknown", assistant.SupplierQuery{Name: "Nobody Such Ltd", Fuzzy: true}, nil, 0},
		{"empty", assistant.SupplierQuery{Name: "Ltd"}, nil, 0},
		{"limit", assistant.SupplierQuery{Name: "Greenhythe", Limit: 1},
			[]match{{"GREENHYTHE ENVIRONMENTAL SERVICES", assistant.MatchPrefix}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := s.FindSuppliers(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []match
			for _, m := range ms {
				got = append(got, match{m.Norm, m.How})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("matches (-want +got):\n%s", diff)
			}
			if tc.score != 0 && len(ms) > 0 && ms[0].Score != tc.score {
				t.Errorf("score: got %v, want %v", ms[0].Score, tc.score)
			}
		})
	}
}

func TestCouncils(t *testing.T) {
	s, _ := MustFillStore(t)
	got, err := s.Councils(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{council}, got); diff != "" {
		t.Errorf("councils (-want +got):\n%s", diff)
	}
}

// TestPutFileReplaces checks that re-ingesting a file drops the rows it no
// longer has, from the table, the text index and the supplier list.
func TestPutFileReplaces(t *testing.T) {
	s, _ := MustFillStore(t)
	ctx := context.Background()
	docs := loadFixture(t, "contracts.csv", contractsID, corpus.KindContracts)
	if err := s.PutFile(ctx, contractsID, "h3", docs[1:]); err != nil { // the skip wagon contract is gone
		t.Fatal(err)
	}
	if got, n, err := s.FindRecords(ctx, assistant.RecordFilter{Text: "skip wagon"}); err != nil || n != 0 {
		t.Errorf("text search after re-put: got %v (%d), %v; want none", ids(got), n, err)
	}
	if ms, _ := s.FindSuppliers(ctx, assistant.SupplierQuery{Name: "Ferrand Slate"}); len(ms) != 0 {
		t.Errorf("supplier of a removed row still found: %+v", ms)
	}
	if _, n, _ := s.FindRecords(ctx, assistant.RecordFilter{Kind: corpus.KindContracts}); n != 4 {
		t.Errorf("contracts after re-put: got %d, want 4", n)
	}
	hashes, err := s.FileHashes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{spendingID: "h1", contractsID: "h3"}, hashes); diff != "" {
		t.Errorf("hashes (-want +got):\n%s", diff)
	}
}

func TestDeleteFiles(t *testing.T) {
	s, _ := MustFillStore(t)
	ctx := context.Background()
	if err := s.DeleteFiles(ctx, []string{spendingID, "never/ingested.csv"}); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := s.FindRecords(ctx, assistant.RecordFilter{Kind: corpus.KindSpending}); n != 0 {
		t.Errorf("spending rows after delete: got %d, want 0", n)
	}
	if _, n, _ := s.FindRecords(ctx, assistant.RecordFilter{Text: "factoring"}); n != 0 {
		t.Errorf("text matches after delete: got %d, want 0", n)
	}
	if _, n, _ := s.FindRecords(ctx, assistant.RecordFilter{Kind: corpus.KindContracts}); n != 5 {
		t.Errorf("contracts after deleting spending: got %d, want 5", n)
	}
	hashes, _ := s.FileHashes(ctx)
	if diff := cmp.Diff(map[string]string{contractsID: "h2"}, hashes); diff != "" {
		t.Errorf("hashes (-want +got):\n%s", diff)
	}
}

func TestPutFileKeepsHashOfFileWithoutRecords(t *testing.T) {
	s, _ := MustOpenStore(t)
	ctx := context.Background()
	page := []corpus.Document{{ID: "pages/bins.html", Kind: corpus.KindPage, Title: "Bins"}}
	if err := s.PutFile(ctx, "pages/bins.html", "hp", page); err != nil {
		t.Fatal(err)
	}
	hashes, _ := s.FileHashes(ctx)
	if hashes["pages/bins.html"] != "hp" {
		t.Errorf("got hashes %v, want pages/bins.html at hp", hashes)
	}
	if _, n, _ := s.FindRecords(ctx, assistant.RecordFilter{}); n != 0 {
		t.Errorf("got %d records from a page, want 0", n)
	}
}

func TestPutFileRejectsDocumentOutsideFile(t *testing.T) {
	s, _ := MustOpenStore(t)
	docs := []corpus.Document{{ID: "other.csv#row-1", Record: &corpus.Record{Supplier: "X"}}}
	err := s.PutFile(context.Background(), "mine.csv", "h", docs)
	if !errors.Is(err, corpus.ErrInvalid) {
		t.Errorf("got %v, want ErrInvalid", err)
	}
	if hashes, _ := s.FileHashes(context.Background()); len(hashes) != 0 {
		t.Errorf("a failed put left hashes %v", hashes)
	}
}

func TestReopen(t *testing.T) {
	s, path := MustFillStore(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FileHashes(context.Background()); !errors.Is(err, records.ErrClosed) {
		t.Errorf("use after close: got %v, want ErrClosed", err)
	}
	s2, err := records.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.SumRecords(context.Background(), assistant.RecordFilter{Kind: corpus.KindSpending}, assistant.GroupNone)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Rows != 14 || got[0].Pence != 436_006_27 {
		t.Errorf("after reopen: got %d rows, %d pence; want 14, 43600627", got[0].Rows, got[0].Pence)
	}
	if ms, _ := s2.FindSuppliers(context.Background(), assistant.SupplierQuery{Name: "Kestrel Leisure Trust"}); len(ms) != 1 {
		t.Errorf("suppliers after reopen: got %+v, want Kestrel Leisure Trust", ms)
	}
}

// TestOpenRebuildsOtherVersion checks that an index written by another
// schema version is emptied, so the next ingest refills it.
func TestOpenRebuildsOtherVersion(t *testing.T) {
	s, path := MustFillStore(t)
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s2, err := records.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if hashes, _ := s2.FileHashes(context.Background()); len(hashes) != 0 {
		t.Errorf("got hashes %v after a version change, want none", hashes)
	}
}

// memorySink is a retrieval index stand-in that records what it is given.
type memorySink struct {
	hashes map[string]string
	puts   []string
}

func (m *memorySink) FileHashes(context.Context) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range m.hashes {
		out[k] = v
	}
	return out, nil
}

func (m *memorySink) PutFile(_ context.Context, id, hash string, _ []corpus.Document) error {
	m.hashes[id] = hash
	m.puts = append(m.puts, id)
	return nil
}

func (m *memorySink) DeleteFiles(_ context.Context, ids []string) error {
	for _, id := range ids {
		delete(m.hashes, id)
	}
	return nil
}

// TestTee ingests through Tee: a record index added beside an existing
// retrieval index is filled without re-indexing the unchanged files, new
// files go to both, and removed files leave both.
func TestTee(t *testing.T) {
	s, _ := MustOpenStore(t)
	ctx := context.Background()
	csv := func(rows string) []byte { return []byte("Supplier,Amount,Payment Date\n" + rows) }
	content := map[string][]byte{
		"a.csv": csv("Acme Ltd,10.00,01/02/2020\n"),
		"b.csv": csv("Bolt Ltd,20.00,01/03/2020\n"),
	}
	files := func(names ...string) []corpus.SourceFile {
		var out []corpus.SourceFile
		for _, n := range names {
			data := content[n]
			out = append(out, corpus.SourceFile{ID: n, Source: corpus.Source{Kind: corpus.KindSpending, Format: "csv"}, Council: council,
				Read: func() ([]byte, error) { return data, nil }})
		}
		return out
	}
	opt := corpus.IngestOptions{Loaders: corpus.Loaders{"csv": tabular.Load}, Workers: 1}

	// The retrieval index already holds a.csv, at its current hash.
	primary := &memorySink{hashes: map[string]string{}}
	if _, err := corpus.Ingest(ctx, files("a.csv"), primary, opt); err != nil {
		t.Fatal(err)
	}
	primary.puts = nil

	sum, err := corpus.Ingest(ctx, files("a.csv", "b.csv"), records.Tee(primary, s), opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ingested != 2 {
		t.Errorf("ingested %d files, want 2", sum.Ingested)
	}
	if diff := cmp.Diff([]string{"b.csv"}, primary.puts); diff != "" {
		t.Errorf("files put to the retrieval index (-want +got):\n%s", diff)
	}
	if _, n, _ := s.FindRecords(ctx, assistant.RecordFilter{}); n != 2 {
		t.Errorf("records: got %d, want 2", n)
	}

	// Unchanged: nothing is read again.
	primary.puts = nil
	sum, err = corpus.Ingest(ctx, files("a.csv", "b.csv"), records.Tee(primary, s), opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Unchanged != 2 || len(primary.puts) != 0 {
		t.Errorf("second ingest: %d unchanged, puts %v; want 2 unchanged, no puts", sum.Unchanged, primary.puts)
	}

	// a.csv is removed from the corpus.
	sum, err = corpus.Ingest(ctx, files("b.csv"), records.Tee(primary, s), opt)
	if err != nil {
		t.Fatal(err)
	}
	hashes, _ := s.FileHashes(ctx)
	var left []string
	for id := range hashes {
		left = append(left, id)
	}
	sort.Strings(left)
	if sum.Deleted != 1 || primary.hashes["a.csv"] != "" || !cmp.Equal([]string{"b.csv"}, left) {
		t.Errorf("after removal: deleted %d, primary %v, records files %v", sum.Deleted, primary.hashes, left)
	}
}

// TestConcurrentReadsAndWrites queries while files are put and deleted;
// run with -race.
func TestConcurrentReadsAndWrites(t *testing.T) {
	s, _ := MustFillStore(t)
	if err := s.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	docs := loadFixture(t, "spending.csv", spendingID, corpus.KindSpending)
	done := make(chan error)
	go func() {
		for i := 0; i < 20; i++ {
			if err := s.PutFile(ctx, spendingID, "h", docs[:1+i%len(docs)]); err != nil {
				done <- err
				return
			}
		}
		done <- s.DeleteFiles(ctx, []string{spendingID})
	}()
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
			if _, err := s.FindSuppliers(ctx, assistant.SupplierQuery{Name: "Quillon", Fuzzy: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Councils(ctx); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.FindRecords(ctx, assistant.RecordFilter{Text: "factoring"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// After the last write, the lists reflect it: no stale list was kept.
	if ms, _ := s.FindSuppliers(ctx, assistant.SupplierQuery{Name: "Quillon Factoring"}); len(ms) != 0 {
		t.Errorf("supplier list after delete: got %+v, want none", ms)
	}
}
