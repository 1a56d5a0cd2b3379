package cedar

import (
	"context"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

func TestAuthorize(t *testing.T) {
	anon := &auth.Identity{Subject: "anonymous", Anonymous: true}
	alice := &auth.Identity{Subject: "alice", Claims: map[string]any{
		"groups": []any{"engineering", "oncall"}, "email": "alice@example.com", "level": 3.0,
		"org": map[string]any{"name": "acme"},
	}}
	bob := &auth.Identity{Subject: "bob", Claims: map[string]any{"groups": []any{"sales"}}}
	const groupPolicy = `permit(principal, action == Action::"call_tool", resource == Tool::"echo")
	  when { principal has claim_groups && principal.claim_groups.contains("engineering") };`
	tests := map[string]struct {
		policies []string
		entities string
		id       *auth.Identity
		op       auth.Operation
		want     bool
	}{
		"seed policy permits everything": {policies: []string{`permit(principal, action, resource);`},
			id: anon, op: auth.Operation{Action: "call_tool", Resource: "github_create_issue"}, want: true},
		"no policy denies": {id: anon, op: auth.Operation{Action: "call_tool", Resource: "x"}, want: false},
		"forbid wins": {policies: []string{`permit(principal, action, resource);`,
			`forbid(principal, action == Action::"call_tool", resource == Tool::"danger");`},
			id: anon, op: auth.Operation{Action: "call_tool", Resource: "danger"}, want: false},
		"forbid is specific": {policies: []string{`permit(principal, action, resource); forbid(principal, action == Action::"call_tool", resource == Tool::"danger");`},
			id: anon, op: auth.Operation{Action: "call_tool", Resource: "safe"}, want: true},
		"prompt type": {policies: []string{`permit(principal, action == Action::"get_prompt", resource == Prompt::"p");`},
			id: anon, op: auth.Operation{Action: "get_prompt", Resource: "p"}, want: true},
		"resource type": {policies: []string{`permit(principal, action == Action::"read_resource", resource == Resource::"file:///a");`},
			id: anon, op: auth.Operation{Action: "read_resource", Resource: "file:///a"}, want: true},
		"argument condition": {policies: []string{`permit(principal, action, resource) when { context.arguments.n < 10 };`},
			id: anon, op: auth.Operation{Action: "call_tool", Resource: "t", Arguments: map[string]any{"n": 3.0}}, want: true},
		"argument condition fails": {policies: []string{`permit(principal, action, resource) when { context.arguments has n && context.arguments.n < 10 };`},
			id: anon, op: auth.Operation{Action: "call_tool", Resource: "t", Arguments: map[string]any{"n": 30.0}}, want: false},
		"flat argument (ToolHive form)": {policies: []string{`permit(principal, action, resource) when { context.arg_owner == "me" };`},
			id: anon, op: auth.Operation{Action: "call_tool", Resource: "t", Arguments: map[string]any{"owner": "me"}}, want: true},
		"principal id": {policies: []string{`permit(principal == Client::"alice", action, resource);`},
			id: alice, op: auth.Operation{Action: "call_tool", Resource: "t"}, want: true},
		"principal id other": {policies: []string{`permit(principal == Client::"alice", action, resource);`},
			id: bob, op: auth.Operation{Action: "call_tool", Resource: "t"}, want: false},
		"group claim member": {policies: []string{groupPolicy},
			id: alice, op: auth.Operation{Action: "call_tool", Resource: "echo"}, want: true},
		"group claim non-member": {policies: []string{groupPolicy},
			id: bob, op: auth.Operation{Action: "call_tool", Resource: "echo"}, want: false},
		"group claim anonymous": {policies: []string{groupPolicy},
			id: nil, op: auth.Operation{Action: "call_tool", Resource: "echo"}, want: false},
		"string and number claims": {policies: []string{`permit(principal, action, resource) when { principal.claim_email like "*@example.com" && principal.claim_level >= 3 && context.claim_level == 3 };`},
			id: alice, op: auth.Operation{Action: "call_tool", Resource: "t"}, want: true},
		"object claim": {policies: []string{`permit(principal, action, resource) when { principal.claim_org.name == "acme" };`},
			id: alice, op: auth.Operation{Action: "call_tool", Resource: "t"}, want: true},
		"entity parents from entitiesJson": {policies: []string{`permit(principal in Group::"admins", action, resource);`},
			entities: `[{"uid":{"type":"Client","id":"bob"},"parents":[{"type":"Group","id":"admins"}],"attrs":{}},{"uid":{"type":"Group","id":"admins"},"parents":[],"attrs":{}}]`,
			id:       bob, op: auth.Operation{Action: "call_tool", Resource: "t"}, want: true},
		"tool in a group from entitiesJson": {policies: []string{`permit(principal, action, resource in ToolGroup::"safe");`},
			entities: `[{"uid":{"type":"Tool","id":"echo"},"parents":[{"type":"ToolGroup","id":"safe"}],"attrs":{}}]`,
			id:       anon, op: auth.Operation{Action: "call_tool", Resource: "echo"}, want: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := New(tc.policies, tc.entities)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Authorize(context.Background(), tc.id, tc.op)
			if err != nil || got != tc.want {
				t.Fatalf("Authorize = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestDecideReason(t *testing.T) {
	secret := `forbid(principal, action, resource == Tool::"danger") when { context.arg_token == "s3cr3t-value" };`
	tests := map[string]struct {
		policies   []string
		op         auth.Operation
		wantReason string
	}{
		"named forbid": {policies: []string{`permit(principal, action, resource);`, `@id("no-danger") ` + secret},
			op: auth.Operation{Action: "call_tool", Resource: "danger", Arguments: map[string]any{"token": "s3cr3t-value"}}, wantReason: `denied by policy "no-danger"`},
		"unnamed forbid": {policies: []string{`permit(principal, action, resource);`, secret},
			op: auth.Operation{Action: "call_tool", Resource: "danger", Arguments: map[string]any{"token": "s3cr3t-value"}}, wantReason: `denied by policy "policies[1]"`},
		"several in one string": {policies: []string{`permit(principal, action, resource); ` + secret},
			op: auth.Operation{Action: "call_tool", Resource: "danger", Arguments: map[string]any{"token": "s3cr3t-value"}}, wantReason: `denied by policy "policies[0]#1"`},
		"nothing permits": {policies: []string{`permit(principal, action, resource == Tool::"echo");`},
			op: auth.Operation{Action: "call_tool", Resource: "add"}, wantReason: `no policy permits call_tool on Tool::"add"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := New(tc.policies, "")
			if err != nil {
				t.Fatal(err)
			}
			d, err := c.Decide(context.Background(), &auth.Identity{Subject: "u"}, tc.op)
			if err != nil || d.Allowed || d.Reason != tc.wantReason {
				t.Fatalf("Decide = %+v, %v; want denial %q", d, err, tc.wantReason)
			}
			if strings.Contains(d.Reason, "s3cr3t") || strings.Contains(d.Reason, "forbid") {
				t.Fatalf("reason %q leaks policy text", d.Reason)
			}
		})
	}
}

func TestBadInputIsNamed(t *testing.T) {
	tests := map[string]struct {
		policies []string
		entities string
		want     string
	}{
		"bad policy":   {policies: []string{`permit(principal, action, resource);`, `permit(oops`}, want: "policies[1]"},
		"duplicate id": {policies: []string{`@id("a") permit(principal, action, resource);`, `@id("a") permit(principal, action, resource);`}, want: `"a" is used twice`},
		"bad entities": {policies: []string{`permit(principal, action, resource);`}, entities: `{"not":"an array"}`, want: "entitiesJson"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := New(tc.policies, tc.entities)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error containing %q, got %v", tc.want, err)
			}
		})
	}
}
