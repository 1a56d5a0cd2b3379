package gateway

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/backend"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// compositeTools parses composite tool definitions written as YAML.
func compositeTools(t *testing.T, src string) []config.CompositeTool {
	t.Helper()
	var out []config.CompositeTool
	if err := yaml.UnmarshalStrict([]byte(src), &out); err != nil {
		t.Fatalf("bad test composite tools: %v", err)
	}
	return out
}

func listedTool(t *testing.T, cs *mcp.ClientSession, name string) *mcp.Tool {
	t.Helper()
	for tool, err := range cs.Tools(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if tool.Name == name {
			return tool
		}
	}
	return nil
}

func structured(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const countingWorkflows = `
- name: count_twice
  description: Counts, then counts again passing the first count on.
  parameters: {type: object, properties: {label: {type: string}}, required: [label]}
  steps:
  - id: first
    tool: c.count
    arguments: {label: "{{.params.label}}"}
  - id: second
    tool: c.count
    dependsOn: [first]
    arguments: {previous: "{{.steps.first.output.n}}"}
- name: count_then_fail
  steps:
  - {id: ok, tool: c.count}
  - {id: broken, tool: c.fail, dependsOn: [ok]}
`

// TestCompositeToolThroughGateway lists a composite tool with its parameters as
// input schema and calls it: both steps reach the backend through the normal
// routing (metrics count them), the second sees the first's output, and the
// client receives one progress notification per step.
func TestCompositeToolThroughGateway(t *testing.T) {
	be := newCountingBackend(t)
	url, g := startGateway(t, &config.Config{
		Backends:       []config.StaticBackend{{Name: "c", URL: be.URL}},
		CompositeTools: compositeTools(t, countingWorkflows),
	})
	var mu sync.Mutex
	var progress []string
	cs := connect(t, url, "2025-11-25", &mcp.ClientOptions{ProgressNotificationHandler: func(_ context.Context, r *mcp.ProgressNotificationClientRequest) {
		mu.Lock()
		progress = append(progress, r.Params.Message)
		mu.Unlock()
	}})
	if names := toolNames(t, cs); !slices.Contains(names, "count_twice") || !slices.Contains(names, "c_count") {
		t.Fatalf("tools: %v", names)
	}
	tool := listedTool(t, cs, "count_twice")
	schema, _ := json.Marshal(tool.InputSchema)
	if string(schema) != `{"properties":{"label":{"type":"string"}},"required":["label"],"type":"object"}` || tool.Description == "" {
		t.Errorf("listed tool: schema %s, description %q", schema, tool.Description)
	}
	params := &mcp.CallToolParams{Name: "count_twice", Arguments: map[string]any{"label": "x"}}
	params.SetProgressToken("tok")
	res, err := cs.CallTool(context.Background(), params)
	if err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	if got := structured(t, res); got != `{"first":{"n":1},"second":{"n":2}}` {
		t.Errorf("structured content = %s", got)
	}
	if n := counterValue(t, g.metrics.requests.WithLabelValues("c", "tools/call")); n != 2 {
		t.Errorf("backend c counted %v tools/call, want 2", n)
	}
	eventually(t, 5*time.Second, "two progress notifications", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return slices.Equal(progress, []string{"step first completed", "step second completed"})
	})

	text, res := callText(t, cs, "count_then_fail", nil)
	if !res.IsError || !strings.Contains(text, "step broken failed: c.fail returned an error: it failed") {
		t.Errorf("failing workflow: isError=%v %q", res.IsError, text)
	}
	text, res = callText(t, cs, "count_twice", map[string]any{})
	if !res.IsError || !strings.Contains(text, "invalid arguments") {
		t.Errorf("missing parameter: isError=%v %q", res.IsError, text)
	}
	for _, c := range []struct {
		tool, outcome string
		want          float64
	}{{"count_twice", outcomeSuccess, 1}, {"count_twice", outcomeError, 1}, {"count_then_fail", outcomeError, 1}, {"count_then_fail", outcomeSuccess, 0}} {
		if n := counterValue(t, g.metrics.compositeCalls.WithLabelValues(c.tool, c.outcome)); n != c.want {
			t.Errorf("vmcp_composite_tool_calls_total{tool=%s,outcome=%s} = %v, want %v", c.tool, c.outcome, n, c.want)
		}
	}
}

// TestCompositeToolAuthorization checks that Cedar gates the composite tool
// itself (list and call) and each backend call its steps make, under the
// backend tool's exposed name.
func TestCompositeToolAuthorization(t *testing.T) {
	be := newCountingBackend(t)
	url, _ := startGateway(t, &config.Config{
		Backends: []config.StaticBackend{{Name: "c", URL: be.URL}},
		IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthAnonymous, Authz: &config.Authz{Type: config.AuthzCedar,
			Policies: []string{`permit(principal, action, resource);`,
				`forbid(principal, action == Action::"call_tool", resource == Tool::"c_fail");`,
				`forbid(principal, action == Action::"call_tool", resource == Tool::"hidden");`}}},
		CompositeTools: compositeTools(t, countingWorkflows+`
- name: hidden
  steps: [{id: a, tool: c.count}]
`),
	})
	cs := connect(t, url, "2025-11-25", nil)
	names := toolNames(t, cs)
	if slices.Contains(names, "hidden") || !slices.Contains(names, "count_then_fail") {
		t.Errorf("tools visible under the policy: %v", names)
	}
	if _, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "hidden", Arguments: map[string]any{}}); err == nil ||
		!strings.Contains(err.Error(), "not authorized") {
		t.Errorf("forbidden composite tool: %v", err)
	}
	text, res := callText(t, cs, "count_then_fail", nil)
	if !res.IsError || !strings.Contains(text, "step broken failed: not authorized to call_tool c_fail") {
		t.Errorf("forbidden inner call: isError=%v %q", res.IsError, text)
	}
	if be.calls.Load() != 1 {
		t.Errorf("backend saw %d count calls, want 1 (the allowed step)", be.calls.Load())
	}
}

// TestCompositeToolFollowsBackends checks that a composite tool is listed only
// while every backend it calls is usable, with list_changed both ways.
func TestCompositeToolFollowsBackends(t *testing.T) {
	one, two := newCountingBackend(t), newCountingBackend(t)
	cfg := &config.Config{GroupRef: "g", CompositeTools: compositeTools(t, `
- name: both
  steps:
  - {id: a, tool: one.count}
  - {id: b, tool: two.count}
`)}
	cfg.Normalize()
	oneDef := backend.Backend{Name: "one", URL: one.URL, Transport: config.TransportStreamableHTTP}
	twoDef := backend.Backend{Name: "two", URL: two.URL, Transport: config.TransportStreamableHTTP}
	src := backend.NewStatic([]backend.Backend{oneDef})
	g, err := New(Options{Config: cfg, Source: src})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g.Start(ctx)
	defer g.Close()
	changed := make(chan struct{}, 10)
	cs := connect(t, serve(t, g), "2025-11-25", &mcp.ClientOptions{ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
		changed <- struct{}{}
	}})
	if slices.Contains(toolNames(t, cs), "both") {
		t.Fatal("both listed while backend two is missing")
	}
	waitChanged := func() {
		select {
		case <-changed:
		case <-time.After(10 * time.Second):
			t.Fatal("no tools/list_changed")
		}
	}
	src.Set([]backend.Backend{oneDef, twoDef})
	waitChanged()
	eventually(t, 5*time.Second, "both to be listed", func() bool { return slices.Contains(toolNames(t, cs), "both") })
	if _, res := callText(t, cs, "both", nil); res.IsError || structured(t, res) != `{"a":{"n":1},"b":{"n":1}}` {
		t.Errorf("both: %+v", res)
	}
	src.Set([]backend.Backend{oneDef})
	waitChanged()
	eventually(t, 5*time.Second, "both to be removed", func() bool { return !slices.Contains(toolNames(t, cs), "both") })
}

// TestCompositeConfigErrors checks that New refuses what vmcp cannot run.
func TestCompositeConfigErrors(t *testing.T) {
	cases := map[string]struct {
		cfg  config.Config
		want string
	}{
		"compositeToolRefs without the operator": {
			cfg:  config.Config{CompositeToolRefs: []config.CompositeToolRef{{Name: "deploy"}}},
			want: "define the workflows under compositeTools instead",
		},
		"parameters that are not an object schema": {
			cfg: config.Config{CompositeTools: []config.CompositeTool{{Name: "p", Parameters: &apiextensionsv1.JSON{Raw: []byte(`{"type":"array"}`)},
				Steps: []config.WorkflowStep{{ID: "a", Tool: "c.count"}}}}},
			want: `parameters.type: must be "object"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tc.cfg.Backends = []config.StaticBackend{{Name: "c", URL: "http://127.0.0.1:1/mcp"}}
			tc.cfg.Normalize()
			_, err := New(Options{Config: &tc.cfg})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
