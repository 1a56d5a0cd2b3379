package crd

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"
)

const group = "toolhive.stacklok.dev"

// plurals maps each kind to its resource name.
var plurals = map[string]string{
	"MCPServer":                         "mcpservers",
	"MCPGroup":                          "mcpgroups",
	"MCPRemoteProxy":                    "mcpremoteproxies",
	"MCPServerEntry":                    "mcpserverentries",
	"VirtualMCPServer":                  "virtualmcpservers",
	"MCPExternalAuthConfig":             "mcpexternalauthconfigs",
	"MCPToolConfig":                     "mcptoolconfigs",
	"VirtualMCPCompositeToolDefinition": "virtualmcpcompositetooldefinitions",
	"MCPOIDCConfig":                     "mcpoidcconfigs",
	"MCPTelemetryConfig":                "mcptelemetryconfigs",
	"MCPAuthzConfig":                    "mcpauthzconfigs",
	"MCPWebhookConfig":                  "mcpwebhookconfigs",
	"MCPRegistry":                       "mcpregistries",
	"EmbeddingServer":                   "embeddingservers",
}

// v1alpha1Only are the kinds the original serves in v1alpha1 only.
var v1alpha1Only = map[string]bool{"MCPWebhookConfig": true}

// manifest is one test document: its object and the expectation in its first-line comment.
type manifest struct {
	file   string
	obj    map[string]any
	expect string // field the rejection must name; "" when it must be accepted
}

// loadManifests reads every *.yaml of dir. A first line "# <key>: <field>" sets expect.
func loadManifests(t *testing.T, dir, key string) []manifest {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s (err %v)", dir, err)
	}
	sort.Strings(files)
	out := make([]manifest, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := manifest{file: filepath.Base(f)}
		first, _, _ := strings.Cut(string(data), "\n")
		if v, ok := strings.CutPrefix(first, "# "+key+":"); ok {
			m.expect = strings.TrimSpace(v)
		}
		if err := yaml.Unmarshal(data, &m.obj); err != nil {
			t.Fatalf("%s: %v", m.file, err)
		}
		out = append(out, m)
	}
	return out
}

// createNamespace creates a namespace for one test and deletes it afterwards.
func createNamespace(t *testing.T, name string) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if _, err := kube.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = kube.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
}

// applyStrict server-side applies obj under version into namespace with strict field
// validation and returns the stored object read back.
func applyStrict(t *testing.T, obj map[string]any, version, namespace string) (*unstructured.Unstructured, error) {
	t.Helper()
	u := &unstructured.Unstructured{Object: deepCopyJSON(t, obj)}
	kind := u.GetKind()
	plural, ok := plurals[kind]
	if !ok {
		t.Fatalf("unknown kind %q", kind)
	}
	u.SetAPIVersion(group + "/" + version)
	u.SetNamespace(namespace)
	body, err := json.Marshal(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	gvr := schema.GroupVersionResource{Group: group, Version: version, Resource: plural}
	res := dyn.Resource(gvr).Namespace(namespace)
	_, err = res.Patch(context.Background(), u.GetName(), types.ApplyPatchType, body,
		metav1.PatchOptions{FieldManager: "crd-test", FieldValidation: "Strict"})
	if err != nil {
		return nil, err
	}
	return res.Get(context.Background(), u.GetName(), metav1.GetOptions{})
}

// deepCopyJSON round-trips v through JSON, so numbers compare as float64 and
// YAML-specific types disappear.
func deepCopyJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// missingFrom returns the paths of values in want that got lost or changed in have.
// Nulls in want are ignored (YAML keys with only a comment).
func missingFrom(want, have any, path string) []string {
	switch w := want.(type) {
	case nil:
		return nil
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, stored %T", path, have)}
		}
		var out []string
		for k, wv := range w {
			hv, present := h[k]
			if !present && wv != nil {
				out = append(out, path+"."+k+": missing")
				continue
			}
			out = append(out, missingFrom(wv, hv, path+"."+k)...)
		}
		return out
	case []any:
		h, ok := have.([]any)
		if !ok || len(h) != len(w) {
			return []string{fmt.Sprintf("%s: want %d items, stored %v", path, len(w), have)}
		}
		var out []string
		for i := range w {
			out = append(out, missingFrom(w[i], h[i], fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	default:
		if fmt.Sprint(want) != fmt.Sprint(have) {
			return []string{fmt.Sprintf("%s: want %v, stored %v", path, want, have)}
		}
		return nil
	}
}

// firstLine returns the first line of s, for short failure messages.
func firstLine(s string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	if sc.Scan() {
		return sc.Text()
	}
	return s
}
