// Package localcp runs a local Kubernetes control plane for the demo and the
// end-to-end test: etcd and kube-apiserver from bin/k8s (through envtest's
// control plane), the CRDs of config/crd/bases, and a kubeconfig file that
// kubectl, the operator and vmcp can use.
//
// There is no kubelet and no controller-manager, so it also provides what those
// would do for the one workload the demo needs: RunDeployment runs a Deployment's
// container (vmcp) as a local process with the Deployment's args, env and mounted
// ConfigMap, and keeps the Deployment's status truthful by probing the process's
// readiness endpoint. Process starts commands in their own process group so that
// stopping them stops their children too.
package localcp
