package controllers

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// The steps the workload kinds share. MCPServer and MCPRemoteProxy both front one MCP
// server with a proxy runner: they reference the same configs (resolveProxyRefs) and
// derive their phase from the same rules (workloadPhaseRules). Every kind with a chart
// renders it with the user's podTemplateSpec merged (renderPodWorkload) and applies the
// result (applyChildren).

// proxyRefsInput names what a proxy workload's spec references.
type proxyRefsInput struct {
	toolConfig, externalAuth string
	incoming                 incomingAuthInput
}

// proxyRefs are a proxy workload's resolved references.
type proxyRefs struct {
	toolConfig *v1alpha1.MCPToolConfig
	extAuth    *v1alpha1.MCPExternalAuthConfig
	auth       resolvedAuth
	// loaded is set once both configs were read (found or not); authChecked once the
	// incoming auth was resolved.
	loaded, authChecked bool
}

// resolveProxyRefs loads the referenced MCPToolConfig and MCPExternalAuthConfig (from the
// cache, c) and the incoming auth (through api: user ConfigMaps are not cached) and sets
// their conditions. A missing config stops the reconcile (terminal): the workload would
// otherwise run without its filter or credentials.
func resolveProxyRefs(ctx context.Context, c, api client.Reader, opts *Options, ns string, in proxyRefsInput, conds *[]metav1.Condition, gen int64) (proxyRefs, ctrl.Result, error) {
	var out proxyRefs
	var err error
	if out.toolConfig, err = getToolConfig(ctx, c, ns, in.toolConfig); err != nil {
		return out, ctrl.Result{}, fmt.Errorf("get MCPToolConfig %q: %w", in.toolConfig, err)
	}
	if out.extAuth, err = getExternalAuth(ctx, c, ns, in.externalAuth); err != nil {
		return out, ctrl.Result{}, fmt.Errorf("get MCPExternalAuthConfig %q: %w", in.externalAuth, err)
	}
	out.loaded = true
	okTC := setRefCondition(conds, refCheck{conditionType: condToolConfigValidated, kind: "MCPToolConfig", field: "spec.toolConfigRef", name: in.toolConfig, found: out.toolConfig != nil}, gen)
	okEA := setRefCondition(conds, refCheck{conditionType: v1alpha1.ConditionExternalAuthConfigValidated, kind: "MCPExternalAuthConfig", field: "spec.externalAuthConfigRef", name: in.externalAuth, found: out.extAuth != nil}, gen)
	if !okTC || !okEA {
		ctrl.LoggerFrom(ctx).V(1).Info("A referenced config is missing; not rendering", "toolConfigRef", in.toolConfig, "externalAuthConfigRef", in.externalAuth)
		return out, ctrl.Result{}, reconcile.TerminalError(fmt.Errorf("a referenced config is missing"))
	}
	var res ctrl.Result
	out.auth, res, err = checkIncomingAuth(ctx, api, opts, ns, in.incoming, conds, gen)
	out.authChecked = true
	return out, res, err
}

// workloadPhaseRules: spec problems fail (the kind's own checks, extra, after spec
// validity), a ready workload is Ready, anything else Pending.
func workloadPhaseRules(extra ...conditions.Rule) []conditions.Rule {
	failed := func(t string) conditions.Rule {
		return conditions.Rule{Type: t, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)}
	}
	rules := append([]conditions.Rule{failed(condSpecValid)}, extra...)
	return append(rules,
		failed(v1alpha1.ConditionPodTemplateValid),
		failed(condToolConfigValidated),
		failed(v1alpha1.ConditionExternalAuthConfigValidated),
		failed(v1alpha1.ConditionIncomingAuthValidated),
		conditions.Rule{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Phase: string(v1alpha1.PhaseReady)},
		conditions.Rule{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhasePending)},
	)
}

// renderPodWorkload renders owner's chart and merges podTemplate into the workloadKind
// object named like owner. An unmergeable podTemplateSpec is PodTemplateValid False and
// stops the reconcile (a user error).
func (o *Options) renderPodWorkload(gk schema.GroupKind, owner client.Object, conds *[]metav1.Condition, values any, workloadKind string, podTemplate *runtime.RawExtension) ([]*unstructured.Unstructured, error) {
	objs, mergeErr, err := o.renderWorkload(gk, owner, values, workloadKind, podTemplate)
	if err != nil {
		return nil, fmt.Errorf("render the %s chart: %w", gk.Kind, err)
	}
	setPodTemplateCondition(conds, mergeErr, owner.GetGeneration())
	if mergeErr != nil {
		return nil, reconcile.TerminalError(mergeErr)
	}
	return objs, nil
}

// applyChildren server-side applies owner's rendered children, prunes stale ones and
// records a failure in Ready.
func (o *Options) applyChildren(ctx context.Context, owner client.Object, conds *[]metav1.Condition, objs []*unstructured.Unstructured, prune []schema.GroupVersionKind) (render.Result, error) {
	res, err := o.Applier.Apply(ctx, owner, objs, prune)
	setApplyCondition(conds, err, owner.GetGeneration())
	if err != nil {
		return res, fmt.Errorf("apply children: %w", err)
	}
	ctrl.LoggerFrom(ctx).V(1).Info("Children applied", "written", res.Applied, "unchanged", res.Unchanged, "pruned", res.Pruned)
	return res, nil
}
