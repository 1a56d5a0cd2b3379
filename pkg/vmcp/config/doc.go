// Package config defines the vmcp configuration: one Go type that is both the
// vmcp config file (YAML, camelCase) and VirtualMCPServer.spec.config, so the
// CRD schema and the CLI never drift. It also loads, defaults and validates it.
//
// +kubebuilder:object:generate=true
// +groupName=toolhive.stacklok.dev
package config
