package controllers

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// TestResourceOverrides: spec.resourceOverrides reaches the proxy Deployment, its pods
// and its Service, and never replaces the operator's own labels.
func TestResourceOverrides(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "upstream"
	ro := &v1alpha1.ProxyResourceOverrides{
		ProxyDeployment: &v1alpha1.ProxyResourceOverridesProxyDeployment{
			Labels:       map[string]string{"team": "a", "app.kubernetes.io/name": "hijack"},
			Annotations:  map[string]string{"owner": "team-a"},
			NodeSelector: map[string]string{"pool": "mcp"},
			Tolerations:  []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "mcp", Effect: corev1.TaintEffectNoSchedule}},
			Env:          []v1alpha1.ProxyResourceOverridesProxyDeploymentEnv{{Name: "EXTRA", Value: "1"}},
			PodTemplateMetadataOverrides: &v1alpha1.MetadataOverrides{
				Labels: map[string]string{"pod-team": "a"}, Annotations: map[string]string{"scrape": "yes"}},
		},
		ProxyService: &v1alpha1.MetadataOverrides{Annotations: map[string]string{"lb": "internal"}, Labels: map[string]string{"svc": "x"}},
	}
	server := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "overridden", Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{Image: "ghcr.io/example/mcp:1", Transport: v1alpha1.TransportStdio, ProxySpec: v1alpha1.ProxySpec{ResourceOverrides: ro}}}
	proxy := &v1alpha1.MCPRemoteProxy{ObjectMeta: metav1.ObjectMeta{Name: "overridden-rp", Namespace: ns},
		Spec: v1alpha1.MCPRemoteProxySpec{RemoteURL: "https://mcp.example.com/mcp", ProxySpec: v1alpha1.ProxySpec{ResourceOverrides: ro}, SessionAffinity: "None"}}
	if err := k8s.Create(ctx, server); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Create(ctx, proxy); err != nil {
		t.Fatal(err)
	}
	check := func(deployName, svcName string) func() error {
		return func() error {
			d, svc := &appsv1.Deployment{}, &corev1.Service{}
			if err := get(ns, deployName, d); err != nil {
				return err
			}
			if err := get(ns, svcName, svc); err != nil {
				return err
			}
			p := d.Spec.Template
			switch {
			case d.Labels["team"] != "a" || d.Labels["app.kubernetes.io/name"] != deployName || d.Annotations["owner"] != "team-a":
				return fmt.Errorf("deployment metadata %v %v", d.Labels, d.Annotations)
			case p.Labels["pod-team"] != "a" || p.Annotations["scrape"] != "yes" || p.Annotations["toolhive.stacklok.dev/config-hash"] == "":
				return fmt.Errorf("pod metadata %v %v", p.Labels, p.Annotations)
			case p.Spec.NodeSelector["pool"] != "mcp" || len(p.Spec.Tolerations) != 1 || p.Spec.Tolerations[0].Key != "dedicated":
				return fmt.Errorf("scheduling %v %v", p.Spec.NodeSelector, p.Spec.Tolerations)
			case svc.Annotations["lb"] != "internal" || svc.Labels["svc"] != "x":
				return fmt.Errorf("service metadata %v %v", svc.Labels, svc.Annotations)
			}
			for _, e := range p.Spec.Containers[0].Env {
				if e.Name == "EXTRA" && e.Value == "1" {
					return nil
				}
			}
			return fmt.Errorf("proxy env lacks EXTRA: %v", p.Spec.Containers[0].Env)
		}
	}
	eventually(t, "MCPServer overrides applied", check("overridden", "mcp-overridden-proxy"))
	eventually(t, "MCPRemoteProxy overrides applied", check("overridden-rp", "mcp-overridden-rp-remote-proxy"))
	svc := &corev1.Service{}
	if err := get(ns, "mcp-overridden-rp-remote-proxy", svc); err != nil || svc.Spec.SessionAffinity != corev1.ServiceAffinityNone {
		t.Fatalf("remote proxy sessionAffinity: %v %v", svc.Spec.SessionAffinity, err)
	}
}
