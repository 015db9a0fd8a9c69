package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ServerConfig configures the web service.
type ServerConfig struct {
	Addr     string
	Manifest string
	DataDir  string
	// FOIDB is the FOI database; "" means $TOWNHALL_FOI_DB, else foi.db
	// in the index folder. Its search index sits beside it (foi.bleve).
	FOIDB  string
	Logger *slog.Logger
	// Now is the assistant's clock (office hours, hand-off offers,
	// timestamps of what it logs); nil means time.Now. Tests set it.
	Now func() time.Time
}

// Server is the townhall web service. Tests start it on ":0" with Run and
// read Addr once Ready is closed.
type Server struct {
	cfg   ServerConfig
	store *indexStore
	foi   *foiStores
	web   *webChat
	ln    net.Listener
	srv   *http.Server
	ready chan struct{}
}

// NewServer opens the index named by cfg and prepares the handlers.
func NewServer(ctx context.Context, cfg ServerConfig, env config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st, err := openIndex(ctx, cfg.Manifest, cfg.DataDir, env)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: st, ready: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealth)
	if err := s.mountFOI(ctx, mux, env); err != nil {
		st.Close()
		return nil, err
	}
	s.mountBrowse(mux, env)
	s.mountEvalWeb(mux, env.Evals, env)
	if err := s.mountWeb(ctx, mux, env); err != nil {
		if s.foi != nil {
			s.foi.Close()
		}
		st.Close()
		return nil, err
	}
	s.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	return s, nil
}

// Run listens and serves until ctx is done, then drains in-flight requests
// for up to ten seconds.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	close(s.ready)
	s.cfg.Logger.Info("serving", "addr", ln.Addr().String(), "manifest", s.cfg.Manifest)
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Websockets are hijacked connections, which http.Server.Shutdown
	// does not wait for: the web chat drains its own first.
	if err := s.web.shutdown(shutdownCtx); err != nil {
		s.cfg.Logger.Warn("web chat drain", "err", err)
	}
	if err := s.srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Addr returns the listening address once Run has started listening.
func (s *Server) Addr() string {
	<-s.ready
	return s.ln.Addr().String()
}

// Close releases the indexes and the FOI, assistant and web chat
// databases.
func (s *Server) Close() error { return errors.Join(s.web.Close(), s.foi.Close(), s.store.Close()) }

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"status": "ok", "documents": s.store.Documents()})
}

func runServe(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address HOST:PORT")
	manifest := fs.String("manifest", "", "sources manifest (YAML)")
	data := fs.String("data", "", "index folder (default $TOWNHALL_DATA/<manifest name>)")
	foiDB := fs.String("foi-db", "", "FOI database (default $TOWNHALL_FOI_DB, else <index folder>/foi.db)")
	storeFlag(fs, &env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *manifest == "" {
		return usageError("serve: -manifest is required")
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	s, err := NewServer(ctx, ServerConfig{Addr: *addr, Manifest: *manifest, DataDir: *data, FOIDB: *foiDB, Logger: logger}, env)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(stdout, "Townhall is serving on http://%s/\n", *addr)
	return s.Run(ctx)
}
