package authz

import (
	"context"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

func TestCedar(t *testing.T) {
	anon := &auth.Identity{Subject: "anonymous", Anonymous: true}
	tests := map[string]struct {
		policies []string
		op       auth.Operation
		want     bool
	}{
		"seed policy permits everything": {policies: []string{`permit(principal, action, resource);`},
			op: auth.Operation{Action: "call_tool", Resource: "github_create_issue"}, want: true},
		"no policy denies": {op: auth.Operation{Action: "call_tool", Resource: "x"}, want: false},
		"forbid wins": {policies: []string{`permit(principal, action, resource);`,
			`forbid(principal, action == Action::"call_tool", resource == Tool::"danger");`},
			op: auth.Operation{Action: "call_tool", Resource: "danger"}, want: false},
		"forbid is specific": {policies: []string{`permit(principal, action, resource); forbid(principal, action == Action::"call_tool", resource == Tool::"danger");`},
			op: auth.Operation{Action: "call_tool", Resource: "safe"}, want: true},
		"prompt type": {policies: []string{`permit(principal, action == Action::"get_prompt", resource == Prompt::"p");`},
			op: auth.Operation{Action: "get_prompt", Resource: "p"}, want: true},
		"argument condition": {policies: []string{`permit(principal, action, resource) when { context.arguments.n < 10 };`},
			op: auth.Operation{Action: "call_tool", Resource: "t", Arguments: map[string]any{"n": 3.0}}, want: true},
		"argument condition fails": {policies: []string{`permit(principal, action, resource) when { context.arguments has n && context.arguments.n < 10 };`},
			op: auth.Operation{Action: "call_tool", Resource: "t", Arguments: map[string]any{"n": 30.0}}, want: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := New(tc.policies, "")
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Authorize(context.Background(), anon, tc.op)
			if err != nil || got != tc.want {
				t.Fatalf("Authorize = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestBadPolicyIsNamed(t *testing.T) {
	_, err := New([]string{`permit(principal, action, resource);`, `permit(oops`}, "")
	if err == nil || !strings.Contains(err.Error(), "policies[1]") {
		t.Fatalf("want an error naming policies[1], got %v", err)
	}
}
