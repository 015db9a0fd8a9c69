// Command wsload measures the web chat under load, on loopback, from a
// process of its own. It is what `make bench` runs for the channels issue.
//
// Usage:
//
//	wsload run -townhall bin/townhall -manifest testdata/demo/demo.yaml [-conns 2000] [-idle 10000] [-duration 30s] [-json out/wsload.json]
//	wsload echo-server -addr 127.0.0.1:0
//
// run ingests the manifest into a temporary data folder, then:
//
//  1. chat: starts `townhall serve` and holds -conns websocket
//     conversations open at once, each sending a question from
//     -questions, waiting for the answer, thinking for -think (uniformly
//     random around it) and asking again, for -duration. It reports the
//     round trip (message sent to answer received) p50/p95/p99 and the
//     server's resident set size.
//  2. echo: the same connections, pacing and frames against a bare
//     gorilla/websocket echo server (wsload echo-server, also its own
//     process), as the reference, and the ratio to it.
//  3. idle: a fresh `townhall serve` and a fresh echo server each take
//     -idle connections that say hello and then stay silent; the growth
//     of each server's RSS over its own baseline, per connection.
//
// Servers run with the web chat's per-address limits off, since all
// load comes from 127.0.0.1. Raise the open-files limit first (make bench
// does): the load and the server each hold one descriptor per connection.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: wsload run|echo-server [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runBench(ctx, os.Args[2:])
	case "echo-server":
		err = runEchoServer(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wsload:", err)
		os.Exit(1)
	}
}

// runEchoServer serves a bare gorilla echo at /ws, the reference the
// web chat is compared with: same library, default buffers, one
// goroutine per connection, nothing else.
func runEchoServer(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("echo-server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	up := websocket.Upgrader{}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, data); err != nil {
				return
			}
		}
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Printf("listening %s\n", ln.Addr())
	srv := &http.Server{Handler: mux}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

type benchFlags struct {
	townhall, manifest, questions, jsonOut string
	conns, idle                            int
	duration, think                        time.Duration
}

// Report is what run measures; it is printed and written as JSON.
type Report struct {
	Conns        int     `json:"conns"`
	DurationS    float64 `json:"duration_s"`
	ThinkS       float64 `json:"think_s"`
	Chat         Phase   `json:"chat"`
	Echo         Phase   `json:"echo"`
	RatioP50     float64 `json:"ratio_p50"`
	RatioP95     float64 `json:"ratio_p95"`
	RatioRSS     float64 `json:"ratio_rss"`
	IdleConns    int     `json:"idle_conns"`
	Idle         Idle    `json:"idle"`
	IdleEcho     Idle    `json:"idle_echo"`
	IdleKBPerCon float64 `json:"idle_kb_per_conn"`
}

// Phase is one load phase's figures.
type Phase struct {
	Messages     int     `json:"messages"`
	Errors       int     `json:"errors"`
	PerSecond    float64 `json:"messages_per_s"`
	P50ms        float64 `json:"p50_ms"`
	P95ms        float64 `json:"p95_ms"`
	P99ms        float64 `json:"p99_ms"`
	MaxMs        float64 `json:"max_ms"`
	ServerRSSMB  float64 `json:"server_rss_mb"`  // peak while loaded
	ServerBaseMB float64 `json:"server_base_mb"` // before the load
	ServerCPUs   float64 `json:"server_cpu_s"`   // user+system CPU while measured
	CPUmsPerMsg  float64 `json:"server_cpu_ms_per_msg"`
}

// Idle is the idle-connection phase's figures for one server.
type Idle struct {
	Connected int     `json:"connected"`
	BaseMB    float64 `json:"base_rss_mb"`
	LoadedMB  float64 `json:"loaded_rss_mb"`
	KBPerConn float64 `json:"kb_per_conn"`
}

func runBench(ctx context.Context, args []string) error {
	var f benchFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.StringVar(&f.townhall, "townhall", "bin/townhall", "the townhall binary")
	fs.StringVar(&f.manifest, "manifest", "testdata/demo/demo.yaml", "manifest to serve")
	fs.StringVar(&f.questions, "questions", "testdata/demo/suite.jsonl", "eval suite whose first turns are asked")
	fs.StringVar(&f.jsonOut, "json", "out/wsload.json", "write the report here")
	fs.IntVar(&f.conns, "conns", 2000, "concurrent conversations")
	fs.IntVar(&f.idle, "idle", 10000, "idle connections")
	fs.DurationVar(&f.duration, "duration", 30*time.Second, "how long each load phase runs")
	fs.DurationVar(&f.think, "think", 10*time.Second, "mean pause between a conversation's messages")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Cur < uint64(max(f.conns, f.idle)+512) {
		return fmt.Errorf("open files limit %d is too low for %d connections: raise it (ulimit -n)", lim.Cur, max(f.conns, f.idle))
	}
	questions, err := readQuestions(f.questions)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	data, err := os.MkdirTemp("", "wsload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	env := append(os.Environ(),
		"TOWNHALL_DATA="+data,
		// All load comes from one address: per-address limits off.
		"TOWNHALL_WEBCHAT_CONNS_PER_IP=-1", "TOWNHALL_WEBCHAT_IP_RATE=-1", "TOWNHALL_WEBCHAT_CONN_RATE=-1")
	logf("ingesting %s into %s", f.manifest, data)
	ingest := exec.CommandContext(ctx, f.townhall, "ingest", "-manifest", f.manifest)
	ingest.Env, ingest.Stderr = env, os.Stderr
	if out, err := ingest.Output(); err != nil {
		return fmt.Errorf("ingest: %v\n%s", err, out)
	}

	rep := Report{Conns: f.conns, DurationS: f.duration.Seconds(), ThinkS: f.think.Seconds(), IdleConns: f.idle}

	// 1. Chat.
	th, err := startTownhall(ctx, f.townhall, f.manifest, env)
	if err != nil {
		return err
	}
	rep.Chat, err = loadPhase(ctx, "ws://"+th.addr+"/chat/ws", th.pid(), f, questions, true)
	th.stop()
	if err != nil {
		return err
	}
	// 2. Echo.
	echo, err := startEcho(ctx, self)
	if err != nil {
		return err
	}
	rep.Echo, err = loadPhase(ctx, "ws://"+echo.addr+"/ws", echo.pid(), f, questions, false)
	echo.stop()
	if err != nil {
		return err
	}
	rep.RatioP50 = ratio(rep.Chat.P50ms, rep.Echo.P50ms)
	rep.RatioP95 = ratio(rep.Chat.P95ms, rep.Echo.P95ms)
	rep.RatioRSS = ratio(rep.Chat.ServerRSSMB, rep.Echo.ServerRSSMB)

	// 3. Idle connections, each server fresh so its baseline is clean.
	if f.idle > 0 {
		th, err := startTownhall(ctx, f.townhall, f.manifest, env)
		if err != nil {
			return err
		}
		rep.Idle, err = idlePhase(ctx, "ws://"+th.addr+"/chat/ws", th.pid(), f.idle, true, 5*time.Second)
		th.stop()
		if err != nil {
			return err
		}
		echo, err := startEcho(ctx, self)
		if err != nil {
			return err
		}
		rep.IdleEcho, err = idlePhase(ctx, "ws://"+echo.addr+"/ws", echo.pid(), f.idle, false, 5*time.Second)
		echo.stop()
		if err != nil {
			return err
		}
		rep.IdleKBPerCon = rep.Idle.KBPerConn
	}

	printReport(os.Stdout, &rep)
	if f.jsonOut != "" {
		if err := os.MkdirAll(filepath.Dir(f.jsonOut), 0o755); err != nil {
			return err
		}
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(f.jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "wsload: "+format+"\n", args...)
}

// readQuestions takes the first turn of every case in a suite.
func readQuestions(path string) ([]string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var out []string
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var c struct {
			Turns []string `json:"turns"`
		}
		if json.Unmarshal(sc.Bytes(), &c) == nil && len(c.Turns) > 0 {
			out = append(out, c.Turns[0])
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no questions", path)
	}
	return out, sc.Err()
}
