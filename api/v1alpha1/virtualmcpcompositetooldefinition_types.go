package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// ValidationStatus is the outcome of validating a composite tool's workflow.
// +kubebuilder:validation:Enum=Valid;Invalid;Unknown
type ValidationStatus string

// Validation outcomes.
const (
	ValidationValid   ValidationStatus = "Valid"
	ValidationInvalid ValidationStatus = "Invalid"
	ValidationUnknown ValidationStatus = "Unknown"
)

// VirtualMCPCompositeToolDefinitionStatus is the observed state of a composite tool definition.
type VirtualMCPCompositeToolDefinitionStatus struct {
	// Conditions: WorkflowValidated.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// ValidationStatus: Valid, Invalid (see validationErrors) or Unknown.
	// +optional
	ValidationStatus ValidationStatus `json:"validationStatus,omitempty"`

	// ValidationErrors say what is wrong with the workflow (circular dependsOn,
	// missing steps, duplicate ids, bad templates, ...).
	// +optional
	ValidationErrors []string `json:"validationErrors,omitempty"`

	// ReferencingVirtualServers are the VirtualMCPServers whose
	// config.compositeToolRefs name this definition.
	// +optional
	ReferencingVirtualServers []string `json:"referencingVirtualServers,omitempty"`
}

// VirtualMCPCompositeToolDefinition is a reusable composite tool: a workflow of
// backend tool calls that VirtualMCPServers expose as one tool through
// spec.config.compositeToolRefs. Its spec is the same type as an inline
// spec.config.compositeTools entry.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=vmcpctd;compositetool,categories=toolhive
// +kubebuilder:printcolumn:name="Workflow",type=string,JSONPath=`.spec.name`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.validationStatus`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type VirtualMCPCompositeToolDefinition struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the workflow: name, description, parameters, steps, output, timeout.
	// The dependsOn rules are checked at apply here; inline compositeTools of a
	// VirtualMCPServer (up to 32 workflows: too costly for CEL) get the same checks
	// from the controller (condition Valid).
	// +kubebuilder:validation:XValidation:rule="self.steps.all(s, !has(s.dependsOn) || s.dependsOn.all(d, self.steps.exists(x, x.id == d)))",message="every steps[].dependsOn entry must be the id of a step of this workflow"
	// +kubebuilder:validation:XValidation:rule="self.steps.all(s, !has(s.dependsOn) || !(s.id in s.dependsOn))",message="a step cannot depend on itself: remove its own id from its dependsOn"
	Spec config.CompositeTool `json:"spec"`

	// Status is the observed state, written by the operator.
	// +optional
	Status VirtualMCPCompositeToolDefinitionStatus `json:"status,omitempty"`
}

// VirtualMCPCompositeToolDefinitionList is a list of VirtualMCPCompositeToolDefinitions.
// +kubebuilder:object:root=true
type VirtualMCPCompositeToolDefinitionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []VirtualMCPCompositeToolDefinition `json:"items"`
}

func init() {
	SchemeBuilder.Register(&VirtualMCPCompositeToolDefinition{}, &VirtualMCPCompositeToolDefinitionList{})
}
