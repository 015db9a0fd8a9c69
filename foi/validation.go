package foi

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Validate checks the request against FOIA s.8 and the model's own rules,
// without reference to the clock; ValidateAt also rejects a receipt in
// the future.
func (r *Request) Validate() error { return r.validate(time.Time{}) }

// ValidateAt is Validate plus: Received must not be after now. It
// returns ValidationErrors (errors.Is ErrInvalid) listing every problem.
func (r *Request) ValidateAt(now time.Time) error { return r.validate(now) }

func (r *Request) validate(now time.Time) error {
	var es ValidationErrors
	add := func(field, msg string) { es = append(es, ValidationError{field, msg}) }

	if r.Reference != "" {
		if _, _, _, err := ParseReference(r.Reference); err != nil {
			add("Reference", "must look like FOI-2026-00042")
		}
	}
	switch {
	case strings.TrimSpace(r.Name) == "":
		add("Name", "enter your name: the law requires it for a valid request")
	case !hasLetter(r.Name):
		add("Name", "enter your name in letters")
	default:
		checkText(add, "Name", r.Name, MaxNameLen, false)
	}
	email, addr := strings.TrimSpace(r.Email), strings.TrimSpace(r.Address)
	if email == "" && addr == "" {
		add("Email", "enter an email or postal address for us to reply to")
	}
	if email != "" {
		if msg := emailProblem(email); msg != "" {
			add("Email", msg)
		}
	}
	if addr != "" {
		checkText(add, "Address", r.Address, MaxAddressLen, true)
	}
	if strings.TrimSpace(r.Description) == "" {
		add("Description", "describe the information you want")
	} else {
		checkText(add, "Description", r.Description, MaxDescriptionLen, true)
	}
	if !r.Law.Valid() {
		add("Law", "must be one of foia, foisa, eir, eisr")
	}
	if r.Nation != "" && !r.Nation.Valid() {
		add("Nation", "must be england-and-wales, scotland or northern-ireland")
	}
	if !r.Status.Valid() || r.Status.Derived() {
		add("Status", "is not a status a request can be in")
	}
	switch {
	case r.Received.IsZero():
		add("Received", "is required")
	case !now.IsZero() && r.Received.After(now):
		add("Received", "cannot be in the future")
	case r.Received.Year() < 2005:
		add("Received", "is before the FOI Act came into force")
	}
	if !r.Due.IsZero() && !r.Received.IsZero() && civilDay(r.Due.UTC()).Before(civilDay(r.Received)) {
		add("Due", "cannot be before the request was received")
	}
	if !r.Responded.IsZero() && !r.Received.IsZero() && r.Responded.Before(r.Received) {
		add("Responded", "cannot be before the request was received")
	}
	if r.ExtendedTo != 0 && (r.ExtendedTo < ResponseDays || r.ExtendedTo > ExtendedDays) {
		add("ExtendedTo", fmt.Sprintf("must be between %d and %d working days", ResponseDays, ExtendedDays))
	}
	checkText(add, "Assignee", r.Assignee, MaxAssigneeLen, false)
	if len(es) > 0 {
		return es
	}
	return nil
}

// checkText reports control characters (newlines and tabs allowed only in
// multi-line fields), invalid UTF-8 and over-long text.
func checkText(add func(field, msg string), field, s string, max int, multiline bool) {
	if n := len([]rune(s)); n > max {
		add(field, fmt.Sprintf("is too long (%d characters, at most %d)", n, max))
		return
	}
	if !utf8.ValidString(s) {
		add(field, "contains characters that are not valid text")
		return
	}
	for _, c := range s {
		if c == '\n' || c == '\r' || c == '\t' {
			if multiline || c == '\t' {
				continue
			}
		}
		if isControl(c) {
			add(field, "contains control characters")
			return
		}
	}
}

// emailProblem returns why s is not a usable email address, or "".
// It checks the shape only (one @, a dotted domain, no spaces); whether
// the mailbox exists is for the mail system to find out.
func emailProblem(s string) string {
	if len(s) > MaxEmailLen {
		return "is too long"
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "enter an email address like name@example.com"
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 || strings.ContainsAny(s, " \t\r\n<>()[]\\,;:\"") || strings.Count(s, "@") != 1 {
		return "enter an email address like name@example.com"
	}
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "enter an email address like name@example.com"
	}
	for _, c := range s {
		if isControl(c) {
			return "contains control characters"
		}
	}
	return ""
}

func hasLetter(s string) bool {
	for _, c := range s {
		if unicode.IsLetter(c) {
			return true
		}
	}
	return false
}

// isControl reports C0/C1 controls and the Unicode format characters that
// can hide or reorder text (bidi overrides, zero-width joiners aside).
func isControl(c rune) bool {
	if unicode.IsControl(c) {
		return true
	}
	switch {
	case c >= 0x202A && c <= 0x202E, c >= 0x2066 && c <= 0x2069: // bidi embeddings and isolates
		return true
	}
	return false
}
