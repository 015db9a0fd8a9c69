package portal

import (
	"bytes"
	"embed"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// assets serves /assets/: govuk-frontend's CSS, fonts, images and
// JavaScript from the configured folder, and the portal's own files
// (townhall.css, fallback.css, init.mjs) from the binary.
type assets struct {
	dir     string // govuk-frontend's dist/govuk folder
	govuk   bool   // the folder has the compiled CSS
	css     []byte // govuk-frontend.min.css, rewritten unless TransportFont
	started time.Time
}

// fontFace matches govuk-frontend's @font-face rules for GDS Transport.
var fontFace = regexp.MustCompile(`@font-face\{font-family:GDS Transport;[^}]*\}`)

func loadAssets(dir string, transport bool, log *slog.Logger) *assets {
	a := &assets{dir: dir, started: time.Now()}
	if dir == "" {
		return a
	}
	css, err := os.ReadFile(filepath.Join(dir, "govuk-frontend.min.css"))
	if err != nil {
		log.Warn("govuk-frontend not found; using the fallback stylesheet (run make test-deps)", "dir", dir, "err", err)
		return a
	}
	if !transport {
		css = fontFace.ReplaceAll(css, nil)
		css = bytes.ReplaceAll(css, []byte("font-family:GDS Transport,arial,sans-serif"), []byte("font-family:arial,sans-serif"))
		css = bytes.ReplaceAll(css, []byte("font-family:GDS Transport"), []byte("font-family:arial,sans-serif"))
	}
	a.css, a.govuk = css, true
	return a
}

// stylesheet is the path of the main stylesheet for the layout.
func (a *assets) stylesheet() string {
	if a.govuk {
		return "/assets/govuk-frontend.min.css"
	}
	return "/assets/fallback.css"
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/assets/")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	switch {
	case name == "govuk-frontend.min.css" && a.govuk:
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		http.ServeContent(w, r, name, a.started, bytes.NewReader(a.css))
		return
	case name == "townhall.css" || name == "fallback.css" || name == "init.mjs":
		data, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(name, ".mjs") {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		}
		http.ServeContent(w, r, name, a.started, bytes.NewReader(data))
		return
	}
	// govuk-frontend's own files: the JavaScript and everything under
	// assets/ (fonts, images, manifest). http.Dir refuses paths that climb
	// out of the folder.
	if !a.govuk || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	switch {
	case name == "govuk-frontend.min.js":
	case strings.HasPrefix(name, "fonts/"), strings.HasPrefix(name, "images/"), name == "manifest.json":
		name = "assets/" + name
	default:
		http.NotFound(w, r)
		return
	}
	f, err := http.Dir(a.dir).Open("/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	if strings.HasSuffix(name, ".js") {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	http.ServeContent(w, r, name, st.ModTime(), f)
}
