package controllers

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// TestChildPodsCarryToolhiveLabel (issue 10 item 15): the seeds' runbooks list the
// operator's pods with `kubectl get pods -l toolhive=true`.
func TestChildPodsCarryToolhiveLabel(t *testing.T) {
	requireEnv(t)
	ns := "harden-labels"
	startVMCPManager(t, ns)
	createYAML(t, ns, `
metadata: {name: fetch}
spec: {image: ghcr.io/example/fetch:1}`, &v1alpha1.MCPServer{})
	createYAML(t, ns, `
metadata: {name: gw}
spec:
  incomingAuth: {type: anonymous}
  config: {backends: [{name: a, url: "https://mcp.example.com/mcp"}]}`, &v1alpha1.VirtualMCPServer{})
	check := func(what string, obj client.Object, name string) {
		t.Helper()
		eventually(t, what, func() error {
			var labels map[string]string
			switch o := any(obj).(type) {
			case *appsv1.Deployment:
				if err := get(ns, name, o); err != nil {
					return err
				}
				labels = o.Spec.Template.Labels
			case *appsv1.StatefulSet:
				if err := get(ns, name, o); err != nil {
					return err
				}
				labels = o.Spec.Template.Labels
			}
			if labels["toolhive"] != "true" {
				return errorf("%s pod template labels %v lack toolhive=true", what, labels)
			}
			return nil
		})
	}
	check("MCPServer proxy Deployment", &appsv1.Deployment{}, "fetch")
	check("MCPServer StatefulSet", &appsv1.StatefulSet{}, "fetch")
	check("vmcp Deployment", &appsv1.Deployment{}, "gw")
}
