package helmcharts

import corev1 "k8s.io/api/core/v1"

// MCPServerValues are the values of the mcpserver chart. The release name is the
// MCPServer's name and the release namespace its namespace.
type MCPServerValues struct {
	// ProxyImage runs the proxy runner (PROXY_RUNNER_IMAGE).
	ProxyImage string `json:"proxyImage"`
	// Image is the MCP server's image (spec.image).
	Image string `json:"image"`
	// Transport is stdio, streamable-http or sse.
	Transport string `json:"transport"`
	// ProxyPort is the proxy's port and the port of Service mcp-<name>-proxy.
	ProxyPort int32 `json:"proxyPort"`
	// MCPPort is the MCP container's port for HTTP transports (and the headless Service port).
	MCPPort int32 `json:"mcpPort"`
	// Args and Env are passed to the MCP container.
	Args []string        `json:"args,omitempty"`
	Env  []corev1.EnvVar `json:"env,omitempty"`
	// Resources of the MCP container.
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
	// ProxyReplicas of the proxy Deployment; BackendReplicas of the StatefulSet (1 for stdio).
	ProxyReplicas   int32 `json:"proxyReplicas"`
	BackendReplicas int32 `json:"backendReplicas"`
	// ServiceAccount the MCP pod runs as; CreateServiceAccount says the chart creates it.
	ServiceAccount       string `json:"serviceAccount"`
	CreateServiceAccount bool   `json:"createServiceAccount"`
	// SessionAffinity of the proxy Service: ClientIP or None.
	SessionAffinity string `json:"sessionAffinity"`
	// ServiceType of the proxy Service: ClusterIP (when empty), NodePort or LoadBalancer.
	ServiceType string `json:"serviceType,omitempty"`
	// DenyEgress renders a NetworkPolicy that blocks all egress of the MCP pod
	// (permission profile "none").
	DenyEgress bool `json:"denyEgress"`
	// ReportTools grants the proxy runner get/patch on its own MCPServer's
	// status (it writes status.tools); matches runconfig reportTools.
	ReportTools bool `json:"reportTools"`
	// RunConfig is the proxy runner's config file (YAML of pkg/proxy/runconfig.Config).
	RunConfig string `json:"runConfig"`
	// ProxyEnv is extra env of the proxy container: header secrets, HTTP(S)_PROXY/NO_PROXY.
	ProxyEnv []corev1.EnvVar `json:"proxyEnv,omitempty"`
	// ProxyConfigHash and BackendConfigHash annotate the pod templates so pods roll when
	// something outside the template (run config, referenced configs, restart request) changes.
	ProxyConfigHash   string `json:"proxyConfigHash"`
	BackendConfigHash string `json:"backendConfigHash"`
	// Overrides are the user's spec.resourceOverrides of the proxy Deployment and Service.
	Overrides ProxyOverrides `json:"overrides"`
	// Volumes are node directories mounted into the MCP container (spec.volumes).
	Volumes []HostVolume `json:"volumes,omitempty"`
	// OTLPCA mounts the CA bundle of the MCPTelemetryConfig's caBundleRef into the proxy.
	OTLPCA *ConfigMapFile `json:"otlpCA,omitempty"`
}

// ConfigMapFile mounts one key of a ConfigMap as File in directory MountDir.
type ConfigMapFile struct {
	ConfigMap string `json:"configMap"`
	Key       string `json:"key"`
	Optional  bool   `json:"optional"`
	MountDir  string `json:"mountDir"`
	File      string `json:"file"`
}

// HostVolume is one hostPath volume of the MCP pod and its mount in container mcp.
type HostVolume struct {
	Name      string `json:"name"`
	HostPath  string `json:"hostPath"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly"`
}

// ProxyOverrides are additions to the proxy Deployment, its pods and its Service
// (spec.resourceOverrides). Labels never replace the operator's own app.kubernetes.io/*
// labels: the builder drops those keys.
type ProxyOverrides struct {
	DeploymentLabels      map[string]string             `json:"deploymentLabels,omitempty"`
	DeploymentAnnotations map[string]string             `json:"deploymentAnnotations,omitempty"`
	PodLabels             map[string]string             `json:"podLabels,omitempty"`
	PodAnnotations        map[string]string             `json:"podAnnotations,omitempty"`
	ServiceLabels         map[string]string             `json:"serviceLabels,omitempty"`
	ServiceAnnotations    map[string]string             `json:"serviceAnnotations,omitempty"`
	NodeSelector          map[string]string             `json:"nodeSelector,omitempty"`
	Tolerations           []corev1.Toleration           `json:"tolerations,omitempty"`
	Affinity              *corev1.Affinity              `json:"affinity,omitempty"`
	ImagePullSecrets      []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
}

// MCPRemoteProxyValues are the values of the mcpremoteproxy chart.
type MCPRemoteProxyValues struct {
	// ProxyImage runs the proxy runner (PROXY_RUNNER_IMAGE).
	ProxyImage string `json:"proxyImage"`
	// ProxyPort is the proxy's port and the port of Service mcp-<name>-remote-proxy.
	ProxyPort int32 `json:"proxyPort"`
	// Replicas of the proxy Deployment.
	Replicas int32 `json:"replicas"`
	// ServiceAccount the proxy runs as; CreateServiceAccount says the chart creates it.
	ServiceAccount       string `json:"serviceAccount"`
	CreateServiceAccount bool   `json:"createServiceAccount"`
	// Resources of the proxy container.
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
	// RunConfig is the proxy runner's config file (target = remoteUrl).
	RunConfig string `json:"runConfig"`
	// ProxyEnv is extra env of the proxy container: header secrets, HTTP(S)_PROXY/NO_PROXY.
	ProxyEnv []corev1.EnvVar `json:"proxyEnv,omitempty"`
	// ConfigHash annotates the pod template so pods roll on config changes.
	ConfigHash string `json:"configHash"`
	// SessionAffinity of Service mcp-<name>-remote-proxy: ClientIP or None.
	SessionAffinity string `json:"sessionAffinity"`
	// Overrides are the user's spec.resourceOverrides of the proxy Deployment and Service.
	Overrides ProxyOverrides `json:"overrides"`
	// OTLPCA mounts the CA bundle of the MCPTelemetryConfig's caBundleRef into the proxy.
	OTLPCA *ConfigMapFile `json:"otlpCA,omitempty"`
}

// VirtualMCPServerValues are the values of the virtualmcpserver chart. The release
// name is the VirtualMCPServer's name and the release namespace its namespace.
type VirtualMCPServerValues struct {
	// Image runs vmcp (VMCP_IMAGE).
	Image string `json:"image"`
	// Replicas of the vmcp Deployment.
	Replicas int32 `json:"replicas"`
	// Config is config.yaml of ConfigMap <name>-vmcp-config (YAML of pkg/vmcp/config.Config).
	Config string `json:"config"`
	// ConfigHash annotates the pod template so pods roll when the configuration changes.
	ConfigHash string `json:"configHash"`
	// ServiceType and SessionAffinity of Service vmcp-<name>.
	ServiceType     string `json:"serviceType"`
	SessionAffinity string `json:"sessionAffinity"`
	// ServiceAccount vmcp runs as; CreateServiceAccount says the chart creates it.
	ServiceAccount       string `json:"serviceAccount"`
	CreateServiceAccount bool   `json:"createServiceAccount"`
	// Env is extra env of the vmcp container: secrets by secretKeyRef, HTTP(S)_PROXY/NO_PROXY.
	Env []corev1.EnvVar `json:"env,omitempty"`
	// CABundleConfigMaps are the ConfigMaps vmcp may get by name: the CA bundles of
	// the group's MCPServerEntries (caBundleRef).
	CABundleConfigMaps []string `json:"caBundleConfigMaps,omitempty"`
	// RedisCA mounts the CA of sessionStorage.tls.caCertSecretRef (empty Secret: none).
	RedisCA SecretFileValues `json:"redisCA"`
	// OTLPCA mounts the CA bundle of the MCPTelemetryConfig's caBundleRef into vmcp.
	OTLPCA *ConfigMapFile `json:"otlpCA,omitempty"`
	// MetricsPort is the container port named metrics (telemetry.prometheusPort; 0 = none).
	MetricsPort int64 `json:"metricsPort,omitempty"`
	// AuditLogDir gets an emptyDir so vmcp can write audit.logFile there under its
	// read-only root filesystem (empty: no file).
	AuditLogDir string `json:"auditLogDir,omitempty"`
	// ImagePullSecrets pull the vmcp image (spec.imagePullSecrets).
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
}

// SecretFileValues mount one key of a Secret as File under MountPath.
type SecretFileValues struct {
	Secret    string `json:"secret"`
	Key       string `json:"key"`
	MountPath string `json:"mountPath"`
	File      string `json:"file"`
}

// EmbeddingServerValues are the values of the embeddingserver chart.
type EmbeddingServerValues struct {
	Image           string                      `json:"image"`
	ImagePullPolicy string                      `json:"imagePullPolicy"`
	Model           string                      `json:"model"`
	Port            int32                       `json:"port"`
	Replicas        int32                       `json:"replicas"`
	Args            []string                    `json:"args,omitempty"`
	Env             []corev1.EnvVar             `json:"env,omitempty"`
	Resources       corev1.ResourceRequirements `json:"resources,omitempty"`
	// HFTokenSecret/HFTokenKey inject HF_TOKEN from a Secret when set.
	HFTokenSecret string `json:"hfTokenSecret"`
	HFTokenKey    string `json:"hfTokenKey"`
	// ModelCache renders a volume claim template mounted at /data.
	ModelCache EmbeddingModelCache `json:"modelCache"`
	// Overrides add labels and annotations to the rendered objects.
	Overrides EmbeddingOverrides `json:"overrides"`
}

// EmbeddingModelCache is the model cache claim.
type EmbeddingModelCache struct {
	Enabled          bool   `json:"enabled"`
	Size             string `json:"size"`
	AccessMode       string `json:"accessMode"`
	StorageClassName string `json:"storageClassName"`
}

// EmbeddingOverrides are metadata additions per rendered object.
type EmbeddingOverrides struct {
	StatefulSet           MetadataValues `json:"statefulSet"`
	PodTemplate           MetadataValues `json:"podTemplate"`
	Service               MetadataValues `json:"service"`
	PersistentVolumeClaim MetadataValues `json:"persistentVolumeClaim"`
}

// MetadataValues are labels and annotations.
type MetadataValues struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

// MCPRegistryValues are the values of the mcpregistry chart: the registry API server
// that serves spec.configYAML (its sources and sync policy) on port 8080.
type MCPRegistryValues struct {
	// Image runs the registry API server (REGISTRY_API_IMAGE).
	Image string `json:"image"`
	// Port of the API (Service <name>-api).
	Port int32 `json:"port"`
	// Config is config.yaml of ConfigMap <name>-registry-api-config (spec.configYAML as is).
	Config string `json:"config"`
	// ConfigHash annotates the pod template so pods roll when the configuration changes.
	ConfigHash string `json:"configHash"`
	// DisplayName annotates the pod template.
	DisplayName string `json:"displayName,omitempty"`
	// ImagePullSecrets of the pod.
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	// PgpassSecret/PgpassKey mount a PostgreSQL pgpass file (PGPASSFILE) when set.
	PgpassSecret string `json:"pgpassSecret"`
	PgpassKey    string `json:"pgpassKey"`
	// Volumes and VolumeMounts are the user's, passed through to the pod.
	Volumes      []map[string]any `json:"volumes,omitempty"`
	VolumeMounts []map[string]any `json:"volumeMounts,omitempty"`
}
