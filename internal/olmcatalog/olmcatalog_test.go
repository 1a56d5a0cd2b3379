package olmcatalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestRewriteCSV(t *testing.T) {
	in := []byte(`apiVersion: operators.coreos.com/v1alpha1
kind: ClusterServiceVersion
metadata:
  name: mcp-operator.v0.1.0
  annotations: {containerImage: "ghcr.io/mcp-operator/manager:0.1.0"}
spec:
  version: 0.1.0
  replaces: old
  install: {spec: {deployments: [{spec: {template: {spec: {containers: [{image: ghcr.io/mcp-operator/manager:0.1.0,
    env: [{name: VMCP_IMAGE, value: ghcr.io/mcp-operator/vmcp:0.1.0}]}]}}}}]}}
  relatedImages: [{image: quay.io/other/thing:1.0, name: other}]
`)
	tests := map[string]struct {
		v            Version
		wantReplaces string
	}{
		"first":   {Version{Version: "0.1.0"}, ""},
		"upgrade": {Version{Version: "0.2.0", Replaces: "mcp-operator.v0.1.0"}, "mcp-operator.v0.1.0"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := RewriteCSV(in, csvName("mcp-operator", tc.v.Version), tc.v, "dev")
			if err != nil {
				t.Fatal(err)
			}
			var csv struct {
				Metadata struct{ Name string }
				Spec     struct{ Version, Replaces string }
			}
			if err := yaml.Unmarshal(out, &csv); err != nil {
				t.Fatal(err)
			}
			if csv.Metadata.Name != "mcp-operator.v"+tc.v.Version || csv.Spec.Version != tc.v.Version || csv.Spec.Replaces != tc.wantReplaces {
				t.Errorf("got name %s version %s replaces %q", csv.Metadata.Name, csv.Spec.Version, csv.Spec.Replaces)
			}
			s := string(out)
			if strings.Contains(s, ":0.1.0") || !strings.Contains(s, "ghcr.io/mcp-operator/vmcp:dev") || !strings.Contains(s, "ghcr.io/mcp-operator/manager:dev") {
				t.Errorf("project images not pointed at :dev:\n%s", s)
			}
			if !strings.Contains(s, "quay.io/other/thing:1.0") {
				t.Errorf("a foreign image was rewritten:\n%s", s)
			}
		})
	}
}

func TestOLMValues(t *testing.T) {
	var v struct {
		InstallType string `json:"installType"`
		Catalog     struct {
			Image        struct{ Ref, PullPolicy string }
			OpmImageArgs string `json:"opmImageArgs"`
		}
		Package struct {
			ReplicaCount int `json:"replicaCount"`
		}
	}
	if err := yaml.Unmarshal(OLMValues("localhost/olm/olm:v0.38.0", "localhost/olm/opm:v1.61.0"), &v); err != nil {
		t.Fatal(err)
	}
	if v.InstallType == "upstream" || v.Catalog.Image.Ref != "localhost/olm/olm:v0.38.0" || v.Catalog.Image.PullPolicy != "IfNotPresent" ||
		v.Catalog.OpmImageArgs != "--opmImage=localhost/olm/opm:v1.61.0" || v.Package.ReplicaCount != 1 {
		t.Fatalf("values %+v", v)
	}
}

func TestBundleImageLabels(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"manifests", "metadata"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ann := "annotations:\n  operators.operatorframework.io.bundle.package.v1: mcp-operator\n  operators.operatorframework.io.bundle.channels.v1: alpha\n"
	if err := os.WriteFile(filepath.Join(dir, "metadata", "annotations.yaml"), []byte(ann), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, err := BundleImage(dir, "localhost/b:v1")
	if err != nil {
		t.Fatal(err)
	}
	if spec.Labels["operators.operatorframework.io.bundle.package.v1"] != "mcp-operator" || len(spec.Layers) != 1 || len(spec.Layers[0]) != 2 {
		t.Fatalf("spec %+v", spec)
	}
	if _, err := BundleImage(t.TempDir(), "x"); err == nil {
		t.Error("a directory without metadata/annotations.yaml made a bundle image")
	}
}
