package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// MCPRemoteProxy runs a proxy in the cluster in front of a remote MCP server,
// adding authentication, authorization, audit and tool filtering.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
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
	Spec v1alpha1.MCPRemoteProxySpec `json:"spec"`

	// Status is the observed state, written by the operator.
	// +optional
	Status v1alpha1.MCPRemoteProxyStatus `json:"status,omitempty"`
}

// MCPRemoteProxyList is a list of MCPRemoteProxy objects.
// +kubebuilder:object:root=true
type MCPRemoteProxyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPRemoteProxy `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPRemoteProxy{}, &MCPRemoteProxyList{})
}
