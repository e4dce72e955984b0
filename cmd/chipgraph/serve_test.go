package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// addrHandler is a slog.Handler that hands the address of the "serving"
// record to a channel, so a test can wait for the server without sleeping.
type addrHandler struct{ addr chan string }

func (h addrHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h addrHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h addrHandler) WithGroup(string) slog.Handler            { return h }
func (h addrHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "serving" {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "addr" {
				h.addr <- a.Value.String()
			}
			return true
		})
	}
	return nil
}

// startServe runs `chipgraph serve` with args on a free port and returns its
// base URL and a stop function that shuts it down as SIGINT would and
// returns its exit code.
func startServe(t *testing.T, args ...string) (base string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := addrHandler{addr: make(chan string, 1)}
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Logger: slog.New(h),
		Getenv: func(k string) string {
			if k == "CHIPGRAPH_ADDR" {
				return "127.0.0.1:0"
			}
			return ""
		}}
	done := make(chan int, 1)
	go func() { done <- run(ctx, env, append([]string{"serve"}, args...)) }()
	select {
	case addr := <-h.addr:
		base = "http://" + addr
	case code := <-done:
		cancel()
		t.Fatalf("serve exited with %d before serving", code)
	}
	stopped := false
	stop = func() int {
		if stopped {
			return exitOK
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { stop() })
	return base, stop
}

// TestServe starts `chipgraph serve` on a free port, asks the issue's
// acceptance query over POST and GET, and stops it as SIGINT would.
func TestServe(t *testing.T) {
	base, stop := startServe(t)
	resp, err := http.Get(base + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %v %v", err, resp)
	}
	resp.Body.Close()

	const query = `{ node(id: "firm:huawei") { id name } }`
	body, _ := json.Marshal(map[string]string{"query": query})
	for _, req := range []func() (*http.Response, error){
		func() (*http.Response, error) {
			return http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
		},
		func() (*http.Response, error) {
			return http.Get(base + "/graphql?query=" + strings.ReplaceAll(query, " ", "%20"))
		},
	} {
		resp, err := req()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := `{"data":{"node":{"id":"firm:huawei","name":"Huawei"}}}`; string(got) != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}

	if code := stop(); code != exitOK {
		t.Errorf("exit code %d after shutdown", code)
	}
}

// TestServeCORS: with --cors-origin, a dashboard page of that origin may
// read answers; others get no CORS header.
func TestServeCORS(t *testing.T) {
	base, _ := startServe(t, "--cors-origin", "https://dash.example.org/, http://localhost:3000", "--timeout", "5s")
	for origin, want := range map[string]string{
		"https://dash.example.org": "https://dash.example.org",
		"http://localhost:3000":    "http://localhost:3000",
		"https://other.example":    "",
	} {
		req, _ := http.NewRequest(http.MethodGet, base+"/reports/chokepoints.json?first=1", nil)
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); resp.StatusCode != http.StatusOK || got != want {
			t.Errorf("origin %s: %d, Access-Control-Allow-Origin %q, want %q", origin, resp.StatusCode, got, want)
		}
	}
}

func TestServeUsage(t *testing.T) {
	if code, _, stderr := runCmd(t, "serve", "extra"); code != exitUsage || !strings.Contains(stderr, "--data") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	if code, _, stderr := runCmd(t, "serve", "--data", "xml:x"); code != exitUsage || !strings.Contains(stderr, "unknown kind") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	for _, args := range [][]string{
		{"--cors-origin", "dash.example.org"}, {"--cors-origin", "https://dash.example.org/app"},
		{"--cors-origin", "ftp://x.org"}, {"--timeout", "0s"}, {"--max-complexity", "-1"},
	} {
		code, _, stderr := runCmd(t, append([]string{"serve"}, args...)...)
		if code != exitUsage || !strings.Contains(stderr, args[0]) {
			t.Errorf("serve %v: exit %d, stderr %s (want a usage error naming %s)", args, code, stderr, args[0])
		}
	}
	if code, stdout, _ := runCmd(t, "serve", "--help"); code != exitOK || !strings.Contains(stdout, "--addr") && !strings.Contains(stdout, "-addr") {
		t.Errorf("exit %d, stdout %s", code, stdout)
	}
}
