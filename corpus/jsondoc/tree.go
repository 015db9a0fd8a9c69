package jsondoc

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/text"
)

// treeDoc renders a whole file as one document: the top level's plain
// fields first, then one section per nested object or array element, under
// the path of keys that leads to it. With money set (budget sources),
// numbers are pounds unless their key says they are a count or a
// percentage.
func treeDoc(f corpus.File, v any, money bool) ([]corpus.Document, error) {
	o, _ := v.(*object)
	t := &tree{money: money}
	t.value(v, nil, "")
	if len(t.sections) == 0 {
		return nil, fmt.Errorf("no text or figures: %w", corpus.ErrEmpty)
	}
	d := corpus.Document{ID: f.ID, Kind: f.Source.Kind, Council: f.Council, Sections: t.sections}
	d.Title = firstNonEmpty(oneLine(o.str("title")), oneLine(o.obj("meta").str("title")),
		oneLine(o.obj("schema_metadata").str("title")), fileTitle(f.ID))
	if fy := o.str("financial_year"); fy != "" {
		if !strings.Contains(d.Title, fy) {
			d.Title += " " + fy
		}
		d.Date, _ = financialYear(fy)
	}
	if c := oneLine(o.str("council_name")); c != "" && d.Council == "" {
		d.Council = c
	}
	return []corpus.Document{d}, nil
}

// tree collects the sections of a rendered JSON value.
type tree struct {
	money    bool
	sections []corpus.Section
}

func (t *tree) emit(heads []string, lines []string) {
	if len(lines) == 0 {
		return
	}
	t.sections = append(t.sections, corpus.Section{Headings: heads, Text: strings.Join(lines, "\n")})
}

// value renders v under heads; key names v for number formatting.
func (t *tree) value(v any, heads []string, key string) {
	switch x := v.(type) {
	case *object:
		t.object(x, heads, key)
	case []any:
		t.array(x, heads, key)
	default:
		if s := t.scalar(v, key); s != "" {
			t.emit(heads, []string{s})
		}
	}
}

func (t *tree) object(o *object, heads []string, key string) {
	var lines []string
	var nested []string
	for _, k := range o.keys {
		v := o.vals[k]
		ctx := contextKey(k, key)
		switch x := v.(type) {
		case *object:
			// Below the top level, a small object fits on one line; at the
			// top, each key gets its own section.
			if line, ok := t.inline(x, "", ctx); ok && len(heads) > 0 {
				if line != "" {
					lines = append(lines, humanize(k)+": "+line)
				}
				continue
			}
			nested = append(nested, k)
		case []any:
			if len(x) == 0 {
				continue
			}
			if line, ok := t.list(x, ctx); ok {
				if strings.HasPrefix(line, "\n") {
					lines = append(lines, humanize(k)+":"+line)
				} else if line != "" {
					lines = append(lines, humanize(k)+": "+line)
				}
				continue
			}
			nested = append(nested, k)
		default:
			if s := t.scalar(v, ctx); s != "" {
				lines = append(lines, humanize(k)+": "+s)
			}
		}
	}
	t.emit(heads, lines)
	for _, k := range nested {
		t.value(o.vals[k], with(heads, humanize(k)), contextKey(k, key))
	}
}

func (t *tree) array(a []any, heads []string, key string) {
	if line, ok := t.list(a, key); ok {
		if line = strings.TrimPrefix(line, "\n"); line != "" {
			t.emit(heads, []string{line})
		}
		return
	}
	if lines, ok := t.rows(a, key); ok {
		t.emit(heads, lines)
		return
	}
	for i, v := range a {
		switch x := v.(type) {
		case *object:
			_, label := labelOf(x, i)
			t.object(x, with(heads, label), key)
		default:
			t.value(v, with(heads, strconv.Itoa(i+1)), key)
		}
	}
}

// rows renders an array of small flat objects as one line each, led by
// the object's label: [{year: "2021-22", value: 4239000}, ...] becomes
// "2021-22: £4,239,000". It reports false if any element will not fit on
// a line.
func (t *tree) rows(a []any, key string) ([]string, bool) {
	lines := make([]string, 0, len(a))
	for i, v := range a {
		o, ok := v.(*object)
		if !ok {
			return nil, false
		}
		lk, label := labelOf(o, i)
		if lk == "" {
			return nil, false
		}
		line, ok := t.inline(o, lk, key)
		if !ok {
			return nil, false
		}
		lines = append(lines, label+": "+line)
	}
	return lines, true
}

// inline renders an object of at most three plain fields (skip aside) on
// one line: "from £685,601, to £1,583,760, growth pct 131%", or just the
// value when the one field is a value, amount or total. It reports false
// for a larger or nested object.
func (t *tree) inline(o *object, skip, key string) (string, bool) {
	var parts []string
	single := ""
	for _, k := range o.keys {
		if k == skip {
			continue
		}
		v := o.vals[k]
		switch v.(type) {
		case *object, []any:
			return "", false
		case nil:
			continue
		}
		s := t.scalar(v, contextKey(k, key))
		if s == "" {
			continue
		}
		if len(parts) == 3 {
			return "", false
		}
		single = s
		parts = append(parts, strings.ToLower(humanize(k))+" "+s)
	}
	if len(parts) == 1 {
		switch strings.ToLower(strings.SplitN(parts[0], " ", 2)[0]) {
		case "value", "amount", "total":
			return single, true
		}
	}
	return strings.Join(parts, ", "), true
}

// list renders an array of plain values on one line, or long strings as
// one "- " line each. It reports false for an array holding objects or
// arrays.
func (t *tree) list(a []any, key string) (string, bool) {
	var parts []string
	long := false
	for _, v := range a {
		switch v.(type) {
		case *object, []any:
			return "", false
		}
		s := t.scalar(v, key)
		if s == "" {
			continue
		}
		if len(s) > 60 {
			long = true
		}
		parts = append(parts, s)
	}
	if long {
		return "\n- " + strings.Join(parts, "\n- "), true
	}
	return strings.Join(parts, ", "), true
}

func (t *tree) scalar(v any, key string) string {
	switch x := v.(type) {
	case string:
		return clean(x)
	case json.Number:
		return t.number(x, key)
	case bool:
		return yesNo(x)
	}
	return ""
}

// number formats n by what its key says it is: a percentage, a count, or
// (for keys about money, or any unlabelled number in a budget) pounds.
func (t *tree) number(n json.Number, key string) string {
	switch numberKind(key) {
	case "thousands":
		return formatMoney(n) + " thousand"
	case "percent":
		return n.String() + "%"
	case "count":
		return n.String()
	case "money":
		return formatMoney(n)
	}
	if t.money {
		return formatMoney(n)
	}
	return n.String()
}

var (
	percentWords = words("pct percent percentage rate share proportion")
	countWords   = words("count number notices months duration version exercises year years id code councils " +
		"contracts rank quantity population days weeks hours score index tokens cover tier lgsl lgil size items pages " +
		"chunkcount workstreams")
	moneyWords = words("value values cost costs amount amounts budget budgets expenditure spend spending price " +
		"fee fees income reserves reserve requirement funding precept balance debt borrowing grant grants charge " +
		"charges total totals opening closing revenue capital tax rates gbp")
)

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// numberKind classifies a key by its last word before any "by":
// "total_notices" is a count, "year_totals" money, "sme_awarded_pct" a
// percentage, and "band_d_by_year" is about "band d".
func numberKind(key string) string {
	ws := strings.Fields(strings.ToLower(humanize(key)))
	for i, w := range ws {
		if w == "by" {
			ws = ws[:i]
			break
		}
	}
	if len(ws) == 0 {
		return ""
	}
	last := ws[len(ws)-1]
	switch {
	case last == "thousands":
		return "thousands"
	case percentWords[last]:
		return "percent"
	case countWords[last]:
		return "count"
	case moneyWords[last]:
		return "money"
	}
	return ""
}

// contextKey is the key that describes a value: its own, unless that is a
// year or a number ("2021-22", "1996/97", "7"), when its parent's is used.
func contextKey(k, parent string) string {
	if k != "" && (k[0] >= '0' && k[0] <= '9') {
		return parent
	}
	return k
}

// labelOf names the i-th object of an array, for a heading or a line: its
// title, or its year, period, date or id. It returns the key the label came
// from, "" when it fell back to the position.
func labelOf(o *object, i int) (key, label string) {
	for _, k := range titleKeys {
		if s := oneLine(o.str(k)); s != "" {
			return k, text.Truncate(s, 80)
		}
	}
	for _, k := range []string{"financial_year", "year", "budget_book_year", "period", "date", "id"} {
		if s := o.str(k); s != "" {
			return k, s
		}
	}
	return "", strconv.Itoa(i + 1)
}

func with(heads []string, h string) []string {
	out := make([]string, len(heads), len(heads)+1)
	copy(out, heads)
	return append(out, h)
}
