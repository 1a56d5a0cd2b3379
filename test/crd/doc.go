// Package crd tests the generated CustomResourceDefinitions against a real
// kube-apiserver and etcd (envtest): every seed manifest applies unchanged with
// strict field validation under both served versions, invalid manifests are
// rejected with a message naming the offending field, and `kubectl explain`
// prints the field documentation. The suite skips under -short.
package crd
