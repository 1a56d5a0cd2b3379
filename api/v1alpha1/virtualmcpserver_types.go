package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// VMCPPort is the port of the vmcp container and of Service vmcp-<name>.
const VMCPPort int32 = 4483

// IncomingAuthType names how clients authenticate to a VirtualMCPServer.
// +kubebuilder:validation:Enum=anonymous;oidc
type IncomingAuthType string

// Incoming authentication types.
const (
	// IncomingAuthAnonymous accepts every client; do not use in production.
	IncomingAuthAnonymous IncomingAuthType = "anonymous"
	// IncomingAuthOIDC validates bearer tokens (OIDC or Kubernetes service account tokens).
	IncomingAuthOIDC IncomingAuthType = "oidc"
)

// IncomingAuth is client-to-vmcp authentication and authorization, in the CRD's
// form; the operator resolves it into spec.config.incomingAuth for vmcp.
// +kubebuilder:validation:XValidation:rule="self.type != 'oidc' || has(self.oidcConfig) || has(self.oidcConfigRef)",message="incomingAuth.type oidc needs incomingAuth.oidcConfigRef (or the legacy incomingAuth.oidcConfig)",fieldPath=".oidcConfigRef"
// +kubebuilder:validation:XValidation:rule="!(has(self.oidcConfig) && has(self.oidcConfigRef))",message="set only one of incomingAuth.oidcConfig and incomingAuth.oidcConfigRef"
type IncomingAuth struct {
	// Type: anonymous (no authentication; not for production) or oidc.
	Type IncomingAuthType `json:"type"`

	// OIDCConfig is the legacy inline OIDC configuration. Prefer oidcConfigRef.
	// +optional
	OIDCConfig *OIDCConfig `json:"oidcConfig,omitempty"`

	// OIDCConfigRef authenticates clients with the shared settings of an MCPOIDCConfig
	// plus this server's audience, scopes and resource URL. With key (legacy) it names a
	// ConfigMap key holding the OIDC settings as JSON instead.
	// +optional
	OIDCConfigRef *OIDCConfigRef `json:"oidcConfigRef,omitempty"`

	// AuthzConfig is the Cedar policy set applied to authenticated clients.
	// +optional
	AuthzConfig *AuthzConfig `json:"authzConfig,omitempty"`

	// AuthzConfigRef applies the Cedar policies of an MCPAuthzConfig in the same namespace;
	// used instead of an inline authzConfig. A change to it rolls this workload.
	// +optional
	AuthzConfigRef *LocalObjectReference `json:"authzConfigRef,omitempty"`
}

// DefaultOIDCConfigMapKey is the ConfigMap key read when oidcConfigRef.key or
// oidcConfig.configMap.key is empty.
const DefaultOIDCConfigMapKey = "oidc.json"

// OutgoingAuthSource says where per-backend credentials come from.
// +kubebuilder:validation:Enum=discovered;inline
type OutgoingAuthSource string

// Outgoing authentication sources.
const (
	// OutgoingAuthDiscovered reads each backend's externalAuthConfigRef.
	OutgoingAuthDiscovered OutgoingAuthSource = "discovered"
	// OutgoingAuthInline uses only outgoingAuth.default and outgoingAuth.backends.
	OutgoingAuthInline OutgoingAuthSource = "inline"
)

// BackendAuthType names how the credentials of one backend are found.
// +kubebuilder:validation:Enum=discovered;externalAuthConfigRef
type BackendAuthType string

// Backend authentication types.
const (
	// BackendAuthDiscovered uses the backend's own externalAuthConfigRef.
	BackendAuthDiscovered BackendAuthType = "discovered"
	// BackendAuthExternalAuthConfigRef uses the MCPExternalAuthConfig named here.
	BackendAuthExternalAuthConfigRef BackendAuthType = "externalAuthConfigRef"
)

// BackendAuth is how vmcp authenticates to a backend.
// +kubebuilder:validation:XValidation:rule="self.type == 'externalAuthConfigRef' ? has(self.externalAuthConfigRef) : !has(self.externalAuthConfigRef)",message="externalAuthConfigRef must be set when type is externalAuthConfigRef, and only then"
type BackendAuth struct {
	// Type: discovered (from the backend's externalAuthConfigRef) or
	// externalAuthConfigRef (the MCPExternalAuthConfig named here).
	Type BackendAuthType `json:"type"`

	// ExternalAuthConfigRef names an MCPExternalAuthConfig, for type externalAuthConfigRef.
	// +optional
	ExternalAuthConfigRef *LocalObjectReference `json:"externalAuthConfigRef,omitempty"`
}

// OutgoingAuth is vmcp-to-backend authentication in the CRD's form. A client's
// token is never forwarded to a backend.
type OutgoingAuth struct {
	// Source: discovered (default; each backend's externalAuthConfigRef) or inline
	// (only default and backends below).
	// +kubebuilder:default=discovered
	// +optional
	Source OutgoingAuthSource `json:"source,omitempty"`

	// Default applies to backends not listed in backends.
	// +optional
	Default *BackendAuth `json:"default,omitempty"`

	// Backends maps a backend name to its authentication.
	// +optional
	Backends map[string]BackendAuth `json:"backends,omitempty"`
}

// ServiceType of the vmcp Service.
// +kubebuilder:validation:Enum=ClusterIP;NodePort;LoadBalancer
type ServiceType string

// Service types.
const (
	ServiceTypeClusterIP    ServiceType = "ClusterIP"
	ServiceTypeNodePort     ServiceType = "NodePort"
	ServiceTypeLoadBalancer ServiceType = "LoadBalancer"
)

// VirtualMCPServerSpec is the desired state of a VirtualMCPServer.
// +kubebuilder:validation:XValidation:rule="!(has(self.aggregation) && has(self.config) && has(self.config.aggregation))",message="spec.aggregation is the legacy form of spec.config.aggregation: set only spec.config.aggregation"
// +kubebuilder:validation:XValidation:rule="!(has(self.sessionStorage) && has(self.config) && has(self.config.sessionStorage))",message="set only one of spec.sessionStorage and spec.config.sessionStorage (spec.sessionStorage takes the password and CA from Secrets)"
// +kubebuilder:validation:XValidation:rule="!(has(self.operational) && has(self.config) && has(self.config.operational))",message="spec.operational is the legacy form of spec.config.operational: set only spec.config.operational"
type VirtualMCPServerSpec struct {
	// GroupRef names the MCPGroup whose members are the backends: {name: <group>}
	// or the group name as a string. One of spec.groupRef, spec.config.groupRef
	// (legacy) or spec.config.backends (inline mode) is required.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	GroupRef *GroupRef `json:"groupRef,omitempty"`

	// EmbeddingServerRef names an EmbeddingServer whose URL becomes
	// config.optimizer.embeddingService (the optimizer's semantic arm).
	// +optional
	EmbeddingServerRef *LocalObjectReference `json:"embeddingServerRef,omitempty"`

	// IncomingAuth is how clients authenticate to the vmcp and what they may call.
	IncomingAuth *IncomingAuth `json:"incomingAuth"`

	// OutgoingAuth is how the vmcp authenticates to each backend.
	// +optional
	OutgoingAuth *OutgoingAuth `json:"outgoingAuth,omitempty"`

	// Aggregation is the legacy top-level form of config.aggregation. Deprecated:
	// use config.aggregation.
	// +optional
	Aggregation *config.Aggregation `json:"aggregation,omitempty"`

	// Operational is the legacy top-level form of config.operational. Deprecated:
	// use config.operational.
	// +optional
	Operational *config.Operational `json:"operational,omitempty"`

	// ServiceType of Service vmcp-<name> (port 4483): ClusterIP (default), NodePort or LoadBalancer.
	// +kubebuilder:default=ClusterIP
	// +optional
	ServiceType ServiceType `json:"serviceType,omitempty"`

	// PodTemplateSpec is merged into the vmcp pod template (the container is named vmcp).
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	PodTemplateSpec *runtime.RawExtension `json:"podTemplateSpec,omitempty"`

	// ServiceAccount the vmcp pod runs as; one is created when empty.
	// +optional
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	ServiceAccount string `json:"serviceAccount,omitempty"`

	// Replicas of the vmcp Deployment; 1 when unset, 0 stops vmcp. More than one replica
	// shares client sessions only with sessionStorage redis.
	// +kubebuilder:validation:Minimum=0
	// +optional
	// +kubebuilder:validation:Maximum=2147483647
	Replicas *int32 `json:"replicas,omitempty"`

	// SessionAffinity of Service vmcp-<name>: ClientIP (default) or None.
	// +kubebuilder:default=ClientIP
	// +optional
	SessionAffinity SessionAffinity `json:"sessionAffinity,omitempty"`

	// SessionStorage is where vmcp keeps client sessions: memory (default) or redis,
	// shared by the replicas, so that a session continues on any replica and
	// survives a restart. Rendered into config.sessionStorage (set only one).
	// +optional
	SessionStorage *SessionStorage `json:"sessionStorage,omitempty"`

	// Config is the vmcp configuration (the same type as the vmcp config file):
	// aggregation, operational settings, composite tools, static backends.
	// +optional
	Config *config.Config `json:"config,omitempty"`

	// TelemetryConfigRef exports OpenTelemetry traces and metrics (and Prometheus metrics) as
	// an MCPTelemetryConfig in the same namespace describes. A change to it rolls this
	// workload.
	// +optional
	TelemetryConfigRef *TelemetryConfigRef `json:"telemetryConfigRef,omitempty"`

	// AuthServerConfig configures an embedded OAuth authorization server. Not built in this
	// operator yet: accepted, and reported on the resource with the Unsupported condition and
	// a Warning event.
	// +optional
	AuthServerConfig *EmbeddedAuthServerConfig `json:"authServerConfig,omitempty"`

	// AuthServerUpstreamFilter selects upstream identity providers of the embedded
	// authorization server. Not built in this operator yet: accepted, and reported on the
	// resource with the Unsupported condition and a Warning event.
	// +optional
	AuthServerUpstreamFilter *AuthServerUpstreamFilter `json:"authServerUpstreamFilter,omitempty"`

	// ImagePullSecrets are Secrets used to pull the vmcp image.
	// +optional
	ImagePullSecrets []ProxyResourceOverridesProxyDeploymentImagePullSecret `json:"imagePullSecrets,omitempty"`

	// PassthroughHeaders are client request header names vmcp forwards to the backends,
	// joined with spec.config.passthroughHeaders. Outgoing auth and a backend's own headers
	// win over them; credential and session headers (Authorization among them) are refused.
	// +optional
	PassthroughHeaders []string `json:"passthroughHeaders,omitempty"`
}

// BackendHealth is the health of one discovered backend.
// +kubebuilder:validation:Enum=ready;degraded;unavailable;unauthenticated;unknown
type BackendHealth string

// Backend health states.
const (
	BackendReady           BackendHealth = "ready"
	BackendDegraded        BackendHealth = "degraded"
	BackendUnavailable     BackendHealth = "unavailable"
	BackendUnauthenticated BackendHealth = "unauthenticated"
	BackendUnknown         BackendHealth = "unknown"
)

// CircuitBreakerState of one backend.
// +kubebuilder:validation:Enum=closed;open;half-open
type CircuitBreakerState string

// Circuit breaker states.
const (
	CircuitClosed   CircuitBreakerState = "closed"
	CircuitOpen     CircuitBreakerState = "open"
	CircuitHalfOpen CircuitBreakerState = "half-open"
)

// DiscoveredBackend is one backend the vmcp aggregates, with its health.
type DiscoveredBackend struct {
	// Name of the backend (the workload name used in prefixes and filters).
	Name string `json:"name"`

	// URL the vmcp reaches the backend at.
	// +optional
	URL string `json:"url,omitempty"`

	// Status is the backend's health: ready, degraded, unavailable, unauthenticated or unknown.
	// +optional
	Status BackendHealth `json:"status,omitempty"`

	// AuthType is the outgoing authentication strategy used for the backend.
	// +optional
	AuthType string `json:"authType,omitempty"`

	// AuthConfigRef names the MCPExternalAuthConfig in use, if any.
	// +optional
	AuthConfigRef string `json:"authConfigRef,omitempty"`

	// LastHealthCheck is when the backend was last checked.
	// +optional
	LastHealthCheck *metav1.Time `json:"lastHealthCheck,omitempty"`

	// Message explains the backend's status, for example the last health check's error.
	// +optional
	Message string `json:"message,omitempty"`

	// CircuitBreakerState is the backend's circuit breaker: closed (calls flow), open
	// (calls fail fast) or half-open (one trial call is let through).
	// +optional
	CircuitBreakerState CircuitBreakerState `json:"circuitBreakerState,omitempty"`

	// ConsecutiveFailures of health checks or calls.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=2147483647
	ConsecutiveFailures int32 `json:"consecutiveFailures,omitempty"`

	// CircuitLastChanged is when the circuit breaker state last changed.
	// +optional
	// +kubebuilder:validation:Format=date-time
	CircuitLastChanged string `json:"circuitLastChanged,omitempty"`

	// MCPRevision is the MCP protocol revision the backend negotiated.
	// +optional
	MCPRevision string `json:"mcpRevision,omitempty"`
}

// VirtualMCPServerStatus is the observed state of a VirtualMCPServer.
type VirtualMCPServerStatus struct {
	// Conditions: Ready, GroupRefValidated, AuthConfigured, BackendsDiscovered,
	// BackendAuthResolved, BackendHealthReported, CompositeToolRefsValidated,
	// PodTemplateSpecValid, Deprecated; ToolsAggregated is written by the running vmcp.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Phase: Pending (the default; group or Deployment not ready), Ready, Degraded (some
	// or all backends unhealthy) or Failed (invalid spec; see message).
	// +optional
	// +kubebuilder:default=Pending
	// +kubebuilder:validation:Enum=Pending;Ready;Degraded;Failed
	Phase Phase `json:"phase,omitempty"`

	// Message explains the phase in words a user can act on.
	// +optional
	Message string `json:"message,omitempty"`

	// URL clients use inside the cluster: http://vmcp-<name>.<namespace>.svc.cluster.local:4483.
	// +optional
	URL string `json:"url,omitempty"`

	// BackendCount is the number of entries in discoveredBackends.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=2147483647
	BackendCount int32 `json:"backendCount,omitempty"`

	// DiscoveredBackends are the backends the operator discovered (static backends and
	// the group's members, with their outgoing auth; members left out say why in
	// message), each with the health the running vmcp last reported
	// (status.runtime), or unknown while that report is missing or stale.
	// +optional
	// +listType=map
	// +listMapKey=name
	DiscoveredBackends []DiscoveredBackend `json:"discoveredBackends,omitempty"`

	// AuthzConfigHash is the hash of the MCPAuthzConfig in effect.
	// +optional
	AuthzConfigHash string `json:"authzConfigHash,omitempty"`

	// OIDCConfigHash is the hash of the MCPOIDCConfig in effect; pods roll when it changes.
	// +optional
	OIDCConfigHash string `json:"oidcConfigHash,omitempty"`

	// TelemetryConfigHash is the hash of the MCPTelemetryConfig in effect.
	// +optional
	TelemetryConfigHash string `json:"telemetryConfigHash,omitempty"`

	// Runtime is what the running vmcp reports about itself.
	// +optional
	Runtime *VirtualMCPServerRuntime `json:"runtime,omitempty"`
}

// VirtualMCPServer aggregates the MCP backends of one MCPGroup (or static
// backends) behind a single MCP endpoint, Service vmcp-<name> on port 4483.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=vmcp;virtualmcp,categories=toolhive
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.status.url`
// +kubebuilder:printcolumn:name="Backends",type=integer,JSONPath=`.status.backendCount`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:validation:XValidation:rule="self.metadata.name.size() <= 58 && !self.metadata.name.contains('.')",message="metadata.name must be at most 58 characters without dots: it names the child Service vmcp-<name>, a DNS label of at most 63 characters"
type VirtualMCPServer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state.
	Spec VirtualMCPServerSpec `json:"spec"`

	// Status is the observed state, written by the operator and the vmcp.
	// +optional
	Status VirtualMCPServerStatus `json:"status,omitempty"`
}

// VirtualMCPServerList is a list of VirtualMCPServers.
// +kubebuilder:object:root=true
type VirtualMCPServerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []VirtualMCPServer `json:"items"`
}

func init() {
	SchemeBuilder.Register(&VirtualMCPServer{}, &VirtualMCPServerList{})
}
