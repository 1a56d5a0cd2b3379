package doctor

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// member is one backend of a group, whatever its kind.
type member struct {
	kind, name, phase, message string
	authRef                    *v1alpha1.LocalObjectReference
}

// checkVirtual runs the VirtualMCPServer part of the checklist.
func (d *Doctor) checkVirtual(ctx context.Context, v *v1alpha1.VirtualMCPServer) error {
	check := "VirtualMCPServer/" + v.Name
	d.checkConditions(check, v.Generation, v.Status.ObservedGeneration, v.Status.Conditions)
	switch v.Status.Phase {
	case "":
		d.warn(check+" phase", "wait for the operator, or check its logs", "no status yet")
	case v1alpha1.PhaseReady:
		d.ok(check+" phase", "phase Ready")
	default:
		d.problem(check+" phase", fmt.Sprintf("kubectl describe virtualmcpserver %s -n %s; the findings below name the cause", v.Name, d.Namespace), "phase %s: %s", v.Status.Phase, v.Status.Message)
	}
	members, err := d.checkGroup(ctx, check, v)
	if err != nil {
		return err
	}
	if err := d.checkAuthRefs(ctx, check, v, members); err != nil {
		return err
	}
	d.checkDiscovered(check, v, len(members))
	for _, step := range []func() error{
		func() error { return d.checkDeployment(ctx, check, v.Name) },
		func() error { return d.checkEndpoints(ctx, check, "vmcp-"+v.Name) },
		func() error { return d.checkEvents(ctx, check, "VirtualMCPServer", v.Name) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// checkGroup: the group exists and is Ready, and has members, each Ready.
func (d *Doctor) checkGroup(ctx context.Context, check string, v *v1alpha1.VirtualMCPServer) ([]member, error) {
	g := v.GroupName()
	if g == "" {
		if v.Spec.Config == nil || len(v.Spec.Config.Backends) == 0 {
			d.problem(check+" group", "set spec.groupRef: {name: <group>}", "no spec.groupRef and no static backends: there is nothing to serve")
		}
		return nil, nil
	}
	var grp v1alpha1.MCPGroup
	err := d.Client.Get(ctx, client.ObjectKey{Namespace: d.Namespace, Name: g}, &grp)
	switch {
	case isNotFound(err):
		d.problem(check+" group", fmt.Sprintf("create it: kubectl mcp convert --with-group ..., or apply an MCPGroup named %s in namespace %s", g, d.Namespace),
			"MCPGroup %s does not exist", g)
	case err != nil:
		return nil, fmt.Errorf("reading MCPGroup %s: %w", g, err)
	case grp.Status.Phase != v1alpha1.PhaseReady:
		d.problem(check+" group", "kubectl describe mcpgroup "+g, "MCPGroup %s is not Ready (phase %q)", g, grp.Status.Phase)
	default:
		d.ok(check+" group", "MCPGroup %s is Ready", g)
	}
	members, err := d.members(ctx, g)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		d.problem(check+" backends", fmt.Sprintf("set spec.groupRef: {name: %s} on the MCPServers, MCPRemoteProxies or MCPServerEntries (same namespace)", g),
			"group %s has no backends in namespace %s", g, d.Namespace)
	}
	for _, m := range members {
		if !healthyPhase(m.kind, m.phase) {
			d.problem(check+" backend "+m.name, fmt.Sprintf("kubectl describe %s %s -n %s", m.kind, m.name, d.Namespace), "%s %s is %q: %s", m.kind, m.name, m.phase, m.message)
		} else {
			d.ok(check+" backend "+m.name, "%s %s is %s", m.kind, m.name, m.phase)
		}
	}
	return members, nil
}

// healthyPhase: an MCPServerEntry (nothing runs for it) is healthy when Valid;
// MCPServers and MCPRemoteProxies when Ready.
func healthyPhase(kind, phase string) bool {
	if kind == "mcpserverentry" {
		return phase == string(v1alpha1.PhaseValid) || phase == string(v1alpha1.PhaseReady)
	}
	return phase == string(v1alpha1.PhaseReady)
}

// members lists the group's MCPServers, MCPRemoteProxies and MCPServerEntries.
func (d *Doctor) members(ctx context.Context, group string) ([]member, error) {
	var out []member
	var ss v1alpha1.MCPServerList
	if err := d.Client.List(ctx, &ss, client.InNamespace(d.Namespace)); err != nil {
		return nil, fmt.Errorf("listing MCPServers: %w", err)
	}
	for _, s := range ss.Items {
		if s.GroupName() == group {
			out = append(out, member{"mcpserver", s.Name, string(s.Status.Phase), s.Status.Message, s.Spec.ExternalAuthConfigRef})
		}
	}
	var ps v1alpha1.MCPRemoteProxyList
	if err := d.Client.List(ctx, &ps, client.InNamespace(d.Namespace)); err != nil {
		return nil, fmt.Errorf("listing MCPRemoteProxies: %w", err)
	}
	for _, p := range ps.Items {
		if p.GroupName() == group {
			out = append(out, member{"mcpremoteproxy", p.Name, string(p.Status.Phase), p.Status.Message, p.Spec.ExternalAuthConfigRef})
		}
	}
	var es v1alpha1.MCPServerEntryList
	if err := d.Client.List(ctx, &es, client.InNamespace(d.Namespace)); err != nil {
		return nil, fmt.Errorf("listing MCPServerEntries: %w", err)
	}
	for _, e := range es.Items {
		if e.GroupName() == group {
			out = append(out, member{"mcpserverentry", e.Name, string(e.Status.Phase), e.Status.Message, e.Spec.ExternalAuthConfigRef})
		}
	}
	return out, nil
}

// checkAuthRefs: every MCPExternalAuthConfig, ConfigMap and Secret the incoming and
// outgoing auth names exists.
func (d *Doctor) checkAuthRefs(ctx context.Context, check string, v *v1alpha1.VirtualMCPServer, members []member) error {
	var refs []ref
	if o := v.Spec.OutgoingAuth; o != nil {
		if o.Default != nil && o.Default.ExternalAuthConfigRef != nil {
			refs = append(refs, ref{"MCPExternalAuthConfig", o.Default.ExternalAuthConfigRef.Name, "spec.outgoingAuth.default"})
		}
		for _, b := range slices.Sorted(maps.Keys(o.Backends)) {
			if r := o.Backends[b].ExternalAuthConfigRef; r != nil {
				refs = append(refs, ref{"MCPExternalAuthConfig", r.Name, "spec.outgoingAuth.backends." + b})
			}
		}
	}
	if v.Spec.OutgoingAuth == nil || v.Spec.OutgoingAuth.Source != v1alpha1.OutgoingAuthSource("inline") {
		for _, m := range members {
			if m.authRef != nil {
				refs = append(refs, ref{"MCPExternalAuthConfig", m.authRef.Name, m.kind + "/" + m.name + " spec.externalAuthConfigRef"})
			}
		}
	}
	if in := v.Spec.IncomingAuth; in != nil {
		if in.OIDCConfigRef != nil {
			refs = append(refs, ref{"ConfigMap", in.OIDCConfigRef.Name, "spec.incomingAuth.oidcConfigRef"})
		}
		refs = append(refs, oidcRefs(in.OIDCConfig, "spec.incomingAuth.oidcConfig")...)
		if a := in.AuthzConfig; a != nil && a.ConfigMap != nil {
			refs = append(refs, ref{"ConfigMap", a.ConfigMap.Name, "spec.incomingAuth.authzConfig.configMap"})
		}
	}
	for _, r := range refs {
		found, err := d.exists(ctx, r.kind, r.name)
		if err != nil {
			return err
		}
		if !found {
			d.problem(check+" auth", fmt.Sprintf("create %s %s in namespace %s, or change %s", r.kind, r.name, d.Namespace, r.from), "%s names %s %s, which does not exist", r.from, r.kind, r.name)
		}
	}
	if len(refs) > 0 && !d.has(Problem, check+" auth") {
		d.ok(check+" auth", "%d auth reference(s) resolve", len(refs))
	}
	return nil
}

// ref names an object a resource depends on, and the field that names it.
type ref struct{ kind, name, from string }

// oidcRefs lists the Secret and ConfigMap an OIDC config reads.
func oidcRefs(o *v1alpha1.OIDCConfig, from string) []ref {
	var out []ref
	if o == nil {
		return nil
	}
	if o.Inline != nil && o.Inline.ClientSecretRef != nil {
		out = append(out, ref{"Secret", o.Inline.ClientSecretRef.Name, from + ".inline.clientSecretRef"})
	}
	if o.ConfigMap != nil {
		out = append(out, ref{"ConfigMap", o.ConfigMap.Name, from + ".configMap"})
	}
	return out
}

func (d *Doctor) has(sev Severity, check string) bool {
	for _, f := range d.findings {
		if f.Severity == sev && f.Check == check {
			return true
		}
	}
	return false
}

// exists reports whether an object of kind (MCPExternalAuthConfig, MCPToolConfig,
// ConfigMap, Secret, MCPGroup) exists in the namespace.
func (d *Doctor) exists(ctx context.Context, kind, name string) (bool, error) {
	var obj client.Object
	switch kind {
	case "MCPExternalAuthConfig":
		obj = &v1alpha1.MCPExternalAuthConfig{}
	case "MCPToolConfig":
		obj = &v1alpha1.MCPToolConfig{}
	case "MCPGroup":
		obj = &v1alpha1.MCPGroup{}
	case "ConfigMap":
		obj = &corev1.ConfigMap{}
	default:
		obj = &corev1.Secret{}
	}
	err := d.Client.Get(ctx, client.ObjectKey{Namespace: d.Namespace, Name: name}, obj)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading %s %s: %w", kind, name, err)
	}
	return true, nil
}

// checkDiscovered: vmcp reported every backend, each healthy, recently.
func (d *Doctor) checkDiscovered(check string, v *v1alpha1.VirtualMCPServer, members int) {
	staleAfter := config.HealthReportStaleAfter(v.EffectiveOperational())
	bs := v.Status.DiscoveredBackends
	if len(bs) == 0 {
		if members > 0 {
			d.problem(check+" discoveredBackends", "the operator lists them on every reconcile: check the operator's logs and the VirtualMCPServer's conditions",
				"status.discoveredBackends is empty although the group has %d backend(s)", members)
		}
		return
	}
	now := d.now()
	for _, b := range bs {
		c := check + " backend " + b.Name + " health"
		switch {
		case b.Status != v1alpha1.BackendReady:
			d.problem(c, fmt.Sprintf("kubectl get virtualmcpserver %s -n %s -o jsonpath='{.status.discoveredBackends}'; check the backend's pod and URL %s", v.Name, d.Namespace, b.URL),
				"backend %s is %s: %s", b.Name, b.Status, b.Message)
		case b.LastHealthCheck == nil || now.Sub(b.LastHealthCheck.Time) > staleAfter:
			d.problem(c, fmt.Sprintf("vmcp stopped reporting: check its pod (kubectl logs deploy/%s -n %s)", v.Name, d.Namespace),
				"status of backend %s is stale: last health check %s, older than %d intervals (%s)", b.Name, lastCheck(b), config.StaleReports, staleAfter)
		default:
			d.ok(c, "backend %s is ready (checked %s ago)", b.Name, now.Sub(b.LastHealthCheck.Time).Round(time.Second))
		}
	}
}

func lastCheck(b v1alpha1.DiscoveredBackend) string {
	if b.LastHealthCheck == nil {
		return "never"
	}
	return b.LastHealthCheck.UTC().Format(time.RFC3339)
}
