package jsondoc_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/jsondoc"
)

// sharedCorpus is the evaluation corpus beside the repository.
const sharedCorpus = "../../../shared/corpus"

// jsonFolder is a folder of the shared corpus with the kind and format
// evals/shared-corpus.yaml gives its JSON files.
type jsonFolder struct {
	path   string
	kind   corpus.Kind
	format string
}

var jsonFolders = []jsonFolder{
	{"govuk_content_examples", corpus.KindPage, jsondoc.FormatGOVUK},
	{"sheffield_foi_wdtk", corpus.KindFOI, jsondoc.FormatWDTK},
	{"lancashire_contracts_finder", corpus.KindContracts, ""},
	{"lancashire_budgets_derived", corpus.KindBudget, ""},
	{"gloucester_city_council_site", corpus.KindPage, ""},
	{"sheffield_council_knowledge_base", corpus.KindPage, ""},
	{"oxford_spend_over_500", corpus.KindPage, ""},
}

// excluded are the files evals/shared-corpus.yaml leaves out: link lists
// with no text, and a "gone" notice with no title or path.
func excluded(id string) bool {
	return strings.HasSuffix(id, "_links.json") || strings.HasSuffix(id, "gone_with_no_base_path.json")
}

func sharedJSON(tb testing.TB, folder jsonFolder) []corpus.File {
	tb.Helper()
	root := filepath.Join(sharedCorpus, folder.path)
	if _, err := os.Stat(root); err != nil {
		tb.Skipf("shared corpus not found: %v", err)
	}
	var files []corpus.File
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(p); ext != ".json" && ext != ".jsonl" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(sharedCorpus, p)
		format := folder.format
		if folder.path == "lancashire_contracts_finder" && strings.HasSuffix(rel, "_procurement.json") {
			format = jsondoc.FormatContractsFinder
		}
		files = append(files, corpus.File{ID: filepath.ToSlash(rel), Data: data,
			Source: corpus.Source{Path: folder.path, Kind: folder.kind, Format: format}, Council: "Council"})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// TestSharedCorpus loads every JSON file of the shared corpus that the
// manifest declares. Each must load; counts follow SOURCES.md.
func TestSharedCorpus(t *testing.T) {
	want := map[string]int{
		"govuk_content_examples": 323, // 334 files less 11 excluded
		"sheffield_foi_wdtk":     500,
		// 1,224 notices, 15 stats blocks, one pipeline report.
		"lancashire_contracts_finder": 1224 + 15 + 1,
		"lancashire_budgets_derived":  9,
		// docs.json and pages.json: 39 pages each; chunks.jsonl: 102
		// chunks; fees-and-charges.json: 33 categories and its metadata.
		"gloucester_city_council_site":     39 + 39 + 102 + 34,
		"sheffield_council_knowledge_base": 557,
		"oxford_spend_over_500":            1,
	}
	for _, folder := range jsonFolders {
		t.Run(folder.path, func(t *testing.T) {
			n := 0
			for _, f := range sharedJSON(t, folder) {
				docs, err := jsondoc.Load(context.Background(), f)
				if excluded(f.ID) {
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", f.ID, err)
					continue
				}
				for _, d := range docs {
					if d.Title == "" || corpus.FileID(d.ID) != f.ID {
						t.Fatalf("%s: bad document %q titled %q", f.ID, d.ID, d.Title)
					}
				}
				n += len(docs)
			}
			if n != want[folder.path] {
				t.Errorf("got %d documents, want %d", n, want[folder.path])
			}
		})
	}
}

func TestSharedCorpusValues(t *testing.T) {
	byID := map[string]corpus.Document{}
	for _, folder := range jsonFolders {
		for _, f := range sharedJSON(t, folder) {
			docs, err := jsondoc.Load(context.Background(), f)
			if err != nil {
				if !excluded(f.ID) {
					t.Fatalf("%s: %v", f.ID, err)
				}
				if strings.HasSuffix(f.ID, "gone_with_no_base_path.json") && !errors.Is(err, corpus.ErrEmpty) {
					t.Errorf("%s: error %v, want ErrEmpty", f.ID, err)
				}
				continue
			}
			for _, d := range docs {
				byID[d.ID] = d
			}
		}
	}
	stray := byID["govuk_content_examples/local_transaction/frontend/local_transaction.json"]
	if stray.Title != "Report a stray dog" || stray.URL != "https://www.gov.uk/report-stray-dog" {
		t.Errorf("stray dog item = %q at %q", stray.Title, stray.URL)
	}
	hyndburn := byID["lancashire_contracts_finder/hyndburn_procurement.json#stats"]
	if !strings.Contains(hyndburn.Text(), "Contracts Finder lists 33 notices") || !strings.Contains(hyndburn.Text(), "£820,940.73") {
		t.Errorf("Hyndburn stats = %q, want 33 notices and £820,940.73 awarded", hyndburn.Text())
	}
	roads := byID["sheffield_foi_wdtk/requests/a_list_of_unadopted_roads.json"]
	if roads.URL != "https://www.whatdotheyknow.com/request/a_list_of_unadopted_roads" || roads.Meta["status"] != "Waiting clarification" {
		t.Errorf("unadopted roads request = %q, %v", roads.URL, roads.Meta)
	}
	refs := 0
	for id, d := range byID {
		if strings.HasPrefix(id, "sheffield_foi_wdtk/") && d.Meta["reference"] != "" {
			refs++
		}
	}
	if refs < 50 {
		t.Errorf("%d Sheffield threads have a council reference, want at least 50", refs)
	}
	burnley := byID["lancashire_budgets_derived/burnley_budgets_summary.json"]
	if !strings.Contains(burnley.Text(), "Net revenue expenditure: £18,779,000") {
		t.Errorf("Burnley summary does not state its net revenue expenditure: %.300q", burnley.Text())
	}
}

// BenchmarkLoadJSON loads every JSON file of the shared corpus.
func BenchmarkLoadJSON(b *testing.B) {
	var files []corpus.File
	var size int64
	for _, folder := range jsonFolders {
		for _, f := range sharedJSON(b, folder) {
			if !excluded(f.ID) {
				files = append(files, f)
				size += int64(len(f.Data))
			}
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	docs := 0
	for b.Loop() {
		for _, f := range files {
			ds, err := jsondoc.Load(context.Background(), f)
			if err != nil {
				b.Fatal(err)
			}
			docs += len(ds)
		}
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
}
