package authz

import (
	"context"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

func TestNewDelegates(t *testing.T) {
	c, err := New([]string{`permit(principal, action == Action::"call_tool", resource == Tool::"ok");`}, "")
	if err != nil {
		t.Fatal(err)
	}
	for tool, want := range map[string]bool{"ok": true, "other": false} {
		got, err := c.Authorize(context.Background(), &auth.Identity{Subject: "u"}, auth.Operation{Action: "call_tool", Resource: tool})
		if err != nil || got != want {
			t.Fatalf("%s: Authorize = %v, %v; want %v", tool, got, err, want)
		}
	}
}

func TestBadPolicyIsNamed(t *testing.T) {
	_, err := New([]string{`permit(principal, action, resource);`, `permit(oops`}, "")
	if err == nil || !strings.Contains(err.Error(), "incomingAuth.authz.policies[1]") {
		t.Fatalf("want an error naming incomingAuth.authz.policies[1], got %v", err)
	}
}
