package telemetry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// instrumentationName names the tracer and meter of this package.
const instrumentationName = "github.com/mcp-operator/mcp-operator/pkg/telemetry"

// Provider holds the tracer and meter built from a Config; a nil or disabled
// Config gives a Provider whose Middleware passes requests through untouched.
type Provider struct {
	cfg      Config
	tracer   trace.Tracer
	meter    metric.Meter
	envAttrs []attribute.KeyValue
	shutdown []func(context.Context) error
	inst     *instruments
}

// New builds the exporters for cfg. Environment lookups (HeadersFromEnv,
// EnvironmentVariables) use os.Getenv.
func New(ctx context.Context, cfg *Config) (*Provider, error) {
	p := &Provider{tracer: tracenoop.NewTracerProvider().Tracer(""), meter: metricnoop.NewMeterProvider().Meter("")}
	if !cfg.Enabled() {
		return p, nil
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p.cfg = *cfg
	res, err := p.resource(ctx)
	if err != nil {
		return nil, err
	}
	tlsCfg, err := tlsConfig(cfg.CACertPath)
	if err != nil {
		return nil, err
	}
	headers := p.headers()
	if cfg.TracingEnabled {
		if err := p.startTracing(ctx, res, tlsCfg, headers); err != nil {
			return nil, err
		}
	}
	if cfg.MetricsEnabled {
		if err := p.startMetrics(ctx, res, tlsCfg, headers); err != nil {
			return nil, errors.Join(err, p.Shutdown(ctx))
		}
	}
	for _, name := range cfg.EnvironmentVariables {
		if v, ok := os.LookupEnv(name); ok {
			p.envAttrs = append(p.envAttrs, attribute.String("environment."+name, v))
		}
	}
	if p.inst, err = newInstruments(p.meter, cfg.UseLegacyAttributes); err != nil {
		return nil, errors.Join(err, p.Shutdown(ctx))
	}
	return p, nil
}

// Shutdown flushes what is buffered and stops the exporters.
func (p *Provider) Shutdown(ctx context.Context) error {
	var errs []error
	for _, f := range p.shutdown {
		errs = append(errs, f(ctx))
	}
	p.shutdown = nil
	return errors.Join(errs...)
}

func (p *Provider) resource(ctx context.Context) (*resource.Resource, error) {
	attrs := []attribute.KeyValue{attribute.String("service.name", p.cfg.ServiceName)}
	if p.cfg.ServiceVersion != "" {
		attrs = append(attrs, attribute.String("service.version", p.cfg.ServiceVersion))
	}
	keys := make([]string, 0, len(p.cfg.ResourceAttributes))
	for k := range p.cfg.ResourceAttributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != "service.name" {
			attrs = append(attrs, attribute.String(k, p.cfg.ResourceAttributes[k]))
		}
	}
	// Only our attributes: the SDK's environment detector would let OTEL_SERVICE_NAME
	// override the configured serviceName.
	r, err := resource.New(ctx, resource.WithTelemetrySDK(), resource.WithAttributes(attrs...))
	if err != nil {
		return nil, fmt.Errorf("telemetry resource: %w", err)
	}
	return r, nil
}

// headers merges the plain headers and those read from the environment.
func (p *Provider) headers() map[string]string {
	h := make(map[string]string, len(p.cfg.Headers)+len(p.cfg.HeadersFromEnv))
	for k, v := range p.cfg.Headers {
		h[k] = v
	}
	for k, env := range p.cfg.HeadersFromEnv {
		h[k] = os.Getenv(env)
	}
	// Name=ENV pairs, comma-separated: how the operator passes Secret-held headers to
	// vmcp, whose config file (upstream's shape) has no field for them.
	for _, pair := range strings.Split(os.Getenv(HeadersFromEnvVar), ",") {
		if k, env, ok := strings.Cut(strings.TrimSpace(pair), "="); ok && k != "" {
			h[k] = os.Getenv(env)
		}
	}
	return h
}

// HeadersFromEnvVar names the environment variable listing extra OTLP headers as
// Header=ENV_VAR pairs, comma-separated; each value is read from ENV_VAR.
const HeadersFromEnvVar = "OTLP_HEADERS_FROM_ENV"

func tlsConfig(caPath string) (*tls.Config, error) {
	if caPath == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caPath)
	if err != nil {
		return nil, fmt.Errorf("telemetry caCertPath: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("telemetry caCertPath %s: no PEM certificate", caPath)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// endpoint splits Endpoint into the exporter's endpoint options: a URL keeps its
// scheme and path, host:port gets the default OTLP paths.
func (p *Provider) endpoint() (url string, hostPort string) {
	if strings.Contains(p.cfg.Endpoint, "://") {
		return strings.TrimSuffix(p.cfg.Endpoint, "/"), ""
	}
	return "", p.cfg.Endpoint
}

func (p *Provider) startTracing(ctx context.Context, res *resource.Resource, tlsCfg *tls.Config, headers map[string]string) error {
	rate, _ := p.cfg.Sampling()
	url, hostPort := p.endpoint()
	opts := []otlptracehttp.Option{otlptracehttp.WithHeaders(headers)}
	if url != "" {
		opts = append(opts, otlptracehttp.WithEndpointURL(url+"/v1/traces"))
	} else {
		opts = append(opts, otlptracehttp.WithEndpoint(hostPort))
	}
	if p.cfg.Insecure {
		opts = append(opts, otlptracehttp.WithInsecure())
	} else if tlsCfg != nil {
		opts = append(opts, otlptracehttp.WithTLSClientConfig(tlsCfg))
	}
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return fmt.Errorf("telemetry trace exporter: %w", err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(rate))),
	)
	p.tracer = tp.Tracer(instrumentationName)
	p.shutdown = append(p.shutdown, tp.Shutdown)
	return nil
}

func (p *Provider) startMetrics(ctx context.Context, res *resource.Resource, tlsCfg *tls.Config, headers map[string]string) error {
	url, hostPort := p.endpoint()
	opts := []otlpmetrichttp.Option{otlpmetrichttp.WithHeaders(headers)}
	if url != "" {
		opts = append(opts, otlpmetrichttp.WithEndpointURL(url+"/v1/metrics"))
	} else {
		opts = append(opts, otlpmetrichttp.WithEndpoint(hostPort))
	}
	if p.cfg.Insecure {
		opts = append(opts, otlpmetrichttp.WithInsecure())
	} else if tlsCfg != nil {
		opts = append(opts, otlpmetrichttp.WithTLSClientConfig(tlsCfg))
	}
	exp, err := otlpmetrichttp.New(ctx, opts...)
	if err != nil {
		return fmt.Errorf("telemetry metric exporter: %w", err)
	}
	// The periodic reader honours OTEL_METRIC_EXPORT_INTERVAL; Shutdown exports the rest.
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp)), sdkmetric.WithResource(res))
	p.meter = mp.Meter(instrumentationName)
	p.shutdown = append(p.shutdown, mp.Shutdown)
	return nil
}
