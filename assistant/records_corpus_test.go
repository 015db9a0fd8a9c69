package assistant_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/jsondoc"
	"github.com/townhall-civic/townhall/corpus/manifest"
	"github.com/townhall-civic/townhall/corpus/pdf"
	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/corpus/tabular"
	"github.com/townhall-civic/townhall/foi/ledger/ledgertest"
)

// TestRecordsEvalSuites answers the spending and contract cases of the
// development suite (shared corpus) and the demo suites with the records
// answerer alone, and logs how many expected facts the answers hold. It
// reads real data, so it runs only when TOWNHALL_RECORDS_EVAL is set;
// TOWNHALL_RECORDS_DB may name a records.db to reuse between runs.
func TestRecordsEvalSuites(t *testing.T) {
	if os.Getenv("TOWNHALL_RECORDS_EVAL") == "" {
		t.Skip("set TOWNHALL_RECORDS_EVAL=1 to run the record answerer over the eval suites")
	}
	for _, tc := range []struct {
		name, manifest, suite string
		tags                  []string
	}{
		{"dev", "../evals/shared-corpus.yaml", "../../shared/evals/dev.jsonl", []string{"spend"}},
		{"demo", "../testdata/demo/demo.yaml", "../testdata/demo/suite.jsonl", []string{"spending", "contracts"}},
		{"heldout", "../testdata/demo/demo.yaml", "../testdata/demo/heldout.jsonl", []string{"spending", "contracts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := os.Stat(tc.suite); err != nil {
				t.Skipf("suite not present: %v", err)
			}
			store := recOpenFor(t, tc.manifest, tc.name)
			a := &assistant.Records{Store: store, Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }}
			cases := recReadSuite(t, tc.suite, tc.tags)
			answered, facts, found, cited := 0, 0, 0, 0
			for _, c := range cases {
				q := c.Turns[len(c.Turns)-1]
				start := time.Now()
				d, ok, err := a.AnswerRecords(context.Background(), q)
				if err != nil {
					t.Fatalf("%s: %v", c.ID, err)
				}
				ms := time.Since(start).Milliseconds()
				text := ""
				hit := false
				if ok {
					answered++
					var parts []string
					for _, s := range d.Sentences {
						parts = append(parts, s.Text)
					}
					text = strings.Join(parts, " ")
					for _, cit := range d.Citations {
						for _, src := range c.Expect.Sources {
							if cit.DocID == src || corpus.FileID(cit.DocID) == src {
								hit = true
							}
						}
					}
				}
				if hit {
					cited++
				}
				n := 0
				for _, f := range c.Expect.Facts {
					if recHasFact(text, f) {
						n++
					}
				}
				facts += len(c.Expect.Facts)
				found += n
				t.Logf("%s ok=%v facts=%d/%d cited=%v %dms\n  Q: %s\n  A: %s", c.ID, ok, n, len(c.Expect.Facts), hit, ms, q, text)
			}
			t.Logf("%s: %d cases, %d answered, facts %d/%d, citation hits %d", tc.name, len(cases), answered, found, facts, cited)
		})
	}
}

type recEvalCase struct {
	ID     string   `json:"id"`
	Turns  []string `json:"turns"`
	Tags   []string `json:"tags"`
	Expect struct {
		Intent  string   `json:"intent"`
		Sources []string `json:"sources"`
		Facts   []string `json:"facts"`
	} `json:"expect"`
}

func recReadSuite(t *testing.T, path string, tags []string) []recEvalCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []recEvalCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		var c recEvalCase
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatal(err)
		}
		if tags == nil {
			out = append(out, c)
			continue
		}
		for _, tag := range c.Tags {
			for _, want := range tags {
				if tag == want {
					out = append(out, c)
					goto next
				}
			}
		}
	next:
	}
	return out
}

var recFactPunct = regexp.MustCompile(`[,.;:!?'"()]`)

// hasFact matches as the eval format says: case, repeated white space and
// the punctuation ,.;:!?'"() are ignored; "a|b" means either.
func recHasFact(text, fact string) bool {
	norm := func(s string) string {
		return strings.Join(strings.Fields(recFactPunct.ReplaceAllString(strings.ToLower(s), "")), " ")
	}
	for _, alt := range strings.Split(fact, "|") {
		if strings.Contains(norm(text), norm(alt)) {
			return true
		}
	}
	return false
}

// openRecordsFor ingests a manifest's spending and contracts files into a
// records store, reusing $TOWNHALL_RECORDS_DB-<name> when set.
func recOpenFor(t *testing.T, manifestPath, name string) *records.Store {
	t.Helper()
	m, err := manifest.Load(manifestPath)
	if err != nil {
		t.Skipf("manifest: %v", err)
	}
	if _, err := os.Stat(m.RootDir()); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	path := filepath.Join(t.TempDir(), "records.db")
	if p := os.Getenv("TOWNHALL_RECORDS_DB"); p != "" {
		path = p + "-" + name
	}
	ctx := context.Background()
	s, err := records.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	files, _ := ledgertest.RecordFiles(m, ledgertest.ReadCapped)
	loaders := corpus.Loaders{"csv": tabular.Load, "json": jsondoc.Load, "contractsfinder": jsondoc.Load, "pdf": pdf.Load}
	sum, err := corpus.Ingest(ctx, files, s, corpus.IngestOptions{Loaders: loaders})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("records: %d files ingested, %d unchanged, %d documents in %s", sum.Ingested, sum.Unchanged, sum.Documents, sum.Duration.Round(time.Millisecond))
	return s
}
