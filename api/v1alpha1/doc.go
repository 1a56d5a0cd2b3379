// Package v1alpha1 holds the storage version of the mcp-operator API (group
// toolhive.stacklok.dev): the Go types of the eight custom resources, their
// kubebuilder markers (which become the CRD schemas and `kubectl explain` text),
// typed condition and phase constants, and the normalisation helpers that turn
// the legacy forms accepted for compatibility into the current form.
//
// Controllers read resources through the helpers in normalize.go (GroupName,
// ProxyPortOrDefault, MCPPort, Normalize, ...) rather than the raw fields, so a
// legacy manifest and its current form reconcile to the same result.
//
// +kubebuilder:object:generate=true
// +groupName=toolhive.stacklok.dev
package v1alpha1
