package composite

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestRun runs table workflows against a fake caller and checks the calls made
// (arguments as the backend would see them, in JSON) and the output.
func TestRun(t *testing.T) {
	cases := map[string]struct {
		workflow string
		params   map[string]any
		tools    map[string]handler
		calls    []string // exact, in order (only for sequential workflows)
		output   string   // JSON of the result output
		err      string   // substring of the run error
	}{
		"dependent steps run in order and see earlier outputs": {
			workflow: `
name: chain
steps:
- id: c
  tool: w.echo
  dependsOn: [b]
  arguments: {v: "{{.steps.b.output.v}}+c"}
- id: a
  tool: w.echo
  arguments: {v: "{{.params.start}}"}
- id: b
  tool: w.echo
  dependsOn: [a]
  arguments: {v: "{{.steps.a.output.v}}+b"}
`,
			params: map[string]any{"start": "s"},
			tools:  map[string]handler{"w.echo": echo},
			calls:  []string{`w.echo {"v":"s"}`, `w.echo {"v":"s+b"}`, `w.echo {"v":"s+b+c"}`},
			output: `{"a":{"v":"s"},"b":{"v":"s+b"},"c":{"v":"s+b+c"}}`,
		},
		"a single-action template keeps the value's type": {
			workflow: `
name: types
steps:
- id: a
  tool: w.echo
  arguments:
    num: "{{.params.num}}"
    big: "{{.params.big}}"
    flag: "{{.params.flag}}"
    obj: "{{.params.obj}}"
    list: "{{.params.list}}"
    mixed: "n={{.params.num}}"
    asString: "{{json .params.obj}}"
    quoted: "{{quote .params.num}}"
    parsed: "{{fromJson .params.raw}}"
    nested: {deep: ["{{.params.num}}", "x{{.params.num}}"]}
    literal: 7
`,
			params: map[string]any{"num": 3.0, "big": 9007199254740993, "flag": true, "obj": map[string]any{"k": "v"},
				"list": []any{1.0, "two"}, "raw": `{"p":[1,2]}`},
			tools: map[string]handler{"w.echo": echo},
			calls: []string{`w.echo {"asString":"{\"k\":\"v\"}","big":9007199254740993,"flag":true,"list":[1,"two"],"literal":7,"mixed":"n=3",` +
				`"nested":{"deep":[3,"x3"]},"num":3,"obj":{"k":"v"},"parsed":{"p":[1,2]},"quoted":"\"3\""}`},
		},
		"text output is parsed as JSON when it parses, else kept as text": {
			workflow: `
name: text
steps:
- id: j
  tool: w.json
- id: t
  tool: w.text
- id: use
  tool: w.echo
  dependsOn: [j, t]
  arguments: {sum: "{{.steps.j.output.n}}", text: "{{.steps.t.output}}"}
`,
			tools: map[string]handler{
				"w.json": func(context.Context, map[string]any) (*mcp.CallToolResult, error) { return text(`{"n": 42}`), nil },
				"w.text": func(context.Context, map[string]any) (*mcp.CallToolResult, error) { return text("plain words"), nil },
				"w.echo": echo,
			},
			output: `{"j":{"n":42},"t":"plain words","use":{"sum":42,"text":"plain words"}}`,
		},
		"false condition skips with defaultResults and dependents still run": {
			workflow: `
name: cond
steps:
- id: maybe
  tool: w.echo
  condition: "{{eq .params.mode \"full\"}}"
  defaultResults: {v: default}
- id: after
  tool: w.echo
  dependsOn: [maybe]
  arguments: {v: "{{.steps.maybe.output.v}}", s: "{{.steps.maybe.status}}"}
`,
			params: map[string]any{"mode": "quick"},
			tools:  map[string]handler{"w.echo": echo},
			calls:  []string{`w.echo {"s":"skipped","v":"default"}`},
			output: `{"after":{"s":"skipped","v":"default"},"maybe":{"v":"default"}}`,
		},
		"true condition runs the step": {
			workflow: `
name: cond
steps:
- id: maybe
  tool: w.echo
  condition: "{{eq .params.mode \"full\"}}"
  arguments: {v: ran}
`,
			params: map[string]any{"mode": "full"},
			tools:  map[string]handler{"w.echo": echo},
			calls:  []string{`w.echo {"v":"ran"}`},
			output: `{"maybe":{"v":"ran"}}`,
		},
		"abort names the failing step and stops the workflow": {
			workflow: `
name: abort
steps:
- id: first
  tool: w.fail
- id: second
  tool: w.echo
  dependsOn: [first]
`,
			tools: map[string]handler{"w.fail": failing(-1, new(atomic.Int64)), "w.echo": echo},
			calls: []string{`w.fail {}`},
			err:   "step first failed: w.fail returned an error: boom 1",
		},
		"continue records the error and uses defaultResults": {
			workflow: `
name: continue
steps:
- id: first
  tool: w.fail
  onError: {action: continue}
  defaultResults: {v: fallback}
- id: second
  tool: w.echo
  dependsOn: [first]
  arguments: {v: "{{.steps.first.output.v}}", e: "{{.steps.first.error}}"}
`,
			tools:  map[string]handler{"w.fail": failing(-1, new(atomic.Int64)), "w.echo": echo},
			calls:  []string{`w.fail {}`, `w.echo {"e":"w.fail returned an error: boom 1","v":"fallback"}`},
			output: `{"first":{"v":"fallback"},"second":{"e":"w.fail returned an error: boom 1","v":"fallback"}}`,
		},
		"retry succeeds on the third attempt": {
			workflow: `
name: retry
steps:
- id: flaky
  tool: w.flaky
  arguments: {v: 1}
  onError: {action: retry, retryCount: 3}
`,
			tools:  map[string]handler{"w.flaky": failing(2, new(atomic.Int64))},
			calls:  []string{`w.flaky {"v":1}`, `w.flaky {"v":1}`, `w.flaky {"v":1}`},
			output: `{"flaky":{"v":1}}`,
		},
		"retry gives up after retryCount retries": {
			workflow: `
name: retry
steps:
- id: flaky
  tool: w.flaky
  onError: {action: retry, retryCount: 2}
`,
			tools: map[string]handler{"w.flaky": failing(-1, new(atomic.Int64))},
			calls: []string{`w.flaky {}`, `w.flaky {}`, `w.flaky {}`},
			err:   "step flaky failed: w.flaky returned an error: boom 3 (gave up after 3 attempts)",
		},
		"a Go error from the caller fails the step": {
			workflow: `
name: missing
steps:
- id: s
  tool: w.nosuch
`,
			tools: map[string]handler{},
			err:   "step s failed: no tool w.nosuch",
		},
		"step timeout applies to each attempt": {
			workflow: `
name: slow
steps:
- id: slow
  tool: w.slow
  timeout: 50ms
  onError: {action: retry, retryCount: 1}
`,
			tools: map[string]handler{"w.slow": sleepy(5*time.Second, text("late"))},
			calls: []string{`w.slow {}`, `w.slow {}`},
			err:   "step slow failed: timed out after 50ms (gave up after 2 attempts)",
		},
		"workflow timeout ends the run even with onError continue": {
			workflow: `
name: slow
timeout: 100ms
steps:
- id: slow
  tool: w.slow
  onError: {action: continue}
- id: next
  tool: w.echo
  dependsOn: [slow]
`,
			tools: map[string]handler{"w.slow": sleepy(5*time.Second, text("late")), "w.echo": echo},
			calls: []string{`w.slow {}`},
			err:   "workflow timed out after 100ms",
		},
		"forEach calls the tool per item with item and index, in collection order": {
			workflow: `
name: loop
steps:
- id: list
  tool: w.list
- id: each
  type: forEach
  tool: w.echo
  dependsOn: [list]
  collection: "{{.steps.list.output.items}}"
  arguments: {name: "{{.item.name}}", i: "{{.index}}", p: "{{.params.p}}"}
`,
			params: map[string]any{"p": "x"},
			tools: map[string]handler{
				"w.list": func(context.Context, map[string]any) (*mcp.CallToolResult, error) {
					return &mcp.CallToolResult{StructuredContent: map[string]any{"items": []any{
						map[string]any{"name": "a"}, map[string]any{"name": "b"}, map[string]any{"name": "c"}}}}, nil
				},
				"w.echo": echo,
			},
			output: `{"each":[{"i":0,"name":"a","p":"x"},{"i":1,"name":"b","p":"x"},{"i":2,"name":"c","p":"x"}],` +
				`"list":{"items":[{"name":"a"},{"name":"b"},{"name":"c"}]}}`,
		},
		"forEach accepts a JSON string collection": {
			workflow: `
name: loop
steps:
- id: each
  type: forEach
  tool: w.echo
  collection: "{{json .params.ids}}"
  arguments: {id: "{{.item}}"}
`,
			params: map[string]any{"ids": []any{5.0, 6.0}},
			tools:  map[string]handler{"w.echo": echo},
			output: `{"each":[{"id":5},{"id":6}]}`,
		},
		"forEach fails with the failing item": {
			workflow: `
name: loop
steps:
- id: each
  type: forEach
  tool: w.flaky
  collection: "{{.params.ids}}"
`,
			params: map[string]any{"ids": []any{1.0}},
			tools:  map[string]handler{"w.flaky": failing(-1, new(atomic.Int64))},
			err:    "step each failed: item 0: w.flaky returned an error: boom 1",
		},
		"forEach refuses a collection that is not a list": {
			workflow: `
name: loop
steps:
- id: each
  type: forEach
  tool: w.echo
  collection: "{{.params.ids}}"
`,
			params: map[string]any{"ids": map[string]any{"a": 1.0}},
			tools:  map[string]handler{"w.echo": echo},
			err:    "step each failed: collection rendered a map[string]interface {}; it must yield a list",
		},
		"output template shapes the result": {
			workflow: `
name: shaped
steps:
- id: a
  tool: w.echo
  arguments: {v: 2}
output:
  total: "{{.steps.a.output.v}}"
  summary: "a said {{.steps.a.output.v}}"
  all: ["{{.steps.a.status}}"]
`,
			tools:  map[string]handler{"w.echo": echo},
			output: `{"all":["completed"],"summary":"a said 2","total":2}`,
		},
		"a missing parameter fails clearly": {
			workflow: `
name: strict
parameters: {type: object, properties: {num: {type: number}}, required: [num]}
steps:
- id: a
  tool: w.echo
`,
			tools: map[string]handler{"w.echo": echo},
			err:   "invalid arguments",
		},
		"parameter defaults are applied before templates run": {
			workflow: `
name: defaults
parameters: {type: object, properties: {num: {type: number, default: 5}}}
steps:
- id: a
  tool: w.echo
  arguments: {num: "{{.params.num}}"}
`,
			tools:  map[string]handler{"w.echo": echo},
			calls:  []string{`w.echo {"num":5}`},
			output: `{"a":{"num":5}}`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := compile(t, tc.workflow, Options{})
			f := &fakeCaller{tools: tc.tools}
			res, err := w.Run(context.Background(), tc.params, Env{Caller: f})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.err)
				}
			} else if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if tc.calls != nil {
				if diff := cmp.Diff(tc.calls, f.recorded()); diff != "" {
					t.Errorf("calls (-want +got):\n%s", diff)
				}
			}
			if tc.output != "" {
				if got := mustJSON(t, res.Output); got != tc.output {
					t.Errorf("output = %s\nwant     %s", got, tc.output)
				}
			}
		})
	}
}

// TestParallel proves that independent steps and forEach items run at the same
// time (a barrier answers only when all have arrived) and that MaxParallel bounds them.
func TestParallel(t *testing.T) {
	t.Run("independent steps run together", func(t *testing.T) {
		w := compile(t, `
name: fan
steps:
- {id: a, tool: w.wait}
- {id: b, tool: w.wait}
- {id: c, tool: w.wait}
- {id: join, tool: w.echo, dependsOn: [a, b, c]}
`, Options{})
		f := &fakeCaller{tools: map[string]handler{"w.wait": barrier(3), "w.echo": echo}}
		if _, err := w.Run(context.Background(), nil, Env{Caller: f}); err != nil {
			t.Fatal(err)
		}
		if calls := f.recorded(); calls[len(calls)-1] != "w.echo {}" {
			t.Errorf("join did not run last: %v", calls)
		}
	})
	t.Run("forEach items run together", func(t *testing.T) {
		w := compile(t, `
name: loop
steps:
- {id: each, type: forEach, tool: w.wait, collection: "{{.params.ids}}", arguments: {id: "{{.item}}"}}
`, Options{})
		f := &fakeCaller{tools: map[string]handler{"w.wait": barrier(4)}}
		res, err := w.Run(context.Background(), map[string]any{"ids": []any{1, 2, 3, 4}}, Env{Caller: f})
		if err != nil {
			t.Fatal(err)
		}
		if got := mustJSON(t, res.Output); got != `{"each":[{"id":1},{"id":2},{"id":3},{"id":4}]}` {
			t.Errorf("output = %s", got)
		}
	})
	for name, src := range map[string]string{
		"steps": `
name: bounded
steps:
- {id: a, tool: w.slow}
- {id: b, tool: w.slow}
- {id: c, tool: w.slow}
- {id: d, tool: w.slow}
- {id: e, tool: w.slow}
`,
		"forEach items": `
name: bounded
steps:
- {id: each, type: forEach, tool: w.slow, collection: "[1,2,3,4,5,6]"}
`,
	} {
		t.Run("MaxParallel bounds "+name, func(t *testing.T) {
			w := compile(t, src, Options{MaxParallel: 2})
			f := &fakeCaller{tools: map[string]handler{"w.slow": sleepy(30*time.Millisecond, text("ok"))}}
			if _, err := w.Run(context.Background(), nil, Env{Caller: f}); err != nil {
				t.Fatal(err)
			}
			if p := f.peak.Load(); p != 2 {
				t.Errorf("peak concurrency = %d, want 2", p)
			}
		})
	}
}

// TestAbortCancelsRunningSteps checks that a failing step ends its parallel siblings.
func TestAbortCancelsRunningSteps(t *testing.T) {
	w := compile(t, `
name: abort
steps:
- {id: slow, tool: w.slow}
- {id: bad, tool: w.fail}
- {id: later, tool: w.echo, dependsOn: [slow]}
`, Options{})
	f := &fakeCaller{tools: map[string]handler{
		"w.slow": sleepy(10*time.Second, text("late")), "w.fail": failing(-1, new(atomic.Int64)), "w.echo": echo}}
	start := time.Now()
	_, err := w.Run(context.Background(), nil, Env{Caller: f})
	if err == nil || !strings.Contains(err.Error(), "step bad failed") {
		t.Fatalf("error = %v, want step bad failed", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("abort waited %s for the slow sibling", d)
	}
	if slices.Contains(f.recorded(), "w.echo {}") {
		t.Error("a step after the abort ran")
	}
}

// TestRetryDelay checks that retries wait retryDelay between attempts.
func TestRetryDelay(t *testing.T) {
	w := compile(t, `
name: retry
steps:
- {id: s, tool: w.flaky, onError: {action: retry, retryCount: 2, retryDelay: 60ms}}
`, Options{})
	var count atomic.Int64
	f := &fakeCaller{tools: map[string]handler{"w.flaky": failing(2, &count)}}
	start := time.Now()
	if _, err := w.Run(context.Background(), nil, Env{Caller: f}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 120*time.Millisecond {
		t.Errorf("three attempts took %s; two retry delays of 60ms should take at least 120ms", d)
	}
	if count.Load() != 3 {
		t.Errorf("attempts = %d, want 3", count.Load())
	}
}

// TestElicitation covers each answer and the onDecline / onCancel actions.
func TestElicitation(t *testing.T) {
	workflow := func(onDecline, onCancel string) string {
		return `
name: ask
steps:
- id: confirm
  type: elicitation
  message: "Deploy {{.params.app}}?"
  schema: {type: object, properties: {ok: {type: boolean}}}
  onDecline: {action: ` + onDecline + `}
  onCancel: {action: ` + onCancel + `}
  defaultResults: {ok: false}
- id: deploy
  tool: w.echo
  dependsOn: [confirm]
  arguments: {ok: "{{.steps.confirm.output.ok}}", action: "{{.steps.confirm.action}}"}
- id: other
  tool: w.slow
`
	}
	cases := map[string]struct {
		onDecline, onCancel string
		elicitor            *fakeElicitor
		output, err         string
	}{
		"accept makes the content the output": {
			onDecline: "abort", onCancel: "abort",
			elicitor: &fakeElicitor{action: "accept", content: map[string]any{"ok": true}},
			output:   `{"confirm":{"ok":true},"deploy":{"action":"accept","ok":true},"other":"done"}`,
		},
		"decline with continue runs dependents with defaultResults": {
			onDecline: "continue", onCancel: "abort",
			elicitor: &fakeElicitor{action: "decline"},
			output:   `{"confirm":{"ok":false},"deploy":{"action":"decline","ok":false},"other":"done"}`,
		},
		"decline with skip_remaining skips what has not started": {
			onDecline: "skip_remaining", onCancel: "abort",
			elicitor: &fakeElicitor{action: "decline"},
			output:   `{"confirm":{"ok":false},"deploy":null,"other":"done"}`,
		},
		"decline with abort fails": {
			onDecline: "abort", onCancel: "continue",
			elicitor: &fakeElicitor{action: "decline"},
			err:      `step confirm: the user answered decline to "Deploy {{.params.app}}?"`,
		},
		"cancel uses onCancel": {
			onDecline: "continue", onCancel: "abort",
			elicitor: &fakeElicitor{action: "cancel"},
			err:      "the user answered cancel",
		},
		"an answer that does not match the schema fails the step": {
			onDecline: "abort", onCancel: "abort",
			elicitor: &fakeElicitor{action: "accept", content: map[string]any{"ok": "yes"}},
			err:      "step confirm failed: the answer does not match the step's schema",
		},
		"an elicitation error fails the step": {
			onDecline: "continue", onCancel: "continue",
			elicitor: &fakeElicitor{err: errors.New("client does not support elicitation")},
			err:      "step confirm failed: client does not support elicitation",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := compile(t, workflow(tc.onDecline, tc.onCancel), Options{})
			f := &fakeCaller{tools: map[string]handler{"w.echo": echo, "w.slow": sleepy(20*time.Millisecond, text("done"))}}
			res, err := w.Run(context.Background(), map[string]any{"app": "shop"}, Env{Caller: f, Elicitor: tc.elicitor})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := mustJSON(t, res.Output); got != tc.output {
				t.Errorf("output = %s\nwant     %s", got, tc.output)
			}
			if diff := cmp.Diff([]string{"Deploy shop?"}, tc.elicitor.asked); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("no elicitor fails the step", func(t *testing.T) {
		w := compile(t, workflow("continue", "continue"), Options{})
		f := &fakeCaller{tools: map[string]handler{"w.echo": echo, "w.slow": echo}}
		_, err := w.Run(context.Background(), map[string]any{"app": "shop"}, Env{Caller: f})
		if !errors.Is(err, errNoElicitor) {
			t.Fatalf("error = %v, want %v", err, errNoElicitor)
		}
	})
}

// TestProgress checks one progress report per finished step, counting up to the total.
func TestProgress(t *testing.T) {
	w := compile(t, `
name: p
steps:
- {id: a, tool: w.echo}
- {id: b, tool: w.echo, dependsOn: [a]}
- {id: c, tool: w.echo, condition: "false"}
`, Options{})
	var got []string
	env := Env{Caller: &fakeCaller{tools: map[string]handler{"w.echo": echo}}, Progress: func(done, total int, msg string) {
		got = append(got, strings.Join([]string{string(rune('0' + done)), string(rune('0' + total)), strings.Fields(msg)[1]}, "/"))
	}}
	if _, err := w.Run(context.Background(), nil, env); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[2][:4] != "3/3/" {
		t.Fatalf("progress = %v, want three reports ending at 3/3", got)
	}
	for i, g := range got {
		if g[0] != byte('1'+i) {
			t.Errorf("report %d = %s, want done=%d", i, g, i+1)
		}
	}
}

// TestCall checks the tool result: structured content and JSON text on success,
// isError naming the step on failure, text for a string output.
func TestCall(t *testing.T) {
	f := &fakeCaller{tools: map[string]handler{"w.echo": echo, "w.fail": failing(-1, new(atomic.Int64))}}
	ok := compile(t, "name: ok\nsteps: [{id: a, tool: w.echo, arguments: {v: 1}}]", Options{})
	res := ok.Call(context.Background(), nil, Env{Caller: f})
	if res.IsError || mustJSON(t, res.StructuredContent) != `{"a":{"v":1}}` || res.Content[0].(*mcp.TextContent).Text != `{"a":{"v":1}}` {
		t.Errorf("success result = %+v", res)
	}
	bad := compile(t, "name: bad\nsteps: [{id: broken, tool: w.fail}]", Options{})
	res = bad.Call(context.Background(), nil, Env{Caller: f})
	if !res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "composite tool bad: step broken failed") {
		t.Errorf("failure result = %+v", res.Content[0])
	}
	str := compile(t, "name: str\nsteps: [{id: a, tool: w.echo, arguments: {v: hi}}]\noutput: \"{{.steps.a.output.v}} there\"", Options{})
	res = str.Call(context.Background(), nil, Env{Caller: f})
	if res.IsError || res.StructuredContent != nil || res.Content[0].(*mcp.TextContent).Text != "hi there" {
		t.Errorf("string result = %+v", res)
	}
}

// TestNewRefuses checks that broken workflows are refused with a message naming the problem.
func TestNewRefuses(t *testing.T) {
	cases := map[string]struct {
		src, want string
	}{
		"cycle": {`
name: loop
steps:
- {id: a, tool: w.x, dependsOn: [b]}
- {id: b, tool: w.x, dependsOn: [a]}
`, "cycle"},
		"missing dependency":         {"name: m\nsteps: [{id: a, tool: w.x, dependsOn: [nope]}]", `step "nope" does not exist`},
		"bad tool reference":         {"name: m\nsteps: [{id: a, tool: nodot}]", "must have the form workload.tool_name"},
		"bad template":               {"name: m\nsteps: [{id: a, tool: w.x, arguments: {v: \"{{.params.x\"}}]", "bad template"},
		"bad message":                {"name: m\nsteps: [{id: a, type: elicitation, message: \"{{nope}}\"}]", "bad template"},
		"non-object params":          {"name: m\nparameters: {type: string}\nsteps: [{id: a, tool: w.x}]", `parameters.type: must be "object"`},
		"forEach without collection": {"name: m\nsteps: [{id: a, type: forEach, tool: w.x}]", "collection: required"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var ct config.CompositeTool
			if err := yamlUnmarshal(tc.src, &ct); err != nil {
				t.Fatal(err)
			}
			_, err := New(ct, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestRunRefusesCycle checks the scheduler's own guard: steps that can never
// start end the run with an error instead of hanging (New refuses such
// workflows, so this builds one by hand).
func TestRunRefusesCycle(t *testing.T) {
	w := compile(t, "name: c\nsteps: [{id: a, tool: w.echo}, {id: b, tool: w.echo, dependsOn: [a]}]", Options{})
	w.steps[0].deps = []string{"b"}
	done := make(chan error, 1)
	go func() {
		_, err := w.Run(context.Background(), nil, Env{Caller: &fakeCaller{tools: map[string]handler{"w.echo": echo}}})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "steps a, b can never run") {
			t.Fatalf("error = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run hung on a cycle")
	}
}

// TestOutputOf covers how a backend result becomes a step output.
func TestOutputOf(t *testing.T) {
	cases := map[string]struct {
		res  *mcp.CallToolResult
		want string
	}{
		"structured wins":  {&mcp.CallToolResult{StructuredContent: map[string]any{"a": 1}, Content: []mcp.Content{&mcp.TextContent{Text: "x"}}}, `{"a":1}`},
		"JSON text":        {text(`[1, 2]`), `[1,2]`},
		"plain text":       {text("hello"), `"hello"`},
		"text blocks join": {&mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "a"}, &mcp.TextContent{Text: "b"}}}, `"a\nb"`},
		"no text is empty": {&mcp.CallToolResult{Content: []mcp.Content{&mcp.ImageContent{MIMEType: "image/png"}}}, `""`},
		"number text":      {text("42"), `42`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := mustJSON(t, outputOf(tc.res)); got != tc.want {
				t.Errorf("outputOf = %s, want %s", got, tc.want)
			}
		})
	}
}

// roundElicitor asks nothing in the first round (ErrInputRequired) and answers
// from its map afterwards, like a multi round-trip client.
type roundElicitor map[string]*mcp.ElicitResult

func (r roundElicitor) Elicit(_ context.Context, stepID, _ string, _ map[string]any) (*mcp.ElicitResult, error) {
	if a, ok := r[stepID]; ok {
		return a, nil
	}
	return nil, ErrInputRequired
}

// TestSuspendAndResume checks multi round-trip elicitation: the run suspends
// with the question after finishing what it could, and the resumed run does not
// repeat finished steps.
func TestSuspendAndResume(t *testing.T) {
	w := compile(t, `
name: mrtr
steps:
- {id: before, tool: w.echo, arguments: {v: 1}}
- {id: parallel, tool: w.echo, arguments: {v: 2}}
- {id: ask, type: elicitation, message: "Name for {{.steps.before.output.v}}?", dependsOn: [before]}
- {id: after, tool: w.echo, dependsOn: [ask], arguments: {name: "{{.steps.ask.output.name}}"}}
`, Options{})
	f := &fakeCaller{tools: map[string]handler{"w.echo": echo}}
	_, err := w.Run(context.Background(), nil, Env{Caller: f, Elicitor: roundElicitor{}})
	var s *Suspended
	if !errors.As(err, &s) {
		t.Fatalf("first round error = %v, want *Suspended", err)
	}
	if diff := cmp.Diff(map[string]Question{"ask": {Message: "Name for 1?"}}, s.Questions); diff != "" {
		t.Errorf("questions (-want +got):\n%s", diff)
	}
	if _, ok := s.Done["after"]; ok || len(s.Done) != 2 {
		t.Errorf("done after the first round: %v", s.Done)
	}
	answer := roundElicitor{"ask": {Action: "accept", Content: map[string]any{"name": "Ada"}}}
	res, err := w.Run(context.Background(), nil, Env{Caller: f, Elicitor: answer, Done: s.Done})
	if err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, res.Output); got != `{"after":{"name":"Ada"},"ask":{"name":"Ada"},"before":{"v":1},"parallel":{"v":2}}` {
		t.Errorf("output = %s", got)
	}
	calls := f.recorded()
	slices.Sort(calls)
	if diff := cmp.Diff([]string{`w.echo {"name":"Ada"}`, `w.echo {"v":1}`, `w.echo {"v":2}`}, calls); diff != "" {
		t.Errorf("calls over both rounds (-want +got):\n%s", diff)
	}
}

// TestNewRefusesUndeclaredStepReference: a template naming a step that is not a
// dependency is refused when the workflow is compiled (issue 10 item 8), before
// any call, with what to add; it used to fail only while running.
func TestNewRefusesUndeclaredStepReference(t *testing.T) {
	var ct config.CompositeTool
	if err := yaml.UnmarshalStrict([]byte(`
name: undeclared
steps:
- id: a
  tool: w.echo
- id: b
  tool: w.echo
  arguments: {v: "{{.steps.a.output}}"}
`), &ct); err != nil {
		t.Fatal(err)
	}
	_, err := New(ct, Options{})
	if err == nil || !strings.Contains(err.Error(), `refers to step "a", which does not run before step "b"; add "a" to its dependsOn`) {
		t.Fatalf("New: %v, want the undeclared reference refused", err)
	}
}

// TestToolAnnotations checks that a composite tool's configured hints reach the tool
// clients list; without them the tool carries none.
func TestToolAnnotations(t *testing.T) {
	w := compile(t, "name: a\nannotations: {title: Deploy, readOnlyHint: false, destructiveHint: true}\nsteps: [{id: s, tool: w.x}]", Options{})
	a := w.Tool().Annotations
	if a == nil || a.Title != "Deploy" || a.ReadOnlyHint || a.DestructiveHint == nil || !*a.DestructiveHint || a.OpenWorldHint != nil {
		t.Fatalf("annotations = %+v, want title Deploy, destructive, open-world unset", a)
	}
	if got := compile(t, "name: b\nsteps: [{id: s, tool: w.x}]", Options{}).Tool().Annotations; got != nil {
		t.Fatalf("annotations without configuration = %+v, want none", got)
	}
}
