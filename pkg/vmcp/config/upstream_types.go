package config

// Configuration fields of the original system's v0.63 vmcp configuration that the
// seeds' era did not have. Where vmcp does not implement a field, its documentation
// says so and the operator reports it with the Unsupported condition.

// AuditConfig is the audit of a VirtualMCPServer.
type AuditConfig struct {
	// Component name written into each audit event.
	// +optional
	Component string `json:"component,omitempty"`

	// DetectApplicationErrors records tool results with isError as failures.
	// +optional
	// +kubebuilder:default=true
	DetectApplicationErrors *bool `json:"detectApplicationErrors,omitempty"`

	// Enabled turns audit logging on.
	// +optional
	// +kubebuilder:default=false
	Enabled *bool `json:"enabled,omitempty"`

	// EventTypes to record; empty records all.
	// +optional
	EventTypes []string `json:"eventTypes,omitempty"`

	// ExcludeEventTypes are never recorded.
	// +optional
	ExcludeEventTypes []string `json:"excludeEventTypes,omitempty"`

	// IncludeRequestData records request payloads.
	// +optional
	// +kubebuilder:default=false
	IncludeRequestData *bool `json:"includeRequestData,omitempty"`

	// IncludeResponseData records response payloads.
	// +optional
	// +kubebuilder:default=false
	IncludeResponseData *bool `json:"includeResponseData,omitempty"`

	// LogFile receives the events; stdout when empty.
	// +optional
	LogFile string `json:"logFile,omitempty"`

	// MaxDataSize in bytes of a recorded payload.
	// +optional
	// +kubebuilder:default=1024
	MaxDataSize *int64 `json:"maxDataSize,omitempty"`

	// MaxDelegationDepth of token delegation chains recorded.
	// +optional
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=1
	MaxDelegationDepth *int64 `json:"maxDelegationDepth,omitempty"`
}

// CodeMode is the code mode of a VirtualMCPServer.
type CodeMode struct {
	// Enabled turns code mode on.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// ParallelMaxConcurrency bounds concurrent tool calls of one program.
	// +optional
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=1
	ParallelMaxConcurrency *int64 `json:"parallelMaxConcurrency,omitempty"`

	// StepLimit bounds the steps one program may run.
	// +optional
	// +kubebuilder:default=100000
	// +kubebuilder:validation:Minimum=1
	StepLimit *int64 `json:"stepLimit,omitempty"`

	// ToolCallTimeout bounds one tool call (Go duration).
	// +optional
	// +kubebuilder:default="30s"
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	ToolCallTimeout string `json:"toolCallTimeout,omitempty"`
}

// ListChanged is the list changed of a VirtualMCPServer.
type ListChanged struct {
	// DisabledWorkloads send no list_changed notifications.
	// +optional
	DisabledWorkloads []string `json:"disabledWorkloads,omitempty"`

	// Enabled sends list_changed notifications to clients.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// StrategyAWSSTSRoleMapping is the role mappings of a VirtualMCPServer.
type StrategyAWSSTSRoleMapping struct {
	// Claim is the claim.
	// +optional
	Claim string `json:"claim,omitempty"`

	// Matcher is the matcher.
	// +optional
	Matcher string `json:"matcher,omitempty"`

	// Priority is the priority.
	// +optional
	Priority *int64 `json:"priority,omitempty"`

	// RoleARN is the role ARN.
	// +required
	RoleARN string `json:"roleArn"`
}

// StrategyAWSSTS is the AWS STS of a VirtualMCPServer.
type StrategyAWSSTS struct {
	// FallbackRoleARN is the fallback role ARN.
	// +optional
	FallbackRoleARN string `json:"fallbackRoleArn,omitempty"`

	// Region is the region.
	// +required
	Region string `json:"region"`

	// RoleClaim is the role claim.
	// +optional
	RoleClaim string `json:"roleClaim,omitempty"`

	// RoleMappings is the role mappings.
	// +optional
	RoleMappings []StrategyAWSSTSRoleMapping `json:"roleMappings,omitempty"`

	// Service is the service.
	// +optional
	Service string `json:"service,omitempty"`

	// SessionDuration is the session duration.
	// +optional
	SessionDuration *int32 `json:"sessionDuration,omitempty"`

	// SessionNameClaim is the session name claim.
	// +optional
	SessionNameClaim string `json:"sessionNameClaim,omitempty"`

	// SubjectProviderName picks the upstream identity provider whose token is the subject
	// token; only meaningful with the embedded authorization server. Not built in this
	// operator yet: accepted, and reported on the resource with the Unsupported condition and
	// a Warning event.
	// +optional
	SubjectProviderName string `json:"subjectProviderName,omitempty"`
}

// StrategyOBO is the OBO of a VirtualMCPServer.
type StrategyOBO struct {
	// Audience is the value the token's aud claim must contain for this workload.
	// +optional
	Audience string `json:"audience,omitempty"`

	// CacheSkewSeconds is the cache skew seconds.
	// +optional
	CacheSkewSeconds *int32 `json:"cacheSkewSeconds,omitempty"`

	// ClientID of the OAuth client the workload acts as.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecret is the client secret in plain text; prefer clientSecretEnv.
	// +optional
	ClientSecret string `json:"clientSecret,omitempty"`

	// ClientSecretEnv is the client secret env.
	// +optional
	ClientSecretEnv string `json:"clientSecretEnv,omitempty"`

	// Scopes is the scopes.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// SubjectTokenProviderName is the subject token provider name.
	// +optional
	SubjectTokenProviderName string `json:"subjectTokenProviderName,omitempty"`

	// TokenURL is the token URL.
	// +required
	TokenURL string `json:"tokenUrl"`
}

// StrategyUpstreamInject is the upstream inject of a VirtualMCPServer.
type StrategyUpstreamInject struct {
	// ProviderName is the provider name.
	// +required
	ProviderName string `json:"providerName"`
}

// StrategyXAA is the XAA of a VirtualMCPServer.
type StrategyXAA struct {
	// IDPClientID is the IDP client ID.
	// +optional
	IDPClientID string `json:"idpClientId,omitempty"`

	// IDPClientSecret is the IDP client secret.
	// +optional
	IDPClientSecret string `json:"idpClientSecret,omitempty"`

	// IDPClientSecretEnv is the IDP client secret env.
	// +optional
	IDPClientSecretEnv string `json:"idpClientSecretEnv,omitempty"`

	// IDPTokenURL is the IDP token URL.
	// +required
	IDPTokenURL string `json:"idpTokenUrl"`

	// InsecureTargetTokenURL is the insecure target token URL.
	// +optional
	InsecureTargetTokenURL *bool `json:"insecureTargetTokenUrl,omitempty"`

	// Scopes is the scopes.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// SubjectProviderName picks the upstream identity provider whose token is the subject
	// token; only meaningful with the embedded authorization server. Not built in this
	// operator yet: accepted, and reported on the resource with the Unsupported condition and
	// a Warning event.
	// +optional
	SubjectProviderName string `json:"subjectProviderName,omitempty"`

	// SubjectTokenType is the subject token type.
	// +optional
	SubjectTokenType string `json:"subjectTokenType,omitempty"`

	// TargetAudience is the target audience.
	// +required
	TargetAudience string `json:"targetAudience"`

	// TargetClientID is the target client ID.
	// +optional
	TargetClientID string `json:"targetClientId,omitempty"`

	// TargetClientSecret is the target client secret.
	// +optional
	TargetClientSecret string `json:"targetClientSecret,omitempty"`

	// TargetClientSecretEnv is the target client secret env.
	// +optional
	TargetClientSecretEnv string `json:"targetClientSecretEnv,omitempty"`

	// TargetResource is the target resource.
	// +optional
	TargetResource string `json:"targetResource,omitempty"`

	// TargetTokenURL is the target token URL.
	// +required
	TargetTokenURL string `json:"targetTokenUrl"`
}

// RateLimitingPerUser is the per user of a VirtualMCPServer.
type RateLimitingPerUser struct {
	// MaxTokens is the bucket size: requests allowed in a burst.
	// +required
	// +kubebuilder:validation:Minimum=1
	MaxTokens int32 `json:"maxTokens"`

	// RefillPeriod is the time in which an empty bucket refills completely (Go duration).
	// +required
	RefillPeriod string `json:"refillPeriod"`
}

// RateLimitingTool is the tools of a VirtualMCPServer.
type RateLimitingTool struct {
	// Name of the tool the limits apply to.
	// +required
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// PerUser is a bucket per authenticated user.
	// +optional
	PerUser *RateLimitingPerUser `json:"perUser,omitempty"`

	// Shared is one bucket for all clients.
	// +optional
	Shared *RateLimitingPerUser `json:"shared,omitempty"`
}

// RateLimiting is the rate limiting of a VirtualMCPServer.
type RateLimiting struct {
	// PerUser is a bucket per authenticated user.
	// +optional
	PerUser *RateLimitingPerUser `json:"perUser,omitempty"`

	// Shared is one bucket for all clients.
	// +optional
	Shared *RateLimitingPerUser `json:"shared,omitempty"`

	// Tools are limits for single tools, applied in addition to the global ones.
	// +optional
	Tools []RateLimitingTool `json:"tools,omitempty"`
}

// Telemetry is the telemetry of a VirtualMCPServer.
type Telemetry struct {
	// CACertPath is a CA bundle file for the OTLP endpoint's TLS.
	// +optional
	CACertPath string `json:"caCertPath,omitempty"`

	// CustomAttributes are resource attributes added to every span and metric.
	// +optional
	CustomAttributes map[string]string `json:"customAttributes,omitempty"`

	// EnablePrometheusMetricsPath serves Prometheus metrics on /metrics.
	// +optional
	// +kubebuilder:default=false
	EnablePrometheusMetricsPath *bool `json:"enablePrometheusMetricsPath,omitempty"`

	// Endpoint of the OTLP collector, host:port (OTLP over HTTP).
	// +optional
	Endpoint string `json:"endpoint,omitempty"`

	// EnvironmentVariables are names of environment variables recorded as span attributes.
	// +optional
	EnvironmentVariables []string `json:"environmentVariables,omitempty"`

	// Headers sent with every OTLP request (e.g. an API key).
	// +optional
	Headers map[string]string `json:"headers,omitempty"`

	// Insecure sends OTLP without TLS.
	// +optional
	// +kubebuilder:default=false
	Insecure *bool `json:"insecure,omitempty"`

	// MetricsEnabled turns on OTLP metrics.
	// +optional
	// +kubebuilder:default=false
	MetricsEnabled *bool `json:"metricsEnabled,omitempty"`

	// MetricsOnTransportPort serves /metrics on the MCP port.
	// +optional
	MetricsOnTransportPort *bool `json:"metricsOnTransportPort,omitempty"`

	// PrometheusPort is a separate port for /metrics (with enablePrometheusMetricsPath).
	// +optional
	PrometheusPort *int64 `json:"prometheusPort,omitempty"`

	// SamplingRate is the fraction of traces recorded, as a decimal string between 0 and 1.
	// +optional
	// +kubebuilder:default="0.05"
	SamplingRate string `json:"samplingRate,omitempty"`

	// ServiceName is the OpenTelemetry service.name of this workload; defaults to the
	// workload's name.
	// +optional
	ServiceName string `json:"serviceName,omitempty"`

	// ServiceVersion is the OpenTelemetry service.version.
	// +optional
	ServiceVersion string `json:"serviceVersion,omitempty"`

	// TracingEnabled turns on OTLP traces.
	// +optional
	// +kubebuilder:default=false
	TracingEnabled *bool `json:"tracingEnabled,omitempty"`

	// UseLegacyAttributes also emits the attribute names of older releases.
	// +optional
	// +kubebuilder:default=true
	UseLegacyAttributes *bool `json:"useLegacyAttributes,omitempty"`
}
