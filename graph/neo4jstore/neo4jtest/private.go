package neo4jtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chipgraph/chipgraph/graph/neo4jstore"
)

// Private is a Neo4j server of one test's own, for the fault tests that kill
// and restart it: started by the repository's scripts/neo4j-local in a
// temporary home on free loopback ports, with auth off, and stopped when the
// test ends. Starting one takes 10-40 s and about 1 GiB of memory.
//
// It runs where the shared test server does (NEO4J_URI set, or
// CHIPGRAPH_REQUIRE_NEO4J=1, which makes a failure to start it fatal): the
// script needs Java 17 or 21 and builds the Neo4j jars with Maven if they are
// not there yet.
type Private struct {
	t      testing.TB
	script string
	env    []string
	home   string
	Config neo4jstore.Config // bolt://127.0.0.1:PORT, no auth
}

// StartPrivate starts a private server, or skips the test as Config does.
func StartPrivate(t testing.TB) *Private {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping Neo4j tests")
	}
	required := os.Getenv("CHIPGRAPH_REQUIRE_NEO4J") == "1"
	if os.Getenv("NEO4J_URI") == "" && !required {
		t.Skip(SkipMessage)
	}
	script, err := repoFile("scripts/neo4j-local")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("java"); err != nil && !required {
		t.Skip("no java on PATH: a private Neo4j server (scripts/neo4j-local) needs Java 17 or 21")
	}
	home := t.TempDir()
	bolt, http := freePort(t), freePort(t)
	p := &Private{t: t, script: script, home: home,
		env: append(os.Environ(), "NEO4J_LOCAL_HOME="+home, "NEO4J_BOLT_PORT="+strconv.Itoa(bolt),
			"NEO4J_HTTP_PORT="+strconv.Itoa(http), "NEO4J_LOCAL_PASSWORD="),
		Config: neo4jstore.Config{URI: fmt.Sprintf("bolt://127.0.0.1:%d", bolt)}}
	t.Cleanup(func() {
		if out, err := p.run("stop"); err != nil {
			t.Logf("stopping the private Neo4j: %v\n%s", err, out)
		}
	})
	p.Start()
	return p
}

// Start starts the server (again, after Kill) and waits until it is ready.
func (p *Private) Start() {
	p.t.Helper()
	start := time.Now()
	if out, err := p.run("start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.home, "console.log"))
		p.t.Fatalf("starting a private Neo4j in %s: %v\n%s\nconsole.log:\n%s", p.home, err, out, tail(log, 40))
	}
	// The script returns once HTTP answers; wait for Bolt and the database.
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	for {
		s, err := neo4jstore.Open(ctx, p.Config)
		if err == nil {
			_, err = s.Version(ctx)
			s.Close(ctx)
		}
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			p.t.Fatalf("the private Neo4j at %s did not answer within 120 s: %v", p.Config.URI, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	p.t.Logf("private Neo4j ready at %s after %s", p.Config.URI, time.Since(start).Round(100*time.Millisecond))
}

// Kill sends SIGKILL to the server and waits until the process is gone: no
// shutdown, no checkpoint, open transactions lost mid-write.
func (p *Private) Kill() {
	p.t.Helper()
	raw, err := os.ReadFile(filepath.Join(p.home, "pid"))
	if err != nil {
		p.t.Fatalf("the private Neo4j has no pid file: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		p.t.Fatalf("pid file: %v", err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		p.t.Fatalf("kill -9 %d: %v", pid, err)
	}
	for range 200 { // the server is setsid's child, not ours: poll until it is gone
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("pid %d still alive 10 s after SIGKILL", pid)
}

func (p *Private) run(cmd string) ([]byte, error) {
	c := exec.Command(p.script, cmd)
	c.Env = p.env
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	err := c.Run()
	return out.Bytes(), err
}

// repoFile finds a file of the repository from the test's directory.
func repoFile(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, rel), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's directory: cannot find %s", rel)
		}
		dir = parent
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func tail(b []byte, n int) []byte {
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return bytes.Join(lines, []byte("\n"))
}
