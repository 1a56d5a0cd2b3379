package convert

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// samplingRatePattern is the MCPTelemetryConfig schema's rule for tracing.samplingRate.
var samplingRatePattern = regexp.MustCompile(`^(0(\.\d+)?|1(\.0+)?)$`)

// sensitiveHeader matches OTLP header names that carry credentials: their values go to
// a Secret, never into the manifest.
var sensitiveHeader = regexp.MustCompile(`(?i)auth|key|token|secret|password|cookie|credential`)

// telemetry turns telemetry_config into an MCPTelemetryConfig named <name>-telemetry and
// returns the workload's telemetryConfigRef. Credentials in headers become
// sensitiveHeaders read from a Secret the printed command creates; the CA file becomes
// a ConfigMap reference.
func (c *rcConv) telemetry() *v1alpha1.TelemetryConfigRef {
	t := c.rc.TelemetryConfig
	if t == nil {
		return nil
	}
	name := childName(c.name, "telemetry")
	spec := v1alpha1.MCPTelemetryConfigSpec{}
	if t.Endpoint != "" || t.TracingEnabled || t.MetricsEnabled {
		spec.OpenTelemetry = c.openTelemetry(t, name)
	}
	if t.EnablePrometheusMetricsPath || t.MetricsOnTransportPort {
		spec.Prometheus = &v1alpha1.MCPTelemetryConfigSpecPrometheus{Enabled: boolPtr(t.EnablePrometheusMetricsPath)}
		if t.MetricsOnTransportPort {
			spec.Prometheus.MetricsOnTransportPort = boolPtr(true)
		}
	}
	if t.PrometheusPort != 0 {
		c.rep.info("telemetry_config.prometheusPort", "the pod serves /metrics on its own port; scrape it through the Service")
	}
	if len(t.EnvironmentVariables) > 0 {
		c.rep.dropped("telemetry_config.environmentVariables", "the CLI copies host environment variables into span attributes; put the values in spec.openTelemetry.resourceAttributes of MCPTelemetryConfig %q", name)
	}
	if spec.OpenTelemetry == nil && spec.Prometheus == nil {
		c.rep.dropped("telemetry_config", "neither an OTLP endpoint, tracing, metrics nor Prometheus is enabled: nothing to export")
		return nil
	}
	c.extra = append(c.extra, &v1beta1.MCPTelemetryConfig{TypeMeta: typeMeta("MCPTelemetryConfig"),
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: c.opts.Namespace}, Spec: spec})
	c.rep.info("telemetry_config", "in MCPTelemetryConfig %q (spec.telemetryConfigRef); the endpoint is reached from inside the cluster: check it resolves there", name)
	return &v1alpha1.TelemetryConfigRef{Name: name, ServiceName: t.ServiceName}
}

// openTelemetry maps the OTLP part of telemetry_config.
func (c *rcConv) openTelemetry(t *TelemetryConfig, name string) *v1alpha1.MCPTelemetryConfigSpecOpenTelemetry {
	o := &v1alpha1.MCPTelemetryConfigSpecOpenTelemetry{
		Enabled:             boolPtr(t.Endpoint != ""),
		Endpoint:            t.Endpoint,
		Insecure:            boolPtr(t.Insecure),
		UseLegacyAttributes: boolPtr(t.UseLegacyAttributes),
		Metrics:             &v1alpha1.MCPTelemetryConfigSpecOpenTelemetryMetrics{Enabled: boolPtr(t.MetricsEnabled)},
		Tracing:             &v1alpha1.MCPTelemetryConfigSpecOpenTelemetryTracing{Enabled: boolPtr(t.TracingEnabled)},
	}
	if t.Endpoint == "" {
		c.rep.flagged("telemetry_config.endpoint", "empty: tracing or metrics are enabled but nothing is exported until MCPTelemetryConfig %q has an endpoint", name)
	}
	switch {
	case t.SamplingRate == "":
	case samplingRatePattern.MatchString(t.SamplingRate):
		o.Tracing.SamplingRate = t.SamplingRate
	default:
		c.rep.dropped("telemetry_config.samplingRate", "%q is not a decimal between 0 and 1; the default 0.05 applies", t.SamplingRate)
	}
	attrs := maps.Clone(t.CustomAttributes)
	if t.ServiceVersion != "" {
		if attrs == nil {
			attrs = map[string]string{}
		}
		attrs["service.version"] = t.ServiceVersion
		c.rep.info("telemetry_config.serviceVersion", "written as resource attribute service.version")
	}
	o.ResourceAttributes = attrs
	o.Headers, o.SensitiveHeaders = c.otelHeaders(t.Headers, name)
	if t.CACertPath != "" {
		cm := childName(c.name, "otel-ca")
		o.CABundleRef = &v1alpha1.EmbeddedAuthServerConfigTrustedIssuerCABundleRef{
			ConfigMapRef: &v1alpha1.EmbeddedAuthServerConfigTrustedIssuerCABundleRefConfigMapRef{Name: cm, Key: "ca.crt"}}
		c.rep.command(fmt.Sprintf("kubectl create configmap %s%s --from-file=ca.crt=%s", cm, c.nsFlag(), shellQuote(t.CACertPath)))
		c.rep.info("telemetry_config.caCertPath", "the CA is read from ConfigMap %s key ca.crt: create it with the command below", cm)
	}
	return o
}

// otelHeaders splits the OTLP headers into plain ones and credentials; each credential
// is a key of Secret <name>-headers, created by the printed command from the input file.
func (c *rcConv) otelHeaders(h map[string]string, name string) (map[string]string, []v1alpha1.MCPTelemetryConfigSpecOpenTelemetrySensitiveHeader) {
	var plain map[string]string
	var sens []v1alpha1.MCPTelemetryConfigSpecOpenTelemetrySensitiveHeader
	var lits []string
	secret := childName(name, "headers")
	for _, k := range slices.Sorted(maps.Keys(h)) {
		if !sensitiveHeader.MatchString(k) {
			if plain == nil {
				plain = map[string]string{}
			}
			plain[k] = h[k]
			continue
		}
		key := secretKey(k)
		sens = append(sens, v1alpha1.MCPTelemetryConfigSpecOpenTelemetrySensitiveHeader{Name: k,
			SecretKeyRef: &v1alpha1.SecretKeyRef{Name: secret, Key: key}})
		lits = append(lits, fmt.Sprintf(`--from-literal=%s="$(jq -r '.telemetry_config.headers["%s"]' %s)"`, key, k, shellQuote(c.source())))
	}
	if len(sens) > 0 {
		c.rep.command(fmt.Sprintf("kubectl create secret generic %s%s %s", secret, c.nsFlag(), strings.Join(lits, " ")))
		c.rep.info("telemetry_config.headers", "credential headers are read from Secret %s (values not written): create it with the command below", secret)
	}
	return plain, sens
}

// nonSecretKeyChars are the characters a Secret data key cannot hold.
var nonSecretKeyChars = regexp.MustCompile(`[^-._a-zA-Z0-9]`)

// secretKey makes a header name a valid Secret data key ([-._a-zA-Z0-9]).
func secretKey(header string) string {
	return nonSecretKeyChars.ReplaceAllString(header, "_")
}

func boolPtr(b bool) *bool { return &b }
