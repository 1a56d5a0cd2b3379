package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ExternalAuthType names an outgoing authentication strategy.
// +kubebuilder:validation:Enum=tokenExchange;headerInjection;bearerToken;unauthenticated;embeddedAuthServer;awsSts;upstreamInject;obo;xaa
type ExternalAuthType string

// Outgoing authentication strategies.
const (
	// ExternalAuthTokenExchange exchanges the client's token for a backend token (RFC 8693).
	ExternalAuthTokenExchange ExternalAuthType = "tokenExchange"
	// ExternalAuthHeaderInjection adds a header whose value comes from a Secret.
	ExternalAuthHeaderInjection ExternalAuthType = "headerInjection"
	// ExternalAuthBearerToken sends a static bearer token from a Secret.
	ExternalAuthBearerToken ExternalAuthType = "bearerToken"
	// ExternalAuthUnauthenticated sends no credentials.
	ExternalAuthUnauthenticated ExternalAuthType = "unauthenticated"
)

// TokenExchangeConfig configures an RFC 8693 token exchange.
type TokenExchangeConfig struct {
	// TokenURL is the token endpoint of the authorization server.
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	TokenURL string `json:"tokenUrl"`

	// ClientID used at the token endpoint.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ClientSecretRef references the client secret in a Secret.
	// +optional
	ClientSecretRef *SecretKeyRef `json:"clientSecretRef,omitempty"`

	// Audience requested for the backend token.
	// +optional
	Audience string `json:"audience,omitempty"`

	// Scopes requested for the backend token.
	// +optional
	Scopes []string `json:"scopes,omitempty"`

	// SubjectTokenType is the RFC 8693 subject_token_type of the client's token
	// (e.g. urn:ietf:params:oauth:token-type:access_token).
	// +optional
	SubjectTokenType string `json:"subjectTokenType,omitempty"`

	// ExternalTokenHeaderName, when set, sends the exchanged token in this header
	// instead of Authorization.
	// +optional
	// +kubebuilder:validation:Pattern=`^[!#$%&'*+.^_|~0-9A-Za-z-]+$`
	ExternalTokenHeaderName string `json:"externalTokenHeaderName,omitempty"`

	// SubjectProviderName picks the upstream identity provider whose token is the subject
	// token; only meaningful with the embedded authorization server. Not built in this
	// operator yet: accepted, and reported on the resource with the Unsupported condition and
	// a Warning event.
	// +optional
	SubjectProviderName string `json:"subjectProviderName,omitempty"`
}

// HeaderInjectionConfig adds one header whose value comes from a Secret.
type HeaderInjectionConfig struct {
	// HeaderName is the HTTP header to set.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:Pattern=`^[!#$%&'*+.^_|~0-9A-Za-z-]+$`
	HeaderName string `json:"headerName"`

	// ValueSecretRef references the header's value.
	ValueSecretRef SecretKeyRef `json:"valueSecretRef"`
}

// BearerTokenConfig sends a static bearer token from a Secret.
type BearerTokenConfig struct {
	// TokenSecretRef references the token.
	TokenSecretRef SecretKeyRef `json:"tokenSecretRef"`
}

// MCPExternalAuthConfigSpec is how a workload authenticates to what it calls.
// Exactly the sub-object matching type is set; secrets are referenced, never inline.
// +kubebuilder:validation:XValidation:rule="self.type == 'tokenExchange' ? has(self.tokenExchange) : !has(self.tokenExchange)",message="spec.tokenExchange must be set when spec.type is tokenExchange, and only then",fieldPath=".tokenExchange"
// +kubebuilder:validation:XValidation:rule="self.type == 'headerInjection' ? has(self.headerInjection) : !has(self.headerInjection)",message="spec.headerInjection must be set when spec.type is headerInjection, and only then",fieldPath=".headerInjection"
// +kubebuilder:validation:XValidation:rule="self.type == 'bearerToken' ? has(self.bearerToken) : !has(self.bearerToken)",message="spec.bearerToken must be set when spec.type is bearerToken, and only then",fieldPath=".bearerToken"
type MCPExternalAuthConfigSpec struct {
	// Type of the strategy: tokenExchange (RFC 8693 exchange of the client's token for a
	// backend token), headerInjection (a header whose value comes from a Secret),
	// bearerToken (an Authorization: Bearer token from a Secret) or unauthenticated (send
	// nothing). embeddedAuthServer, awsSts, upstreamInject, obo and xaa are accepted with
	// their sub-objects but not built in this operator: they are reported with the
	// Unsupported condition and a Warning event.
	Type ExternalAuthType `json:"type"`

	// TokenExchange settings, for type tokenExchange.
	// +optional
	TokenExchange *TokenExchangeConfig `json:"tokenExchange,omitempty"`

	// HeaderInjection settings, for type headerInjection.
	// +optional
	HeaderInjection *HeaderInjectionConfig `json:"headerInjection,omitempty"`

	// BearerToken settings, for type bearerToken.
	// +optional
	BearerToken *BearerTokenConfig `json:"bearerToken,omitempty"`

	// AWSSTS exchanges the client token for AWS credentials (STS AssumeRoleWithWebIdentity)
	// and signs backend requests. Not built in this operator yet: accepted, and reported on
	// the resource with the Unsupported condition and a Warning event.
	// +optional
	AWSSTS *AWSSTSConfig `json:"awsSts,omitempty"`

	// EmbeddedAuthServer configures an OAuth authorization server run by the proxy. Not built
	// in this operator yet: accepted, and reported on the resource with the Unsupported
	// condition and a Warning event.
	// +optional
	EmbeddedAuthServer *EmbeddedAuthServerConfig `json:"embeddedAuthServer,omitempty"`

	// OBO is the on-behalf-of token flow. Not built in this operator yet: accepted, and
	// reported on the resource with the Unsupported condition and a Warning event.
	// +optional
	OBO *OBOConfig `json:"obo,omitempty"`

	// UpstreamInject forwards a token obtained from an upstream identity provider by the
	// embedded authorization server. Not built in this operator yet: accepted, and reported on
	// the resource with the Unsupported condition and a Warning event.
	// +optional
	UpstreamInject *UpstreamInjectConfig `json:"upstreamInject,omitempty"`

	// XAA is cross-application access (identity assertion grant). Not built in this operator
	// yet: accepted, and reported on the resource with the Unsupported condition and a Warning
	// event.
	// +optional
	XAA *XAAConfig `json:"xaa,omitempty"`
}

// MCPExternalAuthConfigStatus is the observed state of an MCPExternalAuthConfig.
type MCPExternalAuthConfigStatus struct {
	// Conditions: Valid.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// ConfigHash is the hash of the spec; referencing workloads roll when it changes.
	// +optional
	ConfigHash string `json:"configHash,omitempty"`

	// ReferencingServers are the resources that use this configuration; deletion
	// is blocked while any remain.
	// +optional
	ReferencingServers []string `json:"referencingServers,omitempty"`
}

// MCPExternalAuthConfig is an outgoing authentication strategy that MCPServers,
// MCPRemoteProxies, MCPServerEntries and VirtualMCPServers reference by name.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=extauth;mcpextauth,categories=toolhive
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Valid",type=string,JSONPath=`.status.conditions[?(@.type=="Valid")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MCPExternalAuthConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state.
	Spec MCPExternalAuthConfigSpec `json:"spec"`

	// Status is the observed state, written by the operator.
	// +optional
	Status MCPExternalAuthConfigStatus `json:"status,omitempty"`
}

// MCPExternalAuthConfigList is a list of MCPExternalAuthConfigs.
// +kubebuilder:object:root=true
type MCPExternalAuthConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPExternalAuthConfig `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPExternalAuthConfig{}, &MCPExternalAuthConfigList{})
}
