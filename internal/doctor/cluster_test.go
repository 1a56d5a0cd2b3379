package doctor_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/doctor"
)

// The CRD and operator checks on a fake client (a unit test of those two checks:
// the shared control plane has every CRD and an operator Deployment).
func TestClusterChecks(t *testing.T) {
	crd := func(kind string, versions ...string) *apiextensionsv1.CustomResourceDefinition {
		c := &apiextensionsv1.CustomResourceDefinition{ObjectMeta: metav1.ObjectMeta{Name: kind + ".toolhive.stacklok.dev"},
			Spec: apiextensionsv1.CustomResourceDefinitionSpec{Group: "toolhive.stacklok.dev", Names: apiextensionsv1.CustomResourceDefinitionNames{Kind: kind}}}
		for _, v := range versions {
			c.Spec.Versions = append(c.Spec.Versions, apiextensionsv1.CustomResourceDefinitionVersion{Name: v, Served: true})
		}
		return c
	}
	all := func(versions ...string) []client.Object {
		var out []client.Object
		for _, k := range crdKinds(t) {
			out = append(out, crd(k, versions...))
		}
		return out
	}
	reconciledGroup := &v1alpha1.MCPGroup{ObjectMeta: metav1.ObjectMeta{Name: "g", Namespace: "default", Generation: 1}, Status: v1alpha1.MCPGroupStatus{ObservedGeneration: 1}}
	cases := map[string]struct {
		objs        []client.Object
		sev         doctor.Severity
		check, text string
	}{
		"no CRDs":          {nil, doctor.Problem, "CRDs", "no CRD of group"},
		"a CRD missing":    {all("v1alpha1", "v1beta1")[1:], doctor.Problem, "CRDs", "missing CRDs for MCPServer"},
		"old CRDs":         {all("v1alpha1"), doctor.Problem, "CRDs", "do not serve both"},
		"no operator":      {all("v1alpha1", "v1beta1"), doctor.Problem, "operator", "no operator Deployment"},
		"operator outside": {append(all("v1alpha1", "v1beta1"), reconciledGroup), doctor.Warning, "operator", "runs outside the cluster"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := fake.NewClientBuilder().WithScheme(doctor.Scheme()).WithObjects(tc.objs...).Build()
			fs, err := (&doctor.Doctor{Client: c, Namespace: "default"}).Run(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			expect(t, fs, tc.sev, tc.check, tc.text)
		})
	}
}

// crdKinds are the kinds the repository ships CRDs for (config/crd/bases), MCPServer
// first: doctor must expect exactly these, whichever kinds are added later.
func crdKinds(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "config", "crd", "bases", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs in config/crd/bases: %v", err)
	}
	kinds := []string{"MCPServer"}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c apiextensionsv1.CustomResourceDefinition
		if err := yaml.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if k := c.Spec.Names.Kind; !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return kinds
}
