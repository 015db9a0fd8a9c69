package jsondoc

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/text"
)

var _ corpus.Loader = Load

// The formats a source may name. Any other format, such as "json", means
// detect the shape from the content.
const (
	FormatGOVUK           = "govuk"
	FormatWDTK            = "wdtk"
	FormatContractsFinder = "contractsfinder"
	FormatOCDS            = "ocds"
)

// Load parses a JSON or JSON Lines file into documents, by the format the
// source names or, failing that, by the shape of the content (see the
// package documentation). It is a corpus.Loader. Errors wrap
// corpus.ErrInvalid for malformed JSON (with the offset and line) or a
// file that is not in the format its source names, and corpus.ErrEmpty for
// a file with nothing to index.
func Load(ctx context.Context, f corpus.File) ([]corpus.Document, error) {
	data := bytes.TrimSpace(f.Data)
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: %w", f.ID, corpus.ErrEmpty)
	}
	data = text.ValidUTF8(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if isLines(f.ID, data) {
		docs, err := loadLines(ctx, f, data)
		return wrap(f, docs, err)
	}
	v, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.ID, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	docs, err := loadValue(f, v)
	return wrap(f, docs, err)
}

func wrap(f corpus.File, docs []corpus.Document, err error) ([]corpus.Document, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.ID, err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("%s: no content: %w", f.ID, corpus.ErrEmpty)
	}
	return docs, nil
}

// loadValue picks the loader for a decoded file.
func loadValue(f corpus.File, v any) ([]corpus.Document, error) {
	o, _ := v.(*object)
	switch strings.ToLower(f.Source.Format) {
	case FormatGOVUK:
		if o == nil {
			return nil, fmt.Errorf("GOV.UK content item must be an object: %w", corpus.ErrInvalid)
		}
		return govukDocs(f, o)
	case FormatWDTK:
		if o == nil {
			return nil, fmt.Errorf("WhatDoTheyKnow request must be an object: %w", corpus.ErrInvalid)
		}
		return wdtkDocs(f, o)
	case FormatContractsFinder:
		if o == nil || o.arr("contracts") == nil {
			return nil, fmt.Errorf("Contracts Finder export must be an object with a contracts array: %w", corpus.ErrInvalid)
		}
		return contractsFinderDocs(f, o)
	case FormatOCDS:
		if rels := ocdsReleases(v); rels == nil {
			return nil, fmt.Errorf("OCDS file has no releases or records: %w", corpus.ErrInvalid)
		}
		return ocdsDocs(f, v)
	}
	switch {
	case isContractsFinder(o):
		return contractsFinderDocs(f, o)
	case ocdsReleases(v) != nil:
		return ocdsDocs(f, v)
	case isGOVUK(o):
		return govukDocs(f, o)
	case isWDTK(o):
		return wdtkDocs(f, o)
	case f.Source.Kind == corpus.KindBudget:
		return treeDoc(f, v, true)
	}
	if docs, ok := recordDocs(f, v); ok {
		return docs, nil
	}
	return treeDoc(f, v, false)
}

// isLines reports whether data is JSON Lines: by extension, or because it
// holds several objects, one per line.
func isLines(id string, data []byte) bool {
	switch strings.ToLower(path.Ext(id)) {
	case ".jsonl", ".ndjson":
		return true
	}
	first, rest, ok := bytes.Cut(data, []byte("\n"))
	if !ok || len(bytes.TrimSpace(rest)) == 0 {
		return false
	}
	first = bytes.TrimSpace(first)
	rest = bytes.TrimSpace(rest)
	return len(first) > 1 && first[0] == '{' && first[len(first)-1] == '}' && rest[0] == '{' &&
		newDecoder(first).Decode(new(any)) == nil
}

// titleKeys name a record's title, in order of preference.
var titleKeys = []string{"title", "name", "heading", "subject", "label", "question", "category_name", "service_name"}

// titleOf returns o's title-like field.
func titleOf(o *object) string {
	for _, k := range titleKeys {
		if s := oneLine(o.str(k)); s != "" {
			return s
		}
	}
	for _, k := range o.keys {
		if strings.HasSuffix(k, "_name") || strings.HasSuffix(k, "_title") || strings.HasSuffix(k, "Name") {
			if s := oneLine(o.str(k)); s != "" {
				return s
			}
		}
	}
	return ""
}
