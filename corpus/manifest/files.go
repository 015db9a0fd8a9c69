package manifest

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
)

// Entry is one file selected by a manifest source.
type Entry struct {
	ID      string        // path relative to the root, slash-separated
	AbsPath string        // absolute path to read, symbolic links resolved
	Source  corpus.Source // the first source that matched the file
	Council string        // the source's council, else the manifest's
	BaseURL string        // the source's base URL, else the manifest's
}

// Files lists every file selected by m's sources, sorted by ID. A file
// matched by several sources belongs to the first of them. Problems with
// single files or sources (a link out of the root, a source that matches
// nothing, an unreadable folder) are returned as *corpus.FileError values
// alongside the files that could be listed; the walk carries on past them.
// Only an unusable root stops it.
func Files(m *corpus.Manifest) ([]Entry, []error) {
	root, err := filepath.Abs(m.RootDir())
	if err != nil {
		return nil, []error{fmt.Errorf("manifest: root: %w", err)}
	}
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, []error{fmt.Errorf("manifest: root: %w", err)}
	}
	if fi, err := os.Stat(real); err != nil {
		return nil, []error{fmt.Errorf("manifest: root: %w", err)}
	} else if !fi.IsDir() {
		return nil, []error{fmt.Errorf("manifest: root %s is not a folder: %w", root, corpus.ErrInvalid)}
	}
	w := &walker{root: real, claimed: map[string]bool{}}
	for _, s := range m.Sources {
		e := Entry{Source: s, Council: s.Council, BaseURL: s.BaseURL}
		if e.Council == "" {
			e.Council = m.Council
		}
		if e.BaseURL == "" {
			e.BaseURL = m.BaseURL
		}
		w.source(e)
	}
	sort.Slice(w.entries, func(i, j int) bool { return w.entries[i].ID < w.entries[j].ID })
	return w.entries, w.errs
}

// walker collects the files of each source in turn.
type walker struct {
	root    string // absolute, symbolic links resolved
	claimed map[string]bool
	entries []Entry
	errs    []error
}

func (w *walker) fail(id string, err error) {
	w.errs = append(w.errs, &corpus.FileError{Path: id, Err: err})
}

// source adds the files of one source. proto carries the source and the
// resolved council and base URL.
func (w *walker) source(proto Entry) {
	s := proto.Source
	clean, err := corpus.CleanRel(s.Path)
	if err != nil {
		w.fail(s.Path, err)
		return
	}
	segs := splitPath(clean)
	static := 0
	for static < len(segs) && !hasMeta(segs[static]) {
		static++
	}
	prefix := strings.Join(segs[:static], "/")
	var pattern []string
	if static < len(segs) {
		pattern = segs
	}
	var excludes [][]string
	for _, ex := range s.Exclude {
		if c, err := corpus.CleanRel(ex); err == nil {
			excludes = append(excludes, splitPath(c))
		}
	}
	sw := sourceWalk{w: w, proto: proto, pattern: pattern, excludes: excludes}

	start := w.root
	if prefix != "" {
		start, err = w.resolve(filepath.Join(w.root, filepath.FromSlash(prefix)))
		if err != nil {
			w.fail(s.Path, err)
			return
		}
	}
	fi, err := os.Stat(start)
	if err != nil {
		w.fail(s.Path, err)
		return
	}
	if fi.IsDir() {
		sw.walk(start, prefix)
	} else if pattern == nil {
		// The source names one file exactly: take it even if hidden.
		sw.matched++
		sw.add(prefix, start, fi)
	}
	if sw.matched == 0 {
		w.fail(s.Path, fmt.Errorf("no files match: %w", fs.ErrNotExist))
	}
}

// resolve follows symbolic links in p and refuses a result outside the
// root.
func (w *walker) resolve(p string) (string, error) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	if !within(w.root, real) {
		return "", fmt.Errorf("symbolic link leads out of the root: %w", corpus.ErrOutsideRoot)
	}
	return real, nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// sourceWalk is the walk of one source.
type sourceWalk struct {
	w        *walker
	proto    Entry
	pattern  []string   // nil when the source is a plain folder
	excludes [][]string // exclude globs, split into segments
	matched  int        // files matched, claimed or not
}

// walk visits every file below dir, whose ID is idPrefix.
func (sw *sourceWalk) walk(dir, idPrefix string) {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		id := idPrefix
		if p != dir {
			rel, rerr := filepath.Rel(dir, p)
			if rerr != nil {
				return rerr
			}
			id = path.Join(idPrefix, filepath.ToSlash(rel))
		}
		if err != nil {
			sw.w.fail(id, err)
			return nil // skip what cannot be read and carry on
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != dir && sw.excluded(id) {
				return filepath.SkipDir
			}
			return nil
		}
		if !sw.selects(id) {
			return nil
		}
		target := p
		if d.Type()&fs.ModeSymlink != 0 {
			real, err := sw.w.resolve(p)
			if err != nil {
				sw.w.fail(id, err)
				return nil
			}
			target = real
		}
		fi, err := os.Stat(target)
		if err != nil {
			sw.w.fail(id, err)
			return nil
		}
		if !fi.Mode().IsRegular() {
			return nil // folders behind links, devices, pipes
		}
		sw.matched++
		sw.add(id, target, fi)
		return nil
	})
	if err != nil {
		sw.w.fail(idPrefix, err)
	}
}

func (sw *sourceWalk) selects(id string) bool {
	if sw.pattern != nil && !match(sw.pattern, splitPath(id)) {
		return false
	}
	return !sw.excluded(id)
}

// excluded reports whether id or one of its folders matches an exclude.
func (sw *sourceWalk) excluded(id string) bool {
	segs := splitPath(id)
	for _, ex := range sw.excludes {
		for n := len(segs); n > 0; n-- {
			if match(ex, segs[:n]) {
				return true
			}
		}
	}
	return false
}

func (sw *sourceWalk) add(id, abs string, fi fs.FileInfo) {
	if sw.w.claimed[id] || (sw.excludes != nil && sw.excluded(id)) {
		return
	}
	sw.w.claimed[id] = true
	e := sw.proto
	e.ID = id
	e.AbsPath = abs
	sw.w.entries = append(sw.w.entries, e)
}

func splitPath(p string) []string {
	if p == "" || p == "." {
		return nil
	}
	return strings.Split(p, "/")
}

func hasMeta(seg string) bool { return strings.ContainsAny(seg, `*?[\`) }

// match reports whether the path segments name match the pattern
// segments, where a "**" segment matches any number of segments.
func match(pattern, name []string) bool {
	for len(pattern) > 0 {
		if pattern[0] == "**" {
			for len(pattern) > 0 && pattern[0] == "**" {
				pattern = pattern[1:]
			}
			if len(pattern) == 0 {
				return true
			}
			for i := range len(name) + 1 {
				if match(pattern, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pattern[0], name[0]); !ok {
			return false
		}
		pattern, name = pattern[1:], name[1:]
	}
	return len(name) == 0
}

// ReadFile reads the file of e into a corpus.File. A file over maxBytes is
// refused with an error wrapping corpus.ErrTooLarge before it is read, so
// a huge upload costs nothing; maxBytes <= 0 means no limit. Errors do
// not repeat e.ID, since callers such as corpus.Ingest record it with them.
func ReadFile(e Entry, maxBytes int64) (corpus.File, error) {
	data, err := readLimited(e.AbsPath, maxBytes)
	if err != nil {
		return corpus.File{}, err
	}
	return corpus.File{ID: e.ID, Data: data, Source: e.Source, Council: e.Council, BaseURL: e.BaseURL}, nil
}

func readLimited(name string, maxBytes int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file: %w", corpus.ErrUnsupported)
	}
	size := fi.Size()
	if maxBytes > 0 && size > maxBytes {
		return nil, fmt.Errorf("%d bytes, limit %d: %w", size, maxBytes, corpus.ErrTooLarge)
	}
	var r io.Reader = f
	if maxBytes > 0 {
		// The file may grow between Stat and Read; never read past the
		// limit.
		r = io.LimitReader(f, maxBytes+1)
	}
	var buf bytes.Buffer
	buf.Grow(int(size) + 1)
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	if maxBytes > 0 && int64(buf.Len()) > maxBytes {
		return nil, fmt.Errorf("over %d bytes: %w", maxBytes, corpus.ErrTooLarge)
	}
	return buf.Bytes(), nil
}
