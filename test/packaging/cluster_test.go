package packaging

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

const k8sAssets = "bin/k8s/1.34.4-linux-amd64"

// controlPlane is a running kube-apiserver + etcd with a client and a kubeconfig file
// (for helm) of a cluster admin.
type controlPlane struct {
	client     client.Client
	kubeconfig string
}

// startControlPlane starts envtest with no CRDs (the tests install them from the chart).
// Missing binaries fail the test: `make tools` installs them.
func startControlPlane(t *testing.T) controlPlane {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Setenv("KUBEBUILDER_ASSETS", path(k8sAssets))
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), bin)); err != nil {
			t.Fatalf("envtest binary missing (run 'make tools'): %v", err)
		}
	}
	env := &envtest.Environment{}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting envtest: %v", err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Logf("stopping envtest: %v", err)
		}
	})
	admin, err := env.AddUser(envtest.User{Name: "packaging-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := admin.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, kc, 0o600); err != nil {
		t.Fatal(err)
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	return controlPlane{client: c, kubeconfig: kubeconfig}
}

// apply server-side applies obj with strict field validation; dryRun asks the server to
// validate and admit it without storing it.
func (cp controlPlane) apply(obj *unstructured.Unstructured, dryRun bool) error {
	opts := []client.PatchOption{client.ForceOwnership, client.FieldOwner("packaging-test"), client.FieldValidation("Strict")}
	if dryRun {
		opts = append(opts, client.DryRunAll)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	//nolint:staticcheck // client.Apply with unstructured objects is what we need here.
	return cp.client.Patch(ctx, obj.DeepCopy(), client.Apply, opts...)
}

// ensureNamespaces creates (for real) every namespace the objects live in.
func (cp controlPlane) ensureNamespaces(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	seen := map[string]bool{}
	for _, o := range objs {
		ns := o.GetNamespace()
		if o.GetKind() == "Namespace" {
			ns = o.GetName()
		}
		if ns == "" || seen[ns] {
			continue
		}
		seen[ns] = true
		n := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
		if err := cp.apply(n, false); err != nil {
			t.Fatalf("creating namespace %s: %v", ns, err)
		}
	}
}

// dryRunAll dry-runs every object, reporting each rejection.
func (cp controlPlane) dryRunAll(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	if len(objs) == 0 {
		t.Fatal("nothing to dry-run")
	}
	cp.ensureNamespaces(t, objs)
	for _, o := range objs {
		if err := cp.apply(o, true); err != nil {
			t.Errorf("server rejects %s %s/%s: %v", o.GetKind(), o.GetNamespace(), o.GetName(), err)
		}
	}
}

// helm runs bin/helm against the control plane.
func (cp controlPlane) helm(t *testing.T, args ...string) string {
	t.Helper()
	env := append(helmEnv(t), "KUBECONFIG="+cp.kubeconfig)
	return run(t, env, optionalTool(t, "helm"), args...)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s (last error: %v)", what, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func crdEstablished(ctx context.Context, c client.Client, name string) (bool, error) {
	var crd apiextensionsv1.CustomResourceDefinition
	if err := c.Get(ctx, types.NamespacedName{Name: name}, &crd); err != nil {
		return false, err
	}
	for _, cond := range crd.Status.Conditions {
		if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
			return true, nil
		}
	}
	return false, fmt.Errorf("%s not established yet", name)
}

// TestCluster installs and upgrades both charts with helm against a real kube-apiserver
// and server-side dry-runs (strict field validation) everything the packaging renders:
// both charts with every value set, config/default, config/samples and the bundle.
// The steps share one control plane and depend on each other in order.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a kube-apiserver and etcd (envtest); skipped under -short")
	}
	optionalTool(t, "helm")
	cp := startControlPlane(t)
	ctx := context.Background()
	crdNames := map[string]bool{}
	for _, crd := range readObjects(t, "config/crd/bases/*.yaml") {
		crdNames[crd.GetName()] = true
	}

	ok := t.Run("helm install CRD chart", func(t *testing.T) {
		cp.helm(t, "install", "mcp-operator-crds", path("helm-charts/mcp-operator-crds"),
			"--namespace", releaseNamespace, "--create-namespace")
		for name := range crdNames {
			waitFor(t, "CRD "+name, func() (bool, error) { return crdEstablished(ctx, cp.client, name) })
		}
	})
	if !ok {
		t.FailNow()
	}

	t.Run("helm upgrade CRD chart updates the CRDs", func(t *testing.T) {
		cp.helm(t, append([]string{"upgrade", "mcp-operator-crds", path("helm-charts/mcp-operator-crds"),
			"--namespace", releaseNamespace}, valuesFile(t, "labels: {upgraded: \"yes\"}")...)...)
		for name := range crdNames {
			var crd apiextensionsv1.CustomResourceDefinition
			if err := cp.client.Get(ctx, types.NamespacedName{Name: name}, &crd); err != nil {
				t.Fatal(err)
			}
			if crd.Labels["upgraded"] != "yes" || crd.Annotations["helm.sh/resource-policy"] != "keep" {
				t.Errorf("%s after upgrade: labels %v, annotations %v; want label upgraded=yes and resource-policy keep", name, crd.Labels, crd.Annotations)
			}
		}
	})

	for name, tc := range chartCases {
		t.Run("dry-run helm template "+name, func(t *testing.T) {
			cp.dryRunAll(t, helmTemplate(t, tc.chart, releaseNamespace, tc.values))
		})
	}

	t.Run("helm install then upgrade operator chart to namespace-scoped", func(t *testing.T) {
		chart := path("helm-charts/mcp-operator")
		cp.helm(t, "install", "mcp-operator", chart, "--namespace", releaseNamespace)
		var deploy unstructured.Unstructured
		deploy.SetAPIVersion("apps/v1")
		deploy.SetKind("Deployment")
		if err := cp.client.Get(ctx, types.NamespacedName{Namespace: releaseNamespace, Name: "mcp-operator"}, &deploy); err != nil {
			t.Fatalf("Deployment after helm install: %v", err)
		}
		clusterRole := func() error {
			var cr unstructured.Unstructured
			cr.SetAPIVersion("rbac.authorization.k8s.io/v1")
			cr.SetKind("ClusterRole")
			return cp.client.Get(ctx, types.NamespacedName{Name: "mcp-operator-manager"}, &cr)
		}
		if err := clusterRole(); err != nil {
			t.Fatalf("ClusterRole after helm install: %v", err)
		}

		cp.ensureNamespaces(t, []*unstructured.Unstructured{{Object: map[string]any{"kind": "Namespace", "metadata": map[string]any{"name": "team-a"}}}})
		cp.helm(t, append([]string{"upgrade", "mcp-operator", chart, "--namespace", releaseNamespace}, valuesFile(t, "watchNamespace: team-a")...)...)
		if err := clusterRole(); !apierrors.IsNotFound(err) {
			t.Errorf("after upgrading to watchNamespace the ClusterRole should be gone, got %v", err)
		}
		var role unstructured.Unstructured
		role.SetAPIVersion("rbac.authorization.k8s.io/v1")
		role.SetKind("Role")
		if err := cp.client.Get(ctx, types.NamespacedName{Namespace: "team-a", Name: "mcp-operator-manager"}, &role); err != nil {
			t.Errorf("Role in team-a after upgrade: %v", err)
		}
	})

	t.Run("dry-run kustomize config/default", func(t *testing.T) {
		cp.dryRunAll(t, kustomizeBuild(t, "default"))
	})

	t.Run("dry-run config/samples", func(t *testing.T) {
		samples := kustomizeBuild(t, "samples")
		for _, s := range samples {
			s.SetNamespace("samples")
		}
		cp.dryRunAll(t, samples)
	})

	t.Run("dry-run bundle manifests", func(t *testing.T) {
		var objs []*unstructured.Unstructured
		for _, o := range readObjects(t, "bundle/manifests/*.yaml") {
			switch o.GetKind() {
			case "ClusterServiceVersion":
				continue // needs OLM's CRDs
			case "Service":
				o.SetNamespace(releaseNamespace)
			}
			objs = append(objs, o)
		}
		cp.dryRunAll(t, objs)
	})
}
