package v1alpha1

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Defaults of an EmbeddingServer.
const (
	DefaultEmbeddingModel = "BAAI/bge-small-en-v1.5"
	DefaultEmbeddingImage = "ghcr.io/huggingface/text-embeddings-inference:cpu-latest"
	DefaultEmbeddingPort  = int32(8080)
)

// EmbeddingServerSpec is the desired state of an EmbeddingServer: a TEI-style
// embedding service the optimizer of a VirtualMCPServer uses for semantic search.
type EmbeddingServerSpec struct {
	// Model is the Hugging Face model id the server loads (passed as MODEL_ID);
	// BAAI/bge-small-en-v1.5 when unset.
	// +kubebuilder:default="BAAI/bge-small-en-v1.5"
	// +optional
	Model string `json:"model,omitempty"`

	// Image runs the server; any image speaking TEI's API on port will do.
	// ghcr.io/huggingface/text-embeddings-inference:cpu-latest when unset.
	// +kubebuilder:default="ghcr.io/huggingface/text-embeddings-inference:cpu-latest"
	// +optional
	Image string `json:"image,omitempty"`

	// ImagePullPolicy of the server container: Always pulls on every start,
	// Never uses only an image already on the node, IfNotPresent (the default)
	// pulls when the node lacks it.
	// +kubebuilder:validation:Enum=Always;Never;IfNotPresent
	// +kubebuilder:default=IfNotPresent
	// +optional
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`

	// Port the server listens on and the Service exposes (1-65535); 8080 when unset.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +kubebuilder:default=8080
	// +optional
	Port int32 `json:"port,omitempty"`

	// Replicas of the server's StatefulSet (at least 1); 1 when unset.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:default=1
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`

	// Args are extra command-line arguments of the server.
	// +optional
	Args []string `json:"args,omitempty"`

	// Env are extra environment variables of the server.
	// +optional
	Env []EmbeddingEnvVar `json:"env,omitempty"`

	// HFTokenSecretRef is a Secret key holding a Hugging Face token (HF_TOKEN),
	// for gated models.
	// +optional
	HFTokenSecretRef *SecretKeyRef `json:"hfTokenSecretRef,omitempty"`

	// ModelCache keeps downloaded models on a PersistentVolumeClaim.
	// +optional
	ModelCache *ModelCache `json:"modelCache,omitempty"`

	// Resources of the server container.
	// +optional
	// +kubebuilder:validation:XValidation:rule="!has(self.requests) || !has(self.limits) || !('cpu' in self.requests) || !('cpu' in self.limits) || !isQuantity(string(self.requests['cpu'])) || !isQuantity(string(self.limits['cpu'])) || quantity(string(self.requests['cpu'])).compareTo(quantity(string(self.limits['cpu']))) <= 0",message="resources.requests.cpu must not exceed resources.limits.cpu: lower the request or raise the limit"
	// +kubebuilder:validation:XValidation:rule="!has(self.requests) || !has(self.limits) || !('memory' in self.requests) || !('memory' in self.limits) || !isQuantity(string(self.requests['memory'])) || !isQuantity(string(self.limits['memory'])) || quantity(string(self.requests['memory'])).compareTo(quantity(string(self.limits['memory']))) <= 0",message="resources.requests.memory must not exceed resources.limits.memory: lower the request or raise the limit"
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// PodTemplateSpec is merged into the rendered pod template (strategic merge).
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	PodTemplateSpec *runtime.RawExtension `json:"podTemplateSpec,omitempty"`

	// ResourceOverrides add labels and annotations to the rendered objects.
	// +optional
	ResourceOverrides *EmbeddingResourceOverrides `json:"resourceOverrides,omitempty"`
}

// EmbeddingEnvVar is one environment variable of the embedding server.
type EmbeddingEnvVar struct {
	// Name of the variable.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// Value of the variable.
	Value string `json:"value"`
}

// ModelCache is the PersistentVolumeClaim the model is cached on.
type ModelCache struct {
	// Enabled keeps the downloaded model on a PersistentVolumeClaim so that a restart does
	// not download it again; true when unset. false downloads into the container's
	// filesystem on every start.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
	// Size of the cache's PersistentVolumeClaim, a Kubernetes quantity; 10Gi when unset.
	// +kubebuilder:default="10Gi"
	// +optional
	Size string `json:"size,omitempty"`
	// AccessMode of the claim: ReadWriteOnce (the default; one node mounts it
	// read-write), ReadWriteMany (many nodes read-write, so replicas share one
	// cache) or ReadOnlyMany (many nodes read-only, a pre-filled cache).
	// +kubebuilder:validation:Enum=ReadWriteOnce;ReadWriteMany;ReadOnlyMany
	// +kubebuilder:default=ReadWriteOnce
	// +optional
	AccessMode corev1.PersistentVolumeAccessMode `json:"accessMode,omitempty"`
	// StorageClassName of the claim; empty means the cluster's default.
	// +optional
	StorageClassName *string `json:"storageClassName,omitempty"`
}

// StatefulSetOverrides are the StatefulSet's and its pod template's additions.
type StatefulSetOverrides struct {
	MetadataOverrides `json:",inline"`
	// PodTemplateMetadataOverrides go on the pod template.
	// +optional
	PodTemplateMetadataOverrides *MetadataOverrides `json:"podTemplateMetadataOverrides,omitempty"`
}

// EmbeddingResourceOverrides are additions to the rendered objects' metadata.
type EmbeddingResourceOverrides struct {
	// StatefulSet adds labels and annotations to the embedding server's StatefulSet and,
	// through podTemplateMetadataOverrides, to its pods.
	// +optional
	StatefulSet *StatefulSetOverrides `json:"statefulSet,omitempty"`
	// Service adds labels and annotations to the Service in front of the embedding server.
	// +optional
	Service *MetadataOverrides `json:"service,omitempty"`
	// PersistentVolumeClaim adds labels and annotations to the model cache's
	// PersistentVolumeClaim (rendered when modelCache is enabled).
	// +optional
	PersistentVolumeClaim *MetadataOverrides `json:"persistentVolumeClaim,omitempty"`
}

// EmbeddingServerStatus is the observed state of an EmbeddingServer.
type EmbeddingServerStatus struct {
	// Conditions: PodTemplateValid, ChildrenApplied, Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Phase: Pending until a replica is ready, Ready, Failed on a bad spec.
	// (Downloading and Terminating are accepted for compatibility.)
	// +optional
	// +kubebuilder:validation:Enum=Pending;Downloading;Ready;Failed;Terminating
	Phase Phase `json:"phase,omitempty"`

	// Message explains the phase.
	// +optional
	Message string `json:"message,omitempty"`

	// URL is the in-cluster URL of the embedding API.
	// +optional
	URL string `json:"url,omitempty"`

	// ReadyReplicas is the number of ready server pods.
	// +optional
	ReadyReplicas int32 `json:"readyReplicas,omitempty"`
}

// EmbeddingServer runs a text-embeddings service (Hugging Face TEI API) for
// the optimizer's semantic search; VirtualMCPServers reference it by
// spec.embeddingServerRef.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
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
	Spec EmbeddingServerSpec `json:"spec,omitempty"`

	// Status is the observed state, written by the operator.
	// +optional
	Status EmbeddingServerStatus `json:"status,omitempty"`
}

// EmbeddingServerList is a list of EmbeddingServers.
// +kubebuilder:object:root=true
type EmbeddingServerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []EmbeddingServer `json:"items"`
}

func init() {
	SchemeBuilder.Register(&EmbeddingServer{}, &EmbeddingServerList{})
}

// PortOrDefault is the server's port.
func (e *EmbeddingServer) PortOrDefault() int32 {
	if e.Spec.Port == 0 {
		return DefaultEmbeddingPort
	}
	return e.Spec.Port
}

// ServiceURL is the in-cluster URL of the server's Service.
func (e *EmbeddingServer) ServiceURL() string {
	return fmt.Sprintf("http://%s.%s.svc.cluster.local:%d", e.Name, e.Namespace, e.PortOrDefault())
}
