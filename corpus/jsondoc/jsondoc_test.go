package jsondoc_test

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
	"github.com/townhall-civic/townhall/corpus/jsondoc"
)

// fixture reads a file from testdata/jsondoc as a source of the given kind
// and format.
func fixture(tb testing.TB, name string, kind corpus.Kind, format string) corpus.File {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "jsondoc", name))
	if err != nil {
		tb.Fatal(err)
	}
	return corpus.File{ID: "jsondoc/" + name, Data: data,
		Source: corpus.Source{Kind: kind, Format: format}, Council: "Testshire Council"}
}

func load(tb testing.TB, f corpus.File) []corpus.Document {
	tb.Helper()
	docs, err := jsondoc.Load(context.Background(), f)
	if err != nil {
		tb.Fatalf("Load(%s): %v", f.ID, err)
	}
	return docs
}

func ids(docs []corpus.Document) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		id       string
		data     string
		format   string
		wantErr  error
		wantText string
	}{
		{"empty file", "a.json", "", "", corpus.ErrEmpty, ""},
		{"white space", "a.json", " \n\t ", "", corpus.ErrEmpty, ""},
		{"empty object", "a.json", "{}", "", corpus.ErrEmpty, ""},
		{"empty array", "a.json", "[]", "", corpus.ErrEmpty, ""},
		{"null", "a.json", "null", "", corpus.ErrEmpty, ""},
		{"syntax error", "a.json", "{\"title\": \"x\",\n \"body\" \"y\"}", "", corpus.ErrInvalid, "offset 23 (line 2)"},
		{"truncated", "a.json", "{\"title\": \"Bins\", \"body\": [1, 2", "", corpus.ErrInvalid, "unexpected end of input"},
		{"data after the value", "a.json", "{\"title\": \"Bins\"} trailing", "", corpus.ErrInvalid, "data after the JSON value"},
		{"not JSON at all", "a.json", "<html></html>", "", corpus.ErrInvalid, "offset 1 (line 1)"},
		{"govuk format on an array", "a.json", "[{\"title\": \"x\"}]", jsondoc.FormatGOVUK, corpus.ErrInvalid, "must be an object"},
		{"contractsfinder format without notices", "a.json", "{\"title\": \"x\"}", jsondoc.FormatContractsFinder, corpus.ErrInvalid, "contracts array"},
		{"ocds format without releases", "a.json", "{\"title\": \"x\"}", jsondoc.FormatOCDS, corpus.ErrInvalid, "no releases"},
		{"json lines all broken", "a.jsonl", "{\"a\":\n{\"b\":\n", "", corpus.ErrInvalid, "line 1"},
		{"govuk item with nothing in it", "a.json", "{\"schema_name\": \"gone\", \"base_path\": null}", "", corpus.ErrEmpty, "no title or base path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := corpus.File{ID: tt.id, Data: []byte(tt.data), Source: corpus.Source{Kind: corpus.KindPage, Format: tt.format}}
			_, err := jsondoc.Load(context.Background(), f)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want one wrapping %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.Contains(err.Error(), tt.id) {
				t.Errorf("error = %q, want it to name %s and mention %q", err, tt.id, tt.wantText)
			}
		})
	}
}

func TestLoadInvalidUTF8(t *testing.T) {
	data := []byte("{\"title\": \"Fees\", \"items\": [{\"name\": \"Pest control\", \"text\": \"Costs \xa350 a visit\"}, " +
		"{\"name\": \"Wasps\", \"text\": \"Caf\xc3\xa9 \xa360\"}]}")
	docs := load(t, corpus.File{ID: "fees.json", Data: data, Source: corpus.Source{Kind: corpus.KindPage}})
	var got []string
	for _, d := range docs {
		got = append(got, d.Text())
	}
	// The object's own title is too little to be a document of its own.
	want := []string{"Costs £50 a visit", "Café £60"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("texts (-want +got):\n%s", diff)
	}
}

func TestLoadRecords(t *testing.T) {
	docs := load(t, fixture(t, "articles.json", corpus.KindPage, ""))
	want := []corpus.Document{
		{
			ID: "jsondoc/articles.json#binsMissed", Kind: corpus.KindPage, Title: "Report a missed bin",
			Council: "Testshire Council", Date: time.Date(2024, 12, 2, 0, 0, 0, 0, time.UTC),
			Sections: []corpus.Section{
				{Text: "Tell us if we missed your bin."},
				{Text: "Report it by 4pm the day after."},
				{Headings: []string{"Before you report"}, Text: "Check the collection calendar."},
				{Text: "Categories: bins\nLast modified: 02/12/2024"},
			},
		},
		// Two records share the id "dup", so both fall back to their
		// position.
		{ID: "jsondoc/articles.json#item-2", Kind: corpus.KindPage, Title: "Garden waste", Council: "Testshire Council",
			Sections: []corpus.Section{{Text: "Subscribe to garden waste collections."}}},
		{ID: "jsondoc/articles.json#item-3", Kind: corpus.KindPage, Title: "Bulky waste", Council: "Testshire Council",
			URL: "https://testshire.example/bulky", Sections: []corpus.Section{{Text: "Book a bulky waste collection."}}},
	}
	if diff := cmp.Diff(want, docs); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
}

func TestLoadCollectionInObject(t *testing.T) {
	data := `{"schema_metadata": {"title": "Fees and charges", "version": "2026-27"},
	  "service_categories": [
	    {"category_name": "Pest control", "services": [{"service_name": "Rats", "net_fee": 50}]},
	    {"category_name": "Licensing", "services": [{"service_name": "Taxi driver", "net_fee": 120.5}]}]}`
	docs := load(t, corpus.File{ID: "fees.json", Data: []byte(data), Source: corpus.Source{Kind: corpus.KindPage}})
	if diff := cmp.Diff([]string{"fees.json#item-1", "fees.json#item-2", "fees.json"}, ids(docs)); diff != "" {
		t.Fatalf("IDs (-want +got):\n%s", diff)
	}
	if got, want := docs[1].Text(), "Services\nTaxi driver: net fee £120.50"; got != want {
		t.Errorf("record text = %q, want %q", got, want)
	}
	if got, want := docs[2].Title, "Fees and charges"; got != want {
		t.Errorf("remainder title = %q, want %q", got, want)
	}
}

func TestLoadDescriptorIsOneDocument(t *testing.T) {
	// A data package lists its files by name with no body: not a
	// collection of pages.
	data := `{"name": "spend", "title": "Expenditure over £500", "resources": [
	  {"name": "Jan - Mar 2014", "path": "data/a.csv", "description": ""},
	  {"name": "Apr - Jun 2014", "path": "data/b.csv", "description": ""}]}`
	docs := load(t, corpus.File{ID: "datapackage.json", Data: []byte(data), Source: corpus.Source{Kind: corpus.KindPage}})
	if len(docs) != 1 {
		t.Fatalf("got %d documents, want 1", len(docs))
	}
	want := []corpus.Section{
		{Text: "Name: spend\nTitle: Expenditure over £500"},
		{Headings: []string{"Resources"}, Text: "Jan - Mar 2014: path data/a.csv\nApr - Jun 2014: path data/b.csv"},
	}
	if diff := cmp.Diff(want, docs[0].Sections); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if got, want := docs[0].Title, "Expenditure over £500"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
}

func TestLoadLines(t *testing.T) {
	docs := load(t, fixture(t, "chunks.jsonl", corpus.KindPage, ""))
	// Line 2 is broken and skipped; line 1's id is a URL, so its key is
	// its line number.
	if diff := cmp.Diff([]string{"jsondoc/chunks.jsonl#line-1", "jsondoc/chunks.jsonl#council-tax-1"}, ids(docs)); diff != "" {
		t.Fatalf("IDs (-want +got):\n%s", diff)
	}
	want := []corpus.Section{{Headings: []string{"Your bins"}, Text: "We collect bins weekly."}}
	if diff := cmp.Diff(want, docs[0].Sections); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if got, want := docs[0].URL, "https://testshire.example/bins.html"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
}

func TestLoadLinesWithoutExtension(t *testing.T) {
	data := "{\"title\": \"One\", \"text\": \"First.\"}\n{\"title\": \"Two\", \"text\": \"Second.\"}\n"
	docs := load(t, corpus.File{ID: "export.json", Data: []byte(data), Source: corpus.Source{Kind: corpus.KindPage}})
	if diff := cmp.Diff([]string{"export.json#line-1", "export.json#line-2"}, ids(docs)); diff != "" {
		t.Errorf("IDs (-want +got):\n%s", diff)
	}
}

func TestLoadHonoursCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := jsondoc.Load(ctx, fixture(t, "articles.json", corpus.KindPage, ""))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}
