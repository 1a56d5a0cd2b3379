package controllers

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

func TestMCPRemoteProxy(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "remote"
	rp := &v1alpha1.MCPRemoteProxy{ObjectMeta: metav1.ObjectMeta{Name: "context7", Namespace: ns},
		Spec: v1alpha1.MCPRemoteProxySpec{RemoteURL: "https://mcp.context7.com/mcp", Transport: v1alpha1.RemoteTransportStreamableHTTP,
			HeaderForward: &v1alpha1.HeaderForward{AddHeadersFromSecret: []v1alpha1.HeaderFromSecret{
				{HeaderName: "X-Api-Key", ValueSecretRef: v1alpha1.SecretKeyRef{Name: "c7", Key: "key"}}}}}}
	if err := k8s.Create(ctx, rp); err != nil {
		t.Fatal(err)
	}
	children := []struct {
		name string
		obj  client.Object
	}{
		{"context7", &appsv1.Deployment{}}, {"mcp-context7-remote-proxy", &corev1.Service{}},
		{"context7-remote-proxy-runner", &corev1.ServiceAccount{}}, {"context7-runconfig", &corev1.ConfigMap{}},
	}
	for _, c := range children {
		eventually(t, "child "+c.name, func() error {
			if err := get(ns, c.name, c.obj); err != nil {
				return err
			}
			return checkChild(c.obj, rp)
		})
	}
	cm := children[3].obj.(*corev1.ConfigMap)
	if !strings.Contains(cm.Data["runconfig.yaml"], "target: https://mcp.context7.com/mcp") || !strings.Contains(cm.Data["runconfig.yaml"], "MCP_HEADER_X_API_KEY") {
		t.Fatalf("runconfig: %s", cm.Data["runconfig.yaml"])
	}
	d := children[0].obj.(*appsv1.Deployment)
	found := false
	for _, e := range d.Spec.Template.Spec.Containers[0].Env {
		found = found || (e.Name == "MCP_HEADER_X_API_KEY" && e.ValueFrom.SecretKeyRef.Name == "c7")
	}
	if !found {
		t.Fatalf("header secret env missing: %+v", d.Spec.Template.Spec.Containers[0].Env)
	}
	eventually(t, "ready", func() error {
		dep := &appsv1.Deployment{}
		if err := get(ns, "context7", dep); err != nil {
			return err
		}
		dep.Status.Replicas, dep.Status.ReadyReplicas = 1, 1
		if err := k8s.Status().Update(ctx, dep); err != nil {
			return err
		}
		got := &v1alpha1.MCPRemoteProxy{}
		if err := get(ns, "context7", got); err != nil {
			return err
		}
		if got.Status.Phase != v1alpha1.PhaseReady || got.Status.URL != "http://mcp-context7-remote-proxy.remote.svc.cluster.local:8080" {
			return errorf("phase %s url %s", got.Status.Phase, got.Status.URL)
		}
		return nil
	})

	bad := &v1alpha1.MCPRemoteProxy{ObjectMeta: metav1.ObjectMeta{Name: "meta", Namespace: ns},
		Spec: v1alpha1.MCPRemoteProxySpec{RemoteURL: "http://169.254.169.254/latest/meta-data", AllowPrivateEndpoint: true}}
	if err := k8s.Create(ctx, bad); err != nil {
		t.Fatal(err)
	}
	eventually(t, "metadata URL fails", func() error {
		got := &v1alpha1.MCPRemoteProxy{}
		if err := get(ns, "meta", got); err != nil {
			return err
		}
		if got.Status.Phase != v1alpha1.PhaseFailed || !strings.Contains(got.Status.Message, "cloud metadata") {
			return errorf("phase %s message %q", got.Status.Phase, got.Status.Message)
		}
		return nil
	})
	if err := get(ns, "meta", &appsv1.Deployment{}); err == nil {
		t.Fatal("a Deployment was created for a refused URL")
	}
}
