package inbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/twilio"
	"github.com/townhall-civic/townhall/channels/whatsapp"
)

// Answerer turns one resident message into the replies to send. It
// returns no replies when nobody should answer now (a member of staff
// holds the conversation and replies in their own time).
type Answerer interface {
	Answer(ctx context.Context, j *Job) ([]channels.Outbound, error)
}

// Pruner is an optional ability of a Store: Prune deletes finished jobs
// and de-duplication keys older than before.
type Pruner interface {
	Prune(ctx context.Context, before time.Time) error
}

// Config configures a Pool. Store, Answerer and Senders are required.
type Config struct {
	Store    Store
	Answerer Answerer
	// Senders deliver outbound messages by channel.
	Senders map[channels.Channel]channels.Sender
	// OptOuts is consulted before every send and records STOP and START
	// sent on channels whose webhook does not (WhatsApp). Nil means nobody
	// is opted out.
	OptOuts channels.OptOuts
	// Replies are the keyword confirmations; empty fields fall back to
	// twilio.DefaultReplies("this service").
	Replies twilio.Replies
	// Workers is how many jobs run at once; 0 means 2.
	Workers int
	// Lease is how long a worker holds a job before another may take it
	// over. Each attempt is cut off at half the lease, so it must be
	// twice the slowest answer. 0 means 2 minutes.
	Lease time.Duration
	// MaxAttempts is how many attempts a job gets before it is dead; 0
	// means 10.
	MaxAttempts int
	// Backoff is the wait before retry n (1-based); nil means 2s doubling
	// to at most 15 minutes, with ±20% jitter.
	Backoff func(attempt int) time.Duration
	// Poll is how often idle workers look for jobs whose backoff or lease
	// has run out; 0 means 1 second. New jobs wake a worker at once.
	Poll time.Duration
	// RenotifyAfter is how long a WhatsApp template stands for the
	// messages held behind it: a further message held within it goes
	// without a template of its own, one held later sends another. 0
	// means 24 hours.
	RenotifyAfter time.Duration
	// Retention is how long finished jobs are kept (Pruner); 0 means 30
	// days.
	Retention time.Duration
	Logger    *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Pool runs the workers. It implements channels.Handler for the webhooks.
type Pool struct {
	cfg  Config
	wake chan struct{}
	quit chan struct{}
	// base is the context jobs run in; cancelled only when Shutdown
	// runs out of time.
	base   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	start  sync.Once
	stop   sync.Once
}

var _ channels.Handler = (*Pool)(nil)

// New checks cfg and returns a Pool. Call Start to run it.
func New(cfg Config) (*Pool, error) {
	if cfg.Store == nil || cfg.Answerer == nil {
		return nil, errors.New("inbound: Store and Answerer are required")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 10
	}
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.RenotifyAfter <= 0 {
		cfg.RenotifyAfter = 24 * time.Hour
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 30 * 24 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	d := twilio.DefaultReplies("this service")
	if cfg.Replies.Stop == "" {
		cfg.Replies.Stop = d.Stop
	}
	if cfg.Replies.Start == "" {
		cfg.Replies.Start = d.Start
	}
	if cfg.Replies.Help == "" {
		cfg.Replies.Help = d.Help
	}
	base, cancel := context.WithCancel(context.Background())
	return &Pool{cfg: cfg, wake: make(chan struct{}, 1), quit: make(chan struct{}), base: base, cancel: cancel}, nil
}

// DefaultBackoff waits 2 seconds before the first retry, doubling to at
// most 15 minutes, each wait varied by up to 20% so that retries of many
// jobs after an outage do not arrive together.
func DefaultBackoff(attempt int) time.Duration {
	d := 2 * time.Second
	for i := 1; i < attempt && d < 15*time.Minute; i++ {
		d *= 2
	}
	d = min(d, 15*time.Minute)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// Start launches the workers. Jobs left leased by a crashed process are
// taken again once their leases expire.
func (p *Pool) Start() {
	p.start.Do(func() {
		for range p.cfg.Workers {
			p.wg.Add(1)
			go p.work()
		}
		if pr, ok := p.cfg.Store.(Pruner); ok {
			p.wg.Add(1)
			go p.prune(pr)
		}
		p.poke()
	})
}

// Shutdown stops taking jobs and waits for the jobs in hand to finish.
// If ctx ends first, their contexts are cancelled (their leases then
// expire and they run again after a restart) and ctx's error is returned.
func (p *Pool) Shutdown(ctx context.Context) error {
	p.stop.Do(func() { close(p.quit) })
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
		p.cancel()
		return nil
	case <-ctx.Done():
		p.cancel()
		<-done
		return fmt.Errorf("inbound: drain: %w", ctx.Err())
	}
}

// HandleInbound implements channels.Handler: it commits m to the store
// and wakes a worker. A message already stored is accepted again without
// a second copy.
func (p *Pool) HandleInbound(ctx context.Context, m channels.Inbound) error {
	if m.ProviderID == "" || m.From.Address == "" {
		return fmt.Errorf("inbound: provider id and sender are required: %w", channels.ErrInvalid)
	}
	if _, err := p.cfg.Store.EnqueueInbound(ctx, m); err != nil {
		return fmt.Errorf("inbound: enqueue: %w", err)
	}
	p.poke()
	return nil
}

// Sender returns a channels.Sender that queues messages (staff replies
// from the console) for delivery by the pool on their own channel. Send
// returns once the message is committed; its provider id is not known
// then, so Send returns "". It returns channels.ErrOptedOut at once for a
// resident who has opted out, and channels.ErrInvalid for a channel the
// pool has no sender for.
func (p *Pool) Sender() channels.Sender { return queueSender{p} }

type queueSender struct{ p *Pool }

var _ channels.Checker = queueSender{}

// CheckSend implements channels.Checker: the refusals Send makes before
// queueing anything.
func (q queueSender) CheckSend(ctx context.Context, m channels.Outbound) error {
	if q.p.cfg.Senders[m.To.Channel] == nil || m.To.Address == "" {
		return fmt.Errorf("inbound: no sender for %s: %w", m.To.Key(), channels.ErrInvalid)
	}
	if strings.TrimSpace(m.Text) == "" && m.Template == nil {
		return fmt.Errorf("inbound: empty message: %w", channels.ErrInvalid)
	}
	if out, err := q.p.optedOut(ctx, m.To); err != nil {
		return err
	} else if out {
		return fmt.Errorf("inbound: %s: %w", m.To.Key(), channels.ErrOptedOut)
	}
	return nil
}

func (q queueSender) Send(ctx context.Context, m channels.Outbound) (string, error) {
	if err := q.CheckSend(ctx, m); err != nil {
		return "", err
	}
	if err := q.p.cfg.Store.EnqueueOutbound(ctx, Reply{Message: m, Source: SourceStaff}); err != nil {
		return "", fmt.Errorf("inbound: enqueue: %w", err)
	}
	q.p.poke()
	return "", nil
}

// poke wakes one idle worker.
func (p *Pool) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *Pool) now() time.Time {
	if p.cfg.Now != nil {
		return p.cfg.Now()
	}
	return time.Now()
}

// work is one worker: it runs jobs until there are none due, then waits
// for a poke or the poll interval.
func (p *Pool) work() {
	defer p.wg.Done()
	t := time.NewTimer(p.cfg.Poll)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		default:
		}
		if p.runOne() {
			// There may be more: let another idle worker look too.
			p.poke()
			continue
		}
		t.Reset(p.cfg.Poll)
		select {
		case <-p.quit:
			return
		case <-p.wake:
		case <-t.C:
		}
	}
}

// runOne runs one due job, outbound first so answers already computed go
// out before new questions are answered. It reports whether it found one.
func (p *Pool) runOne() bool {
	for _, kind := range []Kind{KindOutbound, KindInbound} {
		j, err := p.cfg.Store.Claim(p.base, kind, p.now(), p.cfg.Lease)
		if errors.Is(err, ErrEmpty) {
			continue
		}
		if err != nil {
			if p.base.Err() == nil {
				p.cfg.Logger.Error("inbound: claim", "kind", kind, "err", err)
			}
			return false
		}
		// A job must end well inside its lease, or another worker would
		// take it over while a hung provider call still holds it.
		ctx, cancel := context.WithTimeout(p.base, p.cfg.Lease/2)
		var r Result
		if kind == KindInbound {
			r = p.answer(ctx, j)
		} else {
			r = p.deliver(ctx, j)
		}
		cancel()
		if err := p.cfg.Store.Finish(context.WithoutCancel(p.base), j.Lease, r); err != nil {
			p.cfg.Logger.Error("inbound: finish", "kind", kind, "id", j.ID, "err", err)
		}
		if r.State == StateDead {
			p.cfg.Logger.Error("inbound: dead letter", "kind", kind, "id", j.ID, "resident", j.Resident, "attempts", j.Attempt, "err", r.Error)
		}
		return true
	}
	return false
}

// answer handles an inbound job: keywords, unreadable messages, then the
// Answerer.
func (p *Pool) answer(ctx context.Context, j *Job) Result {
	m := j.Inbound
	if m == nil {
		return Result{State: StateDead, Error: "inbound job without a message"}
	}
	out, err := p.optedOut(ctx, m.From)
	if err != nil {
		return p.failed(j, err)
	}
	if m.Kind == channels.KindText {
		if r, ok := p.keyword(ctx, m, out); ok {
			return r
		}
	}
	if out {
		// Nothing can be sent back; the resident must send START first.
		return Result{State: StateDropped, Error: "sender has opted out"}
	}
	if m.Kind == channels.KindUnsupported {
		return Result{State: StateDone, Replies: []Reply{{Message: channels.Outbound{To: m.From, Text: channels.UnsupportedText}, Source: SourceAnswer}}}
	}
	msgs, err := p.cfg.Answerer.Answer(ctx, j)
	if err != nil {
		return p.failed(j, fmt.Errorf("answer: %w", err))
	}
	r := Result{State: StateDone}
	for _, o := range msgs {
		r.Replies = append(r.Replies, Reply{Message: o, Source: SourceAnswer})
	}
	return r
}

// keyword applies STOP, START and HELP. The Twilio webhook answers them
// itself before anything is queued; this covers WhatsApp through Meta.
func (p *Pool) keyword(ctx context.Context, m *channels.Inbound, optedOut bool) (Result, bool) {
	kw := twilio.ParseKeyword(m.Text)
	word := strings.ToUpper(strings.TrimRight(strings.TrimSpace(m.Text), ".! "))
	if kw == twilio.NoKeyword || (kw == twilio.Start && word == "YES" && !optedOut) {
		return Result{}, false
	}
	reply := func(text string) Result {
		return Result{State: StateDone, Replies: []Reply{{Message: channels.Outbound{To: m.From, Text: text}, Source: SourceKeyword}}}
	}
	switch kw {
	case twilio.Stop, twilio.Start:
		if p.cfg.OptOuts != nil {
			if err := p.cfg.OptOuts.SetOptedOut(ctx, m.From, kw == twilio.Stop); err != nil {
				return Result{State: StateQueued, NotBefore: p.now().Add(p.cfg.Backoff(1)), Error: err.Error()}, true
			}
		}
		if kw == twilio.Stop {
			return reply(p.cfg.Replies.Stop), true
		}
		return reply(p.cfg.Replies.Start), true
	}
	if optedOut {
		return Result{}, false
	}
	return reply(p.cfg.Replies.Help), true
}

// windowSender is the WhatsApp client's richer send, which says when a
// template went instead of the message.
type windowSender interface {
	SendMessage(ctx context.Context, m channels.Outbound) (whatsapp.Result, error)
}

// deliver sends an outbound job.
func (p *Pool) deliver(ctx context.Context, j *Job) Result {
	m := j.Outbound
	if m == nil {
		return Result{State: StateDead, Error: "outbound job without a message"}
	}
	if j.Source != SourceKeyword {
		out, err := p.optedOut(ctx, m.To)
		if err != nil {
			return p.failed(j, err)
		}
		if out {
			return Result{State: StateDropped, Error: "recipient has opted out"}
		}
	}
	sender := p.cfg.Senders[m.To.Channel]
	if sender == nil {
		return Result{State: StateDead, Error: "no sender for channel " + string(m.To.Channel)}
	}
	if ws, ok := sender.(windowSender); ok {
		if r, held := p.holdBehindTemplate(ctx, j); held {
			return r
		}
		res, err := ws.SendMessage(ctx, *m)
		if err != nil {
			return p.failed(j, err)
		}
		if res.Fallback {
			// The template asked the resident to write back; the message
			// itself goes when they do.
			return Result{State: StateHeld, ProviderID: res.ID, Error: "outside the 24-hour window: template sent, message held"}
		}
		return Result{State: StateDone, ProviderID: res.ID}
	}
	id, err := sender.Send(ctx, *m)
	if err != nil {
		return p.failed(j, err)
	}
	return Result{State: StateDone, ProviderID: id}
}

// holdBehindTemplate holds a WhatsApp message, without sending anything,
// when a template already went for the resident's held messages within
// RenotifyAfter: the resident gets one template, then all the held
// messages in order when they write again.
func (p *Pool) holdBehindTemplate(ctx context.Context, j *Job) (Result, bool) {
	h, ok := p.cfg.Store.(Holder)
	if !ok || j.Outbound.Template != nil {
		return Result{}, false
	}
	since, err := h.HeldSince(ctx, j.Resident)
	if err != nil {
		return p.failed(j, fmt.Errorf("held messages: %w", err)), true
	}
	if since.IsZero() || p.now().Sub(since) >= p.cfg.RenotifyAfter {
		return Result{}, false
	}
	return Result{State: StateHeld, Error: "outside the 24-hour window: held behind the template sent " + since.Format(time.RFC3339)}, true
}

func (p *Pool) optedOut(ctx context.Context, id channels.Identity) (bool, error) {
	if p.cfg.OptOuts == nil {
		return false, nil
	}
	out, err := p.cfg.OptOuts.OptedOut(ctx, id)
	if err != nil {
		return false, fmt.Errorf("opt-outs: %w", err)
	}
	return out, nil
}

// failed classifies err: a retry after backoff for a temporary failure
// with attempts left, else a dead job (or a dropped one when the
// provider says the recipient opted out).
func (p *Pool) failed(j *Job, err error) Result {
	msg := err.Error()
	switch {
	case errors.Is(err, channels.ErrOptedOut):
		return Result{State: StateDropped, Error: msg}
	case !Temporary(err):
		return Result{State: StateDead, Error: "permanent: " + msg}
	case j.Attempt >= p.cfg.MaxAttempts:
		return Result{State: StateDead, Error: fmt.Sprintf("gave up after %d attempts: %s", j.Attempt, msg)}
	}
	return Result{State: StateQueued, NotBefore: p.now().Add(p.cfg.Backoff(j.Attempt)), Error: msg}
}

// Temporary reports whether retrying err later may succeed. Unusable
// messages and addresses are permanent; a provider's *Error says itself
// whether it is temporary; anything else (a network failure, a timeout, a busy database) is temporary.
func Temporary(err error) bool {
	for _, perm := range []error{channels.ErrInvalid, channels.ErrTooLarge, channels.ErrOutsideWindow,
		channels.ErrOptedOut, assistant.ErrInvalid, assistant.ErrTooLarge} {
		if errors.Is(err, perm) {
			return false
		}
	}
	// Only the providers' answers are believed: net.Error's Temporary
	// calls a refused connection permanent, but a provider that is down
	// now will usually be up later.
	if e, ok := errors.AsType[*twilio.Error](err); ok {
		return e.Temporary()
	}
	if e, ok := errors.AsType[*whatsapp.Error](err); ok {
		return e.Temporary()
	}
	if e, ok := errors.AsType[*twilio.DeliveryError](err); ok {
		return e.Temporary()
	}
	return true
}

// prune deletes old finished jobs once an hour.
func (p *Pool) prune(pr Pruner) {
	defer p.wg.Done()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := pr.Prune(p.base, p.now().Add(-p.cfg.Retention)); err != nil && p.base.Err() == nil {
			p.cfg.Logger.Warn("inbound: prune", "err", err)
		}
		select {
		case <-p.quit:
			return
		case <-t.C:
		}
	}
}
