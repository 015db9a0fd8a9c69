package assistant

import (
	"strings"
	"testing"
)

func TestReadFOIMessage(t *testing.T) {
	tests := []struct {
		text string
		want foiMessage
	}{
		{"FOI request: library staff numbers in 2025. My name is Sam Jones, my email is sam@example.org",
			foiMessage{name: "Sam Jones", email: "sam@example.org", description: "FOI request: library staff numbers in 2025."}},
		{"how many parking fines were issued in 2024? you can email me at a.b@example.co.uk thanks",
			foiMessage{email: "a.b@example.co.uk", description: "how many parking fines were issued in 2024?"}},
		{"my name is priya patel and my address is 12 Elm Road, Thornbury Vale TV1 2AA",
			foiMessage{name: "Priya Patel", address: "12 Elm Road, Thornbury Vale TV1 2AA"}},
		// Not an address without a number or postcode; not an email without a dotted domain.
		{"my address is the big house, email me at sam@localhost",
			foiMessage{description: "my address is the big house, email me at sam@localhost"}},
	}
	for _, tt := range tests {
		if got := readFOIMessage(tt.text); got != tt.want {
			t.Errorf("readFOIMessage(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
		}
	}
}

func TestReadContact(t *testing.T) {
	tests := []struct {
		text, email, address, problem string // problem: a word in it
	}{
		{"sam@example.org", "sam@example.org", "", ""},
		{"It's Sam.Jones+foi@mail.example.co.uk.", "Sam.Jones+foi@mail.example.co.uk", "", ""},
		{"sam@example", "", "", "does not look right"},
		{"sam@@example.org", "", "", "does not look right"},
		{"12 Elm Road, Thornbury Vale TV1 2AA", "", "12 Elm Road, Thornbury Vale TV1 2AA", ""},
		{"my address is 4 Mill Lane, Brackenford", "", "4 Mill Lane, Brackenford", ""},
		{"TV1 2AA", "", "", "full postal address"},
		{"12 Elm Road ZZ99 9ZZZ", "", "", "postcode"},
		{"I don't have an email", "", "", "postal address"},
		{"whatever", "", "", "email address"},
	}
	for _, tt := range tests {
		email, addr, problem := readContact(tt.text)
		if email != tt.email || addr != tt.address || (tt.problem == "") != (problem == "") || !strings.Contains(problem, tt.problem) {
			t.Errorf("readContact(%q) = %q, %q, %q; want %q, %q, a problem with %q", tt.text, email, addr, problem, tt.email, tt.address, tt.problem)
		}
	}
}

func TestOwnData(t *testing.T) {
	for text, want := range map[string]bool{
		"all the information you hold about me":         true,
		"copies of my social care records from 2019":    true,
		"a subject access request for my file":          true,
		"how much was spent on my street's resurfacing": false,
		"the number of complaints about noise in 2024":  false,
		"emails between councillors about the car park": false,
	} {
		if got := ownData(text); got != want {
			t.Errorf("ownData(%q) = %v, want %v", text, got, want)
		}
	}
}
