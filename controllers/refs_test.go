package controllers

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
)

func TestApplyExternalAuth(t *testing.T) {
	ref := v1alpha1.SecretKeyRef{Name: "creds", Key: "token"}
	fromSecret := func(name string) corev1.EnvVar {
		return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "creds"}, Key: "token"}}}
	}
	tests := map[string]struct {
		spec        v1alpha1.MCPExternalAuthConfigSpec
		wantForward map[string]string
		wantEnv     []corev1.EnvVar
	}{
		"header injection": {
			spec:        v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthHeaderInjection, HeaderInjection: &v1alpha1.HeaderInjectionConfig{HeaderName: "X-Api-Key", ValueSecretRef: ref}},
			wantForward: map[string]string{"X-Api-Key": "MCP_AUTH_HEADER_VALUE"},
			wantEnv:     []corev1.EnvVar{fromSecret("MCP_AUTH_HEADER_VALUE")},
		},
		"bearer token": {
			spec:        v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthBearerToken, BearerToken: &v1alpha1.BearerTokenConfig{TokenSecretRef: ref}},
			wantForward: map[string]string{"Authorization": "MCP_AUTH_AUTHORIZATION"},
			wantEnv:     []corev1.EnvVar{fromSecret("MCP_AUTH_TOKEN"), {Name: "MCP_AUTH_AUTHORIZATION", Value: "Bearer $(MCP_AUTH_TOKEN)"}},
		},
		"unauthenticated": {spec: v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthUnauthenticated}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rc := &runconfig.Config{}
			env := applyExternalAuth(rc, &v1alpha1.MCPExternalAuthConfig{Spec: tc.spec})
			var forward map[string]string
			if rc.HeaderForward != nil {
				forward = rc.HeaderForward.FromEnv
			}
			if d := cmp.Diff(tc.wantForward, forward); d != "" {
				t.Errorf("forwarded headers (-want +got)\n%s", d)
			}
			if d := cmp.Diff(tc.wantEnv, env); d != "" {
				t.Errorf("env (-want +got)\n%s", d)
			}
		})
	}
}
