package v1beta1

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// TestBothVersionsRegister checks that every kind is known to a scheme under both
// versions, with the same Spec and Status types.
func TestBothVersionsRegister(t *testing.T) {
	s := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	kinds := []string{"MCPServer", "MCPGroup", "MCPRemoteProxy", "MCPServerEntry", "VirtualMCPServer",
		"MCPExternalAuthConfig", "MCPToolConfig", "VirtualMCPCompositeToolDefinition",
		"MCPOIDCConfig", "MCPTelemetryConfig", "MCPAuthzConfig", "MCPRegistry", "MCPWebhookConfig", "EmbeddingServer"}
	for _, k := range kinds {
		for _, gv := range []string{v1alpha1.GroupVersion.Version, GroupVersion.Version} {
			if gv == GroupVersion.Version && v1alpha1Only[k] {
				continue
			}
			gvk := GroupVersion.WithKind(k)
			gvk.Version = gv
			if !s.Recognizes(gvk) {
				t.Errorf("%s not registered", gvk)
			}
			list := gvk
			list.Kind += "List"
			if !s.Recognizes(list) {
				t.Errorf("%s not registered", list)
			}
		}
	}
}

// v1alpha1Only are the kinds the original serves in v1alpha1 only.
var v1alpha1Only = map[string]bool{"MCPWebhookConfig": true}

// TestGeneratedCRDsServeIdenticalVersions reads config/crd/bases and checks each
// CRD serves v1alpha1 and v1beta1 (storage, as the original) with identical schemas,
// columns and subresources, and no conversion webhook.
func TestGeneratedCRDsServeIdenticalVersions(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "config", "crd", "bases", "*.yaml"))
	if err != nil || len(files) < 14 {
		t.Fatalf("expected at least 14 CRDs in config/crd/bases, found %d (%v); run 'make manifests'", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var crd apiextensionsv1.CustomResourceDefinition
			if err := yaml.UnmarshalStrict(data, &crd); err != nil {
				t.Fatal(err)
			}
			if v1alpha1Only[crd.Spec.Names.Kind] {
				if v := crd.Spec.Versions; len(v) != 1 || v[0].Name != "v1alpha1" || !v[0].Storage || !v[0].Served {
					t.Fatalf("want only v1alpha1, served and stored, got %+v", v)
				}
				return
			}
			if len(crd.Spec.Versions) != 2 {
				t.Fatalf("want 2 versions, got %d", len(crd.Spec.Versions))
			}
			a, b := crd.Spec.Versions[0], crd.Spec.Versions[1]
			if a.Name != "v1alpha1" || a.Storage || !a.Served || b.Name != "v1beta1" || !b.Storage || !b.Served {
				t.Fatalf("want v1alpha1 served and v1beta1 served+storage; got %s(served %v storage %v) %s(served %v storage %v)",
					a.Name, a.Served, a.Storage, b.Name, b.Served, b.Storage)
			}
			if diff := cmp.Diff(a.Schema, b.Schema); diff != "" {
				t.Fatalf("schemas differ (-v1alpha1 +v1beta1):\n%s", diff)
			}
			if diff := cmp.Diff(a.AdditionalPrinterColumns, b.AdditionalPrinterColumns); diff != "" {
				t.Fatalf("printer columns differ:\n%s", diff)
			}
			if diff := cmp.Diff(a.Subresources, b.Subresources); diff != "" || a.Subresources == nil || a.Subresources.Status == nil {
				t.Fatalf("want the status subresource in both versions:\n%s", diff)
			}
			if c := crd.Spec.Conversion; c != nil && c.Strategy != apiextensionsv1.NoneConverter {
				t.Fatalf("conversion strategy %q, want None", c.Strategy)
			}
			if got := crd.Spec.Names.Categories; len(got) != 1 || got[0] != "toolhive" {
				t.Fatalf("categories %v, want [toolhive]", got)
			}
			if crd.Spec.Scope != apiextensionsv1.NamespaceScoped || len(crd.Spec.Names.ShortNames) == 0 {
				t.Fatalf("want a namespaced CRD with short names, got scope %s short names %v", crd.Spec.Scope, crd.Spec.Names.ShortNames)
			}
		})
	}
}
