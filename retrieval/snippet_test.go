package retrieval_test

import (
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/retrieval"
)

func TestHighlightSnippet(t *testing.T) {
	text := strings.Repeat("Other words here. ", 30) + "Visitor permits cost £19.35 for a book of <ten>. " + strings.Repeat("More filler text. ", 30)
	got := retrieval.HighlightSnippet(text, "how much are visitor permits", 80)
	for _, want := range []string{"<mark>Visitor</mark>", "<mark>permits</mark>", "£19.35", "&lt;ten&gt;"} {
		if !strings.Contains(got, want) {
			t.Errorf("snippet %q lacks %q", got, want)
		}
	}
	if len(got) > 200 || !strings.HasPrefix(got, "…") {
		t.Errorf("snippet %q: want a short extract from the middle", got)
	}
	if got := retrieval.HighlightSnippet("", "x", 10); got != "" {
		t.Errorf("empty text gave %q", got)
	}
}
