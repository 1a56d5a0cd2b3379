package controllers

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/render"
)

// seedKinds are the kinds reconciled by this package.
var seedKinds = map[string]bool{"MCPServer": true, "MCPGroup": true, "MCPRemoteProxy": true,
	"MCPServerEntry": true, "MCPToolConfig": true, "MCPExternalAuthConfig": true}

// TestSeedsReconcile applies every seed manifest of this package's kinds (into namespace
// "seeds") and waits until the controller has evaluated it (observedGeneration and phase
// or configHash set).
func TestSeedsReconcile(t *testing.T) {
	requireEnv(t)
	paths, err := filepath.Glob(filepath.Join("..", "test", "testdata", "seeds", "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no seed manifests found under test/testdata/seeds: %v", err)
	}
	ran := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "# expect-reject") {
			continue
		}
		objs, err := render.Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, o := range objs {
			if !seedKinds[o.GetKind()] {
				continue
			}
			ran++
			t.Run(filepath.Base(p), func(t *testing.T) { applySeed(t, o) })
		}
	}
	if ran < 5 {
		t.Fatalf("only %d seed manifests of these kinds; expected the MCPServer/MCPGroup/… seeds", ran)
	}
}

func applySeed(t *testing.T, o *unstructured.Unstructured) {
	ctx := context.Background()
	o.SetNamespace("seeds")
	if err := k8s.Apply(ctx, client.ApplyConfigurationFromUnstructured(o), client.FieldOwner("seed-test"), client.ForceOwnership); err != nil {
		t.Fatalf("apply: %v", err)
	}
	eventually(t, o.GetKind()+" "+o.GetName()+" reconciled", func() error {
		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(o.GroupVersionKind())
		if err := get("seeds", o.GetName(), got); err != nil {
			return err
		}
		observed, _, _ := unstructured.NestedInt64(got.Object, "status", "observedGeneration")
		phase, _, _ := unstructured.NestedString(got.Object, "status", "phase")
		hash, _, _ := unstructured.NestedString(got.Object, "status", "configHash")
		if observed != got.GetGeneration() || (phase == "" && hash == "") {
			return errorf("observedGeneration %d of %d, phase %q", observed, got.GetGeneration(), phase)
		}
		if phase == "Failed" {
			return errorf("seed reconciled to Failed: %v", got.Object["status"])
		}
		return nil
	})
}
