package controllers

import (
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// IndexCompositeToolRef indexes VirtualMCPServers by the names in spec.config.compositeToolRefs.
const IndexCompositeToolRef = "spec.config.compositeToolRefs.name"

// IndexEmbeddingServerRef indexes VirtualMCPServers by spec.embeddingServerRef.
const IndexEmbeddingServerRef = "spec.embeddingServerRef.name"

// vmcpIndexes are the VirtualMCPServer field indexes: by group (normalised, either
// spelling), by MCPToolConfig, by MCPExternalAuthConfig named in spec.outgoingAuth,
// and by composite tool definition.
func vmcpIndexes() []index {
	vmcp := func(o client.Object) *v1alpha1.VirtualMCPServer { return o.(*v1alpha1.VirtualMCPServer) }
	return []index{
		{&v1alpha1.VirtualMCPServer{}, IndexGroupRef, func(o client.Object) []string { return values(vmcp(o).GroupName()) }},
		{&v1alpha1.VirtualMCPServer{}, IndexToolConfigRef, func(o client.Object) []string {
			spec, _ := vmcp(o).Normalize()
			return toolConfigRefs(spec)
		}},
		{&v1alpha1.VirtualMCPServer{}, IndexExternalAuthConfigRef, func(o client.Object) []string { return outgoingAuthRefs(vmcp(o).Spec.OutgoingAuth) }},
		{&v1alpha1.VirtualMCPServer{}, IndexCompositeToolRef, func(o client.Object) []string { return compositeToolRefs(vmcp(o).Spec) }},
		{&v1alpha1.VirtualMCPServer{}, IndexEmbeddingServerRef, func(o client.Object) []string {
			if ref := vmcp(o).Spec.EmbeddingServerRef; ref != nil {
				return []string{ref.Name}
			}
			return nil
		}},
	}
}
