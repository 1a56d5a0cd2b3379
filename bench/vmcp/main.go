// Command vmcp benchmarks the gateway: tools/call latency and throughput against
// server-everything (Streamable HTTP) directly and through vmcp, measured in the
// same run in interleaved rounds at concurrency 1 and 8, plus vmcp's RSS idle and
// under load (vmcp runs as a subprocess built from cmd/vmcp, so the RSS is its own),
// for protocols 2025-11-25 (fast path) and 2026-07-28 (SDK path), and vmcp's
// allocations and CPU per call read from its own /metrics (Go and process collectors).
//
// Then the scale cases (scale.go): 10,000 idle sessions, tools/list over 100
// backends of 50 tools, and two replicas sharing sessions on Redis.
//
// Run from the repository root: go run ./bench/vmcp [-rounds 5 -calls 300] [-scale-only]
// [-only calls,sessions,list,replicas] (a comma-separated subset of the cases)
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Targets from the gateway's acceptance criteria.
const (
	targetThroughputC8 = 0.85 // vmcp/direct throughput at C=8, at least
	targetP50          = 1.3  // vmcp/direct p50 at C=1 and C=8, at most
	targetP99          = 1.5  // vmcp/direct p99, at most
	targetIdleRSSMB    = 25.0 // vmcp idle RSS, at most
)

func main() {
	rounds := flag.Int("rounds", 5, "interleaved rounds")
	calls := flag.Int("calls", 300, "tools/call per worker per round")
	scaleOnly := flag.Bool("scale-only", false, "run only the scale cases (idle sessions, tools/list, replicas)")
	flag.StringVar(&profileDir, "profile", "", "directory to write vmcp CPU and allocation profiles of 10s of extra load per case into")
	only := flag.String("only", "", "comma-separated cases to run: calls, sessions, list, replicas (default all)")
	flag.Parse()
	cases = parseCases(*only, *scaleOnly)
	if err := run(*rounds, *calls); err != nil {
		fmt.Fprintln(os.Stderr, "bench/vmcp:", err)
		os.Exit(1)
	}
}

// sample is the latencies and wall time of one measured batch.
type sample struct {
	lat  []time.Duration
	wall time.Duration
}

// cases are the cases to run, by name.
var cases map[string]bool

func parseCases(only string, scaleOnly bool) map[string]bool {
	all := []string{"calls", "sessions", "list", "replicas"}
	if scaleOnly {
		all = all[1:]
	}
	if only != "" {
		all = strings.Split(only, ",")
	}
	m := map[string]bool{}
	for _, c := range all {
		m[strings.TrimSpace(c)] = true
	}
	return m
}

func run(rounds, calls int) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "bench-vmcp")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	backendURL, stopBackend, err := startEverything(root)
	if err != nil {
		return err
	}
	defer stopBackend()
	if !cases["calls"] {
		return runScale(root, tmp, backendURL)
	}
	vmcpURL, pid, stopVMCP, err := startVMCP(root, tmp, backendURL)
	if err != nil {
		return err
	}
	defer stopVMCP()
	time.Sleep(500 * time.Millisecond)
	idle := rssMB(pid)

	targets := map[string]struct{ url, tool string }{
		"direct": {backendURL, "echo"},
		"vmcp":   {vmcpURL, "ev_echo"},
	}
	metricsURL := strings.TrimSuffix(vmcpURL, "/mcp") + "/metrics"
	var peak float64
	stopSampling := sampleRSS(pid, &peak)
	for _, proto := range protocols {
		results := map[string]*sample{}
		costs := map[int]*cost{1: {}, 8: {}}
		for r := range rounds {
			order := []string{"direct", "vmcp"}
			if r%2 == 1 {
				slices.Reverse(order)
			}
			for _, c := range []int{1, 8} {
				for _, mode := range order {
					var before counters
					started := func() { before, _ = readCounters(metricsURL) }
					s, err := measure(targets[mode].url, targets[mode].tool, c, calls, proto, started)
					if err != nil {
						return fmt.Errorf("%s C=%d %s: %w", mode, c, proto, err)
					}
					if mode == "vmcp" {
						after, err := readCounters(metricsURL)
						if err != nil {
							return err
						}
						costs[c].add(before, after, len(s.lat)) // steady state: sessions were set up before
					}
					key := fmt.Sprintf("%s/C=%d", mode, c)
					if results[key] == nil {
						results[key] = &sample{}
					}
					results[key].lat = append(results[key].lat, s.lat...)
					results[key].wall += s.wall
				}
			}
		}
		fmt.Printf("== protocol %s\n", proto)
		report(results, rounds, calls)
		for _, c := range []int{1, 8} {
			fmt.Printf("vmcp cost per tools/call C=%d: %.1f KB allocated, %.0f µs CPU (whole vmcp process, steady state)\n",
				c, costs[c].bytesPerCall()/1024, costs[c].cpuPerCall()*1e6)
		}
		kb8 := costs[8].bytesPerCall() / 1024
		check("allocations per call <= 16 KB", kb8 <= targetAllocKB, fmt.Sprintf("%.1f KB at C=8", kb8))
		fmt.Println()
		if err := profileLoad(vmcpURL, "call-"+proto, func(stop <-chan struct{}) error {
			for {
				select {
				case <-stop:
					return nil
				default:
				}
				if _, err := measure(vmcpURL, "ev_echo", 8, 100, proto, func() {}); err != nil {
					return err
				}
			}
		}); err != nil {
			return err
		}
	}
	stopSampling()
	fmt.Printf("vmcp RSS: idle %.1f MB, peak under load %.1f MB\n", idle, peak)
	check("idle RSS <= 25 MB", idle <= targetIdleRSSMB, fmt.Sprintf("%.1f MB", idle))
	fmt.Println()
	return runScale(root, tmp, backendURL)
}

// protocols are measured one after the other: the session-based one (the fast
// path) and the stateless one (the SDK path).
var protocols = []string{"2025-11-25", "2026-07-28"}

// targetAllocKB is the allocation budget of one proxied tools/call.
const targetAllocKB = 16.0

// counters are vmcp's cumulative allocation and CPU, read from its /metrics.
type counters struct{ allocBytes, cpuSeconds float64 }

func readCounters(url string) (counters, error) {
	resp, err := http.Get(url)
	if err != nil {
		return counters{}, err
	}
	defer resp.Body.Close()
	var c counters
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, _ := strconv.ParseFloat(val, 64)
		switch name {
		case "go_memstats_alloc_bytes_total":
			c.allocBytes = v
		case "process_cpu_seconds_total":
			c.cpuSeconds = v
		}
	}
	if c.allocBytes == 0 {
		return c, fmt.Errorf("vmcp /metrics has no go_memstats_alloc_bytes_total")
	}
	return c, nil
}

// cost sums vmcp's allocation and CPU over measured batches.
type cost struct {
	bytes, cpu float64
	calls      int
}

func (c *cost) add(before, after counters, calls int) {
	c.bytes += after.allocBytes - before.allocBytes
	c.cpu += after.cpuSeconds - before.cpuSeconds
	c.calls += calls
}

func (c *cost) bytesPerCall() float64 { return c.bytes / float64(max(c.calls, 1)) }
func (c *cost) cpuPerCall() float64   { return c.cpu / float64(max(c.calls, 1)) }

func report(res map[string]*sample, rounds, calls int) {
	fmt.Printf("tools/call echo, server-everything streamableHttp, %d interleaved rounds x %d calls per worker\n", rounds, calls)
	fmt.Printf("%-12s %10s %10s %10s %12s\n", "", "p50", "p95", "p99", "calls/s")
	for _, c := range []int{1, 8} {
		for _, mode := range []string{"direct", "vmcp"} {
			s := res[fmt.Sprintf("%s/C=%d", mode, c)]
			fmt.Printf("%-12s %10s %10s %10s %12.0f\n", fmt.Sprintf("%s C=%d", mode, c),
				pct(s.lat, 50), pct(s.lat, 95), pct(s.lat, 99), throughput(s))
		}
	}
	d1, v1 := res["direct/C=1"], res["vmcp/C=1"]
	d8, v8 := res["direct/C=8"], res["vmcp/C=8"]
	p50Ratio := float64(pct(v1.lat, 50)) / float64(pct(d1.lat, 50))
	tpRatio8 := throughput(v8) / throughput(d8)
	fmt.Println()
	fmt.Printf("ratio vmcp/direct  C=1: p50 %.2fx  p95 %.2fx  p99 %.2fx  throughput %.2fx\n",
		p50Ratio, ratio(v1.lat, d1.lat, 95), ratio(v1.lat, d1.lat, 99), throughput(v1)/throughput(d1))
	fmt.Printf("ratio vmcp/direct  C=8: p50 %.2fx  p95 %.2fx  p99 %.2fx  throughput %.2fx\n",
		ratio(v8.lat, d8.lat, 50), ratio(v8.lat, d8.lat, 95), ratio(v8.lat, d8.lat, 99), tpRatio8)
	p50Ratio8 := ratio(v8.lat, d8.lat, 50)
	p99Ratio1, p99Ratio8 := ratio(v1.lat, d1.lat, 99), ratio(v8.lat, d8.lat, 99)
	check("throughput at C=8 >= 0.85x direct", tpRatio8 >= targetThroughputC8, fmt.Sprintf("%.2fx", tpRatio8))
	check("p50 at C=1 <= 1.3x direct", p50Ratio <= targetP50, fmt.Sprintf("%.2fx", p50Ratio))
	check("p50 at C=8 <= 1.3x direct", p50Ratio8 <= targetP50, fmt.Sprintf("%.2fx", p50Ratio8))
	check("p99 at C=1 <= 1.5x direct", p99Ratio1 <= targetP99, fmt.Sprintf("%.2fx", p99Ratio1))
	check("p99 at C=8 <= 1.5x direct", p99Ratio8 <= targetP99, fmt.Sprintf("%.2fx", p99Ratio8))
}

func check(what string, ok bool, got string) {
	verdict := "MET"
	if !ok {
		verdict = "MISSED"
	}
	fmt.Printf("target %-36s %-7s (%s)\n", what, verdict, got)
}

func ratio(a, b []time.Duration, p int) float64 { return float64(pct(a, p)) / float64(pct(b, p)) }

func throughput(s *sample) float64 { return float64(len(s.lat)) / s.wall.Seconds() }

func pct(lat []time.Duration, p int) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, len(s)*p/100)]
}

// measure runs c workers, each with its own MCP session of protocol proto,
// making n calls; started runs after the sessions are set up and warm.
func measure(url, tool string, c, n int, proto string, started func()) (*sample, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// Enough idle connections for c workers (net/http keeps 2 per host by default),
	// so neither mode measures TCP connection churn.
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	sessions := make([]*mcp.ClientSession, c)
	for i := range sessions {
		cl := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil)
		cs, err := cl.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: hc, DisableStandaloneSSE: true},
			&mcp.ClientSessionOptions{ProtocolVersion: proto})
		if err != nil {
			return nil, err
		}
		defer cs.Close()
		sessions[i] = cs
		if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: map[string]any{"message": "warm"}}); err != nil {
			return nil, err
		}
	}
	lats := make([][]time.Duration, c)
	errs := make([]error, c)
	var wg sync.WaitGroup
	started()
	start := time.Now()
	for w := range c {
		wg.Go(func() {
			for i := range n {
				t := time.Now()
				res, err := sessions[w].CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: map[string]any{"message": strconv.Itoa(i)}})
				if err == nil && res.IsError {
					err = fmt.Errorf("tool error")
				}
				if err != nil {
					errs[w] = err
					return
				}
				lats[w] = append(lats[w], time.Since(t))
			}
		})
	}
	wg.Wait()
	s := &sample{wall: time.Since(start)}
	for w := range c {
		if errs[w] != nil {
			return nil, errs[w]
		}
		s.lat = append(s.lat, lats[w]...)
	}
	return s, nil
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
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("run from inside the repository (go.mod not found)")
		}
		dir = filepath.Dir(dir)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// everythingPID is server-everything's process, for its CPU time.
var everythingPID int

// startEverything runs server-everything over Streamable HTTP on loopback.
func startEverything(root string) (string, func(), error) {
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	entry := filepath.Join(root, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js")
	preload := filepath.Join(root, "internal", "testutil", "mcpnpm", "loopback.cjs")
	cmd := exec.Command("node", "--require", preload, entry, "streamableHttp")
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("starting server-everything (run hack/install-tools.sh npm?): %w", err)
	}
	stop := func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); _ = cmd.Wait() }
	everythingPID = cmd.Process.Pid
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if err := waitFor(func() bool {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	}); err != nil {
		stop()
		return "", nil, fmt.Errorf("server-everything did not listen: %w", err)
	}
	return "http://" + addr + "/mcp", stop, nil
}

// startVMCP builds cmd/vmcp and runs it in front of backendURL.
func startVMCP(root, tmp, backendURL string) (string, int, func(), error) {
	bin, err := buildVMCP(root, tmp)
	if err != nil {
		return "", 0, nil, err
	}
	doc := fmt.Sprintf("name: bench\nbackends:\n  - name: ev\n    url: %s\n    transport: streamable-http\n", backendURL)
	return runVMCP(bin, tmp, "config", doc, nil)
}

// buildVMCP builds cmd/vmcp into tmp once, as the image is built (Dockerfile,
// make images): static (CGO_ENABLED=0), -trimpath, -tags grpcnotrace (GO_TAGS
// in the Makefile), -ldflags "-s -w". The RSS
// measured is then the shipped binary's: a cgo build also maps libc and the
// dynamic loader (~1.5 MB resident) and has a larger text.
func buildVMCP(root, tmp string) (string, error) {
	bin := filepath.Join(tmp, "vmcp")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	build := exec.Command("go", "build", "-trimpath", "-tags", "grpcnotrace", "-ldflags=-s -w", "-o", bin, "./cmd/vmcp")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Dir = root
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building cmd/vmcp: %w", err)
	}
	return bin, nil
}

// runVMCP runs the vmcp binary with the configuration doc (written to
// tmp/<name>.yaml) and extra environment, and waits until it is ready.
func runVMCP(bin, tmp, name, doc string, env []string) (string, int, func(), error) {
	cfg := filepath.Join(tmp, name+".yaml")
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		return "", 0, nil, err
	}
	port, err := freePort()
	if err != nil {
		return "", 0, nil, err
	}
	cmd := exec.Command(bin, "serve", "--config", cfg, "--port", strconv.Itoa(port))
	cmd.Env = append(append(os.Environ(), "LOG_LEVEL=warn"), env...)
	if profileDir != "" {
		pport, err := freePort()
		if err != nil {
			return "", 0, nil, err
		}
		cmd.Env = append(cmd.Env, fmt.Sprintf("VMCP_PPROF_ADDR=127.0.0.1:%d", pport))
		pprofAddrs.Store(fmt.Sprintf("http://127.0.0.1:%d/mcp", port), fmt.Sprintf("127.0.0.1:%d", pport))
	}
	if err := cmd.Start(); err != nil {
		return "", 0, nil, err
	}
	stop := func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitFor(func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}); err != nil {
		stop()
		return "", 0, nil, fmt.Errorf("vmcp did not become ready: %w", err)
	}
	return base + "/mcp", cmd.Process.Pid, stop, nil
}

func waitFor(cond func() bool) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("timed out after 30s")
}

// rssMB reads VmRSS of pid from /proc.
func rssMB(pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// sampleRSS records the peak RSS of pid every 100ms until the returned func is called.
func sampleRSS(pid int, peak *float64) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				*peak = max(*peak, rssMB(pid))
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
