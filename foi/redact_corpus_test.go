package foi

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// wdtkDir is the Sheffield WhatDoTheyKnow corpus, a sibling of the repo.
const wdtkDir = "../../shared/corpus/sheffield_foi_wdtk/requests"

type wdtkThread struct {
	Title  string `json:"title"`
	Events []struct {
		Type    string   `json:"type"`
		Content []string `json:"content"`
	} `json:"events"`
}

func loadWDTK(t *testing.T) map[string]wdtkThread {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(wdtkDir, "*.json"))
	if len(files) == 0 {
		t.Skipf("corpus not present at %s", wdtkDir)
	}
	threads := map[string]wdtkThread{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var th wdtkThread
		if err := json.Unmarshal(b, &th); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		threads[filepath.Base(f)] = th
	}
	return threads
}

var (
	faithfullyRE = regexp.MustCompile(`(?i)yours faithfully,?[ \t]*\n+[ \t]*([^\n]+)`)
	// orgishRE marks sign-off lines that are organisations, not people.
	// It is deliberately separate from the package's own word lists.
	orgishRE = regexp.MustCompile(`(?i)\b(society|unit|research|action|bbc|council|ltd|group|campaign|news|network|uk|team|the mess)\b`)
)

// requesterName is the requester's name as the first outgoing message
// signs it, reduced to the name proper: no honorific, no postnominals, no
// trailing organisation. ok is false when the line is not a person.
func requesterName(th wdtkThread) (full, core string, ok bool) {
	for _, e := range th.Events {
		if e.Type != "outgoing" {
			continue
		}
		m := faithfullyRE.FindStringSubmatch(strings.Join(e.Content, "\n"))
		if m == nil {
			return "", "", false
		}
		full = strings.TrimSpace(m[1])
		break
	}
	if full == "" || orgishRE.MatchString(full) || len(strings.Fields(full)) > 5 {
		return full, "", false
	}
	c := full
	if i := strings.IndexAny(c, ",("); i > 0 {
		c = c[:i]
	}
	if i := strings.Index(c, " on behalf"); i > 0 {
		c = c[:i]
	}
	var words []string
	hon := ""
	for i, w := range strings.Fields(c) {
		lw := strings.ToLower(strings.TrimRight(w, "."))
		if i == 0 && (lw == "mr" || lw == "mrs" || lw == "ms" || lw == "miss" || lw == "dr") {
			hon = w
			continue
		}
		if len(w) > 1 && strings.ToUpper(w) == w && i > 0 { // MBE, MRCVS
			continue
		}
		words = append(words, w)
	}
	core = strings.Join(words, " ")
	if hon != "" && len(words) == 1 {
		// "Mr Long": the surname alone is an ordinary word; what must
		// not survive is the honorific with it.
		core = hon + " " + core
	}
	return full, core, core != ""
}

func containsWord(text, word string) bool {
	re := regexp.MustCompile(`(?i)(^|[^\pL])` + regexp.QuoteMeta(word) + `($|[^\pL])`)
	return re.MatchString(text)
}

// TestRedactWDTKThreads runs thread-level redaction over every
// WhatDoTheyKnow thread: names found anywhere in the thread are removed
// from every message. The requester's name from the "Yours faithfully,"
// sign-off must not survive in any message.
func TestRedactWDTKThreads(t *testing.T) {
	threads := loadWDTK(t)
	keys := slices.Sorted(maps.Keys(threads))
	opts := DetectOptions{KeepEmailDomains: []string{"sheffield.gov.uk"}}
	var checked, noSignOff, notPerson, leaks, msgLeaks, messages int
	var names int
	kinds := map[Kind]int{}
	for _, k := range keys {
		th := threads[k]
		full, core, ok := requesterName(th)
		if !ok {
			if full != "" {
				notPerson++
				t.Logf("%s: sign-off %q is not a person's name; not checked", k, full)
			} else {
				noSignOff++
			}
			continue
		}
		checked++
		var texts []string
		for _, e := range th.Events {
			texts = append(texts, strings.Join(e.Content, "\n"))
		}
		o := opts
		for _, tx := range texts {
			o.Names = append(o.Names, FindNames(tx)...)
		}
		names += len(dedupeNames(o.Names))
		leaked := false
		for i, tx := range texts {
			messages++
			fs := Detect(tx, o)
			for _, f := range fs {
				kinds[f.Kind]++
			}
			red, _, err := Redact(tx, fs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if containsWord(red, core) {
				leaked = true
				idx := strings.Index(strings.ToLower(red), strings.ToLower(core))
				lo, hi := max(0, idx-60), min(len(red), idx+len(core)+30)
				t.Errorf("%s message %d: requester name %q survives: %q", k, i, core, red[lo:hi])
			}
			// The same redaction per message, without the thread's names.
			solo, _, _ := RedactText(tx, opts, nil)
			if containsWord(solo, core) {
				msgLeaks++
			}
			if again := Detect(red, o); len(again) > 0 {
				t.Errorf("%s message %d: Detect finds %q after redaction", k, i, again[0].Text)
			}
		}
		if leaked {
			leaks++
		}
	}
	t.Logf("threads %d: requester name checked in %d, no \"Yours faithfully\" sign-off in %d, sign-off not a person in %d",
		len(threads), checked, noSignOff, notPerson)
	t.Logf("distinct names found per thread, summed: %d; messages redacted: %d", names, messages)
	t.Logf("threads leaking the requester's name: %d (thread-level), messages leaking it with per-message detection only: %d", leaks, msgLeaks)
	t.Logf("findings by kind: %v", kinds)
}

// containsExact reports whether text has s as whole words, with its case.
func containsExact(text, s string) bool {
	for from := 0; ; {
		i := strings.Index(text[from:], s)
		if i < 0 {
			return false
		}
		i += from
		e := i + len(s)
		if wordBoundary(text, i, e) {
			return true
		}
		from = i + 1
	}
}

// TestPublishedWDTKZeroLeak publishes every WhatDoTheyKnow thread as a
// disclosure (outgoing messages as the request, incoming as the
// response), the way the importer and the officers' preview do (Prepare),
// and checks the published text: the detectors find nothing more in it,
// and no text the audit says was removed (a name, email, phone number,
// address, postcode or NI number) survives anywhere in it.
func TestPublishedWDTKZeroLeak(t *testing.T) {
	threads := loadWDTK(t)
	keys := slices.Sorted(maps.Keys(threads))
	opts := DetectOptions{KeepEmailDomains: []string{"sheffield.gov.uk"}}
	// An officer's rule for WhatDoTheyKnow's own placeholders, applied to
	// every disclosure with the detectors.
	rules := []Rule{{ID: 1, Pattern: `\[(?:FOI #\d+|Sheffield City Council request) email\]`, Regexp: true, Replacement: "[address removed]"}}
	var published, leaks, redetected int
	kinds := map[Kind]int{}
	for _, k := range keys {
		th := threads[k]
		d := &Disclosure{ID: k, Title: th.Title}
		var req, resp []string
		for _, e := range th.Events {
			if e.Type == "outgoing" {
				req = append(req, strings.Join(e.Content, "\n"))
			} else {
				resp = append(resp, strings.Join(e.Content, "\n"))
			}
		}
		d.RequestText, d.ResponseText = strings.Join(req, "\n\n"), strings.Join(resp, "\n\n")
		pub, err := Prepare(d, opts, rules)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		published++
		o := opts
		for _, f := range []string{d.Title, d.RequestText, d.ResponseText} {
			o.Names = append(o.Names, FindNames(f)...)
		}
		fields := map[string]string{"Title": pub.Published.Title, "RequestText": pub.Published.RequestText, "ResponseText": pub.Published.ResponseText}
		for name, text := range fields {
			if again := Detect(text, o); len(again) > 0 {
				redetected++
				t.Errorf("%s %s: Detect finds %s %q in published text", k, name, again[0].Kind, again[0].Text)
			}
		}
		all := pub.Published.Title + "\n" + pub.Published.RequestText + "\n" + pub.Published.ResponseText
		for _, a := range pub.Audit {
			kinds[a.Kind]++
			if a.Kind == KindCustom {
				continue
			}
			if containsExact(all, a.Original) {
				leaks++
				t.Errorf("%s: removed %s %q appears in the published text", k, a.Kind, a.Original)
			}
		}
	}
	t.Logf("published %d threads; findings by kind %v; redetected %d, leaked %d", published, kinds, redetected, leaks)
}
