// Package v1beta1 is the second served version of the mcp-operator API (group
// toolhive.stacklok.dev). It has exactly the schema of v1alpha1 (the storage
// version): its kinds are declared here with the v1alpha1 Spec and Status types,
// so there is one definition of each field and the conversion between the two
// versions is None (the API server only rewrites apiVersion).
//
// +kubebuilder:object:generate=true
// +groupName=toolhive.stacklok.dev
package v1beta1
