package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MCPGroupSpec is the desired state of an MCPGroup.
type MCPGroupSpec struct {
	// Description of the group, for people.
	// +optional
	Description string `json:"description,omitempty"`
}

// MCPGroupStatus lists the group's members as last observed.
type MCPGroupStatus struct {
	// Conditions: MCPServersChecked.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Phase: Pending (the default, until the members were listed), Ready after, Failed when
	// listing failed.
	// +optional
	// +kubebuilder:default=Pending
	// +kubebuilder:validation:Enum=Pending;Ready;Failed
	Phase Phase `json:"phase,omitempty"`

	// Servers are the names of the MCPServers in the group.
	// +optional
	Servers []string `json:"servers,omitempty"`

	// ServerCount is the number of MCPServers in the group.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=2147483647
	ServerCount int32 `json:"serverCount,omitempty"`

	// RemoteProxies are the names of the MCPRemoteProxies in the group.
	// +optional
	RemoteProxies []string `json:"remoteProxies,omitempty"`

	// RemoteProxyCount is the number of MCPRemoteProxies in the group.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=2147483647
	RemoteProxyCount int32 `json:"remoteProxyCount,omitempty"`

	// Entries are the names of the MCPServerEntries in the group.
	// +optional
	Entries []string `json:"entries,omitempty"`

	// EntryCount is the number of MCPServerEntries in the group.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=2147483647
	EntryCount int32 `json:"entryCount,omitempty"`
}

// MCPGroup is a named set of MCP backends (MCPServer, MCPRemoteProxy and
// MCPServerEntry resources that name it in spec.groupRef) in one namespace; a
// VirtualMCPServer aggregates a group.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
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
	Spec MCPGroupSpec `json:"spec,omitempty"`

	// Status is the observed state, written by the operator.
	// +optional
	Status MCPGroupStatus `json:"status,omitempty"`
}

// MCPGroupList is a list of MCPGroups.
// +kubebuilder:object:root=true
type MCPGroupList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPGroup `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPGroup{}, &MCPGroupList{})
}
