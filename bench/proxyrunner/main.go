// Command proxyrunner benchmarks the stdio bridge: tools/call through proxyrunner
// (built from cmd/proxyrunner, fronting server-everything over stdio, reached over
// Streamable HTTP) against a direct stdio Go SDK client of the same server. Rounds
// alternate between the two so machine noise hits both alike; it prints p50/p95
// latency, throughput and the ratios.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func main() {
	rounds := flag.Int("rounds", 4, "interleaved rounds per configuration")
	calls := flag.Int("calls", 150, "tools/call per round and worker")
	flag.Parse()
	if err := run(*rounds, *calls); err != nil {
		fmt.Fprintln(os.Stderr, "bench/proxyrunner:", err)
		os.Exit(1)
	}
}

func run(rounds, calls int) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	server := filepath.Join(root, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js")
	if _, err := os.Stat(server); err != nil {
		return fmt.Errorf("%s missing: run hack/install-tools.sh npm", server)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return errors.New("node is not on PATH")
	}
	bin, err := buildProxyRunner(root)
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(bin))
	base, stop, err := startProxy(bin, node, server)
	if err != nil {
		return err
	}
	defer stop()

	ctx := context.Background()
	direct, err := mcp.NewClient(&mcp.Implementation{Name: "bench-direct", Version: "1"}, nil).
		Connect(ctx, &mcp.CommandTransport{Command: exec.Command(node, server, "stdio")}, nil)
	if err != nil {
		return fmt.Errorf("direct stdio client: %w", err)
	}
	defer direct.Close()

	fmt.Printf("tools/call echo, server-everything over stdio; %d interleaved rounds x %d calls per worker\n", rounds, calls)
	for _, c := range []int{1, 8} {
		proxied := make([]*mcp.ClientSession, c)
		for i := range proxied {
			if proxied[i], err = mcp.NewClient(&mcp.Implementation{Name: "bench-proxy", Version: "1"}, nil).
				Connect(ctx, &mcp.StreamableClientTransport{Endpoint: base + "/mcp"}, nil); err != nil {
				return fmt.Errorf("proxied client: %w", err)
			}
		}
		directSessions := make([]*mcp.ClientSession, c)
		for i := range directSessions {
			directSessions[i] = direct // one stdio client, c concurrent callers
		}
		// Warm up both paths.
		if _, err := measure(ctx, proxied, 20); err != nil {
			return err
		}
		if _, err := measure(ctx, directSessions, 20); err != nil {
			return err
		}
		var viaProxy, viaDirect result
		for r := 0; r < rounds; r++ {
			p, err := measure(ctx, proxied, calls)
			if err != nil {
				return err
			}
			d, err := measure(ctx, directSessions, calls)
			if err != nil {
				return err
			}
			viaProxy.add(p)
			viaDirect.add(d)
		}
		for _, s := range proxied {
			s.Close()
		}
		report(c, viaProxy, viaDirect)
	}
	return nil
}

// result collects latencies and wall time of the measured rounds.
type result struct {
	lat  []time.Duration
	wall time.Duration
}

func (r *result) add(o result) { r.lat = append(r.lat, o.lat...); r.wall += o.wall }

func (r result) pct(p float64) time.Duration {
	s := append([]time.Duration(nil), r.lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(p*float64(len(s)-1))]
}

func (r result) throughput() float64 { return float64(len(r.lat)) / r.wall.Seconds() }

// measure runs calls sequential tools/call per session, all sessions at once.
func measure(ctx context.Context, sessions []*mcp.ClientSession, calls int) (result, error) {
	var mu sync.Mutex
	var res result
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for w, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, calls)
			for i := 0; i < calls; i++ {
				t0 := time.Now()
				msg := "w" + strconv.Itoa(w) + "-" + strconv.Itoa(i)
				out, err := s.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"message": msg}})
				lat = append(lat, time.Since(t0))
				if err == nil && (len(out.Content) == 0 || out.Content[0].(*mcp.TextContent).Text != "Echo: "+msg) {
					err = fmt.Errorf("wrong answer for %s: %v", msg, out.Content)
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.wall = time.Since(start)
	return res, firstErr
}

func report(c int, p, d result) {
	ms := func(x time.Duration) string { return fmt.Sprintf("%.3fms", float64(x.Microseconds())/1000) }
	fmt.Printf("\nC=%d (%d calls each)\n", c, len(p.lat))
	fmt.Printf("  %-28s p50 %-10s p95 %-10s %8.0f calls/s\n", "proxyrunner (streamable)", ms(p.pct(0.5)), ms(p.pct(0.95)), p.throughput())
	fmt.Printf("  %-28s p50 %-10s p95 %-10s %8.0f calls/s\n", "direct stdio client", ms(d.pct(0.5)), ms(d.pct(0.95)), d.throughput())
	fmt.Printf("  ratio proxy/direct: p50 %.2fx  p95 %.2fx  throughput %.2fx\n",
		float64(p.pct(0.5))/float64(d.pct(0.5)), float64(p.pct(0.95))/float64(d.pct(0.95)), p.throughput()/d.throughput())
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

func buildProxyRunner(root string) (string, error) {
	dir, err := os.MkdirTemp("", "bench-proxyrunner")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "proxyrunner")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/proxyrunner")
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building proxyrunner: %w", err)
	}
	return bin, nil
}

// startProxy runs proxyrunner in front of server-everything over stdio.
func startProxy(bin, node, server string) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--", node, server, "stdio")
	cmd.Env = append(os.Environ(), "LOG_LEVEL=error")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, stop, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return "", nil, errors.New("proxyrunner did not become healthy within 20s")
}
