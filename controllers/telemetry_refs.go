package controllers

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/telemetry"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// telemetryConfigRef resolution: an MCPTelemetryConfig becomes the proxy runner's
// runconfig telemetry section (MCPServer, MCPRemoteProxy) or the vmcp config file's
// telemetry section (VirtualMCPServer). Its hash is in the rendered config, so a
// change to the MCPTelemetryConfig rolls every user.

const (
	// IndexTelemetryConfigRef indexes MCPServer, MCPRemoteProxy and VirtualMCPServer by
	// the MCPTelemetryConfig their telemetryConfigRef names.
	IndexTelemetryConfigRef = "spec.telemetryConfigRef.name"
	// conditionTelemetryConfigRefValidated says whether telemetryConfigRef resolves.
	conditionTelemetryConfigRefValidated = "TelemetryConfigRefValidated"
	// otlpHeaderEnvPrefix names the env vars holding sensitiveHeaders values.
	otlpHeaderEnvPrefix = "OTEL_HEADER_"
)

// telemetryRefOf is the telemetryConfigRef of a workload.
func telemetryRefOf(o client.Object) *v1alpha1.TelemetryConfigRef {
	switch w := o.(type) {
	case *v1alpha1.MCPServer:
		return w.Spec.TelemetryConfigRef
	case *v1alpha1.MCPRemoteProxy:
		return w.Spec.TelemetryConfigRef
	case *v1alpha1.VirtualMCPServer:
		return w.Spec.TelemetryConfigRef
	}
	return nil
}

// telemetryIndexes are the field indexes of telemetryConfigRef.
func telemetryIndexes() []index {
	var out []index
	for _, obj := range []client.Object{&v1alpha1.MCPServer{}, &v1alpha1.MCPRemoteProxy{}, &v1alpha1.VirtualMCPServer{}} {
		out = append(out, index{obj, IndexTelemetryConfigRef, func(o client.Object) []string {
			if r := telemetryRefOf(o); r != nil {
				return values(r.Name)
			}
			return nil
		}})
	}
	return out
}

// resolvedTelemetry is what a telemetryConfigRef resolved to.
type resolvedTelemetry struct {
	// spec is the referenced MCPTelemetryConfig's spec (nil: no reference or not found).
	spec *v1alpha1.MCPTelemetryConfigSpec
	// serviceName is the reference's serviceName, else the workload's name.
	serviceName string
	hash        string
}

// resolveTelemetry reads the MCPTelemetryConfig ref names and sets the
// TelemetryConfigRefValidated condition; ok is false when it is missing.
func resolveTelemetry(ctx context.Context, r client.Reader, obj metav1.Object, ref *v1alpha1.TelemetryConfigRef, conds *[]metav1.Condition) (resolvedTelemetry, bool, error) {
	out := resolvedTelemetry{serviceName: obj.GetName()}
	name := ""
	if ref != nil {
		name = ref.Name
		if ref.ServiceName != "" {
			out.serviceName = ref.ServiceName
		}
	}
	tc := &v1alpha1.MCPTelemetryConfig{}
	found := false
	if name != "" {
		var err error
		if found, err = getOptional(ctx, r, obj.GetNamespace(), name, tc); err != nil {
			return out, false, fmt.Errorf("resolve telemetryConfigRef %q: %w", name, err)
		}
	}
	ok := setRefCondition(conds, refCheck{conditionType: conditionTelemetryConfigRefValidated, kind: "MCPTelemetryConfig",
		field: "spec.telemetryConfigRef", name: name, found: found}, obj.GetGeneration())
	if found {
		out.spec, out.hash = &tc.Spec, render.Hash(tc.Spec)
	}
	return out, ok, nil
}

// proxyTelemetry is the proxy runner's telemetry section and the env vars that carry
// the sensitive headers' Secret values. Nil when OTLP export is off.
func proxyTelemetry(t resolvedTelemetry) (*telemetry.Config, []corev1.EnvVar) {
	if t.spec == nil || t.spec.OpenTelemetry == nil || !boolValue(t.spec.OpenTelemetry.Enabled, false) {
		return nil, nil
	}
	o := t.spec.OpenTelemetry
	c := &telemetry.Config{
		Endpoint: o.Endpoint, Insecure: boolValue(o.Insecure, false), Headers: o.Headers,
		ServiceName: t.serviceName, ResourceAttributes: o.ResourceAttributes,
		UseLegacyAttributes: boolValue(o.UseLegacyAttributes, true),
		CACertPath:          otlpCAPath(t),
	}
	if o.Tracing != nil {
		c.TracingEnabled, c.SamplingRate = boolValue(o.Tracing.Enabled, false), o.Tracing.SamplingRate
	}
	if o.Metrics != nil {
		c.MetricsEnabled = boolValue(o.Metrics.Enabled, false)
	}
	var env []corev1.EnvVar
	for i, h := range o.SensitiveHeaders {
		if h.SecretKeyRef == nil {
			continue
		}
		if c.HeadersFromEnv == nil {
			c.HeadersFromEnv = map[string]string{}
		}
		name := otlpHeaderEnvPrefix + strconv.Itoa(i)
		c.HeadersFromEnv[h.Name] = name
		env = append(env, corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: h.SecretKeyRef.Name}, Key: h.SecretKeyRef.Key}}})
	}
	return c, env
}

// vmcpTelemetry is the vmcp config file's telemetry section for an MCPTelemetryConfig,
// in the config file's (upstream's) shape. Prometheus maps to
// enablePrometheusMetricsPath. Nil when nothing is referenced.
func vmcpTelemetry(t resolvedTelemetry) *config.Telemetry {
	if t.spec == nil {
		return nil
	}
	out := &config.Telemetry{ServiceName: t.serviceName}
	if p := t.spec.Prometheus; p != nil {
		out.EnablePrometheusMetricsPath = p.Enabled
		out.MetricsOnTransportPort = p.MetricsOnTransportPort
	}
	if o := t.spec.OpenTelemetry; o != nil && boolValue(o.Enabled, false) {
		out.Endpoint, out.Insecure, out.Headers = o.Endpoint, o.Insecure, o.Headers
		out.CACertPath = otlpCAPath(t)
		out.CustomAttributes, out.UseLegacyAttributes = o.ResourceAttributes, o.UseLegacyAttributes
		if o.Tracing != nil {
			out.TracingEnabled, out.SamplingRate = o.Tracing.Enabled, o.Tracing.SamplingRate
		}
		if o.Metrics != nil {
			out.MetricsEnabled = o.Metrics.Enabled
		}
	}
	return out
}

// vmcpTelemetryEnv carries sensitiveHeaders to vmcp: the OTel SDK's standard
// OTEL_EXPORTER_OTLP_HEADERS cannot hold Secret references, so each header is an
// env var that pkg/telemetry finds through telemetry.HeadersFromEnvVar.
func vmcpTelemetryEnv(t resolvedTelemetry) []corev1.EnvVar {
	c, env := proxyTelemetry(t)
	if c == nil || len(c.HeadersFromEnv) == 0 {
		return nil
	}
	keys := make([]string, 0, len(c.HeadersFromEnv))
	for k := range c.HeadersFromEnv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var spec string
	for i, k := range keys {
		if i > 0 {
			spec += ","
		}
		spec += k + "=" + c.HeadersFromEnv[k]
	}
	return append(env, corev1.EnvVar{Name: telemetry.HeadersFromEnvVar, Value: spec})
}

// withTelemetry puts the telemetry section and the Prometheus switch into a rendered
// runconfig YAML.
func withTelemetry(rcYAML string, t *telemetry.Config, prometheus bool) (string, error) {
	var rc runconfig.Config
	if err := yaml.Unmarshal([]byte(rcYAML), &rc); err != nil {
		return "", fmt.Errorf("runconfig: %w", err)
	}
	rc.Telemetry, rc.Prometheus = t, &prometheus
	b, err := yaml.Marshal(rc)
	if err != nil {
		return "", fmt.Errorf("runconfig: %w", err)
	}
	return string(b), nil
}

// otlpCA is the ConfigMap key that openTelemetry.caBundleRef names, mounted where
// pkg/telemetry reads it (nil: no CA bundle, the system roots verify the collector).
func otlpCA(t resolvedTelemetry) *helmcharts.ConfigMapFile {
	if t.spec == nil || t.spec.OpenTelemetry == nil || t.spec.OpenTelemetry.CABundleRef == nil {
		return nil
	}
	ref := t.spec.OpenTelemetry.CABundleRef.ConfigMapRef
	if ref == nil || ref.Name == "" {
		return nil
	}
	key := ref.Key
	if key == "" {
		key = v1alpha1.DefaultCABundleKey
	}
	return &helmcharts.ConfigMapFile{ConfigMap: ref.Name, Key: key, Optional: boolValue(ref.Optional, false),
		MountDir: telemetry.CABundleMountDir, File: telemetry.CABundleFile}
}

// otlpCAPath is the CA bundle file the exporters trust ("" when none is mounted).
func otlpCAPath(t resolvedTelemetry) string {
	if otlpCA(t) == nil {
		return ""
	}
	return telemetry.CABundleMountDir + "/" + telemetry.CABundleFile
}

func boolValue(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// addProxyTelemetry puts the resolved telemetry into a proxy runner's rendered
// runconfig, its env and its config hash (so a changed MCPTelemetryConfig rolls it):
// OTLP export, the Prometheus switch (a referenced MCPTelemetryConfig serves /metrics
// only with prometheus.enabled) and the collector's CA bundle, returned to be mounted.
func addProxyTelemetry(runConfig *string, env *[]corev1.EnvVar, hash *string, t resolvedTelemetry) (*helmcharts.ConfigMapFile, error) {
	if t.spec == nil {
		return nil, nil
	}
	c, tenv := proxyTelemetry(t)
	prom := t.spec.Prometheus != nil && boolValue(t.spec.Prometheus.Enabled, false)
	rc, err := withTelemetry(*runConfig, c, prom)
	if err != nil {
		return nil, err
	}
	*runConfig, *env = rc, append(*env, tenv...)
	*hash = render.Hash([]string{*hash, t.hash, rc})
	if c == nil {
		return nil, nil
	}
	return otlpCA(t), nil
}

// wireTelemetry puts the referenced MCPTelemetryConfig into the vmcp config (and the
// env of its Secret-held headers); it returns the problems for the Valid condition.
func wireTelemetry(cfg *config.Config, env *[]corev1.EnvVar, ref *v1alpha1.TelemetryConfigRef, t resolvedTelemetry, missing bool) []string {
	switch {
	case ref == nil:
		return nil
	case missing:
		return []string{fmt.Sprintf("spec.telemetryConfigRef: MCPTelemetryConfig %q not found in this namespace; create it or fix the reference", ref.Name)}
	case cfg.Telemetry != nil:
		return []string{"set only one of spec.telemetryConfigRef and spec.config.telemetry"}
	}
	cfg.Telemetry = vmcpTelemetry(t)
	*env = append(*env, vmcpTelemetryEnv(t)...)
	return nil
}
