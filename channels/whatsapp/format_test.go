package whatsapp_test

import (
	"testing"

	"github.com/townhall-civic/townhall/channels/whatsapp"
)

func TestFormat(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Bins go out on Tuesday.", "Bins go out on Tuesday."},
		{"bold stars", "Bins go out on **Tuesday**.", "Bins go out on *Tuesday*."},
		{"bold underscores", "__Important__: recycle", "*Important*: recycle"},
		{"italic star", "this is *really* late", "this is _really_ late"},
		{"italic underscore", "this is _really_ late", "this is _really_ late"},
		{"strike", "~~old~~ new", "~old~ new"},
		{"inline code", "use `PH-123` as ref", "use ```PH-123``` as ref"},
		{"fenced block kept", "see\n```\na * b\n```\nok", "see\n```a * b\n```\nok"},
		{"heading", "## Missed bins", "*Missed bins*"},
		{"bullets", "* one\n+ two\n- three", "- one\n- two\n- three"},
		{"link", "See [bin days](https://example.gov.uk/bins).", "See bin days (https://example.gov.uk/bins)."},
		{"bare url with underscores kept", "Go to https://example.gov.uk/a_b_c/*x* now", "Go to https://example.gov.uk/a_b_c/*x* now"},
		{"snake case kept", "code missed_bin_collection", "code missed_bin_collection"},
		{"spaced star kept", "5 * 3 = 15", "5 * 3 = 15"},
		{"lone opening star escaped", "press *1 then *2", "press ∗1 then ∗2"},
		{"lone trailing underscore escaped", "name_ and _other", "name＿ and ＿other"},
		{"tilde escaped", "approx ~5 minutes", "approx ∼5 minutes"},
		{"backtick escaped", "it`s", "it`s"},
		{"html kept as text", "<b>hi</b> & bye", "<b>hi</b> & bye"},
		{"nested", "**bold _and italic_**", "*bold _and italic_*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := whatsapp.Format(tt.in); got != tt.want {
				t.Errorf("Format(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}
