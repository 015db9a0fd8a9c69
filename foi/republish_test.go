package foi_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/foitest"
)

// republishFixture is a store holding three disclosures published with
// drafts and one published before drafts were kept. Two mention the
// contractor's case number "CASE-4471"; the third does not.
func republishFixture(t *testing.T) *foitest.MemoryStore {
	t.Helper()
	ctx := context.Background()
	st := foitest.NewMemoryStore()
	drafts := []*foi.Disclosure{
		{ID: "a", Title: "Bin collections", RequestText: "Missed bins on Mill Lane.",
			ResponseText: "Complaint CASE-4471 was upheld. Contact waste@example.org.", Status: foi.StatusSuccessful, Law: foi.LawFOIA},
		{ID: "b", Title: "Parking fines", RequestText: "Fines issued in 2024.",
			ResponseText: "We issued 3,120 fines.", Status: foi.StatusSuccessful, Law: foi.LawFOIA},
		{ID: "c", Title: "Tree works", RequestText: "Works near the school.",
			ResponseText: "See the note.", Status: foi.StatusSuccessful, Law: foi.LawEIR,
			Attachments: []foi.Attachment{{Name: "note.txt", Text: "Contractor reference CASE-4471 attended."}}},
	}
	var pubs []foi.Publication
	for _, d := range drafts {
		p, err := foi.Prepare(d, foi.DetectOptions{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		pubs = append(pubs, p)
	}
	if err := st.PublishDisclosures(ctx, pubs); err != nil {
		t.Fatal(err)
	}
	old := &foi.Disclosure{ID: "old", Title: "Old log entry", RequestText: "Road repairs.",
		ResponseText: "Ask for CASE-4471.", Status: foi.StatusSuccessful, Law: foi.LawFOIA}
	if err := st.PutDisclosures(ctx, []*foi.Disclosure{old}); err != nil {
		t.Fatal(err)
	}
	return st
}

// published returns every published disclosure's text, by ID.
func publishedText(t *testing.T, st foi.DisclosureStore) map[string]string {
	t.Helper()
	ds, _, err := st.FindDisclosures(context.Background(), foi.DisclosureFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range ds {
		s := d.Title + "\n" + d.RequestText + "\n" + d.ResponseText
		for _, a := range d.Attachments {
			s += "\n" + a.Text
		}
		out[d.ID] = s
	}
	return out
}

func countRuleRedactions(t *testing.T, st foi.AuditLog, id string, ruleID int64) (all, byRule int) {
	t.Helper()
	rs, err := st.FindRedactions(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Kind == foi.KindCustom && r.RuleID == ruleID {
			byRule++
		}
	}
	return len(rs), byRule
}

func TestRepublish(t *testing.T) {
	ctx := context.Background()
	st := republishFixture(t)
	rule := foi.Rule{ID: 7, Pattern: `CASE-\d+`, Regexp: true, Replacement: "[case number removed]", Comment: "contractor case numbers", Author: "officer"}
	opts := foi.RepublishOptions{Rules: []foi.Rule{rule}, PageSize: 2} // pages of two: paging must not skip or repeat

	before := publishedText(t, st)
	auditB, _ := countRuleRedactions(t, st, "b", 7)

	t.Run("dry run writes nothing", func(t *testing.T) {
		rep, err := foi.Republish(ctx, st, foi.RepublishOptions{Rules: opts.Rules, PageSize: 2, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Checked != 4 || len(rep.Republished) != 3 || rep.NoDraft != 1 || rep.RuleRedactions != 3 {
			t.Errorf("dry run: checked %d, republished %d, no draft %d, rule redactions %d; want 4, 3, 1, 3",
				rep.Checked, len(rep.Republished), rep.NoDraft, rep.RuleRedactions)
		}
		if got := publishedText(t, st); !equalMaps(got, before) {
			t.Errorf("dry run changed the published text")
		}
	})

	t.Run("republish applies the rule everywhere", func(t *testing.T) {
		rep, err := foi.Republish(ctx, st, opts)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range rep.Republished {
			ids = append(ids, d.ID)
		}
		if strings.Join(ids, ",") != "a,c,old" {
			t.Errorf("republished %v, want a, c and old", ids)
		}
		after := publishedText(t, st)
		for id, text := range after {
			if strings.Contains(text, "CASE-4471") {
				t.Errorf("%s still publishes the case number: %q", id, text)
			}
		}
		for _, id := range []string{"a", "c", "old"} {
			if !strings.Contains(after[id], "[case number removed]") {
				t.Errorf("%s: no replacement in %q", id, after[id])
			}
			if _, n := countRuleRedactions(t, st, id, 7); n != 1 {
				t.Errorf("%s: %d audited removals by rule 7, want 1", id, n)
			}
		}
		// The detectors still run: the email stays removed.
		if strings.Contains(after["a"], "waste@example.org") {
			t.Errorf("a publishes the email address again")
		}
		if after["b"] != before["b"] {
			t.Errorf("b changed: %q -> %q", before["b"], after["b"])
		}
		if n, _ := countRuleRedactions(t, st, "b", 7); n != auditB {
			t.Errorf("b's audit trail grew from %d to %d entries though its text did not change", auditB, n)
		}
		// The disclosure without a draft now has one: its old published text.
		if d, err := st.FindDraft(ctx, "old"); err != nil || !strings.Contains(d.ResponseText, "CASE-4471") {
			t.Errorf("draft of old: %v, %v; want the text as it was published before", d, err)
		}
	})

	t.Run("second run changes nothing", func(t *testing.T) {
		snapshot := publishedText(t, st)
		rep, err := foi.Republish(ctx, st, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Republished) != 0 || rep.NoDraft != 0 {
			t.Errorf("second run republished %d (no draft %d), want 0 and 0", len(rep.Republished), rep.NoDraft)
		}
		if !equalMaps(publishedText(t, st), snapshot) {
			t.Errorf("second run changed the published text")
		}
	})

	t.Run("a bad rule changes nothing", func(t *testing.T) {
		snapshot := publishedText(t, st)
		bad := foi.Rule{ID: 8, Pattern: "Mill (Lane", Regexp: true}
		_, err := foi.Republish(ctx, st, foi.RepublishOptions{Rules: []foi.Rule{rule, bad}})
		if !errors.Is(err, foi.ErrInvalid) {
			t.Errorf("err = %v, want ErrInvalid", err)
		}
		if !equalMaps(publishedText(t, st), snapshot) {
			t.Errorf("a failed republish changed the published text")
		}
	})
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
