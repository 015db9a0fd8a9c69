package assistant_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/records"
)

const (
	recWestmarsh = "Westmarsh District Council"
	recEastcombe = "Eastcombe Borough Council"
)

// payment is one row of the spending fixture.
type recPayment struct {
	supplier string
	date     string // 2006-01-02
	pence    int64
}

// recordDocs turns fixture rows into the documents the CSV loader would
// give: "file#row-N", Record filled.
func recDocs(file, council string, kind corpus.Kind, rows []corpus.Record, titles []string) []corpus.Document {
	var docs []corpus.Document
	for i, r := range rows {
		r := r
		title := fmt.Sprintf("Payment to %s", r.Supplier)
		if titles != nil {
			title = titles[i]
		}
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("%s#row-%d", file, i+1), Kind: kind, Title: title,
			URL: "https://www.westmarsh.example/" + file, Council: council, Date: r.Date, Record: &r})
	}
	return docs
}

func recPayments(ps ...recPayment) []corpus.Record {
	var out []corpus.Record
	for _, p := range ps {
		d, err := time.Parse(time.DateOnly, p.date)
		if err != nil {
			panic(err)
		}
		out = append(out, corpus.Record{Supplier: p.supplier, Date: d, AmountPence: p.pence, Department: "Services"})
	}
	return out
}

// MustOpenRecords opens a record store holding two councils' payments and
// one contracts register, all invented.
func MustOpenRecords(tb testing.TB) *records.Store {
	tb.Helper()
	ctx := context.Background()
	s, err := records.Open(ctx, filepath.Join(tb.TempDir(), "records.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	west := recPayments(
		recPayment{"Quillon Factoring Northwest Ltd", "2019-08-31", 1000_10},
		recPayment{"QUILLON FACTORING NORTHWEST LIMITED", "2019-09-01", 10},
		recPayment{"Quillon Factoring Northwest Ltd", "2019-09-15", 20},
		recPayment{"Quillon Factoring Northwest Ltd", "2019-09-30", 2500_33},
		recPayment{"Quillon Factoring Northwest Ltd", "2019-10-01", 99_99},
		recPayment{"Greenhythe Landscapes Ltd", "2019-09-12", 4250_00},
		recPayment{"Greenhythe Environmental Services Ltd", "2019-09-13", 18400_00},
		recPayment{"Tarrant Brothers Roofing Ltd", "2019-09-02", 750_00},
		recPayment{"J Tarrant & Sons", "2019-09-03", 820_50},
		recPayment{"Tarrant & Low Ltd", "2019-09-04", 300_00},
		recPayment{"Tarrant Craven LLP", "2019-09-05", 410_00},
		recPayment{"Kestrel Leisure Trust", "2019-09-05", 103000_00},
		recPayment{"Kestrel Leisure Trust", "2019-10-05", -500_00},
		recPayment{"Pellham Dixonby Construction Ltd", "2019-09-20", 286645_05},
		recPayment{"Hallam Fleet Services Ltd", "2019-01-10", 1200_00},
		recPayment{"Hallam Fleet Services Ltd", "2019-02-10", 1300_00},
		recPayment{"Hallam Fleet Services Ltd", "2019-03-10", 1400_00},
		recPayment{"Hallam Fleet Services Ltd", "2019-04-10", 1500_00},
		recPayment{"Hallam Fleet Services Ltd", "2019-05-10", 1600_00},
		recPayment{"Hallam Fleet Services Ltd", "2019-06-10", 1700_00},
		recPayment{"Hallam Fleet Services Ltd", "2019-07-10", 1800_00},
		recPayment{"Hallam Fleet Services Ltd", "2019-08-10", 1900_01},
	)
	east := recPayments(recPayment{"Kestrel Leisure Trust", "2019-09-10", 5000_00})
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	contracts := []corpus.Record{
		{Supplier: "Ferrand & Slate Ltd", AmountPence: 98765_43, Date: day("2025-12-04"), EndDate: day("2032-12-03"), Status: "Awarded", Description: "One 18 tonne skip wagon for the waste fleet"},
		{Supplier: "Orlen Vehicles (UK) Limited", AmountPence: 654321_00, Date: day("2022-10-25"), Status: "Awarded"},
		{Supplier: "Orlen Vehicles (UK) Limited", AmountPence: 1234567_89, Date: day("2025-10-31"), Status: "Awarded"},
		{Supplier: "Kestrel Leisure Trust", AmountPence: 5400000_00, Date: day("2021-04-01"), EndDate: day("2031-03-31"), Status: "Awarded"},
		{AmountPence: 120000_00, Date: day("2019-06-01"), Status: "Open"},
	}
	titles := []string{"Supply of a skip wagon", "Food waste collection vehicles", "Refuse collection vehicles",
		"Leisure centre management", "New play area at Hollins Park"}
	for _, f := range []struct {
		id   string
		docs []corpus.Document
	}{
		{"spending/westmarsh-2019.csv", recDocs("spending/westmarsh-2019.csv", recWestmarsh, corpus.KindSpending, west, nil)},
		{"spending/eastcombe-2019.csv", recDocs("spending/eastcombe-2019.csv", recEastcombe, corpus.KindSpending, east, nil)},
		{"contracts/register.csv", recDocs("contracts/register.csv", recWestmarsh, corpus.KindContracts, contracts, titles)},
	} {
		if err := s.PutFile(ctx, f.id, "h", f.docs); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

func recDraftText(d *assistant.Draft) string {
	var parts []string
	for _, s := range d.Sentences {
		parts = append(parts, s.Text)
	}
	return strings.Join(parts, " ")
}

func TestAnswerRecords(t *testing.T) {
	store := MustOpenRecords(t)
	a := &assistant.Records{Store: store, Now: func() time.Time { return time.Date(2020, 2, 10, 9, 0, 0, 0, time.UTC) }}
	west := func(rows ...int) []string {
		var out []string
		for _, r := range rows {
			out = append(out, fmt.Sprintf("spending/westmarsh-2019.csv#row-%d", r))
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		question string
		want     []string // phrases the answer must hold
		not      []string // phrases it must not
		cites    []string // the exact documents cited, when set
		nCites   int      // how many citations, when no exact list is given
	}{
		{"total in a month, pence exact", "How much did Westmarsh pay Quillon Factoring in September 2019?",
			[]string{"£2,500.63", "3 payments", "Westmarsh District Council"}, nil, west(4, 3, 2), 0},
		{"month boundary: the last day is in", "how much did we pay Quillon Factoring in August 2019",
			[]string{"£1,000.10", "on 31 August 2019"}, []string{"£2,500"}, west(1), 0},
		{"abbreviated month", "what did we pay to quillon factoring northwest in sept 2019?",
			[]string{"£2,500.63"}, nil, west(4, 3, 2), 0},
		{"misspelt supplier says what it took", "How much did we pay Quillon Factorin in Sept 2019?",
			[]string{`I took "Quillon Factorin" to mean`, "£2,500.63"}, nil, nil, 3},
		{"ambiguous supplier asks which", "how much did we pay Tarrant in September 2019?",
			[]string{"Which one do you mean?", "Tarrant Brothers Roofing Ltd (£750.00)", "J Tarrant & Sons (£820.50)"}, []string{"paid"}, nil, 0},
		{"a few similar suppliers are given separately", "how much did we pay Greenhythe in September 2019?",
			[]string{"£18,400.00", "£4,250.00", "each is given separately"}, nil, west(7, 6), 0},
		{"largest payment", "What was the biggest payment Westmarsh made in September 2019?",
			[]string{"was £286,645.05", "It went to Pellham Dixonby Construction Ltd on 20 September 2019", "out of 11 payments"}, nil, nil, 2},
		{"more rows than cited", "How much did we pay Hallam Fleet Services in 2019?",
			[]string{"£12,400.01", "total of 8 payments", "5 largest are cited"}, nil, nil, 5},
		{"relative period", "How much did we pay Hallam Fleet Services last year?",
			[]string{"£12,400.01", "in 2019"}, nil, nil, 5},
		{"quarter", "How much did we pay Hallam Fleet Services in Q1 2019?",
			[]string{"£3,900.00", "between January and March 2019"}, nil, west(17, 16, 15), 0},
		{"several councils, each given", "How much did we pay Kestrel Leisure Trust in September 2019?",
			[]string{"Westmarsh District Council paid Kestrel Leisure Trust £103,000.00", "Eastcombe Borough Council paid Kestrel Leisure Trust £5,000.00"}, nil, nil, 2},
		{"council named", "How much did Eastcombe pay Kestrel Leisure Trust in 2019?",
			[]string{"Eastcombe Borough Council paid Kestrel Leisure Trust £5,000.00"}, []string{"Westmarsh"}, []string{"spending/eastcombe-2019.csv#row-1"}, 0},
		{"financial year, credit counted", "How much did Westmarsh pay Kestrel Leisure Trust in 2019/20?",
			[]string{"£102,500.00", "2 payments", "April 2019 to March 2020"}, nil, west(12, 13), 0},
		{"none in the period", "How much did we pay Quillon Factoring in 2015?",
			[]string{"I found no payments to", "in 2015", "5 payments", "£3,600.72"}, nil, west(5, 4), 0},
		{"who won a contract", "Who won the skip wagon contract?",
			[]string{"Ferrand & Slate Ltd", "£98,765.43"}, nil, []string{"contracts/register.csv#row-1"}, 0},
		{"contract worth and end", "How much is the leisure centre contract worth and when does it end?",
			[]string{"£5,400,000.00", "31 March 2031", "Kestrel Leisure Trust"}, nil, []string{"contracts/register.csv#row-4"}, 0},
		{"council's contracts in all", "How many contracts has Westmarsh awarded and what are they worth?",
			[]string{"4 awarded contracts", "£7,387,654.32"}, nil, nil, 4},
		{"contracts with one supplier", "What is the total value of the contracts awarded to Orlen Vehicles?",
			[]string{"2 contracts", "£1,888,888.89"}, nil, nil, 2},
		{"names in capitals are shown in title case", "How much did we pay Quillon Factoring Northwest Limited in September 2019?",
			[]string{"paid Quillon Factoring Northwest Ltd £2,500.63"}, nil, west(4, 3, 2), 0},
		{"payments question answered from contracts", "How much did we pay Orlen Vehicles?",
			[]string{"I found no payments to", "only contracts", "£1,888,888.89"}, nil, nil, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok, err := a.AnswerRecords(context.Background(), tc.question)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				t.Fatalf("AnswerRecords(%q): got ok=false, want an answer", tc.question)
			}
			text := recDraftText(d)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("answer %q: missing %q", text, w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(text, w) {
					t.Errorf("answer %q: holds %q", text, w)
				}
			}
			var got []string
			for i, c := range d.Citations {
				if c.N != i+1 || c.Title == "" || c.URL == "" {
					t.Errorf("citation %d: %+v", i, c)
				}
				got = append(got, c.DocID)
			}
			if tc.cites != nil {
				want := append([]string(nil), tc.cites...)
				sort.Strings(want)
				sort.Strings(got)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("citations (-want +got):\n%s", diff)
				}
			} else if len(got) != tc.nCites {
				t.Errorf("got %d citations %v, want %d", len(got), got, tc.nCites)
			}
			for _, s := range d.Sentences {
				for _, n := range s.Cites {
					if n < 1 || n > len(d.Citations) {
						t.Errorf("sentence %q cites [%d] of %d", s.Text, n, len(d.Citations))
					}
				}
			}
		})
	}
}

// TestAnswerRecordsDeclines checks the questions left to retrieval: not
// about records, or about records that are not there.
func TestAnswerRecordsDeclines(t *testing.T) {
	a := &assistant.Records{Store: MustOpenRecords(t), Now: func() time.Time { return time.Date(2020, 2, 10, 0, 0, 0, 0, time.UTC) }}
	for _, q := range []string{
		"When is my bin collected?",
		"How do I pay my council tax?",
		"I paid for a bulky waste collection but nobody came",
		"If I let my flat to holidaymakers would I pay Kestrel Leisure Trust?",
		"How much did we pay Nobody Such Ltd?",
		"how much did the council pay out in pothole claims in 2019/20?",
		"how much did Westmarsh spend on waste collection in 2019?",
		"Who won the unicorn grooming contract?",
		"How much did Northbury pay Quillon Factoring?",
		"",
		strings.Repeat("pay ", 2000),
	} {
		d, ok, err := a.AnswerRecords(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			t.Errorf("AnswerRecords(%.40q): got %q, want ok=false", q, recDraftText(d))
		}
	}
	var none *assistant.Records
	if _, ok, err := none.AnswerRecords(context.Background(), "How much did we pay Quillon?"); ok || err != nil {
		t.Errorf("nil Records: got ok=%v err=%v, want false, nil", ok, err)
	}
}
