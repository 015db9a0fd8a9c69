package jsondoc

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
)

func TestNumberKind(t *testing.T) {
	tests := []struct{ key, want string }{
		{"total_notices", "count"},
		{"year_totals", "money"},
		{"sme_awarded_pct", "percent"},
		{"band_d_by_year", ""},
		{"Central services_change_pct", "percent"},
		{"months_cover", "count"},
		{"net_revenue_expenditure", "money"},
		{"value_thousands", "thousands"},
		{"chunkCount", "count"},
		{"from", ""},
	}
	for _, tt := range tests {
		if got := numberKind(tt.key); got != tt.want {
			t.Errorf("numberKind(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct{ in, want string }{
		{"18779000", "£18,779,000"},
		{"148.29", "£148.29"},
		{"331.7", "£331.70"},
		{"-118000", "-£118,000"},
		{"0", "£0"},
		{"1e6", "£1,000,000"},
	}
	for _, tt := range tests {
		if got := formatMoney(json.Number(tt.in)); got != tt.want {
			t.Errorf("formatMoney(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHumanize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"net_revenue_expenditure", "Net revenue expenditure"},
		{"chunkCount", "Chunk count"},
		{"band_d_by_year", "Band D by year"},
		{"Highways and transport services", "Highways and transport services"},
		{"Central services_change_pct", "Central services change pct"},
		{"RO2", "RO2"},
	}
	for _, tt := range tests {
		if got := humanize(tt.in); got != tt.want {
			t.Errorf("humanize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHTMLSections(t *testing.T) {
	src := `<h1>Bins</h1><p>Collected   weekly.<br>Put them out by 7am.</p>
<nav><a href="/">Home</a></nav>
<h2>Missed</h2><ol><li>Check the calendar</li><li><p>Report it</p></li></ol>
<h4>Skipped level</h4><p>Deep heading.</p>
<h2>Garden</h2><pre>line one
  line two</pre><style>p{}</style>`
	want := []corpus.Section{
		{Headings: []string{"Base", "Bins"}, Text: "Collected weekly.\nPut them out by 7am."},
		{Headings: []string{"Base", "Bins", "Missed"}, Text: "- Check the calendar\n- Report it"},
		{Headings: []string{"Base", "Bins", "Missed", "Skipped level"}, Text: "Deep heading."},
		{Headings: []string{"Base", "Bins", "Garden"}, Text: "line one\nline two"},
	}
	if diff := cmp.Diff(want, htmlSections(src, []string{"Base"})); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
}

func TestTextSections(t *testing.T) {
	src := "Intro line.\n\n## Paying\n\nPay [online](https://example.org) or by phone.\n\n### By phone\n$C\nCall 0300 000 0000\n$C\n\n" +
		"# A heading too long to be a real heading because an export dropped every line break in the page and kept going on and on and on"
	want := []corpus.Section{
		{Text: "Intro line."},
		{Headings: []string{"Paying"}, Text: "Pay online or by phone."},
		{Headings: []string{"Paying", "By phone"}, Text: "Call 0300 000 0000\n\nA heading too long to be a real heading because an export dropped every line break in the page and kept going on and on and on"},
	}
	if diff := cmp.Diff(want, textSections(src, nil)); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
}
