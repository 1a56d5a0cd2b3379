package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// MCPGroup is a named set of MCP backends (MCPServer, MCPRemoteProxy and
// MCPServerEntry resources that name it in spec.groupRef) in one namespace; a
// VirtualMCPServer aggregates a group.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:resource:shortName=mcpg;mcpgroup,categories=toolhive
// +kubebuilder:printcolumn:name="Servers",type=integer,JSONPath=`.status.serverCount`
// +kubebuilder:printcolumn:name="Proxies",type=integer,JSONPath=`.status.remoteProxyCount`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Checked",type=string,JSONPath=`.status.conditions[?(@.type=="MCPServersChecked")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MCPGroup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state.
	// +optional
	Spec v1alpha1.MCPGroupSpec `json:"spec,omitempty"`

	// Status is the observed state, written by the operator.
	// +optional
	Status v1alpha1.MCPGroupStatus `json:"status,omitempty"`
}

// MCPGroupList is a list of MCPGroup objects.
// +kubebuilder:object:root=true
type MCPGroupList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPGroup `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPGroup{}, &MCPGroupList{})
}
