package portal

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/foi"
)

// RedactionStore is what the officers' redaction preview needs: the
// unredacted drafts, the censor rules, the audit trail, and publishing.
// foi/sqlite.Store is one.
type RedactionStore interface {
	foi.DraftStore
	foi.RuleStore
	foi.AuditLog
	foi.Publisher
}

// indexWriter is a Searcher that can take republished disclosures;
// foi/search.Index is one.
type indexWriter interface {
	PutDisclosures(ctx context.Context, ds []*foi.Disclosure) error
}

// redactionView is the preview page's data.
type redactionView struct {
	D         *foi.Disclosure // the draft
	Published *foi.Disclosure // what publishing now would give
	Fields    []fieldPreview
	Counts    []kindCount
	Rules     []ruleRow
	Audit     []auditRow
	// Candidate is a rule being tried; it is applied to the preview but
	// not saved.
	Candidate *ruleForm
	Form      ruleForm
	Done      string
	Link      string // the public permalink
}

// fieldPreview is one text field, as drafted with every item to remove
// marked, and as it would be published.
type fieldPreview struct {
	Name      string // "Request", "Response", "Attachment: x.pdf"
	Segments  []segment
	Published string
	Items     int
}

// segment is a run of draft text; Kind is set for text that will be
// removed.
type segment struct {
	Text, Kind string
	Rule       string // "rule 3" or "new rule" for an officer's rule
}

type kindCount struct {
	Kind  string
	Count int
}

type ruleRow struct {
	foi.Rule
	Scope string
}

type auditRow struct {
	foi.Redaction
	Source string // "detector" or "rule 3"
	Kind   string
}

// ruleForm is the add-a-rule form as typed.
type ruleForm struct {
	Pattern, Replacement, Comment, Actor string
	Regexp                               bool
	All                                  bool // scope: every disclosure
}

func (f ruleForm) rule(id string) foi.Rule {
	r := foi.Rule{Pattern: f.Pattern, Regexp: f.Regexp, Replacement: strings.TrimSpace(f.Replacement),
		Comment: strings.TrimSpace(f.Comment), Author: strings.TrimSpace(f.Actor), DisclosureID: id}
	if f.All {
		r.DisclosureID = ""
	}
	return r
}

// kindLabels name what was found, in the officers' words.
var kindLabels = map[foi.Kind]string{
	foi.KindName: "name", foi.KindEmail: "email", foi.KindPhone: "phone", foi.KindAddress: "address",
	foi.KindPostcode: "postcode", foi.KindNINumber: "NI number", foi.KindCustom: "officer rule",
}

func redactionKindLabel(k foi.Kind) string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return string(k)
}

func redactionPath(id string) string { return "/foi/cases/redaction?id=" + url.QueryEscape(id) }

func (p *Portal) handleRedaction(w http.ResponseWriter, r *http.Request) {
	if p.cfg.Redaction == nil {
		p.notFound(w, r)
		return
	}
	id := r.URL.Query().Get("id")
	view, err := p.redactionView(r.Context(), id, nil)
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	view.Done = redactionDone(r.URL.Query().Get("done"))
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, http.StatusOK, "redaction", Page{Title: "Redaction preview: " + view.D.Title, Nav: "cases", Data: view})
}

// redactionView builds the preview of disclosure id with the stored
// rules and, when set, a candidate rule.
func (p *Portal) redactionView(ctx context.Context, id string, candidate *foi.Rule) (*redactionView, error) {
	if id == "" {
		return nil, foi.ErrNotFound
	}
	draft, err := p.cfg.Redaction.FindDraft(ctx, id)
	if err != nil {
		return nil, err
	}
	rules, err := p.cfg.Redaction.FindRules(ctx, foi.RuleFilter{DisclosureID: id})
	if err != nil {
		return nil, err
	}
	view := &redactionView{D: draft, Link: disclosurePath(id)}
	for _, rl := range rules {
		scope := "This disclosure"
		if rl.DisclosureID == "" {
			scope = "Every disclosure"
		}
		view.Rules = append(view.Rules, ruleRow{Rule: rl, Scope: scope})
	}
	if candidate != nil {
		rules = append(rules, *candidate)
	}
	red, audit, err := foi.RedactDisclosure(draft, p.cfg.Detect, rules)
	if err != nil {
		return nil, err
	}
	view.Published = red
	counts := map[string]int{}
	byField := map[string][]foi.AuditEntry{}
	for _, a := range audit {
		byField[a.Field] = append(byField[a.Field], a)
		counts[redactionKindLabel(a.Kind)]++
	}
	add := func(name, field, text, published string) {
		fp := fieldPreview{Name: name, Published: published, Segments: segments(text, byField[field]), Items: len(byField[field])}
		view.Fields = append(view.Fields, fp)
	}
	add("Title", "Title", draft.Title, red.Title)
	add("Request", "RequestText", draft.RequestText, red.RequestText)
	add("Response", "ResponseText", draft.ResponseText, red.ResponseText)
	for i, at := range draft.Attachments {
		f := "Attachments[" + strconv.Itoa(i) + "].Text"
		add("Attachment: "+at.Name, f, at.Text, red.Attachments[i].Text)
	}
	for k, n := range counts {
		view.Counts = append(view.Counts, kindCount{k, n})
	}
	sort.Slice(view.Counts, func(i, j int) bool { return view.Counts[i].Kind < view.Counts[j].Kind })
	trail, err := p.cfg.Redaction.FindRedactions(ctx, id)
	if err != nil {
		return nil, err
	}
	// Newest publication first; within one, in text order.
	for i := len(trail) - 1; i >= 0; i-- {
		t := trail[i]
		src := "detector"
		if t.RuleID != 0 {
			src = "rule " + strconv.FormatInt(t.RuleID, 10)
		}
		view.Audit = append(view.Audit, auditRow{Redaction: t, Source: src, Kind: redactionKindLabel(t.Kind)})
	}
	sort.SliceStable(view.Audit, func(i, j int) bool {
		return view.Audit[i].PublishedAt.After(view.Audit[j].PublishedAt)
	})
	if len(view.Audit) > maxAuditRows {
		view.Audit = view.Audit[:maxAuditRows]
	}
	return view, nil
}

// maxAuditRows is how much of the trail the page shows.
const maxAuditRows = 200

// segments cuts text at the audit entries' spans (sorted, not
// overlapping, as foi.Redact returns them).
func segments(text string, entries []foi.AuditEntry) []segment {
	var out []segment
	pos := 0
	for _, a := range entries {
		if a.Start < pos || a.End > len(text) {
			continue
		}
		if a.Start > pos {
			out = append(out, segment{Text: text[pos:a.Start]})
		}
		s := segment{Text: text[a.Start:a.End], Kind: redactionKindLabel(a.Kind)}
		if a.Kind == foi.KindCustom {
			s.Rule = "new rule"
			if a.RuleID != 0 {
				s.Rule = "rule " + strconv.FormatInt(a.RuleID, 10)
			}
		}
		out = append(out, s)
		pos = a.End
	}
	if pos < len(text) {
		out = append(out, segment{Text: text[pos:]})
	}
	return out
}

func redactionDone(code string) string {
	switch code {
	case "rule":
		return "Rule saved. Check the preview, then publish."
	case "deleted":
		return "Rule deleted. Publish again to bring back text it removed."
	case "published":
		return "Published. The public page now shows the text on the right, and the audit trail below records each removal."
	}
	return ""
}

// handleRedactionPost previews a candidate rule, saves it, deletes a
// rule, or publishes the disclosure with the current rules.
func (p *Portal) handleRedactionPost(w http.ResponseWriter, r *http.Request) {
	if p.cfg.Redaction == nil {
		p.notFound(w, r)
		return
	}
	if err := officerForm(r); err != nil {
		p.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	id := r.PostForm.Get("id")
	form := ruleForm{Pattern: r.PostForm.Get("pattern"), Replacement: r.PostForm.Get("replacement"),
		Comment: r.PostForm.Get("comment"), Actor: r.PostForm.Get("actor"),
		Regexp: r.PostForm.Get("regexp") == "yes", All: r.PostForm.Get("scope") == "all"}
	switch r.PostForm.Get("action") {
	case "preview", "save":
		rule := form.rule(id)
		check := rule.Validate
		if r.PostForm.Get("action") == "save" {
			check = rule.ValidateNew
		}
		if err := check(); err != nil {
			p.redactionFormError(w, r, id, form, err)
			return
		}
		if r.PostForm.Get("action") == "preview" {
			view, err := p.redactionView(ctx, id, &rule)
			if err != nil {
				p.writeError(w, r, err)
				return
			}
			view.Candidate, view.Form = &form, form
			w.Header().Set("Cache-Control", "no-store")
			p.render(w, r, http.StatusOK, "redaction", Page{Title: "Redaction preview: " + view.D.Title, Nav: "cases", Data: view})
			return
		}
		if _, err := p.cfg.Redaction.FindDraft(ctx, id); err != nil {
			p.writeError(w, r, err)
			return
		}
		if err := p.cfg.Redaction.CreateRule(ctx, &rule); err != nil {
			if errors.Is(err, foi.ErrConflict) {
				err = userError{"There are already " + strconv.Itoa(foi.MaxRules) + " censor rules. Delete one you no longer need first."}
			}
			p.redactionFormError(w, r, id, form, err)
			return
		}
		http.Redirect(w, r, redactionPath(id)+"&done=rule", http.StatusSeeOther)
	case "delete":
		ruleID, err := strconv.ParseInt(r.PostForm.Get("rule"), 10, 64)
		if err != nil {
			p.writeError(w, r, userError{"Choose a rule to delete."})
			return
		}
		if err := p.cfg.Redaction.DeleteRule(ctx, ruleID); err != nil {
			p.writeError(w, r, err)
			return
		}
		http.Redirect(w, r, redactionPath(id)+"&done=deleted", http.StatusSeeOther)
	case "publish":
		if err := p.republish(ctx, id); err != nil {
			p.writeError(w, r, err)
			return
		}
		http.Redirect(w, r, redactionPath(id)+"&done=published", http.StatusSeeOther)
	default:
		p.writeError(w, r, userError{"The form could not be read. Go back and try again."})
	}
}

// republish redacts disclosure id's draft with the current rules,
// publishes it with its audit, and updates the search index.
func (p *Portal) republish(ctx context.Context, id string) error {
	draft, err := p.cfg.Redaction.FindDraft(ctx, id)
	if err != nil {
		return err
	}
	rules, err := p.cfg.Redaction.FindRules(ctx, foi.RuleFilter{DisclosureID: id})
	if err != nil {
		return err
	}
	pub, err := foi.Prepare(draft, p.cfg.Detect, rules)
	if err != nil {
		return err
	}
	if err := p.cfg.Redaction.PublishDisclosures(ctx, []foi.Publication{pub}); err != nil {
		return err
	}
	if ix, ok := p.cfg.Search.(indexWriter); ok {
		// The store is the record: a failed index update is logged, and
		// the next start rebuilds the index if counts differ.
		ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := ix.PutDisclosures(ictx, []*foi.Disclosure{pub.Published}); err != nil {
			p.cfg.Logger.Error("foi portal: index republished disclosure", "id", id, "err", err)
		}
	}
	return nil
}

// redactionFormError shows the preview again with the form's problems.
func (p *Portal) redactionFormError(w http.ResponseWriter, r *http.Request, id string, form ruleForm, err error) {
	var ves foi.ValidationErrors
	var ue userError
	var errs []FieldError
	switch {
	case errors.As(err, &ves):
		for _, ve := range ves {
			errs = append(errs, FieldError{Field: ruleFieldID(ve.Field), Message: ruleMessage(ve)})
		}
	case errors.As(err, &ue):
		errs = append(errs, FieldError{Field: "pattern", Message: ue.msg})
	default:
		p.writeError(w, r, err)
		return
	}
	view, verr := p.redactionView(r.Context(), id, nil)
	if verr != nil {
		p.writeError(w, r, verr)
		return
	}
	view.Form = form
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, http.StatusBadRequest, "redaction", Page{Title: "Redaction preview: " + view.D.Title, Nav: "cases", Errors: errs, Data: view})
}

func ruleFieldID(f string) string {
	switch f {
	case "Replacement":
		return "replacement"
	case "Comment":
		return "comment"
	case "Author":
		return "rule-actor"
	}
	return "pattern"
}

// ruleMessage turns a rule's validation error into a sentence: "Enter
// your name", "Text to remove must be 500 characters or fewer".
func ruleMessage(ve foi.ValidationError) string {
	m := ve.Message
	if strings.HasPrefix(m, "must ") || strings.HasPrefix(m, "is ") {
		label := map[string]string{"Replacement": "Replacement", "Comment": "Reason", "Author": "Your name"}[ve.Field]
		if label == "" {
			label = "Text to remove"
		}
		return label + " " + m
	}
	return strings.ToUpper(m[:1]) + m[1:]
}
