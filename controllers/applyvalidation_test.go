package controllers

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestApplyRefusesBadValues (issue 10 item 8): image references that cannot be valid
// and names that do not fit the child objects are refused by the schema at apply.
func TestApplyRefusesBadValues(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "servers"
	long := strings.Repeat("a", 51)
	tests := map[string]struct {
		obj       client.Object
		wantInErr string // "" = accepted
	}{
		"upper case image with space": {obj: server("img1", "UPPER/Case Image:tag"), wantInErr: "spec.image"},
		"bad digest":                  {obj: server("img2", "nginx@sha256:xyz"), wantInErr: "spec.image"},
		"1 MiB image":                 {obj: server("img3", strings.Repeat("a", 1<<20)), wantInErr: "spec.image"},
		"good image with digest":      {obj: server("img4", "ghcr.io/example/fetch:1.2@sha256:"+strings.Repeat("ab", 32))},
		"registry with port":          {obj: server("img5", "localhost:5000/team/fetch")},
		"name too long for Services":  {obj: server(long, "ghcr.io/example/fetch:1"), wantInErr: "at most 50 characters"},
		"name of 50 fits":             {obj: server(long[:50], "ghcr.io/example/fetch:1")},
		"dotted name":                 {obj: server("a.b", "ghcr.io/example/fetch:1"), wantInErr: "without dots"},
		"dotted remote proxy":         {obj: &v1alpha1.MCPRemoteProxy{ObjectMeta: metav1.ObjectMeta{Name: "r.x", Namespace: ns}, Spec: v1alpha1.MCPRemoteProxySpec{RemoteURL: "https://mcp.example.com/mcp"}}, wantInErr: "without dots"},
		"long vmcp":                   {obj: &v1alpha1.VirtualMCPServer{ObjectMeta: metav1.ObjectMeta{Name: strings.Repeat("v", 59), Namespace: ns}, Spec: v1alpha1.VirtualMCPServerSpec{IncomingAuth: &v1alpha1.IncomingAuth{Type: "anonymous"}, GroupRef: &v1alpha1.GroupRef{Name: "g"}}}, wantInErr: "at most 58 characters"},
		"request above limit":         {obj: withResources(server("res1", "ghcr.io/example/fetch:1"), "2", "1", "", ""), wantInErr: "resources.requests.cpu must not exceed resources.limits.cpu"},
		"memory request above limit":  {obj: withResources(server("res2", "ghcr.io/example/fetch:1"), "", "", "1Gi", "512Mi"), wantInErr: "resources.requests.memory must not exceed resources.limits.memory"},
		"request within limit":        {obj: withResources(server("res3", "ghcr.io/example/fetch:1"), "500m", "1", "256Mi", "1Gi")},
		"proxy request above limit": {obj: &v1alpha1.MCPRemoteProxy{ObjectMeta: metav1.ObjectMeta{Name: "res4"}, Spec: v1alpha1.MCPRemoteProxySpec{RemoteURL: "https://mcp.example.com/mcp",
			Resources: requirements("", "", "2Gi", "1Gi")}}, wantInErr: "resources.requests.memory must not exceed"},
		"dependsOn an unknown step": {obj: composite("ctd1", config.WorkflowStep{ID: "a", Tool: "w.t", DependsOn: []string{"ghost"}}), wantInErr: "every steps[].dependsOn entry must be the id of a step of this workflow"},
		"dependsOn itself":          {obj: composite("ctd2", config.WorkflowStep{ID: "a", Tool: "w.t", DependsOn: []string{"a"}}), wantInErr: "a step cannot depend on itself"},
		"dependsOn a known step":    {obj: composite("ctd3", config.WorkflowStep{ID: "a", Tool: "w.t"}, config.WorkflowStep{ID: "b", Tool: "w.t", DependsOn: []string{"a"}})},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.obj.SetNamespace(ns)
			err := k8s.Create(ctx, tc.obj, client.DryRunAll)
			if tc.wantInErr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantInErr) {
				t.Fatalf("create: %v, want refused naming %q", err, tc.wantInErr)
			}
		})
	}
}

func requirements(reqCPU, limCPU, reqMem, limMem string) *corev1.ResourceRequirements {
	r := &corev1.ResourceRequirements{Requests: corev1.ResourceList{}, Limits: corev1.ResourceList{}}
	for _, q := range []struct {
		list corev1.ResourceList
		name corev1.ResourceName
		v    string
	}{{r.Requests, corev1.ResourceCPU, reqCPU}, {r.Limits, corev1.ResourceCPU, limCPU}, {r.Requests, corev1.ResourceMemory, reqMem}, {r.Limits, corev1.ResourceMemory, limMem}} {
		if q.v != "" {
			q.list[q.name] = resource.MustParse(q.v)
		}
	}
	return r
}

func withResources(s *v1alpha1.MCPServer, reqCPU, limCPU, reqMem, limMem string) *v1alpha1.MCPServer {
	s.Spec.Resources = requirements(reqCPU, limCPU, reqMem, limMem)
	return s
}

func composite(name string, steps ...config.WorkflowStep) *v1alpha1.VirtualMCPCompositeToolDefinition {
	return &v1alpha1.VirtualMCPCompositeToolDefinition{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: config.CompositeTool{Name: name, Steps: steps}}
}

func server(name, image string) *v1alpha1.MCPServer {
	return &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.MCPServerSpec{Image: image}}
}
