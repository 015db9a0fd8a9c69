package evalweb

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/evals"
	"github.com/townhall-civic/townhall/evals/htmlreport"
)

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "suite"
	}
	return s
}

// writeReports writes the run's JSON and HTML reports. The HTML compares
// the run with the suite's previous report, when there is one.
func (h *Handler) writeReports(id, suite string, m *evals.Matrix) (jsonName, htmlName string, err error) {
	base := id + "-" + slug(suite)
	opt := htmlreport.Options{Title: "Townhall evaluation: " + suite, Generated: h.cfg.Now()}
	if prev := h.previousReport(suite, base); prev != "" {
		if old, err := evals.ReadMatrixFile(filepath.Join(h.cfg.ReportsDir, prev)); err == nil {
			opt.Comparisons, _ = evals.CompareMatrix(old, m)
		}
	}
	var js bytes.Buffer
	if err := m.WriteJSON(&js); err != nil {
		return "", "", err
	}
	var page bytes.Buffer
	if err := htmlreport.Write(&page, m, opt); err != nil {
		return "", "", err
	}
	jsonName, htmlName = base+".json", base+".html"
	if err := writeAtomic(filepath.Join(h.cfg.ReportsDir, htmlName), page.Bytes()); err != nil {
		return "", "", err
	}
	if err := writeAtomic(filepath.Join(h.cfg.ReportsDir, jsonName), js.Bytes()); err != nil {
		return "", "", err
	}
	return jsonName, htmlName, nil
}

// previousReport returns the newest JSON report of suite written before
// the report named base, or "".
func (h *Handler) previousReport(suite, base string) string {
	entries, err := os.ReadDir(h.cfg.ReportsDir)
	if err != nil {
		return ""
	}
	suffix := "-" + slug(suite) + ".json"
	best := ""
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, suffix) && n < base+".json" && n > best {
			best = n
		}
	}
	return best
}

// writeAtomic writes through a temporary file and a rename, so the list
// never shows half a report.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// reportEntry is one report in the list: its JSON and HTML files, either
// of which may be missing (reports copied in from CI, say).
type reportEntry struct {
	Name     string
	JSON     string
	HTML     string
	Modified time.Time
}

// maxListed caps the report list.
const maxListed = 200

// listReports lists the reports folder, newest first.
func (h *Handler) listReports() ([]reportEntry, error) {
	entries, err := os.ReadDir(h.cfg.ReportsDir)
	if err != nil {
		return nil, err
	}
	byName := map[string]*reportEntry{}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !reportName(n) {
			continue
		}
		base := strings.TrimSuffix(strings.TrimSuffix(n, ".json"), ".html")
		r := byName[base]
		if r == nil {
			r = &reportEntry{Name: base}
			byName[base] = r
		}
		if strings.HasSuffix(n, ".json") {
			r.JSON = n
		} else {
			r.HTML = n
		}
		if info, err := e.Info(); err == nil && info.ModTime().After(r.Modified) {
			r.Modified = info.ModTime()
		}
	}
	out := make([]reportEntry, 0, len(byName))
	for _, r := range byName {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Modified.Equal(out[j].Modified) {
			return out[i].Modified.After(out[j].Modified)
		}
		return out[i].Name > out[j].Name
	})
	if len(out) > maxListed {
		out = out[:maxListed]
	}
	return out, nil
}
