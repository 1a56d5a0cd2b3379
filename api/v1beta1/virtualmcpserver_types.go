package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// VirtualMCPServer aggregates the MCP backends of one MCPGroup (or static
// backends) behind a single MCP endpoint, Service vmcp-<name> on port 4483.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
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
	Spec v1alpha1.VirtualMCPServerSpec `json:"spec"`

	// Status is the observed state, written by the operator and the vmcp.
	// +optional
	Status v1alpha1.VirtualMCPServerStatus `json:"status,omitempty"`
}

// VirtualMCPServerList is a list of VirtualMCPServer objects.
// +kubebuilder:object:root=true
type VirtualMCPServerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []VirtualMCPServer `json:"items"`
}

func init() {
	SchemeBuilder.Register(&VirtualMCPServer{}, &VirtualMCPServerList{})
}
