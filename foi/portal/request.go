package portal

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/search"
)

// maxFormBytes bounds a posted form: the longest description the law
// needs is far below it.
const maxFormBytes = 128 << 10

// requestForm is the FOI request form as the requester filled it in.
type requestForm struct {
	Name, Email, Address, Description string
	Law                               string // "auto" or a foi.Law
	// Officer forms only: when a letter or email arrived, and who logs it.
	Received DateInput
	Actor    string
}

// lawChoice is one option of the law radios.
type lawChoice struct {
	Value, Label, Hint string
	Checked            bool
}

// requestView is the form page's data.
type requestView struct {
	Form    requestForm
	Laws    []lawChoice
	Errs    map[string]string // input id -> message
	Officer bool
	Action  string
}

// confirmView is the "already published?" page's data.
type confirmView struct {
	Form      requestForm
	Law       foi.Law
	LawReason string
	Previous  []hitView
	Related   []relatedView
	Action    string
}

func (p *Portal) lawChoices(selected string) []lawChoice {
	if selected == "" {
		selected = "auto"
	}
	scot := p.cfg.Service.Nation == foi.NationScotland
	info, env := foi.LawFOIA, foi.LawEIR
	if scot {
		info, env = foi.LawFOISA, foi.LawEISR
	}
	return []lawChoice{
		{"auto", "Decide for me", "We will choose from what you ask for. You do not need to name the law for your request to be valid.", selected == "auto"},
		{string(info), info.Title(), "For most information the council holds.", selected == string(info)},
		{string(env), env.Title(), "For information about the environment: air, water, land, noise, waste, energy, and plans that affect them.", selected == string(env)},
	}
}

func (p *Portal) handleRequestForm(w http.ResponseWriter, r *http.Request) {
	view := requestView{Laws: p.lawChoices("auto"), Action: "/foi/request"}
	p.render(w, r, http.StatusOK, "request", Page{Title: "Make a Freedom of Information request", Nav: "request", Data: view})
}

func readRequestForm(r *http.Request) (requestForm, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return requestForm{}, userError{"The form could not be read. Go back and try again."}
	}
	return requestForm{
		Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"), Address: r.PostForm.Get("address"),
		Description: r.PostForm.Get("description"), Law: r.PostForm.Get("law"),
		Received: ReadDateInput(r.PostForm, "received"),
		Actor:    strings.TrimSpace(r.PostForm.Get("actor")),
	}, nil
}

// fieldIDs maps foi.Request field names to the form's input ids.
var fieldIDs = map[string]string{"Name": "name", "Email": "email", "Address": "address", "Description": "description",
	"Law": "law-auto", "Received": "received-day", "Assignee": "actor"}

// fieldOrder is the order of the inputs on the page, for the error
// summary.
var fieldOrder = []string{"name", "email", "address", "description", "law-auto", "received-day", "actor"}

// validation turns foi.ValidationErrors into messages per input, in page
// order.
func validation(err error) ([]FieldError, map[string]string, bool) {
	var ves foi.ValidationErrors
	if !errors.As(err, &ves) {
		return nil, nil, false
	}
	byID := map[string]string{}
	for _, ve := range ves {
		id, ok := fieldIDs[ve.Field]
		if !ok {
			continue // fields the form does not show (Status, Nation) are set by the service
		}
		if _, dup := byID[id]; !dup {
			byID[id] = sentence(fieldLabel(ve.Field), ve.Message)
		}
	}
	var list []FieldError
	for _, id := range fieldOrder {
		if m, ok := byID[id]; ok {
			list = append(list, FieldError{id, m})
		}
	}
	return list, byID, len(list) > 0
}

func fieldLabel(f string) string {
	switch f {
	case "Email":
		return "Email address"
	case "Received":
		return "Date received"
	case "Assignee":
		return "Officer"
	}
	return f
}

// sentence makes a GOV.UK-style error message from a field label and
// the domain's message: "enter your name: ..." stands alone, "is too
// long" gets the label in front.
func sentence(label, msg string) string {
	msg = strings.TrimSpace(msg)
	for _, verb := range []string{"enter ", "describe ", "choose "} {
		if strings.HasPrefix(msg, verb) {
			return strings.ToUpper(msg[:1]) + msg[1:]
		}
	}
	return label + " " + msg
}

// resolveLaw picks the law for a form: the requester's choice, or one
// detected from the description.
func (p *Portal) resolveLaw(f requestForm) (foi.Law, string, bool) {
	if f.Law != "" && f.Law != "auto" {
		l, err := foi.ParseLaw(f.Law)
		if err != nil || !p.lawAllowed(l) {
			return "", "", false
		}
		return l, "You chose this law.", true
	}
	l, reason := detectLaw(f.Description, p.cfg.Service.Nation)
	return l, reason, true
}

func (p *Portal) lawAllowed(l foi.Law) bool {
	if p.cfg.Service.Nation == foi.NationScotland {
		return l == foi.LawFOISA || l == foi.LawEISR
	}
	return l == foi.LawFOIA || l == foi.LawEIR
}

// detectLaw chooses between the information and environmental regimes
// for a description (foi.DetectLaw), and says why.
func detectLaw(description string, nation foi.Nation) (foi.Law, string) {
	law, term := foi.DetectLaw(description, nation)
	if term != "" {
		return law, "Your request mentions “" + term + "”, which is environmental information, so it is handled under the " + law.Title() + "."
	}
	return law, "Your request is handled under the " + law.Title() + "."
}

// check validates a public form without storing it.
func (p *Portal) check(f requestForm, law foi.Law) error {
	now := p.now()
	r := &foi.Request{Name: f.Name, Email: strings.TrimSpace(f.Email), Address: f.Address, Description: f.Description,
		Law: law, Nation: p.cfg.Service.Nation, Received: now, Status: foi.StatusWaitingResponse}
	return r.ValidateAt(now)
}

func (p *Portal) handleRequestSubmit(w http.ResponseWriter, r *http.Request) {
	f, err := readRequestForm(r)
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	f.Received, f.Actor = DateInput{}, "" // officer-only fields
	step := r.PostForm.Get("step")
	law, reason, ok := p.resolveLaw(f)
	var verr error
	if !ok {
		verr = foi.ValidationErrors{{Field: "Law", Message: "choose a law from the list"}}
	} else {
		verr = p.check(f, law)
	}
	if step == "edit" || verr != nil {
		p.showForm(w, r, f, verr, false)
		return
	}
	if step != "confirm" {
		view := confirmView{Form: f, Law: law, LawReason: reason, Action: "/foi/request"}
		view.Previous = p.previous(r.Context(), f.Description)
		view.Related, _ = p.related(r.Context(), f.Description, 3)
		p.render(w, r, http.StatusOK, "confirm", Page{Title: "Has this already been published?", Nav: "request", Data: view})
		return
	}
	ack, err := p.cfg.Service.Submit(r.Context(), foi.Intake{Name: f.Name, Email: f.Email, Address: f.Address,
		Description: f.Description, Law: law, Actor: "requester"})
	if err != nil {
		if _, _, isForm := validation(err); isForm {
			p.showForm(w, r, f, err, false)
			return
		}
		p.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, http.StatusOK, "acknowledgement", Page{Title: "Request received", Nav: "request", Data: ack})
}

// showForm re-displays the form with its errors (status 400) or, with no
// errors, as it was (to change it).
func (p *Portal) showForm(w http.ResponseWriter, r *http.Request, f requestForm, verr error, officer bool) {
	list, byID, _ := validation(verr)
	view := requestView{Form: f, Laws: p.lawChoices(f.Law), Errs: byID, Officer: officer, Action: "/foi/request"}
	title, nav := "Make a Freedom of Information request", "request"
	if officer {
		view.Action, title, nav = "/foi/cases/new", "Log a request", "cases"
	}
	status := http.StatusOK
	if len(list) > 0 {
		status = http.StatusBadRequest
	}
	p.render(w, r, status, "request", Page{Title: title, Nav: nav, Errors: list, Data: view})
}

// previous finds the disclosures closest to a new request's description
// (FOIA s.21: information already reasonably accessible).
func (p *Portal) previous(ctx context.Context, description string) []hitView {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	text := description
	if r := []rune(text); len(r) > 300 {
		text = string(r[:300])
	}
	text = strings.ReplaceAll(text, `"`, " ") // a stray quote must not turn the description into a phrase search
	res, err := p.cfg.Search.Search(ctx, search.Query{Text: text, Limit: 5})
	if err != nil {
		p.cfg.Logger.Warn("foi portal: previous disclosures", "err", err)
		return nil
	}
	var out []hitView
	for _, h := range res.Hits {
		out = append(out, hitView{Hit: h, Link: disclosurePath(h.ID)})
	}
	return out
}
