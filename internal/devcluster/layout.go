package devcluster

import (
	"os/exec"
	"path/filepath"
)

// The node's addresses. They exist only inside the cluster's network namespace.
const (
	NodeName     = "devnode"
	NodeIP       = "10.200.0.2"
	nodeCIDR     = "10.200.0.2/24"
	PodCIDR      = "10.244.0.0/24"
	ServiceCIDR  = "10.96.0.0/24"
	APIServiceIP = "10.96.0.1"
	// DNSIP is where CoreDNS listens: the node itself, reachable from every pod through
	// the CNI bridge, so DNS needs no Service of its own.
	DNSIP = NodeIP
	// FrontProxyClient is the user of the apiserver's aggregation-layer client certificate.
	FrontProxyClient = "front-proxy-client"
	// cgroupRoot is the kubelet's cgroup parent in every cgroup v1 hierarchy.
	cgroupRoot = "mcp-devcluster"
	// PauseImage is the pod sandbox image, built locally (no registry) and named in
	// containerd's sandbox_image.
	PauseImage = "localhost/mcp-devcluster/pause:3.10"
)

// Layout names every file of one cluster. All state lives under Dir, except the host
// paths that containerd 1.6 and kubelet 1.34 use whatever their flags say; those are
// covered by mounts in the cluster's private mount namespace (see mountHostPaths).
type Layout struct {
	// Dir holds pki/, config, logs, containerd and kubelet state, and the state file.
	Dir string
	// BinDir holds etcd, kube-apiserver and kubectl (the envtest set).
	BinDir string
	// NodeBinDir holds kubelet, kube-controller-manager, kube-scheduler, kube-proxy, coredns.
	NodeBinDir string
	// ImagesDir holds the OCI image tarballs imported into containerd at start.
	ImagesDir string
}

func (l Layout) path(p ...string) string { return filepath.Join(append([]string{l.Dir}, p...)...) }

// PKIDir holds the certificates and the kubeconfigs.
func (l Layout) PKIDir() string { return l.path("pki") }

// AdminKubeconfig is the kubeconfig of a cluster admin (group system:masters).
func (l Layout) AdminKubeconfig() string { return l.path("pki", "admin.kubeconfig") }

// LogDir holds one log file per component.
func (l Layout) LogDir() string { return l.path("logs") }

// StateFile records the holder process and the namespace for exec and cleanup.
func (l Layout) StateFile() string { return l.path("state.json") }

// ReadyFile exists while the cluster is up and ready.
func (l Layout) ReadyFile() string { return l.path("ready") }

// ContainerdSocket is containerd's gRPC socket (a file, so usable from the host namespace).
func (l Layout) ContainerdSocket() string { return l.path("containerd", "containerd.sock") }

func (l Layout) bin(name string) string {
	switch name {
	case "etcd", "kube-apiserver", "kubectl":
		return filepath.Join(l.BinDir, name)
	case "containerd":
		// From the Debian package (nsenter needs an absolute path).
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return filepath.Join(l.NodeBinDir, name)
}
