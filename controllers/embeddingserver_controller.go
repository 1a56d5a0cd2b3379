package controllers

import (
	"context"
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

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
)

// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=embeddingservers,verbs=get;list;watch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=embeddingservers/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=toolhive.stacklok.dev,resources=embeddingservers/finalizers,verbs=update
// +kubebuilder:rbac:groups=apps,resources=statefulsets,verbs=get;list;watch;create;update;patch;delete

// EmbeddingServerReconciler renders an EmbeddingServer's StatefulSet and
// Service (chart helm-charts/embeddingserver) and reports phase, url and
// readyReplicas.
type EmbeddingServerReconciler struct {
	client.Client
	Options *Options
}

// embeddingScope is what one reconcile of an EmbeddingServer knows.
type embeddingScope struct {
	// server is the loaded object; its status is written by the phases.
	server *v1alpha1.EmbeddingServer
	// objects are the rendered children, filled by renderChildren.
	objects []*unstructured.Unstructured
}

var (
	embeddingGK         = schema.GroupKind{Group: v1alpha1.GroupVersion.Group, Kind: "EmbeddingServer"}
	embeddingPruneKinds = gvks(&appsv1.StatefulSet{}, &corev1.Service{})
)

// SetupWithManager watches EmbeddingServers and their children.
func (r *EmbeddingServerReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.EmbeddingServer{}, builder.WithPredicates(specOrMetadataChanged(), pausePredicate())).
		Owns(&appsv1.StatefulSet{}).Owns(&corev1.Service{}).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.workers()}).
		Complete(r)
}

// Reconcile renders, applies and observes the server, writing the status once.
func (r *EmbeddingServerReconciler) Reconcile(ctx context.Context, req ctrl.Request) (res ctrl.Result, err error) {
	server := &v1alpha1.EmbeddingServer{}
	if err := r.Get(ctx, req.NamespacedName, server); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(server) || !server.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	orig := server.DeepCopy()
	defer func() { err = finishStatus(ctx, r.Client, nil, orig, server, embeddingStatusRules, err) }()
	return runPhases(ctx, &embeddingScope{server: server}, r.renderChildren, r.applyChildren, r.observe)
}

// embeddingStatusRules: phase from embeddingPhaseRules (no Warning events, as before).
var embeddingStatusRules = statusRules[*v1alpha1.EmbeddingServer]{
	status: func(e *v1alpha1.EmbeddingServer) (any, *[]metav1.Condition, *int64) {
		return *e.Status.DeepCopy(), &e.Status.Conditions, &e.Status.ObservedGeneration
	},
	phase: setEmbeddingPhase,
}

// renderChildren computes the values and renders the chart.
func (r *EmbeddingServerReconciler) renderChildren(_ context.Context, s *embeddingScope) (ctrl.Result, error) {
	var err error
	s.objects, err = r.Options.renderPodWorkload(embeddingGK, s.server, &s.server.Status.Conditions, buildEmbeddingValues(s.server), "StatefulSet", s.server.Spec.PodTemplateSpec)
	return ctrl.Result{}, err
}

// applyChildren applies the rendered children and prunes stale ones.
func (r *EmbeddingServerReconciler) applyChildren(ctx context.Context, s *embeddingScope) (ctrl.Result, error) {
	_, err := r.Options.applyChildren(ctx, s.server, &s.server.Status.Conditions, s.objects, embeddingPruneKinds)
	return ctrl.Result{}, err
}

// observe reads the StatefulSet into status.
func (r *EmbeddingServerReconciler) observe(ctx context.Context, s *embeddingScope) (ctrl.Result, error) {
	sts := &appsv1.StatefulSet{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: s.server.Namespace, Name: s.server.Name}, sts); err != nil {
		if !apierrors.IsNotFound(err) {
			return ctrl.Result{}, fmt.Errorf("reading StatefulSet %s: %w", s.server.Name, err)
		}
		sts = nil
	}
	s.server.Status.URL = s.server.ServiceURL()
	s.server.Status.ReadyReplicas = 0
	if sts != nil {
		s.server.Status.ReadyReplicas = sts.Status.ReadyReplicas
	}
	setEmbeddingReadyCondition(&s.server.Status.Conditions, sts, s.server.Generation)
	return ctrl.Result{}, nil
}

// buildEmbeddingValues turns the spec into chart values (pure).
func buildEmbeddingValues(e *v1alpha1.EmbeddingServer) helmcharts.EmbeddingServerValues {
	spec := e.Spec
	v := helmcharts.EmbeddingServerValues{
		Image: orDefault(spec.Image, v1alpha1.DefaultEmbeddingImage), Model: orDefault(spec.Model, v1alpha1.DefaultEmbeddingModel),
		ImagePullPolicy: orDefault(string(spec.ImagePullPolicy), string(corev1.PullIfNotPresent)),
		Port:            e.PortOrDefault(), Replicas: 1, Args: spec.Args,
	}
	if spec.Replicas != nil {
		v.Replicas = *spec.Replicas
	}
	for _, env := range spec.Env {
		v.Env = append(v.Env, corev1.EnvVar{Name: env.Name, Value: env.Value})
	}
	if spec.Resources != nil {
		v.Resources = *spec.Resources
	}
	if ref := spec.HFTokenSecretRef; ref != nil {
		v.HFTokenSecret, v.HFTokenKey = ref.Name, ref.Key
	}
	if mc := spec.ModelCache; mc != nil && (mc.Enabled == nil || *mc.Enabled) {
		v.ModelCache = helmcharts.EmbeddingModelCache{Enabled: true, Size: orDefault(mc.Size, "10Gi"),
			AccessMode: orDefault(string(mc.AccessMode), string(corev1.ReadWriteOnce))}
		if mc.StorageClassName != nil {
			v.ModelCache.StorageClassName = *mc.StorageClassName
		}
	}
	if o := spec.ResourceOverrides; o != nil {
		if o.StatefulSet != nil {
			v.Overrides.StatefulSet = metadataValues(&o.StatefulSet.MetadataOverrides)
			v.Overrides.PodTemplate = metadataValues(o.StatefulSet.PodTemplateMetadataOverrides)
		}
		v.Overrides.Service = metadataValues(o.Service)
		v.Overrides.PersistentVolumeClaim = metadataValues(o.PersistentVolumeClaim)
	}
	return v
}

func metadataValues(m *v1alpha1.MetadataOverrides) helmcharts.MetadataValues {
	if m == nil {
		return helmcharts.MetadataValues{}
	}
	return helmcharts.MetadataValues{Labels: m.Labels, Annotations: m.Annotations}
}
