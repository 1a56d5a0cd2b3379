package v1alpha1

// Types of the fields and kinds that the original system added after the seeds'
// era (its v0.63 API). Field shapes follow the inventory of that API; where a
// field's behaviour is not built here, its documentation says so and the
// controllers report it with the Unsupported condition.

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// AWSSTSConfigRoleMapping is the role mappings of a MCPExternalAuthConfig.
type AWSSTSConfigRoleMapping struct {
	// Claim is the claim.
	// +optional
	// +kubebuilder:validation:MinLength=1
	Claim string `json:"claim,omitempty"`

	// Matcher is the matcher.
	// +optional
	// +kubebuilder:validation:MinLength=1
	Matcher string `json:"matcher,omitempty"`

	// Priority is the priority.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Priority *int32 `json:"priority,omitempty"`

	// RoleARN is the role ARN.
	// +required
	// +kubebuilder:validation:Pattern=`^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role/[\w+=,.@\-_/]+$`
	RoleARN string `json:"roleArn"`
}

// AWSSTSConfig is the AWS STS of a MCPExternalAuthConfig.
type AWSSTSConfig struct {
	// FallbackRoleARN is the fallback role ARN.
	// +optional
	// +kubebuilder:validation:Pattern=`^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role/[\w+=,.@\-_/]+$`
	FallbackRoleARN string `json:"fallbackRoleArn,omitempty"`

	// Region is the region.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:Pattern=`^[a-z]{2}(-[a-z]+)+-\d+$`
	Region string `json:"region"`

	// RoleClaim is the role claim.
	// +optional
	// +kubebuilder:default="groups"
	RoleClaim string `json:"roleClaim,omitempty"`

	// RoleMappings is the role mappings.
	// +optional
	RoleMappings []AWSSTSConfigRoleMapping `json:"roleMappings,omitempty"`

	// Service is the service.
	// +optional
	// +kubebuilder:default="aws-mcp"
	Service string `json:"service,omitempty"`

	// SessionDuration is the session duration.
	// +optional
	// +kubebuilder:default=3600
	// +kubebuilder:validation:Minimum=900
	// +kubebuilder:validation:Maximum=43200
	SessionDuration *int32 `json:"sessionDuration,omitempty"`

	// SessionNameClaim is the session name claim.
	// +optional
	// +kubebuilder:default="sub"
	SessionNameClaim string `json:"sessionNameClaim,omitempty"`

	// SubjectProviderName picks the upstream identity provider whose token is the subject
	// token; only meaningful with the embedded authorization server. Not built in this
	// operator yet: accepted, and reported on the resource with the Unsupported condition and
	// a Warning event.
	// +optional
	SubjectProviderName string `json:"subjectProviderName,omitempty"`
}

// EmbeddedAuthServerConfigCIMD is the CIMD of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigCIMD struct {
	// CacheFallbackTTL is the cache fallback TTL.
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	CacheFallbackTTL string `json:"cacheFallbackTtl,omitempty"`

	// CacheMaxSize is the cache max size.
	// +optional
	// +kubebuilder:validation:Minimum=1
	CacheMaxSize *int64 `json:"cacheMaxSize,omitempty"`

	// Enabled is the enabled.
	// +required
	// +kubebuilder:default=false
	Enabled bool `json:"enabled,omitempty"`
}

// EmbeddedAuthServerConfigDelegateClient is the delegate clients of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigDelegateClient struct {
	// Audiences is the audiences.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	Audiences []string `json:"audiences,omitempty"`

	// ClientID of the OAuth client the workload acts as.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	ClientID string `json:"clientId"`

	// ClientSecretRef is the client secret ref.
	// +required
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef"`

	// Scopes is the scopes.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	Scopes []string `json:"scopes,omitempty"`
}

// EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicySubjectBinding is the subject
// bindings of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicySubjectBinding struct {
	// AllowedResources is the allowed resources.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	// +kubebuilder:validation:items:Pattern=`^https?://[^[:space:]]+$`
	AllowedResources []string `json:"allowedResources,omitempty"`

	// Subject is the subject.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:Pattern=`^[^*]+$`
	Subject string `json:"subject"`
}

// EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicy is the issuer policies of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicy struct {
	// AcceptedAudiences is the accepted audiences.
	// +optional
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	// +kubebuilder:validation:items:Pattern=`^https?://[^[:space:]]+$`
	AcceptedAudiences []string `json:"acceptedAudiences,omitempty"`

	// IssuerRef is the issuer ref.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	IssuerRef string `json:"issuerRef"`

	// MaxAssertionAge is the max assertion age.
	// +required
	MaxAssertionAge string `json:"maxAssertionAge"`

	// SubjectBindings is the subject bindings.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	SubjectBindings []EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicySubjectBinding `json:"subjectBindings,omitempty"`
}

// EmbeddedAuthServerConfigInboundGrantsJWTBearer is the JWT bearer of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigInboundGrantsJWTBearer struct {
	// IssuerPolicies is the issuer policies.
	// +optional
	// +kubebuilder:validation:MaxItems=20
	IssuerPolicies []EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicy `json:"issuerPolicies,omitempty"`
}

// EmbeddedAuthServerConfigInboundGrantsSpiffeClientAuth is the spiffe client auth of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigInboundGrantsSpiffeClientAuth struct {
	// Audiences is the audiences.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	Audiences []string `json:"audiences,omitempty"`

	// ClientID of the OAuth client the workload acts as.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	ClientID string `json:"clientId"`

	// Methods is the methods.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=2
	Methods []SPIFFEMethod `json:"methods,omitempty"`

	// PrincipalPattern is the principal pattern.
	// +required
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^spiffe://[a-z0-9._-]+((/[a-zA-Z0-9._-]+)+(/\*)?|/\*)$`
	PrincipalPattern string `json:"principalPattern"`

	// Resources is the resources.
	// +optional
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	// +kubebuilder:validation:items:Pattern=`^https?://[^@#[:space:]]+$`
	Resources []string `json:"resources,omitempty"`

	// Scopes is the scopes.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	Scopes []string `json:"scopes,omitempty"`

	// TrustDomainRef is the trust domain ref.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	TrustDomainRef string `json:"trustDomainRef"`
}

// EmbeddedAuthServerConfigInboundGrantsTokenExchangeIssuerPolicy is the issuer policies of
// a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigInboundGrantsTokenExchangeIssuerPolicy struct {
	// ActorClaim is the actor claim.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	ActorClaim string `json:"actorClaim,omitempty"`

	// ActorMatcher is the actor matcher.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	ActorMatcher string `json:"actorMatcher,omitempty"`

	// AllowMayAct is the allow may act.
	// +optional
	AllowMayAct *bool `json:"allowMayAct,omitempty"`

	// AllowedActors is the allowed actors.
	// +optional
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	AllowedActors []string `json:"allowedActors,omitempty"`

	// AllowedDelegateClients is the allowed delegate clients.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	AllowedDelegateClients []string `json:"allowedDelegateClients,omitempty"`

	// ExpectedAudience is the expected audience.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	ExpectedAudience string `json:"expectedAudience"`

	// IssuerRef is the issuer ref.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	IssuerRef string `json:"issuerRef"`
}

// EmbeddedAuthServerConfigInboundGrantsTokenExchange is the token exchange of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigInboundGrantsTokenExchange struct {
	// DelegateClients is the delegate clients.
	// +optional
	// +kubebuilder:validation:MaxItems=10
	DelegateClients []EmbeddedAuthServerConfigDelegateClient `json:"delegateClients,omitempty"`

	// IssuerPolicies is the issuer policies.
	// +optional
	// +kubebuilder:validation:MaxItems=20
	IssuerPolicies []EmbeddedAuthServerConfigInboundGrantsTokenExchangeIssuerPolicy `json:"issuerPolicies,omitempty"`
}

// EmbeddedAuthServerConfigInboundGrants is the inbound grants of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigInboundGrants struct {
	// JWTBearer is the JWT bearer.
	// +optional
	JWTBearer *EmbeddedAuthServerConfigInboundGrantsJWTBearer `json:"jwtBearer,omitempty"`

	// SpiffeClientAuth is the spiffe client auth.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	SpiffeClientAuth []EmbeddedAuthServerConfigInboundGrantsSpiffeClientAuth `json:"spiffeClientAuth,omitempty"`

	// TokenExchange is the token exchange.
	// +optional
	TokenExchange *EmbeddedAuthServerConfigInboundGrantsTokenExchange `json:"tokenExchange,omitempty"`
}

// EmbeddedAuthServerConfigRegistrationRateLimit is the registration rate limit of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigRegistrationRateLimit struct {
	// MaxTokens is the bucket size: requests allowed in a burst.
	// +required
	// +kubebuilder:validation:Minimum=1
	MaxTokens int32 `json:"maxTokens"`

	// RefillPeriod is the time in which an empty bucket refills completely (Go duration).
	// +required
	RefillPeriod string `json:"refillPeriod"`
}

// EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceEndpoint is the endpoint of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceEndpoint struct {
	// Profile of the bundle endpoint: https_web (Web PKI TLS) or https_spiffe (SPIFFE-authenticated TLS).
	// +required
	// +kubebuilder:validation:Enum=https_web;https_spiffe
	Profile string `json:"profile"`

	// URL is the URL.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	URL string `json:"url"`
}

// EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceFile is the file of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceFile struct {
	// ConfigMapKey is the config map key.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9._-]+$`
	ConfigMapKey string `json:"configMapKey"`

	// ConfigMapName is the config map name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	ConfigMapName string `json:"configMapName"`
}

// EmbeddedAuthServerConfigSpiffeTrustDomainBundleSource is the bundle source of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigSpiffeTrustDomainBundleSource struct {
	// Endpoint of the OTLP collector, host:port (OTLP over HTTP).
	// +optional
	Endpoint *EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceEndpoint `json:"endpoint,omitempty"`

	// File is the file.
	// +optional
	File *EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceFile `json:"file,omitempty"`

	// Type of the bundle source: bundle_endpoint (fetched over HTTPS), file (read from a mounted file) or workload_api (the SPIFFE Workload API).
	// +required
	// +kubebuilder:validation:Enum=bundle_endpoint;file;workload_api
	Type string `json:"type"`

	// WorkloadAPI is the workload API.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	WorkloadAPI *runtime.RawExtension `json:"workloadAPI,omitempty"`
}

// EmbeddedAuthServerConfigSpiffeTrustDomain is the spiffe trust domains of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigSpiffeTrustDomain struct {
	// BundleSource is the bundle source.
	// +required
	BundleSource *EmbeddedAuthServerConfigSpiffeTrustDomainBundleSource `json:"bundleSource"`

	// Methods is the methods.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=2
	Methods []SPIFFEMethod `json:"methods,omitempty"`

	// Name is the name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// TrustDomain is the trust domain.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:Pattern=`^([a-z0-9_]|[a-z0-9_]([a-z0-9_-]|\.[a-z0-9_-])*[a-z0-9_])$`
	TrustDomain string `json:"trustDomain"`
}

// EmbeddedAuthServerConfigStorageRedisAclUserConfig is the acl user config of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigStorageRedisAclUserConfig struct {
	// PasswordSecretRef is the password secret ref.
	// +required
	PasswordSecretRef *SecretKeyRef `json:"passwordSecretRef"`

	// UsernameSecretRef is the username secret ref.
	// +optional
	UsernameSecretRef *SecretKeyRef `json:"usernameSecretRef,omitempty"`
}

// EmbeddedAuthServerConfigStorageRedisSentinelConfigSentinelService is the sentinel
// service of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigStorageRedisSentinelConfigSentinelService struct {
	// Name is the name.
	// +required
	Name string `json:"name"`

	// Namespace is the namespace.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Port is the port.
	// +optional
	// +kubebuilder:default=26379
	Port *int32 `json:"port,omitempty"`
}

// EmbeddedAuthServerConfigStorageRedisSentinelConfig is the sentinel config of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigStorageRedisSentinelConfig struct {
	// DB is the DB.
	// +optional
	// +kubebuilder:default=0
	DB *int32 `json:"db,omitempty"`

	// MasterName is the master name.
	// +required
	MasterName string `json:"masterName"`

	// SentinelAddrs is the sentinel addrs.
	// +optional
	SentinelAddrs []string `json:"sentinelAddrs,omitempty"`

	// SentinelService is the sentinel service.
	// +optional
	SentinelService *EmbeddedAuthServerConfigStorageRedisSentinelConfigSentinelService `json:"sentinelService,omitempty"`
}

// EmbeddedAuthServerConfigStorageRedisSentinelTLS is the sentinel TLS of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigStorageRedisSentinelTLS struct {
	// CACertSecretRef is the CA cert secret ref.
	// +optional
	CACertSecretRef *SecretKeyRef `json:"caCertSecretRef,omitempty"`

	// InsecureSkipVerify is the insecure skip verify.
	// +optional
	InsecureSkipVerify *bool `json:"insecureSkipVerify,omitempty"`
}

// EmbeddedAuthServerConfigStorageRedis is the redis of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigStorageRedis struct {
	// AclUserConfig is the acl user config.
	// +required
	AclUserConfig *EmbeddedAuthServerConfigStorageRedisAclUserConfig `json:"aclUserConfig"`

	// Addr is the addr.
	// +optional
	Addr string `json:"addr,omitempty"`

	// ClusterMode is the cluster mode.
	// +optional
	ClusterMode *bool `json:"clusterMode,omitempty"`

	// DialTimeout is the dial timeout.
	// +optional
	// +kubebuilder:default="5s"
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	DialTimeout string `json:"dialTimeout,omitempty"`

	// ReadTimeout is the read timeout.
	// +optional
	// +kubebuilder:default="3s"
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	ReadTimeout string `json:"readTimeout,omitempty"`

	// SentinelConfig is the sentinel config.
	// +optional
	SentinelConfig *EmbeddedAuthServerConfigStorageRedisSentinelConfig `json:"sentinelConfig,omitempty"`

	// SentinelTLS is the sentinel TLS.
	// +optional
	SentinelTLS *EmbeddedAuthServerConfigStorageRedisSentinelTLS `json:"sentinelTls,omitempty"`

	// TLS is the TLS.
	// +optional
	TLS *EmbeddedAuthServerConfigStorageRedisSentinelTLS `json:"tls,omitempty"`

	// WriteTimeout is the write timeout.
	// +optional
	// +kubebuilder:default="3s"
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	WriteTimeout string `json:"writeTimeout,omitempty"`
}

// EmbeddedAuthServerConfigStorage is the storage of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigStorage struct {
	// MaxDCRClients is the max DCR clients.
	// +optional
	// +kubebuilder:validation:Minimum=0
	MaxDCRClients *int32 `json:"maxDCRClients,omitempty"`

	// Redis is the redis.
	// +optional
	Redis *EmbeddedAuthServerConfigStorageRedis `json:"redis,omitempty"`

	// Type of the storage: memory (the default; state is lost on restart and not shared between replicas) or redis.
	// +optional
	// +kubebuilder:validation:Enum=memory;redis
	// +kubebuilder:default="memory"
	Type string `json:"type,omitempty"`
}

// EmbeddedAuthServerConfigTLSListener is the TLS listener of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigTLSListener struct {
	// CertificateSecretRef is the certificate secret ref.
	// +required
	CertificateSecretRef *SecretKeyRef `json:"certificateSecretRef"`

	// PrivateKeySecretRef is the private key secret ref.
	// +required
	PrivateKeySecretRef *SecretKeyRef `json:"privateKeySecretRef"`
}

// EmbeddedAuthServerConfigTokenLifespans is the token lifespans of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigTokenLifespans struct {
	// AccessTokenLifespan is the access token lifespan.
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	AccessTokenLifespan string `json:"accessTokenLifespan,omitempty"`

	// AuthCodeLifespan is the auth code lifespan.
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	AuthCodeLifespan string `json:"authCodeLifespan,omitempty"`

	// RefreshTokenLifespan is the refresh token lifespan.
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	RefreshTokenLifespan string `json:"refreshTokenLifespan,omitempty"`
}

// EmbeddedAuthServerConfigTrustedIssuerCABundleRefConfigMapRef is the config map ref of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigTrustedIssuerCABundleRefConfigMapRef struct {
	// Key is the key.
	// +required
	Key string `json:"key"`

	// Name is the name.
	// +optional
	// +kubebuilder:default=""
	Name string `json:"name,omitempty"`

	// Optional accepts a missing ConfigMap or key.
	// +optional
	Optional *bool `json:"optional,omitempty"`
}

// EmbeddedAuthServerConfigTrustedIssuerCABundleRef is the CA bundle ref of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigTrustedIssuerCABundleRef struct {
	// ConfigMapRef is the config map ref.
	// +optional
	ConfigMapRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRefConfigMapRef `json:"configMapRef,omitempty"`
}

// EmbeddedAuthServerConfigTrustedIssuerJWTBearerGrant is the JWT bearer grant of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigTrustedIssuerJWTBearerGrant struct {
	// AcceptedAudiences is the accepted audiences.
	// +optional
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	// +kubebuilder:validation:items:Pattern=`^https?://[^[:space:]]+$`
	AcceptedAudiences []string `json:"acceptedAudiences,omitempty"`

	// MaxAssertionAge is the max assertion age.
	// +required
	MaxAssertionAge string `json:"maxAssertionAge"`

	// SubjectBindings is the subject bindings.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	SubjectBindings []EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicySubjectBinding `json:"subjectBindings,omitempty"`
}

// EmbeddedAuthServerConfigTrustedIssuer is the trusted issuers of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigTrustedIssuer struct {
	// ActorClaim is the actor claim.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	ActorClaim string `json:"actorClaim,omitempty"`

	// ActorMatcher is the actor matcher.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	ActorMatcher string `json:"actorMatcher,omitempty"`

	// AllowMayAct is the allow may act.
	// +optional
	// +kubebuilder:default=false
	AllowMayAct *bool `json:"allowMayAct,omitempty"`

	// AllowPrivateIPs is the allow private i ps.
	// +optional
	AllowPrivateIPs *bool `json:"allowPrivateIPs,omitempty"`

	// AllowedActors is the allowed actors.
	// +optional
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	AllowedActors []string `json:"allowedActors,omitempty"`

	// AllowedDelegateClients is the allowed delegate clients.
	// +optional
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	AllowedDelegateClients []string `json:"allowedDelegateClients,omitempty"`

	// CABundleRef is the CA bundle ref.
	// +optional
	CABundleRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRef `json:"caBundleRef,omitempty"`

	// ExpectedAudience is the expected audience.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	ExpectedAudience string `json:"expectedAudience,omitempty"`

	// InsecureAllowHTTP is the insecure allow HTTP.
	// +optional
	InsecureAllowHTTP *bool `json:"insecureAllowHTTP,omitempty"`

	// IssuerURL is the issuer URL.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	IssuerURL string `json:"issuerUrl"`

	// JWKSURL is where the signing keys are fetched; defaults to the issuer's discovery
	// document.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	JWKSURL string `json:"jwksUrl,omitempty"`

	// JWTBearerGrant is the JWT bearer grant.
	// +optional
	JWTBearerGrant *EmbeddedAuthServerConfigTrustedIssuerJWTBearerGrant `json:"jwtBearerGrant,omitempty"`

	// Name is the name.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigDCRConfig is the DCR config of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigDCRConfig struct {
	// DiscoveryURL is the discovery URL.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https://[^\s?#]+[^/\s?#]$`
	DiscoveryURL string `json:"discoveryUrl,omitempty"`

	// InitialAccessTokenRef is the initial access token ref.
	// +optional
	InitialAccessTokenRef *SecretKeyRef `json:"initialAccessTokenRef,omitempty"`

	// RegistrationEndpoint is the registration endpoint.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https://[^\s?#]+[^/\s?#]$`
	RegistrationEndpoint string `json:"registrationEndpoint,omitempty"`

	// RegistrationProbe is how dynamic client registration is checked: tokenEndpoint, authorizationEndpoint (probe that endpoint) or none (no probe).
	// +optional
	// +kubebuilder:validation:Enum=tokenEndpoint;authorizationEndpoint;none
	RegistrationProbe string `json:"registrationProbe,omitempty"`

	// RegistrationProbeInterval is the registration probe interval.
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	RegistrationProbeInterval string `json:"registrationProbeInterval,omitempty"`

	// RotationKey is the rotation key.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9._-]+$`
	RotationKey string `json:"rotationKey,omitempty"`

	// SoftwareID is the software ID.
	// +optional
	// +kubebuilder:validation:MaxLength=255
	SoftwareID string `json:"softwareId,omitempty"`

	// SoftwareStatement is the software statement.
	// +optional
	// +kubebuilder:validation:MaxLength=16384
	SoftwareStatement string `json:"softwareStatement,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigIdentityFromToken is the identity
// from token of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigIdentityFromToken struct {
	// EmailPath is the email path.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	EmailPath string `json:"emailPath,omitempty"`

	// NamePath is the name path.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	NamePath string `json:"namePath,omitempty"`

	// SubjectPath is the subject path.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	SubjectPath string `json:"subjectPath"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigTokenResponseMapping is the token
// response mapping of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigTokenResponseMapping struct {
	// AccessTokenPath is the access token path.
	// +required
	// +kubebuilder:validation:MinLength=1
	AccessTokenPath string `json:"accessTokenPath"`

	// ExpiresInPath is the expires in path.
	// +optional
	ExpiresInPath string `json:"expiresInPath,omitempty"`

	// RefreshTokenPath is the refresh token path.
	// +optional
	RefreshTokenPath string `json:"refreshTokenPath,omitempty"`

	// ScopePath is the scope path.
	// +optional
	ScopePath string `json:"scopePath,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfoFieldMapping is the field
// mapping of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfoFieldMapping struct {
	// EmailFields is the email fields.
	// +optional
	EmailFields []string `json:"emailFields,omitempty"`

	// NameFields is the name fields.
	// +optional
	NameFields []string `json:"nameFields,omitempty"`

	// SubjectFields is the subject fields.
	// +optional
	SubjectFields []string `json:"subjectFields,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfo is the user info of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfo struct {
	// AdditionalHeaders is the additional headers.
	// +optional
	AdditionalHeaders map[string]string `json:"additionalHeaders,omitempty"`

	// EndpointURL is the endpoint URL.
	// +required
	// +kubebuilder:validation:Pattern=`^https?://.*$`
	EndpointURL string `json:"endpointUrl"`

	// FieldMapping is the field mapping.
	// +optional
	FieldMapping *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfoFieldMapping `json:"fieldMapping,omitempty"`

	// HTTPMethod used to call the user-info endpoint: GET (query) or POST (form body).
	// +optional
	// +kubebuilder:validation:Enum=GET;POST
	HTTPMethod string `json:"httpMethod,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2Config is the oauth2 config of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigUpstreamProviderOauth2Config struct {
	// AdditionalAuthorizationParams is the additional authorization params.
	// +optional
	AdditionalAuthorizationParams map[string]string `json:"additionalAuthorizationParams,omitempty"`

	// AdditionalTokenParams is the additional token params.
	// +optional
	AdditionalTokenParams map[string]string `json:"additionalTokenParams,omitempty"`

	// AllowPrivateIPs is the allow private i ps.
	// +optional
	AllowPrivateIPs *bool `json:"allowPrivateIPs,omitempty"`

	// AuthorizationEndpoint is the authorization endpoint.
	// +required
	// +kubebuilder:validation:Pattern=`^https?://.*$`
	AuthorizationEndpoint string `json:"authorizationEndpoint"`

	// CABundleRef is the CA bundle ref.
	// +optional
	CABundleRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRef `json:"caBundleRef,omitempty"`

	// ClientID of the OAuth client the workload acts as.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecretRef is the client secret ref.
	// +optional
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef,omitempty"`

	// DCRConfig is the DCR config.
	// +optional
	DCRConfig *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigDCRConfig `json:"dcrConfig,omitempty"`

	// IdentityFromToken is the identity from token.
	// +optional
	IdentityFromToken *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigIdentityFromToken `json:"identityFromToken,omitempty"`

	// InsecureAllowHTTP is the insecure allow HTTP.
	// +optional
	InsecureAllowHTTP *bool `json:"insecureAllowHTTP,omitempty"`

	// OmitScopeOnRefresh is the omit scope on refresh.
	// +optional
	OmitScopeOnRefresh *bool `json:"omitScopeOnRefresh,omitempty"`

	// RedirectURI is the redirect URI.
	// +optional
	RedirectURI string `json:"redirectUri,omitempty"`

	// Scopes is the scopes.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// TokenEndpoint is the token endpoint.
	// +required
	// +kubebuilder:validation:Pattern=`^https?://.*$`
	TokenEndpoint string `json:"tokenEndpoint"`

	// TokenEndpointAuthMethod is how the client authenticates at the token endpoint: none (public client), client_secret_basic (HTTP Basic) or client_secret_post (form fields).
	// +optional
	// +kubebuilder:validation:Enum=none;client_secret_basic;client_secret_post
	TokenEndpointAuthMethod string `json:"tokenEndpointAuthMethod,omitempty"`

	// TokenResponseMapping is the token response mapping.
	// +optional
	TokenResponseMapping *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigTokenResponseMapping `json:"tokenResponseMapping,omitempty"`

	// UserInfo is the user info.
	// +optional
	UserInfo *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfo `json:"userInfo,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOIDCConfig is the OIDC config of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigUpstreamProviderOIDCConfig struct {
	// AdditionalAuthorizationParams is the additional authorization params.
	// +optional
	AdditionalAuthorizationParams map[string]string `json:"additionalAuthorizationParams,omitempty"`

	// AdditionalTokenParams is the additional token params.
	// +optional
	AdditionalTokenParams map[string]string `json:"additionalTokenParams,omitempty"`

	// AllowPrivateIPs is the allow private i ps.
	// +optional
	AllowPrivateIPs *bool `json:"allowPrivateIPs,omitempty"`

	// CABundleRef is the CA bundle ref.
	// +optional
	CABundleRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRef `json:"caBundleRef,omitempty"`

	// ClientID of the OAuth client the workload acts as.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecretRef is the client secret ref.
	// +optional
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef,omitempty"`

	// DCRConfig is the DCR config.
	// +optional
	DCRConfig *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigDCRConfig `json:"dcrConfig,omitempty"`

	// IssuerURL is the issuer URL.
	// +required
	// +kubebuilder:validation:Pattern=`^https://.*$`
	IssuerURL string `json:"issuerUrl"`

	// OmitScopeOnRefresh is the omit scope on refresh.
	// +optional
	OmitScopeOnRefresh *bool `json:"omitScopeOnRefresh,omitempty"`

	// RedirectURI is the redirect URI.
	// +optional
	RedirectURI string `json:"redirectUri,omitempty"`

	// Scopes is the scopes.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// SubjectClaim is the subject claim.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^([a-zA-Z_][a-zA-Z0-9_]*)?$`
	SubjectClaim string `json:"subjectClaim,omitempty"`

	// UserInfoOverride is the user info override.
	// +optional
	UserInfoOverride *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfo `json:"userInfoOverride,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProvider is the upstream providers of a
// MCPExternalAuthConfig.
type EmbeddedAuthServerConfigUpstreamProvider struct {
	// Name is the name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`
	Name string `json:"name"`

	// Oauth2Config is the oauth2 config.
	// +optional
	Oauth2Config *EmbeddedAuthServerConfigUpstreamProviderOauth2Config `json:"oauth2Config,omitempty"`

	// OIDCConfig is the OIDC config.
	// +optional
	OIDCConfig *EmbeddedAuthServerConfigUpstreamProviderOIDCConfig `json:"oidcConfig,omitempty"`

	// Type of the upstream provider: oidc (discovered from its issuer) or oauth2 (endpoints given explicitly).
	// +required
	// +kubebuilder:validation:Enum=oidc;oauth2
	Type string `json:"type"`
}

// EmbeddedAuthServerConfig is the embedded auth server of a MCPExternalAuthConfig.
type EmbeddedAuthServerConfig struct {
	// AllowConfidentialClientRegistration is the allow confidential client registration.
	// +optional
	// +kubebuilder:default=false
	AllowConfidentialClientRegistration *bool `json:"allowConfidentialClientRegistration,omitempty"`

	// AllowPrivateKeyJWTRegistration is the allow private key JWT registration.
	// +optional
	// +kubebuilder:default=false
	AllowPrivateKeyJWTRegistration *bool `json:"allowPrivateKeyJWTRegistration,omitempty"`

	// AuthorizationEndpointBaseURL is the authorization endpoint base URL.
	// +optional
	// +kubebuilder:validation:Pattern=`^https?://[^\s?#]+[^/\s?#]$`
	AuthorizationEndpointBaseURL string `json:"authorizationEndpointBaseUrl,omitempty"`

	// BaselineClientScopes is the baseline client scopes.
	// +optional
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:Pattern=`^[\x21\x23-\x5B\x5D-\x7E]+$`
	BaselineClientScopes []string `json:"baselineClientScopes,omitempty"`

	// CIMD is the CIMD.
	// +optional
	CIMD *EmbeddedAuthServerConfigCIMD `json:"cimd,omitempty"`

	// DelegateClients is the delegate clients.
	// +optional
	// +kubebuilder:validation:MaxItems=10
	DelegateClients []EmbeddedAuthServerConfigDelegateClient `json:"delegateClients,omitempty"`

	// DisableUpstreamTokenInjection is the disable upstream token injection.
	// +optional
	// +kubebuilder:default=false
	DisableUpstreamTokenInjection *bool `json:"disableUpstreamTokenInjection,omitempty"`

	// ForceConfidentialRedirectURIs is the force confidential redirect URIs.
	// +optional
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:Pattern=`^https://[^\s?#]+$`
	ForceConfidentialRedirectURIs []string `json:"forceConfidentialRedirectUris,omitempty"`

	// HMACSecretRefs is the HMAC secret refs.
	// +optional
	HMACSecretRefs []SecretKeyRef `json:"hmacSecretRefs,omitempty"`

	// InboundGrants is the inbound grants.
	// +optional
	InboundGrants *EmbeddedAuthServerConfigInboundGrants `json:"inboundGrants,omitempty"`

	// InsecureAllowConfidentialOverLoopbackHTTP is the insecure allow confidential over
	// loopback HTTP.
	// +optional
	// +kubebuilder:default=false
	InsecureAllowConfidentialOverLoopbackHTTP *bool `json:"insecureAllowConfidentialOverLoopbackHTTP,omitempty"`

	// InsecureAllowHTTP is the insecure allow HTTP.
	// +optional
	// +kubebuilder:default=false
	InsecureAllowHTTP *bool `json:"insecureAllowHTTP,omitempty"`

	// Issuer is the OIDC issuer URL; tokens must carry it as iss.
	// +required
	// +kubebuilder:validation:Pattern=`^https?://[^\s?#]+[^/\s?#]$`
	Issuer string `json:"issuer"`

	// PrimaryUpstreamProvider picks the upstream provider whose claims Cedar sees when the
	// embedded authorization server is used. Not built in this operator yet: accepted, and
	// reported on the resource with the Unsupported condition and a Warning event.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`
	PrimaryUpstreamProvider string `json:"primaryUpstreamProvider,omitempty"`

	// RegistrationRateLimit is the registration rate limit.
	// +optional
	RegistrationRateLimit *EmbeddedAuthServerConfigRegistrationRateLimit `json:"registrationRateLimit,omitempty"`

	// SigningKeySecretRefs is the signing key secret refs.
	// +optional
	// +kubebuilder:validation:MaxItems=5
	SigningKeySecretRefs []SecretKeyRef `json:"signingKeySecretRefs,omitempty"`

	// SpiffeTrustDomains is the spiffe trust domains.
	// +optional
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	SpiffeTrustDomains []EmbeddedAuthServerConfigSpiffeTrustDomain `json:"spiffeTrustDomains,omitempty"`

	// Storage is the storage.
	// +optional
	Storage *EmbeddedAuthServerConfigStorage `json:"storage,omitempty"`

	// TLSListener is the TLS listener.
	// +optional
	TLSListener *EmbeddedAuthServerConfigTLSListener `json:"tlsListener,omitempty"`

	// TokenLifespans is the token lifespans.
	// +optional
	TokenLifespans *EmbeddedAuthServerConfigTokenLifespans `json:"tokenLifespans,omitempty"`

	// TrustedIssuers is the trusted issuers.
	// +optional
	// +kubebuilder:validation:MaxItems=20
	TrustedIssuers []EmbeddedAuthServerConfigTrustedIssuer `json:"trustedIssuers,omitempty"`

	// UpstreamProviders is the upstream providers.
	// +optional
	UpstreamProviders []EmbeddedAuthServerConfigUpstreamProvider `json:"upstreamProviders,omitempty"`
}

// OBOConfig is the OBO of a MCPExternalAuthConfig.
type OBOConfig struct {
	// Audience is the value the token's aud claim must contain for this workload.
	// +optional
	Audience string `json:"audience,omitempty"`

	// Authority is the authority.
	// +optional
	// +kubebuilder:validation:Pattern=`^https://[^\s?#@]+[^/\s?#@]$`
	Authority string `json:"authority,omitempty"`

	// CacheSkew is the cache skew.
	// +optional
	CacheSkew string `json:"cacheSkew,omitempty"`

	// ClientID of the OAuth client the workload acts as.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecretRef is the client secret ref.
	// +optional
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef,omitempty"`

	// Scopes is the scopes.
	// +optional
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	Scopes []string `json:"scopes,omitempty"`

	// SubjectTokenProviderName is the subject token provider name.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`
	SubjectTokenProviderName string `json:"subjectTokenProviderName,omitempty"`

	// TenantID is the tenant ID.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,})$`
	TenantID string `json:"tenantId,omitempty"`
}

// UpstreamInjectConfig is the upstream inject of a MCPExternalAuthConfig.
type UpstreamInjectConfig struct {
	// ProviderName is the provider name.
	// +required
	// +kubebuilder:validation:MinLength=1
	ProviderName string `json:"providerName"`
}

// XAAConfig is the XAA of a MCPExternalAuthConfig.
type XAAConfig struct {
	// IDPClientID is the IDP client ID.
	// +optional
	IDPClientID string `json:"idpClientId,omitempty"`

	// IDPClientSecretRef is the IDP client secret ref.
	// +optional
	IDPClientSecretRef *SecretKeyRef `json:"idpClientSecretRef,omitempty"`

	// IDPTokenURL is the IDP token URL.
	// +required
	// +kubebuilder:validation:Pattern=`^https://.*$`
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

	// SubjectTokenType is the type of the identity assertion; only urn:ietf:params:oauth:token-type:id_token (an OIDC ID token) is defined.
	// +optional
	// +kubebuilder:validation:Enum="urn:ietf:params:oauth:token-type:id_token"
	SubjectTokenType string `json:"subjectTokenType,omitempty"`

	// TargetAudience is the target audience.
	// +required
	TargetAudience string `json:"targetAudience"`

	// TargetClientID is the target client ID.
	// +optional
	TargetClientID string `json:"targetClientId,omitempty"`

	// TargetClientSecretRef is the target client secret ref.
	// +optional
	TargetClientSecretRef *SecretKeyRef `json:"targetClientSecretRef,omitempty"`

	// TargetResource is the target resource.
	// +optional
	TargetResource string `json:"targetResource,omitempty"`

	// TargetTokenURL is the target token URL.
	// +required
	TargetTokenURL string `json:"targetTokenUrl"`
}

// AuthServerRef is the auth server ref of a MCPServer.
type AuthServerRef struct {
	// Kind of the referenced object; MCPExternalAuthConfig (the default and only value) holds the embedded authorization server configuration.
	// +required
	// +kubebuilder:validation:Enum=MCPExternalAuthConfig
	// +kubebuilder:default="MCPExternalAuthConfig"
	Kind string `json:"kind"`

	// Name of the MCPExternalAuthConfig holding the authorization server settings.
	// +required
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
}

// OIDCConfigRef points a workload at a shared MCPOIDCConfig and adds what differs per
// workload. The legacy form {name} or {name, key} (no audience) reads the OIDC settings
// from a ConfigMap key instead, as earlier releases of this operator did.
type OIDCConfigRef struct {
	// Name of the MCPOIDCConfig (or, with key, of the ConfigMap).
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// Audience is the value the token's aud claim must contain for this workload.
	// Required with an MCPOIDCConfig; without it the reference is the legacy ConfigMap form.
	// +optional
	// +kubebuilder:validation:MinLength=1
	Audience string `json:"audience,omitempty"`

	// Scopes advertised to clients in the protected-resource metadata of this workload.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// ResourceURL is the public URL of this workload, advertised as the OAuth protected
	// resource; defaults to the Service URL.
	// +optional
	ResourceURL string `json:"resourceUrl,omitempty"`

	// Key selects the legacy form: the ConfigMap key holding the OIDC settings as JSON or
	// YAML. Deprecated: create an MCPOIDCConfig and set audience.
	// +optional
	Key string `json:"key,omitempty"`
}

// ProxyResourceOverridesProxyDeploymentEnv is the env of a MCPServer.
type ProxyResourceOverridesProxyDeploymentEnv struct {
	// Name of the environment variable.
	// +required
	Name string `json:"name"`

	// Value of the environment variable (plain text; use Secrets for credentials).
	// +required
	Value string `json:"value"`
}

// ProxyResourceOverridesProxyDeploymentImagePullSecret is the image pull secrets of a
// MCPServer.
type ProxyResourceOverridesProxyDeploymentImagePullSecret struct {
	// Name of a Secret of type kubernetes.io/dockerconfigjson in the same namespace.
	// +optional
	// +kubebuilder:default=""
	Name string `json:"name,omitempty"`
}

// MetadataOverrides are labels and annotations added to a rendered object.
type MetadataOverrides struct {
	// Annotations added to the object.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`

	// Labels added to the object; the operator's own labels win on conflict.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
}

// ProxyResourceOverridesProxyDeployment is the proxy deployment of a MCPServer.
type ProxyResourceOverridesProxyDeployment struct {
	// Affinity is the pods' scheduling affinity.
	// +optional
	Affinity *corev1.Affinity `json:"affinity,omitempty"`

	// Annotations added to the object.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`

	// Env are extra environment variables of the proxy container.
	// +optional
	Env []ProxyResourceOverridesProxyDeploymentEnv `json:"env,omitempty"`

	// ImagePullSecrets are Secrets used to pull the vmcp image.
	// +optional
	ImagePullSecrets []ProxyResourceOverridesProxyDeploymentImagePullSecret `json:"imagePullSecrets,omitempty"`

	// Labels added to the object; the operator's own labels win on conflict.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// NodeSelector constrains the pods to nodes with these labels.
	// +optional
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`

	// PodTemplateMetadataOverrides adds labels and annotations to the pods (not to the
	// Deployment itself).
	// +optional
	PodTemplateMetadataOverrides *MetadataOverrides `json:"podTemplateMetadataOverrides,omitempty"`

	// Tolerations let the pods run on tainted nodes.
	// +optional
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
}

// ProxyResourceOverrides is the resource overrides of a MCPServer.
type ProxyResourceOverrides struct {
	// ProxyDeployment changes the proxy Deployment and its pod template.
	// +optional
	ProxyDeployment *ProxyResourceOverridesProxyDeployment `json:"proxyDeployment,omitempty"`

	// ProxyService changes the proxy Service.
	// +optional
	ProxyService *MetadataOverrides `json:"proxyService,omitempty"`
}

// TelemetryConfigRef is the telemetry config ref of a MCPServer.
type TelemetryConfigRef struct {
	// Name of the MCPTelemetryConfig in the same namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// ServiceName is the OpenTelemetry service.name of this workload; defaults to the
	// workload's name.
	// +optional
	ServiceName string `json:"serviceName,omitempty"`
}

// HostVolume is the volumes of a MCPServer.
// +kubebuilder:validation:XValidation:rule="self.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="name must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit"
// +kubebuilder:validation:XValidation:rule="self.name != 'tmp'",message="name 'tmp' is taken: the MCP container's /tmp volume has it"
// +kubebuilder:validation:XValidation:rule="self.hostPath.startsWith('/')",message="hostPath must be an absolute path"
// +kubebuilder:validation:XValidation:rule="self.mountPath.startsWith('/') && self.mountPath != '/' && self.mountPath != '/tmp'",message="mountPath must be an absolute path other than / and /tmp"
type HostVolume struct {
	// HostPath is the directory on the node that is mounted.
	// +required
	// +kubebuilder:validation:MaxLength=4096
	HostPath string `json:"hostPath"`

	// MountPath is where the directory appears in the container.
	// +required
	// +kubebuilder:validation:MaxLength=4096
	MountPath string `json:"mountPath"`

	// Name of the volume in the pod (a DNS label, unique in the list, not "tmp").
	// +required
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`

	// ReadOnly mounts the volume read-only.
	// +optional
	// +kubebuilder:default=false
	ReadOnly *bool `json:"readOnly,omitempty"`
}

// AuthServerUpstreamFilterRule is the rules of a VirtualMCPServer.
type AuthServerUpstreamFilterRule struct {
	// Groups is the groups.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=100
	Groups []string `json:"groups,omitempty"`

	// UpstreamProviders is the upstream providers.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=100
	UpstreamProviders []string `json:"upstreamProviders,omitempty"`
}

// AuthServerUpstreamFilter is the auth server upstream filter of a VirtualMCPServer.
type AuthServerUpstreamFilter struct {
	// Claim is the claim.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Claim string `json:"claim,omitempty"`

	// DefaultUpstreams is the default upstreams.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	DefaultUpstreams []string `json:"defaultUpstreams,omitempty"`

	// Rules is the rules.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=100
	Rules []AuthServerUpstreamFilterRule `json:"rules,omitempty"`
}

// VirtualMCPServerRuntimeDiscoveredBackend is the discovered backends of a
// VirtualMCPServer.
type VirtualMCPServerRuntimeDiscoveredBackend struct {
	// AuthConfigRef is the MCPExternalAuthConfig vmcp uses to authenticate to this backend.
	// +optional
	AuthConfigRef string `json:"authConfigRef,omitempty"`

	// AuthType is the outgoing auth strategy used for this backend (e.g. header_injection, token_exchange).
	// +optional
	AuthType string `json:"authType,omitempty"`

	// CircuitBreakerState is the backend's circuit breaker: closed (calls flow), open (calls fail fast) or half-open (probing).
	// +optional
	// +kubebuilder:validation:Enum=closed;open;half-open
	CircuitBreakerState string `json:"circuitBreakerState,omitempty"`

	// CircuitLastChanged is when the circuit breaker state last changed.
	// +optional
	// +kubebuilder:validation:Format=date-time
	CircuitLastChanged string `json:"circuitLastChanged,omitempty"`

	// ConsecutiveFailures counts the health checks that failed in a row.
	// +optional
	ConsecutiveFailures *int64 `json:"consecutiveFailures,omitempty"`

	// LastHealthCheck is when vmcp last checked the backend's health.
	// +optional
	// +kubebuilder:validation:Format=date-time
	LastHealthCheck string `json:"lastHealthCheck,omitempty"`

	// MCPRevision is the MCP protocol revision the backend negotiated.
	// +optional
	MCPRevision string `json:"mcpRevision,omitempty"`

	// Message explains the backend's status (e.g. the last health check error).
	// +optional
	Message string `json:"message,omitempty"`

	// Name of the backend: its MCPServer, MCPRemoteProxy or MCPServerEntry name, the tool prefix.
	// +required
	Name string `json:"name"`

	// Status is the backend's health as vmcp sees it (ready, degraded, unavailable, unauthenticated, unknown).
	// +optional
	Status string `json:"status,omitempty"`

	// URL is the MCP endpoint vmcp connects to for this backend.
	// +optional
	URL string `json:"url,omitempty"`
}

// VirtualMCPServerRuntime is the runtime of a VirtualMCPServer.
type VirtualMCPServerRuntime struct {
	// BackendCount is the number of backends the running vmcp knows.
	// +optional
	BackendCount *int32 `json:"backendCount,omitempty"`

	// Conditions describe the observed state (Valid, Ready, Unsupported, ...).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// DiscoveredBackends as the running vmcp sees them.
	// +optional
	DiscoveredBackends []VirtualMCPServerRuntimeDiscoveredBackend `json:"discoveredBackends,omitempty"`

	// Message of the running vmcp.
	// +optional
	Message string `json:"message,omitempty"`

	// Phase reported by the running vmcp.
	// +optional
	// +kubebuilder:validation:Enum=Pending;Ready;Degraded;Failed
	Phase string `json:"phase,omitempty"`
}

// MCPOIDCConfigSpecInline is the inline of a MCPOIDCConfig.
type MCPOIDCConfigSpecInline struct {
	// CABundleRef is the CA bundle ref.
	// +optional
	CABundleRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRef `json:"caBundleRef,omitempty"`

	// ClientID of the OAuth client the workload acts as.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecretRef is the Secret key holding the OAuth client secret, for token
	// introspection. Not built yet (reported as Unsupported).
	// +optional
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef,omitempty"`

	// InsecureAllowHTTP is the insecure allow HTTP.
	// +optional
	// +kubebuilder:default=false
	InsecureAllowHTTP *bool `json:"insecureAllowHTTP,omitempty"`

	// IntrospectionURL is an RFC 7662 endpoint for opaque tokens.
	// +optional
	IntrospectionURL string `json:"introspectionUrl,omitempty"`

	// Issuer is the OIDC issuer URL; tokens must carry it as iss.
	// +required
	Issuer string `json:"issuer"`

	// JWKSAllowPrivateIP is the JWKS allow private IP.
	// +optional
	// +kubebuilder:default=false
	JWKSAllowPrivateIP *bool `json:"jwksAllowPrivateIP,omitempty"`

	// JWKSAuthTokenPath is the JWKS auth token path.
	// +optional
	JWKSAuthTokenPath string `json:"jwksAuthTokenPath,omitempty"`

	// JWKSURL is where the signing keys are fetched; defaults to the issuer's discovery
	// document.
	// +optional
	JWKSURL string `json:"jwksUrl,omitempty"`

	// ProtectedResourceAllowPrivateIP is the protected resource allow private IP.
	// +optional
	// +kubebuilder:default=false
	ProtectedResourceAllowPrivateIP *bool `json:"protectedResourceAllowPrivateIP,omitempty"`
}

// MCPOIDCConfigSpecKubernetesServiceAccount is the kubernetes service account of a
// MCPOIDCConfig.
type MCPOIDCConfigSpecKubernetesServiceAccount struct {
	// IntrospectionURL is an RFC 7662 endpoint for opaque tokens.
	// +optional
	IntrospectionURL string `json:"introspectionUrl,omitempty"`

	// Issuer is the OIDC issuer URL; tokens must carry it as iss.
	// +optional
	// +kubebuilder:default="https://kubernetes.default.svc"
	Issuer string `json:"issuer,omitempty"`

	// JWKSURL is where the signing keys are fetched; defaults to the issuer's discovery
	// document.
	// +optional
	JWKSURL string `json:"jwksUrl,omitempty"`

	// Namespace whose service accounts may call; empty allows any. Not built yet (reported as
	// Unsupported).
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// ServiceAccount that may call; empty allows any. Not built yet (reported as Unsupported).
	// +optional
	ServiceAccount string `json:"serviceAccount,omitempty"`

	// UseClusterAuth fetches the signing keys with the pod's own service account token (needed
	// by most API servers).
	// +optional
	UseClusterAuth *bool `json:"useClusterAuth,omitempty"`
}

// MCPOIDCConfigSpec is the spec of a MCPOIDCConfig.
type MCPOIDCConfigSpec struct {
	// Inline settings of an external identity provider, for type inline.
	// +optional
	Inline *MCPOIDCConfigSpecInline `json:"inline,omitempty"`

	// KubernetesServiceAccount settings, for type kubernetesServiceAccount: tokens the cluster
	// issues to service accounts.
	// +optional
	KubernetesServiceAccount *MCPOIDCConfigSpecKubernetesServiceAccount `json:"kubernetesServiceAccount,omitempty"`

	// Type of the OIDC settings: kubernetesServiceAccount (tokens issued by the cluster to service accounts; issuer defaults to https://kubernetes.default.svc) or inline (an external identity provider given in inline).
	// +required
	// +kubebuilder:validation:Enum=kubernetesServiceAccount;inline
	Type string `json:"type"`
}

// SharedConfigStatus is the observed state of the shared configuration kinds
// (MCPOIDCConfig, MCPTelemetryConfig, MCPAuthzConfig, MCPWebhookConfig).
type SharedConfigStatus struct {
	// Conditions describe the observed state (Valid, Ready, Unsupported, ...).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ConfigHash is the hash of the spec; referencing workloads roll when it changes.
	// +optional
	ConfigHash string `json:"configHash,omitempty"`

	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
}

// MCPTelemetryConfigSpecOpenTelemetryMetrics is the metrics of a MCPTelemetryConfig.
type MCPTelemetryConfigSpecOpenTelemetryMetrics struct {
	// Enabled exports metrics over OTLP.
	// +optional
	// +kubebuilder:default=false
	Enabled *bool `json:"enabled,omitempty"`
}

// MCPTelemetryConfigSpecOpenTelemetrySensitiveHeader is the sensitive headers of a
// MCPTelemetryConfig.
type MCPTelemetryConfigSpecOpenTelemetrySensitiveHeader struct {
	// Name of the OTLP request header.
	// +required
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// SecretKeyRef is the Secret key holding the header value (e.g. an API key).
	// +required
	SecretKeyRef *SecretKeyRef `json:"secretKeyRef"`
}

// MCPTelemetryConfigSpecOpenTelemetryTracing is the tracing of a MCPTelemetryConfig.
type MCPTelemetryConfigSpecOpenTelemetryTracing struct {
	// Enabled exports traces over OTLP.
	// +optional
	// +kubebuilder:default=false
	Enabled *bool `json:"enabled,omitempty"`

	// SamplingRate is the fraction of traces recorded, as a decimal string between 0 and 1.
	// +optional
	// +kubebuilder:default="0.05"
	// +kubebuilder:validation:Pattern=`^(0(\.\d+)?|1(\.0+)?)$`
	SamplingRate string `json:"samplingRate,omitempty"`
}

// MCPTelemetryConfigSpecOpenTelemetry is the open telemetry of a MCPTelemetryConfig.
type MCPTelemetryConfigSpecOpenTelemetry struct {
	// CABundleRef is a ConfigMap key (default ca.crt) holding the CA bundle that signs the OTLP collector's certificate; it is mounted into the proxy runner and vmcp pods and trusted for OTLP over TLS.
	// +optional
	CABundleRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRef `json:"caBundleRef,omitempty"`

	// Enabled turns OTLP export on.
	// +optional
	// +kubebuilder:default=false
	Enabled *bool `json:"enabled,omitempty"`

	// Endpoint of the OTLP collector, host:port (OTLP over HTTP).
	// +optional
	Endpoint string `json:"endpoint,omitempty"`

	// Headers sent with every OTLP request (e.g. an API key).
	// +optional
	Headers map[string]string `json:"headers,omitempty"`

	// Insecure sends OTLP without TLS.
	// +optional
	// +kubebuilder:default=false
	Insecure *bool `json:"insecure,omitempty"`

	// Metrics export settings.
	// +optional
	Metrics *MCPTelemetryConfigSpecOpenTelemetryMetrics `json:"metrics,omitempty"`

	// ResourceAttributes are added to every exported span and metric (e.g.
	// deployment.environment).
	// +optional
	ResourceAttributes map[string]string `json:"resourceAttributes,omitempty"`

	// SensitiveHeaders are OTLP request headers whose values come from Secrets.
	// +optional
	SensitiveHeaders []MCPTelemetryConfigSpecOpenTelemetrySensitiveHeader `json:"sensitiveHeaders,omitempty"`

	// Tracing export settings.
	// +optional
	Tracing *MCPTelemetryConfigSpecOpenTelemetryTracing `json:"tracing,omitempty"`

	// UseLegacyAttributes also emits the attribute names of older releases.
	// +optional
	// +kubebuilder:default=true
	UseLegacyAttributes *bool `json:"useLegacyAttributes,omitempty"`
}

// MCPTelemetryConfigSpecPrometheus is the prometheus of a MCPTelemetryConfig.
type MCPTelemetryConfigSpecPrometheus struct {
	// Enabled serves Prometheus metrics on /metrics.
	// +optional
	// +kubebuilder:default=false
	Enabled *bool `json:"enabled,omitempty"`

	// MetricsOnTransportPort serves /metrics on the MCP port instead of a separate one.
	// +optional
	MetricsOnTransportPort *bool `json:"metricsOnTransportPort,omitempty"`
}

// MCPTelemetryConfigSpec is the spec of a MCPTelemetryConfig.
type MCPTelemetryConfigSpec struct {
	// OpenTelemetry configures OTLP export of traces and metrics.
	// +optional
	OpenTelemetry *MCPTelemetryConfigSpecOpenTelemetry `json:"openTelemetry,omitempty"`

	// Prometheus configures the Prometheus metrics endpoint.
	// +optional
	Prometheus *MCPTelemetryConfigSpecPrometheus `json:"prometheus,omitempty"`
}

// MCPAuthzConfigSpec is the spec of a MCPAuthzConfig.
type MCPAuthzConfigSpec struct {
	// Config is the policy set: for cedarv1 {policies: [<Cedar policy>...], entitiesJson:
	// "<JSON array>"}.
	// +required
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	Config *runtime.RawExtension `json:"config"`

	// Type of the policy language; cedarv1 (Cedar) is evaluated by this operator.
	// +required
	// +kubebuilder:validation:MinLength=1
	Type string `json:"type"`
}

// MCPWebhookConfigSpecMutatingTLSConfig is the TLS config of a MCPWebhookConfig.
type MCPWebhookConfigSpecMutatingTLSConfig struct {
	// CASecretRef is a Secret key holding the PEM CA bundle that signs the webhook's certificate.
	// +optional
	CASecretRef *SecretKeyRef `json:"caSecretRef,omitempty"`

	// ClientCertSecretRef is the Secret key holding the client certificate for mutual TLS.
	// +optional
	ClientCertSecretRef *SecretKeyRef `json:"clientCertSecretRef,omitempty"`

	// ClientKeySecretRef is the Secret key holding the client private key for mutual TLS.
	// +optional
	ClientKeySecretRef *SecretKeyRef `json:"clientKeySecretRef,omitempty"`

	// InsecureSkipVerify accepts any server certificate (development only).
	// +optional
	InsecureSkipVerify *bool `json:"insecureSkipVerify,omitempty"`
}

// MCPWebhookConfigSpecMutating is the mutating of a MCPWebhookConfig.
type MCPWebhookConfigSpecMutating struct {
	// FailurePolicy when the webhook cannot be reached or answers badly: fail (the default) refuses the
	// request, ignore lets it through.
	// +optional
	// +kubebuilder:validation:Enum=fail;ignore
	// +kubebuilder:default="fail"
	FailurePolicy string `json:"failurePolicy,omitempty"`

	// HMACSecretRef is a Secret key whose value signs each webhook request (HMAC-SHA256
	// header).
	// +optional
	HMACSecretRef *SecretKeyRef `json:"hmacSecretRef,omitempty"`

	// Name of the webhook, used in logs and errors.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`

	// Timeout of one webhook call (Go duration).
	// +optional
	// +kubebuilder:validation:Format=duration
	Timeout string `json:"timeout,omitempty"`

	// TLSConfig is the TLS config.
	// +optional
	TLSConfig *MCPWebhookConfigSpecMutatingTLSConfig `json:"tlsConfig,omitempty"`

	// URL of the webhook; each MCP request is POSTed to it as a review document.
	// +required
	// +kubebuilder:validation:Format=uri
	URL string `json:"url"`
}

// MCPWebhookConfigSpec is the spec of a MCPWebhookConfig.
type MCPWebhookConfigSpec struct {
	// Mutating webhooks may rewrite each MCP request before it reaches the server.
	// +optional
	Mutating []MCPWebhookConfigSpecMutating `json:"mutating,omitempty"`

	// Validating webhooks allow or refuse each MCP request.
	// +optional
	Validating []MCPWebhookConfigSpecMutating `json:"validating,omitempty"`
}

// MCPRegistrySpec is the spec of a MCPRegistry.
type MCPRegistrySpec struct {
	// ConfigYAML is the registry server's configuration file, mounted into its pod as is.
	// +required
	// +kubebuilder:validation:MinLength=1
	ConfigYAML string `json:"configYAML"`

	// DisplayName is the registry's name shown to users.
	// +optional
	DisplayName string `json:"displayName,omitempty"`

	// ImagePullSecrets are Secrets used to pull the vmcp image.
	// +optional
	ImagePullSecrets []ProxyResourceOverridesProxyDeploymentImagePullSecret `json:"imagePullSecrets,omitempty"`

	// PgpassSecretRef is the Secret key holding a .pgpass file for the registry's PostgreSQL
	// database.
	// +optional
	PgpassSecretRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRefConfigMapRef `json:"pgpassSecretRef,omitempty"`

	// PodTemplateSpec is merged into the registry server's pod template.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	PodTemplateSpec *runtime.RawExtension `json:"podTemplateSpec,omitempty"`

	// VolumeMounts mount the extra volumes into the registry container (core/v1 VolumeMount objects).
	// +optional
	// +kubebuilder:validation:items:Type=object
	// +kubebuilder:validation:items:XPreserveUnknownFields
	VolumeMounts []runtime.RawExtension `json:"volumeMounts,omitempty"`

	// Volumes are extra pod volumes of the registry server (core/v1 Volume objects).
	// +optional
	// +kubebuilder:validation:items:Type=object
	// +kubebuilder:validation:items:XPreserveUnknownFields
	Volumes []runtime.RawExtension `json:"volumes,omitempty"`
}

// MCPRegistryStatus is the status of a MCPRegistry.
type MCPRegistryStatus struct {
	// Conditions describe the observed state (Valid, Ready, Unsupported, ...).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Message explains the phase.
	// +optional
	Message string `json:"message,omitempty"`

	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Phase of the registry server.
	// +optional
	// +kubebuilder:validation:Enum=Pending;Ready;Failed;Terminating
	Phase string `json:"phase,omitempty"`

	// ReadyReplicas of the registry server Deployment.
	// +optional
	ReadyReplicas *int32 `json:"readyReplicas,omitempty"`

	// URL is the in-cluster address of the registry API Service, http://<name>-api.<namespace>.svc.cluster.local:8080.
	// +optional
	URL string `json:"url,omitempty"`
}

// SPIFFEMethod is how a SPIFFE identity is presented: spiffe_x509 (an X.509 SVID in
// mutual TLS) or spiffe_jwt (a JWT SVID).
// +kubebuilder:validation:Enum=spiffe_x509;spiffe_jwt
type SPIFFEMethod string
