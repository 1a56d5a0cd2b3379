package doctor

import (
	"context"
	"fmt"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// checkServer runs the MCPServer part of the checklist.
func (d *Doctor) checkServer(ctx context.Context, s *v1alpha1.MCPServer) error {
	check := "MCPServer/" + s.Name
	d.checkConditions(check, s.Generation, s.Status.ObservedGeneration, s.Status.Conditions)
	spec, _ := s.Normalize()
	if spec.Transport == v1alpha1.TransportStdio && spec.BackendReplicas != nil && *spec.BackendReplicas > 1 && !d.has(Warning, check+" "+v1alpha1.ConditionStdioReplicaCapped) {
		d.warn(check+" replicas", "a stdio server has one process: set backendReplicas: 1, or use an HTTP transport to scale",
			"backendReplicas is %d but a stdio server runs one replica", *spec.BackendReplicas)
	}
	var refs []ref
	if g := s.GroupName(); g != "" {
		refs = append(refs, ref{"MCPGroup", g, "spec.groupRef"})
	}
	if spec.ToolConfigRef != nil {
		refs = append(refs, ref{"MCPToolConfig", spec.ToolConfigRef.Name, "spec.toolConfigRef"})
	}
	if spec.ExternalAuthConfigRef != nil {
		refs = append(refs, ref{"MCPExternalAuthConfig", spec.ExternalAuthConfigRef.Name, "spec.externalAuthConfigRef"})
	}
	refs = append(refs, oidcRefs(spec.OIDCConfig, "spec.oidcConfig")...)
	if a := spec.AuthzConfig; a != nil && a.ConfigMap != nil {
		refs = append(refs, ref{"ConfigMap", a.ConfigMap.Name, "spec.authzConfig.configMap"})
	}
	for _, sec := range spec.Secrets {
		refs = append(refs, ref{"Secret", sec.Name, "spec.secrets"})
	}
	for _, r := range refs {
		found, err := d.exists(ctx, r.kind, r.name)
		if err != nil {
			return err
		}
		if found {
			d.ok(check+" "+r.from, "%s %s exists", r.kind, r.name)
			continue
		}
		fix := fmt.Sprintf("create %s %s in namespace %s, or change %s", r.kind, r.name, d.Namespace, r.from)
		if r.kind == "Secret" {
			fix = fmt.Sprintf("kubectl create secret generic %s -n %s --from-literal=<key>=<value> (kubectl mcp convert prints the command)", r.name, d.Namespace)
		}
		d.problem(check+" "+r.from, fix, "%s names %s %s, which does not exist", r.from, r.kind, r.name)
	}
	for _, step := range []func() error{
		func() error { return d.checkPods(ctx, check, s.Name) },
		func() error { return d.checkDeployment(ctx, check, s.Name) },
		func() error { return d.checkEndpoints(ctx, check, "mcp-"+s.Name+"-proxy") },
		func() error { return d.checkEvents(ctx, check, "MCPServer", s.Name) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}
