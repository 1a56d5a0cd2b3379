// Package packaging tests the install artifacts of mcp-operator: the Helm charts
// (helm-charts/mcp-operator-crds, helm-charts/mcp-operator), the kustomize bases in
// config/, the OLM bundle in bundle/ and the Dockerfile. It runs the real tools from bin/
// (helm, kustomize, operator-sdk) and, outside -short, installs and dry-runs the rendered
// manifests against a real kube-apiserver and etcd (envtest).
//
// helm and operator-sdk are optional on a developer machine: tests needing them skip with
// the command that installs them, unless the environment variable CI is set, in which case
// they fail.
package packaging
