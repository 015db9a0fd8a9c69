package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/townhall-civic/townhall/retrieval"
)

// Catalog is a retrieval.Catalog held in memory and saved as JSON. Save
// writes a temporary file and renames it, so a crash leaves the old
// catalog whole.
type Catalog struct {
	mu    sync.Mutex
	path  string
	files map[string]retrieval.FileState
}

var (
	_ retrieval.Catalog    = (*Catalog)(nil)
	_ retrieval.FileLookup = (*Catalog)(nil)
)

// OpenCatalog reads the catalog at path, or starts an empty one if the
// file does not exist.
func OpenCatalog(path string) (*Catalog, error) {
	c := &Catalog{path: path, files: map[string]retrieval.FileState{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &c.files); err != nil {
		return nil, fmt.Errorf("catalog %s: %v: %w", path, err, retrieval.ErrInvalid)
	}
	return c, nil
}

// Files implements retrieval.Catalog.
func (c *Catalog) Files(context.Context) (map[string]retrieval.FileState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]retrieval.FileState, len(c.files))
	for k, v := range c.files {
		out[k] = v
	}
	return out, nil
}

// LookupFiles implements retrieval.FileLookup.
func (c *Catalog) LookupFiles(_ context.Context, ids []string) (map[string]retrieval.FileState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]retrieval.FileState, len(ids))
	for _, id := range ids {
		if st, ok := c.files[id]; ok {
			out[id] = st
		}
	}
	return out, nil
}

// PutFile implements retrieval.Catalog.
func (c *Catalog) PutFile(_ context.Context, id string, st retrieval.FileState) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files[id] = st
	return nil
}

// DeleteFiles implements retrieval.Catalog.
func (c *Catalog) DeleteFiles(_ context.Context, ids []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		delete(c.files, id)
	}
	return nil
}

// Save writes the catalog atomically.
func (c *Catalog) Save() error {
	c.mu.Lock()
	data, err := json.Marshal(c.files)
	c.mu.Unlock()
	if err != nil {
		return err
	}
	return writeFileAtomic(c.path, data)
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
