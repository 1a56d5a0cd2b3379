package controllers

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
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

func server(name, image string) *v1alpha1.MCPServer {
	return &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.MCPServerSpec{Image: image}}
}
