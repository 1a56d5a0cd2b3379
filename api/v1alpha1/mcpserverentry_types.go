package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DefaultCABundleKey is the ConfigMap key read when caBundleRef.configMapRef.key is empty.
const DefaultCABundleKey = "ca.crt"

// CABundleRef points at the CA certificates used to verify the remote server's TLS certificate.
type CABundleRef struct {
	// ConfigMapRef names a ConfigMap and key (default ca.crt) holding PEM certificates.
	ConfigMapRef CABundleConfigMapRef `json:"configMapRef"`
}

// CABundleConfigMapRef is the ConfigMap key of a CA bundle.
type CABundleConfigMapRef struct {
	ConfigMapKeyRef `json:",inline"`

	// Optional is accepted for compatibility and has no effect: a referenced CA bundle is
	// always required, and a missing ConfigMap or key is reported (CABundleRefValidated
	// False) whatever its value.
	// +optional
	Optional *bool `json:"optional,omitempty"`
}

// MCPServerEntrySpec is the desired state of an MCPServerEntry.
type MCPServerEntrySpec struct {
	// RemoteURL is the MCP endpoint of the remote server. Loopback, link-local,
	// cloud metadata addresses and kubernetes.default are always refused; private
	// addresses only with allowPrivateEndpoint. The operator never contacts it.
	// +kubebuilder:validation:Pattern=`^https?://[^\s]+$`
	// +kubebuilder:validation:MaxLength=2048
	RemoteURL string `json:"remoteUrl"`

	// Transport the remote server speaks: streamable-http or sse. Required.
	Transport RemoteTransport `json:"transport"`

	// GroupRef names the MCPGroup this entry belongs to: {name: <group>} or, in the
	// legacy form, the group name as a string. Required.
	// +kubebuilder:pruning:PreserveUnknownFields
	GroupRef *GroupRef `json:"groupRef"`

	// ExternalAuthConfigRef names an MCPExternalAuthConfig used to authenticate to the remote server.
	// +optional
	ExternalAuthConfigRef *LocalObjectReference `json:"externalAuthConfigRef,omitempty"`

	// HeaderForward adds headers to every request sent to the remote server.
	// +optional
	HeaderForward *HeaderForward `json:"headerForward,omitempty"`

	// CABundleRef points at CA certificates for the remote server's TLS.
	// +optional
	CABundleRef *CABundleRef `json:"caBundleRef,omitempty"`

	// AllowPrivateEndpoint allows remoteUrl to resolve to a private (RFC 1918/ULA) or
	// *.cluster.local address; false when unset, so such an address is refused.
	// +kubebuilder:default=false
	// +optional
	AllowPrivateEndpoint bool `json:"allowPrivateEndpoint,omitempty"`
}

// MCPServerEntryStatus is the observed state of an MCPServerEntry.
type MCPServerEntryStatus struct {
	// Conditions: Valid, GroupRefValidated, ExternalAuthConfigValidated,
	// CABundleRefValidated, RemoteURLValidated, Deprecated.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Phase: Pending (the default, until checked), Valid when every reference resolves,
	// Failed otherwise.
	// +optional
	// +kubebuilder:default=Pending
	// +kubebuilder:validation:Enum=Pending;Valid;Failed
	Phase Phase `json:"phase,omitempty"`

	// Message says what to fix when the phase is Failed.
	// +optional
	Message string `json:"message,omitempty"`
}

// MCPServerEntry declares a remote MCP server as a member of a group without
// running anything: a VirtualMCPServer reaches it directly.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=mcpentry,categories=toolhive
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Transport",type=string,JSONPath=`.spec.transport`
// +kubebuilder:printcolumn:name="Remote URL",type=string,JSONPath=`.spec.remoteUrl`
// +kubebuilder:printcolumn:name="Group",type=string,JSONPath=`.spec.groupRef.name`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MCPServerEntry struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state.
	Spec MCPServerEntrySpec `json:"spec"`

	// Status is the observed state, written by the operator.
	// +optional
	Status MCPServerEntryStatus `json:"status,omitempty"`
}

// MCPServerEntryList is a list of MCPServerEntries.
// +kubebuilder:object:root=true
type MCPServerEntryList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPServerEntry `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPServerEntry{}, &MCPServerEntryList{})
}
