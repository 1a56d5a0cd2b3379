// Package runconfig is the proxy runner's configuration file: the operator renders it
// into the ConfigMap `<name>-runconfig` (key `runconfig.yaml`) of every MCPServer and
// MCPRemoteProxy, and `proxyrunner --config` reads it. Secrets never appear here:
// they reach the proxy runner as environment variables named in the file.
package runconfig

import (
	"github.com/mcp-operator/mcp-operator/pkg/auth/authconfig"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/webhook"
	"github.com/mcp-operator/mcp-operator/pkg/telemetry"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// Config configures one proxy runner.
type Config struct {
	// Name of the MCPServer or MCPRemoteProxy.
	Name string `json:"name"`
	// Namespace of the workload (and of the pod to attach to).
	Namespace string `json:"namespace,omitempty"`
	// Transport of the MCP server: stdio, streamable-http or sse.
	Transport string `json:"transport"`
	// ProxyMode is what the proxy exposes for a stdio server: streamable-http (/mcp) or sse (/sse + /messages).
	ProxyMode string `json:"proxyMode,omitempty"`
	// Host and ProxyPort the proxy listens on.
	Host      string `json:"host,omitempty"`
	ProxyPort int32  `json:"proxyPort"`
	// Target is the upstream of an HTTP or SSE server, or the remote URL of a
	// remote proxy, e.g. http://mcp-fetch-headless.ns.svc.cluster.local:8080/mcp.
	Target string `json:"target,omitempty"`
	// Stdio says how to reach the stdio stream of a stdio server.
	Stdio *Stdio `json:"stdio,omitempty"`
	// HeaderForward adds headers to upstream requests.
	HeaderForward *HeaderForward `json:"headerForward,omitempty"`
	// OIDC, when set, validates incoming bearer tokens.
	OIDC *OIDC `json:"oidc,omitempty"`
	// Authz, when set, holds Cedar policies applied to incoming MCP calls.
	Authz *Authz `json:"authz,omitempty"`
	// Audit turns on audit logging of MCP operations.
	Audit bool `json:"audit,omitempty"`
	// ToolsFilter and ToolsOverride come from the referenced MCPToolConfig.
	ToolsFilter   []string                `json:"toolsFilter,omitempty"`
	ToolsOverride map[string]ToolOverride `json:"toolsOverride,omitempty"`
	// ReportTools makes the runner write the server's tool names into
	// MCPServer <name>.status.tools (set for MCPServer, not MCPRemoteProxy).
	ReportTools bool `json:"reportTools,omitempty"`
	// MaxRequestBodySize, when positive, is the largest request body in bytes the proxy
	// accepts (MCPServer spec.maxRequestBodySize); it replaces the --max-body default.
	MaxRequestBodySize int64 `json:"maxRequestBodySize,omitempty"`
	// ProxyReadTimeout, when set (Go duration), bounds the wait for an HTTP or SSE
	// upstream's response headers (MCPServer spec.proxyReadTimeout).
	ProxyReadTimeout string `json:"proxyReadTimeout,omitempty"`
	// Telemetry, when set, exports OpenTelemetry traces and metrics over OTLP
	// (rendered from the MCPTelemetryConfig named in telemetryConfigRef).
	Telemetry *telemetry.Config `json:"telemetry,omitempty"`
	// TrustProxyHeaders lets X-Forwarded-Proto/Host/Prefix shape the OAuth resource and
	// metadata URLs (only behind a trusted ingress).
	TrustProxyHeaders bool `json:"trustProxyHeaders,omitempty"`
	// EndpointPrefix is prepended to the message endpoint announced on legacy SSE
	// streams (proxyMode sse), for an ingress that strips its path prefix.
	EndpointPrefix string `json:"endpointPrefix,omitempty"`
	// Webhooks are the MCP request webhooks (the MCPWebhookConfig named in
	// webhookConfigRef): mutating, then validating, before authorization.
	Webhooks *webhook.Config `json:"webhooks,omitempty"`
	// RateLimiting limits tools/call requests with token buckets (MCPServer
	// spec.rateLimiting); refused calls get HTTP 429.
	RateLimiting *config.RateLimiting `json:"rateLimiting,omitempty"`
	// Prometheus says whether /metrics is served: nil serves it (no MCPTelemetryConfig
	// referenced), false does not (the referenced one's prometheus.enabled is false).
	Prometheus *bool `json:"prometheus,omitempty"`
}

// ServesPrometheus says whether the runner serves /metrics.
func (c *Config) ServesPrometheus() bool { return c.Prometheus == nil || *c.Prometheus }

// Stdio locates the stdio stream: attach to Pod/Container, or run Command locally.
type Stdio struct {
	// Pod to attach to (pods/attach), normally <name>-0.
	Pod string `json:"pod,omitempty"`
	// Container to attach to, normally "mcp".
	Container string `json:"container,omitempty"`
	// Command and Args run the server as a local subprocess instead.
	Command string   `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
}

// HeaderForward adds headers to every upstream request.
type HeaderForward struct {
	// Plaintext headers and values.
	Plaintext map[string]string `json:"plaintext,omitempty"`
	// FromEnv maps a header name to the environment variable holding its value.
	FromEnv map[string]string `json:"fromEnv,omitempty"`
}

// OIDC configures bearer token validation: the same type as vmcp's incomingAuth.oidc,
// filled by the operator's one translation of a resource's auth settings.
type OIDC = authconfig.OIDC

// Authz holds Cedar policies: the same type as vmcp's incomingAuth.authz.
type Authz = authconfig.Authz

// ToolOverride renames or re-describes a tool.
type ToolOverride struct {
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}
