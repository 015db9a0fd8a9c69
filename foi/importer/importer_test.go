package importer_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/html"
	"github.com/townhall-civic/townhall/corpus/jsondoc"
	"github.com/townhall-civic/townhall/corpus/manifest"
	"github.com/townhall-civic/townhall/corpus/tabular"
	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/importer"
	"github.com/townhall-civic/townhall/foi/search"
	"github.com/townhall-civic/townhall/foi/sqlite"
)

func loaders() corpus.Loaders {
	return corpus.Loaders{"html": html.Load, "csv": tabular.Load, "json": jsondoc.Load, "wdtk": jsondoc.Load}
}

func mustManifest(tb testing.TB, name string) *corpus.Manifest {
	tb.Helper()
	m, err := manifest.Load(filepath.Join("testdata", name, "manifest.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func mustStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "foi.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func mustIndex(tb testing.TB) *search.Index {
	tb.Helper()
	ix, err := search.OpenMem(search.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

func TestImportCounts(t *testing.T) {
	ctx := context.Background()
	st, ix := mustStore(t), mustIndex(t)
	opts := importer.Options{Loaders: loaders(), Detect: foi.DetectOptions{KeepEmailDomains: []string{"aldermoor.example"}}}
	rep, err := importer.Import(ctx, mustManifest(t, "council"), opts, st, ix)
	if err != nil {
		t.Fatal(err)
	}
	type count struct {
		Path                             string
		Files, Disclosures, WithExempted int
	}
	var got []count
	for _, s := range rep.Sources {
		got = append(got, count{s.Path, s.Files, s.Disclosures, s.WithExemptions})
	}
	want := []count{{"requests", 2, 2, 1}, {"log/disclosure-log.csv", 1, 3, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("per-source counts mismatch (-want +got):\n%s", diff)
	}
	if _, total, _ := st.FindDisclosures(ctx, foi.DisclosureFilter{}); total != 5 {
		t.Errorf("store holds %d disclosures, want 5", total)
	}
	if n, _ := ix.Count(); n != 5 {
		t.Errorf("index holds %d entries, want 5", n)
	}

	// Re-importing replaces rather than duplicates.
	if _, err := importer.Import(ctx, mustManifest(t, "council"), opts, st, ix); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := st.FindDisclosures(ctx, foi.DisclosureFilter{}); total != 5 {
		t.Errorf("after re-import the store holds %d disclosures, want 5", total)
	}
}

func TestImportRedactsAndAudits(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	opts := importer.Options{Loaders: loaders(), Detect: foi.DetectOptions{KeepEmailDomains: []string{"aldermoor.example"}}}
	if _, err := importer.Import(ctx, mustManifest(t, "council"), opts, st, nil); err != nil {
		t.Fatal(err)
	}
	ds, _, err := st.FindDisclosures(ctx, foi.DisclosureFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		all := d.Title + d.RequestText + d.ResponseText
		for _, name := range []string{"Priya", "Ramanathan", "Nowak", "Tomasz", "01632 960 123"} {
			if strings.Contains(all, name) {
				t.Errorf("%s: published text contains %q", d.ID, name)
			}
		}
	}
	bus, err := st.FindDisclosureByID(ctx, "requests/bus_shelters.json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(bus.ResponseText, "foi@aldermoor.example") {
		t.Errorf("the council's own address was removed: %q", bus.ResponseText)
	}
	audit, err := st.FindRedactions(ctx, bus.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[foi.Kind]bool{}
	for _, a := range audit {
		kinds[a.Kind] = true
	}
	if !kinds[foi.KindName] || !kinds[foi.KindPhone] {
		t.Errorf("audit kinds = %v, want name and phone", kinds)
	}
}

func TestImportEnrichesLogRows(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	if _, err := importer.Import(ctx, mustManifest(t, "council"), importer.Options{Loaders: loaders()}, st, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id         string
		status     foi.Status
		law        foi.Law
		exemptions []string
		department string
	}{
		{"log/disclosure-log.csv#row-1", foi.StatusSuccessful, foi.LawFOIA, nil, "Environment"},
		{"log/disclosure-log.csv#row-2", foi.StatusPartiallySuccessful, foi.LawEIR, []string{"eir:12(5)(e)"}, "Environmental Health"},
		{"log/disclosure-log.csv#row-3", foi.StatusNotHeld, foi.LawFOIA, nil, "Democratic Services"},
		{"requests/bus_shelters.json", foi.StatusPartiallySuccessful, foi.LawFOIA, []string{"foia:43"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			d, err := st.FindDisclosureByID(ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			var ex []string
			for _, e := range d.Exemptions {
				ex = append(ex, e.Key())
			}
			if d.Status != tt.status || d.Law != tt.law || d.Department != tt.department {
				t.Errorf("got %s %s %q, want %s %s %q", d.Status, d.Law, d.Department, tt.status, tt.law, tt.department)
			}
			if diff := cmp.Diff(tt.exemptions, ex); diff != "" {
				t.Errorf("exemptions mismatch (-want +got):\n%s", diff)
			}
		})
	}
	bus, _ := st.FindDisclosureByID(ctx, "requests/bus_shelters.json")
	if got := bus.Responded.Format("2006-01-02"); got != "2024-03-01" {
		t.Errorf("Responded = %s, want 2024-03-01", got)
	}
	if bus.Topic != "Roads, parking and transport" {
		t.Errorf("Topic = %q, want Roads, parking and transport", bus.Topic)
	}
}

func TestImportMalformedFileChangesNothing(t *testing.T) {
	ctx := context.Background()
	st, ix := mustStore(t), mustIndex(t)
	_, err := importer.Import(ctx, mustManifest(t, "broken"), importer.Options{Loaders: loaders()}, st, ix)
	if !errors.Is(err, importer.ErrBadFiles) {
		t.Fatalf("Import error = %v, want ErrBadFiles", err)
	}
	var bad *importer.BadFilesError
	if !errors.As(err, &bad) || len(bad.Failures) != 1 || bad.Failures[0].Path != "broken/requests/truncated.json" {
		t.Fatalf("failures = %v, want just broken/requests/truncated.json", err)
	}
	if !errors.Is(bad.Failures[0], corpus.ErrInvalid) {
		t.Errorf("failure = %v, want it to wrap corpus.ErrInvalid", bad.Failures[0])
	}
	if !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("error %q does not say that nothing changed", err)
	}
	if _, total, _ := st.FindDisclosures(ctx, foi.DisclosureFilter{}); total != 0 {
		t.Errorf("store holds %d disclosures after a failed import, want 0", total)
	}
	if n, _ := ix.Count(); n != 0 {
		t.Errorf("index holds %d entries after a failed import, want 0", n)
	}

	// SkipBadFiles imports the good files and reports the bad one.
	rep, err := importer.Import(ctx, mustManifest(t, "broken"), importer.Options{Loaders: loaders(), SkipBadFiles: true}, st, ix)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Disclosures != 2 || len(rep.Failures) != 1 {
		t.Errorf("imported %d with %d failures, want 2 and 1", rep.Disclosures, len(rep.Failures))
	}
}

func TestTopic(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Potholes on Mill Lane\nHow many potholes were repaired?", "Roads, parking and transport"},
		{"Temporary accommodation\nHow many homeless families are in B&Bs?", "Housing and homelessness"},
		{"Stray dogs\nPlease send me the figures.", ""},
		{"Cyber attacks\nHow many ransomware incidents?", "IT, data and cyber security"},
	}
	for _, tt := range tests {
		if got := importer.Topic(tt.text); got != tt.want {
			t.Errorf("Topic(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestImportMergesThreadAndLogRow checks the merge rule: a thread and a
// log row with the same authority and reference ("FOI 2024/0112" in the
// reply, "FOI-2024-0112" in the log) become one disclosure carrying both
// sources, and a row an earlier import published on its own is removed
// from the store and the index.
func TestImportMergesThreadAndLogRow(t *testing.T) {
	ctx := context.Background()
	st, ix := mustStore(t), mustIndex(t)
	m := mustManifest(t, "merge")
	// An earlier import of the log alone published the row by itself.
	if _, err := importer.Import(ctx, m, importer.Options{Loaders: loaders(), Sources: []string{"log/disclosure-log.csv"}}, st, ix); err != nil {
		t.Fatal(err)
	}
	rep, err := importer.Import(ctx, m, importer.Options{Loaders: loaders()}, st, ix)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Disclosures != 2 || rep.Merged != 1 {
		t.Errorf("report: %d disclosures, %d merged; want 2 and 1", rep.Disclosures, rep.Merged)
	}
	ds, total, err := st.FindDisclosures(ctx, foi.DisclosureFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 {
		t.Fatalf("store holds %d disclosures (%v), want 2", total, ds)
	}
	if n, _ := ix.Count(); n != 2 {
		t.Errorf("index holds %d entries, want 2", n)
	}
	d, err := st.FindDisclosureByID(ctx, "requests/street_lights.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex []string
	for _, e := range d.Exemptions {
		ex = append(ex, e.Key())
	}
	got := struct {
		Sources    []string
		Status     foi.Status
		Department string
		Authority  string
		Exemptions []string
		Received   string
	}{d.Sources, d.Status, d.Department, d.Authority, ex, d.Received.Format("2006-01-02")}
	want := got
	want.Sources = []string{"requests/street_lights.json", "log/disclosure-log.csv#row-1"}
	want.Status = foi.StatusPartiallySuccessful
	want.Department = "Highways" // from the log row
	want.Authority = "Aldermoor District Council"
	want.Exemptions = []string{"foia:43"}
	want.Received = "2024-04-08"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged disclosure mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(d.ResponseText, "4,210") {
		t.Errorf("merged disclosure lost the thread's response: %q", d.ResponseText)
	}
	if strings.Contains(d.RequestText+d.ResponseText, "Oyelaran") {
		t.Errorf("merged disclosure keeps the requester's name")
	}
	if _, err := st.FindDisclosureByID(ctx, "log/disclosure-log.csv#row-1"); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("the merged log row is still published on its own: error = %v", err)
	}
	res, err := ix.Search(ctx, search.Query{Text: "street lights"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"requests/street_lights.json"}, hitIDs(res)); diff != "" {
		t.Errorf("search for the request (-want +got):\n%s", diff)
	}
	// Unrelated disclosures keep their own row.
	if other, err := st.FindDisclosureByID(ctx, "log/disclosure-log.csv#row-2"); err != nil || len(other.Sources) != 0 {
		t.Errorf("unmatched row: %+v, %v; want it alone", other, err)
	}
}

func TestMergeRule(t *testing.T) {
	a := &foi.Disclosure{ID: "t", SourceID: "t", Reference: "FOI 2024/7", Authority: "X Council", ResponseText: "long reply text",
		Status: foi.StatusWaitingClassification}
	b := &foi.Disclosure{ID: "r", SourceID: "r", Reference: "foi-2024-7", Authority: "x council", Status: foi.StatusNotHeld, Department: "Parks"}
	c := &foi.Disclosure{ID: "other", Reference: "FOI-2024-7", Authority: "Y Council"} // another body
	d := &foi.Disclosure{ID: "noref"}
	e := &foi.Disclosure{ID: "noref2"}
	merged, retired := importer.Merge([]*foi.Disclosure{b, a, c, d, e})
	var ids []string
	for _, m := range merged {
		ids = append(ids, m.ID)
	}
	if diff := cmp.Diff([]string{"t", "other", "noref", "noref2"}, ids); diff != "" {
		t.Errorf("merged IDs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"r"}, retired); diff != "" {
		t.Errorf("retired (-want +got):\n%s", diff)
	}
	if m := merged[0]; m.Status != foi.StatusNotHeld || m.Department != "Parks" || len(m.Sources) != 2 {
		t.Errorf("merged = %+v; want the row's status and department and two sources", m)
	}
	if a.Sources != nil || a.Status != foi.StatusWaitingClassification {
		t.Errorf("Merge changed its input: %+v", a)
	}
}

func hitIDs(r *search.Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}
