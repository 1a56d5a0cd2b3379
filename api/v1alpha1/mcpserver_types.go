package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// Transport names how the MCP server in the container speaks MCP.
// +kubebuilder:validation:Enum=stdio;streamable-http;sse
type Transport string

// MCP server transports.
const (
	TransportStdio          Transport = "stdio"
	TransportStreamableHTTP Transport = "streamable-http"
	TransportSSE            Transport = "sse"
)

// ProxyMode names the transport the proxy exposes for a stdio server.
// +kubebuilder:validation:Enum=sse;streamable-http
type ProxyMode string

// Proxy modes.
const (
	ProxyModeSSE            ProxyMode = "sse"
	ProxyModeStreamableHTTP ProxyMode = "streamable-http"
)

// PermissionProfileType says where a permission profile comes from.
// +kubebuilder:validation:Enum=builtin;configmap
type PermissionProfileType string

// Permission profile sources.
const (
	PermissionProfileBuiltin   PermissionProfileType = "builtin"
	PermissionProfileConfigMap PermissionProfileType = "configmap"
)

// Built-in permission profile names.
const (
	// PermissionProfileNone denies all network egress (a NetworkPolicy is created).
	PermissionProfileNone = "none"
	// PermissionProfileNetwork allows network access.
	PermissionProfileNetwork = "network"
)

// DefaultProxyPort is the proxy's port when neither proxyPort nor the legacy port is set.
const DefaultProxyPort int32 = 8080

// PermissionProfile limits what the MCP container may do.
// +kubebuilder:validation:XValidation:rule="self.type != 'builtin' || self.name in ['none', 'network']",message="permissionProfile.name must be none or network when permissionProfile.type is builtin"
// +kubebuilder:validation:XValidation:rule="self.type != 'configmap' || has(self.key)",message="permissionProfile.key is required when permissionProfile.type is configmap"
type PermissionProfile struct {
	// Type is builtin (a profile shipped with the operator) or configmap (a profile
	// stored in a ConfigMap).
	Type PermissionProfileType `json:"type"`

	// Name of the built-in profile (none: no network egress; network: full network
	// access) or of the ConfigMap.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// Key of the profile in the ConfigMap, for type configmap.
	// +optional
	Key string `json:"key,omitempty"`
}

// MCPServerSpec is the desired state of an MCPServer: a container running an MCP
// server, fronted by a proxy that exposes it over HTTP.
// +kubebuilder:validation:XValidation:rule="!has(self.port) || !has(self.proxyPort) || self.port == self.proxyPort",message="spec.port is the legacy name of spec.proxyPort: set only spec.proxyPort"
// +kubebuilder:validation:XValidation:rule="!has(self.targetPort) || !has(self.mcpPort) || self.targetPort == self.mcpPort",message="spec.targetPort is the legacy name of spec.mcpPort: set only spec.mcpPort"
type MCPServerSpec struct {
	// Image is the container image of the MCP server: [registry[:port]/]path[:tag][@digest].
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:Pattern=`^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]+)?/)?[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*(:[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127})?(@[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`
	Image string `json:"image"`

	// Transport is how the MCP server in the container speaks MCP: stdio (the default;
	// over stdin/stdout, bridged by the proxy), streamable-http or sse (over HTTP on
	// mcpPort).
	// +kubebuilder:default=stdio
	// +optional
	Transport Transport `json:"transport,omitempty"`

	// ProxyMode is the transport the proxy exposes to clients for a stdio server:
	// streamable-http (the default, recommended) or sse (deprecated by MCP).
	// +kubebuilder:default=streamable-http
	// +optional
	ProxyMode ProxyMode `json:"proxyMode,omitempty"`

	// ProxyPort is the port of the proxy and of the Service mcp-<name>-proxy. Defaults to 8080.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +optional
	ProxyPort *int32 `json:"proxyPort,omitempty"`

	// MCPPort is the container port of an HTTP or SSE MCP server.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +optional
	MCPPort *int32 `json:"mcpPort,omitempty"`

	// Port is the legacy name of proxyPort. Deprecated: use proxyPort.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +optional
	Port *int32 `json:"port,omitempty"`

	// TargetPort is the legacy name of mcpPort. Deprecated: use mcpPort.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +optional
	TargetPort *int32 `json:"targetPort,omitempty"`

	// Args are extra arguments for the MCP server's container.
	// +optional
	Args []string `json:"args,omitempty"`

	// Env are plain environment variables of the MCP container. Use secrets for
	// sensitive values.
	// +optional
	// +listType=map
	// +listMapKey=name
	Env []EnvVar `json:"env,omitempty"`

	// Secrets are injected into the MCP container as environment variables.
	// +optional
	Secrets []SecretEnv `json:"secrets,omitempty"`

	// Resources are the compute resources of the MCP container.
	// +optional
	// +kubebuilder:validation:XValidation:rule="!has(self.requests) || !has(self.limits) || !('cpu' in self.requests) || !('cpu' in self.limits) || !isQuantity(string(self.requests['cpu'])) || !isQuantity(string(self.limits['cpu'])) || quantity(string(self.requests['cpu'])).compareTo(quantity(string(self.limits['cpu']))) <= 0",message="resources.requests.cpu must not exceed resources.limits.cpu: lower the request or raise the limit"
	// +kubebuilder:validation:XValidation:rule="!has(self.requests) || !has(self.limits) || !('memory' in self.requests) || !('memory' in self.limits) || !isQuantity(string(self.requests['memory'])) || !isQuantity(string(self.limits['memory'])) || quantity(string(self.requests['memory'])).compareTo(quantity(string(self.limits['memory']))) <= 0",message="resources.requests.memory must not exceed resources.limits.memory: lower the request or raise the limit"
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// PermissionProfile limits what the MCP container may do; name none also
	// denies all network egress with a NetworkPolicy.
	// +optional
	PermissionProfile *PermissionProfile `json:"permissionProfile,omitempty"`

	// PodTemplateSpec is merged into the MCP server's pod template (the MCP
	// container is named mcp), for settings the spec does not cover.
	// +optional
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	PodTemplateSpec *runtime.RawExtension `json:"podTemplateSpec,omitempty"`

	// ServiceAccount the MCP pod runs as. When empty, <name>-sa is created.
	// +optional
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	ServiceAccount string `json:"serviceAccount,omitempty"`

	// GroupRef names the MCPGroup this server belongs to: {name: <group>} or, in
	// the legacy form, the group name as a string.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	GroupRef *GroupRef `json:"groupRef,omitempty"`

	// ToolConfigRef names an MCPToolConfig that filters and renames this server's tools.
	// +optional
	ToolConfigRef *LocalObjectReference `json:"toolConfigRef,omitempty"`

	// ExternalAuthConfigRef names an MCPExternalAuthConfig used to authenticate
	// outgoing requests of the MCP server.
	// +optional
	ExternalAuthConfigRef *LocalObjectReference `json:"externalAuthConfigRef,omitempty"`

	// BackendReplicas of the MCP server StatefulSet. A stdio server is capped at 1
	// (condition StdioReplicaCapped).
	// +kubebuilder:validation:Minimum=0
	// +optional
	// +kubebuilder:validation:Maximum=2147483647
	BackendReplicas *int32 `json:"backendReplicas,omitempty"`

	// ServiceType of the proxy Service mcp-<name>-proxy: ClusterIP (default),
	// NodePort or LoadBalancer (clients outside the cluster use its EXTERNAL-IP).
	// +kubebuilder:default=ClusterIP
	// +optional
	ServiceType ServiceType `json:"serviceType,omitempty"`

	// SessionAffinity of the proxy Service: ClientIP (default) keeps a client on
	// one proxy replica; None spreads requests.
	// +kubebuilder:default=ClientIP
	// +optional
	SessionAffinity SessionAffinity `json:"sessionAffinity,omitempty"`

	// EndpointPrefix is put before the message endpoint the proxy announces to legacy SSE
	// clients (proxyMode sse), for an ingress that routes a path prefix to the proxy and strips
	// it, so the client posts back through the ingress: /team-a announces
	// /team-a/messages?sessionId=... It applies to stdio servers and to SSE servers (whose
	// announced endpoint is rewritten); a streamable-http server has no such endpoint.
	// +optional
	EndpointPrefix string `json:"endpointPrefix,omitempty"`

	// MaxRequestBodySize is the largest request body, in bytes, the proxy accepts; larger
	// requests get 413. 0 or unset keeps the proxy default.
	// +optional
	// +kubebuilder:validation:Minimum=0
	MaxRequestBodySize *int64 `json:"maxRequestBodySize,omitempty"`

	// ProxyReadTimeout is how long the proxy waits for the MCP server to answer one request
	// (Go duration, e.g. 90s): for HTTP servers until the response headers, for stdio servers
	// between two messages of the answer (then the request gets a JSON-RPC error).
	// +optional
	// +kubebuilder:validation:Format=duration
	ProxyReadTimeout string `json:"proxyReadTimeout,omitempty"`

	// RateLimiting limits tools/call requests at the proxy with token buckets: shared (one
	// bucket for all clients), perUser (one per authenticated user) and per tool. A refused
	// request gets HTTP 429 with Retry-After and a JSON-RPC error. No limit when unset.
	// +optional
	RateLimiting *config.RateLimiting `json:"rateLimiting,omitempty"`

	// Volumes mount directories of the node (hostPath) into the MCP container mcp of the
	// StatefulSet. Names are DNS labels other than tmp; mount paths are absolute and
	// neither / nor /tmp.
	// +optional
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:XValidation:rule="self.all(v, self.exists_one(w, w.name == v.name))",message="volume names must be unique"
	// +kubebuilder:validation:XValidation:rule="self.all(v, self.exists_one(w, w.mountPath == v.mountPath))",message="volume mountPaths must be unique"
	Volumes []HostVolume `json:"volumes,omitempty"`

	// WebhookConfigRef sends each MCP request through the validating and mutating webhooks of
	// an MCPWebhookConfig in the same namespace.
	// +optional
	WebhookConfigRef *LocalObjectReference `json:"webhookConfigRef,omitempty"`

	// ProxySpec holds the settings of the proxy in front of the MCP server that
	// MCPServer and MCPRemoteProxy share; inline, so the schema is unchanged.
	ProxySpec `json:",inline"`
}

// MCPServerStatus is the observed state of an MCPServer.
type MCPServerStatus struct {
	// Conditions: Ready, GroupRefValidated, PodTemplateValid,
	// ExternalAuthConfigValidated, StdioReplicaCapped, Deprecated.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Phase summarises the conditions: Pending, Ready, Failed, Terminating or Stopped.
	// +optional
	// +kubebuilder:validation:Enum=Pending;Ready;Failed;Terminating;Stopped
	Phase Phase `json:"phase,omitempty"`

	// URL clients use inside the cluster:
	// http://mcp-<name>-proxy.<namespace>.svc.cluster.local:<proxyPort>.
	// +optional
	URL string `json:"url,omitempty"`

	// Message explains the phase in words a user can act on.
	// +optional
	Message string `json:"message,omitempty"`

	// ReadyReplicas of the proxy Deployment.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=2147483647
	ReadyReplicas int32 `json:"readyReplicas,omitempty"`

	// ToolConfigHash is the hash of the referenced MCPToolConfig that is rolled out.
	// +optional
	ToolConfigHash string `json:"toolConfigHash,omitempty"`

	// ExternalAuthConfigHash is the hash of the referenced MCPExternalAuthConfig that is rolled out.
	// +optional
	ExternalAuthConfigHash string `json:"externalAuthConfigHash,omitempty"`

	// Tools are the names of the server's tools.
	// +optional
	Tools []string `json:"tools,omitempty"`

	// AuthServerConfigHash is the hash of the embedded authorization server configuration in
	// effect.
	// +optional
	AuthServerConfigHash string `json:"authServerConfigHash,omitempty"`

	// AuthzConfigHash is the hash of the MCPAuthzConfig in effect.
	// +optional
	AuthzConfigHash string `json:"authzConfigHash,omitempty"`

	// OIDCConfigHash is the hash of the MCPOIDCConfig in effect; pods roll when it changes.
	// +optional
	OIDCConfigHash string `json:"oidcConfigHash,omitempty"`

	// TelemetryConfigHash is the hash of the MCPTelemetryConfig in effect.
	// +optional
	TelemetryConfigHash string `json:"telemetryConfigHash,omitempty"`

	// WebhookConfigHash is the hash of the MCPWebhookConfig in effect.
	// +optional
	WebhookConfigHash string `json:"webhookConfigHash,omitempty"`
}

// MCPServer runs an MCP server from a container image in the cluster and exposes
// it through a proxy on Service mcp-<name>-proxy.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
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
	Spec MCPServerSpec `json:"spec,omitempty"`

	// Status is the observed state, written by the operator.
	// +optional
	Status MCPServerStatus `json:"status,omitempty"`
}

// MCPServerList is a list of MCPServers.
// +kubebuilder:object:root=true
type MCPServerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MCPServer `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPServer{}, &MCPServerList{})
}
