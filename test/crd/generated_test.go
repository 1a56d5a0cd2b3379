package crd

import (
	"os"
	"path/filepath"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// generatedCRD is one CRD of config/crd/bases with an object of its Go type, for the
// tests that compare the schema with the types it was generated from.
type generatedCRD struct {
	crd apiextensionsv1.CustomResourceDefinition
	obj runtime.Object
}

// loadGeneratedCRDs reads every generated CRD and pairs it with its Go type.
func loadGeneratedCRDs(t *testing.T) []generatedCRD {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(repoRoot, "config", "crd", "bases", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs in config/crd/bases (%v): run 'make manifests'", err)
	}
	out := make([]generatedCRD, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var g generatedCRD
		if err := yaml.Unmarshal(data, &g.crd); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if g.obj, err = scheme.New(v1alpha1.GroupVersion.WithKind(g.crd.Spec.Names.Kind)); err != nil {
			t.Fatalf("%s: no Go type for kind %s: %v", f, g.crd.Spec.Names.Kind, err)
		}
		out = append(out, g)
	}
	return out
}
