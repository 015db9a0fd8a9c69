package assistant

import "testing"

func TestRewrite(t *testing.T) {
	tests := []struct {
		name    string
		earlier []string
		text    string
		want    string
	}{
		{"pronoun follow-up", []string{"visitor parking permits"}, "and how much is it?", "visitor parking permits and how much is it?"},
		{"no topic words", []string{"When is the tip open?"}, "what about sundays?", "tip what about sundays?"},
		{"what about a place", []string{"what time does the library open"}, "what about Kestlebury?", "library what about Kestlebury?"},
		{"chain keeps the topic", []string{"garden waste subscription", "how much?"}, "and can I pay online?", "garden waste subscription and can I pay online?"},
		{"new topic not polluted", []string{"visitor parking permits"}, "how do I apply for a blue badge?", "how do I apply for a blue badge?"},
		{"new topic with and", []string{"visitor parking permits"}, "and when are the bins collected on my street?", "and when are the bins collected on my street?"},
		{"definite reference", []string{"can I get money off my council tax if I live alone?"}, "I've got a lodger now, do I lose the discount?", "council tax live alone I've got a lodger now, do I lose the discount?"},
		{"qualified reference is its own topic", []string{"visitor parking permits"}, "what's the fee for a bulky waste collection?", "what's the fee for a bulky waste collection?"},
		{"first turn", nil, "how much is it?", "how much is it?"},
		{"nothing to carry", []string{"hello"}, "how much is it?", "how much is it?"},
		{"long question stands alone", []string{"council tax"}, "I have just moved into a flat in Aldermoor and need to register for it", "I have just moved into a flat in Aldermoor and need to register for it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Rewrite(tt.earlier, tt.text); got != tt.want {
				t.Errorf("Rewrite(%q, %q) = %q, want %q", tt.earlier, tt.text, got, tt.want)
			}
		})
	}
}

func TestIsFollowUp(t *testing.T) {
	for text, want := range map[string]bool{
		"how much is it":                   true,
		"and at weekends?":                 true,
		"is that the same in Brackenford?": true,
		"what about garden waste":          true,
		"when is my bin collected":         false,
		"how do I get a resident permit":   false,
		"":                                 false,
	} {
		if got := IsFollowUp(text); got != want {
			t.Errorf("IsFollowUp(%q) = %v, want %v", text, got, want)
		}
	}
}
