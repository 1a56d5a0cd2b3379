package gateway

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/telemetry"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// telemetryShutdownTimeout bounds the flush of buffered spans and metrics at Close.
const telemetryShutdownTimeout = 5 * time.Second

// telemetryConfig maps the normalized config's telemetry section onto the exporter
// settings (Normalize defaults the service name to the gateway's name, as upstream's
// does); the version is this build's.
func telemetryConfig(t *config.Telemetry) *telemetry.Config {
	if t == nil {
		return nil
	}
	c := &telemetry.Config{
		Endpoint: t.Endpoint, Insecure: deref(t.Insecure), CACertPath: t.CACertPath, Headers: t.Headers,
		ServiceName: t.ServiceName, ServiceVersion: t.ServiceVersion, ResourceAttributes: t.CustomAttributes,
		TracingEnabled: deref(t.TracingEnabled), MetricsEnabled: deref(t.MetricsEnabled),
		SamplingRate: t.SamplingRate, EnvironmentVariables: t.EnvironmentVariables,
		UseLegacyAttributes: t.UseLegacyAttributes == nil || *t.UseLegacyAttributes,
	}
	if c.ServiceVersion == "" {
		c.ServiceVersion = Version
	}
	return c
}

func deref(b *bool) bool { return b != nil && *b }

// startTelemetry builds the OTLP exporters of the config's telemetry section.
func (g *Gateway) startTelemetry() error {
	p, err := telemetry.New(context.Background(), telemetryConfig(g.cfg.Telemetry))
	if err != nil {
		return fmt.Errorf("telemetry: %w", err)
	}
	g.tel = p
	return nil
}

// stopTelemetry flushes and stops the exporters.
func (g *Gateway) stopTelemetry() {
	if g.tel == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), telemetryShutdownTimeout)
	defer cancel()
	if err := g.tel.Shutdown(ctx); err != nil {
		g.log.Warn("Telemetry flush failed", zap.Error(err))
	}
}
