package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is a server process under test.
type server struct {
	cmd  *exec.Cmd
	addr string
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// stop asks the server to shut down (it drains) and waits for it.
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// freeAddr returns a loopback address with a free port.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startTownhall runs `townhall serve` and waits until it answers.
func startTownhall(ctx context.Context, bin, manifest string, env []string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "serve", "-addr", addr, "-manifest", manifest)
	cmd.Env, cmd.Stderr = env, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, addr: addr}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("townhall serve did not come up on %s", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Let start-up work (record warm-up, first GC) settle before any
	// baseline is taken.
	time.Sleep(2 * time.Second)
	logf("townhall serving on %s (pid %d, %.1f MB)", addr, s.pid(), rssMB(s.pid()))
	return s, nil
}

// startEcho runs this binary's echo-server.
func startEcho(ctx context.Context, self string) (*server, error) {
	cmd := exec.CommandContext(ctx, self, "echo-server", "-addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("echo server: %w", err)
	}
	s := &server{cmd: cmd, addr: strings.TrimSpace(strings.TrimPrefix(line, "listening "))}
	time.Sleep(500 * time.Millisecond)
	logf("echo server on %s (pid %d, %.1f MB)", s.addr, s.pid(), rssMB(s.pid()))
	return s, nil
}

// rssMB reads a process's resident set size from /proc, in MB (2^20).
func rssMB(pid int) float64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// cpuSeconds reads a process's user and system CPU time from /proc.
func cpuSeconds(pid int) float64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100 // clock ticks; USER_HZ is 100 on Linux
}

// rssSampler records a process's peak RSS while it runs.
type rssSampler struct {
	stop chan struct{}
	done chan float64
}

func sampleRSS(pid int) *rssSampler {
	s := &rssSampler{stop: make(chan struct{}), done: make(chan float64, 1)}
	go func() {
		peak := 0.0
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			peak = max(peak, rssMB(pid))
			select {
			case <-s.stop:
				s.done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) peak() float64 {
	close(s.stop)
	return <-s.done
}
