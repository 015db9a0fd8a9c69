package foi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFindNamesNonASCII checks names written with letters outside ASCII:
// Irish fadas and the "Ó" particle, diaereses, Polish and Czech letters,
// and names in capitals.
func TestFindNamesNonASCII(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"Irish salutation", "Dear Siobhán Ó Briain,\nThank you for your request.", []string{"Siobhán Ó Briain"}},
		{"Irish Ní", "Dear Áine Ní Bhriain,\nWe attach the figures.", []string{"Áine Ní Bhriain"}},
		{"sign-off with Polish letters", "Please send the report.\nYours sincerely, Zoë Łukasz", []string{"Zoë Łukasz"}},
		{"sign-off on the next line", "Please send the report.\n\nYours faithfully,\n\nŽofie Dvořáková", []string{"Žofie Dvořáková"}},
		{"honorific in running text", "We spoke to Mr Øyvind Sæther about it.", []string{"Mr Øyvind Sæther"}},
		{"name in capitals after an honorific", "Dear Mrs ÉLODIE GARÇON,\n", []string{"Mrs ÉLODIE GARÇON"}},
		{"header", "From: José Nuñez <jose@example.org>\nSent: 4 March 2025", []string{"José Nuñez"}},
		{"my name is", "Hello, my name is Bjørn Ødegård and I live nearby.", []string{"Bjørn Ødegård"}},
		{"accented organisation still rejected", "Dear Comhairle Cathrach Council,\n", nil},
		{"lower-case accented word is not a name", "Dear café owners,\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindNames(tt.text)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FindNames(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestRedactNonASCIINames checks that every occurrence of a non-ASCII
// name found in a letter is removed, in other cases too.
func TestRedactNonASCIINames(t *testing.T) {
	text := "Dear Siobhán Ó Briain,\nSIOBHÁN Ó BRIAIN asked for this; Ms Ó Briain may appeal.\n" +
		"Yours sincerely, Zoë Łukasz\ncc zoë łukasz, Z. Łukasz"
	red, _, err := RedactText(text, DetectOptions{Names: FindNames(text)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "Dear [name removed],\n[name removed] asked for this; [name removed] may appeal.\n" +
		"Yours sincerely, [name removed]\ncc [name removed], [name removed]"
	if red != want {
		t.Errorf("RedactText:\n got %q\nwant %q", red, want)
	}
}
