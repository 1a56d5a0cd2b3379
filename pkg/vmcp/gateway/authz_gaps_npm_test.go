package gateway

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestCedarGapsClosed (issue 10 item 6), against the real server-everything:
// completion/complete for a prompt whose get_prompt is denied, resources/subscribe on
// a resource whose read is denied, and resources/templates/list are all governed by
// the same Cedar decisions as the calls they stand for.
func TestCedarGapsClosed(t *testing.T) {
	ev := mcpnpm.StartEverything(t, "streamableHttp")
	backends := []config.StaticBackend{{Name: "ev", URL: ev.URL, Transport: config.TransportStreamableHTTP}}
	// Discover the aggregated names without authorization first.
	open, _ := startGateway(t, &config.Config{Backends: backends})
	cs := connect(t, open, "2025-11-25", nil)
	ctx := context.Background()
	prompt := ""
	for p, err := range cs.Prompts(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(p.Name, "completable-prompt") {
			prompt = p.Name
		}
	}
	var resource, template string
	for r, err := range cs.Resources(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if resource == "" {
			resource = r.URI
		}
	}
	templates := 0
	for rt, err := range cs.ResourceTemplates(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		templates++
		if template == "" {
			template = rt.URITemplate
		}
	}
	if prompt == "" || resource == "" || template == "" || templates < 2 {
		t.Fatalf("server-everything lacks what the test needs: prompt %q resource %q templates %d", prompt, resource, templates)
	}
	completeParams := &mcp.CompleteParams{Ref: &mcp.CompleteReference{Type: "ref/prompt", Name: prompt},
		Argument: mcp.CompleteParamsArgument{Name: "department", Value: "E"}}
	if res, err := cs.Complete(ctx, completeParams); err != nil || len(res.Completion.Values) == 0 {
		t.Fatalf("without policies completion must work: %+v %v", res, err)
	}

	guarded, _ := startGateway(t, &config.Config{Backends: backends,
		IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthAnonymous, Authz: &config.Authz{Type: config.AuthzCedar, Policies: []string{
			`permit(principal, action, resource);`,
			fmt.Sprintf(`forbid(principal, action == Action::"get_prompt", resource == Prompt::%q);`, prompt),
			fmt.Sprintf(`forbid(principal, action == Action::"read_resource", resource == Resource::%q);`, resource),
			fmt.Sprintf(`forbid(principal, action == Action::"read_resource", resource == Resource::%q);`, template),
		}}}})
	gs := connect(t, guarded, "2025-11-25", nil)
	t.Run("completion for a denied prompt", func(t *testing.T) {
		res, err := gs.Complete(ctx, completeParams)
		if err == nil || !strings.Contains(err.Error(), "not authorized") {
			t.Fatalf("completion/complete for denied prompt %s: %+v, %v", prompt, res, err)
		}
	})
	t.Run("completion for a denied resource template", func(t *testing.T) {
		res, err := gs.Complete(ctx, &mcp.CompleteParams{Ref: &mcp.CompleteReference{Type: "ref/resource", URI: template},
			Argument: mcp.CompleteParamsArgument{Name: "resourceId", Value: "1"}})
		if err == nil || !strings.Contains(err.Error(), "not authorized") {
			t.Fatalf("completion/complete for denied template %s: %+v, %v", template, res, err)
		}
	})
	t.Run("subscribe to a denied resource", func(t *testing.T) {
		err := gs.Subscribe(ctx, &mcp.SubscribeParams{URI: resource})
		if err == nil || !strings.Contains(err.Error(), "not authorized") {
			t.Fatalf("resources/subscribe %s: %v", resource, err)
		}
	})
	t.Run("templates list filtered", func(t *testing.T) {
		n := 0
		for rt, err := range gs.ResourceTemplates(ctx, nil) {
			if err != nil {
				t.Fatal(err)
			}
			if rt.URITemplate == template {
				t.Fatalf("denied template %s listed", template)
			}
			n++
		}
		if n != templates-1 {
			t.Fatalf("%d templates listed, want %d", n, templates-1)
		}
	})
}
