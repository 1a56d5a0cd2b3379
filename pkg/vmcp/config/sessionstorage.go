package config

// SessionStorageProvider names where vmcp keeps its client sessions.
// +kubebuilder:validation:Enum=memory;redis
type SessionStorageProvider string

// Session storage providers.
const (
	// SessionStorageMemory keeps sessions in the replica's memory: a session
	// lives as long as that replica and is served by it alone.
	SessionStorageMemory SessionStorageProvider = "memory"
	// SessionStorageRedis keeps sessions in Redis, shared by every replica.
	SessionStorageRedis SessionStorageProvider = "redis"
)

// SessionRedisPasswordEnv is the environment variable vmcp reads the Redis
// password from; the operator fills it from sessionStorage.passwordRef, so the
// password never appears in the configuration.
const SessionRedisPasswordEnv = "VMCP_SESSION_REDIS_PASSWORD"

// SessionStorage says where client sessions are kept.
// +kubebuilder:validation:XValidation:rule="self.provider != 'redis' || has(self.address)",message="sessionStorage.provider redis needs address (host:port)"
// +kubebuilder:validation:XValidation:rule="self.provider == 'redis' || !has(self.address) && !has(self.tls)",message="sessionStorage address and tls apply to provider redis only"
type SessionStorage struct {
	// Provider: memory (each replica keeps its own sessions) or redis (replicas
	// share sessions through Redis: a session started on one replica continues on
	// another, its backend sessions re-established there).
	Provider SessionStorageProvider `json:"provider"`

	// Address of the Redis server, host:port.
	// +optional
	Address string `json:"address,omitempty"`

	// DB is the Redis database number; 0 when unset.
	// +kubebuilder:default=0
	// +kubebuilder:validation:Minimum=0
	// +optional
	DB int32 `json:"db,omitempty"`

	// KeyPrefix starts every Redis key vmcp writes (default "vmcp:"), so several
	// VirtualMCPServers can share one Redis.
	// +optional
	KeyPrefix string `json:"keyPrefix,omitempty"`

	// TLS connects to Redis over TLS.
	// +optional
	TLS *SessionStorageTLS `json:"tls,omitempty"`
}

// SessionStorageTLS is the TLS of the Redis connection.
type SessionStorageTLS struct {
	// CACertFile is a PEM file of the CAs that sign the Redis server's
	// certificate; the system roots when empty.
	// +optional
	CACertFile string `json:"caCertFile,omitempty"`

	// InsecureSkipVerify accepts any server certificate (testing only).
	// +optional
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// Shared reports whether sessions are kept in shared storage (Redis).
func (s *SessionStorage) Shared() bool {
	return s != nil && s.Provider == SessionStorageRedis
}
