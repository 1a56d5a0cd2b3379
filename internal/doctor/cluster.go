package doctor

import (
	"context"
	"fmt"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// OperatorLabel selects the operator's Deployment as its Helm chart labels it.
const OperatorLabel = "mcp-operator"

func isNotFound(err error) bool { return apierrors.IsNotFound(err) || meta.IsNoMatchError(err) }

// betaScheme knows the kinds the API serves in v1beta1.
var betaScheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	_ = v1beta1.AddToScheme(s)
	return s
}()

// expectedKinds are the kinds this plugin was built with, from the API's scheme.
func expectedKinds() []string {
	var kinds []string
	s := Scheme()
	for gvk := range s.KnownTypes(v1alpha1.GroupVersion) {
		obj, err := s.New(v1alpha1.GroupVersion.WithKind(gvk))
		if _, isObject := obj.(client.Object); err != nil || !isObject || strings.HasSuffix(gvk, "List") {
			continue // lists and the option kinds every group version registers
		}
		kinds = append(kinds, gvk)
	}
	sort.Strings(kinds)
	return kinds
}

// checkCRDs: every kind has a CRD serving both versions. Returns false when the
// API is missing entirely (no further check can read it).
func (d *Doctor) checkCRDs(ctx context.Context) bool {
	var crds apiextensionsv1.CustomResourceDefinitionList
	if err := d.Client.List(ctx, &crds); err != nil {
		d.problem("CRDs", "run kubectl mcp doctor as a user who may list customresourcedefinitions", "cannot list CRDs: %v", err)
		return false
	}
	have := map[string]apiextensionsv1.CustomResourceDefinition{}
	for _, c := range crds.Items {
		if c.Spec.Group == v1alpha1.GroupVersion.Group {
			have[c.Spec.Names.Kind] = c
		}
	}
	const fix = "install the CRDs: helm install mcp-operator-crds helm-charts/mcp-operator-crds (or kubectl apply --server-side -f config/crd/bases)"
	if len(have) == 0 {
		d.problem("CRDs", fix, "no CRD of group %s is installed", v1alpha1.GroupVersion.Group)
		return false
	}
	var missing, stale []string
	for _, k := range expectedKinds() {
		c, ok := have[k]
		if !ok {
			missing = append(missing, k)
			continue
		}
		served := map[string]bool{}
		for _, v := range c.Spec.Versions {
			served[v.Name] = v.Served
		}
		// A kind the plugin knows in v1alpha1 only (MCPWebhookConfig, as upstream) needs
		// only that version served.
		wantBeta := betaScheme.Recognizes(v1beta1.GroupVersion.WithKind(k))
		if !served[v1alpha1.GroupVersion.Version] || (wantBeta && !served[v1beta1.GroupVersion.Version]) {
			stale = append(stale, k)
		}
	}
	switch {
	case len(missing) > 0:
		d.problem("CRDs", fix, "missing CRDs for %s", strings.Join(missing, ", "))
	case len(stale) > 0:
		d.problem("CRDs", "upgrade the CRDs: helm upgrade mcp-operator-crds helm-charts/mcp-operator-crds",
			"CRDs of %s do not serve both %s and %s (installed from an older release)", strings.Join(stale, ", "), v1alpha1.GroupVersion.Version, v1beta1.GroupVersion.Version)
	default:
		d.ok("CRDs", "all %d CRDs installed, serving %s and %s", len(expectedKinds()), v1alpha1.GroupVersion.Version, v1beta1.GroupVersion.Version)
	}
	return true
}

// checkOperator: the operator's Deployment is available; without one, resources
// that are reconciled (observedGeneration current) show an operator running elsewhere.
func (d *Doctor) checkOperator(ctx context.Context) error {
	var deps appsv1.DeploymentList
	if err := d.Client.List(ctx, &deps, client.MatchingLabels{"app.kubernetes.io/name": OperatorLabel}); err != nil {
		return fmt.Errorf("listing operator Deployments: %w", err)
	}
	for _, dep := range deps.Items {
		if dep.Status.ReadyReplicas > 0 {
			d.ok("operator", "Deployment %s/%s has %d ready replica(s)", dep.Namespace, dep.Name, dep.Status.ReadyReplicas)
			return nil
		}
	}
	if len(deps.Items) > 0 {
		dep := deps.Items[0]
		d.problem("operator", fmt.Sprintf("kubectl describe deployment -n %s %s; kubectl logs -n %s deploy/%s", dep.Namespace, dep.Name, dep.Namespace, dep.Name),
			"Deployment %s/%s has no ready replica", dep.Namespace, dep.Name)
		return nil
	}
	reconciled, err := d.anyReconciled(ctx)
	if err != nil {
		return err
	}
	if reconciled {
		d.warn("operator", "fine for a local control plane; in a cluster, install the operator with its Helm chart", "no operator Deployment (label app.kubernetes.io/name=%s) found, but resources here are reconciled: the operator runs outside the cluster", OperatorLabel)
		return nil
	}
	d.problem("operator", "install the operator: helm install mcp-operator helm-charts/mcp-operator -n toolhive-system --create-namespace",
		"no operator Deployment (label app.kubernetes.io/name=%s) and no reconciled resource in namespace %s", OperatorLabel, d.Namespace)
	return nil
}

// anyReconciled reports whether any MCPServer, VirtualMCPServer or MCPGroup of the
// namespace has a status for its current generation.
func (d *Doctor) anyReconciled(ctx context.Context) (bool, error) {
	var gs v1alpha1.MCPGroupList
	if err := d.Client.List(ctx, &gs, client.InNamespace(d.Namespace)); err != nil {
		return false, fmt.Errorf("listing MCPGroups: %w", err)
	}
	for _, g := range gs.Items {
		if g.Status.ObservedGeneration == g.Generation {
			return true, nil
		}
	}
	var ss v1alpha1.MCPServerList
	if err := d.Client.List(ctx, &ss, client.InNamespace(d.Namespace)); err != nil {
		return false, fmt.Errorf("listing MCPServers: %w", err)
	}
	for _, s := range ss.Items {
		if s.Status.ObservedGeneration == s.Generation {
			return true, nil
		}
	}
	var vs v1alpha1.VirtualMCPServerList
	if err := d.Client.List(ctx, &vs, client.InNamespace(d.Namespace)); err != nil {
		return false, fmt.Errorf("listing VirtualMCPServers: %w", err)
	}
	for _, v := range vs.Items {
		if v.Status.ObservedGeneration == v.Generation {
			return true, nil
		}
	}
	return false, nil
}
