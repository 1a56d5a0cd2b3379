package controllers

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	libpredicate "github.com/operator-framework/operator-lib/predicate"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/ssrf"
)

// The manager's --metrics-secure check (internal/metricsauth) asks the API server who a
// scraper is and whether it may get /metrics.
// +kubebuilder:rbac:groups=authentication.k8s.io,resources=tokenreviews,verbs=create
// +kubebuilder:rbac:groups=authorization.k8s.io,resources=subjectaccessreviews,verbs=create

// PauseAnnotation on a resource stops its reconciliation while it is "true".
const PauseAnnotation = "toolhive.stacklok.dev/paused"

// Options are what every reconciler shares.
type Options struct {
	// Renderer renders the charts of watches.yaml.
	Renderer *render.Renderer
	// Applier applies rendered children; Setup creates one when nil.
	Applier *render.Applier
	// ProxyRunnerImage (PROXY_RUNNER_IMAGE) runs in every proxy Deployment.
	ProxyRunnerImage string
	// VMCPImage (VMCP_IMAGE) runs in every VirtualMCPServer Deployment.
	VMCPImage string
	// RegistryAPIImage (REGISTRY_API_IMAGE) runs in every MCPRegistry Deployment.
	RegistryAPIImage string
	// AllowLoopbackEndpoints admits loopback remote URLs (development and tests only).
	AllowLoopbackEndpoints bool
	// AllowStdioBackends lets spec.config.backends of a VirtualMCPServer list stdio
	// commands, which the vmcp pod would run (operator flag --allow-stdio-backends).
	AllowStdioBackends bool
	// Resolver looks remote URL host names up for the SSRF check (nil = the system
	// resolver); tests set one they control.
	Resolver ssrf.Resolver
	// OperandEnv is added to every operand container (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).
	OperandEnv []corev1.EnvVar
	// MaxConcurrentReconciles per controller; 0 means 4.
	MaxConcurrentReconciles int
	// ReferenceRecheckInterval is how often a resource whose Secret or ConfigMap
	// reference is missing is checked again (those kinds are not watched); 0 means
	// DefaultReferenceRecheckInterval.
	ReferenceRecheckInterval time.Duration
}

// DefaultReferenceRecheckInterval is the default Options.ReferenceRecheckInterval.
const DefaultReferenceRecheckInterval = 30 * time.Second

// recheckAfter asks for a timed re-check while a reference that is not watched is missing.
func (o *Options) recheckAfter(missing bool) ctrl.Result {
	if !missing {
		return ctrl.Result{}
	}
	if o.ReferenceRecheckInterval > 0 {
		return ctrl.Result{RequeueAfter: o.ReferenceRecheckInterval}
	}
	return ctrl.Result{RequeueAfter: DefaultReferenceRecheckInterval}
}

// ssrfPolicy returns the SSRF policy for a resource's allowPrivateEndpoint.
func (o *Options) ssrfPolicy(allowPrivate bool) ssrf.Policy {
	return ssrf.Policy{AllowPrivate: allowPrivate, AllowLoopback: o.AllowLoopbackEndpoints}
}

// checkURL applies the SSRF rules to a remote URL, looking its host name up too.
func (o *Options) checkURL(ctx context.Context, raw string, allowPrivate bool) error {
	var r ssrf.Resolver = net.DefaultResolver
	if o.Resolver != nil {
		r = o.Resolver
	}
	return ssrf.CheckResolved(ctx, raw, o.ssrfPolicy(allowPrivate), r)
}

func (o *Options) workers() int {
	if o.MaxConcurrentReconciles <= 0 {
		return 4
	}
	return o.MaxConcurrentReconciles
}

// NewScheme returns a scheme with the built-in kinds and the toolhive API.
func NewScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		panic(err)
	}
	return s
}

// ChildKinds are the child object types the charts render; the cache holds only the
// ones labelled as managed by the operator.
func ChildKinds() []client.Object {
	return []client.Object{
		&appsv1.Deployment{}, &appsv1.StatefulSet{}, &corev1.Service{}, &corev1.ServiceAccount{},
		&corev1.ConfigMap{}, &rbacv1.Role{}, &rbacv1.RoleBinding{}, &networkingv1.NetworkPolicy{},
	}
}

// CacheOptions limits the manager's cache to the given namespaces (all when empty) and
// child kinds to objects the operator manages, so memory does not grow with the
// cluster's unrelated Deployments, Services and ConfigMaps.
func CacheOptions(namespaces []string) cache.Options {
	sel := labels.SelectorFromSet(render.ManagedSelector())
	// Managed fields are large (server-side apply) and never read: drop them from the cache,
	// and share the metadata strings that repeat (compactMetadata).
	o := cache.Options{ByObject: map[client.Object]cache.ByObject{}, DefaultTransform: compactMetadata()}
	for _, k := range ChildKinds() {
		o.ByObject[k] = cache.ByObject{Label: sel}
	}
	// MCP server pods (not children: their StatefulSet owns them) are watched so a pod
	// that cannot start is reported without polling; only their status is kept.
	o.ByObject[&corev1.Pod{}] = cache.ByObject{Label: labels.SelectorFromSet(mcpServerPodLabels), Transform: podStatusOnly}
	if len(namespaces) > 0 {
		o.DefaultNamespaces = map[string]cache.Config{}
		for _, ns := range namespaces {
			o.DefaultNamespaces[ns] = cache.Config{}
		}
	}
	return o
}

// mcpServerPodLabels select the MCP server pods of the mcpserver chart's StatefulSet.
var mcpServerPodLabels = map[string]string{"toolhive": "true", render.LabelComponent: "mcp"}

// podStatusOnly keeps a cached pod's name, labels and status: the Ready condition reads
// container states, never the spec.
func podStatusOnly(obj any) (any, error) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return obj, nil
	}
	return &corev1.Pod{TypeMeta: pod.TypeMeta, ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace,
		UID: pod.UID, ResourceVersion: pod.ResourceVersion, Labels: pod.Labels}, Status: pod.Status}, nil
}

// ClientOptions makes Secrets bypass the cache: the operator reads few of them, only to
// validate references, and must not hold every Secret of the cluster in memory.
func ClientOptions() client.Options {
	return client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}}
}

// pausePredicate skips resources annotated with PauseAnnotation=true.
func pausePredicate() predicate.Predicate {
	p, err := libpredicate.NewPause[client.Object](PauseAnnotation)
	if err != nil {
		panic(fmt.Sprintf("pause predicate: %v", err))
	}
	return p
}

// NewApplier returns the Applier of mgr's children: it reads the manager's cache and
// prunes through an OwnerIndex of every child kind.
func NewApplier(ctx context.Context, mgr ctrl.Manager) (*render.Applier, error) {
	owners, err := render.WatchOwners(ctx, mgr.GetCache(), mgr.GetScheme(), ChildKinds())
	if err != nil {
		return nil, err
	}
	return &render.Applier{Client: mgr.GetClient(), Owners: owners}, nil
}

// Setup registers the field indexes and every reconciler of this package with mgr.
func Setup(ctx context.Context, mgr ctrl.Manager, opts Options) error {
	if opts.Applier == nil {
		a, err := NewApplier(ctx, mgr)
		if err != nil {
			return err
		}
		opts.Applier = a
	}
	if err := SetupIndexes(ctx, mgr); err != nil {
		return err
	}
	reconcilers := []interface {
		SetupWithManager(ctrl.Manager) error
	}{
		&MCPServerReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorderFor("mcpserver-controller"), Options: &opts},
		&MCPRemoteProxyReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorderFor("mcpremoteproxy-controller"), Options: &opts},
		&MCPServerEntryReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorderFor("mcpserverentry-controller"), Options: &opts},
		&MCPGroupReconciler{Client: mgr.GetClient(), Options: &opts},
		&EmbeddingServerReconciler{Client: mgr.GetClient(), Options: &opts},
		&MCPRegistryReconciler{Client: mgr.GetClient(), Options: &opts},
		&VirtualMCPServerReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorderFor("virtualmcpserver-controller"), Options: &opts},
		&VirtualMCPCompositeToolDefinitionReconciler{Client: mgr.GetClient(), Options: &opts},
	}
	for _, k := range referencedKinds() {
		reconcilers = append(reconcilers, &ReferencedConfigReconciler{Client: mgr.GetClient(), Recorder: mgr.GetEventRecorderFor(k.recorderName()), Options: &opts, Kind: k})
	}
	for _, k := range sharedKinds() {
		reconcilers = append(reconcilers, &SharedConfigReconciler{Client: mgr.GetClient(), Recorder: mgr.GetEventRecorderFor(strings.ToLower(k.name) + "-controller"), Options: &opts, Kind: k})
	}
	for _, r := range reconcilers {
		if err := r.SetupWithManager(mgr); err != nil {
			return fmt.Errorf("setup %T: %w", r, err)
		}
	}
	return nil
}
