package controllers

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// TestAuthzConfigMapFailsClosed: an MCPServer whose Cedar policies live in a ConfigMap
// that does not exist yet must not get a proxy (which would allow everything); once the
// ConfigMap exists, its policies reach the proxy runner's config.
func TestAuthzConfigMapFailsClosed(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "servers"
	s := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "guarded", Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{Image: "ghcr.io/example/guarded:1", Transport: v1alpha1.TransportStdio,
			ProxySpec: v1alpha1.ProxySpec{AuthzConfig: &v1alpha1.AuthzConfig{Type: v1alpha1.AuthzConfigConfigMap, ConfigMap: &v1alpha1.ConfigMapKeyRef{Name: "guarded-authz"}}}}}
	if err := k8s.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Failed, naming the ConfigMap", func() error {
		got := &v1alpha1.MCPServer{}
		if err := get(ns, s.Name, got); err != nil {
			return err
		}
		c := conditions.Get(got.Status.Conditions, v1alpha1.ConditionIncomingAuthValidated)
		if got.Status.Phase != v1alpha1.PhaseFailed || c == nil || !strings.Contains(c.Message, `ConfigMap "guarded-authz"`) {
			return errorf("phase %s, condition %+v", got.Status.Phase, c)
		}
		return nil
	})
	if err := get(ns, "guarded", &corev1.ConfigMap{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the proxy must not be rendered while its policies are missing; runconfig lookup: %v", err)
	}
	const policy = `permit(principal, action == Action::"call_tool", resource == Tool::"read_graph");`
	if err := k8s.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "guarded-authz", Namespace: ns},
		Data: map[string]string{"authz.json": `{"version": "1.0", "type": "cedarv1", "cedar": {"policies": [` + quoteJSON(policy) + `], "entities_json": "[]"}}`}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "policies rendered into the runconfig", func() error {
		cm := &corev1.ConfigMap{}
		if err := get(ns, "guarded-runconfig", cm); err != nil {
			return err
		}
		if !strings.Contains(cm.Data["runconfig.yaml"], `Tool::\"read_graph\"`) && !strings.Contains(cm.Data["runconfig.yaml"], `Tool::"read_graph"`) {
			return errorf("runconfig lacks the policy:\n%s", cm.Data["runconfig.yaml"])
		}
		got := &v1alpha1.MCPServer{}
		if err := get(ns, s.Name, got); err != nil {
			return err
		}
		if !conditions.IsTrue(got.Status.Conditions, v1alpha1.ConditionIncomingAuthValidated) || got.Status.Phase == v1alpha1.PhaseFailed {
			return errorf("phase %s, conditions %+v", got.Status.Phase, got.Status.Conditions)
		}
		return nil
	})
}

func quoteJSON(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
