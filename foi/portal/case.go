package portal

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/foi"
)

// casesView is the case list's data.
type casesView struct {
	Filter  string // "open", "overdue", "all"
	Filters []option
	Cases   []caseRow
	Stats   foi.Stats
	RatePct string
	Target  string
	Total   int
}

type caseRow struct {
	R       *foi.Request
	Status  foi.Status // as shown at now (overdue states derived)
	Overdue bool
	Link    string
}

// caseView is one case's page.
type caseView struct {
	R       *foi.Request
	Status  foi.Status
	Overdue bool
	Next    []option // statuses the workflow allows from here
	Done    string   // what the last action did, from the redirect
	// Similar is the "similar previous responses" pack; nil when the
	// search failed (the page says so).
	Similar *similarPack
}

// maxCases is how many cases the list shows; the ICO statistics cover
// them all.
const maxCases = 500

func (p *Portal) handleCases(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := p.now()
	filter := r.URL.Query().Get("show")
	f := foi.RequestFilter{Limit: maxCases}
	switch filter {
	case "all":
	case "overdue":
		f.Status = []foi.Status{foi.StatusWaitingResponse}
	default:
		filter = "open"
		f.Status = []foi.Status{foi.StatusWaitingResponse, foi.StatusWaitingClarification, foi.StatusInternalReview}
	}
	rs, total, err := p.cfg.Service.Store.FindRequests(ctx, f)
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	stats, err := p.cfg.Service.Stats(ctx, foi.RequestFilter{})
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	view := casesView{Filter: filter, Stats: stats, Total: total,
		Filters: []option{{"open", "Open cases", filter == "open"}, {"overdue", "Overdue", filter == "overdue"}, {"all", "All cases", filter == "all"}},
		RatePct: strconv.FormatFloat(stats.OnTimeRate*100, 'f', 1, 64),
		Target:  strconv.Itoa(int(foi.ICOTimelinessTarget * 100))}
	for _, req := range rs {
		row := caseRow{R: req, Status: req.DisplayStatus(now), Overdue: req.Overdue(now), Link: "/foi/cases/" + strconv.FormatInt(req.ID, 10)}
		if filter == "overdue" && !row.Overdue {
			continue
		}
		view.Cases = append(view.Cases, row)
	}
	if filter == "overdue" {
		view.Total = len(view.Cases)
	}
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, http.StatusOK, "cases", Page{Title: "FOI cases", Nav: "cases", Data: view})
}

// caseOf returns the case named by the path's {id}, or writes the
// error page (not found for an id that is not a number) and false.
func (p *Portal) caseOf(w http.ResponseWriter, r *http.Request) (*foi.Request, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		p.notFound(w, r)
		return nil, false
	}
	req, err := p.cfg.Service.Request(r.Context(), id)
	if err != nil {
		p.writeError(w, r, err)
		return nil, false
	}
	return req, true
}

func (p *Portal) handleCase(w http.ResponseWriter, r *http.Request) {
	req, ok := p.caseOf(w, r)
	if !ok {
		return
	}
	now := p.now()
	view := caseView{R: req, Status: req.DisplayStatus(now), Overdue: req.Overdue(now), Done: doneMessage(r.URL.Query().Get("done"))}
	var err error
	if view.Similar, err = p.similar(r.Context(), req.Reference, req.Description); err != nil {
		p.cfg.Logger.Warn("foi portal: similar responses", "case", req.Reference, "err", err)
	}
	for _, s := range workflowStatuses {
		if foi.CanTransition(req.Status, s) {
			view.Next = append(view.Next, option{Value: string(s), Label: statusLabel(s)})
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, http.StatusOK, "case", Page{Title: req.Reference, Nav: "cases", Data: view})
}

// workflowStatuses are the statuses an officer can set, in menu order.
var workflowStatuses = []foi.Status{foi.StatusWaitingClarification, foi.StatusWaitingResponse, foi.StatusSuccessful,
	foi.StatusPartiallySuccessful, foi.StatusNotHeld, foi.StatusRejected, foi.StatusVexatious,
	foi.StatusInternalReview, foi.StatusUserWithdrawn, foi.StatusNotFOI}

func doneMessage(code string) string {
	switch code {
	case "status":
		return "Status changed."
	case "assignee":
		return "Assignment changed."
	case "created":
		return "Request logged."
	}
	return ""
}

// officerForm parses a small officer form.
func officerForm(r *http.Request) error {
	r.Body = http.MaxBytesReader(nil, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return userError{"The form could not be read. Go back and try again."}
	}
	return nil
}

func (p *Portal) caseID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		p.notFound(w, r)
		return 0, false
	}
	if err := officerForm(r); err != nil {
		p.writeError(w, r, err)
		return 0, false
	}
	return id, true
}

func actor(r *http.Request) string {
	if a := strings.TrimSpace(r.PostForm.Get("actor")); a != "" && len(a) <= foi.MaxAssigneeLen {
		return a
	}
	return "officer"
}

func (p *Portal) handleCaseStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := p.caseID(w, r)
	if !ok {
		return
	}
	to, err := foi.ParseStatus(r.PostForm.Get("status"))
	if err != nil {
		p.writeError(w, r, userError{"Choose a status from the list."})
		return
	}
	note := strings.TrimSpace(r.PostForm.Get("note"))
	if len(note) > 2000 {
		p.writeError(w, r, userError{"The note must be 2,000 characters or fewer."})
		return
	}
	if _, err := p.cfg.Service.Transition(r.Context(), id, to, actor(r), note); err != nil {
		p.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/foi/cases/"+strconv.FormatInt(id, 10)+"?done=status", http.StatusSeeOther)
}

func (p *Portal) handleCaseAssign(w http.ResponseWriter, r *http.Request) {
	id, ok := p.caseID(w, r)
	if !ok {
		return
	}
	if _, err := p.cfg.Service.Assign(r.Context(), id, strings.TrimSpace(r.PostForm.Get("assignee")), actor(r)); err != nil {
		var ves foi.ValidationErrors
		if errors.As(err, &ves) {
			p.writeError(w, r, userError{"The officer's name " + ves[0].Message + "."})
			return
		}
		p.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/foi/cases/"+strconv.FormatInt(id, 10)+"?done=assignee", http.StatusSeeOther)
}

func (p *Portal) handleCaseNewForm(w http.ResponseWriter, r *http.Request) {
	view := requestView{Laws: p.lawChoices("auto"), Officer: true, Action: "/foi/cases/new"}
	p.render(w, r, http.StatusOK, "request", Page{Title: "Log a request", Nav: "cases", Data: view})
}

// handleCaseNew logs a request that came by letter or email, with the
// date it arrived.
func (p *Portal) handleCaseNew(w http.ResponseWriter, r *http.Request) {
	f, err := readRequestForm(r)
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	var errs foi.ValidationErrors
	received, msg := f.Received.Parse()
	switch {
	case msg != "":
		errs = append(errs, foi.ValidationError{Field: "Received", Message: msg})
	case received.IsZero():
		errs = append(errs, foi.ValidationError{Field: "Received", Message: "enter the date the request arrived"})
	}
	law, _, ok := p.resolveLaw(f)
	if !ok {
		errs = append(errs, foi.ValidationError{Field: "Law", Message: "choose a law from the list"})
	}
	if len(errs) == 0 {
		loc := p.cfg.Service.Location
		if loc == nil {
			loc = time.UTC
		}
		now := p.now().In(loc)
		rcv := time.Date(received.Year(), received.Month(), received.Day(), 12, 0, 0, 0, loc)
		if civilBefore(rcv, now) && civilBefore(now, rcv) {
			rcv = now // today: noon may not have come yet
		}
		if !civilBefore(rcv, now) {
			errs = append(errs, foi.ValidationError{Field: "Received", Message: "cannot be in the future"})
		} else {
			ack, err := p.cfg.Service.Submit(r.Context(), foi.Intake{Name: f.Name, Email: f.Email, Address: f.Address,
				Description: f.Description, Law: law, Received: rcv, Actor: actor(r)})
			if err == nil {
				http.Redirect(w, r, "/foi/cases/"+strconv.FormatInt(ack.ID, 10)+"?done=created", http.StatusSeeOther)
				return
			}
			var ves foi.ValidationErrors
			if !errors.As(err, &ves) {
				p.writeError(w, r, err)
				return
			}
			errs = append(errs, ves...)
		}
	}
	p.showForm(w, r, f, errs, true)
}

// civilBefore reports whether a's calendar day is not after b's.
func civilBefore(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC).Compare(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)) <= 0
}
