package v1alpha1

import "github.com/mcp-operator/mcp-operator/pkg/vmcp/config"

// SessionStorage is where a workload keeps its client sessions, in the CRD's
// form: the Redis password and CA come from Secrets. For a VirtualMCPServer the
// operator renders it into the vmcp configuration (config.sessionStorage) and
// the password into an environment variable, never into the ConfigMap.
// +kubebuilder:validation:XValidation:rule="self.provider != 'redis' || has(self.address)",message="sessionStorage.provider redis needs address (host:port)"
// +kubebuilder:validation:XValidation:rule="self.provider == 'redis' || !has(self.address)",message="sessionStorage.address applies to provider redis only"
// +kubebuilder:validation:XValidation:rule="self.provider == 'redis' || !has(self.passwordRef)",message="sessionStorage.passwordRef applies to provider redis only"
// +kubebuilder:validation:XValidation:rule="self.provider == 'redis' || !has(self.tls)",message="sessionStorage.tls applies to provider redis only"
type SessionStorage struct {
	// Provider: memory (each replica keeps its own sessions; the default
	// behaviour when sessionStorage is absent) or redis (replicas share sessions
	// through Redis: a session started on one replica continues on another, and
	// sessions survive a restart).
	Provider config.SessionStorageProvider `json:"provider"`

	// Address of the Redis server, host:port.
	// +kubebuilder:validation:MinLength=1
	// +optional
	Address string `json:"address,omitempty"`

	// DB is the Redis database number; 0 when unset.
	// +kubebuilder:default=0
	// +kubebuilder:validation:Minimum=0
	// +optional
	DB int32 `json:"db,omitempty"`

	// KeyPrefix starts every Redis key written for this workload (default
	// "vmcp:<namespace>:<name>:"), so several workloads can share one Redis.
	// +optional
	KeyPrefix string `json:"keyPrefix,omitempty"`

	// PasswordRef selects the Secret key holding the Redis password.
	// +optional
	PasswordRef *SecretKeyRef `json:"passwordRef,omitempty"`

	// TLS connects to Redis over TLS.
	// +optional
	TLS *SessionStorageTLS `json:"tls,omitempty"`
}

// SessionStorageTLS is the TLS of the Redis connection, in the CRD's form.
type SessionStorageTLS struct {
	// CACertSecretRef selects the Secret key holding the PEM CA bundle that signs
	// the Redis server's certificate; the system roots when absent.
	// +optional
	CACertSecretRef *SecretKeyRef `json:"caCertSecretRef,omitempty"`

	// InsecureSkipVerify accepts any server certificate (testing only).
	// +optional
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// SharedSessions reports whether s keeps sessions in Redis.
func (s *SessionStorage) SharedSessions() bool {
	return s != nil && s.Provider == config.SessionStorageRedis
}
