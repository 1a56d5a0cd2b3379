// Package examples holds the example manifests and migration inputs the README and
// the migration guide point users at. The test applies each manifest unchanged, and
// the plugin's conversion of each migration input, with strict server-side apply.
package examples

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/mcp-operator/mcp-operator/internal/convert"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/testutil/ssa"
)

var cp *localcp.ControlPlane

func TestMain(m *testing.M) {
	os.Exit(ssa.Main(m, "..", func(c *localcp.ControlPlane) error { cp = c; return nil }))
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestManifestsApplyUnchanged applies every YAML manifest as a user would copy it.
func TestManifestsApplyUnchanged(t *testing.T) {
	files, _ := filepath.Glob("*/*.yaml")
	if len(files) < 5 {
		t.Fatalf("found only %v", files)
	}
	for i, f := range files {
		if f == "migration/vmcp-config.yaml" {
			continue // a vmcp config file, not a manifest (TestMigrationScenarios)
		}
		t.Run(f, func(t *testing.T) {
			objs := ssa.ApplyStrict(t, cp, fmt.Sprintf("ex-%d", i), read(t, f))
			if len(objs) == 0 {
				t.Fatal("nothing applied")
			}
		})
	}
}

func convertFile(t *testing.T, path string, o convert.Options) (*convert.Result, []byte) {
	t.Helper()
	res, err := convert.Convert(read(t, path), o)
	if err != nil {
		t.Fatalf("kubectl mcp convert -f %s: %v", path, err)
	}
	y, err := convert.YAML(res.Objects)
	if err != nil {
		t.Fatal(err)
	}
	return res, y
}

func get(t *testing.T, objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	t.Fatalf("no %s %s applied", kind, name)
	return nil
}

func str(o *unstructured.Unstructured, path ...string) string {
	v, _, _ := unstructured.NestedString(o.Object, path...)
	return v
}

// TestMigrationScenarios runs the migration guide's three scenarios with the
// plugin instead of hand edits.
func TestMigrationScenarios(t *testing.T) {
	t.Run("simple server", func(t *testing.T) {
		_, y := convertFile(t, "migration/weather.json", convert.Options{Namespace: "weather", Group: ""})
		objs := ssa.ApplyStrict(t, cp, "weather", y)
		s := get(t, objs, "MCPServer", "weather")
		if str(s, "spec", "image") != "ghcr.io/example/weather:latest" || str(s, "spec", "transport") != "streamable-http" {
			t.Errorf("spec: %v", s.Object["spec"])
		}
	})
	t.Run("server with OIDC", func(t *testing.T) {
		res, y := convertFile(t, "migration/github-oidc.json", convert.Options{Namespace: "oidc", WithGroup: true})
		objs := ssa.ApplyStrict(t, cp, "oidc", y)
		s := get(t, objs, "MCPServer", "github")
		if str(s, "spec", "oidcConfig", "inline", "issuer") != "https://auth.example.com" || str(s, "spec", "oidcConfig", "inline", "clientId") != "github-client" {
			t.Errorf("oidcConfig: %v", s.Object["spec"])
		}
		if len(res.Report.Commands) != 1 || !strings.Contains(res.Report.Commands[0], "kubectl create secret generic github-pat -n oidc") {
			t.Errorf("commands: %v", res.Report.Commands)
		}
	})
	t.Run("grouped servers to VirtualMCPServer", func(t *testing.T) {
		var all []byte
		for _, f := range []string{"migration/backend1.json", "migration/backend2.json"} {
			_, y := convertFile(t, f, convert.Options{Namespace: "services", WithGroup: true})
			all = append(append(all, y...), []byte("---\n")...)
		}
		res, y := convertFile(t, "migration/services-vmcp.yaml", convert.Options{Namespace: "services"})
		all = append(all, y...)
		objs := ssa.ApplyStrict(t, cp, "services", all)
		for _, b := range []string{"backend1", "backend2"} {
			if g := str(get(t, objs, "MCPServer", b), "spec", "groupRef", "name"); g != "services" {
				t.Errorf("%s groupRef %q", b, g)
			}
		}
		v := get(t, objs, "VirtualMCPServer", "services-vmcp")
		if str(v, "spec", "groupRef", "name") != "services" || str(v, "spec", "config", "aggregation", "conflictResolution") != "prefix" {
			t.Errorf("VirtualMCPServer spec: %v", v.Object["spec"])
		}
		if !res.Report.Has(convert.Changed, "VirtualMCPServer/services-vmcp") {
			t.Errorf("legacy forms not reported: %v", res.Report.Notes)
		}
	})
	t.Run("vmcp config file", func(t *testing.T) {
		_, y := convertFile(t, "migration/vmcp-config.yaml", convert.Options{Namespace: "team"})
		objs := ssa.ApplyStrict(t, cp, "team", y)
		get(t, objs, "MCPGroup", "team")
		if u := str(get(t, objs, "MCPServerEntry", "tickets"), "spec", "remoteUrl"); u != "https://tickets.example.com/sse" {
			t.Errorf("tickets remoteUrl %q", u)
		}
		get(t, objs, "VirtualMCPServer", "team-vmcp")
	})
}
