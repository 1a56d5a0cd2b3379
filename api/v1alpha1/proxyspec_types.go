package v1alpha1

// ProxySpec is the proxy in front of an MCP server as MCPServer and MCPRemoteProxy both
// configure it: client authentication and authorization, audit, replicas, sessions, telemetry
// and overrides of the rendered objects. Both specs embed it inline, so each kind's schema
// lists these fields directly under spec; fields whose documentation differs between the two
// kinds stay in each spec.
type ProxySpec struct {
	// OIDCConfig configures authentication of clients at the proxy.
	// +optional
	OIDCConfig *OIDCConfig `json:"oidcConfig,omitempty"`

	// AuthzConfig is the Cedar policy set applied to authenticated clients.
	// +optional
	AuthzConfig *AuthzConfig `json:"authzConfig,omitempty"`

	// Audit configures audit logging at the proxy.
	// +optional
	Audit *Audit `json:"audit,omitempty"`

	// Replicas of the proxy Deployment.
	// +kubebuilder:validation:Minimum=0
	// +optional
	// +kubebuilder:validation:Maximum=2147483647
	Replicas *int32 `json:"replicas,omitempty"`

	// SessionStorage is where the proxy keeps client sessions: memory (the
	// proxy's own behaviour) or redis. Redis is not built for the proxy yet:
	// accepted, and reported on the resource with the Unsupported condition and a
	// Warning event.
	// +optional
	SessionStorage *SessionStorage `json:"sessionStorage,omitempty"`

	// AuthServerRef names the embedded OAuth authorization server configuration. Not built in
	// this operator yet: accepted, and reported on the resource with the Unsupported condition
	// and a Warning event.
	// +optional
	AuthServerRef *AuthServerRef `json:"authServerRef,omitempty"`

	// AuthzConfigRef applies the Cedar policies of an MCPAuthzConfig in the same namespace;
	// used instead of an inline authzConfig. A change to it rolls this workload.
	// +optional
	AuthzConfigRef *LocalObjectReference `json:"authzConfigRef,omitempty"`

	// OIDCConfigRef authenticates clients with the shared settings of an MCPOIDCConfig in the
	// same namespace (issuer, JWKS, client), plus the audience, scopes and resource URL of
	// this workload. A change to the MCPOIDCConfig rolls this workload.
	// +optional
	OIDCConfigRef *OIDCConfigRef `json:"oidcConfigRef,omitempty"`

	// TelemetryConfigRef exports OpenTelemetry traces and metrics (and Prometheus metrics) as
	// an MCPTelemetryConfig in the same namespace describes. A change to it rolls this
	// workload.
	// +optional
	TelemetryConfigRef *TelemetryConfigRef `json:"telemetryConfigRef,omitempty"`

	// TrustProxyHeaders makes the proxy honour X-Forwarded-Proto/Host/Prefix from a trusted
	// ingress when it builds its OAuth resource and metadata URLs; false when unset,
	// because any client could forge them.
	// +optional
	// +kubebuilder:default=false
	TrustProxyHeaders *bool `json:"trustProxyHeaders,omitempty"`

	// ResourceOverrides adds metadata and scheduling settings to the objects the operator
	// renders for this workload.
	// +optional
	ResourceOverrides *ProxyResourceOverrides `json:"resourceOverrides,omitempty"`
}
