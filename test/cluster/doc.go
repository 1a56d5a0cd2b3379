// Package cluster holds the end-to-end scenarios that run on a real node (make
// test-cluster): the operator installed by its Helm charts and running as a pod, MCP
// servers from npm as real pods, clients reaching them through Services. The tests carry
// the build tag "cluster", so `go test ./...` never starts or needs a node; they run inside
// the node's network namespace (bin/devcluster exec), where pod and Service addresses exist.
package cluster
