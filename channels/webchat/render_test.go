package webchat_test

import (
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels/webchat"
)

func TestRenderHTML(t *testing.T) {
	bins := []assistant.Citation{{N: 1, Title: "Bin days", URL: "https://example.gov.uk/bins"}}
	tests := []struct {
		name  string
		text  string
		cites []assistant.Citation
		want  string
	}{
		{"paragraphs and line breaks", "One.\nTwo.\n\nThree.", nil, "<p>One.<br>Two.</p><p>Three.</p>"},
		{"script is text", "<script>alert(1)</script>", nil, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
		{"image handler is text", `<img src=x onerror="alert(1)">`, nil, "<p>&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</p>"},
		{"marker links to its source", "Bins go out on Tuesday. [1]", bins,
			`<p>Bins go out on Tuesday. <a class="th-cite" href="https://example.gov.uk/bins" rel="noopener noreferrer nofollow" aria-label="source 1: Bin days">[1]</a></p>`},
		{"marker without a source stays text", "See [2].", bins, "<p>See [2].</p>"},
		{"javascript source is not linked", "Click [1]", []assistant.Citation{{N: 1, Title: "x", URL: "javascript:alert(1)"}}, "<p>Click [1]</p>"},
		{"bare URL linked without trailing stop", "Go to https://example.gov.uk/a?b=1&c=2.", nil,
			`<p>Go to <a href="https://example.gov.uk/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">https://example.gov.uk/a?b=1&amp;c=2</a>.</p>`},
		{"data URL not linked", "data:text/html,<b>x</b>", nil, "<p>data:text/html,&lt;b&gt;x&lt;/b&gt;</p>"},
		{"quote cannot break out of href", `https://example.gov.uk/"onmouseover="alert(1)`, nil,
			`<p><a href="https://example.gov.uk/" rel="noopener noreferrer nofollow">https://example.gov.uk/</a>&#34;onmouseover=&#34;alert(1)</p>`},
		{"bullets", "- one\n- two <b>", nil, "<ul><li>one</li><li>two &lt;b&gt;</li></ul>"},
		{"numbered", "1. first\n2. second", nil, "<ol><li>first</li><li>second</li></ol>"},
		{"sources block", "Answer. [1]\n\nSources:\n[1] Bin days <x>: https://example.gov.uk/bins", bins,
			`<p>Answer. <a class="th-cite" href="https://example.gov.uk/bins" rel="noopener noreferrer nofollow" aria-label="source 1: Bin days">[1]</a></p>` +
				`<p>Sources:</p><ol class="th-sources"><li><a href="https://example.gov.uk/bins" rel="noopener noreferrer nofollow">Bin days &lt;x&gt;</a></li></ol>`},
		{"title with quotes escaped in label", "See [1]", []assistant.Citation{{N: 1, Title: `"><script>`, URL: "https://example.gov.uk/x"}},
			`<p>See <a class="th-cite" href="https://example.gov.uk/x" rel="noopener noreferrer nofollow" aria-label="source 1: &#34;&gt;&lt;script&gt;">[1]</a></p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := webchat.RenderHTML(tt.text, tt.cites); got != tt.want {
				t.Errorf("RenderHTML(%q)\ngot  %s\nwant %s", tt.text, got, tt.want)
			}
		})
	}
}

// TestRenderHTMLInert checks hostile inputs never produce markup other
// than RenderHTML's own tags.
func TestRenderHTMLInert(t *testing.T) {
	inputs := []string{
		"<script>alert(1)</script>",
		"<svg onload=alert(1)>",
		"<a href=\"javascript:alert(1)\">x</a>",
		"[1] <iframe src=//evil>",
		"https://example.gov.uk/<script>",
		"- <style>*{}</style>\n- ok",
		"&lt;script&gt; already escaped",
	}
	allowed := map[string]bool{"p": true, "/p": true, "br": true, "ul": true, "/ul": true, "ol": true, "/ol": true,
		"li": true, "/li": true, "a": true, "/a": true}
	for _, in := range inputs {
		out := webchat.RenderHTML(in, []assistant.Citation{{N: 1, Title: "<b>", URL: "https://example.gov.uk/"}})
		for _, part := range strings.Split(out, "<")[1:] {
			tag := strings.ToLower(strings.FieldsFunc(part, func(r rune) bool { return r == ' ' || r == '>' })[0])
			if !allowed[tag] {
				t.Errorf("RenderHTML(%q) = %s: contains <%s", in, out, tag)
			}
		}
		if strings.Contains(strings.ToLower(out), "javascript:") && strings.Contains(out, `href="javascript`) {
			t.Errorf("RenderHTML(%q) links a javascript: URL: %s", in, out)
		}
	}
}
