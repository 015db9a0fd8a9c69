package bleve

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestOpenRejectsOtherMapping(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idx")
	idx, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.idx.SetInternal(mappingVersionKey, []byte("townhall-chunks-0")); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{}); !errors.Is(err, ErrIncompatible) {
		t.Errorf("got %v, want an error wrapping ErrIncompatible", err)
	}
}
