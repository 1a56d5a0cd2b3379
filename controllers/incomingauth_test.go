package controllers

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/envvar"
	"github.com/mcp-operator/mcp-operator/pkg/auth/authconfig"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
)

func TestParseAuthzDocument(t *testing.T) {
	tests := map[string]struct {
		doc     string
		want    *runconfig.Authz
		wantErr string
	}{
		"flat":           {doc: `{"policies": ["permit(principal, action, resource);"], "entities_json": "[]"}`, want: &runconfig.Authz{Type: authconfig.AuthzCedar, Policies: []string{"permit(principal, action, resource);"}, EntitiesJSON: "[]"}},
		"nested cedar":   {doc: `{"version": "1.0", "type": "cedarv1", "cedar": {"policies": ["forbid(principal, action, resource);"], "entities_json": "[]"}}`, want: &runconfig.Authz{Type: authconfig.AuthzCedar, Policies: []string{"forbid(principal, action, resource);"}, EntitiesJSON: "[]"}},
		"camel entities": {doc: `{"policies": ["p"], "entitiesJson": "[1]"}`, want: &runconfig.Authz{Type: authconfig.AuthzCedar, Policies: []string{"p"}, EntitiesJSON: "[1]"}},
		"yaml":           {doc: "policies:\n  - p\n", want: &runconfig.Authz{Type: authconfig.AuthzCedar, Policies: []string{"p"}}},
		"no policies":    {doc: `{"cedar": {}}`, wantErr: "no Cedar policies"},
		"not json":       {doc: `{"policies": [`, wantErr: "not valid JSON"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := parseAuthzDocument([]byte(tc.doc))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestOIDCFromSpec(t *testing.T) {
	cm := &v1alpha1.ConfigMapKeyRef{Name: "oidc"}
	tests := map[string]struct {
		spec    v1alpha1.OIDCConfig
		data    string
		found   bool
		want    *runconfig.OIDC
		wantEnv []corev1.EnvVar
		wantErr string
	}{
		"inline": {spec: v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigInline, ResourceURL: "https://mcp.example.com",
			Inline: &v1alpha1.InlineOIDCConfig{Issuer: "https://idp", Audience: "mcp", JWKSURL: "https://idp/jwks", ClientID: "c"}}, found: true,
			want: &runconfig.OIDC{Issuer: "https://idp", Audience: "mcp", JWKSURL: "https://idp/jwks", ClientID: "c", Resource: "https://mcp.example.com"}},
		// Marked kubernetes for the proxy runner as for vmcp: keys from the API server, read
		// with the cluster CA and the pod's own token (pkg/kubeapi).
		"kubernetes defaults": {spec: v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigKubernetes}, found: true,
			want: &runconfig.OIDC{Issuer: "https://kubernetes.default.svc", Audience: "toolhive", Kubernetes: &authconfig.KubernetesTokens{}}},
		// The issuer stays as written (tokens carry it exactly as iss).
		"kubernetes custom": {spec: v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigKubernetes, Kubernetes: &v1alpha1.KubernetesOIDCConfig{Issuer: "https://oidc.cluster.example/", Audience: "a", ServiceAccount: "agent"}}, found: true,
			want: &runconfig.OIDC{Issuer: "https://oidc.cluster.example/", Audience: "a", Kubernetes: &authconfig.KubernetesTokens{ServiceAccount: "agent"}}},
		"inline client secret": {spec: v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigInline,
			Inline: &v1alpha1.InlineOIDCConfig{Issuer: "https://idp", ClientID: "c", Scopes: []string{"openid"}, ClientSecretRef: &v1alpha1.SecretKeyRef{Name: "oidc", Key: "secret"}}}, found: true,
			want:    &runconfig.OIDC{Issuer: "https://idp", ClientID: "c", Scopes: []string{"openid"}, ClientSecretEnv: "TEST_SECRET"},
			wantEnv: []corev1.EnvVar{envvar.FromSecret("TEST_SECRET", "oidc", "secret")}},
		// Drift fixed: the VirtualMCPServer path read ConfigMaps as JSON only and without
		// the client secret; both kinds now read the fields of inline as JSON or YAML.
		"configMap JSON with secret": {spec: v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigConfigMap, ConfigMap: cm},
			data: `{"issuer": "https://idp", "clientId": "c", "clientSecretRef": {"name": "oidc", "key": "secret"}}`, found: true,
			want:    &runconfig.OIDC{Issuer: "https://idp", ClientID: "c", ClientSecretEnv: "TEST_SECRET"},
			wantEnv: []corev1.EnvVar{envvar.FromSecret("TEST_SECRET", "oidc", "secret")}},
		"configMap": {spec: v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigConfigMap, ConfigMap: cm}, data: "issuer: https://idp\naudience: mcp\n", found: true,
			want: &runconfig.OIDC{Issuer: "https://idp", Audience: "mcp"}},
		"configMap missing":   {spec: v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigConfigMap, ConfigMap: cm}, wantErr: `ConfigMap "oidc" or its key "oidc.json" not found`},
		"configMap no issuer": {spec: v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigConfigMap, ConfigMap: cm}, data: `{"audience": "x"}`, found: true, wantErr: "no issuer"},
		"inline without body": {spec: v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigInline}, found: true, wantErr: "type inline needs inline"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, env, err := oidcFromSpec(&tc.spec, []byte(tc.data), tc.found, "TEST_SECRET")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
			if d := cmp.Diff(tc.wantEnv, env); d != "" {
				t.Fatalf("env (-want +got)\n%s", d)
			}
		})
	}
}

func TestAuthzFromSpecMissingConfigMapFailsClosed(t *testing.T) {
	a := &v1alpha1.AuthzConfig{Type: v1alpha1.AuthzConfigConfigMap, ConfigMap: &v1alpha1.ConfigMapKeyRef{Name: "policies"}}
	got, err := authzFromSpec(a, nil, false)
	if err == nil || got != nil || !strings.Contains(err.Error(), `ConfigMap "policies" or its key "authz.json" not found`) {
		t.Fatalf("got %+v, %v; want no authz and an error naming the ConfigMap", got, err)
	}
}
