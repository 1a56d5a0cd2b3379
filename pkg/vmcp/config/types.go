package config

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/mcp-operator/mcp-operator/pkg/auth/authconfig"
)

// Config is the whole vmcp configuration.
type Config struct {
	// Name is the server name vmcp reports to MCP clients in initialize.
	// +optional
	Name string `json:"name,omitempty"`

	// GroupRef names the MCPGroup whose members are the backends (Kubernetes mode).
	// Optional when static backends are given.
	// +optional
	GroupRef string `json:"groupRef,omitempty"`

	// Backends are static backends (inline mode and the CLI).
	// +optional
	// +listType=map
	// +listMapKey=name
	Backends []StaticBackend `json:"backends,omitempty"`

	// IncomingAuth says how clients authenticate to vmcp and which calls they may make.
	// +optional
	IncomingAuth *IncomingAuth `json:"incomingAuth,omitempty"`

	// OutgoingAuth says how vmcp authenticates to each backend.
	// +optional
	OutgoingAuth *OutgoingAuth `json:"outgoingAuth,omitempty"`

	// Aggregation controls how the backends' capabilities are merged into one list.
	// +optional
	Aggregation *Aggregation `json:"aggregation,omitempty"`

	// Operational holds timeouts, health checks and failure handling.
	// +optional
	Operational *Operational `json:"operational,omitempty"`

	// CompositeTools are workflows defined inline, exposed as tools (at most 32).
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +listType=map
	// +listMapKey=name
	CompositeTools []CompositeTool `json:"compositeTools,omitempty"`

	// Optimizer, when set, replaces the aggregated tool list with two tools,
	// find_tool and call_tool: clients search for the tools they need instead of
	// carrying every definition in their context.
	// +optional
	Optimizer *Optimizer `json:"optimizer,omitempty"`

	// CompositeToolRefs name VirtualMCPCompositeToolDefinition resources to expose as tools.
	// +optional
	// +listType=map
	// +listMapKey=name
	CompositeToolRefs []CompositeToolRef `json:"compositeToolRefs,omitempty"`

	// Audit writes one structured JSON audit event per MCP request (who, what, outcome,
	// duration) to vmcp's log or to logFile. While it is on, tool calls take vmcp's SDK path
	// instead of the fast path, so every call is recorded. Unset: no audit events.
	// +optional
	Audit *AuditConfig `json:"audit,omitempty"`

	// CodeMode exposes the backends to clients as code to run instead of single tools. Not
	// built in this operator yet: accepted, and reported on the resource with the Unsupported
	// condition and a Warning event.
	// +optional
	CodeMode *CodeMode `json:"codeMode,omitempty"`

	// Metadata are free-form key/value pairs about the server.
	// +optional
	Metadata map[string]string `json:"metadata,omitempty"`

	// PassthroughHeaders are client request header names vmcp forwards to the backends.
	// Outgoing auth and a backend's own headers win over them; credential and session
	// headers (Authorization among them) are refused.
	// +optional
	PassthroughHeaders []string `json:"passthroughHeaders,omitempty"`

	// RateLimiting limits tools/call requests at vmcp with token buckets: shared (one
	// bucket for all clients), perUser (one per authenticated user) and per tool. A refused
	// request gets HTTP 429 with Retry-After and a JSON-RPC error. No limit when unset.
	// +optional
	RateLimiting *RateLimiting `json:"rateLimiting,omitempty"`

	// Telemetry exports OpenTelemetry traces and metrics over OTLP and serves Prometheus
	// metrics.
	// +optional
	Telemetry *Telemetry `json:"telemetry,omitempty"`

	// SessionStorage is where client sessions are kept: memory (the default; one
	// replica's own) or redis (shared, so that replicas behind one Service serve
	// each other's sessions and sessions survive a restart).
	// +optional
	SessionStorage *SessionStorage `json:"sessionStorage,omitempty"`
}

// Transport names how an MCP server is reached.
// +kubebuilder:validation:Enum=streamable-http;sse;stdio
type Transport string

// Transports vmcp speaks to backends.
const (
	TransportStreamableHTTP Transport = "streamable-http"
	TransportSSE            Transport = "sse"
	TransportStdio          Transport = "stdio"
)

// StaticBackend is a backend given in the configuration rather than discovered.
// +kubebuilder:validation:XValidation:rule="self.transport == 'stdio' ? has(self.command) : has(self.url)",message="a stdio backend needs command; an sse or streamable-http backend needs url"
type StaticBackend struct {
	// Name identifies the backend: it is the {workload} of prefixes, filters and priority orders.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$`
	Name string `json:"name"`

	// URL of the backend's MCP endpoint (for sse and streamable-http).
	// +optional
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	URL string `json:"url,omitempty"`

	// Transport is how vmcp talks to the backend: streamable-http (the default; POST and
	// GET on url), sse (the legacy HTTP+SSE transport at url) or stdio (vmcp starts
	// command as a subprocess; local use only, refused in a cluster unless allowed).
	// +kubebuilder:default=streamable-http
	// +optional
	Transport Transport `json:"transport,omitempty"`

	// Command starts a stdio backend as a subprocess (local use only).
	// +optional
	Command string `json:"command,omitempty"`

	// Args are the stdio backend's arguments.
	// +optional
	Args []string `json:"args,omitempty"`

	// Env is extra environment for the stdio backend.
	// +optional
	Env map[string]string `json:"env,omitempty"`

	// CABundlePath is a PEM CA bundle file trusted for the TLS connection to this backend;
	// the system roots are used instead. Not built in this operator yet: accepted, and
	// reported on the resource with the Unsupported condition and a Warning event.
	// +optional
	CABundlePath string `json:"caBundlePath,omitempty"`

	// Metadata are free-form key/value pairs about the server.
	// +optional
	Metadata map[string]string `json:"metadata,omitempty"`

	// Type of the backend: entry (an MCPServerEntry-style remote with no pods) or empty for an ordinary backend.
	// +optional
	// +kubebuilder:validation:Enum=entry;""
	Type string `json:"type,omitempty"`
}

// IncomingAuthType names how clients authenticate to vmcp.
// +kubebuilder:validation:Enum=anonymous;oidc;local
type IncomingAuthType string

// Incoming authentication types.
const (
	IncomingAuthAnonymous IncomingAuthType = "anonymous"
	IncomingAuthOIDC      IncomingAuthType = "oidc"
	IncomingAuthLocal     IncomingAuthType = "local"
)

// IncomingAuth is client-to-vmcp authentication and authorization.
// +kubebuilder:validation:XValidation:rule="self.type != 'oidc' || has(self.oidc)",message="incomingAuth.type oidc needs incomingAuth.oidc"
type IncomingAuth struct {
	// Type of client authentication: anonymous (the default; every client is accepted),
	// oidc (a bearer JWT checked against oidc's issuer and JWKS), or local (the same as
	// anonymous, named for a vmcp listening on 127.0.0.1 for one local user).
	// +kubebuilder:default=anonymous
	// +optional
	Type IncomingAuthType `json:"type,omitempty"`

	// OIDC settings, for type oidc.
	// +optional
	OIDC *authconfig.OIDC `json:"oidc,omitempty"`

	// Authz is the authorization policy applied to authenticated clients.
	// +optional
	Authz *authconfig.Authz `json:"authz,omitempty"`
}

// OIDC is the incoming OIDC settings type shared with the proxy runner's runconfig
// (pkg/auth/authconfig): the operator's one resolver fills both.
// +kubebuilder:object:generate=false
type OIDC = authconfig.OIDC

// KubernetesTokens restricts the service-account tokens an OIDC config of type
// kubernetes accepts (see authconfig.KubernetesTokens).
// +kubebuilder:object:generate=false
type KubernetesTokens = authconfig.KubernetesTokens

// Authz is the authorization policy type shared with the proxy runner's runconfig.
// +kubebuilder:object:generate=false
type Authz = authconfig.Authz

// AuthzType names the authorization engine (see authconfig.AuthzType).
type AuthzType = authconfig.AuthzType

// Authorization engines.
const (
	AuthzCedar = authconfig.AuthzCedar
	AuthzNone  = authconfig.AuthzNone
)

// OutgoingAuthSource says where per-backend credentials come from.
// +kubebuilder:validation:Enum=inline;discovered
type OutgoingAuthSource string

// Outgoing authentication sources.
const (
	OutgoingAuthInline     OutgoingAuthSource = "inline"
	OutgoingAuthDiscovered OutgoingAuthSource = "discovered"
)

// OutgoingAuth is vmcp-to-backend authentication. A client's token is never forwarded.
type OutgoingAuth struct {
	// Source of backend credentials: inline (the default; only default and backends
	// below) or discovered (each backend's MCPExternalAuthConfig, with backends below
	// overriding it).
	// +kubebuilder:default=inline
	// +optional
	Source OutgoingAuthSource `json:"source,omitempty"`
	// Default strategy for backends not listed in Backends.
	// +optional
	Default *BackendAuthStrategy `json:"default,omitempty"`
	// Backends maps a backend name to its strategy.
	// +optional
	Backends map[string]BackendAuthStrategy `json:"backends,omitempty"`
}

// BackendAuthType names an outgoing authentication strategy.
// +kubebuilder:validation:Enum=unauthenticated;header_injection;token_exchange
type BackendAuthType string

// Outgoing authentication strategies.
const (
	BackendAuthUnauthenticated BackendAuthType = "unauthenticated"
	BackendAuthHeaderInjection BackendAuthType = "header_injection"
	BackendAuthTokenExchange   BackendAuthType = "token_exchange"
)

// BackendAuthStrategy is how vmcp authenticates to one backend.
// +kubebuilder:validation:XValidation:rule="self.type != 'header_injection' || has(self.headerInjection)",message="type header_injection needs headerInjection"
// +kubebuilder:validation:XValidation:rule="self.type != 'token_exchange' || has(self.tokenExchange)",message="type token_exchange needs tokenExchange"
type BackendAuthStrategy struct {
	// Type of the strategy: unauthenticated (no credentials), header_injection (a fixed
	// header, its value from a Secret) or token_exchange (the client's token exchanged
	// per RFC 8693 for one scoped to the backend; the client's token is never forwarded).
	Type BackendAuthType `json:"type"`
	// HeaderInjection adds a header whose value comes from an environment variable.
	// +optional
	HeaderInjection *HeaderInjection `json:"headerInjection,omitempty"`
	// TokenExchange obtains a backend token with RFC 8693 token exchange.
	// +optional
	TokenExchange *TokenExchange `json:"tokenExchange,omitempty"`

	// AWSSTS exchanges the client token for AWS credentials (STS AssumeRoleWithWebIdentity)
	// and signs backend requests. Not built in this operator yet: accepted, and reported on
	// the resource with the Unsupported condition and a Warning event.
	// +optional
	AWSSTS *StrategyAWSSTS `json:"awsSts,omitempty"`

	// OBO is the on-behalf-of token flow. Not built in this operator yet: accepted, and
	// reported on the resource with the Unsupported condition and a Warning event.
	// +optional
	OBO *StrategyOBO `json:"obo,omitempty"`

	// UpstreamInject forwards a token obtained from an upstream identity provider by the
	// embedded authorization server. Not built in this operator yet: accepted, and reported on
	// the resource with the Unsupported condition and a Warning event.
	// +optional
	UpstreamInject *StrategyUpstreamInject `json:"upstreamInject,omitempty"`

	// XAA is cross-application access (identity assertion grant). Not built in this operator
	// yet: accepted, and reported on the resource with the Unsupported condition and a Warning
	// event.
	// +optional
	XAA *StrategyXAA `json:"xaa,omitempty"`
}

// HeaderInjection injects a static secret header into backend requests.
type HeaderInjection struct {
	// HeaderName is the HTTP header to set.
	// +kubebuilder:validation:MinLength=1
	HeaderName string `json:"headerName"`
	// HeaderValueEnv names the environment variable holding the value (preferred:
	// secrets stay out of the configuration). One of headerValueEnv and headerValue is needed.
	// +optional
	HeaderValueEnv string `json:"headerValueEnv,omitempty"`

	// HeaderValue is the plain header value; prefer headerValueEnv for secrets.
	// +optional
	HeaderValue string `json:"headerValue,omitempty"`
}

// TokenExchange configures an RFC 8693 token exchange.
type TokenExchange struct {
	// TokenURL is the RFC 8693 token endpoint vmcp posts the client's token to in exchange
	// for a backend token.
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	TokenURL string `json:"tokenUrl"`
	// ClientID used at the token endpoint.
	// +optional
	ClientID string `json:"clientId,omitempty"`
	// ClientSecretEnv names the environment variable holding the client secret.
	// +optional
	ClientSecretEnv string `json:"clientSecretEnv,omitempty"`
	// Audience requested for the backend token.
	// +optional
	Audience string `json:"audience,omitempty"`
	// Scopes requested for the backend token.
	// +optional
	Scopes []string `json:"scopes,omitempty"`
	// SubjectTokenType is the RFC 8693 subject_token_type.
	// +optional
	SubjectTokenType string `json:"subjectTokenType,omitempty"`

	// ClientSecret is the client secret in plain text. Use clientSecretEnv: a plain-text
	// secret is not read by vmcp, and is reported on the resource with the Unsupported
	// condition and a Warning event.
	// +optional
	ClientSecret string `json:"clientSecret,omitempty"`

	// SubjectProviderName picks the upstream identity provider whose token is the subject
	// token; only meaningful with the embedded authorization server. Not built in this
	// operator yet: accepted, and reported on the resource with the Unsupported condition and
	// a Warning event.
	// +optional
	SubjectProviderName string `json:"subjectProviderName,omitempty"`
}

// ConflictResolution names how equal tool names from different backends are resolved.
// +kubebuilder:validation:Enum=prefix;priority;manual
type ConflictResolution string

// Conflict resolution strategies.
const (
	ConflictPrefix   ConflictResolution = "prefix"
	ConflictPriority ConflictResolution = "priority"
	ConflictManual   ConflictResolution = "manual"
)

// DefaultPrefixFormat is the prefix used by the prefix strategy when none is set.
const DefaultPrefixFormat = "{workload}_"

// Aggregation controls how backends' tools, resources and prompts are merged.
// +kubebuilder:validation:XValidation:rule="!has(self.conflictResolution) || self.conflictResolution != 'priority' || (has(self.conflictResolutionConfig) && has(self.conflictResolutionConfig.priorityOrder) && size(self.conflictResolutionConfig.priorityOrder) > 0)",message="conflictResolution priority needs conflictResolutionConfig.priorityOrder"
type Aggregation struct {
	// ConflictResolution says what happens when two backends offer a tool of the same
	// name: prefix (the default; every tool is renamed with prefixFormat, "{workload}_"
	// unless set), priority (the backend earlier in priorityOrder keeps the name, the
	// others' tool is hidden) or manual (tools[].overrides and filters must make every
	// name unique; a clash left over is an error that names the tools).
	// +kubebuilder:default=prefix
	// +optional
	ConflictResolution ConflictResolution `json:"conflictResolution,omitempty"`
	// ConflictResolutionConfig holds the settings of the chosen conflictResolution
	// strategy: prefixFormat for prefix, priorityOrder for priority.
	// +optional
	ConflictResolutionConfig *ConflictResolutionConfig `json:"conflictResolutionConfig,omitempty"`
	// Tools are per-workload filters and overrides, applied before conflict resolution.
	// +optional
	// +listType=map
	// +listMapKey=workload
	Tools []WorkloadTools `json:"tools,omitempty"`

	// DefaultToolVisibility says whether tools no filter names are shown (allow) or hidden (deny).
	// +optional
	// +kubebuilder:validation:Enum=allow;deny
	DefaultToolVisibility string `json:"defaultToolVisibility,omitempty"`

	// ExcludeAllTools hides every backend tool from clients (composite tools remain); a
	// workload entry may bring tools back.
	// +optional
	ExcludeAllTools *bool `json:"excludeAllTools,omitempty"`
}

// ConflictResolutionConfig holds the settings of the conflict resolution strategies.
type ConflictResolutionConfig struct {
	// PrefixFormat for the prefix strategy; {workload} is replaced by the backend name.
	// {workload}_ when unset.
	// +kubebuilder:default="{workload}_"
	// +kubebuilder:validation:MinLength=1
	// +optional
	PrefixFormat string `json:"prefixFormat,omitempty"`
	// PriorityOrder for the priority strategy: the first backend listed wins a conflict.
	// +optional
	// +listType=set
	PriorityOrder []string `json:"priorityOrder,omitempty"`
}

// WorkloadTools filters and renames one backend's tools.
type WorkloadTools struct {
	// Workload is the backend these settings apply to: its MCPServer, MCPRemoteProxy or
	// MCPServerEntry name (or static backend name).
	// +kubebuilder:validation:MinLength=1
	Workload string `json:"workload"`
	// Filter is an allow-list of the backend's original tool names; empty keeps all.
	// +optional
	Filter []string `json:"filter,omitempty"`
	// Overrides maps an original tool name to a new name, description or annotations.
	// +optional
	Overrides map[string]ToolOverride `json:"overrides,omitempty"`
	// ToolConfigRef names an MCPToolConfig whose filter and overrides apply to this workload.
	// +optional
	ToolConfigRef *NameRef `json:"toolConfigRef,omitempty"`

	// ExcludeAll hides all tools of this workload from clients.
	// +optional
	ExcludeAll *bool `json:"excludeAll,omitempty"`
}

// ToolOverride changes how one tool is presented to clients. Calls still reach the
// backend under the original name.
type ToolOverride struct {
	// Name clients see instead of the tool's original name; unset keeps it.
	// +optional
	Name string `json:"name,omitempty"`
	// Description clients see instead of the tool's own; unset keeps it.
	// +optional
	Description string `json:"description,omitempty"`
	// Annotations, when set, replace all of the backend tool's hints (title and the four
	// hints); unset keeps the backend's own.
	// +optional
	Annotations *ToolAnnotations `json:"annotations,omitempty"`
}

// ToolAnnotations are MCP tool hints.
type ToolAnnotations struct {
	// Title is the human-readable name clients may show instead of the tool name.
	// +optional
	Title string `json:"title,omitempty"`
	// ReadOnlyHint tells clients the tool does not change anything; false when unset.
	// +optional
	ReadOnlyHint *bool `json:"readOnlyHint,omitempty"`
	// DestructiveHint tells clients whether a tool that changes things may delete or
	// overwrite data; unset leaves the MCP default (true: assume destructive).
	// +optional
	DestructiveHint *bool `json:"destructiveHint,omitempty"`
	// IdempotentHint tells clients that calling the tool again with the same arguments has
	// no further effect; false when unset.
	// +optional
	IdempotentHint *bool `json:"idempotentHint,omitempty"`
	// OpenWorldHint tells clients whether the tool reaches systems outside the server (the
	// web, other services); unset leaves the MCP default (true).
	// +optional
	OpenWorldHint *bool `json:"openWorldHint,omitempty"`
}

// NameRef refers to an object in the same namespace by name.
type NameRef struct {
	// Name of the object.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
}

// Duration is a Go duration string such as "30s", "1m30s" or "500ms".
// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
type Duration string

// Operational holds timeouts and failure handling.
type Operational struct {
	// Timeouts bound the requests vmcp sends to backends: a default and per-backend values.
	// +optional
	Timeouts *Timeouts `json:"timeouts,omitempty"`
	// FailureHandling configures health checks, circuit breaking and partial failures.
	// +optional
	FailureHandling *FailureHandling `json:"failureHandling,omitempty"`

	// ListChanged would turn list_changed notifications on or off per backend; vmcp always
	// sends them when a backend's tools change. Not built in this operator yet: accepted,
	// and reported on the resource with the Unsupported condition and a Warning event.
	// +optional
	ListChanged *ListChanged `json:"listChanged,omitempty"`

	// LogLevel debug would turn on vmcp's debug logging (the only value the schema
	// accepts); set the LOG_LEVEL environment variable through podTemplateSpec instead. Not
	// built in this operator yet: accepted, and reported on the resource with the
	// Unsupported condition and a Warning event.
	// +optional
	// +kubebuilder:validation:Enum=debug
	LogLevel string `json:"logLevel,omitempty"`
	// Sessions limits client sessions: how many may be open and how long an idle one lives.
	// +optional
	Sessions *SessionLimits `json:"sessions,omitempty"`
}

// SessionLimits bound the client sessions one vmcp holds.
type SessionLimits struct {
	// MaxSessions caps the open client sessions: an initialize beyond it is
	// refused with HTTP 503 and a JSON-RPC error saying so. 0 means no cap.
	// +kubebuilder:validation:Minimum=0
	// +optional
	MaxSessions int32 `json:"maxSessions,omitempty"`
	// IdleTimeout closes a client session, and its backend sessions, after this long
	// without a request or open stream (Go duration); 30m when unset.
	// +kubebuilder:default="30m"
	// +optional
	IdleTimeout Duration `json:"idleTimeout,omitempty"`
}

// Timeouts bound backend requests.
type Timeouts struct {
	// Default timeout of every backend request (Go duration); 30s when unset.
	// +kubebuilder:default="30s"
	// +optional
	Default Duration `json:"default,omitempty"`
	// PerWorkload overrides the default for named backends.
	// +optional
	PerWorkload map[string]Duration `json:"perWorkload,omitempty"`

	// BackendInit would bound how long vmcp waits for one backend to initialize (Go
	// duration); the default timeout applies instead. Not built in this operator yet:
	// accepted, and reported on the resource with the Unsupported condition and a Warning
	// event.
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	BackendInit string `json:"backendInit,omitempty"`
}

// PartialFailureMode says what vmcp does when some backends fail.
// +kubebuilder:validation:Enum=fail;best_effort
type PartialFailureMode string

// Partial failure modes.
const (
	PartialFailureFail       PartialFailureMode = "fail"
	PartialFailureBestEffort PartialFailureMode = "best_effort"
)

// FailureHandling configures backend health checks and failure behaviour.
type FailureHandling struct {
	// HealthCheckInterval is how often each backend is checked (Go duration); 30s when
	// unset.
	// +kubebuilder:default="30s"
	// +optional
	HealthCheckInterval Duration `json:"healthCheckInterval,omitempty"`
	// HealthCheckTimeout bounds one check (Go duration); keep it below the interval. 10s
	// when unset.
	// +kubebuilder:default="10s"
	// +optional
	HealthCheckTimeout Duration `json:"healthCheckTimeout,omitempty"`
	// UnhealthyThreshold is the number of consecutive failed checks that mark a backend
	// unhealthy; 3 when unset.
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=1
	// +optional
	// +kubebuilder:validation:Maximum=2147483647
	UnhealthyThreshold int32 `json:"unhealthyThreshold,omitempty"`
	// StatusReportingInterval is how often vmcp writes backend status to its
	// VirtualMCPServer (Go duration); 30s when unset.
	// +kubebuilder:default="30s"
	// +optional
	StatusReportingInterval Duration `json:"statusReportingInterval,omitempty"`
	// PartialFailureMode: fail (the default) refuses service while any backend is down;
	// best_effort serves the healthy ones.
	// +kubebuilder:default=fail
	// +optional
	PartialFailureMode PartialFailureMode `json:"partialFailureMode,omitempty"`
	// CircuitBreaker stops calls to a failing backend for a while.
	// +optional
	CircuitBreaker *CircuitBreaker `json:"circuitBreaker,omitempty"`
}

// CircuitBreaker configures the per-backend circuit breaker.
type CircuitBreaker struct {
	// Enabled turns the circuit breaker on.
	// +optional
	Enabled bool `json:"enabled,omitempty"`
	// FailureThreshold is the number of consecutive failures that open the circuit; 5 when
	// unset.
	// +kubebuilder:default=5
	// +kubebuilder:validation:Minimum=1
	// +optional
	// +kubebuilder:validation:Maximum=2147483647
	FailureThreshold int32 `json:"failureThreshold,omitempty"`
	// Timeout is how long the circuit stays open before one trial call (half-open) is let
	// through (Go duration); 60s when unset.
	// +kubebuilder:default="60s"
	// +optional
	Timeout Duration `json:"timeout,omitempty"`
}

// CompositeToolRef names a VirtualMCPCompositeToolDefinition.
type CompositeToolRef struct {
	// Name of the VirtualMCPCompositeToolDefinition in the same namespace.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
}

// CompositeTool is a workflow of backend tool calls exposed as one tool. It is both
// an inline compositeTools entry and VirtualMCPCompositeToolDefinition.spec.
type CompositeTool struct {
	// Name of the tool as clients see it.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^[a-zA-Z0-9_.-]+$`
	Name string `json:"name"`
	// Description of the composite tool shown to clients in tools/list.
	// +optional
	Description string `json:"description,omitempty"`
	// Parameters is the JSON Schema (type object) of the tool's input.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Parameters *apiextensionsv1.JSON `json:"parameters,omitempty"`
	// Timeout bounds one run of the whole workflow (Go duration); unset runs without a
	// limit of its own.
	// +optional
	Timeout Duration `json:"timeout,omitempty"`
	// Steps of the workflow (at most 64); independent steps run in parallel.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	// +listType=map
	// +listMapKey=id
	Steps []WorkflowStep `json:"steps"`
	// Output shapes the tool's result from step outputs (templates allowed).
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	Output *apiextensionsv1.JSON `json:"output,omitempty"`

	// Annotations are the MCP hints (title, read-only, destructive, idempotent, open-world)
	// announced to clients for this composite tool; none when unset.
	// +optional
	Annotations *ToolAnnotations `json:"annotations,omitempty"`
}

// StepType names what a workflow step does.
// +kubebuilder:validation:Enum=tool;elicitation;forEach
type StepType string

// Workflow step types.
const (
	StepTool        StepType = "tool"
	StepElicitation StepType = "elicitation"
	StepForEach     StepType = "forEach"
)

// WorkflowStep is one step of a composite tool.
// +kubebuilder:validation:XValidation:rule="!has(self.type) || self.type != 'elicitation' || has(self.message)",message="an elicitation step needs message"
// +kubebuilder:validation:XValidation:rule="(has(self.type) && self.type == 'elicitation') || has(self.tool)",message="a tool or forEach step needs tool"
// +kubebuilder:validation:XValidation:rule="!has(self.type) || self.type != 'forEach' || has(self.collection)",message="a forEach step needs collection (a template yielding a list)"
type WorkflowStep struct {
	// ID identifies the step; other steps refer to it in dependsOn and templates.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-zA-Z][a-zA-Z0-9_-]*$`
	ID string `json:"id"`
	// Type of the step: tool (the default; calls tool with arguments), elicitation (asks
	// the client's user with message and schema) or forEach (calls tool once per item of
	// collection, at most maxParallel at a time; its output is the list of the calls'
	// outputs).
	// +kubebuilder:default=tool
	// +optional
	Type StepType `json:"type,omitempty"`
	// Tool to call, as <workload>.<tool_name>: the backend's name and the tool's original
	// name there. Required for tool and forEach steps.
	// +optional
	// +kubebuilder:validation:Pattern=`^[^.\s]+\.[^\s]+$`
	Tool string `json:"tool,omitempty"`
	// Arguments of the call; string values may be Go templates over .params and .steps.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Arguments *apiextensionsv1.JSON `json:"arguments,omitempty"`
	// Condition is a template; the step runs only when it renders "true".
	// +optional
	Condition string `json:"condition,omitempty"`
	// DependsOn lists the ids of steps that must finish first (at most 32).
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MaxLength=63
	// +listType=set
	DependsOn []string `json:"dependsOn,omitempty"`
	// OnError says what to do when the step fails.
	// +optional
	OnError *OnError `json:"onError,omitempty"`
	// Timeout bounds one attempt of the step (Go duration); unset gives the step no limit
	// of its own.
	// +optional
	Timeout Duration `json:"timeout,omitempty"`
	// Message asked of the user (elicitation).
	// +optional
	Message string `json:"message,omitempty"`
	// Schema of the elicited answer (elicitation).
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	Schema *apiextensionsv1.JSON `json:"schema,omitempty"`
	// OnDecline is what happens when the user declines (elicitation).
	// +optional
	OnDecline *ElicitationResponse `json:"onDecline,omitempty"`
	// OnCancel is what happens when the user cancels (elicitation).
	// +optional
	OnCancel *ElicitationResponse `json:"onCancel,omitempty"`
	// Collection is a template yielding the list a forEach step iterates over.
	// +optional
	Collection string `json:"collection,omitempty"`
	// DefaultResults is the step's output when it is skipped or fails with continue.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	DefaultResults *apiextensionsv1.JSON `json:"defaultResults,omitempty"`

	// ItemVar would rename the template variable of the current item in a forEach step;
	// the item is always .item (and its position .index). Not built in this operator yet: accepted, and reported on the resource with the
	// Unsupported condition and a Warning event.
	// +optional
	ItemVar string `json:"itemVar,omitempty"`

	// MaxIterations would cap the items a forEach step processes; every item of the
	// collection is processed. Not built in this operator yet: accepted, and reported on the resource with the
	// Unsupported condition and a Warning event.
	// +optional
	MaxIterations *int64 `json:"maxIterations,omitempty"`

	// MaxParallel would bound the forEach iterations run at once; vmcp's own bound (8
	// steps or items at a time) applies. Not built in this operator yet: accepted, and reported on the resource with the
	// Unsupported condition and a Warning event.
	// +optional
	MaxParallel *int64 `json:"maxParallel,omitempty"`

	// Step is the step run once per item of a forEach step. Not built in this operator yet:
	// accepted, and reported on the resource with the Unsupported condition and a Warning
	// event.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	Step *apiextensionsv1.JSON `json:"step,omitempty"`
}

// ErrorAction names what a failed step does to the workflow.
// +kubebuilder:validation:Enum=abort;continue;retry
type ErrorAction string

// Error actions.
const (
	ErrorAbort    ErrorAction = "abort"
	ErrorContinue ErrorAction = "continue"
	ErrorRetry    ErrorAction = "retry"
)

// OnError configures step failure handling.
// +kubebuilder:validation:XValidation:rule="self.action != 'retry' || (has(self.retryCount) && self.retryCount > 0)",message="onError action retry needs retryCount > 0"
type OnError struct {
	// Action on failure: abort (the default; the composite tool fails), continue (the
	// step's output is defaultResults and the workflow goes on) or retry (up to
	// retryCount more times, retryDelay apart, then abort).
	// +kubebuilder:default=abort
	// +optional
	Action ErrorAction `json:"action,omitempty"`
	// RetryCount is the number of retries for action retry.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10
	// +optional
	RetryCount int32 `json:"retryCount,omitempty"`
	// RetryDelay is the wait between two attempts of a retried step (Go duration); unset
	// retries at once.
	// +optional
	RetryDelay Duration `json:"retryDelay,omitempty"`
}

// ElicitationAction names what happens after a declined or cancelled elicitation.
// +kubebuilder:validation:Enum=skip_remaining;abort;continue
type ElicitationAction string

// Elicitation actions.
const (
	ElicitationSkipRemaining ElicitationAction = "skip_remaining"
	ElicitationAbort         ElicitationAction = "abort"
	ElicitationContinue      ElicitationAction = "continue"
)

// ElicitationResponse configures the reaction to a declined or cancelled elicitation.
type ElicitationResponse struct {
	// Action to take: abort (the default: the composite tool fails), continue (the step's output is defaultResults and the workflow goes on)
	// or skip_remaining (no further step starts; the workflow returns what it has).
	// +optional
	// +kubebuilder:default=abort
	Action ElicitationAction `json:"action,omitempty"`
}

// EmbeddingProvider names the HTTP API of an embedding service.
// +kubebuilder:validation:Enum=tei;openai
type EmbeddingProvider string

// Embedding providers: Hugging Face text-embeddings-inference (POST /embed) and
// the OpenAI-style API (POST /v1/embeddings).
const (
	EmbeddingProviderTEI    EmbeddingProvider = "tei"
	EmbeddingProviderOpenAI EmbeddingProvider = "openai"
)

// Optimizer configures find_tool / call_tool mode. Every field is optional:
// without an embedding service the search is keyword only.
// +kubebuilder:validation:XValidation:rule="!has(self.hybridSearchSemanticRatio) || double(self.hybridSearchSemanticRatio) <= 1.0",message="hybridSearchSemanticRatio must be between 0 and 1"
type Optimizer struct {
	// EmbeddingService is the base URL of the embedding service (the semantic
	// arm); set by the operator from spec.embeddingServerRef when that is used.
	// +optional
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	EmbeddingService string `json:"embeddingService,omitempty"`

	// EmbeddingServiceTimeout bounds one request to the embedding service (Go duration);
	// 30s when unset.
	// +kubebuilder:default="30s"
	// +optional
	EmbeddingServiceTimeout Duration `json:"embeddingServiceTimeout,omitempty"`

	// EmbeddingProvider is the embedding service's API: tei (the default;
	// Hugging Face text-embeddings-inference, POST /embed) or openai (POST
	// /v1/embeddings with embeddingModel).
	// +kubebuilder:default=tei
	// +optional
	EmbeddingProvider EmbeddingProvider `json:"embeddingProvider,omitempty"`

	// EmbeddingModel is sent as the model of OpenAI-style requests.
	// +optional
	EmbeddingModel string `json:"embeddingModel,omitempty"`

	// EmbeddingHeaders are added to every embedding request (e.g. Authorization).
	// +optional
	EmbeddingHeaders map[string]OptimizerHeaderValue `json:"embeddingHeaders,omitempty"`

	// MaxToolsToReturn caps find_tool's results (default 8).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=50
	// +optional
	MaxToolsToReturn *int32 `json:"maxToolsToReturn,omitempty"`

	// HybridSearchSemanticRatio is the semantic arm's share of the ranking, a
	// decimal from "0" (keyword only) to "1" (semantic only); default "0.5"
	// when an embedding service is set.
	// +kubebuilder:validation:Pattern=`^([0-9]*[.])?[0-9]+$`
	// +optional
	HybridSearchSemanticRatio string `json:"hybridSearchSemanticRatio,omitempty"`

	// SemanticDistanceThreshold drops semantic matches whose cosine distance
	// (0 identical .. 2 opposite) is above it, a decimal string such as "1.0".
	// +kubebuilder:validation:Pattern=`^([0-9]*[.])?[0-9]+$`
	// +optional
	SemanticDistanceThreshold string `json:"semanticDistanceThreshold,omitempty"`
}

// OptimizerHeaderValue is one embedding request header value: no control characters.
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=8192
// +kubebuilder:validation:Pattern=`^[^\x00-\x08\x0A-\x1F\x7F]*$`
type OptimizerHeaderValue string
