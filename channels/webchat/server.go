package webchat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels"
)

// Responder answers one resident message. *assistant.Assistant
// implements it.
type Responder interface {
	Respond(ctx context.Context, req assistant.Request) (*assistant.Answer, error)
}

// StreamResponder is an optional ability of a Responder: it calls emit
// with the answer's text so far (each call carries the whole text to
// date, not a delta) while composing, then returns the final answer.
// The final answer replaces whatever was emitted.
type StreamResponder interface {
	RespondStream(ctx context.Context, req assistant.Request, emit func(partial string)) (*assistant.Answer, error)
}

// Config configures a Server. Assistant, Conversations and Messages are
// required.
type Config struct {
	// Assistant answers residents. Conversations must be the store it
	// writes: webchat reads turns back from it to number and replay them.
	Assistant     Responder
	Conversations assistant.ConversationStore
	Messages      MessageLog
	// Feedback keeps helpful / not helpful verdicts; nil means the
	// feedback control is not offered.
	Feedback FeedbackStore
	// Handoffs is the staff side of the hand-off queue; nil means the
	// console shows no queue.
	Handoffs assistant.HandoffConsole
	// Senders carry staff replies to residents on other channels (SMS,
	// WhatsApp). Web residents are reached over their websocket.
	Senders map[assistant.Channel]channels.Sender
	// AllowedOrigins lists the origins ("https://www.example.gov.uk")
	// other than the service's own whose pages may open the chat
	// websocket. Same-origin pages are always allowed; a request with no
	// Origin header (not a browser) is allowed too.
	AllowedOrigins []string
	// StaffConsole mounts the console under /staff/. It is off by
	// default, and when on it serves loopback clients only.
	StaffConsole bool
	// Council names the council on the chat page.
	Council string
	// Limits bound each client; zero fields take DefaultLimits.
	Limits Limits
	// Secret signs the chat page's CSRF tokens; nil means a random key
	// per process (forms open across a restart are then refused once).
	Secret []byte
	// SecureCookies marks cookies Secure; set it when served over TLS.
	SecureCookies bool
	// AnswerTimeout bounds one answer; 0 means 30 seconds.
	AnswerTimeout time.Duration
	// PingInterval is how often idle connections are pinged and PongWait
	// how long a silent connection lives; 0 means 30 and 75 seconds.
	PingInterval time.Duration
	PongWait     time.Duration
	// WriteWait bounds each write; 0 means 10 seconds.
	WriteWait time.Duration
	// MaxConcurrentAnswers bounds the answers computed at once; others
	// wait their turn in arrival order. Answering is CPU-bound, and
	// running a few at full speed gives a shorter tail than sharing the
	// processors among all of them. 0 means twice GOMAXPROCS.
	MaxConcurrentAnswers int
	Logger               *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// NewID makes conversation ids; nil means 24 random hex digits.
	NewID func() string
}

// Server serves the web chat: the websocket, the widget's assets, the
// chat page and the staff console. Create it with New and mount it with
// Register; call Shutdown before closing the stores.
type Server struct {
	cfg      Config
	limits   Limits
	ips      *ipLimits
	upgrader websocket.Upgrader
	origins  map[string]bool
	pages    *template.Template
	secret   []byte

	mu       sync.Mutex
	convs    map[string]*convState
	clients  map[*client]struct{}
	draining bool
	inflight sync.WaitGroup
	readers  sync.WaitGroup
	// answering holds a token per answer being computed.
	answering chan struct{}
	// turns locks a conversation across machines and claims reads a
	// hand-off's holder from a shared queue; nil for stores on one
	// machine (see TurnLocker and ClaimReader).
	turns  TurnLocker
	claims ClaimReader
}

// New checks cfg and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Assistant == nil || cfg.Conversations == nil || cfg.Messages == nil {
		return nil, fmt.Errorf("webchat: Assistant, Conversations and Messages are required: %w", ErrInvalid)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = 30 * time.Second
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 30 * time.Second
	}
	if cfg.PongWait <= cfg.PingInterval {
		cfg.PongWait = cfg.PingInterval*2 + 15*time.Second
	}
	if cfg.WriteWait <= 0 {
		cfg.WriteWait = 10 * time.Second
	}
	if cfg.Council == "" {
		cfg.Council = "the council"
	}
	s := &Server{
		cfg:     cfg,
		limits:  cfg.Limits.withDefaults(),
		origins: map[string]bool{},
		convs:   map[string]*convState{},
		clients: map[*client]struct{}{},
		secret:  cfg.Secret,
	}
	s.ips = newIPLimits(s.limits)
	s.turns, _ = cfg.Messages.(TurnLocker)
	s.claims, _ = cfg.Handoffs.(ClaimReader)
	if cfg.MaxConcurrentAnswers <= 0 {
		cfg.MaxConcurrentAnswers = 2 * runtime.GOMAXPROCS(0)
	}
	s.answering = make(chan struct{}, cfg.MaxConcurrentAnswers)
	for _, o := range cfg.AllowedOrigins {
		u, err := url.Parse(strings.TrimSpace(o))
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("webchat: allowed origin %q: want scheme://host[:port]: %w", o, ErrInvalid)
		}
		s.origins[u.Scheme+"://"+strings.ToLower(u.Host)] = true
	}
	if len(s.secret) == 0 {
		s.secret = make([]byte, 32)
		if _, err := rand.Read(s.secret); err != nil {
			return nil, err
		}
	}
	s.upgrader = websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		// A small read buffer and pooled write buffers keep an idle
		// connection cheap: it holds no write buffer between messages.
		ReadBufferSize:  1024,
		WriteBufferSize: 4096,
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     s.checkOrigin,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			http.Error(w, http.StatusText(status), status)
		},
	}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	return s, nil
}

// Register mounts the web chat's routes on mux: /widget.js, /widget.css,
// /chat (the page), /chat/ws (the websocket), /chat/demo (a sample
// council page with the widget) and, when Config.StaffConsole is set,
// /staff/.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /widget.js", s.serveAsset("static/widget.js"))
	mux.HandleFunc("GET /widget.css", s.serveAsset("static/widget.css"))
	mux.HandleFunc("GET /chat/page.css", s.serveAsset("static/page.css"))
	mux.HandleFunc("GET /chat/ws", s.handleWS)
	mux.HandleFunc("GET /chat/demo", s.handleDemo)
	mux.HandleFunc("GET /chat", s.handlePage)
	mux.Handle("POST /chat", s.formProtection(http.HandlerFunc(s.handlePagePost)))
	mux.Handle("POST /chat/feedback", s.formProtection(http.HandlerFunc(s.handlePageFeedback)))
	mux.Handle("POST /chat/new", s.formProtection(http.HandlerFunc(s.handlePageNew)))
	if s.cfg.StaffConsole {
		s.registerConsole(mux)
	}
}

// checkOrigin accepts requests with no Origin (not from a browser), from
// the service's own origin and from the configured origins.
func (s *Server) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return s.origins[strings.ToLower(u.Scheme+"://"+u.Host)]
}

// Shutdown drains the server: new messages are refused with an
// unavailable error, answers in flight are finished and delivered, then
// every connection is sent a close frame (1001, going away) and closed.
// It returns ctx's error if answers are still running when ctx ends; the
// connections are closed either way.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.draining = true
	s.mu.Unlock()

	done := make(chan struct{})
	go func() { s.inflight.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("webchat drain: answers still running: %w", ctx.Err())
	}

	s.mu.Lock()
	clients := make([]*client, 0, len(s.clients))
	for c := range s.clients {
		clients = append(clients, c)
	}
	s.mu.Unlock()
	for _, c := range clients {
		c.closeWith(websocket.CloseGoingAway, "server restarting; reconnect shortly")
	}
	readers := make(chan struct{})
	go func() { s.readers.Wait(); close(readers) }()
	select {
	case <-readers:
	case <-ctx.Done():
	}
	return err
}

// Connections returns the number of open websocket connections.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}

func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

func (s *Server) newID() string {
	if s.cfg.NewID != nil {
		return s.cfg.NewID()
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validID reports whether id can be a conversation or client id: 1 to 64
// letters, digits, '-' or '_'.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// beginAnswer registers an answer in flight, or reports ErrUnavailable
// while draining.
func (s *Server) beginAnswer() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining {
		return ErrUnavailable
	}
	s.inflight.Add(1)
	return nil
}

// errorCode classifies an error for an error frame and a safe message.
func errorCode(err error) (code, message string) {
	switch {
	case errors.Is(err, assistant.ErrTooLarge):
		return CodeTooLarge, fmt.Sprintf("Your message is too long. Please keep it under %d characters.", assistant.MaxMessageBytes)
	case errors.Is(err, ErrInvalid), errors.Is(err, assistant.ErrInvalid):
		return CodeInvalid, "Please type a message."
	case errors.Is(err, ErrUnavailable):
		return CodeUnavailable, "The chat is restarting. Please send your message again in a moment."
	case errors.Is(err, ErrNotYours):
		return CodeNotYours, "This conversation is not assigned to you."
	case errors.Is(err, channels.ErrOptedOut), errors.Is(err, channels.ErrOutsideWindow), errors.Is(err, channels.ErrInvalid):
		return CodeDeliveryFailed, "The reply could not be delivered on the resident's channel: " + err.Error()
	}
	return CodeInternal, "Sorry, something went wrong on our side. Please try again."
}
