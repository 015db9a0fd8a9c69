package jsondoc

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/text"
)

// bodyKeys name a record's body text, in reading order.
var bodyKeys = []string{"description", "summary", "excerpt", "introduction", "content_html", "html", "body", "content", "text", "answer"}

// dateKeys name a record's date, in order of preference.
var dateKeys = []string{"last_modified", "updated_at", "modified", "published", "published_date", "date", "created_at"}

// skipKeys are bookkeeping fields that say nothing to a reader.
var skipKeys = words("id var class source_file source_path chunk_index token_count chunkCount url href link hash")

// recordDocs splits a file that is a collection of records: a top-level
// array of objects, or an object whose largest array holds them. The
// records must mostly have a title and either body text or nested detail;
// otherwise the file is not a collection and ok is false. Each record
// becomes "path#<id>" (its own id when that is short, safe and unique) or
// "path#item-N"; the object's other fields, if any say something, become
// one more document with the file's own ID.
func recordDocs(f corpus.File, v any) ([]corpus.Document, bool) {
	var items []any
	var container *object
	var arrayKey string
	switch x := v.(type) {
	case []any:
		items = x
	case *object:
		for _, k := range x.keys {
			if a, ok := x.vals[k].([]any); ok && len(a) > len(items) && isObjects(a) {
				items, arrayKey = a, k
			}
		}
		container = x
	}
	if len(items) < 2 || !isCollection(items) {
		return nil, false
	}
	keys := itemKeys(items, "item-", func(i int) int { return i + 1 })
	var docs []corpus.Document
	for i, it := range items {
		o, _ := it.(*object)
		if o == nil {
			continue
		}
		docs = append(docs, recordDoc(f, o, keys[i], i+1))
	}
	if container != nil {
		rest := &object{vals: map[string]any{}}
		for _, k := range container.keys {
			if k != arrayKey {
				rest.keys = append(rest.keys, k)
				rest.vals[k] = container.vals[k]
			}
		}
		if more, err := treeDoc(f, rest, false); err == nil && len(strings.Fields(more[0].Text())) >= 5 {
			docs = append(docs, more[0])
		}
	}
	return docs, true
}

func isObjects(a []any) bool {
	n := 0
	for _, v := range a {
		if _, ok := v.(*object); ok {
			n++
		}
	}
	return n*10 >= len(a)*8
}

// isCollection reports whether most items have a title, and at least half
// have body text or nested records.
func isCollection(items []any) bool {
	titled, bodied := 0, 0
	for _, it := range items {
		o, _ := it.(*object)
		if o == nil {
			continue
		}
		if titleOf(o) != "" {
			titled++
		}
		if hasBody(o) {
			bodied++
		}
	}
	return titled*10 >= len(items)*8 && bodied*2 >= len(items)
}

func hasBody(o *object) bool {
	for _, k := range bodyKeys {
		if o.str(k) != "" {
			return true
		}
	}
	for _, k := range o.keys {
		if a, ok := o.vals[k].([]any); ok && len(a) > 0 && isObjects(a) {
			return true
		}
	}
	return false
}

// itemKeys chooses the key part of each item's document ID: the item's
// "id" when it is safe, unique within the file and does not start with
// prefix, else prefix followed by num(i) for the i-th item.
func itemKeys(items []any, prefix string, num func(i int) int) []string {
	count := map[string]int{}
	for _, it := range items {
		if o, ok := it.(*object); ok {
			count[o.str("id")]++
		}
	}
	keys := make([]string, len(items))
	for i, it := range items {
		o, _ := it.(*object)
		if id := o.str("id"); safeKey(id) && count[id] == 1 && !strings.HasPrefix(id, prefix) {
			keys[i] = id
		} else {
			keys[i] = prefix + strconv.Itoa(num(i))
		}
	}
	return keys
}

// recordDoc renders one record: its title, its body fields (HTML, Markdown
// or text) and its other fields as "Label: value" lines.
func recordDoc(f corpus.File, o *object, key string, n int) corpus.Document {
	d := corpus.Document{ID: f.ID + "#" + key, Kind: f.Source.Kind, Council: f.Council}
	d.Title = text.Truncate(titleOf(o), 150)
	if d.Title == "" {
		d.Title = fileTitle(f.ID) + " " + strconv.Itoa(n)
	}
	for _, k := range []string{"url", "link", "href"} {
		if u := o.str(k); strings.HasPrefix(u, "http") {
			d.URL = u
			break
		}
	}
	used := map[string]bool{}
	for _, k := range titleKeys {
		if o.str(k) != "" {
			used[k] = true
			break
		}
	}
	for _, k := range dateKeys {
		if t, ok := parseTime(o.str(k)); ok {
			d.Date = t
			break
		}
	}
	seen := map[string]bool{}
	for _, k := range bodyKeys {
		s := o.str(k)
		if s == "" {
			continue
		}
		used[k] = true
		if seen[s] {
			continue
		}
		seen[s] = true
		d.Sections = append(d.Sections, bodySections(s, nil)...)
	}
	rest := &object{vals: map[string]any{}}
	for _, k := range o.keys {
		if used[k] || skipKeys[k] || strings.HasPrefix(k, "_") {
			continue
		}
		rest.keys = append(rest.keys, k)
		rest.vals[k] = o.vals[k]
	}
	t := &tree{}
	t.object(rest, nil, "")
	d.Sections = append(d.Sections, t.sections...)
	return d
}

// loadLines reads JSON Lines: one document per line, "path#<id>" or
// "path#line-N" for the 1-based line N. Lines that do not parse are
// skipped; if none parses, the first fault is returned.
func loadLines(ctx context.Context, f corpus.File, data []byte) ([]corpus.Document, error) {
	var (
		items    []any
		lineNums []int
		firstErr error
	)
	for i, line := range bytes.Split(data, []byte("\n")) {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		v, err := decode(line)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("line %d: %w", i+1, err)
			}
			continue
		}
		items = append(items, v)
		lineNums = append(lineNums, i+1)
	}
	if len(items) == 0 {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, corpus.ErrEmpty
	}
	keys := itemKeys(items, "line-", func(i int) int { return lineNums[i] })
	var docs []corpus.Document
	for i, v := range items {
		if o, ok := v.(*object); ok {
			docs = append(docs, recordDoc(f, o, keys[i], lineNums[i]))
			continue
		}
		t := &tree{}
		t.value(v, nil, "")
		if len(t.sections) > 0 {
			docs = append(docs, corpus.Document{ID: f.ID + "#" + keys[i], Kind: f.Source.Kind,
				Title: fileTitle(f.ID) + " line " + strconv.Itoa(lineNums[i]), Sections: t.sections})
		}
	}
	return docs, nil
}
