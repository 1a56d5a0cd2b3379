package helmcharts_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	mcpoperator "github.com/mcp-operator/mcp-operator"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current charts")

// fixture is one values file under testdata/<chart>/ and its golden.
type fixture struct {
	chart, name, valuesPath, goldenPath string
}

func fixtures(t *testing.T) []fixture {
	t.Helper()
	var out []fixture
	for _, chart := range []string{"mcpserver", "mcpremoteproxy", "virtualmcpserver", "embeddingserver", "mcpregistry"} {
		paths, err := filepath.Glob(filepath.Join("testdata", chart, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			if strings.HasSuffix(p, ".golden.yaml") {
				continue
			}
			name := strings.TrimSuffix(filepath.Base(p), ".yaml")
			out = append(out, fixture{chart, name, p, filepath.Join("testdata", chart, name+".golden.yaml")})
		}
	}
	if len(out) < 3 {
		t.Fatalf("found only %d fixtures", len(out))
	}
	return out
}

var kinds = map[string]schema.GroupKind{
	"mcpserver":        {Group: "toolhive.stacklok.dev", Kind: "MCPServer"},
	"mcpremoteproxy":   {Group: "toolhive.stacklok.dev", Kind: "MCPRemoteProxy"},
	"embeddingserver":  {Group: "toolhive.stacklok.dev", Kind: "EmbeddingServer"},
	"mcpregistry":      {Group: "toolhive.stacklok.dev", Kind: "MCPRegistry"},
	"virtualmcpserver": {Group: "toolhive.stacklok.dev", Kind: "VirtualMCPServer"},
}

// renderFixture decodes the fixture strictly into the chart's typed values and renders it.
func renderFixture(t *testing.T, r *render.Renderer, f fixture) []byte {
	t.Helper()
	data, err := os.ReadFile(f.valuesPath)
	if err != nil {
		t.Fatal(err)
	}
	var values any
	switch f.chart {
	case "mcpserver":
		var v helmcharts.MCPServerValues
		if err := yaml.UnmarshalStrict(data, &v); err != nil {
			t.Fatalf("%s: %v", f.valuesPath, err)
		}
		values = v
	case "mcpremoteproxy":
		var v helmcharts.MCPRemoteProxyValues
		if err := yaml.UnmarshalStrict(data, &v); err != nil {
			t.Fatalf("%s: %v", f.valuesPath, err)
		}
		values = v
	case "embeddingserver":
		var v helmcharts.EmbeddingServerValues
		if err := yaml.UnmarshalStrict(data, &v); err != nil {
			t.Fatalf("%s: %v", f.valuesPath, err)
		}
		values = v
	case "mcpregistry":
		var v helmcharts.MCPRegistryValues
		if err := yaml.UnmarshalStrict(data, &v); err != nil {
			t.Fatalf("%s: %v", f.valuesPath, err)
		}
		values = v
	case "virtualmcpserver":
		var v helmcharts.VirtualMCPServerValues
		if err := yaml.UnmarshalStrict(data, &v); err != nil {
			t.Fatalf("%s: %v", f.valuesPath, err)
		}
		values = v
	}
	name := strings.SplitN(f.name, "-", 2)[0]
	objs, err := r.Render(kinds[f.chart], render.Release{Name: name, Namespace: "golden"}, values)
	if err != nil {
		t.Fatalf("render %s: %v", f.name, err)
	}
	var buf bytes.Buffer
	for _, o := range objs {
		out, err := yaml.Marshal(o.Object)
		if err != nil {
			t.Fatal(err)
		}
		buf.WriteString("---\n")
		buf.Write(out)
	}
	return buf.Bytes()
}

func newRenderer(t *testing.T) *render.Renderer {
	t.Helper()
	ws, err := render.ParseWatches(mcpoperator.Watches)
	if err != nil {
		t.Fatal(err)
	}
	r, err := render.NewRenderer(render.Options{Watches: ws, Charts: helmcharts.FS})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGolden(t *testing.T) {
	r := newRenderer(t)
	for _, f := range fixtures(t) {
		t.Run(f.chart+"/"+f.name, func(t *testing.T) {
			got := renderFixture(t, r, f)
			if *update {
				if err := os.WriteFile(f.goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(f.goldenPath)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if d := cmp.Diff(string(want), string(got)); d != "" {
				t.Fatalf("%s differs from the golden (-want +got; run with -update if intended):\n%s", f.goldenPath, d)
			}
		})
	}
}
