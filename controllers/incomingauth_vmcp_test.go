package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestVMCPIncomingAuthSameTranslation: a VirtualMCPServer's incoming OIDC goes through
// the translation MCPServer uses. Drifts fixed: type kubernetes got no key set URL (vmcp
// then tried OIDC discovery at the API server), and an inline clientSecretRef reaches the
// pod as VMCP_OIDC_CLIENT_SECRET exactly as before.
func TestVMCPIncomingAuthSameTranslation(t *testing.T) {
	tests := map[string]struct {
		incoming string
		want     *config.OIDC
		wantEnv  int
	}{
		"kubernetes": {incoming: `{type: oidc, oidcConfig: {type: kubernetes, kubernetes: {issuer: "https://k8s.example/", audience: vmcp}}}`,
			// Kubernetes marks it for vmcp, which reads the keys with its own credentials.
			want: &config.OIDC{Issuer: "https://k8s.example/", Audience: "vmcp", Kubernetes: &config.KubernetesTokens{}}},
		"inline with client secret": {incoming: `{type: oidc, oidcConfig: {type: inline, resourceUrl: "https://vmcp.example.com/mcp",
			inline: {issuer: "https://idp/", clientId: c, scopes: [openid], clientSecretRef: {name: s, key: k}}}}`,
			want: &config.OIDC{Issuer: "https://idp/", ClientID: "c", ClientSecretEnv: vmcpOIDCClientSecretEnv, Resource: "https://vmcp.example.com/mcp", Scopes: []string{"openid"}}, wantEnv: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var spec v1alpha1.VirtualMCPServerSpec
			if err := yaml.UnmarshalStrict([]byte(`{groupRef: {name: g}, outgoingAuth: {source: inline}, incomingAuth: `+tc.incoming+`}`), &spec); err != nil {
				t.Fatal(err)
			}
			// No form here reads an object: the reader is never used.
			in, err := resolveIncomingAuth(context.Background(), nil, "ns", vmcpIncomingAuthInput(spec.IncomingAuth))
			if err != nil {
				t.Fatal(err)
			}
			res := resolveVMCPConfig("v", spec, vmcpConfigInputs{incoming: in})
			if len(res.authProblems) > 0 {
				t.Fatalf("auth problems: %v", res.authProblems)
			}
			if d := cmp.Diff(tc.want, res.cfg.IncomingAuth.OIDC); d != "" {
				t.Fatalf("oidc (-want +got)\n%s", d)
			}
			if len(res.env) != tc.wantEnv {
				t.Fatalf("env %+v, want %d entries", res.env, tc.wantEnv)
			}
		})
	}
}

// TestVMCPOIDCConfigMapRechecked: a VirtualMCPServer whose OIDC settings live in a
// ConfigMap that does not exist yet reports it and looks again on a timer (ConfigMaps are
// not watched), as MCPServer always did; the settings may be YAML, as for MCPServer.
func TestVMCPOIDCConfigMapRechecked(t *testing.T) {
	requireEnv(t)
	ns := "vmcp-oidc"
	startVMCPManager(t, ns)
	ctx := context.Background()
	createYAML(t, ns, `metadata: {name: g}`, &v1alpha1.MCPGroup{})
	createYAML(t, ns, `
metadata: {name: docs}
spec: {remoteUrl: "https://docs.example.com/mcp", transport: streamable-http, groupRef: {name: g}}`, &v1alpha1.MCPServerEntry{})
	createYAML(t, ns, `
metadata: {name: guarded}
spec:
  groupRef: {name: g}
  outgoingAuth: {source: inline}
  incomingAuth: {type: oidc, oidcConfig: {type: configMap, configMap: {name: idp-settings}}}`, &v1alpha1.VirtualMCPServer{})
	waitVMCP(t, ns, "guarded", "AuthConfigured False naming the ConfigMap", func(v *v1alpha1.VirtualMCPServer) error {
		c := conditions.Get(v.Status.Conditions, v1alpha1.ConditionAuthConfigured)
		if c == nil || c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, `ConfigMap "idp-settings"`) {
			return fmt.Errorf("AuthConfigured %+v", c)
		}
		return nil
	})
	if err := k8s.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "idp-settings", Namespace: ns},
		Data: map[string]string{v1alpha1.DefaultOIDCConfigMapKey: "issuer: https://idp.example.com/\nclientId: vmcp\n"}}); err != nil {
		t.Fatal(err)
	}
	waitVMCP(t, ns, "guarded", "AuthConfigured True after the ConfigMap appears", func(v *v1alpha1.VirtualMCPServer) error {
		if !conditions.IsTrue(v.Status.Conditions, v1alpha1.ConditionAuthConfigured) {
			return fmt.Errorf("conditions %+v", v.Status.Conditions)
		}
		return nil
	})
	cm := &corev1.ConfigMap{}
	eventually(t, "vmcp config carries the ConfigMap's issuer", func() error {
		if err := get(ns, "guarded-vmcp-config", cm); err != nil {
			return err
		}
		var cfg config.Config
		if err := yaml.Unmarshal([]byte(cm.Data["config.yaml"]), &cfg); err != nil {
			return err
		}
		if a := cfg.IncomingAuth; a == nil || a.OIDC == nil || a.OIDC.Issuer != "https://idp.example.com/" || a.OIDC.ClientID != "vmcp" {
			return fmt.Errorf("incomingAuth %+v", cfg.IncomingAuth)
		}
		return nil
	})
}
