// Package authconfig holds the incoming authentication and authorization settings that
// both runtime config files carry: the proxy runner's runconfig (pkg/proxy/runconfig)
// and vmcp's config file, which is also VirtualMCPServer.spec.config
// (pkg/vmcp/config). The operator translates a resource's auth settings into these
// types in one place, so the proxy and the gateway validate tokens alike.
//
// It is a leaf: plain types with kubebuilder markers (they are part of the
// VirtualMCPServer schema) and generated deep copies.
//
// +kubebuilder:object:generate=true
package authconfig
