package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// MCPServerEntry declares a remote MCP server as a member of a group without
// running anything: a VirtualMCPServer reaches it directly.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
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
	Spec v1alpha1.MCPServerEntrySpec `json:"spec"`

	// Status is the observed state, written by the operator.
	// +optional
	Status v1alpha1.MCPServerEntryStatus `json:"status,omitempty"`
}

// MCPServerEntryList is a list of MCPServerEntry objects.
// +kubebuilder:object:root=true
type MCPServerEntryList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPServerEntry `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPServerEntry{}, &MCPServerEntryList{})
}
