// Package upgrade proves on a real kube-apiserver and etcd (envtest) that objects
// stored as v1alpha1 by the previous release's CRDs keep working once the current
// CRDs, which store v1beta1, are installed over them: they are read under both
// versions with their content intact, and they can be updated. The suite skips
// under -short.
package upgrade

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"
)

const group = "toolhive.stacklok.dev"

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("test/crd/upgrade: skipping envtest suite under -short")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestStoredV1alpha1SurvivesUpgrade stores every valid manifest of test/crd under
// the previous CRDs, upgrades the CRDs and reads and updates each object again.
func TestStoredV1alpha1SurvivesUpgrade(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Setenv("KUBEBUILDER_ASSETS", filepath.Join(root, "bin", "k8s", "1.34.4-linux-amd64"))
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("testdata", "previous-crds")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting envtest (run 'make tools'): %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	dyn := dynamic.NewForConfigOrDie(cfg)
	kube := kubernetes.NewForConfigOrDie(cfg)
	ctx := context.Background()
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "upgrade"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// 1. The previous release stores v1alpha1.
	objs := loadValid(t, root)
	before := map[string]*unstructured.Unstructured{}
	for _, o := range objs {
		got, err := create(ctx, dyn, env, o, "v1alpha1")
		if err != nil {
			t.Fatalf("previous CRDs refuse %s %s: %v", o.GetKind(), o.GetName(), err)
		}
		before[key(o)] = got
	}

	// 2. Upgrade: the current CRDs are installed over the previous ones.
	opts := &envtest.CRDInstallOptions{Paths: []string{filepath.Join(root, "config", "crd", "bases")}, ErrorIfPathMissing: true}
	if err := envtest.ReadCRDFiles(opts); err != nil {
		t.Fatal(err)
	}
	current := opts.CRDs
	if err := upgradeCRDs(ctx, cfg, current); err != nil {
		t.Fatalf("upgrading the CRDs: %v", err)
	}
	checkStorage(ctx, t, cfg, env.CRDs)

	// 3. Every stored object reads back unchanged under both versions and can be updated.
	for _, o := range objs {
		t.Run(o.GetKind()+"/"+o.GetName(), func(t *testing.T) {
			for _, v := range []string{"v1beta1", "v1alpha1"} {
				got, err := resource(dyn, env, o.GetKind(), v).Get(ctx, o.GetName(), metav1.GetOptions{})
				if err != nil {
					t.Fatalf("get %s: %v", v, err)
				}
				// New defaults may appear on read (structural defaulting); everything stored
				// before must read back unchanged.
				if lost := changed("spec", before[key(o)].Object["spec"], got.Object["spec"]); len(lost) > 0 {
					t.Fatalf("read as %s, stored fields changed or vanished: %v", v, lost)
				}
			}
			res := resource(dyn, env, o.GetKind(), "v1beta1")
			got, err := res.Get(ctx, o.GetName(), metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got.SetLabels(map[string]string{"upgraded": "yes"})
			if _, err := res.Update(ctx, got, metav1.UpdateOptions{FieldValidation: "Strict"}); err != nil {
				t.Fatalf("update as v1beta1 after the upgrade: %v", err)
			}
			old, err := resource(dyn, env, o.GetKind(), "v1alpha1").Get(ctx, o.GetName(), metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if old.GetLabels()["upgraded"] != "yes" {
				t.Fatalf("update through v1beta1 not visible through v1alpha1: labels %v", old.GetLabels())
			}
			old.SetAnnotations(map[string]string{"still": "v1alpha1"})
			if _, err := resource(dyn, env, o.GetKind(), "v1alpha1").Update(ctx, old, metav1.UpdateOptions{FieldValidation: "Strict"}); err != nil {
				t.Fatalf("update as v1alpha1 after the upgrade: %v", err)
			}
		})
	}
}

// upgradeCRDs replaces each installed CRD's spec with the current one, as
// `kubectl apply` of the new CRDs (or `helm upgrade` of the CRD chart) does.
func upgradeCRDs(ctx context.Context, cfg *rest.Config, crds []*apiextensionsv1.CustomResourceDefinition) error {
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		return err
	}
	if err := apiextensionsv1.AddToScheme(c.Scheme()); err != nil {
		return err
	}
	for _, crd := range crds {
		existing := &apiextensionsv1.CustomResourceDefinition{}
		err := c.Get(ctx, client.ObjectKey{Name: crd.Name}, existing)
		switch {
		case err == nil:
			existing.Spec = crd.Spec
			if err := c.Update(ctx, existing); err != nil {
				return fmt.Errorf("update CRD %s: %w", crd.Name, err)
			}
		case client.IgnoreNotFound(err) == nil:
			if err := c.Create(ctx, crd.DeepCopy()); err != nil {
				return fmt.Errorf("create CRD %s: %w", crd.Name, err)
			}
		default:
			return err
		}
	}
	return envtest.WaitForCRDs(cfg, crds, envtest.CRDInstallOptions{MaxTime: 30 * time.Second, PollInterval: 100 * time.Millisecond})
}

// checkStorage checks that each upgraded CRD (crds: the previous ones) now stores v1beta1 and still records
// v1alpha1 among its stored versions (the objects written before the upgrade).
func checkStorage(ctx context.Context, t *testing.T, cfg *rest.Config, crds []*apiextensionsv1.CustomResourceDefinition) {
	t.Helper()
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = apiextensionsv1.AddToScheme(c.Scheme())
	for _, want := range crds {
		got := &apiextensionsv1.CustomResourceDefinition{}
		if err := c.Get(ctx, client.ObjectKey{Name: want.Name}, got); err != nil {
			t.Fatal(err)
		}
		storage := ""
		for _, v := range got.Spec.Versions {
			if v.Storage {
				storage = v.Name
			}
		}
		if len(got.Spec.Versions) == 2 && storage != "v1beta1" {
			t.Errorf("%s stores %s after the upgrade, want v1beta1", want.Name, storage)
		}
		if len(got.Spec.Versions) == 2 && !slices.Contains(got.Status.StoredVersions, "v1alpha1") {
			t.Errorf("%s storedVersions %v lost v1alpha1 (objects written before the upgrade)", want.Name, got.Status.StoredVersions)
		}
	}
}

func loadValid(t *testing.T, root string) []*unstructured.Unstructured {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "test", "crd", "testdata", "valid", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in test/crd/testdata/valid: %v", err)
	}
	sort.Strings(files)
	var out []*unstructured.Unstructured
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(data, &u.Object); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		u.SetNamespace("upgrade")
		out = append(out, u)
	}
	return out
}

func create(ctx context.Context, dyn dynamic.Interface, env *envtest.Environment, o *unstructured.Unstructured, version string) (*unstructured.Unstructured, error) {
	u := o.DeepCopy()
	u.SetAPIVersion(group + "/" + version)
	body, err := json.Marshal(u.Object)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, &u.Object); err != nil {
		return nil, err
	}
	return resource(dyn, env, o.GetKind(), version).Create(ctx, u, metav1.CreateOptions{FieldValidation: "Strict"})
}

func resource(dyn dynamic.Interface, env *envtest.Environment, kind, version string) dynamic.ResourceInterface {
	plural := ""
	for _, crd := range env.CRDs {
		if crd.Spec.Names.Kind == kind {
			plural = crd.Spec.Names.Plural
		}
	}
	return dyn.Resource(schema.GroupVersionResource{Group: group, Version: version, Resource: plural}).Namespace("upgrade")
}

// changed lists the paths of before whose value differs in after or is missing there;
// fields only after has are ignored.
func changed(path string, before, after any) []string {
	bm, ok := before.(map[string]any)
	if !ok {
		if !cmp.Equal(before, after) {
			return []string{fmt.Sprintf("%s: %v -> %v", path, before, after)}
		}
		return nil
	}
	am, ok := after.(map[string]any)
	if !ok {
		return []string{path + ": no longer an object"}
	}
	var out []string
	for k, v := range bm {
		out = append(out, changed(path+"."+k, v, am[k])...)
	}
	return out
}

func key(o *unstructured.Unstructured) string { return o.GetKind() + "/" + o.GetName() }
