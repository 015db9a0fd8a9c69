package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// progress draws a bar on a terminal and prints plain lines otherwise
// (logs, CI), at most one line every few seconds so logs stay readable.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	label string
	start time.Time
	last  time.Time
	width int
}

func newProgress(w io.Writer, label string) *progress {
	p := &progress{w: w, label: label, start: time.Now(), width: 80}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
		if wd, _, err := term.GetSize(int(f.Fd())); err == nil && wd > 40 {
			p.width = wd
		}
	}
	return p
}

// update reports done of total, with an optional detail (a file name).
func (p *progress) update(done, total int, detail string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	final := done == total
	if p.tty {
		if !final && now.Sub(p.last) < 50*time.Millisecond {
			return
		}
		p.last = now
		pct := 0.0
		if total > 0 {
			pct = float64(done) / float64(total)
		}
		barW := 30
		fill := int(pct * float64(barW))
		head := fmt.Sprintf("\r%s [%s%s] %3.0f%% %d/%d ", p.label, strings.Repeat("=", fill), strings.Repeat(" ", barW-fill), pct*100, done, total)
		room := p.width - len(head) - 1
		if room > 0 && len(detail) > room {
			detail = "…" + detail[len(detail)-room+1:]
		} else if room <= 0 {
			detail = ""
		}
		fmt.Fprintf(p.w, "%s%-*s", head, max(room, 0), detail)
		if final {
			fmt.Fprintln(p.w)
		}
		return
	}
	if !final && now.Sub(p.last) < 5*time.Second && done != 1 {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "%s: %d/%d (%s) %s\n", p.label, done, total, time.Since(p.start).Round(time.Millisecond), detail)
}
