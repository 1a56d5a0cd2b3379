package v1alpha1

// Types shared by several kinds. Every reference is by name to an object in the
// same namespace: a resource never reaches into another namespace.

// LocalObjectReference names an object of a known kind in the same namespace.
type LocalObjectReference struct {
	// Name of the object, in the same namespace as the referring resource.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`
}

// SecretKeyRef selects one key of a Secret in the same namespace. Secrets are
// always referenced, never written inline into a resource.
type SecretKeyRef struct {
	// Name of the Secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`

	// Key within the Secret's data.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	Key string `json:"key"`
}

// EnvVar is a plain environment variable of the MCP container. Use secrets for
// anything sensitive.
type EnvVar struct {
	// Name of the variable.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z][-._a-zA-Z0-9]*$`
	Name string `json:"name"`

	// Value of the variable (plain text).
	// +optional
	Value string `json:"value,omitempty"`
}

// SecretEnv injects one key of a Secret into the MCP container as an environment variable.
type SecretEnv struct {
	// Name of the Secret in the same namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`

	// Key within the Secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	Key string `json:"key"`

	// TargetEnvName is the environment variable that receives the value.
	// Defaults to the key.
	// +optional
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z][-._a-zA-Z0-9]*$`
	TargetEnvName string `json:"targetEnvName,omitempty"`
}

// EnvName returns the environment variable the secret is injected as: TargetEnvName,
// or the key when it is not set.
func (s SecretEnv) EnvName() string {
	if s.TargetEnvName != "" {
		return s.TargetEnvName
	}
	return s.Key
}

// RemoteTransport names how a remote MCP server is reached.
// +kubebuilder:validation:Enum=sse;streamable-http
type RemoteTransport string

// Remote transports.
const (
	RemoteTransportSSE            RemoteTransport = "sse"
	RemoteTransportStreamableHTTP RemoteTransport = "streamable-http"
)

// SessionAffinity of the Service in front of the proxy.
// +kubebuilder:validation:Enum=ClientIP;None
type SessionAffinity string

// Session affinities.
const (
	SessionAffinityClientIP SessionAffinity = "ClientIP"
	SessionAffinityNone     SessionAffinity = "None"
)

// OIDCConfigType says where the OIDC settings for incoming authentication come from.
// +kubebuilder:validation:Enum=inline;kubernetes;configMap
type OIDCConfigType string

// OIDC configuration sources.
const (
	// OIDCConfigInline: the settings are in oidcConfig.inline.
	OIDCConfigInline OIDCConfigType = "inline"
	// OIDCConfigKubernetes: clients present Kubernetes service account tokens.
	OIDCConfigKubernetes OIDCConfigType = "kubernetes"
	// OIDCConfigConfigMap: the settings are in a ConfigMap (oidcConfig.configMap).
	OIDCConfigConfigMap OIDCConfigType = "configMap"
)

// OIDCConfig configures validation of the bearer tokens clients send (incoming
// authentication). Exactly the sub-object matching type may be set.
// +kubebuilder:validation:XValidation:rule="self.type == 'inline' ? has(self.inline) : !has(self.inline)",message="oidcConfig.inline must be set when oidcConfig.type is inline, and only then"
// +kubebuilder:validation:XValidation:rule="self.type == 'configMap' ? has(self.configMap) : !has(self.configMap)",message="oidcConfig.configMap must be set when oidcConfig.type is configMap, and only then"
// +kubebuilder:validation:XValidation:rule="self.type == 'kubernetes' || !has(self.kubernetes)",message="oidcConfig.kubernetes may only be set when oidcConfig.type is kubernetes"
type OIDCConfig struct {
	// Type says where the settings come from: inline (oidcConfig.inline),
	// kubernetes (Kubernetes service account tokens) or configMap (oidcConfig.configMap).
	Type OIDCConfigType `json:"type"`

	// Inline OIDC settings, for type inline.
	// +optional
	Inline *InlineOIDCConfig `json:"inline,omitempty"`

	// Kubernetes token review settings, for type kubernetes.
	// +optional
	Kubernetes *KubernetesOIDCConfig `json:"kubernetes,omitempty"`

	// ConfigMap holding the OIDC settings as JSON (the fields of inline), for type configMap.
	// +optional
	ConfigMap *ConfigMapKeyRef `json:"configMap,omitempty"`

	// ResourceURL is the public URL of this protected resource (RFC 9728),
	// advertised to clients in WWW-Authenticate. Defaults to the Service URL.
	// +optional
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	ResourceURL string `json:"resourceUrl,omitempty"`
}

// InlineOIDCConfig are OIDC settings written in the resource. The client secret is
// referenced from a Secret, never written inline.
type InlineOIDCConfig struct {
	// Issuer URL; tokens must carry it as iss. Its discovery document gives the key set.
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	Issuer string `json:"issuer"`

	// Audience the tokens must be issued for (aud).
	// +optional
	Audience string `json:"audience,omitempty"`

	// JWKSURL overrides the key set URL found by discovery.
	// +optional
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	JWKSURL string `json:"jwksUrl,omitempty"`

	// IntrospectionURL is an RFC 7662 endpoint that would validate opaque (non-JWT) tokens;
	// only JWTs are accepted. Not built in this operator yet: accepted, and reported on the
	// resource with the Unsupported condition and a Warning event.
	// +optional
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	IntrospectionURL string `json:"introspectionUrl,omitempty"`

	// ClientID of this server at the identity provider (used for introspection).
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecretRef references the client secret in a Secret.
	// +optional
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef,omitempty"`

	// Scopes advertised to clients in the protected resource metadata.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// JWKSAllowPrivateIP allows the key set URL to resolve to a private address. Accepted
	// for compatibility; it has no effect, because this operator does not refuse private
	// addresses for the key set.
	// +optional
	JWKSAllowPrivateIP bool `json:"jwksAllowPrivateIP,omitempty"`
}

// KubernetesOIDCConfig validates Kubernetes service account tokens.
type KubernetesOIDCConfig struct {
	// ServiceAccount, when set, is the only service account whose tokens are accepted.
	// +optional
	ServiceAccount string `json:"serviceAccount,omitempty"`

	// Namespace of that service account; defaults to the resource's namespace.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Audience the service-account tokens must be issued for (their aud claim); toolhive
	// when unset.
	// +kubebuilder:default=toolhive
	// +optional
	Audience string `json:"audience,omitempty"`

	// Issuer of the cluster's service-account tokens (their iss claim);
	// https://kubernetes.default.svc when unset.
	// +kubebuilder:default="https://kubernetes.default.svc"
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	// +optional
	Issuer string `json:"issuer,omitempty"`
}

// ConfigMapKeyRef selects one key of a ConfigMap in the same namespace.
type ConfigMapKeyRef struct {
	// Name of the ConfigMap.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`

	// Key within the ConfigMap; each use documents its default.
	// +optional
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	Key string `json:"key,omitempty"`
}

// AuthzConfigType says where the Cedar authorization policies come from.
// +kubebuilder:validation:Enum=inline;configMap
type AuthzConfigType string

// Authorization policy sources.
const (
	AuthzConfigInline    AuthzConfigType = "inline"
	AuthzConfigConfigMap AuthzConfigType = "configMap"
)

// DefaultAuthzConfigMapKey is the ConfigMap key read when authzConfig.configMap.key is empty.
const DefaultAuthzConfigMapKey = "authz.json"

// AuthzConfig is a Cedar authorization policy set that gates what authenticated
// clients may list and call. Exactly the sub-object matching type may be set.
// +kubebuilder:validation:XValidation:rule="self.type == 'inline' ? has(self.inline) : !has(self.inline)",message="authzConfig.inline must be set when authzConfig.type is inline, and only then"
// +kubebuilder:validation:XValidation:rule="self.type == 'configMap' ? has(self.configMap) : !has(self.configMap)",message="authzConfig.configMap must be set when authzConfig.type is configMap, and only then"
type AuthzConfig struct {
	// Type says where the policies come from: inline or configMap.
	Type AuthzConfigType `json:"type"`

	// Inline policies, for type inline.
	// +optional
	Inline *InlineAuthzConfig `json:"inline,omitempty"`

	// ConfigMap holding the policies as JSON ({"policies": [...], "entities_json": "..."}),
	// for type configMap. The key defaults to authz.json.
	// +optional
	ConfigMap *ConfigMapKeyRef `json:"configMap,omitempty"`

	// GroupClaimName is the token claim whose values would become the principal's Cedar
	// groups. Not built in this operator yet: accepted, and reported on the resource with
	// the Unsupported condition and a Warning event.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	GroupClaimName string `json:"groupClaimName,omitempty"`

	// GroupEntityType is the Cedar entity type of the groups taken from groupClaimName. Not
	// built in this operator yet: accepted, and reported on the resource with the
	// Unsupported condition and a Warning event.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[A-Za-z_][A-Za-z0-9_]*$`
	GroupEntityType string `json:"groupEntityType,omitempty"`

	// RoleClaimName is the token claim whose values would become the principal's Cedar
	// roles. Not built in this operator yet: accepted, and reported on the resource with
	// the Unsupported condition and a Warning event.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	RoleClaimName string `json:"roleClaimName,omitempty"`
}

// InlineAuthzConfig holds Cedar policies written in the resource.
type InlineAuthzConfig struct {
	// Policies are Cedar policy statements, e.g. `permit(principal, action, resource);`.
	// +kubebuilder:validation:MinItems=1
	Policies []string `json:"policies"`

	// EntitiesJSON is the Cedar entity set as a JSON array.
	// +optional
	EntitiesJSON string `json:"entitiesJson,omitempty"`

	// PrimaryUpstreamProvider picks the upstream provider whose claims Cedar sees when the
	// embedded authorization server is used. Not built in this operator yet: accepted, and
	// reported on the resource with the Unsupported condition and a Warning event.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`
	PrimaryUpstreamProvider string `json:"primaryUpstreamProvider,omitempty"`
}

// Audit configures audit logging of MCP requests.
type Audit struct {
	// Enabled turns audit logging on.
	// +optional
	Enabled bool `json:"enabled,omitempty"`
}

// HeaderForward adds headers to every request sent to a remote MCP server.
type HeaderForward struct {
	// AddPlaintextHeaders are header names and literal values. Do not put secrets here.
	// +optional
	AddPlaintextHeaders map[string]string `json:"addPlaintextHeaders,omitempty"`

	// AddHeadersFromSecret are headers whose values are read from Secrets.
	// +optional
	// +listType=map
	// +listMapKey=headerName
	AddHeadersFromSecret []HeaderFromSecret `json:"addHeadersFromSecret,omitempty"`
}

// HeaderFromSecret is one header whose value comes from a Secret.
type HeaderFromSecret struct {
	// HeaderName is the HTTP header to set.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:Pattern=`^[!#$%&'*+.^_|~0-9A-Za-z-]+$`
	HeaderName string `json:"headerName"`

	// ValueSecretRef references the header's value.
	ValueSecretRef SecretKeyRef `json:"valueSecretRef"`
}
