package config

// Configuration fields of the original system's v0.63 vmcp configuration that the
// seeds' era did not have. Where vmcp does not implement a field, its documentation
// says so and the operator reports it with the Unsupported condition.

// AuditConfig configures audit events of MCP requests.
type AuditConfig struct {
	// Component name written into each audit event.
	// +optional
	Component string `json:"component,omitempty"`

	// DetectApplicationErrors records tool results with isError set as failures; true when
	// unset.
	// +optional
	// +kubebuilder:default=true
	DetectApplicationErrors *bool `json:"detectApplicationErrors,omitempty"`

	// Enabled turns audit logging on; false when unset.
	// +optional
	// +kubebuilder:default=false
	Enabled *bool `json:"enabled,omitempty"`

	// EventTypes to record; empty records all.
	// +optional
	EventTypes []string `json:"eventTypes,omitempty"`

	// ExcludeEventTypes are event types never recorded, even when eventTypes lists them.
	// +optional
	ExcludeEventTypes []string `json:"excludeEventTypes,omitempty"`

	// IncludeRequestData records request payloads, up to maxDataSize; false when unset.
	// +optional
	// +kubebuilder:default=false
	IncludeRequestData *bool `json:"includeRequestData,omitempty"`

	// IncludeResponseData records response payloads, up to maxDataSize; false when unset.
	// +optional
	// +kubebuilder:default=false
	IncludeResponseData *bool `json:"includeResponseData,omitempty"`

	// LogFile receives the events (stdout when empty): an absolute path in a directory of
	// its own, e.g. /var/log/vmcp/audit.log; in a cluster the operator mounts a writable
	// emptyDir at that directory, since vmcp's root filesystem is read-only.
	// +optional
	LogFile string `json:"logFile,omitempty"`

	// MaxDataSize is the most bytes of one payload recorded; 1024 when unset.
	// +optional
	// +kubebuilder:default=1024
	MaxDataSize *int64 `json:"maxDataSize,omitempty"`

	// MaxDelegationDepth is how many links of a token delegation chain are recorded (at
	// least 1); 10 when unset.
	// +optional
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=1
	MaxDelegationDepth *int64 `json:"maxDelegationDepth,omitempty"`
}

// CodeMode exposes the backends as code to run instead of single tools.
type CodeMode struct {
	// Enabled turns code mode on for this vmcp.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// ParallelMaxConcurrency bounds the tool calls one program runs at once (at least 1);
	// 10 when unset.
	// +optional
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=1
	ParallelMaxConcurrency *int64 `json:"parallelMaxConcurrency,omitempty"`

	// StepLimit bounds the steps one program may run (at least 1); 100000 when unset.
	// +optional
	// +kubebuilder:default=100000
	// +kubebuilder:validation:Minimum=1
	StepLimit *int64 `json:"stepLimit,omitempty"`

	// ToolCallTimeout bounds one tool call of a program (Go duration); 30s when unset.
	// +optional
	// +kubebuilder:default="30s"
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	ToolCallTimeout string `json:"toolCallTimeout,omitempty"`
}

// ListChanged configures list_changed notifications to clients.
type ListChanged struct {
	// DisabledWorkloads are backends whose tool list changes would not be announced to
	// clients.
	// +optional
	DisabledWorkloads []string `json:"disabledWorkloads,omitempty"`

	// Enabled sends list_changed notifications to clients.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// StrategyAWSSTSRoleMapping picks an IAM role for tokens whose claims match.
type StrategyAWSSTSRoleMapping struct {
	// Claim is a value of the token's roleClaim (for example a group name) that selects
	// this mapping's roleArn. Use claim or matcher.
	// +optional
	Claim string `json:"claim,omitempty"`

	// Matcher is an expression over the token's claims that selects this mapping's roleArn,
	// for rules one claim value cannot express. Use claim or matcher.
	// +optional
	Matcher string `json:"matcher,omitempty"`

	// Priority orders the mappings when several match a token.
	// +optional
	Priority *int64 `json:"priority,omitempty"`

	// RoleARN is the IAM role assumed when this mapping matches, as
	// arn:aws:iam::<account>:role/<name>.
	// +required
	RoleARN string `json:"roleArn"`
}

// StrategyAWSSTS trades the client's token for temporary AWS credentials and signs backend
// requests with them.
type StrategyAWSSTS struct {
	// FallbackRoleARN is the IAM role assumed when no roleMappings entry matches the
	// client's token; without it such a request is refused.
	// +optional
	FallbackRoleARN string `json:"fallbackRoleArn,omitempty"`

	// Region of the AWS STS endpoint and of the request signature, for example us-east-1.
	// +required
	Region string `json:"region"`

	// RoleClaim is the claim of the client's token that roleMappings compare against
	// (groups in the MCPExternalAuthConfig form).
	// +optional
	RoleClaim string `json:"roleClaim,omitempty"`

	// RoleMappings choose the IAM role to assume from the client's token claims; else
	// fallbackRoleArn.
	// +optional
	RoleMappings []StrategyAWSSTSRoleMapping `json:"roleMappings,omitempty"`

	// Service is the AWS service name used in the SigV4 signature of backend requests
	// (aws-mcp in the MCPExternalAuthConfig form).
	// +optional
	Service string `json:"service,omitempty"`

	// SessionDuration of the temporary AWS credentials, in seconds (900 to 43200).
	// +optional
	SessionDuration *int32 `json:"sessionDuration,omitempty"`

	// SessionNameClaim is the claim of the client's token used as the STS role session
	// name, so AWS audit logs show who called.
	// +optional
	SessionNameClaim string `json:"sessionNameClaim,omitempty"`

	// SubjectProviderName picks the upstream identity provider whose token is the subject
	// token; only meaningful with the embedded authorization server. Not built in this
	// operator yet: accepted, and reported on the resource with the Unsupported condition and
	// a Warning event.
	// +optional
	SubjectProviderName string `json:"subjectProviderName,omitempty"`
}

// StrategyOBO is the on-behalf-of flow: the client's token is traded for a token for the
// backend API.
type StrategyOBO struct {
	// Audience of the token requested on the user's behalf: the backend API it is for.
	// +optional
	Audience string `json:"audience,omitempty"`

	// CacheSkewSeconds renews a cached on-behalf-of token this many seconds before it
	// expires.
	// +optional
	CacheSkewSeconds *int32 `json:"cacheSkewSeconds,omitempty"`

	// ClientID of the application registration that requests tokens on the user's behalf.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecret is the client secret in plain text; prefer clientSecretEnv.
	// +optional
	ClientSecret string `json:"clientSecret,omitempty"`

	// ClientSecretEnv names the environment variable of the vmcp container that holds the
	// application's client secret.
	// +optional
	ClientSecretEnv string `json:"clientSecretEnv,omitempty"`

	// Scopes requested for the on-behalf-of token.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// SubjectTokenProviderName picks the upstream provider of the embedded authorization
	// server whose token is exchanged.
	// +optional
	SubjectTokenProviderName string `json:"subjectTokenProviderName,omitempty"`

	// TokenURL is the identity provider's token endpoint that issues the on-behalf-of
	// token.
	// +required
	TokenURL string `json:"tokenUrl"`
}

// StrategyUpstreamInject sends the user's token of an upstream provider to the backend.
type StrategyUpstreamInject struct {
	// ProviderName names the upstream provider of the embedded authorization server whose
	// token for this user is sent to the backend.
	// +required
	ProviderName string `json:"providerName"`
}

// StrategyXAA is cross-application access with an identity assertion grant.
type StrategyXAA struct {
	// IDPClientID is the client_id at the identity provider that issues the identity
	// assertion.
	// +optional
	IDPClientID string `json:"idpClientId,omitempty"`

	// IDPClientSecret is the client secret at the identity provider in plain text; prefer
	// idpClientSecretEnv.
	// +optional
	IDPClientSecret string `json:"idpClientSecret,omitempty"`

	// IDPClientSecretEnv names the environment variable of the vmcp container that holds
	// the client secret at the identity provider.
	// +optional
	IDPClientSecretEnv string `json:"idpClientSecretEnv,omitempty"`

	// IDPTokenURL is the identity provider's token endpoint where the user's ID token is
	// exchanged for an identity assertion for the target.
	// +required
	IDPTokenURL string `json:"idpTokenUrl"`

	// InsecureTargetTokenURL accepts an http:// targetTokenUrl (development only).
	// +optional
	InsecureTargetTokenURL *bool `json:"insecureTargetTokenUrl,omitempty"`

	// Scopes requested from the target authorization server.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// SubjectProviderName picks the upstream identity provider whose token is the subject
	// token; only meaningful with the embedded authorization server. Not built in this
	// operator yet: accepted, and reported on the resource with the Unsupported condition and
	// a Warning event.
	// +optional
	SubjectProviderName string `json:"subjectProviderName,omitempty"`

	// SubjectTokenType is the type of the token presented to the identity provider;
	// urn:ietf:params:oauth:token-type:id_token (an OIDC ID token) in the
	// MCPExternalAuthConfig form.
	// +optional
	SubjectTokenType string `json:"subjectTokenType,omitempty"`

	// TargetAudience is the target authorization server the identity assertion is issued
	// for (its issuer URL).
	// +required
	TargetAudience string `json:"targetAudience"`

	// TargetClientID is the client_id at the target authorization server.
	// +optional
	TargetClientID string `json:"targetClientId,omitempty"`

	// TargetClientSecret is the client secret at the target authorization server in plain
	// text; prefer targetClientSecretEnv.
	// +optional
	TargetClientSecret string `json:"targetClientSecret,omitempty"`

	// TargetClientSecretEnv names the environment variable of the vmcp container that holds
	// the client secret at the target authorization server.
	// +optional
	TargetClientSecretEnv string `json:"targetClientSecretEnv,omitempty"`

	// TargetResource is the resource indicator (RFC 8707) of the backend the final access
	// token is for.
	// +optional
	TargetResource string `json:"targetResource,omitempty"`

	// TargetTokenURL is the target authorization server's token endpoint where the identity
	// assertion is redeemed for an access token.
	// +required
	TargetTokenURL string `json:"targetTokenUrl"`
}

// RateLimitingPerUser is a token bucket: maxTokens requests in a burst, refilled over
// refillPeriod.
type RateLimitingPerUser struct {
	// MaxTokens is the bucket size: requests allowed in a burst.
	// +required
	// +kubebuilder:validation:Minimum=1
	MaxTokens int32 `json:"maxTokens"`

	// RefillPeriod is the time in which an empty bucket refills completely (Go duration).
	// +required
	RefillPeriod string `json:"refillPeriod"`
}

// RateLimitingTool are the limits of one tool, applied in addition to the global ones.
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

// RateLimiting limits MCP requests with token buckets.
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

// Telemetry configures vmcp's OpenTelemetry export and Prometheus endpoint.
type Telemetry struct {
	// CACertPath is a CA bundle file for the OTLP endpoint's TLS.
	// +optional
	CACertPath string `json:"caCertPath,omitempty"`

	// CustomAttributes are resource attributes added to every span and metric.
	// +optional
	CustomAttributes map[string]string `json:"customAttributes,omitempty"`

	// EnablePrometheusMetricsPath serves Prometheus metrics on /metrics of the MCP port;
	// false when unset.
	// +optional
	// +kubebuilder:default=false
	EnablePrometheusMetricsPath *bool `json:"enablePrometheusMetricsPath,omitempty"`

	// Endpoint of the OTLP collector that vmcp exports to, as host:port over OTLP/HTTP;
	// nothing is exported over OTLP when unset.
	// +optional
	Endpoint string `json:"endpoint,omitempty"`

	// EnvironmentVariables are names of environment variables recorded as span attributes.
	// +optional
	EnvironmentVariables []string `json:"environmentVariables,omitempty"`

	// Headers sent with every OTLP request (e.g. an API key).
	// +optional
	Headers map[string]string `json:"headers,omitempty"`

	// Insecure sends OTLP over plain HTTP instead of TLS; false when unset.
	// +optional
	// +kubebuilder:default=false
	Insecure *bool `json:"insecure,omitempty"`

	// MetricsEnabled exports metrics over OTLP; false when unset.
	// +optional
	// +kubebuilder:default=false
	MetricsEnabled *bool `json:"metricsEnabled,omitempty"`

	// MetricsOnTransportPort also serves /metrics on the MCP port (4483), as vmcp does when
	// unset; false takes it off the MCP port, for use with prometheusPort.
	// +optional
	MetricsOnTransportPort *bool `json:"metricsOnTransportPort,omitempty"`

	// PrometheusPort serves /metrics on a listener of its own at this port (the container
	// port named metrics), when enablePrometheusMetricsPath is set.
	// +optional
	PrometheusPort *int64 `json:"prometheusPort,omitempty"`

	// SamplingRate is the fraction of traces recorded, as a decimal string from 0 to 1;
	// 0.05 (one in twenty) when unset.
	// +optional
	// +kubebuilder:default="0.05"
	SamplingRate string `json:"samplingRate,omitempty"`

	// ServiceName is the OpenTelemetry service.name of this workload; defaults to the
	// workload's name.
	// +optional
	ServiceName string `json:"serviceName,omitempty"`

	// ServiceVersion is the OpenTelemetry service.version resource attribute of vmcp's
	// spans and metrics; not sent when unset.
	// +optional
	ServiceVersion string `json:"serviceVersion,omitempty"`

	// TracingEnabled exports traces over OTLP; false when unset.
	// +optional
	// +kubebuilder:default=false
	TracingEnabled *bool `json:"tracingEnabled,omitempty"`

	// UseLegacyAttributes also emits the attribute names of older releases, for dashboards
	// built on them; true when unset.
	// +optional
	// +kubebuilder:default=true
	UseLegacyAttributes *bool `json:"useLegacyAttributes,omitempty"`
}
