package devcluster

import (
	"fmt"
	"os"
	"path/filepath"
)

// configFiles renders every component's configuration. Each value is a REAL-NODE.md rule:
// containerd must not write oom_score_adj (root lacks CAP_SYS_RESOURCE here), has no
// AppArmor and keeps network namespaces under its own state dir; the kubelet uses cgroupfs
// under its own cgroup root; kube-proxy writes no VM-wide conntrack sysctl.
func configFiles(l Layout) map[string]string {
	return map[string]string{
		"containerd/config.toml": fmt.Sprintf(`version = 2
root = %[1]q
state = %[2]q
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.opt"]
[grpc]
  address = %[3]q
[ttrpc]
  address = %[4]q
[debug]
  address = %[5]q
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = %[6]q
  restrict_oom_score_adj = true
  disable_apparmor = true
  netns_mounts_under_state_dir = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = %[7]q
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = %[8]q
`, l.path("containerd", "root"), l.path("containerd", "state"), l.ContainerdSocket(),
			l.path("containerd", "containerd.sock.ttrpc"), l.path("containerd", "debug.sock"),
			PauseImage, l.path("runc"), l.path("cni")),
		// ipMasq false and no portmap to the host: a pod's packets never leave the namespace.
		"cni/10-bridge.conflist": fmt.Sprintf(`{
  "cniVersion": "1.0.0",
  "name": "devcluster",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": %q}]], "routes": [{"dst": "0.0.0.0/0"}],
              "dataDir": %q}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
`, PodCIDR, l.path("cni-ipam")),
		"kubelet.yaml": fmt.Sprintf(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: %[1]q}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
cgroupRoot: /%[2]s
cgroupsPerQOS: true
failSwapOn: false
clusterDomain: cluster.local
clusterDNS: [%[3]q]
resolvConf: %[4]q
containerRuntimeEndpoint: unix://%[5]s
podLogsDir: %[6]q
address: %[7]q
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
protectKernelDefaults: false
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "50Mi", nodefs.available: "1%%", nodefs.inodesFree: "1%%", imagefs.available: "1%%"}
enforceNodeAllocatable: [pods]
oomScoreAdj: 0
maxPods: 60
`, filepath.Join(l.PKIDir(), "ca.crt"), cgroupRoot, DNSIP, l.path("resolv.conf"), l.ContainerdSocket(),
			l.path("pod-logs"), NodeIP),
		"kube-proxy.yaml": fmt.Sprintf(`apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: %q}
hostnameOverride: %s
bindAddress: %s
clusterCIDR: %s
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
oomScoreAdj: 0
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
`, filepath.Join(l.PKIDir(), "kube-proxy.kubeconfig"), NodeName, NodeIP, PodCIDR),
		// No forward plugin: there is no upstream DNS inside the namespace.
		"Corefile": fmt.Sprintf(`.:53 {
    bind %s
    errors
    health 127.0.0.1:8181
    ready 127.0.0.1:8182
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig %s
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
    loop
    loadbalance
}
`, DNSIP, filepath.Join(l.PKIDir(), "coredns.kubeconfig")),
		"resolv.conf": "nameserver " + DNSIP + "\n",
		// Mounted over /etc/resolv.conf inside the namespace, so clients run with
		// `devcluster exec` (tests, curl) resolve Service names through CoreDNS.
		"etc-resolv.conf": "nameserver " + DNSIP + "\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n",
		"coredns-rbac.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:coredns"}
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:coredns"}
`,
	}
}

// kernelOverrides are the VM-wide sysctls the kubelet insists on writing. Inside the
// cluster's mount namespace a file holding the value the kubelet wants is bind-mounted over
// each, so the kubelet sees its value and the host keeps its own.
var kernelOverrides = map[string]string{
	"/proc/sys/kernel/panic":              "10",
	"/proc/sys/kernel/panic_on_oops":      "1",
	"/proc/sys/vm/overcommit_memory":      "1",
	"/proc/sys/vm/panic_on_oom":           "0",
	"/proc/sys/kernel/keys/root_maxkeys":  "1000000",
	"/proc/sys/kernel/keys/root_maxbytes": "25000000",
}

func writeConfigs(l Layout) error {
	for _, d := range []string{"containerd", "cni", "cni-ipam", "pod-logs", "runc", "logs", "sysctl", "kubelet", "etcd"} {
		if err := os.MkdirAll(l.path(d), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	for name, data := range configFiles(l) {
		if err := os.WriteFile(l.path(name), []byte(data), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	for p, v := range kernelOverrides {
		if err := os.WriteFile(l.path("sysctl", filepath.Base(p)), []byte(v+"\n"), 0o644); err != nil {
			return fmt.Errorf("write sysctl override %s: %w", p, err)
		}
	}
	return nil
}
