package convert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
)

// RunConfig is the CLI's RunConfig JSON document (schema v0.1.0, as `thv export
// --format json` writes it and as the state file stores it). Nested objects whose
// content is only reported are kept raw.
type RunConfig struct {
	SchemaVersion        string                  `json:"schema_version"`
	MCPServerGeneration  int64                   `json:"mcpserver_generation"`
	Image                string                  `json:"image"`
	RemoteURL            string                  `json:"remote_url"`
	RegistryAPIURL       string                  `json:"registry_api_url"`
	RegistryURL          string                  `json:"registry_url"`
	RegistryServerName   string                  `json:"registry_server_name"`
	RemoteAuthConfig     json.RawMessage         `json:"remote_auth_config"`
	CmdArgs              []string                `json:"cmd_args"`
	Name                 string                  `json:"name"`
	ContainerName        string                  `json:"container_name"`
	BaseName             string                  `json:"base_name"`
	Transport            string                  `json:"transport"`
	Host                 string                  `json:"host"`
	Port                 int                     `json:"port"`
	TargetPort           int                     `json:"target_port"`
	TargetHost           string                  `json:"target_host"`
	AllowedOrigins       []string                `json:"allowed_origins"`
	Publish              []string                `json:"publish"`
	PermissionProfileRef string                  `json:"permission_profile_name_or_path"`
	PermissionProfile    *PermissionProfile      `json:"permission_profile"`
	EnvVars              map[string]string       `json:"env_vars"`
	EnvFileDir           string                  `json:"env_file_dir"`
	Debug                bool                    `json:"debug"`
	Volumes              []string                `json:"volumes"`
	ContainerLabels      map[string]string       `json:"container_labels"`
	OIDCConfig           *OIDCConfig             `json:"oidc_config"`
	TokenExchangeConfig  json.RawMessage         `json:"token_exchange_config"`
	UpstreamSwapConfig   json.RawMessage         `json:"upstream_swap_config"`
	AWSSTSConfig         json.RawMessage         `json:"aws_sts_config"`
	AuthzConfig          json.RawMessage         `json:"authz_config"`
	AuthzConfigPath      string                  `json:"authz_config_path"`
	AuditConfig          *AuditConfig            `json:"audit_config"`
	AuditConfigPath      string                  `json:"audit_config_path"`
	TelemetryConfig      *TelemetryConfig        `json:"telemetry_config"`
	RateLimitConfig      json.RawMessage         `json:"rate_limit_config"`
	RateLimitNamespace   string                  `json:"rate_limit_namespace"`
	Secrets              []string                `json:"secrets"`
	K8sPodTemplatePatch  string                  `json:"k8s_pod_template_patch"`
	IsolateNetwork       bool                    `json:"isolate_network"`
	AllowDockerGateway   bool                    `json:"allow_docker_gateway"`
	TrustProxyHeaders    bool                    `json:"trust_proxy_headers"`
	StrictProtocol       bool                    `json:"strict_protocol_validation"`
	Stateless            bool                    `json:"stateless"`
	SessionTTL           string                  `json:"session_ttl"`
	MaxRequestBodySize   int64                   `json:"max_request_body_size"`
	ProxyReadTimeout     string                  `json:"proxy_read_timeout"`
	ProxyMode            string                  `json:"proxy_mode"`
	ThvCABundle          string                  `json:"thv_ca_bundle"`
	JWKSAuthTokenFile    string                  `json:"jwks_auth_token_file"`
	Group                string                  `json:"group"`
	ToolsFilter          []string                `json:"tools_filter"`
	ToolsOverride        map[string]ToolOverride `json:"tools_override"`
	IgnoreConfig         json.RawMessage         `json:"ignore_config"`
	MiddlewareConfigs    json.RawMessage         `json:"middleware_configs"`
	AdditionalMiddleware json.RawMessage         `json:"additional_middleware_configs"`
	ValidatingWebhooks   json.RawMessage         `json:"validating_webhooks"`
	MutatingWebhooks     json.RawMessage         `json:"mutating_webhooks"`
	EndpointPrefix       string                  `json:"endpoint_prefix"`
	RuntimeConfig        json.RawMessage         `json:"runtime_config"`
	HeaderForward        *HeaderForward          `json:"header_forward"`
	EmbeddedAuthServer   json.RawMessage         `json:"embedded_auth_server_config"`
	ScalingConfig        *ScalingConfig          `json:"scaling_config"`
}

// PermissionProfile is the CLI's resolved permission profile.
type PermissionProfile struct {
	Name       string          `json:"name"`
	Read       []string        `json:"read"`
	Write      []string        `json:"write"`
	Network    *NetworkProfile `json:"network"`
	Privileged bool            `json:"privileged"`
}

// NetworkProfile is the network part of a permission profile.
type NetworkProfile struct {
	Mode     string `json:"mode"`
	Outbound *struct {
		InsecureAllowAll bool     `json:"insecure_allow_all"`
		AllowHost        []string `json:"allow_host"`
		AllowPort        []int    `json:"allow_port"`
	} `json:"outbound"`
	Inbound *struct {
		AllowHost []string `json:"allow_host"`
	} `json:"inbound"`
}

// OIDCConfig is the CLI's incoming-token settings; the type has no JSON tags, so
// its keys are Go field names.
type OIDCConfig struct {
	Issuer            string
	Audience          string
	JWKSURL           string
	ClientID          string
	ClientSecret      string
	CACertPath        string
	AuthTokenFile     string
	AllowPrivateIP    bool
	InsecureAllowHTTP bool
	IntrospectionURL  string
	ResourceURL       string
	Scopes            []string
}

// AuthzFile is the authorizer config ({version, type, cedar|pdp}).
type AuthzFile struct {
	Version string          `json:"version"`
	Type    string          `json:"type"`
	Cedar   *CedarConfig    `json:"cedar"`
	PDP     json.RawMessage `json:"pdp"`
}

// CedarConfig is the Cedar authorizer's settings.
type CedarConfig struct {
	Policies                []string `json:"policies"`
	EntitiesJSON            string   `json:"entities_json"`
	PrimaryUpstreamProvider string   `json:"primary_upstream_provider"`
	GroupClaimName          string   `json:"group_claim_name"`
	RoleClaimName           string   `json:"role_claim_name"`
	GroupEntityType         string   `json:"group_entity_type"`
}

// AuditConfig is the CLI's audit settings (camelCase keys).
type AuditConfig struct {
	Enabled                 *bool    `json:"enabled"`
	Component               string   `json:"component"`
	EventTypes              []string `json:"eventTypes"`
	ExcludeEventTypes       []string `json:"excludeEventTypes"`
	IncludeRequestData      bool     `json:"includeRequestData"`
	IncludeResponseData     bool     `json:"includeResponseData"`
	DetectApplicationErrors bool     `json:"detectApplicationErrors"`
	MaxDataSize             int      `json:"maxDataSize"`
	MaxDelegationDepth      int      `json:"maxDelegationDepth"`
	LogFile                 string   `json:"logFile"`
}

// TelemetryConfig is the CLI's OpenTelemetry settings (camelCase keys).
type TelemetryConfig struct {
	Endpoint                    string            `json:"endpoint"`
	ServiceName                 string            `json:"serviceName"`
	ServiceVersion              string            `json:"serviceVersion"`
	TracingEnabled              bool              `json:"tracingEnabled"`
	MetricsEnabled              bool              `json:"metricsEnabled"`
	SamplingRate                string            `json:"samplingRate"`
	Headers                     map[string]string `json:"headers"`
	Insecure                    bool              `json:"insecure"`
	EnablePrometheusMetricsPath bool              `json:"enablePrometheusMetricsPath"`
	PrometheusPort              int               `json:"prometheusPort"`
	MetricsOnTransportPort      bool              `json:"metricsOnTransportPort"`
	EnvironmentVariables        []string          `json:"environmentVariables"`
	CustomAttributes            map[string]string `json:"customAttributes"`
	CACertPath                  string            `json:"caCertPath"`
	UseLegacyAttributes         bool              `json:"useLegacyAttributes"`
}

// ToolOverride renames or re-describes one tool.
type ToolOverride struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// HeaderForward injects headers into requests to a remote server.
type HeaderForward struct {
	AddPlaintextHeaders  map[string]string `json:"add_plaintext_headers"`
	AddHeadersFromSecret map[string]string `json:"add_headers_from_secret"`
}

// ScalingConfig is the operator-scaling block.
type ScalingConfig struct {
	BackendReplicas *int32          `json:"backend_replicas"`
	SessionRedis    json.RawMessage `json:"session_redis"`
}

// runConfigKeys are the top-level keys RunConfig knows, from its JSON tags.
var runConfigKeys = func() map[string]bool {
	keys := map[string]bool{}
	b, _ := json.Marshal(RunConfig{})
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	for k := range m {
		keys[k] = true
	}
	return keys
}()

// ParseRunConfig decodes a RunConfig document. Type mismatches are errors (as in the
// CLI's loader); unknown top-level keys are returned so they can be reported, not
// silently dropped as the CLI does.
func ParseRunConfig(data []byte) (*RunConfig, []string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, nil, fmt.Errorf("RunConfig is not a JSON object: %w", err)
	}
	var unknown []string
	for k := range raw {
		if !runConfigKeys[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	var rc RunConfig
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&rc); err != nil {
		return nil, nil, fmt.Errorf("decoding RunConfig: %w", err)
	}
	return &rc, unknown, nil
}

// present reports whether a raw JSON value is set (not absent and not null).
func present(r json.RawMessage) bool {
	t := bytes.TrimSpace(r)
	return len(t) > 0 && !bytes.Equal(t, []byte("null"))
}

// RunConfigKeys returns every top-level RunConfig key, sorted.
func RunConfigKeys() []string { return slices.Sorted(maps.Keys(runConfigKeys)) }
