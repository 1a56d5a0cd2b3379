package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// MCPServer runs an MCP server from a container image in the cluster and exposes
// it through a proxy on Service mcp-<name>-proxy.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:resource:shortName=mcpserver;mcpservers,categories=toolhive
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Replicas",type=integer,JSONPath=`.status.readyReplicas`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.status.url`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="has(self.spec) && has(self.spec.image)",message="spec.image is required: the container image of the MCP server"
// +kubebuilder:validation:XValidation:rule="self.metadata.name.size() <= 50 && !self.metadata.name.contains('.')",message="metadata.name must be at most 50 characters without dots: it names the child Services mcp-<name>-proxy and mcp-<name>-headless, a DNS label of at most 63 characters"
type MCPServer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state. It may be written as null (a manifest with only
	// comments under spec:) so that the rejection names the missing spec.image.
	// +optional
	// +nullable
	Spec v1alpha1.MCPServerSpec `json:"spec,omitempty"`

	// Status is the observed state, written by the operator.
	// +optional
	Status v1alpha1.MCPServerStatus `json:"status,omitempty"`
}

// MCPServerList is a list of MCPServer objects.
// +kubebuilder:object:root=true
type MCPServerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPServer `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPServer{}, &MCPServerList{})
}
