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

// AWSSTSConfigRoleMapping picks an IAM role for tokens whose claims match.
type AWSSTSConfigRoleMapping struct {
	// Claim is a value of the token's roleClaim (for example a group name) that selects
	// this mapping's roleArn. Use claim or matcher.
	// +optional
	// +kubebuilder:validation:MinLength=1
	Claim string `json:"claim,omitempty"`

	// Matcher is an expression over the token's claims that selects this mapping's roleArn,
	// for rules one claim value cannot express. Use claim or matcher.
	// +optional
	// +kubebuilder:validation:MinLength=1
	Matcher string `json:"matcher,omitempty"`

	// Priority orders the mappings when several match a token (0 or more).
	// +optional
	// +kubebuilder:validation:Minimum=0
	Priority *int32 `json:"priority,omitempty"`

	// RoleARN is the IAM role assumed when this mapping matches, as arn:aws:iam::<12-digit
	// account>:role/<name> (aws-cn and aws-us-gov partitions too).
	// +required
	// +kubebuilder:validation:Pattern=`^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role/[\w+=,.@\-_/]+$`
	RoleARN string `json:"roleArn"`
}

// AWSSTSConfig trades the client's token for temporary AWS credentials (STS
// AssumeRoleWithWebIdentity) and signs backend requests with them.
type AWSSTSConfig struct {
	// FallbackRoleARN is the IAM role assumed when no roleMappings entry matches the
	// client's token; without it such a request is refused.
	// +optional
	// +kubebuilder:validation:Pattern=`^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role/[\w+=,.@\-_/]+$`
	FallbackRoleARN string `json:"fallbackRoleArn,omitempty"`

	// Region of the AWS STS endpoint and of the request signature, for example us-east-1.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:Pattern=`^[a-z]{2}(-[a-z]+)+-\d+$`
	Region string `json:"region"`

	// RoleClaim is the claim of the client's token that roleMappings compare against;
	// groups when unset.
	// +optional
	// +kubebuilder:default="groups"
	RoleClaim string `json:"roleClaim,omitempty"`

	// RoleMappings choose the IAM role to assume from the client's token claims; the first
	// match by priority wins, else fallbackRoleArn.
	// +optional
	RoleMappings []AWSSTSConfigRoleMapping `json:"roleMappings,omitempty"`

	// Service is the AWS service name used in the SigV4 signature of backend requests;
	// aws-mcp when unset.
	// +optional
	// +kubebuilder:default="aws-mcp"
	Service string `json:"service,omitempty"`

	// SessionDuration of the temporary AWS credentials, in seconds: 900 (15 minutes) to
	// 43200 (12 hours); 3600 when unset.
	// +optional
	// +kubebuilder:default=3600
	// +kubebuilder:validation:Minimum=900
	// +kubebuilder:validation:Maximum=43200
	SessionDuration *int32 `json:"sessionDuration,omitempty"`

	// SessionNameClaim is the claim of the client's token used as the STS role session
	// name, so AWS audit logs show who called; sub when unset.
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

// EmbeddedAuthServerConfigCIMD configures OAuth Client ID Metadata Documents.
type EmbeddedAuthServerConfigCIMD struct {
	// CacheFallbackTTL is how long a fetched client metadata document is cached when its
	// HTTP response sets no cache lifetime (Go duration, e.g. 5m).
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	CacheFallbackTTL string `json:"cacheFallbackTtl,omitempty"`

	// CacheMaxSize bounds the number of client metadata documents kept in the cache (at
	// least 1).
	// +optional
	// +kubebuilder:validation:Minimum=1
	CacheMaxSize *int64 `json:"cacheMaxSize,omitempty"`

	// Enabled lets clients use an https URL of their metadata document as client_id instead
	// of registering first (false when unset).
	// +required
	// +kubebuilder:default=false
	Enabled bool `json:"enabled,omitempty"`
}

// EmbeddedAuthServerConfigDelegateClient is a pre-registered OAuth client allowed to use
// the delegation grants.
type EmbeddedAuthServerConfigDelegateClient struct {
	// Audiences this delegate client may request tokens for (1 to 10 URIs).
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	Audiences []string `json:"audiences,omitempty"`

	// ClientID is the client_id under which the delegate client authenticates to the
	// embedded authorization server.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	ClientID string `json:"clientId"`

	// ClientSecretRef is the Secret key holding the delegate client's secret; the
	// authorization server checks it at the token endpoint.
	// +required
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef"`

	// Scopes the delegate client may request (1 to 10).
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	Scopes []string `json:"scopes,omitempty"`
}

// EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicySubjectBinding limits what a
// token minted for one assertion subject may reach.
type EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicySubjectBinding struct {
	// AllowedResources are the resource URLs (http or https, 1 to 50) a token minted for
	// this subject may be used at.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	// +kubebuilder:validation:items:Pattern=`^https?://[^[:space:]]+$`
	AllowedResources []string `json:"allowedResources,omitempty"`

	// Subject is the exact sub claim of an assertion this binding applies to; wildcards (*)
	// are not allowed.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:Pattern=`^[^*]+$`
	Subject string `json:"subject"`
}

// EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicy accepts RFC 7523 assertions of
// one trusted issuer.
type EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicy struct {
	// AcceptedAudiences are the aud values an assertion from this issuer may carry (up to
	// 50 http or https URLs).
	// +optional
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	// +kubebuilder:validation:items:Pattern=`^https?://[^[:space:]]+$`
	AcceptedAudiences []string `json:"acceptedAudiences,omitempty"`

	// IssuerRef names the trustedIssuers entry whose signed assertions this policy accepts.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	IssuerRef string `json:"issuerRef"`

	// MaxAssertionAge is the oldest an assertion may be, counted from its iat claim (Go
	// duration, e.g. 5m); older assertions are refused.
	// +required
	MaxAssertionAge string `json:"maxAssertionAge"`

	// SubjectBindings list, per assertion subject, which resources a token minted from it
	// may reach (1 to 50); a subject not listed is refused.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	SubjectBindings []EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicySubjectBinding `json:"subjectBindings,omitempty"`
}

// EmbeddedAuthServerConfigInboundGrantsJWTBearer configures the RFC 7523 JWT bearer grant.
type EmbeddedAuthServerConfigInboundGrantsJWTBearer struct {
	// IssuerPolicies accept RFC 7523 JWT bearer assertions from trusted issuers in exchange
	// for access tokens (up to 20).
	// +optional
	// +kubebuilder:validation:MaxItems=20
	IssuerPolicies []EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicy `json:"issuerPolicies,omitempty"`
}

// EmbeddedAuthServerConfigInboundGrantsSpiffeClientAuth lets workloads with a matching
// SPIFFE identity authenticate as one OAuth client.
type EmbeddedAuthServerConfigInboundGrantsSpiffeClientAuth struct {
	// Audiences the SPIFFE-authenticated client may request tokens for (1 to 50).
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	Audiences []string `json:"audiences,omitempty"`

	// ClientID is the client_id given to workloads that authenticate with a matching SPIFFE
	// identity instead of a client secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	ClientID string `json:"clientId"`

	// Methods are the ways the workload may prove its SPIFFE identity: spiffe_x509 (an
	// X.509 SVID over mutual TLS) and/or spiffe_jwt (a JWT SVID).
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=2
	Methods []SPIFFEMethod `json:"methods,omitempty"`

	// PrincipalPattern is the SPIFFE ID the workload must present, spiffe://<trust
	// domain>/<path>; a trailing /* matches every path below.
	// +required
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^spiffe://[a-z0-9._-]+((/[a-zA-Z0-9._-]+)+(/\*)?|/\*)$`
	PrincipalPattern string `json:"principalPattern"`

	// Resources are the resource URLs (http or https, up to 50) tokens issued to this
	// client may be used at; empty leaves them unrestricted.
	// +optional
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	// +kubebuilder:validation:items:Pattern=`^https?://[^@#[:space:]]+$`
	Resources []string `json:"resources,omitempty"`

	// Scopes the SPIFFE-authenticated client may request (1 to 50).
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	Scopes []string `json:"scopes,omitempty"`

	// TrustDomainRef names the spiffeTrustDomains entry whose trust bundle verifies the
	// workload's SVID.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	TrustDomainRef string `json:"trustDomainRef"`
}

// EmbeddedAuthServerConfigInboundGrantsTokenExchangeIssuerPolicy says which subject tokens
// of one trusted issuer may be exchanged, and by whom.
type EmbeddedAuthServerConfigInboundGrantsTokenExchangeIssuerPolicy struct {
	// ActorClaim is the claim of the actor token that identifies the acting party (up to 64
	// characters).
	// +optional
	// +kubebuilder:validation:MaxLength=64
	ActorClaim string `json:"actorClaim,omitempty"`

	// ActorMatcher is an expression over the actor token's claims that must hold for the
	// exchange to be allowed.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	ActorMatcher string `json:"actorMatcher,omitempty"`

	// AllowMayAct also admits an actor that the subject token names in its may_act claim
	// (RFC 8693 delegation).
	// +optional
	AllowMayAct *bool `json:"allowMayAct,omitempty"`

	// AllowedActors are the actor identities (values of actorClaim) allowed to act for a
	// subject (up to 50).
	// +optional
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	AllowedActors []string `json:"allowedActors,omitempty"`

	// AllowedDelegateClients are the client_ids of delegateClients that may exchange
	// subject tokens from this issuer (1 to 50).
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	AllowedDelegateClients []string `json:"allowedDelegateClients,omitempty"`

	// ExpectedAudience is the aud claim the incoming subject token must carry.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	ExpectedAudience string `json:"expectedAudience"`

	// IssuerRef names the trustedIssuers entry whose subject tokens this policy accepts for
	// exchange.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	IssuerRef string `json:"issuerRef"`
}

// EmbeddedAuthServerConfigInboundGrantsTokenExchange configures the RFC 8693 token exchange
// grant.
type EmbeddedAuthServerConfigInboundGrantsTokenExchange struct {
	// DelegateClients are OAuth clients that may exchange a token issued elsewhere for one
	// of this authorization server (up to 10).
	// +optional
	// +kubebuilder:validation:MaxItems=10
	DelegateClients []EmbeddedAuthServerConfigDelegateClient `json:"delegateClients,omitempty"`

	// IssuerPolicies say, per trusted issuer, which subject tokens may be exchanged and by
	// whom (up to 20).
	// +optional
	// +kubebuilder:validation:MaxItems=20
	IssuerPolicies []EmbeddedAuthServerConfigInboundGrantsTokenExchangeIssuerPolicy `json:"issuerPolicies,omitempty"`
}

// EmbeddedAuthServerConfigInboundGrants are the token grants beyond the authorization code
// flow.
type EmbeddedAuthServerConfigInboundGrants struct {
	// JWTBearer enables the RFC 7523 grant: a signed assertion from a trusted issuer is
	// traded for an access token.
	// +optional
	JWTBearer *EmbeddedAuthServerConfigInboundGrantsJWTBearer `json:"jwtBearer,omitempty"`

	// SpiffeClientAuth lets workloads authenticate as OAuth clients with their SPIFFE
	// identity (up to 100 entries).
	// +optional
	// +kubebuilder:validation:MaxItems=100
	SpiffeClientAuth []EmbeddedAuthServerConfigInboundGrantsSpiffeClientAuth `json:"spiffeClientAuth,omitempty"`

	// TokenExchange enables the RFC 8693 grant for tokens of trusted issuers.
	// +optional
	TokenExchange *EmbeddedAuthServerConfigInboundGrantsTokenExchange `json:"tokenExchange,omitempty"`
}

// EmbeddedAuthServerConfigRegistrationRateLimit is a token bucket for dynamic client
// registration.
type EmbeddedAuthServerConfigRegistrationRateLimit struct {
	// MaxTokens is the bucket size: requests allowed in a burst.
	// +required
	// +kubebuilder:validation:Minimum=1
	MaxTokens int32 `json:"maxTokens"`

	// RefillPeriod is the time in which an empty bucket refills completely (Go duration).
	// +required
	RefillPeriod string `json:"refillPeriod"`
}

// EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceEndpoint is a SPIFFE bundle
// endpoint.
type EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceEndpoint struct {
	// Profile of the bundle endpoint: https_web (Web PKI TLS) or https_spiffe (SPIFFE-authenticated TLS).
	// +required
	// +kubebuilder:validation:Enum=https_web;https_spiffe
	Profile string `json:"profile"`

	// URL of the SPIFFE bundle endpoint the trust bundle is fetched from.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	URL string `json:"url"`
}

// EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceFile is a trust bundle kept in a
// ConfigMap.
type EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceFile struct {
	// ConfigMapKey is the key of the ConfigMap that holds the trust bundle.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9._-]+$`
	ConfigMapKey string `json:"configMapKey"`

	// ConfigMapName is the ConfigMap, in the same namespace, that holds the trust bundle;
	// it is mounted as a file.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	ConfigMapName string `json:"configMapName"`
}

// EmbeddedAuthServerConfigSpiffeTrustDomainBundleSource says where a trust domain's bundle
// comes from.
type EmbeddedAuthServerConfigSpiffeTrustDomainBundleSource struct {
	// Endpoint fetches the trust bundle over HTTPS, for type bundle_endpoint.
	// +optional
	Endpoint *EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceEndpoint `json:"endpoint,omitempty"`

	// File reads the trust bundle from a ConfigMap key, for type file.
	// +optional
	File *EmbeddedAuthServerConfigSpiffeTrustDomainBundleSourceFile `json:"file,omitempty"`

	// Type of the bundle source: bundle_endpoint (fetched over HTTPS), file (read from a mounted file) or workload_api (the SPIFFE Workload API).
	// +required
	// +kubebuilder:validation:Enum=bundle_endpoint;file;workload_api
	Type string `json:"type"`

	// WorkloadAPI takes the trust bundle from the SPIFFE Workload API of the node agent,
	// for type workload_api; its settings are kept as given.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	WorkloadAPI *runtime.RawExtension `json:"workloadAPI,omitempty"`
}

// EmbeddedAuthServerConfigSpiffeTrustDomain is a SPIFFE trust domain whose identities are
// accepted.
type EmbeddedAuthServerConfigSpiffeTrustDomain struct {
	// BundleSource says where the trust domain's bundle (its signing keys) comes from.
	// +required
	BundleSource *EmbeddedAuthServerConfigSpiffeTrustDomainBundleSource `json:"bundleSource"`

	// Methods are the SVID kinds accepted from this trust domain: spiffe_x509 and/or
	// spiffe_jwt.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=2
	Methods []SPIFFEMethod `json:"methods,omitempty"`

	// Name identifies this entry; spiffeClientAuth entries point at it with trustDomainRef.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// TrustDomain is the SPIFFE trust domain, the host part of its SPIFFE IDs (e.g.
	// example.org).
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:Pattern=`^([a-z0-9_]|[a-z0-9_]([a-z0-9_-]|\.[a-z0-9_-])*[a-z0-9_])$`
	TrustDomain string `json:"trustDomain"`
}

// EmbeddedAuthServerConfigStorageRedisAclUserConfig holds the Redis ACL user's credentials.
type EmbeddedAuthServerConfigStorageRedisAclUserConfig struct {
	// PasswordSecretRef is the Secret key holding the Redis ACL user's password.
	// +required
	PasswordSecretRef *SecretKeyRef `json:"passwordSecretRef"`

	// UsernameSecretRef is the Secret key holding the Redis ACL user name; the default user
	// when unset.
	// +optional
	UsernameSecretRef *SecretKeyRef `json:"usernameSecretRef,omitempty"`
}

// EmbeddedAuthServerConfigStorageRedisSentinelConfigSentinelService is the Service in front
// of the Redis Sentinels.
type EmbeddedAuthServerConfigStorageRedisSentinelConfigSentinelService struct {
	// Name of the Kubernetes Service in front of the Sentinel pods.
	// +required
	Name string `json:"name"`

	// Namespace of the Sentinel Service.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Port of the Sentinel Service; 26379 when unset.
	// +optional
	// +kubebuilder:default=26379
	Port *int32 `json:"port,omitempty"`
}

// EmbeddedAuthServerConfigStorageRedisSentinelConfig finds the Redis primary through
// Sentinel.
type EmbeddedAuthServerConfigStorageRedisSentinelConfig struct {
	// DB is the Redis database number; 0 when unset.
	// +optional
	// +kubebuilder:default=0
	DB *int32 `json:"db,omitempty"`

	// MasterName is the name under which the Sentinels know the Redis primary.
	// +required
	MasterName string `json:"masterName"`

	// SentinelAddrs are the Sentinels as host:port; set these or sentinelService.
	// +optional
	SentinelAddrs []string `json:"sentinelAddrs,omitempty"`

	// SentinelService finds the Sentinels through a Kubernetes Service instead of
	// sentinelAddrs.
	// +optional
	SentinelService *EmbeddedAuthServerConfigStorageRedisSentinelConfigSentinelService `json:"sentinelService,omitempty"`
}

// EmbeddedAuthServerConfigStorageRedisSentinelTLS configures TLS to Redis or its Sentinels.
type EmbeddedAuthServerConfigStorageRedisSentinelTLS struct {
	// CACertSecretRef is the Secret key holding the PEM CA bundle that signs the server's
	// certificate; the system roots when unset.
	// +optional
	CACertSecretRef *SecretKeyRef `json:"caCertSecretRef,omitempty"`

	// InsecureSkipVerify accepts any server certificate (testing only).
	// +optional
	InsecureSkipVerify *bool `json:"insecureSkipVerify,omitempty"`
}

// EmbeddedAuthServerConfigStorageRedis is how the authorization server reaches Redis.
type EmbeddedAuthServerConfigStorageRedis struct {
	// AclUserConfig holds the credentials of the Redis ACL user the authorization server
	// logs in as.
	// +required
	AclUserConfig *EmbeddedAuthServerConfigStorageRedisAclUserConfig `json:"aclUserConfig"`

	// Addr of a single Redis server (or a cluster seed node), host:port; leave empty with
	// sentinelConfig.
	// +optional
	Addr string `json:"addr,omitempty"`

	// ClusterMode talks the Redis Cluster protocol to addr.
	// +optional
	ClusterMode *bool `json:"clusterMode,omitempty"`

	// DialTimeout bounds opening a connection (Go duration); 5s when unset.
	// +optional
	// +kubebuilder:default="5s"
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	DialTimeout string `json:"dialTimeout,omitempty"`

	// ReadTimeout bounds waiting for a reply (Go duration); 3s when unset.
	// +optional
	// +kubebuilder:default="3s"
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	ReadTimeout string `json:"readTimeout,omitempty"`

	// SentinelConfig finds the Redis primary through Redis Sentinel, for highly available
	// Redis.
	// +optional
	SentinelConfig *EmbeddedAuthServerConfigStorageRedisSentinelConfig `json:"sentinelConfig,omitempty"`

	// SentinelTLS connects to the Sentinels over TLS.
	// +optional
	SentinelTLS *EmbeddedAuthServerConfigStorageRedisSentinelTLS `json:"sentinelTls,omitempty"`

	// TLS connects to the Redis server over TLS.
	// +optional
	TLS *EmbeddedAuthServerConfigStorageRedisSentinelTLS `json:"tls,omitempty"`

	// WriteTimeout bounds sending a command (Go duration); 3s when unset.
	// +optional
	// +kubebuilder:default="3s"
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	WriteTimeout string `json:"writeTimeout,omitempty"`
}

// EmbeddedAuthServerConfigStorage is where the authorization server keeps clients, codes
// and tokens.
type EmbeddedAuthServerConfigStorage struct {
	// MaxDCRClients caps the number of dynamically registered clients kept in storage (0 or
	// more).
	// +optional
	// +kubebuilder:validation:Minimum=0
	MaxDCRClients *int32 `json:"maxDCRClients,omitempty"`

	// Redis connection settings, for type redis.
	// +optional
	Redis *EmbeddedAuthServerConfigStorageRedis `json:"redis,omitempty"`

	// Type of the storage: memory (the default; state is lost on restart and not shared between replicas) or redis.
	// +optional
	// +kubebuilder:validation:Enum=memory;redis
	// +kubebuilder:default="memory"
	Type string `json:"type,omitempty"`
}

// EmbeddedAuthServerConfigTLSListener is the certificate the authorization server serves
// HTTPS with.
type EmbeddedAuthServerConfigTLSListener struct {
	// CertificateSecretRef is the Secret key holding the PEM server certificate (with its
	// chain).
	// +required
	CertificateSecretRef *SecretKeyRef `json:"certificateSecretRef"`

	// PrivateKeySecretRef is the Secret key holding the PEM private key of the certificate.
	// +required
	PrivateKeySecretRef *SecretKeyRef `json:"privateKeySecretRef"`
}

// EmbeddedAuthServerConfigTokenLifespans set how long issued codes and tokens are valid.
type EmbeddedAuthServerConfigTokenLifespans struct {
	// AccessTokenLifespan is how long an issued access token is valid (Go duration, e.g.
	// 1h).
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	AccessTokenLifespan string `json:"accessTokenLifespan,omitempty"`

	// AuthCodeLifespan is how long an authorization code may be redeemed (Go duration, e.g.
	// 10m).
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	AuthCodeLifespan string `json:"authCodeLifespan,omitempty"`

	// RefreshTokenLifespan is how long a refresh token stays usable (Go duration, e.g.
	// 168h).
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	RefreshTokenLifespan string `json:"refreshTokenLifespan,omitempty"`
}

// EmbeddedAuthServerConfigTrustedIssuerCABundleRefConfigMapRef selects the ConfigMap key of
// a PEM CA bundle.
type EmbeddedAuthServerConfigTrustedIssuerCABundleRefConfigMapRef struct {
	// Key of the ConfigMap entry holding the PEM CA bundle.
	// +required
	Key string `json:"key"`

	// Name of the ConfigMap, in the same namespace.
	// +optional
	// +kubebuilder:default=""
	Name string `json:"name,omitempty"`

	// Optional accepts a missing ConfigMap or key.
	// +optional
	Optional *bool `json:"optional,omitempty"`
}

// EmbeddedAuthServerConfigTrustedIssuerCABundleRef points at a CA bundle to trust for one
// connection.
type EmbeddedAuthServerConfigTrustedIssuerCABundleRef struct {
	// ConfigMapRef selects the ConfigMap key that holds the PEM CA bundle to trust for this
	// connection.
	// +optional
	ConfigMapRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRefConfigMapRef `json:"configMapRef,omitempty"`
}

// EmbeddedAuthServerConfigTrustedIssuerJWTBearerGrant accepts RFC 7523 assertions of a
// trusted issuer.
type EmbeddedAuthServerConfigTrustedIssuerJWTBearerGrant struct {
	// AcceptedAudiences are the aud values an assertion from this issuer may carry (up to
	// 50 URLs).
	// +optional
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=2048
	// +kubebuilder:validation:items:Pattern=`^https?://[^[:space:]]+$`
	AcceptedAudiences []string `json:"acceptedAudiences,omitempty"`

	// MaxAssertionAge is the oldest an assertion may be, counted from its iat claim (Go
	// duration).
	// +required
	MaxAssertionAge string `json:"maxAssertionAge"`

	// SubjectBindings list, per assertion subject, which resources a token minted from it
	// may reach (1 to 50).
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	SubjectBindings []EmbeddedAuthServerConfigInboundGrantsJWTBearerIssuerPolicySubjectBinding `json:"subjectBindings,omitempty"`
}

// EmbeddedAuthServerConfigTrustedIssuer is an external issuer whose tokens the inbound
// grants accept.
type EmbeddedAuthServerConfigTrustedIssuer struct {
	// ActorClaim is the claim of an actor token from this issuer that identifies the acting
	// party.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	ActorClaim string `json:"actorClaim,omitempty"`

	// ActorMatcher is an expression over an actor token's claims that must hold for
	// delegation to be allowed.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	ActorMatcher string `json:"actorMatcher,omitempty"`

	// AllowMayAct admits an actor that the subject token names in its may_act claim; false
	// when unset.
	// +optional
	// +kubebuilder:default=false
	AllowMayAct *bool `json:"allowMayAct,omitempty"`

	// AllowPrivateIPs lets the issuer's discovery and key URLs resolve to private addresses
	// (in-cluster identity providers).
	// +optional
	AllowPrivateIPs *bool `json:"allowPrivateIPs,omitempty"`

	// AllowedActors are the actor identities allowed to act for this issuer's subjects (up
	// to 50).
	// +optional
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	AllowedActors []string `json:"allowedActors,omitempty"`

	// AllowedDelegateClients are the client_ids of delegateClients that may exchange this
	// issuer's tokens (1 to 50).
	// +optional
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	AllowedDelegateClients []string `json:"allowedDelegateClients,omitempty"`

	// CABundleRef is a CA bundle trusted for the issuer's HTTPS endpoints, for a private
	// CA.
	// +optional
	CABundleRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRef `json:"caBundleRef,omitempty"`

	// ExpectedAudience is the aud claim tokens from this issuer must carry.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	ExpectedAudience string `json:"expectedAudience,omitempty"`

	// InsecureAllowHTTP accepts an http:// issuer (development only).
	// +optional
	InsecureAllowHTTP *bool `json:"insecureAllowHTTP,omitempty"`

	// IssuerURL is the iss value of the external issuer whose tokens are trusted; its keys
	// are found by OIDC discovery unless jwksUrl is set.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	IssuerURL string `json:"issuerUrl"`

	// JWKSURL is where the signing keys are fetched; defaults to the issuer's discovery
	// document.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	JWKSURL string `json:"jwksUrl,omitempty"`

	// JWTBearerGrant accepts RFC 7523 assertions signed by this issuer.
	// +optional
	JWTBearerGrant *EmbeddedAuthServerConfigTrustedIssuerJWTBearerGrant `json:"jwtBearerGrant,omitempty"`

	// Name identifies this issuer; issuer policies refer to it with issuerRef.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigDCRConfig registers the client at the
// provider dynamically (RFC 7591).
type EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigDCRConfig struct {
	// DiscoveryURL is the provider's authorization server metadata URL, read to find its
	// registration endpoint; https only.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https://[^\s?#]+[^/\s?#]$`
	DiscoveryURL string `json:"discoveryUrl,omitempty"`

	// InitialAccessTokenRef is the Secret key holding the initial access token some
	// providers require for registration (RFC 7591).
	// +optional
	InitialAccessTokenRef *SecretKeyRef `json:"initialAccessTokenRef,omitempty"`

	// RegistrationEndpoint is the provider's dynamic client registration URL, when it is
	// not found by discovery; https only.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https://[^\s?#]+[^/\s?#]$`
	RegistrationEndpoint string `json:"registrationEndpoint,omitempty"`

	// RegistrationProbe is how the server checks that the provider still accepts its
	// dynamically registered client: tokenEndpoint (probe the token endpoint),
	// authorizationEndpoint (probe the authorization endpoint) or none (no probe).
	// +optional
	// +kubebuilder:validation:Enum=tokenEndpoint;authorizationEndpoint;none
	RegistrationProbe string `json:"registrationProbe,omitempty"`

	// RegistrationProbeInterval is the time between registration checks (Go duration).
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	RegistrationProbeInterval string `json:"registrationProbeInterval,omitempty"`

	// RotationKey identifies the current dynamic registration; change it to rotate the
	// registered client (letters, digits, . _ -; up to 64 characters).
	// +optional
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9._-]+$`
	RotationKey string `json:"rotationKey,omitempty"`

	// SoftwareID is sent as software_id when registering, so the provider can group
	// registrations of this software.
	// +optional
	// +kubebuilder:validation:MaxLength=255
	SoftwareID string `json:"softwareId,omitempty"`

	// SoftwareStatement is a signed JWT sent as software_statement when registering, for
	// providers that require one.
	// +optional
	// +kubebuilder:validation:MaxLength=16384
	SoftwareStatement string `json:"softwareStatement,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigIdentityFromToken reads the user's
// identity from the token response.
type EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigIdentityFromToken struct {
	// EmailPath is the JSON path in the token response (or its ID token) to the user's
	// e-mail address.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	EmailPath string `json:"emailPath,omitempty"`

	// NamePath is the JSON path to the user's display name.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	NamePath string `json:"namePath,omitempty"`

	// SubjectPath is the JSON path to the stable user identifier that becomes the subject.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	SubjectPath string `json:"subjectPath"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigTokenResponseMapping reads tokens
// from a non-standard token response.
type EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigTokenResponseMapping struct {
	// AccessTokenPath is the JSON path of the access token in a non-standard token
	// response.
	// +required
	// +kubebuilder:validation:MinLength=1
	AccessTokenPath string `json:"accessTokenPath"`

	// ExpiresInPath is the JSON path of the token lifetime in seconds.
	// +optional
	ExpiresInPath string `json:"expiresInPath,omitempty"`

	// RefreshTokenPath is the JSON path of the refresh token.
	// +optional
	RefreshTokenPath string `json:"refreshTokenPath,omitempty"`

	// ScopePath is the JSON path of the granted scopes.
	// +optional
	ScopePath string `json:"scopePath,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfoFieldMapping names the
// user-info fields of the user's identifier, name and e-mail.
type EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfoFieldMapping struct {
	// EmailFields are the user-info response fields tried in order for the e-mail address.
	// +optional
	EmailFields []string `json:"emailFields,omitempty"`

	// NameFields are the user-info response fields tried in order for the display name.
	// +optional
	NameFields []string `json:"nameFields,omitempty"`

	// SubjectFields are the user-info response fields tried in order for the user
	// identifier.
	// +optional
	SubjectFields []string `json:"subjectFields,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfo is the provider's user-info
// endpoint.
type EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfo struct {
	// AdditionalHeaders are sent with every user-info request (for example an API version
	// header).
	// +optional
	AdditionalHeaders map[string]string `json:"additionalHeaders,omitempty"`

	// EndpointURL is the provider's user-info endpoint, called with the user's access token
	// to learn who they are.
	// +required
	// +kubebuilder:validation:Pattern=`^https?://.*$`
	EndpointURL string `json:"endpointUrl"`

	// FieldMapping says which response fields hold the user's identifier, name and e-mail,
	// for providers whose names differ from OIDC's sub, name and email.
	// +optional
	FieldMapping *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfoFieldMapping `json:"fieldMapping,omitempty"`

	// HTTPMethod used to call the user-info endpoint: GET (query) or POST (form body).
	// +optional
	// +kubebuilder:validation:Enum=GET;POST
	HTTPMethod string `json:"httpMethod,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOauth2Config is an OAuth 2.0 provider given by
// its endpoints.
type EmbeddedAuthServerConfigUpstreamProviderOauth2Config struct {
	// AdditionalAuthorizationParams are extra query parameters added to the provider's
	// authorization request (for example prompt or access_type).
	// +optional
	AdditionalAuthorizationParams map[string]string `json:"additionalAuthorizationParams,omitempty"`

	// AdditionalTokenParams are extra form parameters added to requests at the provider's
	// token endpoint.
	// +optional
	AdditionalTokenParams map[string]string `json:"additionalTokenParams,omitempty"`

	// AllowPrivateIPs lets the provider's endpoints resolve to private addresses (an
	// identity provider inside the cluster).
	// +optional
	AllowPrivateIPs *bool `json:"allowPrivateIPs,omitempty"`

	// AuthorizationEndpoint is the provider's URL where users log in and consent.
	// +required
	// +kubebuilder:validation:Pattern=`^https?://.*$`
	AuthorizationEndpoint string `json:"authorizationEndpoint"`

	// CABundleRef is a CA bundle trusted for the provider's HTTPS endpoints, for a private
	// CA.
	// +optional
	CABundleRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRef `json:"caBundleRef,omitempty"`

	// ClientID registered for this authorization server at the provider; leave empty with
	// dcrConfig to register dynamically.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecretRef is the Secret key holding the client secret registered at the
	// provider; empty for a public client.
	// +optional
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef,omitempty"`

	// DCRConfig registers the client at the provider with RFC 7591 dynamic client
	// registration instead of a fixed clientId.
	// +optional
	DCRConfig *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigDCRConfig `json:"dcrConfig,omitempty"`

	// IdentityFromToken reads the user's identity from the token response instead of
	// calling a user-info endpoint.
	// +optional
	IdentityFromToken *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigIdentityFromToken `json:"identityFromToken,omitempty"`

	// InsecureAllowHTTP accepts http:// provider endpoints (development only).
	// +optional
	InsecureAllowHTTP *bool `json:"insecureAllowHTTP,omitempty"`

	// OmitScopeOnRefresh leaves the scope parameter out of refresh requests, for providers
	// that refuse it there.
	// +optional
	OmitScopeOnRefresh *bool `json:"omitScopeOnRefresh,omitempty"`

	// RedirectURI is the callback URL of the authorization server registered at the
	// provider, where users return after logging in.
	// +optional
	RedirectURI string `json:"redirectUri,omitempty"`

	// Scopes requested from the provider when the user logs in.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// TokenEndpoint is the provider's URL where authorization codes and refresh tokens are
	// redeemed.
	// +required
	// +kubebuilder:validation:Pattern=`^https?://.*$`
	TokenEndpoint string `json:"tokenEndpoint"`

	// TokenEndpointAuthMethod is how the client authenticates at the token endpoint: none (public client), client_secret_basic (HTTP Basic) or client_secret_post (form fields).
	// +optional
	// +kubebuilder:validation:Enum=none;client_secret_basic;client_secret_post
	TokenEndpointAuthMethod string `json:"tokenEndpointAuthMethod,omitempty"`

	// TokenResponseMapping reads tokens from a provider whose token response does not
	// follow RFC 6749 field names.
	// +optional
	TokenResponseMapping *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigTokenResponseMapping `json:"tokenResponseMapping,omitempty"`

	// UserInfo calls the provider's user-info endpoint to learn who logged in.
	// +optional
	UserInfo *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfo `json:"userInfo,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProviderOIDCConfig is an OpenID Connect provider found by
// discovery.
type EmbeddedAuthServerConfigUpstreamProviderOIDCConfig struct {
	// AdditionalAuthorizationParams are extra query parameters added to the provider's
	// authorization request.
	// +optional
	AdditionalAuthorizationParams map[string]string `json:"additionalAuthorizationParams,omitempty"`

	// AdditionalTokenParams are extra form parameters added to requests at the provider's
	// token endpoint.
	// +optional
	AdditionalTokenParams map[string]string `json:"additionalTokenParams,omitempty"`

	// AllowPrivateIPs lets the issuer and its endpoints resolve to private addresses (an
	// identity provider inside the cluster).
	// +optional
	AllowPrivateIPs *bool `json:"allowPrivateIPs,omitempty"`

	// CABundleRef is a CA bundle trusted for the issuer's HTTPS endpoints, for a private
	// CA.
	// +optional
	CABundleRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRef `json:"caBundleRef,omitempty"`

	// ClientID registered for this authorization server at the OIDC provider; leave empty
	// with dcrConfig to register dynamically.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecretRef is the Secret key holding the client secret registered at the
	// provider; empty for a public client.
	// +optional
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef,omitempty"`

	// DCRConfig registers the client at the provider with RFC 7591 dynamic client
	// registration instead of a fixed clientId.
	// +optional
	DCRConfig *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigDCRConfig `json:"dcrConfig,omitempty"`

	// IssuerURL of the OIDC provider (https); its endpoints and keys are found through
	// /.well-known/openid-configuration.
	// +required
	// +kubebuilder:validation:Pattern=`^https://.*$`
	IssuerURL string `json:"issuerUrl"`

	// OmitScopeOnRefresh leaves the scope parameter out of refresh requests, for providers
	// that refuse it there.
	// +optional
	OmitScopeOnRefresh *bool `json:"omitScopeOnRefresh,omitempty"`

	// RedirectURI is the callback URL of the authorization server registered at the
	// provider, where users return after logging in.
	// +optional
	RedirectURI string `json:"redirectUri,omitempty"`

	// Scopes requested from the provider when the user logs in.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// SubjectClaim is the ID token claim used as the user identifier instead of sub.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^([a-zA-Z_][a-zA-Z0-9_]*)?$`
	SubjectClaim string `json:"subjectClaim,omitempty"`

	// UserInfoOverride replaces the discovered user-info endpoint or its field names.
	// +optional
	UserInfoOverride *EmbeddedAuthServerConfigUpstreamProviderOauth2ConfigUserInfo `json:"userInfoOverride,omitempty"`
}

// EmbeddedAuthServerConfigUpstreamProvider is an identity provider users log in with.
type EmbeddedAuthServerConfigUpstreamProvider struct {
	// Name identifies the provider (lowercase DNS label); primaryUpstreamProvider,
	// upstreamInject and the upstream filter refer to it.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`
	Name string `json:"name"`

	// Oauth2Config gives the provider's endpoints explicitly, for type oauth2.
	// +optional
	Oauth2Config *EmbeddedAuthServerConfigUpstreamProviderOauth2Config `json:"oauth2Config,omitempty"`

	// OIDCConfig finds the provider's endpoints by OIDC discovery, for type oidc.
	// +optional
	OIDCConfig *EmbeddedAuthServerConfigUpstreamProviderOIDCConfig `json:"oidcConfig,omitempty"`

	// Type of the upstream provider: oidc (discovered from its issuer) or oauth2 (endpoints given explicitly).
	// +required
	// +kubebuilder:validation:Enum=oidc;oauth2
	Type string `json:"type"`
}

// EmbeddedAuthServerConfig is an OAuth 2.1 authorization server run in front of a workload,
// federating to upstream identity providers. Not built in this operator yet.
type EmbeddedAuthServerConfig struct {
	// AllowConfidentialClientRegistration lets dynamically registered clients ask for a
	// client secret; false registers public clients only.
	// +optional
	// +kubebuilder:default=false
	AllowConfidentialClientRegistration *bool `json:"allowConfidentialClientRegistration,omitempty"`

	// AllowPrivateKeyJWTRegistration lets dynamically registered clients authenticate with
	// a signed JWT (private_key_jwt); false when unset.
	// +optional
	// +kubebuilder:default=false
	AllowPrivateKeyJWTRegistration *bool `json:"allowPrivateKeyJWTRegistration,omitempty"`

	// AuthorizationEndpointBaseURL is the public base URL of the authorization endpoint
	// when browsers reach it at another address than the issuer; the issuer when unset.
	// +optional
	// +kubebuilder:validation:Pattern=`^https?://[^\s?#]+[^/\s?#]$`
	AuthorizationEndpointBaseURL string `json:"authorizationEndpointBaseUrl,omitempty"`

	// BaselineClientScopes are granted to every registered client in addition to those it
	// asks for (up to 10).
	// +optional
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:Pattern=`^[\x21\x23-\x5B\x5D-\x7E]+$`
	BaselineClientScopes []string `json:"baselineClientScopes,omitempty"`

	// CIMD accepts OAuth Client ID Metadata Documents: a client identifies itself by the
	// URL of its metadata instead of registering.
	// +optional
	CIMD *EmbeddedAuthServerConfigCIMD `json:"cimd,omitempty"`

	// DelegateClients are pre-registered OAuth clients allowed to use the server's
	// delegation grants (up to 10).
	// +optional
	// +kubebuilder:validation:MaxItems=10
	DelegateClients []EmbeddedAuthServerConfigDelegateClient `json:"delegateClients,omitempty"`

	// DisableUpstreamTokenInjection stops the proxy from sending the user's upstream
	// provider token to the MCP server in place of the client's token; false when unset.
	// +optional
	// +kubebuilder:default=false
	DisableUpstreamTokenInjection *bool `json:"disableUpstreamTokenInjection,omitempty"`

	// ForceConfidentialRedirectURIs are redirect URIs (https, up to 10) for which a
	// registering client must be confidential.
	// +optional
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:Pattern=`^https://[^\s?#]+$`
	ForceConfidentialRedirectURIs []string `json:"forceConfidentialRedirectUris,omitempty"`

	// HMACSecretRefs are Secret keys whose values sign authorization codes and state; the
	// first signs, the others still verify, so keys can be rotated.
	// +optional
	HMACSecretRefs []SecretKeyRef `json:"hmacSecretRefs,omitempty"`

	// InboundGrants enable the extra token grants: JWT bearer, token exchange and SPIFFE
	// client authentication.
	// +optional
	InboundGrants *EmbeddedAuthServerConfigInboundGrants `json:"inboundGrants,omitempty"`

	// InsecureAllowConfidentialOverLoopbackHTTP accepts confidential clients whose redirect
	// URI is plain http on a loopback address (local development only); false when unset.
	// +optional
	// +kubebuilder:default=false
	InsecureAllowConfidentialOverLoopbackHTTP *bool `json:"insecureAllowConfidentialOverLoopbackHTTP,omitempty"`

	// InsecureAllowHTTP accepts an http:// issuer (development only); false when unset.
	// +optional
	// +kubebuilder:default=false
	InsecureAllowHTTP *bool `json:"insecureAllowHTTP,omitempty"`

	// Issuer is the public URL of the embedded authorization server: it is the iss of the
	// tokens it issues and the base of its endpoints.
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

	// RegistrationRateLimit throttles dynamic client registration requests with a token
	// bucket.
	// +optional
	RegistrationRateLimit *EmbeddedAuthServerConfigRegistrationRateLimit `json:"registrationRateLimit,omitempty"`

	// SigningKeySecretRefs are Secret keys holding the PEM private keys that sign issued
	// tokens; the first signs, all are published for verification (up to 5).
	// +optional
	// +kubebuilder:validation:MaxItems=5
	SigningKeySecretRefs []SecretKeyRef `json:"signingKeySecretRefs,omitempty"`

	// SpiffeTrustDomains are the SPIFFE trust domains whose workload identities are
	// accepted (1 to 50).
	// +optional
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	SpiffeTrustDomains []EmbeddedAuthServerConfigSpiffeTrustDomain `json:"spiffeTrustDomains,omitempty"`

	// Storage is where clients, codes and tokens are kept: memory (the default) or redis.
	// +optional
	Storage *EmbeddedAuthServerConfigStorage `json:"storage,omitempty"`

	// TLSListener serves the authorization server over HTTPS with this certificate.
	// +optional
	TLSListener *EmbeddedAuthServerConfigTLSListener `json:"tlsListener,omitempty"`

	// TokenLifespans set how long issued codes and tokens stay valid.
	// +optional
	TokenLifespans *EmbeddedAuthServerConfigTokenLifespans `json:"tokenLifespans,omitempty"`

	// TrustedIssuers are external token issuers whose tokens the inbound grants accept (up
	// to 20).
	// +optional
	// +kubebuilder:validation:MaxItems=20
	TrustedIssuers []EmbeddedAuthServerConfigTrustedIssuer `json:"trustedIssuers,omitempty"`

	// UpstreamProviders are the identity providers users log in with; the server federates
	// to them and keeps their tokens.
	// +optional
	UpstreamProviders []EmbeddedAuthServerConfigUpstreamProvider `json:"upstreamProviders,omitempty"`
}

// OBOConfig is the on-behalf-of flow: the client's token is traded for a token for the
// backend API, on the user's behalf.
type OBOConfig struct {
	// Audience of the token requested on the user's behalf: the backend API it is for.
	// +optional
	Audience string `json:"audience,omitempty"`

	// Authority is the identity provider's base URL (https, no trailing slash), for example
	// https://login.microsoftonline.com.
	// +optional
	// +kubebuilder:validation:Pattern=`^https://[^\s?#@]+[^/\s?#@]$`
	Authority string `json:"authority,omitempty"`

	// CacheSkew renews a cached on-behalf-of token this long before it expires (Go
	// duration).
	// +optional
	CacheSkew string `json:"cacheSkew,omitempty"`

	// ClientID of the application registration that requests tokens on the user's behalf.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecretRef is the Secret key holding that application's client secret.
	// +optional
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef,omitempty"`

	// Scopes requested for the on-behalf-of token (up to 20).
	// +optional
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	Scopes []string `json:"scopes,omitempty"`

	// SubjectTokenProviderName picks the upstream provider of the embedded authorization
	// server whose token is exchanged.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`
	SubjectTokenProviderName string `json:"subjectTokenProviderName,omitempty"`

	// TenantID is the directory (tenant) of the identity provider, as a GUID or a domain
	// name.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,})$`
	TenantID string `json:"tenantId,omitempty"`
}

// UpstreamInjectConfig sends the user's token of an upstream provider to the backend.
type UpstreamInjectConfig struct {
	// ProviderName names the upstreamProviders entry of the embedded authorization server
	// whose token for this user is sent to the backend.
	// +required
	// +kubebuilder:validation:MinLength=1
	ProviderName string `json:"providerName"`
}

// XAAConfig is cross-application access: an identity assertion from the user's identity
// provider is redeemed for a token of the target authorization server.
type XAAConfig struct {
	// IDPClientID is the client_id at the identity provider that issues the identity
	// assertion.
	// +optional
	IDPClientID string `json:"idpClientId,omitempty"`

	// IDPClientSecretRef is the Secret key holding the client secret at the identity
	// provider.
	// +optional
	IDPClientSecretRef *SecretKeyRef `json:"idpClientSecretRef,omitempty"`

	// IDPTokenURL is the identity provider's token endpoint (https) where the user's ID
	// token is exchanged for an identity assertion for the target.
	// +required
	// +kubebuilder:validation:Pattern=`^https://.*$`
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

	// SubjectTokenType is the type of the identity assertion; only urn:ietf:params:oauth:token-type:id_token (an OIDC ID token) is defined.
	// +optional
	// +kubebuilder:validation:Enum="urn:ietf:params:oauth:token-type:id_token"
	SubjectTokenType string `json:"subjectTokenType,omitempty"`

	// TargetAudience is the target authorization server the identity assertion is issued
	// for (its issuer URL).
	// +required
	TargetAudience string `json:"targetAudience"`

	// TargetClientID is the client_id at the target authorization server.
	// +optional
	TargetClientID string `json:"targetClientId,omitempty"`

	// TargetClientSecretRef is the Secret key holding the client secret at the target
	// authorization server.
	// +optional
	TargetClientSecretRef *SecretKeyRef `json:"targetClientSecretRef,omitempty"`

	// TargetResource is the resource indicator (RFC 8707) of the backend the final access
	// token is for.
	// +optional
	TargetResource string `json:"targetResource,omitempty"`

	// TargetTokenURL is the target authorization server's token endpoint where the identity
	// assertion is redeemed for an access token.
	// +required
	TargetTokenURL string `json:"targetTokenUrl"`
}

// AuthServerRef names the object holding an embedded authorization server configuration.
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

// ProxyResourceOverridesProxyDeploymentEnv is an extra environment variable of the proxy
// container.
type ProxyResourceOverridesProxyDeploymentEnv struct {
	// Name of the environment variable.
	// +required
	Name string `json:"name"`

	// Value of the environment variable (plain text; use Secrets for credentials).
	// +required
	Value string `json:"value"`
}

// ProxyResourceOverridesProxyDeploymentImagePullSecret names a Secret used to pull an
// image.
type ProxyResourceOverridesProxyDeploymentImagePullSecret struct {
	// Name of a Secret of type kubernetes.io/dockerconfigjson in the same namespace.
	// +optional
	// +kubebuilder:default=""
	Name string `json:"name,omitempty"`
}

// MetadataOverrides are labels and annotations added to a rendered object.
type MetadataOverrides struct {
	// Annotations added to the rendered object.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`

	// Labels added to the rendered object; the operator's own labels win on conflict.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
}

// ProxyResourceOverridesProxyDeployment adds metadata and scheduling settings to the proxy
// Deployment.
type ProxyResourceOverridesProxyDeployment struct {
	// Affinity is the pods' scheduling affinity.
	// +optional
	Affinity *corev1.Affinity `json:"affinity,omitempty"`

	// Annotations added to the proxy Deployment.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`

	// Env are extra environment variables of the proxy container.
	// +optional
	Env []ProxyResourceOverridesProxyDeploymentEnv `json:"env,omitempty"`

	// ImagePullSecrets are Secrets used to pull the proxy runner image.
	// +optional
	ImagePullSecrets []ProxyResourceOverridesProxyDeploymentImagePullSecret `json:"imagePullSecrets,omitempty"`

	// Labels added to the proxy Deployment; the operator's own labels win on conflict.
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

// ProxyResourceOverrides are additions to the proxy's rendered Deployment and Service.
type ProxyResourceOverrides struct {
	// ProxyDeployment changes the proxy Deployment and its pod template.
	// +optional
	ProxyDeployment *ProxyResourceOverridesProxyDeployment `json:"proxyDeployment,omitempty"`

	// ProxyService changes the proxy Service.
	// +optional
	ProxyService *MetadataOverrides `json:"proxyService,omitempty"`
}

// TelemetryConfigRef points a workload at a shared MCPTelemetryConfig.
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

// HostVolume mounts a directory of the node into the MCP container.
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

	// ReadOnly mounts the directory read-only; false when unset.
	// +optional
	// +kubebuilder:default=false
	ReadOnly *bool `json:"readOnly,omitempty"`
}

// AuthServerUpstreamFilterRule offers upstream providers to users with given claim values.
type AuthServerUpstreamFilterRule struct {
	// Groups are values of the filter's claim; a user with any of them may log in through
	// upstreamProviders (1 to 100).
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=100
	Groups []string `json:"groups,omitempty"`

	// UpstreamProviders are the names of the providers offered to users matching groups (1
	// to 100).
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=100
	UpstreamProviders []string `json:"upstreamProviders,omitempty"`
}

// AuthServerUpstreamFilter chooses which upstream providers a user is offered.
type AuthServerUpstreamFilter struct {
	// Claim of the user's token whose values the rules compare with their groups.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Claim string `json:"claim,omitempty"`

	// DefaultUpstreams are the providers offered to users that no rule matches (up to 100).
	// +optional
	// +kubebuilder:validation:MaxItems=100
	DefaultUpstreams []string `json:"defaultUpstreams,omitempty"`

	// Rules map values of the claim to the upstream providers offered to those users (1 to
	// 100).
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=100
	Rules []AuthServerUpstreamFilterRule `json:"rules,omitempty"`
}

// VirtualMCPServerRuntime is what the running vmcp reports about itself: written
// only by vmcp (server-side apply field manager "vmcp"), every
// statusReportingInterval. The operator reads it to fill status.discoveredBackends'
// health and to tell when the report is stale (lastReportTime).
type VirtualMCPServerRuntime struct {
	// BackendCount is the number of backends the running vmcp knows.
	// +optional
	BackendCount *int32 `json:"backendCount,omitempty"`

	// Conditions describe the observed state as vmcp sees it (BackendsDiscovered).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// DiscoveredBackends as the running vmcp sees them, with their health.
	// +optional
	// +listType=map
	// +listMapKey=name
	DiscoveredBackends []DiscoveredBackend `json:"discoveredBackends,omitempty"`

	// LastReportTime is when vmcp wrote this report (its heartbeat, renewed every
	// statusReportingInterval). Older than 3 times the longer of
	// statusReportingInterval and healthCheckInterval, the operator shows every
	// backend's health as unknown and sets BackendHealthReported False
	// (reason BackendsHealthStale).
	// +optional
	LastReportTime *metav1.Time `json:"lastReportTime,omitempty"`

	// Message is what the running vmcp says about its state (for example why it is
	// Degraded).
	// +optional
	Message string `json:"message,omitempty"`

	// Phase as the running vmcp reports it: Pending (starting, backends not yet
	// discovered), Ready (serving with every backend healthy), Degraded (serving, some
	// backends unhealthy) or Failed (cannot serve). Empty until vmcp first reports.
	// +optional
	// +kubebuilder:validation:Enum=Pending;Ready;Degraded;Failed
	Phase string `json:"phase,omitempty"`
}

// MCPOIDCConfigSpecInline is an external identity provider whose JWTs are accepted.
type MCPOIDCConfigSpecInline struct {
	// CABundleRef is a ConfigMap key holding the CA bundle that signs the identity
	// provider's certificate. Not built yet: reported as Unsupported, and the system roots
	// are used.
	// +optional
	CABundleRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRef `json:"caBundleRef,omitempty"`

	// ClientID of this workload at the identity provider; advertised to clients in the
	// protected-resource metadata.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecretRef is the Secret key holding the OAuth client secret, for token
	// introspection. Not built yet (reported as Unsupported).
	// +optional
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef,omitempty"`

	// InsecureAllowHTTP allows an http:// issuer or JWKS URL (development only). Accepted
	// for compatibility; it has no effect, because this operator does not refuse http://
	// URLs; false when unset.
	// +optional
	// +kubebuilder:default=false
	InsecureAllowHTTP *bool `json:"insecureAllowHTTP,omitempty"`

	// IntrospectionURL is an RFC 7662 endpoint that would validate opaque (non-JWT) tokens;
	// only JWTs are accepted. Not built in this operator yet: accepted, and reported on the
	// resource with the Unsupported condition and a Warning event.
	// +optional
	IntrospectionURL string `json:"introspectionUrl,omitempty"`

	// Issuer is the OIDC issuer URL; tokens must carry it as iss.
	// +required
	Issuer string `json:"issuer"`

	// JWKSAllowPrivateIP lets the JWKS URL resolve to a private address (an identity
	// provider inside the cluster). Accepted for compatibility; it has no effect, because
	// this operator does not refuse private addresses for the key set; false when unset.
	// +optional
	// +kubebuilder:default=false
	JWKSAllowPrivateIP *bool `json:"jwksAllowPrivateIP,omitempty"`

	// JWKSAuthTokenPath is a file whose token is sent as a bearer token when fetching the
	// JWKS. Not built yet: reported as Unsupported.
	// +optional
	JWKSAuthTokenPath string `json:"jwksAuthTokenPath,omitempty"`

	// JWKSURL is where the signing keys are fetched; defaults to the issuer's discovery
	// document.
	// +optional
	JWKSURL string `json:"jwksUrl,omitempty"`

	// ProtectedResourceAllowPrivateIP allows a private address in the resource URL
	// advertised in the protected-resource metadata. Accepted for compatibility; it has no
	// effect, because this operator does not refuse private resource URLs; false when
	// unset.
	// +optional
	// +kubebuilder:default=false
	ProtectedResourceAllowPrivateIP *bool `json:"protectedResourceAllowPrivateIP,omitempty"`
}

// MCPOIDCConfigSpecKubernetesServiceAccount accepts the cluster's service-account tokens.
type MCPOIDCConfigSpecKubernetesServiceAccount struct {
	// IntrospectionURL is an RFC 7662 endpoint that would validate opaque tokens;
	// service-account tokens are JWTs and are checked against the cluster's keys. Not built
	// in this operator yet: accepted, and reported on the resource with the Unsupported
	// condition and a Warning event.
	// +optional
	IntrospectionURL string `json:"introspectionUrl,omitempty"`

	// Issuer of the cluster's service-account tokens, which they carry as iss;
	// https://kubernetes.default.svc when unset.
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

	// UseClusterAuth would fetch the cluster's signing keys with the pod's own
	// service-account token, as API servers that refuse anonymous access to their key set
	// need; the keys are fetched without credentials. Not built in this operator yet:
	// accepted, and reported on the resource with the Unsupported condition and a Warning
	// event.
	// +optional
	UseClusterAuth *bool `json:"useClusterAuth,omitempty"`
}

// MCPOIDCConfigSpec is the desired state of an MCPOIDCConfig: how clients' tokens are
// checked, shared by every workload that references it.
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

// MCPTelemetryConfigSpecOpenTelemetryMetrics configures OTLP metric export.
type MCPTelemetryConfigSpecOpenTelemetryMetrics struct {
	// Enabled exports metrics over OTLP; false when unset.
	// +optional
	// +kubebuilder:default=false
	Enabled *bool `json:"enabled,omitempty"`
}

// MCPTelemetryConfigSpecOpenTelemetrySensitiveHeader is an OTLP request header whose value
// comes from a Secret.
type MCPTelemetryConfigSpecOpenTelemetrySensitiveHeader struct {
	// Name of the OTLP request header.
	// +required
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// SecretKeyRef is the Secret key holding the header value (e.g. an API key).
	// +required
	SecretKeyRef *SecretKeyRef `json:"secretKeyRef"`
}

// MCPTelemetryConfigSpecOpenTelemetryTracing configures OTLP trace export.
type MCPTelemetryConfigSpecOpenTelemetryTracing struct {
	// Enabled exports traces over OTLP; false when unset.
	// +optional
	// +kubebuilder:default=false
	Enabled *bool `json:"enabled,omitempty"`

	// SamplingRate is the fraction of traces recorded, as a decimal string from 0 to 1;
	// 0.05 (one in twenty) when unset.
	// +optional
	// +kubebuilder:default="0.05"
	// +kubebuilder:validation:Pattern=`^(0(\.\d+)?|1(\.0+)?)$`
	SamplingRate string `json:"samplingRate,omitempty"`
}

// MCPTelemetryConfigSpecOpenTelemetry configures OTLP export.
type MCPTelemetryConfigSpecOpenTelemetry struct {
	// CABundleRef is a ConfigMap key (default ca.crt) holding the CA bundle that signs the
	// OTLP collector's certificate; it is mounted into the proxy runner and vmcp pods and
	// trusted for OTLP over TLS. A reference without configMapRef.name cannot be mounted
	// and is reported on the resource with the Unsupported condition and a Warning event.
	// +optional
	CABundleRef *EmbeddedAuthServerConfigTrustedIssuerCABundleRef `json:"caBundleRef,omitempty"`

	// Enabled turns OTLP export on; false when unset.
	// +optional
	// +kubebuilder:default=false
	Enabled *bool `json:"enabled,omitempty"`

	// Endpoint of the OTLP collector as host:port, spoken to over OTLP/HTTP; nothing is
	// exported when unset.
	// +optional
	Endpoint string `json:"endpoint,omitempty"`

	// Headers sent with every OTLP request (e.g. an API key).
	// +optional
	Headers map[string]string `json:"headers,omitempty"`

	// Insecure sends OTLP over plain HTTP instead of TLS; false when unset.
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

	// UseLegacyAttributes also emits the attribute names of older releases, for dashboards
	// built on them; true when unset.
	// +optional
	// +kubebuilder:default=true
	UseLegacyAttributes *bool `json:"useLegacyAttributes,omitempty"`
}

// MCPTelemetryConfigSpecPrometheus configures the Prometheus metrics endpoint.
type MCPTelemetryConfigSpecPrometheus struct {
	// Enabled serves Prometheus metrics on /metrics; false when unset.
	// +optional
	// +kubebuilder:default=false
	Enabled *bool `json:"enabled,omitempty"`

	// MetricsOnTransportPort serves /metrics on the MCP port instead of a separate one.
	// +optional
	MetricsOnTransportPort *bool `json:"metricsOnTransportPort,omitempty"`
}

// MCPTelemetryConfigSpec is the desired state of an MCPTelemetryConfig, shared by every
// workload that references it.
type MCPTelemetryConfigSpec struct {
	// OpenTelemetry configures OTLP export of traces and metrics.
	// +optional
	OpenTelemetry *MCPTelemetryConfigSpecOpenTelemetry `json:"openTelemetry,omitempty"`

	// Prometheus configures the Prometheus metrics endpoint.
	// +optional
	Prometheus *MCPTelemetryConfigSpecPrometheus `json:"prometheus,omitempty"`
}

// MCPAuthzConfigSpec is the desired state of an MCPAuthzConfig: a policy set shared by
// every workload that references it.
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

// MCPWebhookConfigSpecMutatingTLSConfig is the TLS setup of calls to a webhook.
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

// MCPWebhookConfigSpecMutating is one webhook called for each MCP request.
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

	// TLSConfig sets the CA that verifies the webhook's certificate and the client
	// certificate for mutual TLS.
	// +optional
	TLSConfig *MCPWebhookConfigSpecMutatingTLSConfig `json:"tlsConfig,omitempty"`

	// URL of the webhook; each MCP request is POSTed to it as a review document.
	// +required
	// +kubebuilder:validation:Format=uri
	URL string `json:"url"`
}

// MCPWebhookConfigSpec is the desired state of an MCPWebhookConfig: webhooks shared by
// every workload that references it.
type MCPWebhookConfigSpec struct {
	// Mutating webhooks may rewrite each MCP request before it reaches the server.
	// +optional
	Mutating []MCPWebhookConfigSpecMutating `json:"mutating,omitempty"`

	// Validating webhooks allow or refuse each MCP request.
	// +optional
	Validating []MCPWebhookConfigSpecMutating `json:"validating,omitempty"`
}

// MCPRegistrySpec is the desired state of an MCPRegistry: a registry API server run from
// its configuration file.
type MCPRegistrySpec struct {
	// ConfigYAML is the registry server's configuration file, mounted into its pod as is.
	// +required
	// +kubebuilder:validation:MinLength=1
	ConfigYAML string `json:"configYAML"`

	// DisplayName is the registry's name shown to users.
	// +optional
	DisplayName string `json:"displayName,omitempty"`

	// ImagePullSecrets are Secrets used to pull the registry server image.
	// +optional
	ImagePullSecrets []ProxyResourceOverridesProxyDeploymentImagePullSecret `json:"imagePullSecrets,omitempty"`

	// PgpassSecretRef is the Secret key holding a .pgpass file for the registry's
	// PostgreSQL database; it is mounted and PGPASSFILE points at it.
	// +optional
	PgpassSecretRef *PgpassSecretRef `json:"pgpassSecretRef,omitempty"`

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

// PgpassSecretRef selects the Secret key that holds the registry database's .pgpass file.
type PgpassSecretRef struct {
	// Key of the Secret entry holding the .pgpass file.
	// +required
	Key string `json:"key"`

	// Name of the Secret, in the same namespace.
	// +optional
	// +kubebuilder:default=""
	Name string `json:"name,omitempty"`

	// Optional is accepted for compatibility and has no effect: the Secret is always
	// mounted as required, so the registry pod does not start until it exists.
	// +optional
	Optional *bool `json:"optional,omitempty"`
}

// MCPRegistryStatus is the observed state of an MCPRegistry.
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

	// Phase of the registry server: Pending (Deployment not yet available), Ready (serving
	// its API), Failed (invalid spec or rendering failed; see message) or Terminating
	// (being deleted).
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
