package controllers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpregistries,verbs=get;list;watch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=mcpregistries/status,verbs=get;update;patch

// registryAPIPort is the port of the registry API Service <name>-api.
const registryAPIPort = 8080

// DefaultRegistryAPIImage runs the registry API server when REGISTRY_API_IMAGE is unset.
const DefaultRegistryAPIImage = "ghcr.io/stacklok/thv-registry-api:latest"

// MCPRegistryReconciler renders an MCPRegistry as the registry API server that serves
// its spec.configYAML (sources, sync policy): ConfigMap <name>-registry-api-config,
// Deployment and Service <name>-api (chart helm-charts/mcpregistry), and reports
// phase, url and readyReplicas. The sync itself is the registry server's.
type MCPRegistryReconciler struct {
	client.Client
	Options *Options
}

// registryScope is what one reconcile of an MCPRegistry knows.
type registryScope struct {
	// registry is the loaded object; its status is written by the phases.
	registry *v1alpha1.MCPRegistry
	// objects are the rendered children, filled by renderChildren.
	objects []*unstructured.Unstructured
}

var (
	registryGK         = schema.GroupKind{Group: v1alpha1.GroupVersion.Group, Kind: "MCPRegistry"}
	registryPruneKinds = gvks(&appsv1.Deployment{}, &corev1.Service{}, &corev1.ConfigMap{})
)

// SetupWithManager watches MCPRegistries and their children.
func (r *MCPRegistryReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.MCPRegistry{}, builder.WithPredicates(specOrMetadataChanged(), pausePredicate())).
		Owns(&appsv1.Deployment{}).Owns(&corev1.Service{}).Owns(&corev1.ConfigMap{}).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()}).
		Complete(r)
}

// Reconcile validates, renders, applies and observes the registry, writing the status once.
func (r *MCPRegistryReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	reg := &v1alpha1.MCPRegistry{}
	if err := r.Get(ctx, req.NamespacedName, reg); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(reg) || !reg.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	orig := reg.DeepCopy()
	defer func() { err = finishStatus(ctx, r.Client, nil, orig, reg, registryStatusRules, err) }()
	return runPhases(ctx, &registryScope{registry: reg}, r.validate, r.renderChildren, r.applyChildren, r.observe)
}

// registryStatusRules: phase from registryPhaseRules (no Warning events).
var registryStatusRules = statusRules[*v1alpha1.MCPRegistry]{
	status: func(m *v1alpha1.MCPRegistry) (any, *[]metav1.Condition, *int64) {
		return *m.Status.DeepCopy(), &m.Status.Conditions, &m.Status.ObservedGeneration
	},
	phase: setRegistryPhase,
}

// validate checks that configYAML is a YAML mapping (the registry server would not start).
func (r *MCPRegistryReconciler) validate(_ context.Context, s *registryScope) (ctrl.Result, error) {
	problem := registryConfigProblem(s.registry.Spec.ConfigYAML)
	var problems []string
	if problem != "" {
		problems = []string{problem}
	}
	setProblemsCondition(&s.registry.Status.Conditions, v1alpha1.ConditionValid, problems, "MCPRegistry is valid", s.registry.Generation)
	if problem != "" {
		return ctrl.Result{}, reconcile.TerminalError(errors.New(problem))
	}
	return ctrl.Result{}, nil
}

// registryConfigProblem says what is wrong with a configYAML ("" when it is a mapping).
func registryConfigProblem(configYAML string) string {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(configYAML), &m); err != nil {
		return "spec.configYAML: not a YAML mapping: " + err.Error()
	}
	if len(m) == 0 {
		return "spec.configYAML: empty configuration"
	}
	return ""
}

// renderChildren computes the values, renders the chart and merges podTemplateSpec.
func (r *MCPRegistryReconciler) renderChildren(_ context.Context, s *registryScope) (ctrl.Result, error) {
	v, err := buildRegistryValues(s.registry, r.Options.RegistryAPIImage)
	if err != nil {
		return ctrl.Result{}, reconcile.TerminalError(err)
	}
	objs, err := r.Options.Renderer.Render(registryGK, render.Release{Name: s.registry.Name, Namespace: s.registry.Namespace}, v)
	if err != nil {
		return ctrl.Result{}, err
	}
	var patch []byte
	if p := s.registry.Spec.PodTemplateSpec; p != nil {
		patch = p.Raw
	}
	mergeErr := render.MergePodTemplate(render.Find(objs, "Deployment", s.registry.Name+"-api"), patch)
	setPodTemplateCondition(&s.registry.Status.Conditions, mergeErr, s.registry.Generation)
	if mergeErr != nil {
		return ctrl.Result{}, reconcile.TerminalError(mergeErr)
	}
	s.objects = objs
	return ctrl.Result{}, nil
}

// applyChildren applies the rendered children and prunes stale ones.
func (r *MCPRegistryReconciler) applyChildren(ctx context.Context, s *registryScope) (ctrl.Result, error) {
	_, err := r.Options.Applier.Apply(ctx, s.registry, s.objects, registryPruneKinds)
	setApplyCondition(&s.registry.Status.Conditions, err, s.registry.Generation)
	return ctrl.Result{}, err
}

// observe reads the Deployment into status.
func (r *MCPRegistryReconciler) observe(ctx context.Context, s *registryScope) (ctrl.Result, error) {
	d := &appsv1.Deployment{}
	name := s.registry.Name + "-api"
	if err := r.Get(ctx, types.NamespacedName{Namespace: s.registry.Namespace, Name: name}, d); err != nil {
		if !apierrors.IsNotFound(err) {
			return ctrl.Result{}, fmt.Errorf("reading Deployment %s: %w", name, err)
		}
		d = nil
	}
	st := &s.registry.Status
	st.URL = fmt.Sprintf("http://%s.%s.svc.cluster.local:%d", name, s.registry.Namespace, registryAPIPort)
	ready := int32(0)
	if d != nil {
		ready = d.Status.ReadyReplicas
	}
	st.ReadyReplicas = &ready
	setRegistryReadyCondition(&st.Conditions, d, s.registry.Generation)
	return ctrl.Result{}, nil
}

// buildRegistryValues turns the spec into chart values (pure).
func buildRegistryValues(reg *v1alpha1.MCPRegistry, image string) (helmcharts.MCPRegistryValues, error) {
	spec := reg.Spec
	v := helmcharts.MCPRegistryValues{Image: orDefault(image, DefaultRegistryAPIImage), Port: registryAPIPort, Config: spec.ConfigYAML,
		ConfigHash: render.Hash(spec.ConfigYAML), DisplayName: spec.DisplayName}
	for _, s := range spec.ImagePullSecrets {
		v.ImagePullSecrets = append(v.ImagePullSecrets, corev1.LocalObjectReference{Name: s.Name})
	}
	if ref := spec.PgpassSecretRef; ref != nil {
		v.PgpassSecret, v.PgpassKey = ref.Name, ref.Key
	}
	var err error
	if v.Volumes, err = rawObjects("spec.volumes", spec.Volumes); err != nil {
		return v, err
	}
	if v.VolumeMounts, err = rawObjects("spec.volumeMounts", spec.VolumeMounts); err != nil {
		return v, err
	}
	return v, nil
}

func rawObjects[T interface{ MarshalJSON() ([]byte, error) }](field string, in []T) ([]map[string]any, error) {
	var out []map[string]any
	for i, r := range in {
		b, err := r.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s[%d]: want an object: %w", field, i, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// setRegistryReadyCondition derives Ready from the registry API Deployment.
func setRegistryReadyCondition(conds *[]metav1.Condition, d *appsv1.Deployment, gen int64) {
	t := v1alpha1.ConditionReady
	switch {
	case d == nil:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonPending, "waiting for the registry API Deployment to be created"), gen)
	case d.Status.ReadyReplicas < 1:
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNotReady, fmt.Sprintf("Deployment %s has no ready replica (the registry server may still be syncing its sources)", d.Name)), gen)
	default:
		conditions.Set(conds, conditions.True(t, v1alpha1.ReasonReady, fmt.Sprintf("%d replica(s) ready", d.Status.ReadyReplicas)), gen)
	}
}

var registryPhaseRules = []conditions.Rule{
	{Type: v1alpha1.ConditionValid, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)},
	{Type: v1alpha1.ConditionPodTemplateValid, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhaseFailed)},
	{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Phase: string(v1alpha1.PhaseReady)},
	{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse, Phase: string(v1alpha1.PhasePending)},
}

// setRegistryPhase derives phase and message from the conditions.
func setRegistryPhase(r *v1alpha1.MCPRegistry) {
	phase, msg := conditions.Derive(r.Status.Conditions, registryPhaseRules, string(v1alpha1.PhasePending))
	r.Status.Phase, r.Status.Message = phase, msg
}
