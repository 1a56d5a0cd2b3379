package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// MCPOIDCConfig holds OIDC settings (issuer, JWKS, client) shared by the MCPServers,
// MCPRemoteProxies and VirtualMCPServers that name it in oidcConfigRef; each reference
// adds its own audience, scopes and resource URL.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:resource:shortName=mcpoidc,categories=toolhive
// +kubebuilder:printcolumn:name="Source",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Valid",type=string,JSONPath=`.status.conditions[?(@.type=="Valid")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MCPOIDCConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state.
	// +optional
	Spec v1alpha1.MCPOIDCConfigSpec `json:"spec,omitempty"`

	// Status is the observed state, written by the operator.
	// +optional
	Status v1alpha1.SharedConfigStatus `json:"status,omitempty"`
}

// MCPOIDCConfigList is a list of MCPOIDCConfig objects.
// +kubebuilder:object:root=true
type MCPOIDCConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPOIDCConfig `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPOIDCConfig{}, &MCPOIDCConfigList{})
}
