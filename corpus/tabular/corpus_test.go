package tabular_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/tabular"
)

// sharedCorpus is the evaluation corpus beside the repository.
const sharedCorpus = "../../../shared/corpus"

// csvFolder is a folder of the shared corpus with the kind
// evals/shared-corpus.yaml gives it.
type csvFolder struct {
	path string
	kind corpus.Kind
}

var csvFolders = []csvFolder{
	{"oxford_spend_over_500", corpus.KindSpending},
	{"hyndburn_spend_over_250", corpus.KindSpending},
	{"lambeth_datastore/payments-to-suppliers", corpus.KindSpending},
	{"lambeth_datastore/foi", corpus.KindFOI},
	{"lambeth_datastore/planning", corpus.KindPage},
	{"sutton_coldfield_town_council/expenditure", corpus.KindSpending},
	{"wdtk_childrens_services_foi_index", corpus.KindFOI},
	{"wdtk_mhclg_mining", corpus.KindFOI},
}

// sharedFiles reads every CSV below folder, skipping the test when the
// corpus is absent.
func sharedFiles(tb testing.TB, folder csvFolder) []corpus.File {
	tb.Helper()
	root := filepath.Join(sharedCorpus, folder.path)
	if _, err := os.Stat(root); err != nil {
		tb.Skipf("shared corpus not found: %v", err)
	}
	var files []corpus.File
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(p), ".csv") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(sharedCorpus, p)
		files = append(files, corpus.File{ID: filepath.ToSlash(rel), Data: data,
			Source: corpus.Source{Path: folder.path, Kind: folder.kind}, Council: "Council"})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// TestSharedCorpus loads every CSV of the shared corpus. Every file must
// load; the document counts are the data rows SOURCES.md reports, less the
// rows that are not records (see the comments).
func TestSharedCorpus(t *testing.T) {
	want := map[string]int{
		// SOURCES.md: 61,529 rows. One is a stray ",,xxx,,,,,,," line.
		"oxford_spend_over_500": 61528,
		// SOURCES.md: 43,112 rows, counting ~7,150 empty ",,,,,," lines;
		// 35,961 rows name a payment.
		"hyndburn_spend_over_250": 35961,
		// SOURCES.md: 19,019 payment rows, counting title lines, headers
		// and 16 "Grand Total" rows. One November 2011 line holds 106
		// records whose line breaks were lost; they are split apart.
		"lambeth_datastore/payments-to-suppliers": 19065,
		// SOURCES.md says 1,156 FOI titles; the ten logs hold 1,146
		// request rows (the December log appears twice).
		"lambeth_datastore/foi":                     1146,
		"lambeth_datastore/planning":                15773,
		"sutton_coldfield_town_council/expenditure": 139,
		"wdtk_childrens_services_foi_index":         5462,
		"wdtk_mhclg_mining":                         500,
	}
	for _, folder := range csvFolders {
		t.Run(folder.path, func(t *testing.T) {
			n, problems := 0, 0
			for _, f := range sharedFiles(t, folder) {
				res, err := tabular.Read(context.Background(), f)
				if err != nil {
					t.Errorf("%s: %v", f.ID, err)
					continue
				}
				n += len(res.Documents)
				problems += len(res.Problems)
				for _, d := range res.Documents {
					if d.Title == "" || len(d.Sections) != 1 || d.Sections[0].Text == "" {
						t.Fatalf("%s: document without title or text: %+v", d.ID, d)
					}
				}
			}
			if n != want[folder.path] {
				t.Errorf("got %d documents, want %d", n, want[folder.path])
			}
			t.Logf("%d documents, %d rows skipped or repaired", n, problems)
		})
	}
}

// TestSharedCorpusValues checks rows quoted in SOURCES.md come out right.
func TestSharedCorpusValues(t *testing.T) {
	tests := []struct {
		folder csvFolder
		file   string
		find   func(d corpus.Document) bool
		check  func(t *testing.T, d corpus.Document)
	}{
		{
			folder: csvFolders[1],
			file:   "hyndburn_spend_over_250/January-26-CSV.csv",
			find:   func(d corpus.Document) bool { return d.Record.Reference == "CRINV0015546" },
			check: func(t *testing.T, d corpus.Document) {
				if d.Record.Supplier != "James O Garnett Ltd" || d.Record.AmountPence != 210000 || !d.Date.Equal(day(2026, 1, 6)) {
					t.Errorf("record = %+v, want James O Garnett Ltd, £2,100.00 on 6 January 2026", d.Record)
				}
			},
		},
		{
			folder: csvFolders[0],
			file:   "oxford_spend_over_500/expenditure-over-500-jan-mar-2018.csv",
			find:   func(d corpus.Document) bool { return d.Record.Reference == "46296351 - 1" },
			check: func(t *testing.T, d corpus.Document) {
				if d.Record.AmountPence != 500000 || !d.Date.Equal(day(2018, 1, 9)) ||
					d.Record.Category != "Developer Contributions Unapplied (capital)" {
					t.Errorf("record = %+v, want £5,000.00 on 9 January 2018, Developer Contributions", d.Record)
				}
			},
		},
		{
			folder: csvFolders[3],
			file:   "lambeth_datastore/foi/LBLFOIDisclosureLogJan2012.csv",
			find:   func(d corpus.Document) bool { return d.Meta["reference"] == "153953" },
			check: func(t *testing.T, d corpus.Document) {
				if !d.Date.Equal(day(2012, 1, 5)) || !strings.Contains(d.Title, "Locum child care solicitors") {
					t.Errorf("document = %q dated %v, want the locum solicitors request of 5 January 2012", d.Title, d.Date)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var f *corpus.File
			for _, g := range sharedFiles(t, tt.folder) {
				if g.ID == tt.file {
					f = &g
				}
			}
			if f == nil {
				t.Fatalf("%s not found", tt.file)
			}
			docs, err := tabular.Load(context.Background(), *f)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				if tt.find(d) {
					tt.check(t, d)
					return
				}
			}
			t.Errorf("no document matched in %d documents", len(docs))
		})
	}
}

// BenchmarkLoadSpending loads every spending CSV of the shared corpus
// (Oxford, Hyndburn, Lambeth, Sutton Coldfield) and reports rows a second.
func BenchmarkLoadSpending(b *testing.B) {
	var files []corpus.File
	var size int64
	for _, folder := range csvFolders {
		if folder.kind != corpus.KindSpending {
			continue
		}
		for _, f := range sharedFiles(b, folder) {
			files = append(files, f)
			size += int64(len(f.Data))
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	for b.Loop() {
		for _, f := range files {
			docs, err := tabular.LoadSpending(context.Background(), f)
			if err != nil {
				b.Fatal(err)
			}
			rows += len(docs)
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
