package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// MCPRemoteProxySpec is the desired state of an MCPRemoteProxy.
type MCPRemoteProxySpec struct {
	// RemoteURL is the MCP endpoint of the remote server. It is checked against
	// SSRF rules: loopback, link-local and metadata addresses are refused; private
	// addresses only with allowPrivateEndpoint.
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	// +kubebuilder:validation:MaxLength=2048
	RemoteURL string `json:"remoteUrl"`

	// Transport the remote server speaks: streamable-http (default) or sse.
	// +kubebuilder:default=streamable-http
	// +optional
	Transport RemoteTransport `json:"transport,omitempty"`

	// ProxyPort is the port of the proxy and of the Service mcp-<name>-remote-proxy
	// (1-65535); 8080 when unset.
	// +kubebuilder:default=8080
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +optional
	ProxyPort int32 `json:"proxyPort,omitempty"`

	// GroupRef names the MCPGroup this proxy belongs to: {name: <group>} or, in the
	// legacy form, the group name as a string.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	GroupRef *GroupRef `json:"groupRef,omitempty"`

	// ExternalAuthConfigRef names an MCPExternalAuthConfig used to authenticate to the remote server.
	// +optional
	ExternalAuthConfigRef *LocalObjectReference `json:"externalAuthConfigRef,omitempty"`

	// ToolConfigRef names an MCPToolConfig that filters and renames the remote's tools.
	// +optional
	ToolConfigRef *LocalObjectReference `json:"toolConfigRef,omitempty"`

	// HeaderForward adds headers to every request sent to the remote server.
	// +optional
	HeaderForward *HeaderForward `json:"headerForward,omitempty"`

	// Resources are the compute resources of the proxy container.
	// +optional
	// +kubebuilder:validation:XValidation:rule="!has(self.requests) || !has(self.limits) || !('cpu' in self.requests) || !('cpu' in self.limits) || !isQuantity(string(self.requests['cpu'])) || !isQuantity(string(self.limits['cpu'])) || quantity(string(self.requests['cpu'])).compareTo(quantity(string(self.limits['cpu']))) <= 0",message="resources.requests.cpu must not exceed resources.limits.cpu: lower the request or raise the limit"
	// +kubebuilder:validation:XValidation:rule="!has(self.requests) || !has(self.limits) || !('memory' in self.requests) || !('memory' in self.limits) || !isQuantity(string(self.requests['memory'])) || !isQuantity(string(self.limits['memory'])) || quantity(string(self.requests['memory'])).compareTo(quantity(string(self.limits['memory']))) <= 0",message="resources.requests.memory must not exceed resources.limits.memory: lower the request or raise the limit"
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// ServiceAccount the proxy pod runs as; one is created when empty.
	// +optional
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	ServiceAccount string `json:"serviceAccount,omitempty"`

	// PodTemplateSpec is merged into the proxy's pod template.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	PodTemplateSpec *runtime.RawExtension `json:"podTemplateSpec,omitempty"`

	// AllowPrivateEndpoint allows remoteUrl to resolve to a private (RFC 1918/ULA) or
	// *.cluster.local address; false when unset, so such an address is refused.
	// +kubebuilder:default=false
	// +optional
	AllowPrivateEndpoint bool `json:"allowPrivateEndpoint,omitempty"`

	// EndpointPrefix is put before the message endpoint an SSE remote announces, for an
	// ingress that routes a path prefix to the proxy and strips it (/team-a announces
	// /team-a/messages?...). A Streamable HTTP remote (the default transport) has no such
	// endpoint: there a set endpointPrefix is reported with the Unsupported condition and a
	// Warning event.
	// +optional
	EndpointPrefix string `json:"endpointPrefix,omitempty"`

	// SessionAffinity of the proxy Service: ClientIP (default) or None.
	// +optional
	// +kubebuilder:validation:Enum=ClientIP;None
	// +kubebuilder:default="ClientIP"
	SessionAffinity string `json:"sessionAffinity,omitempty"`

	// ProxySpec holds the settings of the proxy in front of the MCP server that
	// MCPServer and MCPRemoteProxy share; inline, so the schema is unchanged.
	ProxySpec `json:",inline"`
}

// MCPRemoteProxyStatus is the observed state of an MCPRemoteProxy.
type MCPRemoteProxyStatus struct {
	// Conditions: Ready, RemoteAvailable, AuthConfigured, GroupRefValidated, Deprecated.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Phase summarises the conditions: Pending, Ready, Failed or Terminating.
	// +optional
	// +kubebuilder:validation:Enum=Pending;Ready;Failed;Terminating
	Phase Phase `json:"phase,omitempty"`

	// URL clients use inside the cluster.
	// +optional
	URL string `json:"url,omitempty"`

	// ExternalURL clients use from outside the cluster, when exposed.
	// +optional
	ExternalURL string `json:"externalUrl,omitempty"`

	// Message explains the phase in words a user can act on.
	// +optional
	Message string `json:"message,omitempty"`

	// ExternalAuthConfigHash is the hash of the MCPExternalAuthConfig in effect.
	// +optional
	ExternalAuthConfigHash string `json:"externalAuthConfigHash,omitempty"`

	// ToolConfigHash is the hash of the MCPToolConfig in effect.
	// +optional
	ToolConfigHash string `json:"toolConfigHash,omitempty"`

	// AuthServerConfigHash is the hash of the embedded authorization server configuration in
	// effect.
	// +optional
	AuthServerConfigHash string `json:"authServerConfigHash,omitempty"`

	// AuthzConfigHash is the hash of the MCPAuthzConfig in effect.
	// +optional
	AuthzConfigHash string `json:"authzConfigHash,omitempty"`

	// OIDCConfigHash is the hash of the MCPOIDCConfig in effect; pods roll when it changes.
	// +optional
	OIDCConfigHash string `json:"oidcConfigHash,omitempty"`

	// TelemetryConfigHash is the hash of the MCPTelemetryConfig in effect.
	// +optional
	TelemetryConfigHash string `json:"telemetryConfigHash,omitempty"`
}

// MCPRemoteProxy runs a proxy in the cluster in front of a remote MCP server,
// adding authentication, authorization, audit and tool filtering.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=rp;mcprp,categories=toolhive
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Remote URL",type=string,JSONPath=`.spec.remoteUrl`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.status.url`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.metadata.name.size() <= 46 && !self.metadata.name.contains('.')",message="metadata.name must be at most 46 characters without dots: it names the child Service mcp-<name>-remote-proxy, a DNS label of at most 63 characters"
type MCPRemoteProxy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state.
	Spec MCPRemoteProxySpec `json:"spec"`

	// Status is the observed state, written by the operator.
	// +optional
	Status MCPRemoteProxyStatus `json:"status,omitempty"`
}

// MCPRemoteProxyList is a list of MCPRemoteProxies.
// +kubebuilder:object:root=true
type MCPRemoteProxyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPRemoteProxy `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPRemoteProxy{}, &MCPRemoteProxyList{})
}
