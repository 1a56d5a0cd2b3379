package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Scale targets of the gateway's acceptance criteria.
const (
	targetSessionsMB   = 200.0 // RSS with 10,000 idle sessions, at most
	targetListP99      = 5 * time.Millisecond
	targetReplicaRatio = 1.6 // two replicas / one replica throughput, when CPU allows
	idleSessions       = 10000
	listBackends       = 100
	toolsPerBackend    = 50
	listRounds         = 2
	listCalls          = 15
	replicaRounds      = 2
)

// runScale measures the scale cases: 10,000 idle sessions, tools/list over 100
// backends of 50 tools, and two replicas sharing sessions on Redis.
func runScale(root, tmp, backendURL string) error {
	bin, err := buildVMCP(root, tmp)
	if err != nil {
		return err
	}
	doc := fmt.Sprintf("name: bench\nbackends:\n  - name: ev\n    url: %s\n", backendURL)
	if cases["sessions"] {
		if err := sessionsCase(bin, tmp, doc); err != nil {
			return fmt.Errorf("idle sessions: %w", err)
		}
	}
	if cases["list"] {
		if err := listCase(bin, tmp); err != nil {
			return fmt.Errorf("tools/list: %w", err)
		}
	}
	if cases["replicas"] {
		if err := replicasCase(bin, tmp, backendURL); err != nil {
			return fmt.Errorf("replicas: %w", err)
		}
	}
	return nil
}

// sessionsCase opens idleSessions sessions (initialize + initialized, raw
// HTTP) on a fresh vmcp and compares its RSS with its idle RSS.
func sessionsCase(bin, tmp, doc string) error {
	u, pid, stop, err := runVMCP(bin, tmp, "sessions", doc, nil)
	if err != nil {
		return err
	}
	defer stop()
	time.Sleep(300 * time.Millisecond)
	idle := rssMB(pid)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	start := time.Now()
	for range 8 {
		wg.Go(func() {
			for next.Add(1) <= idleSessions {
				if _, err := rawInitialize(hc, u); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	took := time.Since(start)
	time.Sleep(500 * time.Millisecond)
	early := rssMB(pid)
	time.Sleep(5 * time.Second) // the Go scavenger returns the garbage of the initializes
	full := rssMB(pid)
	heap, goroutines := readGauge(strings.TrimSuffix(u, "/mcp")+"/metrics", "go_memstats_heap_inuse_bytes"),
		readGauge(strings.TrimSuffix(u, "/mcp")+"/metrics", "go_goroutines")
	fmt.Printf("== %d idle client sessions (raw initialize, opened in %s)\n", idleSessions, took.Round(time.Millisecond))
	fmt.Printf("vmcp RSS: idle %.1f MB, with the sessions %.1f MB after 0.5s, %.1f MB after 5.5s (%.1f KB per session; ratio %.1fx idle)\n",
		idle, early, full, (full-idle)*1024/idleSessions, full/idle)
	fmt.Printf("vmcp heap in use %.1f MB, %.0f goroutines (%.1f per session)\n", heap/(1<<20), goroutines, goroutines/idleSessions)
	check("10,000 idle sessions <= 200 MB RSS", full <= targetSessionsMB, fmt.Sprintf("%.1f MB", full))
	fmt.Println()
	return profileSnapshot(u, "sessions", "heap", "goroutine")
}

// rawInitialize opens a session with initialize and notifications/initialized
// and returns its id.
// readGauge reads one unlabelled series of a Prometheus /metrics page (0 when absent).
func readGauge(u, name string) float64 {
	resp, err := http.Get(u)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

func rawInitialize(hc *http.Client, u string) (string, error) {
	post := func(sid, body string) (string, error) {
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if sid != "" {
			req.Header.Set("Mcp-Session-Id", sid)
			req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
		}
		resp, err := hc.Do(req)
		if err != nil {
			return "", err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			return "", fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return resp.Header.Get("Mcp-Session-Id"), nil
	}
	sid, err := post("", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}`)
	if err != nil {
		return "", err
	}
	_, err = post(sid, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return sid, err
}

// listCase serves listBackends Go MCP servers of toolsPerBackend tools each
// from this process and measures tools/list through vmcp (the aggregated
// 5,000 tools) against tools/list of one backend directly, after warm-up.
func listCase(bin, tmp string) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	var doc strings.Builder
	doc.WriteString("name: bench\nbackends:\n")
	for b := range listBackends {
		srv := mcp.NewServer(&mcp.Implementation{Name: fmt.Sprintf("b%d", b), Version: "1"}, nil)
		for i := range toolsPerBackend {
			srv.AddTool(&mcp.Tool{Name: fmt.Sprintf("tool_%d", i), Description: "A tool of the tools/list benchmark that takes one string.",
				InputSchema: &jsonschema.Schema{Type: "object", Properties: map[string]*jsonschema.Schema{"q": {Type: "string"}}}},
				func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
					return &mcp.CallToolResult{}, nil
				})
		}
		path := fmt.Sprintf("/b%d/mcp", b)
		mux.Handle(path, mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
		fmt.Fprintf(&doc, "  - name: b%d\n    url: http://%s%s\n", b, l.Addr(), path)
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(l) }()
	defer hs.Close()
	u, pid, stop, err := runVMCP(bin, tmp, "list", doc.String(), nil)
	if err != nil {
		return err
	}
	defer stop()
	direct := fmt.Sprintf("http://%s/b0/mcp", l.Addr())
	res := map[string][]time.Duration{}
	procs := []proc{{"vmcp", pid}, {"bench", os.Getpid()}}
	cpu := map[string]float64{} // CPU seconds of each process while vmcp's lists were measured
	for r := range listRounds {
		order := []string{"direct", "vmcp"}
		if r%2 == 1 {
			order = []string{"vmcp", "direct"}
		}
		for _, mode := range order {
			target, want := direct, toolsPerBackend
			if mode == "vmcp" {
				target, want = u, listBackends*toolsPerBackend
			}
			before := cpuTimes(procs)
			lat, err := measureList(target, want, listCalls)
			if err != nil {
				return fmt.Errorf("%s: %w", mode, err)
			}
			if mode == "vmcp" {
				for name, v := range cpuTimes(procs) {
					cpu[name] += v - before[name]
				}
			}
			res[mode] = append(res[mode], lat...)
		}
	}
	fmt.Printf("== tools/list, %d backends x %d tools (vmcp) vs one backend of %d tools (direct), %d rounds x %d calls\n",
		listBackends, toolsPerBackend, toolsPerBackend, listRounds, listCalls)
	for _, mode := range []string{"direct", "vmcp"} {
		fmt.Printf("%-8s p50 %8s  p99 %8s\n", mode, pct(res[mode], 50), pct(res[mode], 99))
	}
	fmt.Printf("ratio vmcp/direct: p50 %.2fx  p99 %.2fx\n", ratio(res["vmcp"], res["direct"], 50), ratio(res["vmcp"], res["direct"], 99))
	// Warm-up lists included: measureList makes 3 more per round than it times.
	lists := float64(listRounds * (listCalls + 3))
	fmt.Printf("CPU per complete list (5,000 tools): vmcp %.2f ms, this process (client, checks, forced GC) %.2f ms; load average %s\n",
		cpu["vmcp"]/lists*1e3, cpu["bench"]/lists*1e3, loadAverage())
	p99 := pct(res["vmcp"], 99)
	check("tools/list 100x50 p99 <= 5 ms", p99 <= targetListP99, p99.String())
	fmt.Println()
	return profileLoad(u, "list", func(stop <-chan struct{}) error {
		list, err := lister(u)
		if err != nil {
			return err
		}
		for {
			select {
			case <-stop:
				return nil
			default:
			}
			if _, _, err := list(); err != nil {
				return err
			}
		}
	})
}

// measureList times n complete tools/list calls (every page, following
// nextCursor) on one warm session, as raw JSON-RPC over HTTP: the time is the
// server's and the transfer's, from sending each page's request to reading
// its last byte. Every page is decoded and checked (the tool count, the
// cursor) with the clock stopped: decoding 5,000 tools with encoding/json
// costs this client ~4 ms, which is not the gateway's time. For the same
// reason this process (the client and, for the direct calls, the backends)
// collects its garbage before each timed list: its collections otherwise come
// every ~0.5 s and take 20-60 ms of one of the two CPUs (GODEBUG=gctrace=1),
// which the gateway would pay for while the clock runs.
func measureList(u string, want, n int) ([]time.Duration, error) {
	list, err := lister(u)
	if err != nil {
		return nil, err
	}
	for range 3 { // warm-up
		if got, _, err := list(); err != nil || got != want {
			return nil, fmt.Errorf("warm-up listed %d tools, want %d: %v", got, want, err)
		}
	}
	lat := make([]time.Duration, 0, n)
	for range n {
		runtime.GC()
		got, took, err := list()
		if err != nil || got != want {
			return nil, fmt.Errorf("listed %d tools, want %d: %v", got, want, err)
		}
		lat = append(lat, took)
	}
	return lat, nil
}

// lister opens a session on u and returns a func listing every page of its
// tools: the number of tools and the time spent in HTTP requests.
//
// What the client costs itself is kept out of the gateway's time: each page is
// read into one reused buffer (io.ReadAll grows a new one per page, ~300 KB of
// garbage for a 150 KB page), with a read buffer of 64 KB (net/http's 4 KB
// takes ~40 reads per page), and checked by counting its tools without copying
// them (json.RawMessage copies each). With 2 CPUs, this process's garbage
// collections, which ran every ~80 ms during vmcp's lists and took one of the
// two CPUs for 10-60 ms each (GODEBUG=gctrace=1), competed with vmcp while the
// clock ran.
func lister(u string) (func() (int, time.Duration, error), error) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, ReadBufferSize: 64 << 10}}
	sid, err := rawInitialize(hc, u)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	return func() (int, time.Duration, error) {
		got, cursor, took := 0, "", time.Duration(0)
		for page := 0; ; page++ {
			params := `{}`
			if cursor != "" {
				c, _ := json.Marshal(cursor)
				params = `{"cursor":` + string(c) + `}`
			}
			t := time.Now()
			body, err := rawCallInto(&buf, hc, u, sid, `{"jsonrpc":"2.0","id":`+strconv.Itoa(page+2)+`,"method":"tools/list","params":`+params+`}`)
			took += time.Since(t)
			if err != nil {
				return got, took, err
			}
			var msg struct {
				Result struct {
					Tools      []struct{} `json:"tools"`
					NextCursor string     `json:"nextCursor"`
				} `json:"result"`
			}
			if err := json.Unmarshal(body, &msg); err != nil {
				return got, took, fmt.Errorf("decoding tools/list: %w", err)
			}
			got += len(msg.Result.Tools)
			if cursor = msg.Result.NextCursor; cursor == "" {
				return got, took, nil
			}
		}
	}, nil
}

// rawCallInto POSTs one request on session sid and returns the JSON-RPC
// answer (the body, or the data of the SSE event carrying it), read into buf
// (reset first): the answer may point into buf.
func rawCallInto(buf *bytes.Buffer, hc *http.Client, u, sid, body string) ([]byte, error) {
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Session-Id", sid)
	req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %v", resp.StatusCode, err)
	}
	data := buf.Bytes()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return data, nil
	}
	for line := range bytes.Lines(data) {
		if v, ok := bytes.CutPrefix(line, []byte("data: ")); ok && bytes.Contains(v, []byte(`"result"`)) {
			return bytes.TrimRight(v, "\r\n"), nil
		}
	}
	return nil, fmt.Errorf("no answer in the stream: %.200s", data)
}

// replicasCase runs two vmcp replicas sharing sessions on a real redis-server
// behind a round-robin proxy (the Service) and compares the C=8 tools/call
// throughput through the proxy to one replica and to both, in the same run.
// It reports where the CPU went (each process's CPU time per call, read from
// /proc) and the Redis commands per call: on a machine whose CPUs the load
// generator, the proxy, the backend and the replicas already fill, a second
// replica adds no CPU to serve with.
func replicasCase(bin, tmp, backendURL string) error {
	redisAddr, redisPID, stopRedis, err := startRedis(tmp)
	if err != nil {
		return err
	}
	defer stopRedis()
	doc := fmt.Sprintf("name: bench\nbackends:\n  - name: ev\n    url: %s\nsessionStorage: {provider: redis, address: '%s'}\n", backendURL, redisAddr)
	var reps []*url.URL
	procs := []proc{{"bench (clients + proxy)", os.Getpid()}, {"server-everything", everythingPID}, {"redis-server", redisPID}}
	for i := range 2 {
		u, pid, stop, err := runVMCP(bin, tmp, fmt.Sprintf("replica%d", i), doc, nil)
		if err != nil {
			return err
		}
		defer stop()
		base, _ := url.Parse(strings.TrimSuffix(u, "/mcp"))
		reps = append(reps, base)
		procs = append(procs, proc{fmt.Sprintf("vmcp replica %d", i+1), pid})
	}
	svc := &roundRobin{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: svc, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(l) }()
	defer hs.Close()
	svcURL := "http://" + l.Addr().String() + "/mcp"
	tp := map[int]*sample{1: {}, 2: {}}
	cpu := map[int]map[string]float64{1: {}, 2: {}}
	redisCmds := map[int]float64{}
	for r := range replicaRounds {
		order := []int{1, 2}
		if r%2 == 1 {
			order = []int{2, 1}
		}
		for _, n := range order {
			svc.set(reps[:n])
			var before map[string]float64
			var cmdsBefore float64
			s, err := measure(svcURL, "ev_echo", 8, 150, "2025-11-25", func() {
				before, cmdsBefore = cpuTimes(procs), redisCommands(redisAddr)
			})
			if err != nil {
				return fmt.Errorf("%d replicas: %w", n, err)
			}
			after, cmdsAfter := cpuTimes(procs), redisCommands(redisAddr)
			for name, v := range after {
				cpu[n][name] += v - before[name]
			}
			redisCmds[n] += cmdsAfter - cmdsBefore - 1 // the INFO that read the count
			tp[n].lat = append(tp[n].lat, s.lat...)
			tp[n].wall += s.wall
		}
	}
	one, two := throughput(tp[1]), throughput(tp[2])
	fmt.Printf("== 2 vmcp replicas on Redis behind a round-robin proxy, C=8 tools/call, %d rounds x 150 calls per worker\n", replicaRounds)
	fmt.Printf("1 replica  %8.0f calls/s  p50 %s\n2 replicas %8.0f calls/s  p50 %s\n", one, pct(tp[1].lat, 50), two, pct(tp[2].lat, 50))
	fmt.Printf("CPU time per call (µs) while measuring, from /proc/PID/stat:\n%-26s %12s %12s\n", "", "1 replica", "2 replicas")
	total := map[int]float64{}
	for _, p := range procs {
		fmt.Printf("%-26s %12.0f %12.0f\n", p.name, cpu[1][p.name]/float64(len(tp[1].lat))*1e6, cpu[2][p.name]/float64(len(tp[2].lat))*1e6)
		total[1] += cpu[1][p.name]
		total[2] += cpu[2][p.name]
	}
	fmt.Printf("%-26s %12.0f %12.0f\n", "all", total[1]/float64(len(tp[1].lat))*1e6, total[2]/float64(len(tp[2].lat))*1e6)
	fmt.Printf("%-26s %12.2f %12.2f  (of %d; load average %s)\n", "CPUs busy with these", total[1]/tp[1].wall.Seconds(), total[2]/tp[2].wall.Seconds(), runtime.NumCPU(), loadAverage())
	fmt.Printf("%-26s %12.2f %12.2f\n", "Redis commands per call", redisCmds[1]/float64(len(tp[1].lat)), redisCmds[2]/float64(len(tp[2].lat)))
	fmt.Printf("ratio 2 replicas / 1 replica: throughput %.2fx (on %d CPUs shared with the backend, the proxy and the clients)\n", two/one, runtime.NumCPU())
	check("2 replicas >= 1.6x one replica", two/one >= targetReplicaRatio, fmt.Sprintf("%.2fx", two/one))
	return nil
}

// proc is a process whose CPU time the replicas case reports.
type proc struct {
	name string
	pid  int
}

// cpuTimes reads each process's user+system CPU seconds (/proc/PID/stat,
// which counts the threads it has and had); a process that is gone counts 0.
func cpuTimes(procs []proc) map[string]float64 {
	out := map[string]float64{}
	for _, p := range procs {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
		if err != nil {
			continue
		}
		// The fields after the command name (which may hold spaces) in ")".
		f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
		utime, _ := strconv.ParseFloat(f[11], 64)
		stime, _ := strconv.ParseFloat(f[12], 64)
		out[p.name] = (utime + stime) / clockTicks
	}
	return out
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times (100 on Linux).
const clockTicks = 100

// redisCommands is redis-server's total_commands_processed (INFO stats).
func redisCommands(addr string) float64 {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return 0
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.WriteString(c, "INFO stats\r\n"); err != nil {
		return 0
	}
	var buf []byte
	tmp := make([]byte, 4096)
	const key = "total_commands_processed:"
	for {
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if _, rest, ok := bytes.Cut(buf, []byte(key)); ok {
			if v, _, ok := bytes.Cut(rest, []byte("\r\n")); ok {
				f, _ := strconv.ParseFloat(string(v), 64)
				return f
			}
		}
		if err != nil {
			return 0
		}
	}
}

// loadAverage is the 1-minute load average (/proc/loadavg).
func loadAverage() string {
	data, _ := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

// roundRobin sends each request to the next replica in turn.
type roundRobin struct {
	mu   sync.Mutex
	up   []*url.URL
	next int
	rps  map[*url.URL]*httputil.ReverseProxy
}

func (s *roundRobin) set(up []*url.URL) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.up = up
	if s.rps == nil {
		s.rps = map[*url.URL]*httputil.ReverseProxy{}
	}
	for _, u := range up {
		if s.rps[u] == nil {
			s.rps[u] = &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u) }, FlushInterval: -1,
				Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		}
	}
}

func (s *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rp := s.rps[s.up[s.next%len(s.up)]]
	s.next++
	s.mu.Unlock()
	rp.ServeHTTP(w, r)
}

// startRedis runs redis-server (hack/install-tools.sh redis) on a free loopback port.
func startRedis(tmp string) (string, int, func(), error) {
	port, err := freePort()
	if err != nil {
		return "", 0, nil, err
	}
	cmd := exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--save", "", "--appendonly", "no", "--dir", tmp)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return "", 0, nil, fmt.Errorf("starting redis-server (run hack/install-tools.sh redis): %w", err)
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if err := waitFor(func() bool {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	}); err != nil {
		stop()
		return "", 0, nil, err
	}
	return addr, cmd.Process.Pid, stop, nil
}
