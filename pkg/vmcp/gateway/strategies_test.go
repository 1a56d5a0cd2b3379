package gateway

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestConflictStrategiesWithTwoEverything runs two server-everything instances,
// whose tool names all collide, under each conflict resolution strategy.
func TestConflictStrategiesWithTwoEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real MCP servers from npm")
	}
	a := mcpnpm.StartEverything(t, "streamableHttp")
	b := mcpnpm.StartEverything(t, "streamableHttp")
	backends := []config.StaticBackend{{Name: "a", URL: a.URL}, {Name: "b", URL: b.URL}}
	onlyB := &config.ConflictResolutionConfig{PriorityOrder: []string{"b", "a"}}

	tests := map[string]struct {
		agg     config.Aggregation
		want    []string // tools that must be listed
		absent  []string
		call    string // tool to call with {"message": "x"}
		backend string // backend that must receive the call
		// wantTools counts server-everything's 17 tools per backend, including the
		// roots, sampling and elicitation tools it lists only to a client that
		// declares them (vmcp's discovery session declares what it relays).
		wantTools int
	}{
		"prefix": {agg: config.Aggregation{ConflictResolution: config.ConflictPrefix},
			want: []string{"a_echo", "b_echo", "a_get-sum", "b_get-sum"}, absent: []string{"echo"},
			call: "b_echo", backend: "b", wantTools: 34},
		"prefix format": {agg: config.Aggregation{ConflictResolution: config.ConflictPrefix,
			ConflictResolutionConfig: &config.ConflictResolutionConfig{PrefixFormat: "{workload}__"}},
			want: []string{"a__echo", "b__echo"}, call: "a__echo", backend: "a", wantTools: 34},
		"priority": {agg: config.Aggregation{ConflictResolution: config.ConflictPriority, ConflictResolutionConfig: onlyB},
			want: []string{"echo", "get-sum"}, absent: []string{"a_echo", "b_echo"}, call: "echo", backend: "b", wantTools: 17},
		"manual": {agg: config.Aggregation{ConflictResolution: config.ConflictManual, Tools: []config.WorkloadTools{
			{Workload: "b", Filter: []string{"echo"}, Overrides: map[string]config.ToolOverride{"echo": {Name: "echo_b", Description: "b's echo"}}}}},
			want: []string{"echo", "echo_b", "get-sum"}, call: "echo_b", backend: "b", wantTools: 18},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			url, g := startGateway(t, &config.Config{Backends: backends, Aggregation: &tc.agg})
			cs := connect(t, url, "", nil)
			names := toolNames(t, cs)
			if len(names) != tc.wantTools {
				t.Errorf("%d tools listed, want %d: %v", len(names), tc.wantTools, names)
			}
			for _, w := range tc.want {
				if !slices.Contains(names, w) {
					t.Errorf("tool %s missing from %v", w, names)
				}
			}
			for _, w := range tc.absent {
				if slices.Contains(names, w) {
					t.Errorf("tool %s must not be listed", w)
				}
			}
			if text, _ := callText(t, cs, tc.call, map[string]any{"message": "routed"}); text != "Echo: routed" {
				t.Errorf("%s returned %q", tc.call, text)
			}
			for _, be := range []string{"a", "b"} {
				got := counterValue(t, g.metrics.requests.WithLabelValues(be, "tools/call"))
				want := 0.0
				if be == tc.backend {
					want = 1
				}
				if got != want {
					t.Errorf("backend %s received %v tools/call, want %v", be, got, want)
				}
			}
		})
	}

	t.Run("manual unresolved", func(t *testing.T) {
		url, g := startGateway(t, &config.Config{Backends: backends,
			Aggregation: &config.Aggregation{ConflictResolution: config.ConflictManual}})
		ok, msg := g.Ready()
		if ok || !strings.Contains(msg, `"echo" from a, b`) {
			t.Errorf("Ready() = %v, %q; want not ready naming the conflicting tools", ok, msg)
		}
		resp, err := http.Get(strings.TrimSuffix(url, "/mcp") + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/readyz = %d, want 503", resp.StatusCode)
		}
	})
}

// TestFaultBackendKilled kills one of two backends during a run under
// best_effort: its tools disappear (with list_changed), it is reported
// unavailable, its circuit opens, calls to the healthy backend never fail, and a
// restart brings its tools back.
func TestFaultBackendKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real MCP servers from npm")
	}
	good := mcpnpm.StartEverything(t, "streamableHttp")
	bad := mcpnpm.StartEverything(t, "sse")
	url, g := startGateway(t, &config.Config{
		Backends: []config.StaticBackend{{Name: "good", URL: good.URL}, {Name: "bad", URL: bad.URL, Transport: config.TransportSSE}},
		Operational: &config.Operational{
			Timeouts: &config.Timeouts{Default: "2s"},
			// A killed backend refuses connections at once, so it is found out in two
			// intervals; the timeout only has to be long enough that a loaded machine
			// (CI, load average 30) never makes the healthy backend look down.
			FailureHandling: &config.FailureHandling{HealthCheckInterval: "1s", HealthCheckTimeout: "1s",
				UnhealthyThreshold: 2, PartialFailureMode: config.PartialFailureBestEffort,
				CircuitBreaker: &config.CircuitBreaker{Enabled: true, FailureThreshold: 2, Timeout: "400ms"}}},
	})
	changed := make(chan struct{}, 100)
	cs := connect(t, url, "2025-11-25", &mcp.ClientOptions{ToolListChangedHandler: func(_ context.Context, _ *mcp.ToolListChangedRequest) {
		changed <- struct{}{}
	}})
	if !slices.Contains(toolNames(t, cs), "bad_echo") {
		t.Fatal("bad_echo not listed before the fault")
	}
	callText(t, cs, "bad_echo", map[string]any{"message": "x"}) // opens this session's backend session

	stop := make(chan struct{})
	errs := make(chan error, 1000)
	calls := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "good_echo", Arguments: map[string]any{"message": "ok"}})
			cancel()
			calls++
			if err == nil && res.IsError {
				err = errors.New("isError result")
			}
			if err != nil {
				errs <- err
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()

	bad.Kill()
	snap := func() BackendSnapshot {
		for _, s := range g.Snapshots() {
			if s.Name == "bad" {
				return s
			}
		}
		t.Fatal("no snapshot for bad")
		return BackendSnapshot{}
	}
	eventually(t, 10*time.Second, "bad to be reported unavailable", func() bool { return snap().Status == "unavailable" })
	if s := snap(); s.ConsecutiveFailures < 2 || s.CircuitBreakerState != "open" {
		t.Errorf("after the threshold: failures=%d circuit=%s, want >=2 and open", s.ConsecutiveFailures, s.CircuitBreakerState)
	}
	eventually(t, 5*time.Second, "list_changed", func() bool { return len(changed) > 0 })
	names := toolNames(t, cs)
	if slices.Contains(names, "bad_echo") || !slices.Contains(names, "good_echo") {
		t.Errorf("after the fault: bad_echo must be gone and good_echo stay: %v", names)
	}
	if ok, msg := g.Ready(); !ok {
		t.Errorf("best_effort with one healthy backend must stay ready: %s", msg)
	}
	if _, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "bad_echo", Arguments: map[string]any{"message": "x"}}); err == nil {
		t.Error("calling a tool of the dead backend succeeded")
	}

	bad.Restart()
	eventually(t, 15*time.Second, "bad to recover", func() bool { return snap().Status == "ready" })
	eventually(t, 5*time.Second, "bad_echo to be listed again", func() bool { return slices.Contains(toolNames(t, cs), "bad_echo") })
	if text, _ := callText(t, cs, "bad_echo", map[string]any{"message": "back"}); text != "Echo: back" {
		t.Errorf("bad_echo after recovery: %q", text)
	}
	if s := snap(); s.CircuitBreakerState != "closed" {
		t.Errorf("circuit after recovery: %s, want closed", s.CircuitBreakerState)
	}
	close(stop)
	<-done
	close(errs)
	for err := range errs {
		t.Errorf("call to the healthy backend failed: %v", err)
	}
	if calls < 10 {
		t.Errorf("only %d calls to the healthy backend during the fault", calls)
	}
}

// TestFailModeRefusesLists checks partialFailureMode fail: with a backend down,
// /readyz fails and lists return an error naming it.
func TestFailModeRefusesLists(t *testing.T) {
	be := newCountingBackend(t)
	url, g := startGateway(t, &config.Config{
		Backends: []config.StaticBackend{{Name: "up", URL: be.URL}, {Name: "down", URL: "http://127.0.0.1:1/mcp"}},
		Operational: &config.Operational{Timeouts: &config.Timeouts{Default: "1s"},
			FailureHandling: &config.FailureHandling{HealthCheckInterval: "100ms", HealthCheckTimeout: "90ms", UnhealthyThreshold: 1}},
	})
	if ok, msg := g.Ready(); ok || !strings.Contains(msg, "down") {
		t.Errorf("Ready() = %v %q, want not ready naming down", ok, msg)
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	_, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: url}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err == nil || !strings.Contains(err.Error(), "backends unavailable: down") {
		t.Errorf("initialize under fail mode: %v, want an error naming the unavailable backend", err)
	}
}
