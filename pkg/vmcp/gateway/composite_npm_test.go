package gateway

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// everythingWorkflows run against server-everything registered as workload "ev".
const everythingWorkflows = `
- name: sum_and_echo
  description: Adds two numbers, echoes the sentence, and meanwhile runs a slow operation.
  parameters:
    type: object
    properties: {a: {type: number}, b: {type: number}}
    required: [a, b]
  steps:
  - id: slow
    tool: ev.trigger-long-running-operation
    arguments: {duration: 1, steps: 1}
  - id: sum
    tool: ev.get-sum
    arguments: {a: "{{.params.a}}", b: "{{.params.b}}"}
  - id: echo
    tool: ev.echo
    dependsOn: [sum]
    arguments: {message: "{{.steps.sum.output}}"}
  output:
    echoed: "{{.steps.echo.output}}"
    slow: "{{.steps.slow.status}}"
    a: "{{.params.a}}"
- name: greet
  parameters: {type: object, properties: {}}
  steps:
  - id: ask
    type: elicitation
    message: What is your name?
    schema: {type: object, properties: {name: {type: string}}, required: [name]}
    onDecline: {action: skip_remaining}
  - id: hello
    tool: ev.echo
    dependsOn: [ask]
    arguments: {message: "Hello {{.steps.ask.output.name}}"}
- name: greet_strict
  steps:
  - id: ask
    type: elicitation
    message: What is your name?
    schema: {type: object, properties: {name: {type: string}}}
  - id: hello
    tool: ev.echo
    dependsOn: [ask]
    arguments: {message: "Hello {{.steps.ask.output.name}}"}
`

func startEverythingGateway(t *testing.T) (string, *Gateway) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts real MCP servers from npm")
	}
	ev := mcpnpm.StartEverything(t, "streamableHttp")
	return startGateway(t, &config.Config{
		Backends:       []config.StaticBackend{{Name: "ev", URL: ev.URL, Transport: config.TransportStreamableHTTP}},
		CompositeTools: compositeTools(t, everythingWorkflows),
	})
}

// TestCompositeWorkflowWithEverything runs a three-step workflow against real
// server-everything through the gateway: get-sum receives numbers (its schema
// refuses strings), echo receives get-sum's text, and the slow operation runs
// in parallel: the progress notifications show sum and echo finishing before it
// although it is declared first.
func TestCompositeWorkflowWithEverything(t *testing.T) {
	url, g := startEverythingGateway(t)
	var mu sync.Mutex
	var order []string
	cs := connect(t, url, "", &mcp.ClientOptions{ProgressNotificationHandler: func(_ context.Context, r *mcp.ProgressNotificationClientRequest) {
		mu.Lock()
		order = append(order, r.Params.Message)
		mu.Unlock()
	}})
	if !slices.Contains(toolNames(t, cs), "sum_and_echo") {
		t.Fatal("sum_and_echo is not listed")
	}
	params := &mcp.CallToolParams{Name: "sum_and_echo", Arguments: map[string]any{"a": 2, "b": 40}}
	params.SetProgressToken(7)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := cs.CallTool(ctx, params)
	if err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	want := `{"a":2,"echoed":"Echo: The sum of 2 and 40 is 42.","slow":"completed"}`
	if got := structured(t, res); got != want {
		t.Errorf("structured content = %s\nwant %s", got, want)
	}
	eventually(t, 5*time.Second, "three progress notifications", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(order) == 3
	})
	mu.Lock()
	if !slices.Equal(order, []string{"step sum completed", "step echo completed", "step slow completed"}) {
		t.Errorf("steps finished in order %v; the slow step must not hold up the others", order)
	}
	mu.Unlock()
	if n := counterValue(t, g.metrics.requests.WithLabelValues("ev", "tools/call")); n != 3 {
		t.Errorf("backend ev counted %v tools/call, want 3", n)
	}
}

// TestCompositeElicitationWithEverything asks the calling client through an
// elicitation step, directly (2025-11-25) and through inputRequests in the
// result (2026-07-28, multi round-trip, which the Go SDK client fulfils and
// retries): an answering client's content reaches the next step; a declining
// client ends the workflow early (skip_remaining) or with an error (the
// default abort), and no backend call is made.
func TestCompositeElicitationWithEverything(t *testing.T) {
	url, g := startEverythingGateway(t)
	for _, version := range []string{"2025-11-25", "2026-07-28"} {
		t.Run(version, func(t *testing.T) {
			var asked atomic.Int64
			answering := connect(t, url, version, &mcp.ClientOptions{ElicitationHandler: func(_ context.Context, r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
				asked.Add(1)
				if r.Params.Message != "What is your name?" {
					return &mcp.ElicitResult{Action: "cancel"}, nil
				}
				return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "Ada " + version}}, nil
			}})
			before := counterValue(t, g.metrics.requests.WithLabelValues("ev", "tools/call"))
			_, res := callText(t, answering, "greet", nil)
			if want := `{"ask":{"name":"Ada ` + version + `"},"hello":"Echo: Hello Ada ` + version + `"}`; res.IsError || structured(t, res) != want {
				t.Errorf("answered greet: %+v, want %s", res, want)
			}
			if asked.Load() != 1 {
				t.Errorf("the client was asked %d times, want 1", asked.Load())
			}
			calls := counterValue(t, g.metrics.requests.WithLabelValues("ev", "tools/call"))
			if calls-before != 1 {
				t.Errorf("greet made %v backend calls, want 1", calls-before)
			}

			declining := connect(t, url, version, &mcp.ClientOptions{ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
				return &mcp.ElicitResult{Action: "decline"}, nil
			}})
			_, res = callText(t, declining, "greet", nil)
			if res.IsError || structured(t, res) != `{"ask":null,"hello":null}` {
				t.Errorf("declined greet (skip_remaining): %+v", res)
			}
			text, res := callText(t, declining, "greet_strict", nil)
			if !res.IsError || !strings.Contains(text, "the user answered decline") {
				t.Errorf("declined greet_strict (abort): isError=%v %q", res.IsError, text)
			}
			if n := counterValue(t, g.metrics.requests.WithLabelValues("ev", "tools/call")); n != calls {
				t.Errorf("declined workflows made %v backend calls", n-calls)
			}
		})
	}
	t.Run("client without elicitation", func(t *testing.T) {
		unable := connect(t, url, "2025-11-25", nil)
		text, res := callText(t, unable, "greet", nil)
		if !res.IsError || !strings.Contains(text, "step ask failed") || !strings.Contains(text, "elicitation") {
			t.Errorf("greet from a client without elicitation: isError=%v %q", res.IsError, text)
		}
	})
}
