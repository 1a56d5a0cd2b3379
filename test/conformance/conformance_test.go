package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/gateway"
	"github.com/mcp-operator/mcp-operator/test/conformance/fixture"
)

// scenarios are the 30 server scenarios of the active suite of conformance 0.1.16.
// Every one must pass through the gateway; a scenario missing from the output
// fails the test too, so the list cannot silently shrink.
var scenarios = []string{
	"server-initialize", "logging-set-level", "ping", "completion-complete",
	"tools-list", "tools-call-simple-text", "tools-call-image", "tools-call-audio",
	"tools-call-embedded-resource", "tools-call-mixed-content", "tools-call-with-logging",
	"tools-call-error", "tools-call-with-progress", "tools-call-sampling", "tools-call-elicitation",
	"elicitation-sep1034-defaults", "server-sse-multiple-streams", "elicitation-sep1330-enums",
	"resources-list", "resources-read-text", "resources-read-binary", "resources-templates-read",
	"resources-subscribe", "resources-unsubscribe",
	"prompts-list", "prompts-get-simple", "prompts-get-with-args", "prompts-get-embedded-resource",
	"prompts-get-with-image", "dns-rebinding-protection",
}

func TestConformanceThroughGateway(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the npm conformance suite")
	}
	node := mcpnpm.Node22(t)
	cli := mcpnpm.Path(t, filepath.Join("@modelcontextprotocol", "conformance", "dist", "index.js"))
	url := startStack(t)

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	args := []string{cli, "server", "--url", url, "--suite", "active"}
	want := scenarios
	if one := os.Getenv("CONFORMANCE_SCENARIO"); one != "" { // debugging aid: one scenario, verbose
		args = []string{cli, "server", "--url", url, "--scenario", one, "--verbose"}
		want = []string{one}
	}
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = t.TempDir() // the CLI writes results/ into its working directory
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	results := parseResults(out.String())
	if m := summaryLine.FindStringSubmatch(out.String()); len(want) == 1 && m != nil {
		results[want[0]] = m[3] == "0" // a single scenario prints a summary, not ✓ lines
	}
	var passed []string
	for _, s := range want {
		switch r, ok := results[s]; {
		case !ok:
			t.Errorf("scenario %s did not run", s)
		case !r:
			t.Errorf("scenario %s failed", s)
		default:
			passed = append(passed, s)
		}
	}
	t.Logf("%d/%d scenarios passed: %s", len(passed), len(want), strings.Join(passed, ", "))
	if t.Failed() || runErr != nil {
		t.Logf("conformance CLI (exit: %v) output:\n%s", runErr, out.String())
		logFailedChecks(t, cmd.Dir)
	}
	if runErr != nil && len(passed) == len(want) {
		t.Errorf("the CLI failed although every scenario passed: %v", runErr)
	}
}

// pending are scenarios outside the active suite that matter for a gateway: JSON
// Schema 2020-12 keywords must survive aggregation; SSE polling must not fail
// (its priming-event and retry-field checks are SHOULDs, reported as warnings).
var pending = []string{"json-schema-2020-12", "server-sse-polling"}

var summaryLine = regexp.MustCompile(`Passed: (\d+)/(\d+), (\d+) failed, (\d+) warnings`)

func TestPendingScenariosThroughGateway(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the npm conformance suite")
	}
	node := mcpnpm.Node22(t)
	cli := mcpnpm.Path(t, filepath.Join("@modelcontextprotocol", "conformance", "dist", "index.js"))
	url := startStack(t)
	for _, s := range pending {
		t.Run(s, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, cli, "server", "--url", url, "--scenario", s)
			cmd.Dir = t.TempDir()
			out, err := cmd.CombinedOutput()
			m := summaryLine.FindStringSubmatch(string(out))
			if m == nil || m[3] != "0" || err != nil {
				t.Fatalf("scenario %s: %v\n%s", s, err, out)
			}
			t.Logf("%s: %s/%s checks passed, %s warnings", s, m[1], m[2], m[4])
		})
	}
}

// tsScenarios are the scenarios in which the server asks the client (sampling,
// elicitation); they also run against a backend written with the TypeScript
// SDK, whose server-to-client requests the Go fixture does not produce alike.
var tsScenarios = []string{"tools-call-sampling", "tools-call-elicitation",
	"elicitation-sep1034-defaults", "elicitation-sep1330-enums"}

func TestTypeScriptBackendScenariosThroughGateway(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the npm conformance suite")
	}
	node := mcpnpm.Node22(t)
	cli := mcpnpm.Path(t, filepath.Join("@modelcontextprotocol", "conformance", "dist", "index.js"))
	mcpnpm.Path(t, filepath.Join("@modelcontextprotocol", "sdk", "package.json"))
	ts := mcpnpm.StartScript(t, filepath.Join(mcpnpm.RepoRoot(t), "pkg", "vmcp", "gateway", "testdata", "tsbackend", "server.mjs"))
	url := startStackFor(t, ts.URL)
	for _, s := range tsScenarios {
		t.Run(s, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, cli, "server", "--url", url, "--scenario", s)
			cmd.Dir = t.TempDir()
			out, err := cmd.CombinedOutput()
			m := summaryLine.FindStringSubmatch(string(out))
			if m == nil || m[3] != "0" || err != nil {
				logFailedChecks(t, cmd.Dir)
				t.Fatalf("scenario %s: %v\n%s", s, err, out)
			}
			t.Logf("%s: %s/%s checks passed, %s warnings", s, m[1], m[2], m[4])
		})
	}
}

// startStack serves the fixture backend and vmcp in front of it; see startStackFor.
func startStack(t *testing.T) string {
	t.Helper()
	backend := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return fixture.NewServer() }, nil))
	t.Cleanup(backend.Close)
	return startStackFor(t, backend.URL+"/mcp")
}

// startStackFor serves vmcp (priority mode, so names stay unprefixed) in front of
// the backend at backendURL on loopback and returns vmcp's /mcp URL on "localhost".
func startStackFor(t *testing.T, backendURL string) string {
	t.Helper()
	cfg := &config.Config{Name: "vmcp-conformance",
		Backends: []config.StaticBackend{{Name: "fixture", URL: backendURL}},
		Aggregation: &config.Aggregation{ConflictResolution: config.ConflictPriority,
			ConflictResolutionConfig: &config.ConflictResolutionConfig{PriorityOrder: []string{"fixture"}}}}
	cfg.Normalize()
	g, err := gateway.New(gateway.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	g.Start(ctx)
	if ok, msg := g.Ready(); !ok {
		t.Fatalf("gateway not ready: %s", msg)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: g.Handler(gateway.HTTPOptions{Guard: httpserver.Guard{LoopbackOnly: true}})}
	done := make(chan struct{})
	go func() { _ = httpserver.Serve(ctx, srv, l, 5*time.Second); close(done) }()
	t.Cleanup(func() { cancel(); <-done; g.Close() })
	return "http://localhost:" + portOf(l) + "/mcp"
}

func portOf(l net.Listener) string {
	_, p, _ := net.SplitHostPort(l.Addr().String())
	return p
}

var resultLine = regexp.MustCompile(`(?m)^\s*([✓✗])\s+([^\s:]+):`)

// parseResults maps scenario name to pass/fail from the CLI's summary lines.
func parseResults(out string) map[string]bool {
	res := map[string]bool{}
	for _, m := range resultLine.FindAllStringSubmatch(out, -1) {
		res[m[2]] = m[1] == "✓"
	}
	return res
}

// logFailedChecks prints the failed checks the CLI recorded in results/*/checks.json.
func logFailedChecks(t *testing.T, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "results", "*", "checks.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var checks []map[string]any
		if json.Unmarshal(data, &checks) != nil {
			continue
		}
		for _, c := range checks {
			if c["status"] == "FAILURE" {
				d, _ := json.Marshal(c)
				t.Logf("%s: %s", filepath.Base(filepath.Dir(f)), d)
			}
		}
	}
}
