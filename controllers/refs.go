package controllers

import (
	"context"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/envvar"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s/members"
)

// condToolConfigValidated reports whether the referenced MCPToolConfig exists.
const condToolConfigValidated = "ToolConfigValidated"

// groupExists reports whether the MCPGroup name exists in ns ("" never exists).
func groupExists(ctx context.Context, c client.Reader, ns, name string) (bool, error) {
	if name == "" {
		return false, nil
	}
	err := c.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, &v1alpha1.MCPGroup{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// getToolConfig returns the MCPToolConfig name in ns, nil when name is "" or it is missing.
func getToolConfig(ctx context.Context, c client.Reader, ns, name string) (*v1alpha1.MCPToolConfig, error) {
	if name == "" {
		return nil, nil
	}
	tc := &v1alpha1.MCPToolConfig{}
	if err := c.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, tc); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return tc, nil
}

// getExternalAuth returns the MCPExternalAuthConfig name in ns, nil when name is "" or it is missing.
func getExternalAuth(ctx context.Context, c client.Reader, ns, name string) (*v1alpha1.MCPExternalAuthConfig, error) {
	if name == "" {
		return nil, nil
	}
	ea := &v1alpha1.MCPExternalAuthConfig{}
	if err := c.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, ea); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return ea, nil
}

// toolConfigHash is the configHash of an MCPToolConfig ("" for nil). The MCPToolConfig
// controller publishes the same value in its status.
func toolConfigHash(tc *v1alpha1.MCPToolConfig) string {
	if tc == nil {
		return ""
	}
	return render.Hash(tc.Spec)
}

// externalAuthHash is the configHash of an MCPExternalAuthConfig ("" for nil).
func externalAuthHash(ea *v1alpha1.MCPExternalAuthConfig) string {
	if ea == nil {
		return ""
	}
	return render.Hash(ea.Spec)
}

// applyToolConfig copies an MCPToolConfig's filter and overrides into the run config.
func applyToolConfig(rc *runconfig.Config, tc *v1alpha1.MCPToolConfig) {
	if tc == nil {
		return
	}
	rc.ToolsFilter = tc.Spec.ToolsFilter
	if len(tc.Spec.ToolsOverride) > 0 {
		rc.ToolsOverride = map[string]runconfig.ToolOverride{}
		for k, v := range tc.Spec.ToolsOverride {
			rc.ToolsOverride[k] = runconfig.ToolOverride{Name: v.Name, Description: v.Description}
		}
	}
}

// proxyAuthEnvPrefix names the proxy runner's env vars of its MCPExternalAuthConfig
// (one per workload), e.g. MCP_AUTH_HEADER_VALUE.
const proxyAuthEnvPrefix = "MCP_AUTH_"

// applyExternalAuth turns an MCPExternalAuthConfig of type headerInjection or bearerToken
// into a forwarded header whose value comes from a Secret through env vars (returned),
// with the translation vmcp uses (members.StrategyNamed). tokenExchange is not performed
// by the proxy runner: a VirtualMCPServer that discovers the config performs it;
// unauthenticated adds nothing.
func applyExternalAuth(rc *runconfig.Config, ea *v1alpha1.MCPExternalAuthConfig) []corev1.EnvVar {
	if ea == nil {
		return nil
	}
	s, env, err := members.StrategyNamed(ea, func(suffix string) string { return proxyAuthEnvPrefix + suffix })
	if err != nil || s.Type != config.BackendAuthHeaderInjection || s.HeaderInjection == nil {
		return nil
	}
	if rc.HeaderForward == nil {
		rc.HeaderForward = &runconfig.HeaderForward{}
	}
	if rc.HeaderForward.FromEnv == nil {
		rc.HeaderForward.FromEnv = map[string]string{}
	}
	rc.HeaderForward.FromEnv[s.HeaderInjection.HeaderName] = s.HeaderInjection.HeaderValueEnv
	return env
}

// headerForward converts spec.headerForward into the run config and the env vars that
// carry secret header values (sorted by header for a stable render).
func headerForward(h *v1alpha1.HeaderForward) (*runconfig.HeaderForward, []corev1.EnvVar) {
	if h == nil || (len(h.AddPlaintextHeaders) == 0 && len(h.AddHeadersFromSecret) == 0) {
		return nil, nil
	}
	out := &runconfig.HeaderForward{Plaintext: h.AddPlaintextHeaders}
	var env []corev1.EnvVar
	secrets := append([]v1alpha1.HeaderFromSecret{}, h.AddHeadersFromSecret...)
	sort.Slice(secrets, func(i, j int) bool { return secrets[i].HeaderName < secrets[j].HeaderName })
	for _, s := range secrets {
		if out.FromEnv == nil {
			out.FromEnv = map[string]string{}
		}
		name := envvar.Name("MCP_HEADER_", s.HeaderName)
		out.FromEnv[s.HeaderName] = name
		env = append(env, envvar.FromSecret(name, s.ValueSecretRef.Name, s.ValueSecretRef.Key))
	}
	return out, env
}

// joinSentences joins warnings into one event message.
func joinSentences(s []string) string { return strings.Join(s, "; ") }
