package v1alpha1

// Condition types written into status.conditions. The shared ones have the same
// values as internal/conditions; kind-specific ones are listed with their kind.
const (
	// ConditionReady: the resource's workload is serving (MCPServer, MCPRemoteProxy, VirtualMCPServer).
	ConditionReady = "Ready"
	// ConditionValid: the spec and what it references are usable (MCPServerEntry,
	// MCPToolConfig, MCPExternalAuthConfig).
	ConditionValid = "Valid"
	// ConditionGroupRefValidated: the groupRef names an existing, ready MCPGroup.
	ConditionGroupRefValidated = "GroupRefValidated"
	// ConditionExternalAuthConfigValidated: the referenced MCPExternalAuthConfig exists and is valid.
	ConditionExternalAuthConfigValidated = "ExternalAuthConfigValidated"
	// ConditionPodTemplateValid: the user's podTemplateSpec could be parsed and merged (MCPServer, MCPRemoteProxy).
	ConditionPodTemplateValid = "PodTemplateValid"
	// ConditionPodTemplateSpecValid: the same check on a VirtualMCPServer (the name the original uses there).
	ConditionPodTemplateSpecValid = "PodTemplateSpecValid"
	// ConditionStdioReplicaCapped: a stdio MCPServer asked for more than one backend replica and got one.
	ConditionStdioReplicaCapped = "StdioReplicaCapped"
	// ConditionDeprecated: the spec uses a legacy form that still works; the message says how to migrate.
	ConditionDeprecated = "Deprecated"
	// ConditionMCPServersChecked: an MCPGroup listed its members.
	ConditionMCPServersChecked = "MCPServersChecked"
	// ConditionRemoteAvailable: an MCPRemoteProxy's remote answered.
	ConditionRemoteAvailable = "RemoteAvailable"
	// ConditionAuthConfigured: incoming and outgoing authentication could be resolved.
	ConditionAuthConfigured = "AuthConfigured"
	// ConditionCABundleRefValidated: an MCPServerEntry's caBundleRef resolves.
	ConditionCABundleRefValidated = "CABundleRefValidated"
	// ConditionRemoteURLValidated: an MCPServerEntry's remoteUrl passed the SSRF rules.
	ConditionRemoteURLValidated = "RemoteURLValidated"
	// ConditionBackendsDiscovered: a VirtualMCPServer found its group's backends
	// (written by the operator, which lists the members in status.discoveredBackends
	// whether or not vmcp runs).
	ConditionBackendsDiscovered = "BackendsDiscovered"
	// ConditionBackendHealthReported: the running vmcp's health report
	// (status.runtime.lastReportTime) is recent. False with reason
	// ReasonBackendsHealthStale when it is older than 3 intervals: the backends'
	// health then shows unknown; reason Pending before vmcp's first report.
	ConditionBackendHealthReported = "BackendHealthReported"
	// ConditionToolsAggregated: the running vmcp merged its backends' tools into one
	// list (written by vmcp); False (reason ToolNameConflict) when manual conflict
	// resolution leaves tool names that clash, naming them.
	ConditionToolsAggregated = "ToolsAggregated"
	// ConditionCompositeToolRefsValidated: every compositeToolRefs entry resolves to a valid definition.
	ConditionCompositeToolRefsValidated = "CompositeToolRefsValidated"
	// ConditionWorkflowValidated: a VirtualMCPCompositeToolDefinition's workflow is well formed.
	ConditionWorkflowValidated = "WorkflowValidated"
	// ConditionIncomingAuthValidated says an MCPServer's or MCPRemoteProxy's oidcConfig
	// and authzConfig (including the ConfigMaps they name) resolved; when False the proxy
	// is not rendered, so it never runs without the auth its resource asks for.
	ConditionIncomingAuthValidated = "IncomingAuthValidated"
	// ConditionSemanticSearchAvailable: a VirtualMCPServer's optimizer has its
	// embedding service. False while the EmbeddingServer of embeddingServerRef
	// is missing or has no ready replica: find_tool then answers by keyword
	// only (vmcp's metric vmcp_optimizer_semantic_available says the same from
	// inside). Unknown for an embeddingService URL the operator does not run.
	// It never fails the VirtualMCPServer: keyword search still serves.
	ConditionSemanticSearchAvailable = "SemanticSearchAvailable"
)

// Condition reasons. Few and meaningful: the message carries the detail.
const (
	ReasonValid         = "Valid"
	ReasonInvalid       = "Invalid"
	ReasonNotFound      = "NotFound"
	ReasonNotReady      = "NotReady"
	ReasonReady         = "Ready"
	ReasonPending       = "Pending"
	ReasonNotReferenced = "NotReferenced"
	ReasonLegacyForm    = "LegacyForm"
	ReasonApplyFailed   = "ApplyFailed"
	ReasonCapped        = "Capped"
	// ReasonExternal: the state is that of a service outside the operator's view.
	ReasonExternal = "External"
	// ReasonPodNotStarting: a pod's container cannot start (image not pullable, config
	// error, crash loop); the message carries the kubelet's reason.
	ReasonPodNotStarting = "PodNotStarting"
	// ReasonToolNameConflict: tool names of different backends clash (ToolsAggregated).
	ReasonToolNameConflict = "ToolNameConflict"
	// ReasonAggregated: the backends' tools were merged (ToolsAggregated).
	ReasonAggregated = "Aggregated"
	// ReasonDiscovered: the group's members were listed (BackendsDiscovered).
	ReasonDiscovered = "Discovered"
	// ReasonNoBackends: there is no usable backend (BackendsDiscovered, Ready).
	ReasonNoBackends = "NoBackends"
	// ReasonReported: vmcp's health report is recent (BackendHealthReported).
	ReasonReported = "Reported"
	// ReasonBackendsHealthStale: vmcp's last health report is too old to trust
	// (BackendHealthReported).
	ReasonBackendsHealthStale = "BackendsHealthStale"
)

// Phase is the one-word summary of a resource's state that printer columns and
// runbooks read. Controllers derive it from the conditions in one function per kind.
type Phase string

// Phases. Each kind's status type lists (as an enum) the subset it uses.
const (
	PhasePending     Phase = "Pending"
	PhaseReady       Phase = "Ready"
	PhaseFailed      Phase = "Failed"
	PhaseTerminating Phase = "Terminating"
	PhaseStopped     Phase = "Stopped"
	PhaseDegraded    Phase = "Degraded"
	PhaseValid       Phase = "Valid"
)
