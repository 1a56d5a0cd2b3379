package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MCPAuthzConfig holds an authorization policy set (Cedar) shared by the workloads that
// name it in authzConfigRef.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=authzcfg,categories=toolhive
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Valid",type=string,JSONPath=`.status.conditions[?(@.type=="Valid")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MCPAuthzConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state.
	// +optional
	Spec MCPAuthzConfigSpec `json:"spec,omitempty"`

	// Status is the observed state, written by the operator.
	// +optional
	Status SharedConfigStatus `json:"status,omitempty"`
}

// MCPAuthzConfigList is a list of MCPAuthzConfig objects.
// +kubebuilder:object:root=true
type MCPAuthzConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPAuthzConfig `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPAuthzConfig{}, &MCPAuthzConfigList{})
}
