package foi

import (
	"context"
	"errors"
	"fmt"
)

// RepublishStore is what Republish needs: the published log, the drafts
// it was published from, and publishing. foi/sqlite.Store and the
// foitest memory store are ones.
type RepublishStore interface {
	DisclosureStore
	DraftStore
	Publisher
}

// RepublishOptions configures Republish.
type RepublishOptions struct {
	// Detect is what redaction keeps, as at import.
	Detect DetectOptions
	// Rules are the officers' censor rules, all of them: each disclosure
	// gets those that apply to it (RulesFor).
	Rules []Rule
	// DryRun reports what would change and writes nothing.
	DryRun bool
	// PageSize is how many disclosures are read at a time; 0 means 500.
	PageSize int
}

// RepublishReport says what Republish did.
type RepublishReport struct {
	Checked int // published disclosures read
	// Republished are the disclosures whose published text changed, as
	// now published (or, with DryRun, as they would be), in log order.
	Republished []*Disclosure
	// NoDraft counts disclosures published before drafts were kept:
	// their published text was redacted again in place of a draft.
	NoDraft int
	// Redactions counts the audit entries of the republished
	// disclosures, and RuleRedactions those made by censor rules.
	Redactions, RuleRedactions int
}

// Republish redacts every published disclosure again from its draft with
// the detectors and the current censor rules, for when an officer adds a
// rule that applies to all of them, or redaction learns a new pattern.
// The disclosures whose published text changes are published again,
// each with its draft and full audit trail, in one Publisher call: all or
// none. The rest are left alone, so running it twice changes nothing the
// second time and the audit trail gains entries only for real changes.
//
// A disclosure with no draft (published before drafts were kept) is
// redacted again from its published text, which then becomes its draft:
// nothing it had removed comes back, and new rules still apply.
//
// Rules are not validated here beyond what redaction needs: a rule whose
// pattern does not compile gives an error wrapping ErrInvalid, and
// nothing is written.
func Republish(ctx context.Context, st RepublishStore, opts RepublishOptions) (*RepublishReport, error) {
	page := opts.PageSize
	if page <= 0 {
		page = 500
	}
	rep := &RepublishReport{}
	var pubs []Publication
	// Nothing is written until every page has been read, so paging
	// through the log is stable.
	for off := 0; ; off += page {
		ds, _, err := st.FindDisclosures(ctx, DisclosureFilter{Offset: off, Limit: page})
		if err != nil {
			return nil, fmt.Errorf("republish: %w", err)
		}
		for _, published := range ds {
			rep.Checked++
			draft, err := st.FindDraft(ctx, published.ID)
			switch {
			case errors.Is(err, ErrNotFound):
				rep.NoDraft++
				draft = published
			case err != nil:
				return nil, fmt.Errorf("republish %s: %w", published.ID, err)
			}
			pub, err := Prepare(draft, opts.Detect, opts.Rules)
			if err != nil {
				return nil, fmt.Errorf("republish %s: %w", published.ID, err)
			}
			if sameText(pub.Published, published) {
				continue
			}
			pubs = append(pubs, pub)
			rep.Republished = append(rep.Republished, pub.Published)
			rep.Redactions += len(pub.Audit)
			for _, a := range pub.Audit {
				if a.Kind == KindCustom {
					rep.RuleRedactions++
				}
			}
		}
		if len(ds) < page {
			break
		}
	}
	if opts.DryRun || len(pubs) == 0 {
		return rep, nil
	}
	if err := st.PublishDisclosures(ctx, pubs); err != nil {
		return nil, fmt.Errorf("republish: %w", err)
	}
	return rep, nil
}

// sameText reports whether a and b publish the same text in every field
// redaction touches.
func sameText(a, b *Disclosure) bool {
	if a.Title != b.Title || a.RequestText != b.RequestText || a.ResponseText != b.ResponseText ||
		len(a.Attachments) != len(b.Attachments) {
		return false
	}
	for i := range a.Attachments {
		if a.Attachments[i].Text != b.Attachments[i].Text {
			return false
		}
	}
	return true
}
