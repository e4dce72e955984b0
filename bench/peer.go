package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// peerProc is the running peer (bench/peer/server.js).
type peerProc struct {
	cmd         *exec.Cmd
	url         string
	nodeVersion string
	tmp         string
	exited      chan struct{}
}

// startPeer installs the peer's packages with npm ci, hands it the Cypher
// of the questions and starts it on a loopback port against the same
// Neo4j.
func startPeer(ctx context.Context, cfg Config) (*peerProc, error) {
	node, err := exec.LookPath(cfg.Node)
	if err != nil {
		return nil, fmt.Errorf("node.js not found (%s): %w", cfg.Node, err)
	}
	npm, err := exec.LookPath(cfg.NPM)
	if err != nil {
		return nil, fmt.Errorf("npm not found (%s): %w", cfg.NPM, err)
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	p := &peerProc{nodeVersion: strings.TrimSpace(string(out)), exited: make(chan struct{})}

	cfg.Log("peer: npm ci in %s", cfg.PeerDir)
	ci := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	ci.Dir = cfg.PeerDir
	if out, err := ci.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("npm ci in %s: %w: %s", cfg.PeerDir, err, tail(string(out), 800))
	}

	p.tmp, err = os.MkdirTemp("", "chipgraph-peer-")
	if err != nil {
		return nil, err
	}
	stmts := map[string]string{}
	for _, q := range questions {
		stmts[q.field] = q.cypher
	}
	b, err := json.Marshal(stmts)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(p.tmp, "cypher.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		return nil, err
	}

	cmd := exec.Command(node, "server.js")
	cmd.Dir = cfg.PeerDir
	cmd.Env = append(os.Environ(), "NEO4J_URI="+cfg.Neo4j.URI, "NEO4J_DATABASE="+cfg.Neo4j.Database,
		"NEO4J_USER="+cfg.Neo4j.User, "NEO4J_PASSWORD="+cfg.Neo4j.Password, "PEER_CYPHER="+file, "PORT=0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &limitedWriter{w: &stderr, left: 8 << 10}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(p.tmp)
		return nil, fmt.Errorf("starting the peer: %w", err)
	}
	p.cmd = cmd
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if url, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				ready <- url
			}
		}
	}()
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	select {
	case p.url = <-ready:
		cfg.Log("peer: %s (node %s)", p.url, p.nodeVersion)
		return p, nil
	case <-p.exited:
		os.RemoveAll(p.tmp)
		return nil, fmt.Errorf("the peer exited: %s", tail(stderr.String(), 800))
	case <-time.After(90 * time.Second):
		p.stop()
		return nil, errors.New("the peer did not start within 90s: " + tail(stderr.String(), 800))
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
}

// stop ends the peer: SIGTERM, then SIGKILL after 5 s.
func (p *peerProc) stop() {
	defer os.RemoveAll(p.tmp)
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// limitedWriter keeps at most left bytes.
type limitedWriter struct {
	w    *strings.Builder
	left int
}

func (l *limitedWriter) Write(b []byte) (int, error) {
	n := len(b)
	if l.left > 0 {
		k := min(n, l.left)
		l.w.Write(b[:k])
		l.left -= k
	}
	return n, nil
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
