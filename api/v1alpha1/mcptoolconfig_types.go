package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// MCPToolConfigSpec filters and renames the tools of the workloads that reference it.
type MCPToolConfigSpec struct {
	// ToolsFilter is an allow-list of original tool names; empty keeps every tool.
	// +optional
	// +listType=set
	ToolsFilter []string `json:"toolsFilter,omitempty"`

	// ToolsOverride maps an original tool name to the name, description or
	// annotations clients see. Calls still reach the server under the original name.
	// +optional
	ToolsOverride map[string]config.ToolOverride `json:"toolsOverride,omitempty"`
}

// MCPToolConfigStatus is the observed state of an MCPToolConfig.
type MCPToolConfigStatus struct {
	// Conditions: Valid.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// ConfigHash is the hash of the spec; referencing workloads roll when it changes.
	// +optional
	ConfigHash string `json:"configHash,omitempty"`

	// ReferencingServers are the workloads that reference this configuration;
	// deletion is blocked while any remain.
	// +optional
	ReferencingServers []string `json:"referencingServers,omitempty"`
}

// MCPToolConfig is a reusable tool filter and set of tool overrides, referenced by
// MCPServers, MCPRemoteProxies and VirtualMCPServer aggregation entries.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=tc;toolconfig,categories=toolhive
// +kubebuilder:printcolumn:name="Valid",type=string,JSONPath=`.status.conditions[?(@.type=="Valid")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MCPToolConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state.
	// +optional
	Spec MCPToolConfigSpec `json:"spec,omitempty"`

	// Status is the observed state, written by the operator.
	// +optional
	Status MCPToolConfigStatus `json:"status,omitempty"`
}

// MCPToolConfigList is a list of MCPToolConfigs.
// +kubebuilder:object:root=true
type MCPToolConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPToolConfig `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPToolConfig{}, &MCPToolConfigList{})
}
