package controllers

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/auth/authconfig"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func TestOIDCFromShared(t *testing.T) {
	ref := &v1alpha1.OIDCConfigRef{Name: "idp", Audience: "aud", ResourceURL: "https://r", Scopes: []string{"openid"}}
	tests := map[string]struct {
		spec    v1alpha1.MCPOIDCConfigSpec
		want    *runconfig.OIDC
		wantErr string
	}{
		// The issuer stays as written: go-oidc compares iss to it exactly, and IdPs such as
		// Auth0 issue "https://tenant/" with the slash (trimming it made every token fail).
		"inline": {spec: v1alpha1.MCPOIDCConfigSpec{Type: "inline", Inline: &v1alpha1.MCPOIDCConfigSpecInline{Issuer: "https://idp/", ClientID: "c"}},
			want: &runconfig.OIDC{Issuer: "https://idp/", ClientID: "c", Audience: "aud", Resource: "https://r", Scopes: []string{"openid"}}},
		// Marked kubernetes: the runtime reads the keys from its API server with the cluster
		// CA and its own token (pkg/kubeapi); no key set URL is derived from the issuer.
		"kubernetes defaults": {spec: v1alpha1.MCPOIDCConfigSpec{Type: "kubernetesServiceAccount"},
			want: &runconfig.OIDC{Issuer: "https://kubernetes.default.svc", Audience: "aud", Resource: "https://r", Scopes: []string{"openid"}, Kubernetes: &authconfig.KubernetesTokens{}}},
		"kubernetes issuer with slash, one account, own key set": {spec: v1alpha1.MCPOIDCConfigSpec{Type: "kubernetesServiceAccount", KubernetesServiceAccount: &v1alpha1.MCPOIDCConfigSpecKubernetesServiceAccount{
			Issuer: "https://k8s.example/", JWKSURL: "https://keys.example/jwks", ServiceAccount: "agent", Namespace: "apps"}},
			want: &runconfig.OIDC{Issuer: "https://k8s.example/", JWKSURL: "https://keys.example/jwks", Audience: "aud", Resource: "https://r", Scopes: []string{"openid"},
				Kubernetes: &authconfig.KubernetesTokens{ServiceAccount: "agent", Namespace: "apps"}}},
		"inline without issuer": {spec: v1alpha1.MCPOIDCConfigSpec{Type: "inline"}, wantErr: "inline.issuer"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := oidcFromShared(tc.spec, ref)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestVMCPSharedIncomingAuth: a VirtualMCPServer's oidcConfigRef / authzConfigRef become
// the vmcp config's incoming OIDC (shared issuer + this server's audience and scopes) and
// Cedar policies; an unresolved reference is an auth problem.
func TestVMCPSharedIncomingAuth(t *testing.T) {
	spec := `{groupRef: {name: g}, outgoingAuth: {source: inline}, incomingAuth: {type: oidc,
	  oidcConfigRef: {name: idp, audience: vmcp-aud, scopes: [openid, mcp]}, authzConfigRef: {name: pol}}}`
	var s v1alpha1.VirtualMCPServerSpec
	if err := yaml.UnmarshalStrict([]byte(spec), &s); err != nil {
		t.Fatal(err)
	}
	oidc, err := oidcFromShared(v1alpha1.MCPOIDCConfigSpec{Type: "inline", Inline: &v1alpha1.MCPOIDCConfigSpecInline{Issuer: "https://idp", ClientID: "c"}}, s.IncomingAuth.OIDCConfigRef)
	if err != nil {
		t.Fatal(err)
	}
	shared := resolvedAuth{oidc: oidc, authz: &authconfig.Authz{Type: authconfig.AuthzCedar, Policies: []string{"permit(principal, action, resource);"}}}
	res := resolveVMCPConfig("v", s, vmcpConfigInputs{incoming: shared})
	if len(res.authProblems) > 0 {
		t.Fatalf("auth problems: %v", res.authProblems)
	}
	want := &config.IncomingAuth{Type: config.IncomingAuthOIDC,
		OIDC:  &config.OIDC{Issuer: "https://idp", ClientID: "c", Audience: "vmcp-aud", Scopes: []string{"openid", "mcp"}},
		Authz: &config.Authz{Type: config.AuthzCedar, Policies: []string{"permit(principal, action, resource);"}}}
	if diff := cmp.Diff(want, res.cfg.IncomingAuth); diff != "" {
		t.Fatalf("incoming auth (-want +got):\n%s", diff)
	}
	missing := resolvedAuth{problems: []string{`spec.incomingAuth.oidcConfigRef: MCPOIDCConfig "idp" not found in this namespace`}, missing: true}
	res = resolveVMCPConfig("v", s, vmcpConfigInputs{incoming: missing})
	if !strings.Contains(strings.Join(res.authProblems, ";"), `spec.incomingAuth.oidcConfigRef: MCPOIDCConfig "idp" not found`) {
		t.Fatalf("missing MCPOIDCConfig not reported: %v", res.authProblems)
	}
}
