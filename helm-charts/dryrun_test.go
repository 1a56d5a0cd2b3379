package helmcharts_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/mcp-operator/mcp-operator/internal/render"
)

// TestGoldenDryRun server-side applies every golden object with dryRun=All against a real
// kube-apiserver, so the charts only render objects the API accepts.
func TestGoldenDryRun(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a kube-apiserver (envtest)")
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		assets, _ := filepath.Abs("../bin/k8s/1.34.4-linux-amd64")
		t.Setenv("KUBEBUILDER_ASSETS", assets)
	}
	env := &envtest.Environment{}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("start envtest (run `make tools` for bin/k8s): %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "golden"}}); err != nil {
		t.Fatal(err)
	}
	for _, f := range fixtures(t) {
		t.Run(f.chart+"/"+f.name, func(t *testing.T) {
			data, err := os.ReadFile(f.goldenPath)
			if err != nil {
				t.Fatal(err)
			}
			objs, err := render.Decode(data)
			if err != nil || len(objs) == 0 {
				t.Fatalf("decode %s: %d objects, %v", f.goldenPath, len(objs), err)
			}
			for _, o := range objs {
				o.SetNamespace("golden")
				err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(o), client.FieldOwner("golden-test"), client.ForceOwnership, client.DryRunAll)
				if err != nil {
					t.Errorf("%s %s rejected by the API server: %v", o.GetKind(), o.GetName(), err)
				}
			}
		})
	}
}
