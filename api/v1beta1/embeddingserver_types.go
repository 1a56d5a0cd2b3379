package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// EmbeddingServer runs a text-embeddings service (Hugging Face TEI API) for
// the optimizer's semantic search; VirtualMCPServers reference it by
// spec.embeddingServerRef.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:resource:shortName=emb;embedding,categories=toolhive
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Model",type=string,JSONPath=`.spec.model`
// +kubebuilder:printcolumn:name="Ready",type=integer,JSONPath=`.status.readyReplicas`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.status.url`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type EmbeddingServer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state.
	// +optional
	Spec v1alpha1.EmbeddingServerSpec `json:"spec,omitempty"`

	// Status is the observed state, written by the operator.
	// +optional
	Status v1alpha1.EmbeddingServerStatus `json:"status,omitempty"`
}

// EmbeddingServerList is a list of EmbeddingServer objects.
// +kubebuilder:object:root=true
type EmbeddingServerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []EmbeddingServer `json:"items"`
}

func init() {
	SchemeBuilder.Register(&EmbeddingServer{}, &EmbeddingServerList{})
}
