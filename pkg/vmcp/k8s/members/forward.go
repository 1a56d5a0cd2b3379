package members

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/envvar"
)

// HeaderEnvName is the vmcp container's env var carrying the value of a member's
// headerForward.addHeadersFromSecret header: VMCP_HEADER_<MEMBER>__<HEADER>. The
// double underscore keeps the member and header parts apart (neither can contain
// one: both are upper-cased with every other character turned into a single "_").
func HeaderEnvName(member, header string) string {
	return "VMCP_HEADER_" + envPart(member) + "__" + envPart(header)
}

func envPart(s string) string {
	out := envvar.Name("", s)
	for strings.Contains(out, "__") {
		out = strings.ReplaceAll(out, "__", "_")
	}
	return out
}

// HeaderEnv is the env (secretKeyRef, values never leave the Secret) that carries
// the members' secret forwarded headers, sorted by name: what the operator adds to
// the vmcp container so that vmcp, reading the same members, finds the values.
func HeaderEnv(ms []Member) []corev1.EnvVar {
	var out []corev1.EnvVar
	for _, m := range ms {
		if m.Headers == nil {
			continue
		}
		for _, h := range m.Headers.AddHeadersFromSecret {
			e := envvar.FromSecret(HeaderEnvName(m.Name, h.HeaderName), h.ValueSecretRef.Name, h.ValueSecretRef.Key)
			// A Secret deleted after the entry was validated must not stop the whole
			// pod from starting: vmcp then leaves this backend out and says why.
			optional := true
			e.ValueFrom.SecretKeyRef.Optional = &optional
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// HeaderEnvOf maps each of m's secret forwarded headers to its env var.
func HeaderEnvOf(m Member) map[string]string {
	if m.Headers == nil || len(m.Headers.AddHeadersFromSecret) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, h := range m.Headers.AddHeadersFromSecret {
		out[h.HeaderName] = HeaderEnvName(m.Name, h.HeaderName)
	}
	return out
}

// CABundleOf returns the PEM bundle of m's caBundleRef from the namespace's
// ConfigMaps (data by ConfigMap name), nil when m has none, or what is missing.
func CABundleOf(m Member, configMaps map[string]map[string]string) ([]byte, error) {
	ref := m.CABundle
	if ref == nil {
		return nil, nil
	}
	key := ref.Key
	if key == "" {
		key = v1alpha1.DefaultCABundleKey
	}
	data, ok := configMaps[ref.Name]
	if !ok {
		return nil, fmt.Errorf("backend %s: caBundleRef ConfigMap %q not found or not readable", m.Name, ref.Name)
	}
	if data[key] == "" {
		return nil, fmt.Errorf("backend %s: caBundleRef ConfigMap %q has no key %q", m.Name, ref.Name, key)
	}
	return []byte(data[key]), nil
}

// CABundleConfigMaps are the names of the ConfigMaps the members' caBundleRefs
// name, sorted and unique (what vmcp may read).
func CABundleConfigMaps(ms []Member) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		if m.CABundle != nil && !seen[m.CABundle.Name] {
			seen[m.CABundle.Name] = true
			out = append(out, m.CABundle.Name)
		}
	}
	sort.Strings(out)
	return out
}
