package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// startDemoServer ingests the demo council into a fresh data folder and
// serves it on a loopback port until the test ends.
func startDemoServer(t *testing.T, extra map[string]string) *Server {
	t.Helper()
	return startDemoServerAt(t, extra, nil)
}

// officeHours is a clock for the demo council's assistant that starts on
// a Wednesday at 11am UK time and runs at the real pace, so tests that
// hand a conversation to staff find the team at work whatever the time
// of day they run.
func officeHours() func() time.Time {
	start, at := time.Now(), time.Date(2026, 3, 4, 11, 0, 0, 0, time.UTC)
	return func() time.Time { return at.Add(time.Since(start)) }
}

// startDemoServerAt is startDemoServer with the assistant's clock set to
// now (nil: the real clock).
func startDemoServerAt(t *testing.T, extra map[string]string, now func() time.Time) *Server {
	t.Helper()
	dir := t.TempDir()
	vars := map[string]string{"TOWNHALL_DATA": dir, "TOWNHALL_EMBEDDER": "hashing"}
	for k, v := range extra {
		vars[k] = v
	}
	getenv := func(k string) string { return vars[k] }
	if out, _, err := runCmd(t, getenv, "ingest", "-manifest", demoManifest); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := NewServer(ctx, ServerConfig{Addr: "127.0.0.1:0", Manifest: demoManifest, Now: now}, envConfig(getenv))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	s.Addr()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not shut down")
		}
		s.Close()
	})
	return s
}

// chatFrame is a frame of the chat websocket, with the fields the tests
// read.
type chatFrame struct {
	Type           string `json:"type"`
	Role           string `json:"role"`
	Text           string `json:"text"`
	HTML           string `json:"html"`
	Seq            int    `json:"seq"`
	ConversationID string `json:"conversation_id"`
	Citations      []struct {
		N     int    `json:"n"`
		Title string `json:"title"`
		URL   string `json:"url"`
	} `json:"citations"`
}

// askMissedBin opens a chat on the server at addr and asks the demo
// council whether a missed bin collection can still be reported. It
// returns the welcome frame and the assistant's answer, and fails the
// test when the first frame is not a welcome.
func askMissedBin(t *testing.T, addr string) (welcome, answer chatFrame) {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/chat/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	read := func() chatFrame {
		t.Helper()
		var f chatFrame
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	ws.WriteJSON(map[string]any{"type": "hello"})
	if welcome = read(); welcome.Type != "welcome" {
		t.Fatalf("got %+v, want welcome", welcome)
	}
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "q1", "text": "the bin men missed our recycling yesterday, is it too late to tell you?"})
	for answer.Type != "message" || answer.Role != "assistant" {
		answer = read()
	}
	return welcome, answer
}

// TestWebChatDemoCorpus asks the real assistant, built on the demo
// council's index, a question over the chat websocket.
func TestWebChatDemoCorpus(t *testing.T) {
	s := startDemoServer(t, nil)
	_, answer := askMissedBin(t, s.Addr())
	if answer.Seq != 2 || len(answer.Citations) == 0 {
		t.Fatalf("answer = %+v, want seq 2 with citations", answer)
	}
	if !strings.Contains(answer.Text, "working days") || !strings.Contains(answer.HTML, "<a ") {
		t.Errorf("answer does not give the deadline with linked sources:\n%s\n%s", answer.Text, answer.HTML)
	}

	// The console is off by default; the chat page is always there.
	for path, want := range map[string]int{"/staff/": http.StatusNotFound, "/chat": http.StatusOK, "/widget.js": http.StatusOK} {
		resp, err := http.Get("http://" + s.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// TestWidgetBrowser drives the widget in Chromium by keyboard alone and
// runs axe-core over it (tests/browser/widget.spec.mjs). It needs
// /usr/bin/chromium and the npm modules `make test-deps` installs into
// .cache/npm-browser; it skips without them, and fails when CI is set.
func TestWidgetBrowser(t *testing.T) {
	node, chromium, modules, root := browserPrereqs(t)
	s := startDemoServer(t, map[string]string{"TOWNHALL_STAFF_CONSOLE": "1"})
	out := filepath.Join(root, "out")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "tests", "browser", "widget.spec.mjs"))
	cmd.Env = append(os.Environ(),
		"TOWNHALL_URL=http://"+s.Addr(),
		"CHROMIUM="+chromium,
		"NODE_MODULES="+modules,
		"OUT_DIR="+out,
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("widget.spec.mjs:\n%s", stdout.String())
	if err != nil {
		t.Fatalf("widget.spec.mjs failed: %v\n%s", err, stderr.String())
	}
}
