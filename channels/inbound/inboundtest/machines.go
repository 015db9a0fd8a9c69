package inboundtest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
)

// machines records what the worker pools of several machines do with
// one queue, and whether any resident ever had two jobs running at once.
type machines struct {
	mu       sync.Mutex
	busy     map[string]bool     // kind and resident -> a job of theirs is running
	answered map[string][]string // resident -> provider ids answered, in order
	sent     map[string][]string // resident -> texts sent, in order
	times    map[string]int      // provider id -> times answered
	by       map[string]int      // machine -> jobs it ran
	overlaps []string
}

// run marks resident's jobs of kind busy for the length of fn, noting
// any overlap. (A resident's inbound and outbound jobs are two queues:
// an answer may go while the next message is being answered.)
func (m *machines) run(machine string, kind inbound.Kind, resident string, fn func()) {
	key := string(kind) + " " + resident
	m.mu.Lock()
	if m.busy[key] {
		m.overlaps = append(m.overlaps, key)
	}
	m.busy[key] = true
	m.by[machine]++
	m.mu.Unlock()
	fn()
	// Long enough for the other machine's workers to try this resident.
	time.Sleep(2 * time.Millisecond)
	m.mu.Lock()
	m.busy[key] = false
	m.mu.Unlock()
}

// answerer answers for one machine with "re: <text>".
type answerer struct {
	m       *machines
	machine string
}

func (a answerer) Answer(_ context.Context, j *inbound.Job) ([]channels.Outbound, error) {
	a.m.run(a.machine, inbound.KindInbound, j.Resident, func() {
		a.m.mu.Lock()
		a.m.answered[j.Resident] = append(a.m.answered[j.Resident], j.Inbound.ProviderID)
		a.m.times[j.Inbound.ProviderID]++
		a.m.mu.Unlock()
	})
	return []channels.Outbound{{To: j.Inbound.From, Text: "re: " + j.Inbound.Text}}, nil
}

// sender sends for one machine.
type sender struct {
	m       *machines
	machine string
}

func (s sender) Send(_ context.Context, o channels.Outbound) (string, error) {
	var n int
	s.m.run(s.machine, inbound.KindOutbound, o.To.Key(), func() {
		s.m.mu.Lock()
		s.m.sent[o.To.Key()] = append(s.m.sent[o.To.Key()], o.Text)
		for _, texts := range s.m.sent {
			n += len(texts)
		}
		s.m.mu.Unlock()
	})
	return fmt.Sprintf("SM-%s-%d", s.machine, n), nil
}

// TestTwoMachines runs two worker pools, each over its own handle on
// one queue, as two Townhall machines behind a load balancer: every
// resident's messages are handed to both machines' webhooks in turn (and
// each is delivered twice, once to each machine, as a provider retrying
// does). Every message must be answered exactly once, each resident's
// messages answered and replied to in the order they came, and never two
// of one resident's jobs at once.
func TestTwoMachines(t *testing.T, backend Backend) {
	const residents, perResident = 8, 6
	open := backend(t)
	m := &machines{busy: map[string]bool{}, answered: map[string][]string{}, sent: map[string][]string{},
		times: map[string]int{}, by: map[string]int{}}
	var pools [2]*inbound.Pool
	for i := range pools {
		q := open(Settings{})
		name := fmt.Sprintf("machine%d", i+1)
		s := sender{m, name}
		p, err := inbound.New(inbound.Config{
			Store: q, Answerer: answerer{m, name}, OptOuts: q,
			Senders: map[channels.Channel]channels.Sender{channels.SMS: s, channels.WhatsApp: s},
			Workers: 3, Poll: 5 * time.Millisecond, Lease: time.Minute,
		})
		if err != nil {
			t.Fatal(err)
		}
		p.Start()
		t.Cleanup(func() { p.Shutdown(context.Background()) })
		pools[i] = p
	}

	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, residents*perResident*2)
	for r := range residents {
		wg.Go(func() {
			from := fmt.Sprintf("+4477009%05d", r)
			for n := range perResident {
				msg := sms(fmt.Sprintf("SM%02d%02d", r, n), from, fmt.Sprintf("message %d from resident %d", n, r))
				if r%2 == 1 {
					msg.From.Channel = channels.WhatsApp
				}
				first := (r + n) % 2
				for _, i := range []int{first, 1 - first} {
					if err := pools[i].HandleInbound(ctx, msg); err != nil {
						errs <- err
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("webhook: %v", err)
	}

	deadline := time.Now().Add(30 * time.Second)
	for {
		m.mu.Lock()
		total := 0
		for _, texts := range m.sent {
			total += len(texts)
		}
		m.mu.Unlock()
		if total >= residents*perResident {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %d of %d replies sent", total, residents*perResident)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, p := range pools {
		if err := p.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	for id, n := range m.times {
		if n != 1 {
			t.Errorf("message %s answered %d times, want once", id, n)
		}
	}
	if len(m.overlaps) > 0 {
		t.Errorf("two jobs of one kind for one resident running at once: %v", m.overlaps)
	}
	for r := range residents {
		key := channels.Identity{Channel: channels.SMS, Address: fmt.Sprintf("+4477009%05d", r)}
		if r%2 == 1 {
			key.Channel = channels.WhatsApp
		}
		var wantIDs, wantTexts []string
		for n := range perResident {
			wantIDs = append(wantIDs, fmt.Sprintf("SM%02d%02d", r, n))
			wantTexts = append(wantTexts, fmt.Sprintf("re: message %d from resident %d", n, r))
		}
		if got := m.answered[key.Key()]; !slices.Equal(got, wantIDs) {
			t.Errorf("%s answered %v, want %v", key.Key(), got, wantIDs)
		}
		if got := m.sent[key.Key()]; !slices.Equal(got, wantTexts) {
			t.Errorf("%s sent %q, want %q", key.Key(), got, wantTexts)
		}
	}
	t.Logf("jobs run by machine: %v", m.by)
	if m.by["machine1"] == 0 || m.by["machine2"] == 0 {
		t.Errorf("jobs run by machine: %v; want both machines to take jobs", m.by)
	}
}
