package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// TestSharedOIDCAndAuthzConfigRefs: an MCPServer's oidcConfigRef and authzConfigRef reach
// its proxy's runconfig (shared issuer + per-reference audience and resource URL; the
// shared Cedar policies), and a change to the MCPOIDCConfig rolls the proxy pods.
func TestSharedOIDCAndAuthzConfigRefs(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "upstream"
	oidc := &v1alpha1.MCPOIDCConfig{
		ObjectMeta: metav1.ObjectMeta{Name: "corp-idp", Namespace: ns},
		Spec: v1alpha1.MCPOIDCConfigSpec{Type: "inline", Inline: &v1alpha1.MCPOIDCConfigSpecInline{
			Issuer: "https://idp.example.com/", ClientID: "mcp", JWKSURL: "https://idp.example.com/keys"}},
	}
	authz := &v1alpha1.MCPAuthzConfig{
		ObjectMeta: metav1.ObjectMeta{Name: "readers", Namespace: ns},
		Spec: v1alpha1.MCPAuthzConfigSpec{Type: "cedarv1", Config: &runtime.RawExtension{
			Raw: []byte(`{"policies":["permit(principal, action == Action::\"call_tool\", resource == Tool::\"read_graph\");"]}`)}},
	}
	for _, o := range []client.Object{oidc, authz} {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	server := &v1alpha1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Name: "shared-auth", Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{Image: "ghcr.io/example/mcp:1", Transport: v1alpha1.TransportStdio,
			ProxySpec: v1alpha1.ProxySpec{OIDCConfigRef: &v1alpha1.OIDCConfigRef{Name: "corp-idp", Audience: "shared-auth-aud", ResourceURL: "https://mcp.example.com/shared", Scopes: []string{"mcp:read"}}, AuthzConfigRef: &v1alpha1.LocalObjectReference{Name: "readers"}},
		},
	}
	if err := k8s.Create(ctx, server); err != nil {
		t.Fatal(err)
	}
	runconfig := func(want ...string) func() error {
		return func() error {
			cm := &corev1.ConfigMap{}
			if err := get(ns, "shared-auth-runconfig", cm); err != nil {
				return err
			}
			for _, w := range want {
				if !strings.Contains(cm.Data["runconfig.yaml"], w) {
					return fmt.Errorf("runconfig lacks %q:\n%s", w, cm.Data["runconfig.yaml"])
				}
			}
			return nil
		}
	}
	eventually(t, "shared OIDC and Cedar settings in the runconfig", runconfig(
		"https://idp.example.com", "shared-auth-aud", "https://mcp.example.com/shared", "https://idp.example.com/keys", "read_graph", "mcp:read"))
	eventually(t, "status hashes and shared config status", func() error {
		s := &v1alpha1.MCPServer{}
		if err := get(ns, server.Name, s); err != nil {
			return err
		}
		if s.Status.OIDCConfigHash == "" || s.Status.AuthzConfigHash == "" {
			return fmt.Errorf("hashes not published: %+v", s.Status)
		}
		oc := &v1alpha1.MCPOIDCConfig{}
		if err := get(ns, oidc.Name, oc); err != nil {
			return err
		}
		if !conditions.IsTrue(oc.Status.Conditions, v1alpha1.ConditionValid) || oc.Status.ConfigHash != s.Status.OIDCConfigHash {
			return fmt.Errorf("MCPOIDCConfig status %+v, server's hash %s", oc.Status, s.Status.OIDCConfigHash)
		}
		return nil
	})
	before := podHash(t, ns, server.Name)

	// A change of the shared issuer reaches the user and rolls its pods.
	patch := oidc.DeepCopy()
	if err := get(ns, oidc.Name, patch); err != nil {
		t.Fatal(err)
	}
	orig := patch.DeepCopy()
	patch.Spec.Inline.Issuer = "https://idp2.example.com"
	if err := k8s.Patch(ctx, patch, client.MergeFrom(orig)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "new issuer in the runconfig", runconfig("https://idp2.example.com"))
	eventually(t, "proxy pods roll", func() error {
		if h := podHash(t, ns, server.Name); h == before || h == "" {
			return fmt.Errorf("pod template hash unchanged (%s)", h)
		}
		return nil
	})

	// A reference to a missing MCPAuthzConfig stops the proxy from rendering without its policies.
	patchServer(t, ns, server.Name, func(s *v1alpha1.MCPServer) { s.Spec.AuthzConfigRef.Name = "nobody" })
	eventually(t, "missing MCPAuthzConfig reported", func() error {
		s := &v1alpha1.MCPServer{}
		if err := get(ns, server.Name, s); err != nil {
			return err
		}
		c := conditions.Get(s.Status.Conditions, v1alpha1.ConditionIncomingAuthValidated)
		if c == nil || c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, `MCPAuthzConfig "nobody" not found`) {
			return fmt.Errorf("condition %+v", c)
		}
		return nil
	})
}

// TestSharedConfigValidation: each shared kind reports Valid (and what is wrong).
func TestSharedConfigValidation(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "upstream"
	bad := &v1alpha1.MCPAuthzConfig{
		ObjectMeta: metav1.ObjectMeta{Name: "opa", Namespace: ns},
		Spec:       v1alpha1.MCPAuthzConfigSpec{Type: "opa", Config: &runtime.RawExtension{Raw: []byte(`{}`)}},
	}
	for _, o := range []client.Object{bad} {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "invalid MCPAuthzConfig", func() error {
		a := &v1alpha1.MCPAuthzConfig{}
		if err := get(ns, bad.Name, a); err != nil {
			return err
		}
		c := conditions.Get(a.Status.Conditions, v1alpha1.ConditionValid)
		if c == nil || c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, `unknown type "opa"`) {
			return fmt.Errorf("condition %+v", c)
		}
		return nil
	})
}
