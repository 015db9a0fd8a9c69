package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
)

const messagingUsage = `usage: townhall messaging COMMAND [-manifest FILE] [-data DIR] [-db FILE] [-store local|postgres] [ARGS]

Looks after the SMS and WhatsApp queue (messaging.db in the index folder,
or with TOWNHALL_STORE=postgres the manifest's schema in
$TOWNHALL_DATABASE_URL), also while serve is running.

Commands:
  status                      jobs by state, and delivery reports by status
  dead                        dead letters: jobs that failed for good, with why
  show [inbound|outbound] ID  one job: its message, error and delivery reports
  requeue [inbound|outbound] ID
                              give a dead or dropped job a fresh set of attempts,
                              after fixing the cause
`

// runMessaging is "townhall messaging": the operator's view of the
// queue over the store's Counts, FindJobs and Requeue.
func runMessaging(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, messagingUsage)
		return usageError("messaging: no command given")
	}
	cmd := args[0]
	switch cmd {
	case "status", "dead", "show", "requeue":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, messagingUsage)
		return nil
	default:
		fmt.Fprint(stderr, messagingUsage)
		return usageError("messaging: unknown command %q", cmd)
	}
	fs := flag.NewFlagSet("messaging "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	manifestPath := fs.String("manifest", "", "sources manifest, to find the index folder")
	data := fs.String("data", "", "index folder (default $TOWNHALL_DATA/<manifest name>)")
	dbPath := fs.String("db", "", "the queue database (default <index folder>/messaging.db; not with -store postgres)")
	storeFlag(fs, &env)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	dir := *data
	switch {
	case dir != "":
	case *manifestPath != "":
		dir = env.indexDir(*manifestPath)
	case *dbPath == "" && env.Store.backend() != storePostgres:
		return usageError("messaging %s: give -db, -data or -manifest", cmd)
	}
	loc, err := messagingLocate(env, *manifestPath, dir, *dbPath)
	if err != nil {
		return err
	}
	// Opening creates a queue; an operator's typo should not.
	db, err := openQueue(ctx, loc, true)
	if err != nil {
		return err
	}
	defer db.Close()
	rest := fs.Args()
	switch cmd {
	case "status":
		return messagingStatus(ctx, db, stdout)
	case "dead":
		return messagingDead(ctx, db, stdout)
	}
	kind, id, err := jobArgs(cmd, rest)
	if err != nil {
		return err
	}
	if cmd == "show" {
		return messagingShow(ctx, db, kind, id, stdout)
	}
	return messagingRequeue(ctx, db, kind, id, stdout)
}

// jobArgs reads "[inbound|outbound] ID"; kind is "" when not given.
func jobArgs(cmd string, args []string) (inbound.Kind, int64, error) {
	var kind inbound.Kind
	if len(args) == 2 {
		kind = inbound.Kind(args[0])
		if kind != inbound.KindInbound && kind != inbound.KindOutbound {
			return "", 0, usageError("messaging %s: kind %q is neither inbound nor outbound", cmd, args[0])
		}
		args = args[1:]
	}
	if len(args) != 1 {
		return "", 0, usageError("messaging %s: want [inbound|outbound] ID", cmd)
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return "", 0, usageError("messaging %s: job id %q is not a positive number", cmd, args[0])
	}
	return kind, id, nil
}

var jobStates = []inbound.State{inbound.StateQueued, inbound.StateLeased, inbound.StateHeld,
	inbound.StateDone, inbound.StateDropped, inbound.StateDead}

var deliveryStates = []channels.DeliveryState{channels.DeliveryAccepted, channels.DeliveryQueued, channels.DeliverySending,
	channels.DeliverySent, channels.DeliveryDelivered, channels.DeliveryRead, channels.DeliveryUndelivered, channels.DeliveryFailed}

func messagingStatus(ctx context.Context, db queueDB, w io.Writer) error {
	counts, err := db.Counts(ctx)
	if err != nil {
		return err
	}
	deliveries, err := db.DeliveryCounts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Queue %s\n\n", db.Where())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "JOBS")
	for _, s := range jobStates {
		fmt.Fprintf(tw, "\t%s", strings.ToUpper(string(s)))
	}
	fmt.Fprintln(tw)
	for _, k := range []inbound.Kind{inbound.KindInbound, inbound.KindOutbound} {
		fmt.Fprint(tw, k)
		for _, s := range jobStates {
			fmt.Fprintf(tw, "\t%d", counts[k][s])
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprint(w, "\nDelivery reports on each outbound message's latest send:\n")
	var parts []string
	for _, s := range deliveryStates {
		if n := deliveries[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, n))
		}
	}
	for s, n := range deliveries {
		if s.Rank() == 0 { // a state this program does not know
			parts = append(parts, fmt.Sprintf("%s %d", s, n))
		}
	}
	if len(parts) == 0 {
		parts = []string{"none"}
	}
	fmt.Fprintf(w, "  %s\n", strings.Join(parts, ", "))
	if n := counts[inbound.KindInbound][inbound.StateDead] + counts[inbound.KindOutbound][inbound.StateDead]; n > 0 {
		fmt.Fprintf(w, "\n%d dead letter(s): townhall messaging dead\n", n)
	}
	return nil
}

func messagingDead(ctx context.Context, db queueDB, w io.Writer) error {
	var jobs []inbound.JobInfo
	for _, k := range []inbound.Kind{inbound.KindInbound, inbound.KindOutbound} {
		js, err := db.FindJobs(ctx, k, inbound.StateDead)
		if err != nil {
			return err
		}
		jobs = append(jobs, js...)
	}
	if len(jobs) == 0 {
		fmt.Fprintln(w, "No dead letters.")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tRESIDENT\tATTEMPTS\tFAILED\tDELIVERY\tERROR")
	for _, j := range jobs {
		fmt.Fprintf(tw, "%s %d\t%s\t%d\t%s\t%s\t%s\n", j.Kind, j.ID, j.Resident, j.Attempts,
			j.Updated.Local().Format(time.DateTime), delivery(j), oneLine(j.LastError, 100))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d dead letter(s). After fixing the cause: townhall messaging requeue KIND ID\n", len(jobs))
	return nil
}

// findJob returns job id of kind, or of either kind when kind is "" and
// only one has it (want, if set, narrows the search to those states).
func findJob(ctx context.Context, db queueDB, kind inbound.Kind, id int64, want ...inbound.State) (inbound.JobInfo, error) {
	kinds := []inbound.Kind{kind}
	if kind == "" {
		kinds = []inbound.Kind{inbound.KindInbound, inbound.KindOutbound}
	}
	var found []inbound.JobInfo
	for _, k := range kinds {
		js, err := db.FindJobsBy(ctx, k, inbound.JobFilter{ID: id, States: want})
		if err != nil {
			return inbound.JobInfo{}, err
		}
		found = append(found, js...)
	}
	switch len(found) {
	case 0:
		what := "job"
		if len(want) > 0 {
			what = "dead or dropped job"
		}
		if kind != "" {
			what = string(kind) + " " + what
		}
		return inbound.JobInfo{}, fmt.Errorf("messaging: no %s %d: %w", what, id, channels.ErrInvalid)
	case 1:
		return found[0], nil
	}
	return inbound.JobInfo{}, usageError("messaging: inbound %d and outbound %d both exist: say which", id, id)
}

func messagingShow(ctx context.Context, db queueDB, kind inbound.Kind, id int64, w io.Writer) error {
	j, err := findJob(ctx, db, kind, id)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	row("job", fmt.Sprintf("%s %d", j.Kind, j.ID))
	row("resident", j.Resident)
	row("conversation", j.ConversationID)
	row("source", string(j.Source))
	row("state", string(j.State))
	row("attempts", strconv.Itoa(j.Attempts))
	row("created", j.Created.Local().Format(time.DateTime))
	row("updated", j.Updated.Local().Format(time.DateTime))
	row("provider id", j.ProviderID)
	row("last error", j.LastError)
	row("message", messageText(j))
	if err := tw.Flush(); err != nil {
		return err
	}
	if j.Kind != inbound.KindOutbound {
		return nil
	}
	ds, err := db.FindDeliveries(ctx, j.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nDelivery reports:")
	if len(ds) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, d := range ds {
		line := fmt.Sprintf("  %s  %s  %s", d.Updated.Local().Format(time.DateTime), d.ProviderID, d.Status)
		if d.ErrorCode != "" {
			line += " (error " + d.ErrorCode + ")"
		}
		fmt.Fprintln(w, line)
	}
	return nil
}

func messagingRequeue(ctx context.Context, db queueDB, kind inbound.Kind, id int64, w io.Writer) error {
	j, err := findJob(ctx, db, kind, id, inbound.StateDead, inbound.StateDropped)
	if err != nil {
		return err
	}
	if err := db.Requeue(ctx, j.Kind, j.ID); err != nil {
		if errors.Is(err, channels.ErrInvalid) {
			return fmt.Errorf("messaging: %w", err)
		}
		return err
	}
	fmt.Fprintf(w, "Queued %s %d for %s again (it was %s: %s). A running serve takes it within a second.\n",
		j.Kind, j.ID, j.Resident, j.State, oneLine(j.LastError, 200))
	return nil
}

// messageText is what a job's stored message says: its text, a shared
// location or the template sent, or the stored JSON if it cannot be read.
func messageText(j inbound.JobInfo) string {
	if j.Kind == inbound.KindInbound {
		var m channels.Inbound
		if json.Unmarshal([]byte(j.Message), &m) != nil {
			return oneLine(j.Message, 400)
		}
		if l := m.Location; l != nil {
			return fmt.Sprintf("[location %.6f,%.6f %s] %s", l.Lat, l.Lon, oneLine(l.Name+" "+l.Address, 200), oneLine(m.Text, 400))
		}
		return oneLine(m.Text, 400)
	}
	var m channels.Outbound
	if json.Unmarshal([]byte(j.Message), &m) != nil {
		return oneLine(j.Message, 400)
	}
	if m.Template != nil {
		return fmt.Sprintf("[template %s %s]", m.Template.Name, strings.Join(m.Template.Params, ", "))
	}
	return oneLine(channels.PlainText(m), 400)
}

// delivery is an outbound job's latest delivery report, "-" for none.
func delivery(j inbound.JobInfo) string {
	switch {
	case j.Delivery == "":
		return "-"
	case j.DeliveryError != "":
		return string(j.Delivery) + " " + j.DeliveryError
	}
	return string(j.Delivery)
}

// oneLine folds s onto one line of at most n characters.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
