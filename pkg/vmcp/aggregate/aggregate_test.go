package aggregate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func tools(names ...string) []*mcp.Tool {
	var out []*mcp.Tool
	for _, n := range names {
		out = append(out, &mcp.Tool{Name: n, Description: "orig " + n})
	}
	return out
}

// routes renders a result as "exposed=backend.original" strings.
func routes(r *Result) []string {
	var out []string
	for _, t := range r.Tools {
		out = append(out, t.Tool.Name+"="+t.Backend+"."+t.Original)
	}
	return out
}

func TestAggregateTools(t *testing.T) {
	caps := map[string]*Capabilities{
		"a": {Tools: tools("echo", "add")},
		"b": {Tools: tools("echo", "list")},
	}
	tests := map[string]struct {
		agg     config.Aggregation
		want    []string
		wantErr string
	}{
		"prefix default": {agg: config.Aggregation{ConflictResolution: config.ConflictPrefix},
			want: []string{"a_add=a.add", "a_echo=a.echo", "b_echo=b.echo", "b_list=b.list"}},
		"prefix format": {agg: config.Aggregation{ConflictResolution: config.ConflictPrefix,
			ConflictResolutionConfig: &config.ConflictResolutionConfig{PrefixFormat: "{workload}."}},
			want: []string{"a.add=a.add", "a.echo=a.echo", "b.echo=b.echo", "b.list=b.list"}},
		"priority b first": {agg: config.Aggregation{ConflictResolution: config.ConflictPriority,
			ConflictResolutionConfig: &config.ConflictResolutionConfig{PriorityOrder: []string{"b", "a"}}},
			want: []string{"add=a.add", "echo=b.echo", "list=b.list"}},
		"priority unlisted backend loses": {agg: config.Aggregation{ConflictResolution: config.ConflictPriority,
			ConflictResolutionConfig: &config.ConflictResolutionConfig{PriorityOrder: []string{"b"}}},
			want: []string{"add=a.add", "echo=b.echo", "list=b.list"}},
		"manual conflict is an error": {agg: config.Aggregation{ConflictResolution: config.ConflictManual},
			wantErr: `"echo" from a, b`},
		"manual resolved by override": {agg: config.Aggregation{ConflictResolution: config.ConflictManual,
			Tools: []config.WorkloadTools{{Workload: "b", Overrides: map[string]config.ToolOverride{"echo": {Name: "echo2"}}}}},
			want: []string{"add=a.add", "echo=a.echo", "echo2=b.echo", "list=b.list"}},
		"manual resolved by filter": {agg: config.Aggregation{ConflictResolution: config.ConflictManual,
			Tools: []config.WorkloadTools{{Workload: "a", Filter: []string{"add"}}}},
			want: []string{"add=a.add", "echo=b.echo", "list=b.list"}},
		"excludeAll hides one workload": {agg: config.Aggregation{ConflictResolution: config.ConflictPrefix,
			Tools: []config.WorkloadTools{{Workload: "a", ExcludeAll: ptr(true)}}},
			want: []string{"b_echo=b.echo", "b_list=b.list"}},
		"excludeAllTools keeps only filtered tools": {agg: config.Aggregation{ConflictResolution: config.ConflictPrefix, ExcludeAllTools: ptr(true),
			Tools: []config.WorkloadTools{{Workload: "b", Filter: []string{"list"}}}},
			want: []string{"b_list=b.list"}},
		"defaultToolVisibility deny": {agg: config.Aggregation{ConflictResolution: config.ConflictPrefix, DefaultToolVisibility: "deny",
			Tools: []config.WorkloadTools{{Workload: "a", Filter: []string{"add"}}}},
			want: []string{"a_add=a.add"}},
		"defaultToolVisibility allow": {agg: config.Aggregation{ConflictResolution: config.ConflictPrefix, DefaultToolVisibility: "allow"},
			want: []string{"a_add=a.add", "a_echo=a.echo", "b_echo=b.echo", "b_list=b.list"}},
		"override before prefix": {agg: config.Aggregation{ConflictResolution: config.ConflictPrefix,
			Tools: []config.WorkloadTools{{Workload: "a", Filter: []string{"echo"}, Overrides: map[string]config.ToolOverride{"echo": {Name: "say"}}}}},
			want: []string{"a_say=a.echo", "b_echo=b.echo", "b_list=b.list"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := Aggregate(&tc.agg, caps)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, routes(r)); d != "" {
				t.Errorf("routes (-want +got):\n%s", d)
			}
		})
	}
}

func TestOverrideKeepsSourceUntouched(t *testing.T) {
	ro := true
	caps := map[string]*Capabilities{"a": {Tools: tools("echo")}}
	agg := &config.Aggregation{ConflictResolution: config.ConflictManual, Tools: []config.WorkloadTools{{Workload: "a",
		Overrides: map[string]config.ToolOverride{"echo": {Name: "say", Description: "new", Annotations: &config.ToolAnnotations{Title: "T", ReadOnlyHint: &ro}}}}}}
	r, err := Aggregate(agg, caps)
	if err != nil {
		t.Fatal(err)
	}
	got := r.Tools[0].Tool
	if got.Name != "say" || got.Description != "new" || got.Annotations.Title != "T" || !got.Annotations.ReadOnlyHint {
		t.Errorf("override not applied: %+v", got)
	}
	if caps["a"].Tools[0].Name != "echo" || caps["a"].Tools[0].Description != "orig echo" {
		t.Error("the backend's tool was modified")
	}
}

// TestDeterministic aggregates the same input many times; map iteration order is
// random in Go, so a dependence on discovery order would show up as a difference.
func TestDeterministic(t *testing.T) {
	caps := map[string]*Capabilities{}
	for _, b := range []string{"x", "y", "z", "w"} {
		caps[b] = &Capabilities{Tools: tools("t", "u"), Prompts: []*mcp.Prompt{{Name: "p"}},
			Resources: []*mcp.Resource{{URI: "file:///same"}, {URI: "file:///" + b}}}
	}
	agg := &config.Aggregation{ConflictResolution: config.ConflictPriority,
		ConflictResolutionConfig: &config.ConflictResolutionConfig{PriorityOrder: []string{"z"}}}
	first, _ := Aggregate(agg, caps)
	for range 50 {
		again, _ := Aggregate(agg, caps)
		if d := cmp.Diff(first, again); d != "" {
			t.Fatalf("result depends on iteration order:\n%s", d)
		}
	}
	if first.Tools[0].Backend != "z" || first.Prompts[0].Backend != "z" || first.Resources[0].Backend != "z" {
		t.Errorf("priority winner wrong: %+v", first.Tools[0])
	}
	if len(first.Resources) != 5 {
		t.Errorf("resources: got %d, want 5 (one shared URI + 4 own)", len(first.Resources))
	}
}

func ptr[T any](v T) *T { return &v }
