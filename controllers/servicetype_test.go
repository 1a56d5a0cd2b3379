package controllers

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// TestMCPServerServiceType (issue 10 item 15): the seed's "change to LoadBalancer"
// step works on the proxy Service; an unknown type is refused at apply. Before,
// serviceType was not a field of MCPServer: dropped, and the Service stayed ClusterIP.
func TestMCPServerServiceType(t *testing.T) {
	requireEnv(t)
	ns := "harden-svctype"
	startVMCPManager(t, ns)
	createYAML(t, ns, `
metadata: {name: lb}
spec: {image: ghcr.io/example/fetch:1, serviceType: LoadBalancer}`, &v1alpha1.MCPServer{})
	eventually(t, "proxy Service of type LoadBalancer", func() error {
		svc := &corev1.Service{}
		if err := get(ns, "mcp-lb-proxy", svc); err != nil {
			return err
		}
		if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
			return errorf("Service type %s, want LoadBalancer", svc.Spec.Type)
		}
		return nil
	})
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(`
apiVersion: toolhive.stacklok.dev/v1alpha1
kind: MCPServer
metadata: {name: bad-type}
spec: {image: ghcr.io/example/fetch:1, serviceType: External}`), &u.Object); err != nil {
		t.Fatal(err)
	}
	u.SetNamespace(ns)
	err := k8s.Create(context.Background(), u)
	if err == nil || !strings.Contains(err.Error(), "spec.serviceType") {
		t.Fatalf("serviceType External: %v, want refused naming spec.serviceType", err)
	}
}
