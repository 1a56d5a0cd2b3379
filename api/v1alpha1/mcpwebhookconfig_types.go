package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MCPWebhookConfig lists validating and mutating HTTP webhooks that every MCP request of
// the workloads naming it in webhookConfigRef passes through.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:resource:shortName=mwc,categories=toolhive
// +kubebuilder:printcolumn:name="Valid",type=string,JSONPath=`.status.conditions[?(@.type=="Valid")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MCPWebhookConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state.
	// +optional
	Spec MCPWebhookConfigSpec `json:"spec,omitempty"`

	// Status is the observed state, written by the operator.
	// +optional
	Status SharedConfigStatus `json:"status,omitempty"`
}

// MCPWebhookConfigList is a list of MCPWebhookConfig objects.
// +kubebuilder:object:root=true
type MCPWebhookConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPWebhookConfig `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPWebhookConfig{}, &MCPWebhookConfigList{})
}
