package tabular_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/tabular"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func file(id, data string, kind corpus.Kind) corpus.File {
	return corpus.File{ID: id, Data: []byte(data), Source: corpus.Source{Kind: kind}, Council: "Testshire Council"}
}

// fixture reads a file from testdata/tabular.
func fixture(tb testing.TB, name string, kind corpus.Kind) corpus.File {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "tabular", name))
	if err != nil {
		tb.Fatal(err)
	}
	return corpus.File{ID: "tabular/" + name, Data: data, Source: corpus.Source{Kind: kind}, Council: "Testshire Council"}
}

// TestLoadSpendingLayouts checks that each header layout councils use maps
// to the same record.
func TestLoadSpendingLayouts(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		wantDocs int
		want     corpus.Record // of the first document
	}{
		{
			name: "oxford 2016, misspelt category",
			data: "Client,Service Area,Expenditure Catergory,Expenditure Code,Paid Date,Trans No,Amount,Type of Expenditure,Supplier ID,Supplier Name\n" +
				"TC,General Fund,AR Refunds,Z400404,22/07/2016,46290516 - 0,780,Revenue,36701366,ACME COLLEGE\n",
			wantDocs: 1,
			want: corpus.Record{Supplier: "ACME COLLEGE", AmountPence: 78000, Date: day(2016, 7, 22),
				Department: "General Fund", Category: "AR Refunds", Reference: "46290516 - 0"},
		},
		{
			name: "oxford 2014, snake case",
			data: "body_name,organisational_unit,expenditure_category,expenditure_code,paid_date,trans_no,amount,caporrev,supplier_id,supplier_name\n" +
				"Testshire Council,\"Policy, Culture\",Grants,D3701,25/03/2014,4628_1,1000.00,Revenue,2001,BRIGHT START CIC\n",
			wantDocs: 1,
			want: corpus.Record{Supplier: "BRIGHT START CIC", AmountPence: 100000, Date: day(2014, 3, 25),
				Department: "Policy, Culture", Category: "Grants", Reference: "4628_1"},
		},
		{
			name: "organisatonal unit (sic) beats service area",
			data: "Body Name,Organisatonal Unit,Expenditure Category,Paid Date,Amount,Supplier Name\n" +
				"Testshire Council,Financial Services,Grants,07/04/2015,1054.11,Redacted personal data\n",
			wantDocs: 1,
			want: corpus.Record{Supplier: "Redacted personal data", AmountPence: 105411, Date: day(2015, 4, 7),
				Department: "Financial Services", Category: "Grants"},
		},
		{
			name: "hyndburn old layout, windows-1252 pound, serial date",
			data: "Service Cost Centre,Account Detail,Description,HBC ref no,Name,Payment date,Net Amount(\xa3)\r\n" +
				"ENV HEALTH,PEST CONTROL,SEMINAR,P-CARD - AUG 19,EPCOLLEGE,43658,910\r\n",
			wantDocs: 1,
			want: corpus.Record{Supplier: "EPCOLLEGE", AmountPence: 91000, Date: day(2019, 7, 12),
				Department: "ENV HEALTH", Category: "PEST CONTROL", Description: "SEMINAR", Reference: "P-CARD - AUG 19"},
		},
		{
			name: "hyndburn new layout, blank spacer columns",
			data: "Department Area,,Service Area,,Description,,,Line,,HBC Ref No.,,Name:  ,,,Payment Date,,Amount Paid\n" +
				"ENVS - Environmental,,CAC - Parks,,Burial services,,,1,,CRINV0000001,,Fellside Memorials Ltd,,,06/01/26,,\"2,100.00\"\n",
			wantDocs: 1,
			want: corpus.Record{Supplier: "Fellside Memorials Ltd", AmountPence: 210000, Date: day(2026, 1, 6),
				Department: "ENVS - Environmental", Category: "CAC - Parks", Description: "Burial services", Reference: "CRINV0000001"},
		},
		{
			name: "amount paid, name with colon, long dates",
			data: "Department Area,Service Area,Description,Line,HBC Ref No.,Name:  ,Payment Date,Amount Paid\n" +
				"ENVIRONMENTAL SERVICES,CVMU,VEHICLE TAX,1,P-CARD - JUL 23,DVLA,17 July 2023,302.50\n",
			wantDocs: 1,
			want: corpus.Record{Supplier: "DVLA", AmountPence: 30250, Date: day(2023, 7, 17),
				Department: "ENVIRONMENTAL SERVICES", Category: "CVMU", Description: "VEHICLE TAX", Reference: "P-CARD - JUL 23"},
		},
		{
			name:     "town council payee and net pound column",
			data:     "Inv Date,Ref,Payee,Details,£ (net),Category\n04/07/2016,1,Moorland Lettings,July office rent,\"1,800\",Office\n",
			wantDocs: 1,
			want: corpus.Record{Supplier: "Moorland Lettings", AmountPence: 180000, Date: day(2016, 7, 4),
				Category: "Office", Description: "July office rent", Reference: "1"},
		},
		{
			name: "report preamble, subjective description, date glued to amount",
			data: "Testshire Invoices Over Specified Nett Amount,,,,,\n,,,,,\nReport Date: 02/07/2012,,,,,\n" +
				"Body,Department,Supplier Name,Invoice Creation Date,Invoice Nett Amount,Subj Description\n" +
				"Testshire,Children's Services,Guest House Ltd,25/06/2012900,PRIVATE RESIDENTIAL CARE\n" +
				"Testshire,Adults' Services,170 Community Project,08/06/2012,1534.24,FLOATING SUPPORT\n" +
				"Total,,,,40292334.84,\n",
			wantDocs: 2,
			want: corpus.Record{Supplier: "Guest House Ltd", AmountPence: 90000, Date: day(2012, 6, 25),
				Department: "Children's Services", Category: "PRIVATE RESIDENTIAL CARE"},
		},
		{
			name:     "semicolons, bom, continental amounts",
			data:     "\ufeffPayee;Paid Date;Amount;Purpose\nBrightwater Ltd;02.04.2024;1.234,56;Pool chemicals\n",
			wantDocs: 1,
			want:     corpus.Record{Supplier: "Brightwater Ltd", AmountPence: 123456, Date: day(2024, 4, 2), Description: "Pool chemicals"},
		},
		{
			name:     "bare carriage returns and negative in brackets",
			data:     "Supplier,Date,Amount\rACME LTD,01/02/2020,(45.00)\rBETA LTD,02/02/2020,12\r",
			wantDocs: 2,
			want:     corpus.Record{Supplier: "ACME LTD", AmountPence: -4500, Date: day(2020, 2, 1)},
		},
		{
			name: "trailing empty header columns",
			data: "Service Cost Centre,Account Detail,Description,HBC ref no,Name,Payment Date,Net Amount (£),,,,,\n" +
				"HOUSING,AGENCY STAFF,TEMP STAFF,B0001/2,HAYS,05-Apr-17,858.00,,,,,\n",
			wantDocs: 1,
			want: corpus.Record{Supplier: "HAYS", AmountPence: 85800, Date: day(2017, 4, 5),
				Department: "HOUSING", Category: "AGENCY STAFF", Description: "TEMP STAFF", Reference: "B0001/2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := tabular.LoadSpending(context.Background(), file("spend.csv", tt.data, corpus.KindSpending))
			if err != nil {
				t.Fatalf("LoadSpending: %v", err)
			}
			if len(docs) != tt.wantDocs {
				t.Fatalf("got %d documents, want %d", len(docs), tt.wantDocs)
			}
			if diff := cmp.Diff(tt.want, *docs[0].Record); diff != "" {
				t.Errorf("record mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadSpendingDocument(t *testing.T) {
	docs, err := tabular.Load(context.Background(), fixture(t, "spend-over-250-oct-2019.csv", corpus.KindSpending))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 3 {
		t.Fatalf("got %d documents, want 3 (the blank row is not a payment)", len(docs))
	}
	got := docs[0]
	want := corpus.Document{
		ID:      "tabular/spend-over-250-oct-2019.csv#row-1",
		Kind:    corpus.KindSpending,
		Title:   "Payment of £1,234.56 to ACME LTD (PARKS & OPEN SPACES, 02/10/2019)",
		Council: "Testshire Council",
		Date:    day(2019, 10, 2),
		Sections: []corpus.Section{{Text: "Testshire Council paid ACME LTD £1,234.56 on 2 October 2019.\n" +
			"Department: PARKS & OPEN SPACES.\nCategory: GROUNDS MAINTENANCE.\nDescription: GRASS CUTTING - SEPT 19.\n" +
			"Reference: B000020401/1234."}},
		Record: &corpus.Record{Supplier: "ACME LTD", AmountPence: 123456, Date: day(2019, 10, 2),
			Department: "PARKS & OPEN SPACES", Category: "GROUNDS MAINTENANCE", Description: "GRASS CUTTING - SEPT 19",
			Reference: "B000020401/1234"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("document mismatch (-want +got):\n%s", diff)
	}
	// The blank row between rows 2 and 3 does not take a number.
	if got, want := docs[2].ID, "tabular/spend-over-250-oct-2019.csv#row-3"; got != want {
		t.Errorf("third ID = %q, want %q", got, want)
	}
	if got, want := docs[2].Record.Description, "CAFÉ LEASE ADVICE"; got != want {
		t.Errorf("windows-1252 description = %q, want %q", got, want)
	}
	if got, want := docs[2].Title, "Payment of -£450.00 to J SMITH CHAMBERS (LEGAL SERVICES, 15/10/2019)"; got != want {
		t.Errorf("negative title = %q, want %q", got, want)
	}
	if !strings.Contains(docs[2].Sections[0].Text, "negative payment") {
		t.Errorf("negative text = %q, want it to say the payment is negative", docs[2].Sections[0].Text)
	}
}

func TestLoadSpendingMonthlyTotals(t *testing.T) {
	res, err := tabular.Read(context.Background(), fixture(t, "2011-11-payments.csv", corpus.KindSpending))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range res.Documents {
		got = append(got, d.Record.Supplier+" "+strings.TrimPrefix(d.Title, "Payments totalling "))
	}
	want := []string{
		"Northgate Facilities Ltd £1,500,321.10 to Northgate Facilities Ltd (November 2011)",
		"Riverside Care Home, Brixton £2,210.40 to Riverside Care Home, Brixton (November 2011)",
		"Harbour Print Ltd £1,000.00 to Harbour Print Ltd (November 2011)",
		"Kestrel Security Ltd £875.25 to Kestrel Security Ltd (November 2011)",
		"Oakfield Homes Ltd, Elm End Care Centre £840.10 to Oakfield Homes Ltd, Elm End Care Centre (November 2011)",
		"Wren Swimming Club £812.00 to Wren Swimming Club (November 2011)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suppliers (-want +got):\n%s", diff)
	}
	d := res.Documents[0]
	if got, want := d.Date, day(2011, 11, 1); !got.Equal(want) {
		t.Errorf("date = %v, want the month from the file name, %v", got, want)
	}
	if got, want := d.Meta["period"], "November 2011"; got != want {
		t.Errorf("Meta[period] = %q, want %q", got, want)
	}
	if got, want := d.Sections[0].Text, "Testshire Council paid Northgate Facilities Ltd £1,500,321.10 in total in November 2011."; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	var reasons []string
	for _, p := range res.Problems {
		reasons = append(reasons, p.Reason)
	}
	wantReasons := []string{"4 records run together on one line; split at their amounts", "totals row"}
	if diff := cmp.Diff(wantReasons, reasons); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestLoadSpendingHeaderAtEnd(t *testing.T) {
	res, err := tabular.Read(context.Background(), fixture(t, "spend-header-at-end.csv", corpus.KindSpending))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.HeaderLine, 3; got != want {
		t.Errorf("header line = %d, want %d", got, want)
	}
	var got []string
	for _, d := range res.Documents {
		got = append(got, d.ID+" "+d.Title)
	}
	want := []string{
		"tabular/spend-header-at-end.csv#row-1 Payment of £4,100.25 to Fellside Surveyors Ltd (ENVS - Environmental Services, 03/04/2025)",
		"tabular/spend-header-at-end.csv#row-2 Payment of £2,500.00 to Larkfield Projects (REGN - Regeneration, 04/04/2025)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
}

func TestLoadSpendingSemicolonFixture(t *testing.T) {
	res, err := tabular.Read(context.Background(), fixture(t, "spend-semicolon.csv", corpus.KindSpending))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(res.Documents), 2; got != want {
		t.Fatalf("got %d documents, want %d", got, want)
	}
	if got, want := res.Documents[1].Record.AmountPence, int64(98750); got != want {
		t.Errorf("amount = %d, want %d", got, want)
	}
	if got, want := res.Documents[1].Record.Date, day(2024, 4, 19); !got.Equal(want) {
		t.Errorf("date = %v, want %v", got, want)
	}
	if got, want := res.HeaderLine, 3; got != want {
		t.Errorf("header line = %d, want %d (two title lines above it)", got, want)
	}
}

func TestLoadSpendingIDsAreStable(t *testing.T) {
	f := fixture(t, "spend-over-250-oct-2019.csv", corpus.KindSpending)
	a, err := tabular.Load(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tabular.Load(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("second load differs (-first +second):\n%s", diff)
	}
}

// TestReadProblems checks that damaged files keep their good rows and
// report the bad ones, rather than failing or crashing.
func TestReadProblems(t *testing.T) {
	const header = "Supplier,Date,Amount,Description\n"
	tests := []struct {
		name        string
		data        string
		wantSupp    []string
		wantProblem string // a substring of one problem
		wantLine    int
	}{
		{
			name:        "file cut off inside a quoted field",
			data:        header + "ACME LTD,01/02/2020,10.00,Mowing\nBETA LTD,02/02/2020,20.00,\"Hedge cutting and",
			wantSupp:    []string{"ACME LTD"},
			wantProblem: "file ends inside a quoted field",
			wantLine:    3,
		},
		{
			name:        "last row cut short",
			data:        header + "ACME LTD,01/02/2020,10.00,Mowing\nBETA LTD,02/02",
			wantSupp:    []string{"ACME LTD"},
			wantProblem: "last row is cut short",
			wantLine:    3,
		},
		{
			name: "quote never closed mid-file",
			data: header + "ACME LTD,01/02/2020,10.00,\"Mowing\n" + strings.Repeat("GAMMA LTD,03/02/2020,5.00,Litter\n", 45),
			wantSupp: append([]string{"ACME LTD"},
				strings.Split(strings.TrimSuffix(strings.Repeat("GAMMA LTD,", 45), ","), ",")...),
			wantProblem: "quote never closed",
			wantLine:    2,
		},
		{
			name:        "amount that is not a number",
			data:        header + "ACME LTD,01/02/2020,ten pounds,Mowing\nBETA LTD,02/02/2020,20.00,Hedges\n",
			wantSupp:    []string{"BETA LTD"},
			wantProblem: `amount "ten pounds" is not a number`,
			wantLine:    2,
		},
		{
			name:        "row with neither supplier nor amount",
			data:        header + ",,,note\nBETA LTD,02/02/2020,20.00,Hedges\n",
			wantSupp:    []string{"BETA LTD"},
			wantProblem: "no supplier or amount",
			wantLine:    2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tabular.Read(context.Background(), file("damaged.csv", tt.data, corpus.KindSpending))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			var got []string
			for _, d := range res.Documents {
				got = append(got, d.Record.Supplier)
			}
			if diff := cmp.Diff(tt.wantSupp, got); diff != "" {
				t.Errorf("suppliers (-want +got):\n%s", diff)
			}
			found := false
			for _, p := range res.Problems {
				if strings.Contains(p.Reason, tt.wantProblem) && p.Line == tt.wantLine {
					found = true
				}
			}
			if !found {
				t.Errorf("problems = %v, want %q on line %d", res.Problems, tt.wantProblem, tt.wantLine)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		kind     corpus.Kind
		wantErr  error
		wantText string
	}{
		{"empty file", "", corpus.KindSpending, corpus.ErrEmpty, ""},
		{"white space only", " \n\r\n ", corpus.KindSpending, corpus.ErrEmpty, ""},
		{"commas only", ",,,\n,,,\n", corpus.KindSpending, corpus.ErrEmpty, ""},
		{"no recognisable header", "alpha,beta\ngamma,delta\n", corpus.KindSpending, corpus.ErrInvalid, "line 1: no header"},
		{"header and no rows", "Supplier,Amount,Date\n", corpus.KindSpending, corpus.ErrEmpty, "line 1"},
		{"no usable rows", "Supplier,Amount\nTotal,12.00\n", corpus.KindSpending, corpus.ErrInvalid, "line 2: no usable rows (totals row)"},
		{"binary junk", "\x00\x01\x02\xff\xfe", corpus.KindSpending, corpus.ErrInvalid, ""},
		{"foi log without summary or reference", "Name,Colour\nAnn,Red\n", corpus.KindFOI, corpus.ErrInvalid, "no header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tabular.Load(context.Background(), file("bad.csv", tt.data, tt.kind))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want one wrapping %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error = %q, want it to mention %q", err, tt.wantText)
			}
		})
	}
}

func TestLoadHonoursCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := tabular.Load(ctx, fixture(t, "spend-over-250-oct-2019.csv", corpus.KindSpending))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}
