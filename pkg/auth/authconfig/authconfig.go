package authconfig

// OIDC configures JWT validation of incoming bearer tokens.
type OIDC struct {
	// Issuer URL; tokens must carry it as iss.
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	Issuer string `json:"issuer"`
	// ClientID of vmcp at the identity provider.
	// +optional
	ClientID string `json:"clientId,omitempty"`
	// ClientSecretEnv names the environment variable holding the client secret.
	// +optional
	ClientSecretEnv string `json:"clientSecretEnv,omitempty"`
	// Audience tokens must be issued for.
	// +optional
	Audience string `json:"audience,omitempty"`
	// Resource is this server's protected resource URL (RFC 9728).
	// +optional
	Resource string `json:"resource,omitempty"`
	// JWKSURL overrides the key set URL found by discovery.
	// +optional
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	JWKSURL string `json:"jwksUrl,omitempty"`
	// Scopes advertised to clients in the OAuth protected-resource metadata, so that they
	// request a token with them.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// CABundlePath is a PEM CA bundle file trusted for the identity provider's TLS
	// certificate; the system roots are used instead. Not built in this operator yet:
	// accepted, and reported on the resource with the Unsupported condition and a Warning
	// event.
	// +optional
	CABundlePath string `json:"caBundlePath,omitempty"`

	// Kubernetes, when set, accepts the cluster's service-account tokens: vmcp reads
	// the signing keys from the API server it runs against (/openid/v1/jwks, with the
	// cluster CA and its own credentials) and, when issuer is the default
	// https://kubernetes.default.svc, takes the issuer from the API server's
	// discovery document. The operator sets it for a VirtualMCPServer's oidcConfig
	// type kubernetes.
	// +optional
	Kubernetes *KubernetesTokens `json:"kubernetes,omitempty"`

	// InsecureAllowHTTP allows an http:// issuer (development only).
	// +optional
	InsecureAllowHTTP *bool `json:"insecureAllowHttp,omitempty"`

	// IntrospectionURL is an RFC 7662 endpoint that would validate opaque (non-JWT) tokens;
	// only JWTs are accepted. Not built in this operator yet: accepted, and reported on the
	// resource with the Unsupported condition and a Warning event.
	// +optional
	IntrospectionURL string `json:"introspectionUrl,omitempty"`

	// JWKSAllowPrivateIP allows the JWKS URL to resolve to a private address.
	// +optional
	JWKSAllowPrivateIP *bool `json:"jwksAllowPrivateIp,omitempty"`

	// ProtectedResourceAllowPrivateIP allows the resource URL to be private.
	// +optional
	ProtectedResourceAllowPrivateIP *bool `json:"protectedResourceAllowPrivateIp,omitempty"`
}

// AuthzType names the authorization engine.
// +kubebuilder:validation:Enum=cedar;none
type AuthzType string

// Authorization engines.
const (
	AuthzCedar AuthzType = "cedar"
	AuthzNone  AuthzType = "none"
)

// Authz is an authorization policy set.
// +kubebuilder:validation:XValidation:rule="self.type != 'cedar' || (has(self.policies) && size(self.policies) > 0)",message="authz type cedar needs at least one policy"
type Authz struct {
	// Type of the authorizer: none (the default; every authenticated client may use
	// everything) or cedar (policies filter the lists and gate every call).
	// +kubebuilder:default=none
	// +optional
	Type AuthzType `json:"type,omitempty"`
	// Policies are the Cedar policies, one policy text per entry; a request no policy
	// permits is refused.
	// +optional
	Policies []string `json:"policies,omitempty"`
	// EntitiesJSON is the Cedar entity set as JSON.
	// +optional
	EntitiesJSON string `json:"entitiesJson,omitempty"`

	// GroupClaimName is the token claim whose values would become the principal's Cedar
	// groups. Not built in this operator yet: accepted, and reported on the resource with
	// the Unsupported condition and a Warning event.
	// +optional
	GroupClaimName string `json:"groupClaimName,omitempty"`

	// GroupEntityType is the Cedar entity type of the groups taken from groupClaimName. Not
	// built in this operator yet: accepted, and reported on the resource with the
	// Unsupported condition and a Warning event.
	// +optional
	GroupEntityType string `json:"groupEntityType,omitempty"`

	// PrimaryUpstreamProvider picks the upstream provider whose claims Cedar sees when the
	// embedded authorization server is used. Not built in this operator yet: accepted, and
	// reported on the resource with the Unsupported condition and a Warning event.
	// +optional
	PrimaryUpstreamProvider string `json:"primaryUpstreamProvider,omitempty"`

	// RoleClaimName is the token claim whose values would become the principal's Cedar
	// roles. Not built in this operator yet: accepted, and reported on the resource with
	// the Unsupported condition and a Warning event.
	// +optional
	RoleClaimName string `json:"roleClaimName,omitempty"`
}

// KubernetesTokens restricts which service-account tokens are accepted.
type KubernetesTokens struct {
	// ServiceAccount, when set, is the only service account whose tokens are accepted.
	// +optional
	ServiceAccount string `json:"serviceAccount,omitempty"`
	// Namespace of that service account; empty means vmcp's own namespace.
	// +optional
	Namespace string `json:"namespace,omitempty"`
}
