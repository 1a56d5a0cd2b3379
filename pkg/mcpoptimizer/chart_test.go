package mcpoptimizer

import (
	"context"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/render"
)

// TestMCPOptimizerChart renders helm-charts/mcp-optimizer with the seed's
// local-image overrides and creates every object (dry run) on a real API
// server with the CRDs installed.
func TestMCPOptimizerChart(t *testing.T) {
	c := startEnvtest(t)
	ch, err := loader.LoadDir("../../helm-charts/mcp-optimizer")
	if err != nil {
		t.Fatal(err)
	}
	vals, err := chartutil.ToRenderValues(ch, map[string]any{"mcpserver": map[string]any{
		"image": map[string]any{"repository": "mcp-optimizer", "tag": "local"},
		// As the seed's --set ...containers[0].imagePullPolicy=Never gives it: no name.
		"podTemplateSpec": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"imagePullPolicy": "Never"}}}},
		"env":             []any{map[string]any{"name": "ALLOWED_GROUPS", "value": "dev"}},
	}}, chartutil.ReleaseOptions{Name: "mcp-optimizer", Namespace: "toolhive-system"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	files, err := engine.Render(ch, vals)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for name, body := range files {
		if strings.HasSuffix(name, ".yaml") {
			all.WriteString("---\n" + body + "\n")
		}
	}
	objs, err := render.Decode([]byte(all.String()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "toolhive-system"}}); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, o := range objs {
		got[o.GetKind()+"/"+o.GetName()] = true
		if err := c.Create(ctx, o, client.DryRunAll); err != nil {
			t.Errorf("%s %s rejected: %v", o.GetKind(), o.GetName(), err)
		}
		if o.GetKind() == "MCPServer" {
			spec := o.Object["spec"].(map[string]any)
			if spec["image"] != "mcp-optimizer:local" || spec["proxyMode"] != "streamable-http" || spec["proxyPort"] != int64(9900) || spec["serviceAccount"] != "mcp-optimizer" {
				t.Errorf("MCPServer spec %v", spec)
			}
			// The operator merges podTemplateSpec containers by name: the unnamed one is the
			// MCP server's own container.
			if pts := toJSON(spec["podTemplateSpec"]); pts != `{"spec":{"containers":[{"imagePullPolicy":"Never","name":"mcp"}]}}` {
				t.Errorf("podTemplateSpec %s", pts)
			}
			if !strings.Contains(toJSON(spec["env"]), `"RUNTIME_MODE","value":"k8s"`) || !strings.Contains(toJSON(spec["env"]), "ALLOWED_GROUPS") {
				t.Errorf("env %v", spec["env"])
			}
		}
		if o.GetKind() == "ClusterRole" {
			rules := toJSON(o.Object["rules"])
			if !strings.Contains(rules, `"mcpservers"`) || !strings.Contains(rules, `"watch"`) {
				t.Errorf("ClusterRole rules %s", rules)
			}
		}
	}
	for _, want := range []string{"MCPServer/mcp-optimizer", "ServiceAccount/mcp-optimizer", "ClusterRole/mcp-optimizer-reader", "ClusterRoleBinding/mcp-optimizer-reader-binding"} {
		if !got[want] {
			t.Errorf("%s not rendered (got %v)", want, got)
		}
	}
}
