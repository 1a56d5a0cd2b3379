package convert_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/mcp-operator/mcp-operator/internal/convert"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/testutil/ssa"
)

// The shared control plane of this package (nil under -short: the apply tests skip).
var cp *localcp.ControlPlane

func TestMain(m *testing.M) {
	os.Exit(ssa.Main(m, filepath.Join("..", ".."), func(c *localcp.ControlPlane) error { cp = c; return nil }))
}

// applyStrict applies manifests with strict server-side apply into namespace ns.
func applyStrict(t *testing.T, ns string, manifests []byte) []*unstructured.Unstructured {
	t.Helper()
	return ssa.ApplyStrict(t, cp, ns, manifests)
}

// assertStored checks that every field the converter wrote is stored unchanged:
// the server neither pruned nor rewrote anything (it may only add defaults).
func assertStored(t *testing.T, res *convert.Result, stored []*unstructured.Unstructured) {
	t.Helper()
	if len(stored) != len(res.Objects) {
		t.Fatalf("applied %d objects, converter wrote %d", len(stored), len(res.Objects))
	}
	for i, o := range res.Objects {
		b, _ := json.Marshal(o)
		var want map[string]any
		_ = json.Unmarshal(b, &want)
		if missing := subset("", want["spec"], stored[i].Object["spec"]); missing != "" {
			t.Errorf("%s %s: stored object differs at %s", o.GetObjectKind().GroupVersionKind().Kind, o.GetName(), missing)
		}
		if stored[i].GetName() != o.GetName() || stored[i].GetKind() != o.GetObjectKind().GroupVersionKind().Kind {
			t.Errorf("object %d: stored %s/%s, wrote %s/%s", i, stored[i].GetKind(), stored[i].GetName(), o.GetObjectKind().GroupVersionKind().Kind, o.GetName())
		}
	}
}

// subset returns the first path where want is not contained in got, or "".
func subset(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path
		}
		for k, v := range w {
			if p := subset(path+"."+k, v, g[k]); p != "" {
				return p
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path
		}
		for i := range w {
			if p := subset(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); p != "" {
				return p
			}
		}
		return ""
	}
	if w, ok := want.(float64); ok { // JSON numbers decode as float64, stored ones as int64
		if g, ok := got.(int64); ok && float64(g) == w {
			return ""
		}
		if fmt.Sprint(w) == fmt.Sprint(got) {
			return ""
		}
	}
	if !reflect.DeepEqual(want, got) {
		return fmt.Sprintf("%s (wrote %v, stored %v)", path, want, got)
	}
	return ""
}

// field reads a nested field of a stored object by a dotted path.
func field(u *unstructured.Unstructured, path string) any {
	var cur any = u.Object
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

// byKind returns the stored object of kind (the first one).
func byKind(t *testing.T, objs []*unstructured.Unstructured, kind string) *unstructured.Unstructured {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() == kind {
			return o
		}
	}
	t.Fatalf("no %s among the applied objects", kind)
	return nil
}
