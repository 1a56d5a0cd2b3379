package telemetry

import (
	"fmt"
	"strconv"
)

// Config is the telemetry section of the proxy runner's run config and what vmcp
// derives from its config file's telemetry section.
type Config struct {
	// Endpoint of the OTLP/HTTP collector: host:port, or a URL with scheme
	// (http:// implies Insecure).
	Endpoint string `json:"endpoint"`
	// Insecure sends OTLP over plain HTTP instead of HTTPS.
	Insecure bool `json:"insecure,omitempty"`
	// CACertPath is a PEM bundle trusted for the collector's TLS certificate.
	CACertPath string `json:"caCertPath,omitempty"`
	// Headers are sent with every OTLP request.
	Headers map[string]string `json:"headers,omitempty"`
	// HeadersFromEnv are sent with every OTLP request too: header name → the name of
	// the environment variable that holds its value (a Secret mounted by the operator).
	HeadersFromEnv map[string]string `json:"headersFromEnv,omitempty"`
	// ServiceName is the service.name resource attribute.
	ServiceName string `json:"serviceName"`
	// ServiceVersion is the service.version resource attribute.
	ServiceVersion string `json:"serviceVersion,omitempty"`
	// ResourceAttributes are added to the resource of every span and metric.
	ResourceAttributes map[string]string `json:"resourceAttributes,omitempty"`
	// TracingEnabled exports spans.
	TracingEnabled bool `json:"tracingEnabled,omitempty"`
	// MetricsEnabled exports metrics.
	MetricsEnabled bool `json:"metricsEnabled,omitempty"`
	// SamplingRate is the fraction of new traces recorded, a decimal between 0 and 1
	// ("" = the default 0.05). Spans whose parent was sampled are always recorded.
	SamplingRate string `json:"samplingRate,omitempty"`
	// EnvironmentVariables are names of environment variables whose values are
	// recorded on every span as environment.<NAME>.
	EnvironmentVariables []string `json:"environmentVariables,omitempty"`
	// UseLegacyAttributes also records the attribute names of older releases
	// (mcp.method, mcp.tool.name, rpc.system) beside the semantic-convention ones.
	UseLegacyAttributes bool `json:"useLegacyAttributes,omitempty"`
}

// CABundleMountDir is where the operator mounts the CA bundle of an MCPTelemetryConfig's
// openTelemetry.caBundleRef in the proxy runner and vmcp pods; CABundleFile is the file.
const (
	CABundleMountDir = "/etc/mcp-operator/otlp-ca"
	CABundleFile     = "ca.crt"
)

// DefaultSamplingRate is the fraction of traces recorded when SamplingRate is empty,
// as upstream's default.
const DefaultSamplingRate = 0.05

// Enabled says whether anything is exported.
func (c *Config) Enabled() bool {
	return c != nil && c.Endpoint != "" && (c.TracingEnabled || c.MetricsEnabled)
}

// Sampling returns the sampling fraction, or an error naming the bad value.
func (c *Config) Sampling() (float64, error) {
	if c.SamplingRate == "" {
		return DefaultSamplingRate, nil
	}
	f, err := strconv.ParseFloat(c.SamplingRate, 64)
	if err != nil || f < 0 || f > 1 {
		return 0, fmt.Errorf("telemetry samplingRate %q: want a decimal between 0 and 1", c.SamplingRate)
	}
	return f, nil
}

// Validate reports a configuration that cannot export.
func (c *Config) Validate() error {
	if c == nil || (!c.TracingEnabled && !c.MetricsEnabled) {
		return nil
	}
	if c.Endpoint == "" {
		return fmt.Errorf("telemetry: tracing or metrics enabled without an endpoint")
	}
	_, err := c.Sampling()
	return err
}
