package corpus

import (
	"context"
	"path"
	"strings"
)

// File is one source file handed to a loader.
type File struct {
	ID      string // path relative to the root, slash-separated
	Data    []byte // whole file contents
	Source  Source // the manifest entry that matched it
	Council string // resolved council name
	BaseURL string // resolved base URL
}

// Loader parses one file into documents. A file may give several documents
// (one per CSV row, one per notice). Errors wrap ErrInvalid, ErrEmpty or
// ErrUnsupported.
type Loader func(ctx context.Context, f File) ([]Document, error)

// Loaders maps a format name to its loader.
type Loaders map[string]Loader

// Format returns the format of f: the source's explicit Format, or one
// detected from the file extension.
func (f File) Format() string {
	if f.Source.Format != "" {
		return f.Source.Format
	}
	switch strings.ToLower(path.Ext(f.ID)) {
	case ".html", ".htm":
		return "html"
	case ".pdf":
		return "pdf"
	case ".csv":
		return "csv"
	case ".json", ".jsonl":
		return "json"
	case ".md", ".markdown":
		return "markdown"
	case ".txt":
		return "text"
	}
	return ""
}

// URLFor joins the base URL and a document ID into a citation link. An
// empty base gives an empty URL, so callers can fall back to the portal.
func URLFor(base, id string) string {
	if base == "" {
		return ""
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(id, "/")
}
