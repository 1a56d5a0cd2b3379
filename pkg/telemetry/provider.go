package telemetry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/mcp-operator/mcp-operator/pkg/telemetry/otlp"
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
		if err := p.startTracing(res, tlsCfg, headers); err != nil {
			return nil, err
		}
	}
	if cfg.MetricsEnabled {
		if err := p.startMetrics(res, tlsCfg, headers); err != nil {
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

// exportURL is where signal path ("/v1/traces", "/v1/metrics") is posted, as the
// SDK's otlp*http exporters built it from the options this package gave them: a
// URL endpoint keeps its host and path (its query is dropped) and is https only
// when its scheme says so and Insecure is unset; host:port gets the path, over
// http when Insecure, https otherwise.
func (p *Provider) exportURL(path string) (string, error) {
	if !strings.Contains(p.cfg.Endpoint, "://") {
		scheme := "https"
		if p.cfg.Insecure {
			scheme = "http"
		}
		return (&url.URL{Scheme: scheme, Host: p.cfg.Endpoint, Path: path}).String(), nil
	}
	u, err := url.Parse(strings.TrimSuffix(p.cfg.Endpoint, "/") + path)
	if err != nil {
		return "", fmt.Errorf("telemetry endpoint: %w", err)
	}
	scheme := "https"
	if p.cfg.Insecure || u.Scheme != "https" {
		scheme = "http"
	}
	return (&url.URL{Scheme: scheme, Host: u.Host, Path: u.Path}).String(), nil
}

// exporterConfig is the exporters' configuration for path. The TLS configuration
// applies to https only, as before: with Insecure the SDK exporters were never given it.
func (p *Provider) exporterConfig(path string, tlsCfg *tls.Config, headers map[string]string) (otlp.Config, error) {
	u, err := p.exportURL(path)
	if err != nil {
		return otlp.Config{}, err
	}
	cfg := otlp.Config{URL: u, Headers: headers}
	if !p.cfg.Insecure {
		cfg.TLS = tlsCfg
	}
	return cfg, nil
}

func (p *Provider) startTracing(res *resource.Resource, tlsCfg *tls.Config, headers map[string]string) error {
	rate, _ := p.cfg.Sampling()
	cfg, err := p.exporterConfig("/v1/traces", tlsCfg, headers)
	if err != nil {
		return err
	}
	exp, err := otlp.NewTraceExporter(cfg)
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

func (p *Provider) startMetrics(res *resource.Resource, tlsCfg *tls.Config, headers map[string]string) error {
	cfg, err := p.exporterConfig("/v1/metrics", tlsCfg, headers)
	if err != nil {
		return err
	}
	exp, err := otlp.NewMetricExporter(cfg)
	if err != nil {
		return fmt.Errorf("telemetry metric exporter: %w", err)
	}
	// The periodic reader honours OTEL_METRIC_EXPORT_INTERVAL; Shutdown exports the rest.
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp)), sdkmetric.WithResource(res))
	p.meter = mp.Meter(instrumentationName)
	p.shutdown = append(p.shutdown, mp.Shutdown)
	return nil
}
