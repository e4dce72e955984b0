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

// TestServe starts `chipgraph serve` on a free port, asks the issue's
// acceptance query over POST and GET, and stops it as SIGINT would.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := addrHandler{addr: make(chan string, 1)}
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Logger: slog.New(h),
		Getenv: func(k string) string {
			if k == "CHIPGRAPH_ADDR" {
				return "127.0.0.1:0"
			}
			return ""
		}}
	done := make(chan int, 1)
	go func() { done <- run(ctx, env, []string{"serve"}) }()
	var base string
	select {
	case addr := <-h.addr:
		base = "http://" + addr
	case code := <-done:
		t.Fatalf("serve exited with %d before serving", code)
	}

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

	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit code %d after shutdown", code)
	}
}

func TestServeUsage(t *testing.T) {
	if code, _, stderr := runCmd(t, "serve", "extra"); code != exitUsage || !strings.Contains(stderr, "--data") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	if code, _, stderr := runCmd(t, "serve", "--data", "xml:x"); code != exitUsage || !strings.Contains(stderr, "unknown kind") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	if code, stdout, _ := runCmd(t, "serve", "--help"); code != exitOK || !strings.Contains(stdout, "--addr") && !strings.Contains(stdout, "-addr") {
		t.Errorf("exit %d, stdout %s", code, stdout)
	}
}
