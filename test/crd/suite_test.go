package crd

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// The shared control plane of this package, started once in TestMain.
var (
	testEnv  *envtest.Environment
	dyn      dynamic.Interface
	kube     kubernetes.Interface
	repoRoot string
)

const k8sVersionDir = "bin/k8s/1.34.4-linux-amd64"

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("test/crd: skipping envtest suite under -short")
		os.Exit(0)
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if repoRoot, err = filepath.Abs(filepath.Join("..", "..")); err != nil {
		return fail(err)
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		os.Setenv("KUBEBUILDER_ASSETS", filepath.Join(repoRoot, k8sVersionDir))
	}
	for _, bin := range []string{"kube-apiserver", "etcd", "kubectl"} {
		if _, err := os.Stat(filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), bin)); err != nil {
			return fail(fmt.Errorf("envtest binary missing (run 'make tools'): %w", err))
		}
	}
	testEnv = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(repoRoot, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := testEnv.Start()
	if err != nil {
		return fail(fmt.Errorf("starting envtest: %w", err))
	}
	defer func() {
		if err := testEnv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "test/crd: stopping envtest:", err)
		}
	}()
	if len(testEnv.CRDs) != len(plurals) {
		return fail(fmt.Errorf("expected %d CRDs in config/crd/bases, installed %d (run 'make manifests')", len(plurals), len(testEnv.CRDs)))
	}
	if dyn, err = dynamic.NewForConfig(cfg); err != nil {
		return fail(err)
	}
	if kube, err = kubernetes.NewForConfig(cfg); err != nil {
		return fail(err)
	}
	if err := waitForDiscovery(); err != nil {
		return fail(err)
	}
	return m.Run()
}

// waitForDiscovery waits until both served versions list all eight resources:
// envtest returns once the CRDs are established, but discovery (which kubectl
// uses) may publish the second version a moment later.
func waitForDiscovery() error {
	deadline := time.Now().Add(30 * time.Second)
	for _, gv := range []string{"toolhive.stacklok.dev/v1alpha1", "toolhive.stacklok.dev/v1beta1"} {
		for {
			list, err := kube.Discovery().ServerResourcesForGroupVersion(gv)
			want := 2 * len(plurals) // each resource and its status
			if strings.HasSuffix(gv, "v1beta1") {
				want -= 2 * len(v1alpha1Only)
			}
			if err == nil && len(list.APIResources) >= want {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("discovery of %s incomplete after 30s: %v", gv, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return waitForOpenAPI(deadline)
}

// waitForOpenAPI waits until the OpenAPI v3 document of each version (what
// kubectl explain reads; published asynchronously) describes all eight kinds.
func waitForOpenAPI(deadline time.Time) error {
	for _, version := range []string{"v1alpha1", "v1beta1"} {
		path := "apis/toolhive.stacklok.dev/" + version
		for {
			missing, err := openAPIMissingKinds(path, version)
			if err == nil && missing == "" {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("OpenAPI v3 of %s incomplete after 30s (missing %q): %v", path, missing, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return nil
}

// openAPIMissingKinds returns the first kind not yet in the OpenAPI v3 document at path.
func openAPIMissingKinds(path, version string) (string, error) {
	paths, err := kube.Discovery().OpenAPIV3().Paths()
	if err != nil {
		return "", err
	}
	gv, ok := paths[path]
	if !ok {
		return path, nil
	}
	doc, err := gv.Schema("application/json")
	if err != nil {
		return "", err
	}
	for kind := range plurals {
		if version == "v1beta1" && v1alpha1Only[kind] {
			continue
		}
		if !strings.Contains(string(doc), `"dev.stacklok.toolhive.`+version+"."+kind+`"`) {
			return kind, nil
		}
	}
	return "", nil
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "test/crd:", err)
	return 1
}
