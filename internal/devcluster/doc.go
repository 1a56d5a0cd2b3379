// Package devcluster runs a real single-node Kubernetes (etcd, kube-apiserver with client
// certificates and RBAC, kube-controller-manager, kube-scheduler, containerd + runc + bridge
// CNI, kubelet, kube-proxy in iptables mode and CoreDNS) inside one network namespace of its
// own, following the rules of REAL-NODE.md: nothing with a non-loopback address lives outside
// that namespace, the host's sysctls, iptables and forwarding are never touched, and every
// leftover of a previous run (processes, cgroups, host paths) is removed before a new one.
package devcluster
